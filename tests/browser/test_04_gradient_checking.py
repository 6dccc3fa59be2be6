"""Notebook 04: the step-size sweep plot on screen, and a gradient checker that forgets to
restore x, caught by its check.

- The step-size sweep (truncation vs rounding error, float64 and float32) is drawn in the
  instructor's version.
- A numerical_gradient that leaves the nudged entry changed makes the check say so
  ("not-restored"); typing the right line back turns the check to "✔".
"""
from __future__ import annotations

import pytest

from .expectations import assert_drawing_cells_render
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "04_gradient_checking"


def test_step_size_sweep_plot_renders(solved):
    assert_drawing_cells_render(solved, "plot_step_size_sweep(", skip_starting=("from ", "import", "%"))


def test_unrestored_entry_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "numerical_gradient", "numerical_gradient_tests",
        correct_line="x[idx] = old  # put the entry back",
        wrong_line="pass  # (forgot to put the entry back)",
        exercise="numerical_gradient", diagnosis="not-restored")
    assert "put the\noriginal value back" in failure or "original value back" in failure
