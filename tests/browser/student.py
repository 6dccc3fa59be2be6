"""A student's loop through one exercise: a classic mistake, the check's message, the fix.

Used by the per-notebook modules on the instructor's notebook after Run All (so every
earlier cell has run): type the mistake into the answer cell, run it and its check cell
with Shift+Enter, read the diagnosis; type the right answer back, run both, read "✔".
"""
from __future__ import annotations

from .labpage import FAIL_MARK, PASS_MARK, NotebookPage


def introduce(right: str, correct_line: str, wrong_line: str) -> str:
    """``right`` with ``correct_line`` replaced by ``wrong_line`` (which must be there)."""
    if correct_line not in right:
        raise AssertionError(f"the answer cell no longer contains {correct_line!r}; update the "
                             f"browser test to the notebook's new solution:\n{right}")
    return right.replace(correct_line, wrong_line, 1)


def mistake_then_fix(notebook: NotebookPage, answer_id: str, check_id: str, *,
                     correct_line: str, wrong_line: str, exercise: str, diagnosis: str) -> str:
    """Run the loop; returns the failure text the student read."""
    answer = notebook.find_cell(answer_id)
    check = notebook.find_cell(check_id)
    right = answer.source
    try:
        notebook.set_source(answer.index, introduce(right, correct_line, wrong_line))
        ran = notebook.run_cell(answer.index)
        assert not ran.errors, ran.describe()
        shown = notebook.run_cell(check.index)
        where = f"{notebook.path}, {check_id} after typing {wrong_line.strip()!r}"
        assert [e["ename"] for e in shown.errors] == ["CheckFailed"], f"{where}:\n{shown.describe()}"
        assert shown.text.startswith(f"{FAIL_MARK} {exercise}: not yet."), f"{where}:\n{shown.describe()}"
        # The tag is for the grader (in the error's evalue), never in what the student reads.
        assert f"[diagnosis: {diagnosis}]" in (shown.errors[0].get("evalue") or ""), f"{where}:\n{shown.describe()}"
        assert "[diagnosis:" not in shown.text, f"{where}: an internal tag is shown:\n{shown.describe()}"
        failure = shown.text
    finally:  # put the right answer back, whatever happened, for later tests on this page
        notebook.set_source(answer.index, right)
        notebook.run_cell(answer.index)
    fixed = notebook.run_cell(check.index)
    assert not fixed.errors and fixed.text.startswith(f"{PASS_MARK} "), (
        f"{notebook.path}: {check_id} after restoring the right answer:\n{fixed.describe()}")
    return failure
