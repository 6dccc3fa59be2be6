"""What an autograded notebook says: each test cell's outcome, its diagnosis, the integrity record.

nbgrader scores a test cell by whether it has an error output. nbkit's checks fail with
:class:`nbkit.feedback.CheckFailed`, whose error output carries ``[diagnosis: TAG]`` (in
its ``evalue``, and in older versions of the checks also in the rendered traceback); that
tag names the mistake (``own-value``, ``transposed``, ...). Other failures get a tag from
the exception: ``timeout`` for a cell that ran out of time, ``syntax-error`` when a
solution cell of the exercise is not valid Python, ``not-implemented`` when it still is the
release's stub (``raise NotImplementedError()``; in both cases the test then fails with
NameError, which would name the wrong thing), ``error-NameError`` and so on otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from nbkit.grading.cells import exercises, grade_id, is_test_cell, nbgrader_meta, strip_ansi
from nbkit.grading.folders import autograded_folder

_DIAGNOSIS = re.compile(r"\[diagnosis: ([^\]]+)\]")
TIMEOUT_ERRORS = {"CellTimeoutError": "timeout", "KeyboardInterrupt": "timeout", "DeadKernelError": "kernel-died"}
SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")
NOT_IMPLEMENTED = "not-implemented"      # the stub is still there: not a mistake, work not done
SYNTAX, TIMEOUT = "syntax-error", "timeout"


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
    """The diagnosis tag of an error output (see the module docstring): read from the
    traceback's lines or from ``evalue``, whichever holds it."""
    lines = [strip_ansi(line) for line in error.get("traceback") or []]
    for line in reversed(lines + [strip_ansi(str(error.get("evalue") or ""))]):
        match = _DIAGNOSIS.search(line)
        if match:
            return match.group(1).strip()
    ename = error.get("ename", "")
    if ename == "NotImplementedError":
        return NOT_IMPLEMENTED
    return TIMEOUT_ERRORS.get(ename, f"error-{ename}" if ename else "error")


def _message(error: dict) -> str:
    lines = [strip_ansi(line) for line in error.get("traceback") or []]
    lines = [line for line in lines if not _DIAGNOSIS.search(line)]
    return "\n".join(lines[-12:]).strip() or f"{error.get('ename')}: {error.get('evalue')}"


def _first_error(cell) -> Optional[dict]:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return errors[0] if errors else None


def syntax_error_line(error: dict) -> str:
    """``SyntaxError: invalid syntax (line 3)``, from an error output, without paths."""
    lines = [strip_ansi(ln) for ln in error.get("traceback") or []]
    where = next((m.group(1) for ln in lines for m in [re.search(r"line (\d+)", ln)] if m), "")
    return f"{error.get('ename')}: {error.get('evalue', '')}".split(" (")[0] + (f" (line {where})" if where else "")


def outcomes(nb) -> Dict[str, TestOutcome]:
    """``{test grade id: TestOutcome}`` for every test cell of an executed notebook."""
    found = {}
    # A solution cell that is not valid Python, or ran out of time, is what failed its test.
    solution_errors: Dict[str, dict] = {}
    for cell in nb.cells:
        error = _first_error(cell) if cell.get("cell_type") == "code" and grade_id(cell) else None
        if error and not is_test_cell(cell) and (error.get("ename") in SYNTAX_ERRORS + ("NotImplementedError",)
                                                   or TIMEOUT_ERRORS.get(error.get("ename")) == TIMEOUT):
            solution_errors[grade_id(cell)] = error
    cause = {e.test_id: next((solution_errors[s] for s in e.solution_ids if s in solution_errors), None)
             for e in exercises(nb)}
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
        outcome = TestOutcome(
            grade_id(cell), points, False, ename=error.get("ename", ""), diagnosis=diagnosis_of(error),
            message=_message(error), in_hidden=hidden_from is not None and index >= hidden_from)
        source_error = cause.get(grade_id(cell))
        if source_error is not None and outcome.diagnosis != TIMEOUT:
            if source_error.get("ename") in SYNTAX_ERRORS:
                outcome.diagnosis, outcome.message = SYNTAX, syntax_error_line(source_error)
            elif source_error.get("ename") == "NotImplementedError":  # the release's stub is still there
                outcome.diagnosis = NOT_IMPLEMENTED
            else:
                outcome.diagnosis = TIMEOUT
        found[grade_id(cell)] = outcome
    return found


def needs_a_look(nb: "AutogradedNotebook") -> List[str]:
    """Short reasons for a person to look at a submission: syntax errors, timeouts, edited
    locked cells, code that reaches into the grader. Empty for an ordinary submission."""
    from nbkit.grading.integrity import REVIEW

    out = [f"syntax error in {t.grade_id} ({t.message})" for t in nb.tests.values() if t.diagnosis == SYNTAX]
    out += [f"ran out of time in {t.grade_id}" for t in nb.tests.values() if t.diagnosis == TIMEOUT]
    out += [f"{item['cell']}: {item['detail']}" for item in nb.integrity if item.get("severity") == REVIEW]
    out += [f"the grader's guard cell failed: {error}" for error in nb.guard_errors]
    return out


def kind_of(reason: str) -> str:
    """The kind of a :func:`needs_a_look` reason, for counting: syntax error, timeout, tampering."""
    if reason.startswith("syntax error"):
        return "syntax error"
    if reason.startswith("ran out of time"):
        return "timed out"
    return "tampering"


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
