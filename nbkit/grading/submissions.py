"""Student submissions made from the release, for tests, benchmarks and dry runs.

A submission is the release notebook (what students download) with some solution cells
filled in: ``build_submission(release, {"add_gate": "class AddGate: ..."})``. The
reference answers come from the solutions notebook, markers removed.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Dict, Optional

import nbformat

from nbkit.course import release_notebook, source_notebook
from nbkit.grading.cells import grade_id, is_solution_code, is_written_answer, strip_solution_markers
from nbkit.grading.layout import SUBMITTED

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
