"""Runs inside the kernel while nbgrader autogrades: every test cell starts from a clean state.

A student's code runs in the same Python process as the checks that grade it, so it can
try to change them: replace ``ch01.check_add_gate``, patch ``np.allclose`` to always say
yes, rebind ``ch01``, install an IPython input transformer that blanks the next cell, or
swallow exceptions. The autograder (see :mod:`nbkit.grading.guard_cells`) runs
:func:`install` in a first cell, before any student code, and :func:`before_test` at the
top of every test cell and again before its hidden tests. They put back:

- the attributes of the modules the checks use (numpy, math, builtins, ..., every nbkit
  module), including the code and defaults of their functions and the methods of nbkit's
  classes, as they were before the student's code ran;
- the names the locked set-up cells bind (``np``, ``ch01``, ``Graph``, ...);
- IPython's hooks: custom exception handlers, input and AST transformers and event
  callbacks that the notebook's own code added;
- ``sys`` hooks: ``stdout``/``stderr``, ``excepthook``, trace and profile functions,
  ``meta_path`` and ``sys.modules`` entries of the watched modules.

:func:`after_test` then publishes a marker that the grader requires before it counts a
test cell as passed: a cell blanked or cut short by an input transformer scores zero.

This is a guard against patching, not a sandbox: code that sets out to defeat this module
(it is open source) can. The static scan (:mod:`nbkit.grading.scan`) flags such code for
a person to read; docs/grading.md says what to do for exams.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Dict, List, Optional, Sequence, Tuple

MARK_MIME = "application/vnd.nbkit.grading+json"
WATCHED = ("builtins", "math", "operator", "functools", "itertools", "copy", "numbers", "importlib",
           "numpy", "numpy.linalg", "numpy.random", "numpy.testing")
_SKIP_BUILTINS = {"_", "__", "___"}  # IPython's output history lives here and changes every cell

_state: Optional["_Snapshot"] = None


def _is_user_code(fn) -> bool:
    """Was ``fn`` defined by notebook code (``__main__`` or an IPython cell file)?"""
    module = getattr(fn, "__module__", None)
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    filename = getattr(code, "co_filename", "") or ""
    return module in (None, "__main__") or "ipykernel_" in filename or filename.startswith("<ipython-input")


class _Snapshot:
    """The clean state, taken before any student code runs."""

    def __init__(self, bindings: Dict[str, object]):
        from IPython.display import publish_display_data

        self.publish = publish_display_data  # kept from before the student's code could patch it
        self.bindings = dict(bindings)
        self.modules: Dict[str, Tuple[types.ModuleType, dict]] = {}
        self.functions: List[Tuple[types.FunctionType, tuple]] = []
        self.classes: List[Tuple[type, dict]] = []
        self.containers: List[Tuple[object, object]] = []
        for name in list(sys.modules):
            if name in WATCHED or name == "nbkit" or name.startswith("nbkit."):
                if name != __name__:
                    self._watch(name, sys.modules[name])
        self.sys_attrs = {k: getattr(sys, k) for k in ("stdout", "stderr", "excepthook", "displayhook")}
        self.meta_path = list(sys.meta_path)
        self.path = list(sys.path)
        self.shell = self._shell_state()

    def _watch(self, name: str, module) -> None:
        if not isinstance(module, types.ModuleType):
            return
        saved = dict(vars(module))
        self.modules[name] = (module, saved)
        own = name == "nbkit" or name.startswith("nbkit.")
        for value in saved.values():
            if isinstance(value, types.FunctionType) and (own or value.__module__ == name):
                self.functions.append((value, (value.__code__, value.__defaults__, value.__kwdefaults__)))
            elif own and isinstance(value, type) and value.__module__.startswith("nbkit"):
                members = dict(vars(value))
                self.classes.append((value, members))
                for member in members.values():
                    fn = getattr(member, "__func__", member)
                    if isinstance(fn, types.FunctionType):
                        self.functions.append((fn, (fn.__code__, fn.__defaults__, fn.__kwdefaults__)))
            elif own and isinstance(value, (list, dict, set)):
                self.containers.append((value, value.copy()))

    @staticmethod
    def _shell():
        try:
            from IPython import get_ipython
        except ImportError:
            return None
        return get_ipython()

    def _shell_state(self):
        shell = self._shell()
        if shell is None:
            return None
        manager = shell.input_transformer_manager
        return {
            "shell": shell,
            "custom": (shell.custom_exceptions, shell.CustomTB),
            "manager": manager,
            "cleanup": list(manager.cleanup_transforms),
            "line": list(manager.line_transforms),
            "tokens": list(getattr(manager, "token_transformers", [])),
            "post": list(shell.input_transformers_post),
            "ast": list(shell.ast_transformers),
            "events": {k: list(v) for k, v in shell.events.callbacks.items()},
            "attrs": set(vars(shell)),
        }

    # -- restoring -----------------------------------------------------------------------
    def restore(self, namespace: Optional[dict]) -> None:
        sys.settrace(None)
        sys.setprofile(None)
        for key, value in self.sys_attrs.items():
            if getattr(sys, key) is not value:
                setattr(sys, key, value)
        if sys.meta_path != self.meta_path:
            sys.meta_path[:] = self.meta_path
        if sys.path != self.path:
            sys.path[:] = self.path
        for name, (module, saved) in self.modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
            current = vars(module)
            for key, value in saved.items():
                if current.get(key, _MISSING) is not value and not (name == "builtins" and key in _SKIP_BUILTINS):
                    setattr(module, key, value)
        for cls, members in self.classes:
            current = vars(cls)
            for key, value in members.items():
                if current.get(key, _MISSING) is not value and key not in ("__dict__", "__weakref__"):
                    setattr(cls, key, value)
        for fn, (code, defaults, kwdefaults) in self.functions:
            if fn.__code__ is not code:
                fn.__code__ = code
            if fn.__defaults__ is not defaults:
                fn.__defaults__ = defaults
            if fn.__kwdefaults__ is not kwdefaults:
                fn.__kwdefaults__ = kwdefaults
        for container, saved in self.containers:
            if container != saved:
                container.clear()
                if isinstance(container, list):
                    container.extend(saved)
                else:
                    container.update(saved)
        if self.shell is not None:
            self._restore_shell()
        if namespace is not None:
            for key, value in self.bindings.items():
                if namespace.get(key, _MISSING) is not value:
                    namespace[key] = value

    def _restore_shell(self) -> None:
        state = self.shell
        shell = state["shell"]
        shell.custom_exceptions, shell.CustomTB = state["custom"]
        if shell.input_transformer_manager is not state["manager"]:
            shell.input_transformer_manager = state["manager"]
        manager = state["manager"]

        def clean(current: list, saved: list) -> None:
            kept = [f for f in current if f in saved or not _is_user_code(f)]
            kept += [f for f in saved if f not in kept]
            if kept != current:
                current[:] = kept

        clean(manager.cleanup_transforms, state["cleanup"])
        clean(manager.line_transforms, state["line"])
        if hasattr(manager, "token_transformers"):
            clean(manager.token_transformers, state["tokens"])
        clean(shell.input_transformers_post, state["post"])
        clean(shell.ast_transformers, state["ast"])
        for event, callbacks in shell.events.callbacks.items():
            clean(callbacks, state["events"].get(event, []))
        for attr in set(vars(shell)) - state["attrs"]:
            if callable(getattr(type(shell), attr, None)):
                delattr(shell, attr)  # an instance attribute shadowing a method: a patch


_MISSING = object()


def _resolve(module: str, name: Optional[str]):
    """``import module`` (name None) or ``from module import name`` (a submodule or an attribute)."""
    if name is None:
        return importlib.import_module(module)
    try:
        return importlib.import_module(f"{module}.{name}")
    except ImportError:
        return getattr(importlib.import_module(module), name)


def install(bindings: Sequence[Tuple[str, str, Optional[str]]] = ()) -> None:
    """Import what the set-up cells import and remember the clean state. ``bindings`` are
    ``(variable, module, name or None)`` for each import in the locked cells."""
    global _state
    import numpy  # noqa: F401 - the checks' numpy, watched from the start

    resolved = {}
    for variable, module, name in bindings:
        try:
            resolved[variable] = _resolve(module, name)
        except Exception:  # noqa: BLE001 - the set-up cell will report the same error itself
            continue
    for name in ("numpy.linalg", "numpy.random", "numpy.testing"):
        importlib.import_module(name)
    _state = _Snapshot(resolved)


def before_test(namespace: Optional[dict] = None) -> None:
    """Put the clean state back (top of every test cell, and again before its hidden tests)."""
    if _state is not None:
        _state.restore(namespace)


def hidden_tests(namespace: Optional[dict] = None) -> None:
    """Called where the hidden tests start: clean state again, and a marker so that feedback
    knows which outputs came from hidden tests."""
    before_test(namespace)
    if _state is not None:
        _state.publish({MARK_MIME: {"event": "hidden"}})


def after_test(nonce: str, grade_id: str) -> None:
    """The last line of a test cell: reached only if every check in it passed."""
    if _state is not None:
        _state.publish({MARK_MIME: {"event": "done", "nonce": nonce, "grade_id": grade_id}})
