"""Write course notebooks from Python: cells with the right nbgrader metadata.

The .ipynb files in solutions/ are the source of truth; this module is a convenience for
authors who prefer to generate them from a script (see docs/AUTHORING.md)::

    from nbkit import authoring as A
    cells = [
        A.markdown("# 01 Chain rule"),
        A.solution('''def f(x):
            ### BEGIN SOLUTION
            return 2 * x
            ### END SOLUTION''', grade_id="f"),
        A.tests("check_f(f)\\n### BEGIN HIDDEN TESTS\\ncheck_f(f, cases=[3.0], hidden=True)\\n### END HIDDEN TESTS",
                grade_id="f_tests", points=2),
        A.written("Why do gradients add at a branch?", grade_id="branch_answer", points=2),
    ]
    A.write_notebook(cells, "solutions/01_chain_rule/01_chain_rule.ipynb")

Cell ids are derived from grade ids (or position), so regenerating a notebook gives the
same file when nothing changed.
"""
from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path
from typing import Iterable

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0.0,
          task: bool = False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": task}
    if grade or task:
        meta["points"] = points
    return {"nbgrader": meta}


def _clean(source: str) -> str:
    return textwrap.dedent(source).strip("\n")


def markdown(text: str):
    """A plain markdown cell (explanations)."""
    return nbformat.v4.new_markdown_cell(_clean(text))


def code(source: str):
    """A plain code cell the learner may run and edit (demos, playgrounds)."""
    return nbformat.v4.new_code_cell(_clean(source))


def readonly(source: str, *, grade_id: str):
    """A locked code cell (set-up, helpers the tests rely on): nbgrader restores it if edited."""
    return nbformat.v4.new_code_cell(_clean(source), metadata=_meta(grade_id, grade=False, solution=False, locked=True))


def solution(source: str, *, grade_id: str):
    """An autograded exercise's answer cell; code between ``### BEGIN SOLUTION`` and
    ``### END SOLUTION`` is replaced by a stub in the release."""
    src = _clean(source)
    if "### BEGIN SOLUTION" not in src:
        raise ValueError(f"solution cell {grade_id!r} has no '### BEGIN SOLUTION' region")
    return nbformat.v4.new_code_cell(src, metadata=_meta(grade_id, grade=False, solution=True, locked=False))


def tests(source: str, *, grade_id: str, points: float):
    """A locked, graded test cell: a visible check, then ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``."""
    src = _clean(source)
    if "### BEGIN HIDDEN TESTS" not in src:
        raise ValueError(f"test cell {grade_id!r} has no hidden tests; every graded exercise needs some")
    return nbformat.v4.new_code_cell(src, metadata=_meta(grade_id, grade=True, solution=False, locked=True,
                                                         points=points))


def written(answer: str, *, grade_id: str, points: float):
    """A manually graded written answer (markdown). ``answer`` is the model answer, kept in
    solutions/ only: the release shows "YOUR ANSWER HERE"."""
    return nbformat.v4.new_markdown_cell(_clean(answer), metadata=_meta(grade_id, grade=True, solution=True,
                                                                        locked=False, points=points))


def _cell_id(cell, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    basis = grade_id or f"{index}:{cell['cell_type']}:{cell['source'][:200]}"
    return hashlib.sha1(basis.encode()).hexdigest()[:8]


def make_notebook(cells: Iterable):
    """Assemble cells into an nbformat 4.5 notebook with the course's kernel spec."""
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    seen = set()
    for i, cell in enumerate(nb.cells):
        cid = _cell_id(cell, i)
        while cid in seen:  # identical demo cells: keep ids unique
            cid = hashlib.sha1((cid + str(i)).encode()).hexdigest()[:8]
        seen.add(cid)
        cell["id"] = cid
    grade_ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.get("metadata", {})]
    duplicates = {g for g in grade_ids if grade_ids.count(g) > 1}
    if duplicates:
        raise ValueError(f"grade ids must be unique in a notebook; repeated: {sorted(duplicates)}")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_notebook(cells: Iterable, path) -> Path:
    """Write the notebook to ``path`` (creating folders); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = make_notebook(cells)
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
    return path
