"""A static look at a student's code for attempts to tamper with grading.

The course's exercises need NumPy and plain Python. Code that reaches into IPython, the
interpreter's import machinery, nbkit itself, the modules the checks use, or the file
system is not needed for any answer, and is how one would try to fool a grader. The
scan does not change any grade: it names what it found so that a person can look
(``nbkit report`` lists flagged submissions). Obfuscation (``getattr(x, "ev" + "al")``)
is flagged by the same rules, because the building blocks are the same.

``scan_source(source, modules, protected)`` -> list of :class:`Finding`. ``modules`` are
names bound to modules anywhere in the notebook (``np``, ``ch01``); ``protected`` are
names the locked set-up cells bind (the checks rely on them).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable, List, Set

from nbkit.grading.cells import parse_cell

# severity "review": could change a grade; "info": unusual, harmless for grading on its own
INTERPRETER = {"builtins", "__builtins__", "importlib", "__import__", "gc", "inspect", "ctypes", "sys",
               "signal", "atexit", "types", "IPython", "ipykernel", "traitlets", "nbgrader", "nbclient"}
DYNAMIC = {"exec", "eval", "compile", "globals", "locals", "vars", "setattr", "delattr", "getattr",
           "breakpoint", "get_ipython"}
STOPS = {"exit", "quit", "_exit", "abort", "kill"}
FILES = {"os", "shutil", "subprocess", "pathlib", "glob", "tempfile", "socket", "urllib", "requests",
         "sqlite3", "pickle", "multiprocessing", "threading"}
EXCEPTIONS = {"AssertionError", "Exception", "BaseException", "NotImplementedError", "KeyboardInterrupt",
              "CheckFailed"}


@dataclass(frozen=True)
class Finding:
    severity: str   # "review" or "info"
    line: int       # 1-based line in the cell
    reason: str

    def as_dict(self) -> dict:
        return {"severity": self.severity, "line": self.line, "reason": self.reason}


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


class _Visitor(ast.NodeVisitor):
    def __init__(self, modules: Set[str], protected: Set[str]):
        self.modules, self.protected = modules, protected
        self.found: List[Finding] = []

    def flag(self, node, severity: str, reason: str) -> None:
        self.found.append(Finding(severity, getattr(node, "lineno", 0), reason))

    # -- imports ---------------------------------------------------------------------
    def _import(self, node, names: Iterable[str]) -> None:
        for name in names:
            top = name.split(".")[0]
            if top in INTERPRETER:
                self.flag(node, "review", f"imports {name}, which reaches into the interpreter or the kernel")
            elif top == "nbkit":
                self.flag(node, "review", f"imports {name}: answers are written by hand, without nbkit")
            elif top in FILES:
                self.flag(node, "info", f"imports {name} (files, processes or the network)")

    def visit_Import(self, node):
        self._import(node, [a.name for a in node.names])
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        base = node.module or ""
        self._import(node, [base] if base else [a.name for a in node.names])
        self.generic_visit(node)

    # -- names and calls ---------------------------------------------------------------
    def visit_Name(self, node):
        if "nbkit" in node.id.lower():
            self.flag(node, "review", f"uses {node.id}, a name of the grader")
        elif node.id in ("__builtins__", "__import__"):
            self.flag(node, "review", f"uses {node.id}")
        elif isinstance(node.ctx, ast.Load) and node.id in ("get_ipython", "breakpoint"):
            self.flag(node, "review", f"calls {node.id}(), which reaches into the kernel")
        self.generic_visit(node)

    def visit_Call(self, node):
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if name in ("exec", "eval", "compile"):
            self.flag(node, "review", f"runs code built at run time with {name}()")
        elif name in ("setattr", "delattr") and node.args:
            target = _dotted(node.args[0])
            if target.split(".")[0] in self.modules | self.protected:
                self.flag(node, "review", f"{name}() on {target}, which the checks use")
        elif name in ("globals", "locals", "vars") and not node.args:
            pass  # reading them is harmless; writing through them shows up as a subscript store
        elif last in STOPS and name.split(".")[0] in ("os", "sys", "exit", "quit", "signal"):
            self.flag(node, "review", f"calls {name}(), which stops the kernel")
        elif name == "open":
            self.flag(node, "info", "opens a file")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers",
                         "set_custom_exc", "events", "showtraceback", "run_cell", "user_ns", "modules",
                         "meta_path", "path_hooks", "settrace", "setprofile", "excepthook",
                         "__code__", "__globals__", "__closure__", "__subclasses__", "__defaults__"):
            self.flag(node, "review", f"touches .{node.attr}, part of the machinery that runs and checks code")
        self.generic_visit(node)

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, str) and len(value) < 300:
            parts = value.replace("\\", "/").split("/")
            if ".." in parts:
                self.flag(node, "review", f"refers to {value!r}, a path outside the submission's folder")
            elif value.endswith((".ipynb", ".db")) or "gradebook" in value or "solutions/" in value:
                self.flag(node, "review", f"refers to {value!r}, a notebook or grading file")

    # -- stores ---------------------------------------------------------------------------
    def _store(self, target, node) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._store(elt, node)
        elif isinstance(target, ast.Attribute):
            root = _dotted(target).split(".")[0]
            if root in self.modules or root in self.protected:
                self.flag(node, "review", f"assigns {_dotted(target)}: changes a module the checks use")
        elif isinstance(target, ast.Subscript):
            root = _dotted(target.value)
            if root in ("globals", "sys.modules", "__builtins__") or isinstance(target.value, ast.Call):
                self.flag(node, "review", f"writes into {root or 'a namespace'}")
        elif isinstance(target, ast.Name):
            if target.id in self.protected:
                self.flag(node, "review", f"rebinds {target.id}, which the locked set-up cell defines")
            elif target.id in EXCEPTIONS:
                self.flag(node, "review", f"rebinds the exception {target.id}")

    def visit_Assign(self, node):
        for target in node.targets:
            self._store(target, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._store(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._store(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for target in node.targets:
            self._store(target, node)
        self.generic_visit(node)

    def _define(self, node):
        if node.name in self.protected or node.name in EXCEPTIONS:
            self.flag(node, "review", f"defines {node.name}, a name the locked set-up cell or Python defines")
        self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _define


def scan_source(source: str, modules: Set[str] = frozenset(), protected: Set[str] = frozenset()) -> List[Finding]:
    """Findings for one cell of student code, in line order (duplicates removed)."""
    found: List[Finding] = []
    for i, line in enumerate(source.splitlines(), 1):
        if line.lstrip().startswith("!"):
            found.append(Finding("review", i, "runs a shell command (!...)"))
    tree = parse_cell(source)
    if tree is None:
        return found  # it will fail when run; nothing it does can reach the grader
    visitor = _Visitor(set(modules), set(protected))
    visitor.visit(tree)
    unique = {(f.line, f.reason): f for f in found + visitor.found}
    return sorted(unique.values(), key=lambda f: (f.line, f.reason))


def module_names(sources: Iterable[str]) -> Set[str]:
    """Names bound to modules by import statements in ``sources`` (``np``, ``ch01``, ``math``)."""
    names: Set[str] = set()
    for source in sources:
        tree = parse_cell(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update((a.asname or a.name.split(".")[0]) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nbkit.checks"):
                names.update(a.asname or a.name for a in node.names)
    return names


def bound_names(source: str) -> Set[str]:
    """Every name a cell binds at top level (imports, assignments, defs): what a set-up cell provides."""
    tree = parse_cell(source)
    if tree is None:
        return set()
    names: Set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name.split(".")[0]) for a in node.names if a.name != "*")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names
