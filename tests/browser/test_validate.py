"""nbgrader's Validate button, clicked on a release notebook as a student would before submitting.

The button (nbgrader's JupyterLab extension) saves the notebook, asks the server to run
``nbgrader validate`` on it, and opens a "Validation Results" dialog. On the untouched
release it lists, under "The following cell failed:", every autograded check cell with
nbkit's "✘ <exercise>: not yet." message, and every written answer with "You did not
provide a response."; on the same notebook with every answer cell filled in from the
instructor's version it says "Success! Your notebook passes all the tests."

Validation executes the whole notebook in a fresh kernel (several seconds), so this runs on
the first release notebook only; the other notebooks' checks are covered by
test_notebooks.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .coursefiles import RELEASE, SOLUTIONS, course_notebooks, filled_release, topic
from .labpage import FAIL_MARK

pytestmark = pytest.mark.browser

RELEASES = course_notebooks(RELEASE)
FIRST = RELEASES[0] if RELEASES else None
needs_release = pytest.mark.skipif(FIRST is None, reason="no release notebook in notebooks/ yet")


def _graded_cells(notebook_file: Path) -> tuple[list[str], list[str]]:
    """grade_ids of (autograded check cells, manually graded answer cells) with points."""
    checks, answers = [], []
    for cell in json.loads(notebook_file.read_text())["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if not meta.get("grade") or not meta.get("points", 0):
            continue
        (answers if meta.get("solution") else checks).append(meta["grade_id"])
    return checks, answers


@needs_release
def test_validate_lists_every_check_of_the_untouched_release_as_failed(
        course_root, open_notebook, timings):
    checks, answers = _graded_cells(course_root / FIRST)
    notebook = open_notebook(FIRST)
    result = notebook.validate()
    timings["validate_untouched_seconds"] = round(result.seconds, 1)
    assert not result.success and result.title == "Validation Results", result.text
    assert result.kinds == ["validation-failed"], result.text
    # nbgrader lists each failing check and each written answer still holding its stub
    assert result.failed_cells == len(checks) + len(answers), (
        f"{FIRST}: {len(checks)} autograded checks ({', '.join(checks)}) and {len(answers)} "
        f"written answers, but the dialog lists {result.failed_cells} failures:\n{result.text}")
    assert result.text.count("You did not provide a response.") == len(answers), result.text
    # under each check the student reads nbkit's message, not a traceback through nbkit
    assert result.text.count(f"{FAIL_MARK} ") == len(checks), result.text
    assert result.text.count("not yet.") == len(checks), result.text
    assert "Traceback (most recent call last)" not in result.text
    notebook.close_dialog()


@needs_release
def test_validate_reports_success_once_every_answer_is_filled_in(
        course_root, open_notebook, timings):
    name = topic(FIRST)
    solved = f"{RELEASE}/{name}/{name}-solved.ipynb"
    filled = filled_release(course_root / FIRST, course_root / SOLUTIONS / name / f"{name}.ipynb",
                            course_root / solved)
    assert filled > 0, f"no answer cell of {FIRST} matched a grade_id in {SOLUTIONS}/"
    notebook = open_notebook(solved)
    result = notebook.validate()
    timings["validate_solved_seconds"] = round(result.seconds, 1)
    assert result.success, f"{solved}: Validate did not report success:\n{result.text}"
    assert result.kinds == ["validation-success"]
    assert "Success! Your notebook passes all the tests." in result.text
    notebook.close_dialog()
