"""Feedback from `nbgrader generate_feedback` (run by `nbkit grade --feedback`) names the hidden
case that failed and the mistake, and never shows hidden tests' code or values."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from nbkit.grading.batch import grade
from nbkit.grading.cells import grade_id
from nbkit.grading.feedback import hidden_region
from nbkit.grading.submissions import reference_submission, submit

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"

# Right on the visible cases (upstream 1, -2.5, 2), wrong when |upstream| < 1 (hidden case 2:
# upstream 0.1), and prints its inputs, hidden ones included.
ADD_WRONG_ON_HIDDEN = '''class AddGate:
    label = "+"
    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y
    def backward(self, upstream):
        print("backward called with", upstream, self.x, self.y)
        if abs(upstream) < 1:
            return 1.0, 1.0
        return upstream, upstream
'''

MUL_RAISES_ON_HIDDEN = '''class MulGate:
    label = "*"
    def forward(self, x, y):
        if x == 0:
            raise ZeroDivisionError(f"cannot handle x={x}, y={y}")
        self.x, self.y = x, y
        return x * y
    def backward(self, upstream):
        return upstream * self.y, upstream * self.x
'''

MAX_LOOPS_ON_HIDDEN = '''class MaxGate:
    label = "max"
    def forward(self, x, y):
        while x == -5.0:
            pass
        self.x_wins = x > y
        return x if self.x_wins else y
    def backward(self, upstream):
        return (upstream, 0.0) if self.x_wins else (0.0, upstream)
'''


def _text(path: Path) -> str:
    """The feedback page as a reader sees it: tags removed, entities decoded."""
    page = path.read_text()
    page = re.sub(r"<style.*?</style>|<script.*?</script>|data:image/[^\"']+", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    course = tmp_path_factory.mktemp("feedback") / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / A, course / folder / A)
    submit(course, "reference", A, reference_submission(course, A))
    submit(course, "hidden", A, reference_submission(course, A, {
        "add_gate": ADD_WRONG_ON_HIDDEN, "mul_gate": MUL_RAISES_ON_HIDDEN, "max_gate": MAX_LOOPS_ON_HIDDEN}))
    nb = reference_submission(course, A)
    nb.cells = [c for c in nb.cells if grade_id(c) != "copy_gate"]  # NameError in the visible check
    submit(course, "visible", A, nb)
    summary = grade(course, jobs=2, batch_size=2, timeout=5, feedback=True, progress=False)
    assert not summary.failed and not summary.blank
    source = nbformat.read(str(course / "solutions" / A / f"{A}.ipynb"), as_version=4)
    hidden = [hidden_region(c.source) for c in source.cells if hidden_region(c.source)]
    pages = {s: _text(course / "feedback" / s / A / f"{A}.html") for s in ("reference", "hidden", "visible")}
    return hidden, pages


@pytest.mark.slow
def test_feedback_shows_no_hidden_code(feedback):
    hidden, pages = feedback
    lines = {ln.strip() for code in hidden for ln in code.splitlines() if len(ln.strip()) >= 12}
    for student, text in pages.items():
        shown = [ln for ln in lines if ln in text]
        assert not shown, f"{student}'s feedback shows hidden test code: {shown[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text and "__nbkit_guard__" not in text


@pytest.mark.slow
def test_feedback_shows_no_hidden_values(feedback):
    _, pages = feedback
    # Values of the hidden cases of the three broken exercises, as the checks or prints would show them.
    secrets = ["-1.25", "10.5", "0.1 ", "-7.0", "7.0", "-0.4", "-5.0", "-5 ", "0.3", "-0.2"]  # not in visible cases
    text = pages["hidden"]
    assert "backward called with 1" in text        # the student's prints during the visible check stay
    for hidden_call in ("with 3.0 0.5 -1.25", "with 0.1 -7.0 2.0", "with -1.0 10.0 10.5"):
        assert f"backward called {hidden_call}" not in text  # ... those during hidden cases go
    leaked = [s for s in secrets if s in text and s not in pages["reference"]]
    assert not leaked, f"hidden values in the feedback: {leaked}"


@pytest.mark.slow
def test_feedback_names_the_failed_hidden_case_and_mistake(feedback):
    _, pages = feedback
    text = pages["hidden"]
    assert "hidden case 2" in text and "[diagnosis: forgot-upstream]" in text
    assert "multiply each by upstream" in text
    assert "[diagnosis: raised-ZeroDivisionError]" in text
    assert "ran out of time" in text
    assert "\u2714 CopyGate" in text  # passing exercises still say so


@pytest.mark.slow
def test_visible_failures_keep_their_values_but_not_the_hidden_lines_around_them(feedback):
    _, pages = feedback
    text = pages["visible"]
    assert "NameError" in text and "CopyGate" in text
