"""Notebook 03: shape pictures on screen, and the shape checker naming a student's mistake.

- The matrix-product pictures (``draw_product``) render in the instructor's version.
- In affine_backward, forgetting to sum db over the batch makes the check name the
  mistake; typing the right line back turns the check to "✔".
"""
from __future__ import annotations

import pytest

from .expectations import assert_drawing_cells_render
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "03_shape_convention"


def test_matrix_product_pictures_render(solved):
    assert_drawing_cells_render(solved, "draw_product(", skip_starting=("def ", "from ", "import "),
                                min_width=150, min_height=60)


def test_db_not_summed_over_the_batch_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "affine_backward", "affine_backward_tests",
        correct_line="db = dout.sum(axis=0)",
        wrong_line="db = dout",
        exercise="affine_backward", diagnosis="missing-batch-sum")
    assert "db" in failure


def test_node_and_memory_pictures_render(solved):
    """The MatMul, Repeat/Sum and memory pictures."""
    assert_drawing_cells_render(solved, "draw_chain(", "draw_references(", at_least=3,
                                skip_starting=("from ", "import "), min_width=150, min_height=60)
