"""The Jacobian explorer: the headless figure and the ipywidgets UI (no frontend needed)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("ipywidgets")

from matplotlib.figure import Figure  # noqa: E402

from nbkit.jacobian import (  # noqa: E402
    JacobianExplorer,
    draw_comparison,
    compare_jacobians,
    explore_jacobian,
    figure_png,
    jacobian_figure,
    standard_map,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
X = np.array([0.8, -1.2, 1.5, -0.4])


def my_softmax_jacobian(z):
    """A learner's analytic softmax Jacobian (nbkit has none: it is 02's exercise)."""
    p = np.exp(z - z.max())
    p /= p.sum()
    return np.diag(p) - np.outer(p, p)


def _heatmaps(fig):
    return [ax for ax in fig.axes if ax.images]


def test_figure_has_two_heatmaps_on_one_scale_centred_at_zero():
    fig = jacobian_figure("softmax", X, analytic=my_softmax_jacobian)
    assert isinstance(fig, Figure)
    maps = _heatmaps(fig)
    assert len(fig.axes) >= 2 and len(maps) == 2
    limits = {ax.images[0].get_clim() for ax in maps}
    assert len(limits) == 1  # same colour scale
    vmin, vmax = limits.pop()
    assert vmin == -vmax > -np.inf and vmax > 0
    assert maps[0].images[0].get_cmap().name == "RdBu_r"
    numerical, analytic = (ax.images[0].get_array() for ax in maps)
    assert numerical.shape == analytic.shape == (4, 4)
    np.testing.assert_allclose(numerical, analytic, atol=1e-8)


def test_title_reports_difference_and_structure():
    title = jacobian_figure("softmax", X, analytic=my_softmax_jacobian)._suptitle.get_text()
    assert "max |numerical" in title and "e-1" in title  # a difference around 1e-11
    title = jacobian_figure("softmax", X)._suptitle.get_text()
    assert "diag(p) \u2212 p p\u1d40 is an exercise" in title and "max |numerical" not in title
    title = jacobian_figure("sigmoid", X)._suptitle.get_text()
    assert "diagonal" in title and "changes with the input" in title
    assert "is an exercise" in title  # diag(sigma'(z)) is the learner's to write, not nbkit's
    assert "constant" in jacobian_figure("affine_x", X)._suptitle.get_text()
    assert "rank 3" in jacobian_figure("softmax", X)._suptitle.get_text()


def test_affine_in_x_is_not_square():
    fig = jacobian_figure("affine_x", X)
    assert _heatmaps(fig)[0].images[0].get_array().shape == (3, 4)


def test_learner_callable_with_and_without_analytic():
    W = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    f = lambda v: np.tanh(W @ v)  # noqa: E731
    right = lambda v: (1 - np.tanh(W @ v) ** 2)[:, None] * W  # noqa: E731
    fig = jacobian_figure(f, np.array([0.1, 0.2, -0.3]), analytic=right)
    assert len(_heatmaps(fig)) == 2
    assert "disagree" not in fig._suptitle.get_text()

    only_numerical = jacobian_figure(f, np.array([0.1, 0.2, -0.3]))
    assert len(only_numerical.axes) >= 2 and len(_heatmaps(only_numerical)) == 1
    assert "no analytic" in only_numerical._suptitle.get_text()


def test_classic_mistakes_show_up_in_the_verdict():
    z = np.array([0.5, -1.0, 2.0])
    s = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    broadcast = lambda v: np.ones((3, 3)) * (s(v) * (1 - s(v)))  # f'(z) over a full matrix
    assert "disagree" in compare_jacobians(s, z, analytic=broadcast).verdict()
    W = np.arange(6.0).reshape(2, 3)
    transposed = compare_jacobians(lambda v: W @ v, z, analytic=W.T)  # n x m instead of m x n
    assert "denominator layout" in transposed.verdict()
    assert "denominator layout" in jacobian_figure(lambda v: W @ v, z, analytic=W.T)._suptitle.get_text()


def test_kink_is_explained():
    comparison = compare_jacobians(lambda z: np.maximum(z, 0.0), np.array([0.0, 1.0, -1.0]),
                                   analytic=lambda z: np.diag((z > 0) * 1.0))   # a learner's relu_jacobian
    assert comparison.max_abs_diff == pytest.approx(0.5)
    assert "kink" in comparison.verdict()


def test_png_rendering_and_repr():
    fig = jacobian_figure("tanh", X)
    assert figure_png(fig).startswith(PNG_MAGIC)
    assert fig._repr_png_().startswith(PNG_MAGIC)  # displays even without pyplot


def test_bad_arguments():
    with pytest.raises(TypeError):
        jacobian_figure(42, X)
    with pytest.raises(ValueError, match="unknown map"):
        jacobian_figure("cosine", X)
    with pytest.raises(ValueError, match=r"\(n,\)"):
        jacobian_figure("sigmoid", np.ones((2, 2)))


def test_widget_builds_and_redraws_when_a_slider_moves():
    explorer = JacobianExplorer(n=4)
    assert explorer.redraw_count == 1
    first = bytes(explorer.image.value)
    assert first.startswith(PNG_MAGIC)
    assert len(explorer.sliders) == 4
    assert explorer.dropdown.value == "sigmoid"

    explorer.sliders[0].value = 2.5
    assert explorer.redraw_count == 2
    assert bytes(explorer.image.value) != first
    np.testing.assert_allclose(explorer.x, [2.5, -1.2, 1.5, -0.4])
    np.testing.assert_allclose(explorer.comparison.x, explorer.x)
    s = 1 / (1 + np.exp(-2.5))
    assert explorer.comparison.numerical[0, 0] == pytest.approx(s * (1 - s), abs=1e-9)
    assert "diagonal" in explorer.status.value


def test_widget_redraws_when_the_map_changes():
    explorer = explore_jacobian(n=3)
    before = bytes(explorer.image.value)
    explorer.dropdown.value = "affine_b"
    assert explorer.redraw_count == 2 and bytes(explorer.image.value) != before
    assert [sl.description for sl in explorer.sliders] == ["b1", "b2", "b3"]
    assert "identity" in explorer.status.value
    explorer.dropdown.value = "inner_u"
    assert explorer.comparison.numerical.shape == (1, 3)
    assert [sl.description for sl in explorer.sliders][0] == "u1"


def test_widget_with_a_learner_function():
    def square(v):
        return v ** 2

    explorer = explore_jacobian(square, np.array([1.0, 2.0, -1.0]), analytic=lambda v: np.diag(2 * v),
                                maps=("softmax",))
    assert explorer.dropdown.value == JacobianExplorer.CUSTOM
    assert [option[1] for option in explorer.dropdown.options] == [JacobianExplorer.CUSTOM, "softmax"]
    np.testing.assert_allclose(explorer.comparison.analytic, np.diag([2.0, 4.0, -2.0]))
    assert "disagree" not in explorer.status.value


def test_widget_reports_a_failing_learner_function_instead_of_crashing():
    def broken(v):
        raise ZeroDivisionError("my bug")

    explorer = JacobianExplorer(broken, np.array([1.0, 2.0]), maps=())
    assert explorer.redraw_count == 0
    assert "ZeroDivisionError" in explorer.status.value and "my bug" in explorer.status.value


def test_widget_argument_errors():
    with pytest.raises(ValueError):
        JacobianExplorer(n=0)
    with pytest.raises(ValueError):
        JacobianExplorer(x=np.ones((2, 2)))
    with pytest.raises(ValueError, match="unknown maps"):
        JacobianExplorer(maps=("cosine",))
    with pytest.raises(TypeError):
        JacobianExplorer(f="not callable")


def test_standard_map_object_accepted():
    fig = jacobian_figure(standard_map("squared_norm_x", n=4), X)
    assert "row" in fig._suptitle.get_text()


def test_unfinished_analytic_jacobian_still_shows_the_numerical_one():
    def softmax_jacobian(z):
        raise NotImplementedError()

    softmax = lambda z: np.exp(z) / np.exp(z).sum()  # noqa: E731
    explorer = explore_jacobian(softmax, np.array([0.5, -1.0, 2.0]), analytic=softmax_jacobian)
    assert explorer.redraw_count == 1 and bytes(explorer.image.value).startswith(PNG_MAGIC)
    assert "raised NotImplementedError" in explorer.status.value
    assert explorer.comparison.numerical.shape == (3, 3) and explorer.comparison.analytic is None
    with pytest.raises(NotImplementedError):  # the headless figure lets the learner's error through
        jacobian_figure(softmax, np.array([0.5, -1.0, 2.0]), analytic=softmax_jacobian)


def test_explorer_picture_is_sharp_and_says_things_once():
    """The PNG is rendered at twice its display width; the verdict and structure appear in the
    status line only, not again in the picture's title; the colour bar names the axes' variable."""
    import struct

    explorer = JacobianExplorer(n=3)
    png = explorer.image.value
    width_px = struct.unpack(">I", png[16:20])[0]  # IHDR width
    assert explorer.image.width and width_px >= 2 * int(explorer.image.width) - 2
    fig = draw_comparison(explorer.comparison, notes=False)
    title = fig._suptitle.get_text()
    assert "structure" not in title and explorer.comparison.verdict() not in title
    assert "structure" in explorer.status.value
    assert explorer.comparison.variable == "z"
    colourbar_label = fig.axes[-1].get_ylabel()
    assert "z" in colourbar_label and "x" not in colourbar_label
