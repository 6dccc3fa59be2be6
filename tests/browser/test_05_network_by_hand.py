"""Notebook 05: its plots on screen, and two classic mistakes caught by their checks.

- Every plot of the instructor's version renders (activations and derivatives side by side,
  the two-layer network's falling loss, activation histograms under naive and Xavier
  initialisation, per-layer gradient norms, the spirals' decision boundary).
- A ReLU derivative of 1 for z < 0 makes the check say so ("relu-slope-one"); an inverted
  dropout that scales at test time too is named "dropout-scaled-at-test". Typing the right
  line back turns each check to "✔".
"""
from __future__ import annotations

import pytest

from .expectations import assert_drawing_cells_render
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "05_network_by_hand"


def test_every_plot_renders(solved):
    assert_drawing_cells_render(solved, "plt.show()", at_least=5)


def test_relu_slope_one_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "piecewise_grads", "piecewise_grads_tests",
        correct_line="return (z > 0).astype(float)",
        wrong_line="return np.ones_like(z)",
        exercise="relu_grad", diagnosis="relu-slope-one")
    assert "z < 0" in failure


def test_dropout_scaled_at_test_time_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "dropout", "dropout_tests",
        correct_line="return x, None",
        wrong_line="return x * p, None",
        exercise="dropout", diagnosis="dropout-scaled-at-test")
    assert "test time" in failure
