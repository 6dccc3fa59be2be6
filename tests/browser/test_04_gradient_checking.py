"""Notebook 04: the step-size sweep plot on screen, and a gradient checker that forgets to
restore x, caught by its check.

- The step-size sweep (truncation vs rounding error, float64 and float32) is drawn in the
  instructor's version.
- A numerical_gradient that leaves the nudged entry changed makes the check say so
  ("not-restored"); typing the right line back turns the check to "✔".
"""
from __future__ import annotations

import pytest

from .expectations import assert_pictures_rendered
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "04_gradient_checking"
SOLUTION = f"solutions/{TOPIC}/{TOPIC}.ipynb"


def test_step_size_sweep_plot_renders(solved):
    plots = [c for c in solved.snapshot() if c.type == "code" and "plot_step_size_sweep(" in c.source
             and not c.source.lstrip().startswith(("from ", "import", "%"))]
    assert plots, f"{SOLUTION}: no cell plots the step-size sweep"
    for cell in plots:
        assert_pictures_rendered(solved, cell)


def test_unrestored_entry_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "numerical_gradient", "numerical_gradient_tests",
        correct_line="x[idx] = old  # put the entry back",
        wrong_line="pass  # (forgot to put the entry back)",
        exercise="numerical_gradient", diagnosis="not-restored")
    assert "put the\noriginal value back" in failure or "original value back" in failure
