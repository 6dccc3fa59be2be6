"""Student submissions made from the release, for tests, benchmarks and dry runs.

A submission is the release notebook (what students download) with some solution cells
filled in: ``build_submission(release, {"add_gate": "class AddGate: ..."})``. The
reference answers come from the solutions notebook, markers removed.
"""
from __future__ import annotations

import ast
import builtins
import copy
from pathlib import Path
from typing import Dict, Iterable, Optional, Set

import nbformat

from nbkit.course import release_notebook, source_notebook
from nbkit.grading.cells import grade_id, is_solution_code, is_written_answer, parse_cell, strip_solution_markers
from nbkit.grading.folders import SUBMITTED

WRITTEN_ANSWER = "An answer written by the student."


def reference_answers(course: Path, assignment: str) -> Dict[str, str]:
    """``{solution grade id: code}`` from the solutions notebook, without the solution markers."""
    nb = nbformat.read(str(source_notebook(course, assignment)), as_version=4)
    return {grade_id(c): strip_solution_markers(c.source) for c in nb.cells if is_solution_code(c)}


def build_submission(release, answers: Dict[str, str], written: Optional[str] = WRITTEN_ANSWER):
    """A copy of the ``release`` notebook whose solution cells named in ``answers`` hold that
    code (others keep the stub); written answers get ``written`` unless it is None."""
    unknown = set(answers) - {grade_id(c) for c in release.cells if is_solution_code(c)}
    if unknown:
        raise ValueError(f"no solution cell with grade id {sorted(unknown)} in the release")
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if is_solution_code(cell) and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
        elif is_written_answer(cell) and written is not None:
            cell.source = written
    return nb


def reference_submission(course: Path, assignment: str, changes: Optional[Dict[str, str]] = None):
    """The release with every exercise answered by the reference solution, then ``changes``
    (``{grade id: code}``) applied: e.g. one wrong answer on top of a full-marks submission."""
    release = nbformat.read(str(release_notebook(course, assignment)), as_version=4)
    answers = dict(reference_answers(course, assignment), **(changes or {}))
    return build_submission(release, answers)


def submit(course: Path, student: str, assignment: str, nb=None, *, raw: Optional[bytes] = None) -> Path:
    """Write a submission to ``submitted/<student>/<assignment>/<assignment>.ipynb`` (a notebook,
    or ``raw`` bytes for malformed files) and return its path."""
    folder = Path(course) / SUBMITTED / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    if raw is not None:
        path.write_bytes(raw)
    else:
        nbformat.write(nb, str(path))
    return path


def _free_names(source: str) -> Set[str]:
    """Names a cell reads but does not define itself (arguments and locals count as defined)."""
    tree = parse_cell(source)
    if tree is None:
        return set()
    loads, defined = set(), set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name.split(".")[0]) for a in node.names)
    return loads - defined


def _global_names(source: str) -> Set[str]:
    """Names a cell binds at module level (not inside its functions or classes)."""
    tree = parse_cell(source)
    if tree is None:
        return set()
    names, todo = set(), list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name.split(".")[0]) for a in node.names)
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, (ast.stmt, ast.expr, ast.excepthandler, ast.withitem, ast.comprehension)) \
                    and not isinstance(child, ast.Lambda):
                todo.append(child)
    return names


def drop_demo_cells(nb, extra_code: Iterable[str] = ()):
    """A copy of ``nb`` without the code cells nbgrader does not know (demos, plots), except
    those that define a name the kept cells (or ``extra_code``) use: what a student who
    deleted the demos would submit. Grading it gives the same grades, in less time."""
    nb = copy.deepcopy(nb)
    graded = [c for c in nb.cells if c.cell_type != "code" or "nbgrader" in c.metadata]
    needed = set().union(*[_free_names(c.source) for c in graded if c.cell_type == "code"],
                         *[_free_names(code) for code in extra_code])
    keep = {id(c) for c in graded}
    changed = True
    while changed:  # a kept demo cell may need another demo cell in turn
        changed = False
        for cell in nb.cells:
            if id(cell) not in keep and _global_names(cell.source) & needed:
                keep.add(id(cell))
                needed |= _free_names(cell.source)
                changed = True
    nb.cells = [c for c in nb.cells if id(c) in keep]
    return nb
