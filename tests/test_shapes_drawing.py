"""nbkit.shapes.draw_product: the "match the shapes" picture."""
import pytest

from nbkit.shapes import draw_product


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts] + [fig.axes[0].get_title()]


def test_a_product_that_multiplies_shows_the_result_shape_and_green_inner_sizes():
    fig = draw_product(("x^T", (3, 4)), ("dL/dy", (4, 5)), result="dL/dW")
    texts = _texts(fig)
    assert "dL/dW" in texts and "=" in texts
    assert "x^T (3, 4) @ dL/dy (4, 5) = dL/dW (3, 5)" in texts
    inner = [t for t in fig.axes[0].texts if t.get_text() == "4"]
    assert {t.get_color() for t in inner} == {"green"}


def test_a_mismatch_is_drawn_in_red_without_a_result():
    fig = draw_product(("x", (4, 3)), ("dL/dy", (4, 5)), result="dL/dW")
    texts = _texts(fig)
    assert "dL/dW" not in texts and any("does not" in t for t in texts)
    assert "red" in {t.get_color() for t in fig.axes[0].texts if t.get_text() in ("3", "4")}


def test_bad_factors_are_rejected():
    with pytest.raises(ValueError, match="at least two"):
        draw_product(("x", (2, 2)))
    with pytest.raises(TypeError, match="label, \\(rows, cols\\)"):
        draw_product(("x", (2, 2, 2)), ("y", (2, 2)))
    with pytest.raises(ValueError, match="at least 1"):
        draw_product(("x", (0, 2)), ("y", (2, 2)))
