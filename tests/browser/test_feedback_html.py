"""The feedback page nbgrader writes (with nbkit's preprocessors) in a real Chromium: long
check messages and long printed lines wrap inside the page, and no number is split across
two lines.

One submission of notebook 01 is graded with ``nbkit grade --feedback``: its MulGate raises
an error whose message is a long list of numbers (so the check's failure message is long),
and one of its cells prints a long line of numbers. The feedback HTML is opened from disk
(file://) at the width of nbgrader's feedback box; the test measures the page and each
output block (no horizontal overflow) and every number in them (one line box each), and
saves a screenshot to test-artifacts/browser/feedback.png.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from nbkit.grading.batch import grade
from nbkit.grading.cells import grade_id
from nbkit.grading.submissions import reference_submission, submit

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
A = "01_chain_rule"
WIDTH = 1046  # the feedback box the overflow was first seen in

LONG_RAISE = '''class MulGate:
    label = "*"
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y
    def backward(self, upstream):
        raise ValueError("expected gradients " + " ".join(f"{0.123456 * k:.6f}" for k in range(1, 160)))
'''
LONG_PRINT = 'print("gradient check: " + ", ".join(f"{-1.0 / k:.8f}" for k in range(1, 200)))'

MEASURE = """() => {
  const doc = document.documentElement;
  const blocks = [...document.querySelectorAll('div.output_area pre, div.output_subarea pre')];
  const overflowing = blocks.filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.textContent.slice(0, 80));
  const number = /-?\\d+\\.\\d+/g;
  let numbers = 0, split = [], wrapped = 0;
  for (const block of blocks) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let lines = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(number)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const boxes = [...range.getClientRects()].filter(r => r.width > 0);
        numbers += 1;
        if (boxes.length !== 1) split.push(m[0]);
        else lines.add(Math.round(boxes[0].top));
      }
    }
    if (lines.size > 1) wrapped += 1;
  }
  return {pageWidth: doc.scrollWidth, viewWidth: doc.clientWidth, overflowing, numbers, split, wrapped};
}"""


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("feedback-html") / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / A, course / folder / A)
    nb = reference_submission(course, A, {"mul_gate": LONG_RAISE})
    where = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "add_gate_tests")
    nb.cells.insert(where + 1, nbformat.v4.new_code_cell(LONG_PRINT))
    submit(course, "long", A, nb)
    summary = grade(course, feedback=True, jobs=1, progress=False)
    assert f"long/{A}" in summary.graded, summary.lines()
    return course / "feedback" / "long" / A / f"{A}.html"


def test_long_messages_wrap_without_splitting_numbers(chromium, feedback_page):
    html = feedback_page.read_text()
    assert "expected gradients 0.123456" in html and "gradient check: -1.00000000" in html
    context = chromium.new_context(viewport={"width": WIDTH, "height": 900})
    try:
        page = context.new_page()
        page.goto(feedback_page.as_uri())
        page.wait_for_load_state("load")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "feedback.png"), full_page=True)
        found = page.evaluate(MEASURE)
    finally:
        context.close()
    assert found["pageWidth"] <= found["viewWidth"], f"the page scrolls sideways: {found}"
    assert not found["overflowing"], f"output blocks wider than the page: {found['overflowing']}"
    assert found["numbers"] > 300, found     # both long lines were measured
    assert not found["split"], f"numbers broken across lines: {found['split'][:5]}"
    assert found["wrapped"] >= 2, found      # the long message and the long print really wrapped
    assert not re.search(r"/tmp/|site-packages|nbkit-grade", page_text(feedback_page))


def page_text(path: Path) -> str:
    text = re.sub(r"<style.*?</style>|<script.*?</script>|data:image/[^\"']+", " ", path.read_text(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)
