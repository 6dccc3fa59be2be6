"""Notebook 03: shape pictures on screen, and the shape checker naming a student's mistake.

- The matrix-product pictures (``draw_product``) render in the instructor's version.
- In affine_backward, forgetting to sum db over the batch makes the check name the
  mistake; typing the right line back turns the check to "✔".
"""
from __future__ import annotations

import pytest

from .expectations import assert_pictures_rendered
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "03_shape_convention"
SOLUTION = f"solutions/{TOPIC}/{TOPIC}.ipynb"


def test_matrix_product_pictures_render(solved):
    pictures = [c for c in solved.snapshot() if c.type == "code" and "draw_product(" in c.source
                and not c.source.lstrip().startswith(("def ", "from ", "import "))]
    assert pictures, f"{SOLUTION}: no cell draws a matrix product"
    for cell in pictures:
        assert_pictures_rendered(solved, cell, min_width=150, min_height=60)


def test_db_not_summed_over_the_batch_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "affine_backward", "affine_backward_tests",
        correct_line="db = dout.sum(axis=0)",
        wrong_line="db = dout",
        exercise="affine_backward", diagnosis="missing-batch-sum")
    assert "db" in failure


def test_node_and_memory_pictures_render(solved):
    pictures = [c for c in solved.snapshot() if c.type == "code"
                and ("draw_chain(" in c.source or "draw_references(" in c.source)
                and not c.source.lstrip().startswith(("from ", "import "))]
    assert len(pictures) >= 3, f"{SOLUTION}: expected the MatMul, Repeat/Sum and memory pictures"
    for cell in pictures:
        assert_pictures_rendered(solved, cell, min_width=150, min_height=60)
