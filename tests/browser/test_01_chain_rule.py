"""Notebook 01: computational graphs drawn on screen, and a gate fixed after a check's hint.

- Every cell that calls ``.draw(...)`` on a graph shows a picture that loaded (an image with
  real pixels), in the instructor's version; in the untouched release the worked example
  (built from nbkit's gates) is drawn although the student's own gates are still stubs.
- The classic mul-gate mistake (each input gets its *own* value times upstream) makes the
  check say so ("own-value"); typing the right answer back turns the check to "✔".
"""
from __future__ import annotations

import pytest

from .coursefiles import REPO
from .expectations import assert_pictures_rendered
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "01_chain_rule"
SOLUTION = f"solutions/{TOPIC}/{TOPIC}.ipynb"
RELEASE = f"notebooks/{TOPIC}/{TOPIC}.ipynb"


def _require(path):
    if not (REPO / path).is_file():
        pytest.skip(f"{path} does not exist yet")


def _drawings(notebook):
    return [c for c in notebook.snapshot() if c.type == "code" and ".draw(" in c.source]


def test_every_graph_drawing_renders_in_the_solutions(executed_notebook):
    _require(SOLUTION)
    notebook = executed_notebook(SOLUTION)
    drawings = _drawings(notebook)
    assert len(drawings) >= 2, f"{SOLUTION}: expected graph drawings, found {len(drawings)}"
    for cell in drawings:
        assert_pictures_rendered(notebook, cell)


def test_worked_example_graph_renders_in_the_untouched_release(executed_notebook):
    _require(RELEASE)
    notebook = executed_notebook(RELEASE, continue_after_errors=True)
    drawn = [c for c in _drawings(notebook) if not c.errors]
    assert drawn, f"{RELEASE}: no graph is drawn before the student writes any gate"
    for cell in drawn:
        assert_pictures_rendered(notebook, cell)


def test_mul_gate_own_value_mistake_is_named_then_fixed(executed_notebook):
    _require(SOLUTION)
    notebook = executed_notebook(SOLUTION)
    failure = mistake_then_fix(
        notebook, "mul_gate", "mul_gate_tests",
        correct_line="return upstream * self.y, upstream * self.x",
        wrong_line="return upstream * self.x, upstream * self.y",
        exercise="MulGate", diagnosis="own-value")
    assert "backward is wrong" in failure
