"""nbkit.graph.diagrams: the chain of vector nodes and the memory diagram are readable."""
import pytest

from nbkit.graph.diagrams import draw_chain, draw_references

CHAIN = dict(values=["x  (n×1)", "z  (m×1)", "h  (m×1)", "s  (1×1)"], nodes=["Wx + b", "f", "uᵀh"],
             grads=["δW  (1×n)", "δ  (1×m)", "uᵀ  (1×m)", "1"],
             local=["W  (m×n)", "diag(f′(z))  (m×m)", "uᵀ  (1×m)"])


def _rendered(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    return fig


def _boxes(fig, gids):
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in fig.axes[0].texts if t.get_gid() in gids]


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_chain_labels_overlap_neither_each_other_nor_a_node_nor_the_edge():
    fig = _rendered(draw_chain(**CHAIN, title="s = uᵀ f(Wx + b)"))
    renderer = fig.canvas.get_renderer()
    labels = _boxes(fig, {"value", "grad", "local", "node-label", "title"})
    assert len(labels) == 4 + 4 + 3 + 3 + 1
    for i, (ta, a) in enumerate(labels):
        for tb, b in labels[i + 1:]:
            assert not _overlap(a, b), f"{ta!r} overlaps {tb!r}"
    nodes = [p.get_window_extent(renderer) for p in fig.axes[0].patches if p.get_gid() == "node"]
    y_edge = fig.axes[0].transData.transform((0, 0))[1]
    for text, box in _boxes(fig, {"value", "grad", "local"}):
        assert not any(_overlap(box, n) for n in nodes), f"{text!r} overlaps a node"
        assert not (box.y0 < y_edge < box.y1), f"{text!r} sits on the edge"


def test_chain_is_drawn_one_inch_per_unit():
    fig = draw_chain(**CHAIN)
    ax = fig.axes[0]
    width, height = fig.get_size_inches()
    assert ax.get_xlim()[1] - ax.get_xlim()[0] == pytest.approx(width)
    assert ax.get_ylim()[1] - ax.get_ylim()[0] == pytest.approx(height)


def test_chain_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="3 nodes need 4 values"):
        draw_chain(["x", "z"], ["a", "b", "c"])
    with pytest.raises(ValueError, match="one label per node"):
        draw_chain(["x", "y"], ["a"], local=["1", "2"])


def test_references_draw_one_arrow_per_link_and_grey_out_unreferenced_arrays():
    fig = _rendered(draw_references([("rebinds", ["layer.grads[0]", "grads[0]"], ["zeros", "dW", "old"],
                                               [(1, 0), (0, 1)])]))
    patches = fig.axes[0].patches
    assert sum(p.get_gid() == "link" for p in patches) == 2
    greys = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "array-label" and t.get_color() != "black"]
    assert greys == ["old"]
    labels = _boxes(fig, {"name", "array-label", "title"})
    for i, (ta, a) in enumerate(labels):
        for tb, b in labels[i + 1:]:
            assert not _overlap(a, b), f"{ta!r} overlaps {tb!r}"


def test_references_reject_a_link_to_nothing():
    with pytest.raises(ValueError, match="refers to no name or array"):
        draw_references([("t", ["a"], ["x"], [(0, 1)])])


def test_a_long_title_fits_in_the_figure():
    fig = _rendered(draw_chain(["x", "y"], ["f"], title="a title much longer than this little chain of one node"))
    (_, title), = _boxes(fig, {"title"})
    assert title.x0 >= 0 and title.x1 <= fig.bbox.width
