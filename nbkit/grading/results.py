"""What an autograded notebook says: each test cell's outcome, its diagnosis, the integrity record.

nbgrader scores a test cell by whether it has an error output. nbkit's checks fail with
:class:`nbkit.feedback.CheckFailed`, whose rendered traceback ends with
``[diagnosis: TAG]``; that tag names the mistake (``own-value``, ``transposed``, ...).
Other failures get a tag from the exception: ``timeout`` for a cell that ran out of
time, ``error-NameError`` and so on otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from nbkit.grading.cells import grade_id, is_test_cell, nbgrader_meta, strip_ansi
from nbkit.grading.layout import autograded_folder

_DIAGNOSIS = re.compile(r"\[diagnosis: ([^\]]+)\]")
TIMEOUT_ERRORS = {"CellTimeoutError": "timeout", "KeyboardInterrupt": "timeout", "DeadKernelError": "kernel-died"}


@dataclass
class TestOutcome:
    """One graded test cell. ``diagnosis`` is empty when it passed."""

    grade_id: str
    points: float
    passed: bool
    ename: str = ""
    diagnosis: str = ""
    message: str = ""
    in_hidden: bool = False  # the failure came from the hidden tests


@dataclass
class AutogradedNotebook:
    path: Path
    tests: Dict[str, TestOutcome] = field(default_factory=dict)
    integrity: List[dict] = field(default_factory=list)
    guard_errors: List[str] = field(default_factory=list)

    @property
    def failed(self) -> List[TestOutcome]:
        return [t for t in self.tests.values() if not t.passed]


def diagnosis_of(error: dict) -> str:
    """The diagnosis tag of an error output (see the module docstring)."""
    lines = [strip_ansi(line) for line in error.get("traceback") or []]
    for line in reversed(lines):
        match = _DIAGNOSIS.search(line)
        if match:
            return match.group(1).strip()
    ename = error.get("ename", "")
    return TIMEOUT_ERRORS.get(ename, f"error-{ename}" if ename else "error")


def _message(error: dict) -> str:
    lines = [strip_ansi(line) for line in error.get("traceback") or []]
    lines = [line for line in lines if not _DIAGNOSIS.search(line)]
    return "\n".join(lines[-12:]).strip() or f"{error.get('ename')}: {error.get('evalue')}"


def outcomes(nb) -> Dict[str, TestOutcome]:
    """``{test grade id: TestOutcome}`` for every test cell of an executed notebook."""
    found = {}
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        outputs = cell.get("outputs", [])
        errors = [(i, o) for i, o in enumerate(outputs) if o.get("output_type") == "error"]
        points = float(nbgrader_meta(cell).get("points", 0) or 0)
        if not errors:
            found[grade_id(cell)] = TestOutcome(grade_id(cell), points, True)
            continue
        index, error = errors[-1]
        hidden_from = cell.get("metadata", {}).get("nbkit", {}).get("hidden_from")
        found[grade_id(cell)] = TestOutcome(
            grade_id(cell), points, False, ename=error.get("ename", ""), diagnosis=diagnosis_of(error),
            message=_message(error), in_hidden=hidden_from is not None and index >= hidden_from)
    return found


def read_notebook(path: Path) -> AutogradedNotebook:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    meta = nb.metadata.get("nbkit", {})
    return AutogradedNotebook(path=Path(path), tests=outcomes(nb), integrity=list(meta.get("integrity", [])),
                              guard_errors=list(meta.get("guard_errors", [])))


def read_autograded(course: Path, student: str, assignment: str) -> Optional[AutogradedNotebook]:
    """The autograded notebook of ``student``'s ``assignment`` in ``course``, or None."""
    path = autograded_folder(course, student, assignment) / f"{assignment}.ipynb"
    return read_notebook(path) if path.is_file() else None
