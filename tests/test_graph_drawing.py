"""Course graphs are readable at a notebook's width: no label overlaps another label, a node
or a name, no label sits on an edge, every gate's symbol fits in its circle, and a small
graph makes a small figure instead of a small drawing in a wide frame."""
import math

import numpy as np
import pytest

from nbkit.gates import Exp, NumericGate, Reciprocal, Scale, Shift
from nbkit.graph import Graph
from nbkit.graph.draw import MAX_WIDTH


def _add():
    return NumericGate(lambda a, b: a + b, 2, label="+")


def _mul():
    return NumericGate(lambda a, b: a * b, 2, label="*")


def _max():
    return NumericGate(lambda a, b: max(a, b), 2, label="max")


def worked():
    g = Graph()
    g.input("x", -2.0), g.input("y", 5.0), g.input("z", -4.0)
    g.op("q", _add(), "x", "y"), g.op("f", _mul(), "q", "z")
    return g


def fine_neuron():
    g = Graph()
    for name, value in dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0).items():
        g.input(name, value)
    g.op("a0", _mul(), "w0", "x0"), g.op("a1", _mul(), "w1", "x1")
    g.op("s", _add(), "a0", "a1"), g.op("z", _add(), "s", "w2")
    g.op("n", Scale(-1.0), "z"), g.op("e", Exp(), "n"), g.op("d", Shift(1.0), "e"), g.op("f", Reciprocal(), "d")
    return g


def playground():
    g = Graph()
    g.input("x", 2.0), g.input("y", -1.0), g.input("z", 0.5)
    g.op("p", _mul(), "x", "y"), g.op("m", _max(), "p", "z"), g.op("f", _add(), "m", "x")
    return g


def square():
    g = Graph()
    g.input("x", 3.0)
    g.op("s", _mul(), "x", "x"), g.op("f", _add(), "s", "x")
    return g


GRAPHS = {"worked": worked, "fine_neuron": fine_neuron, "playground": playground, "square": square}


def _drawn(make, **kwargs):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    g = make()
    g.forward()
    g.backward("f")
    fig = g.draw(title="a title", **kwargs)
    FigureCanvasAgg(fig).draw()
    return fig


def _polygon(text):
    """The label's box as drawn (rotated with the label), in display pixels."""
    patch = text.get_bbox_patch()
    return patch.get_path().transformed(patch.get_transform()).vertices[:-1]


def _separated(p, q) -> bool:
    """Separating-axis test for two convex polygons (vertices in order)."""
    for poly in (p, q):
        for i in range(len(poly)):
            edge = poly[(i + 1) % len(poly)] - poly[i]
            axis = np.array([-edge[1], edge[0]])
            if not np.any(axis):
                continue
            a, b = p @ axis, q @ axis
            if a.max() < b.min() or b.max() < a.min():
                return True
    return False


def _parts(fig):
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_gid() in ("value", "grad")]
    names = [t for t in ax.texts if t.get_gid() == "name"]
    nodes = [p for p in ax.patches if p.get_gid() == "node"]
    return ax, labels, names, nodes


@pytest.mark.parametrize("name", GRAPHS)
def test_labels_overlap_no_other_label_name_or_node(name):
    fig = _drawn(GRAPHS[name])
    ax, labels, names, nodes = _parts(fig)
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), _polygon(t)) for t in labels]
    for i, (a, pa) in enumerate(boxes):
        for b, pb in boxes[i + 1:]:
            assert _separated(pa, pb), f"labels {a!r} and {b!r} overlap in {name}"
        for n in names:
            e = n.get_window_extent(renderer)
            pn = np.array([[e.x0, e.y0], [e.x1, e.y0], [e.x1, e.y1], [e.x0, e.y1]])
            assert _separated(pa, pn), f"label {a!r} overlaps the name {n.get_text()!r} in {name}"
        for node in nodes:
            cx, cy = ax.transData.transform(node.center)
            r = ax.transData.transform((node.center[0] + node.radius, node.center[1]))[0] - cx
            # Distance from the circle's centre to the label's box must exceed the radius.
            inside = _separated(pa, np.array([[cx + r * math.cos(t), cy + r * math.sin(t)]
                                              for t in np.linspace(0, 2 * math.pi, 24, endpoint=False)]))
            assert inside, f"label {a!r} overlaps a node in {name}"


@pytest.mark.parametrize("name", GRAPHS)
def test_labels_do_not_sit_on_edges(name):
    fig = _drawn(GRAPHS[name])
    ax, labels, _, _ = _parts(fig)
    edges = [p for p in ax.patches if p.get_gid() == "edge"]
    for t in labels:
        poly = _polygon(t)
        for edge in edges:
            path = edge.get_path().transformed(edge.get_transform())
            # Sample the drawn edge (curved or straight) and require no point inside the label's box.
            pts = path.interpolated(40).vertices if len(path.vertices) > 1 else path.vertices
            for pt in pts:
                assert _separated(poly, np.array([pt, pt + 0.5])), f"label {t.get_text()!r} sits on an edge in {name}"


@pytest.mark.parametrize("name", GRAPHS)
def test_gate_symbols_fit_their_circles(name):
    fig = _drawn(GRAPHS[name])
    ax, _, _, nodes = _parts(fig)
    renderer = fig.canvas.get_renderer()
    symbols = [t for t in ax.texts if t.get_gid() == "node-label"]
    assert len(symbols) == len(nodes)
    for symbol, node in zip(symbols, nodes):
        width = symbol.get_window_extent(renderer).width
        diameter = 2 * (ax.transData.transform((node.radius, 0))[0] - ax.transData.transform((0, 0))[0])
        assert width < 0.9 * diameter, f"{symbol.get_text()!r} spills out of its circle"


def test_figures_fit_the_notebook_and_small_graphs_stay_small():
    widths = {name: _drawn(make).get_size_inches()[0] for name, make in GRAPHS.items()}
    assert all(w <= MAX_WIDTH + 0.5 for w in widths.values()), widths
    assert widths["worked"] < 0.75 * widths["fine_neuron"], widths
    # The long neuron is packed to fit, not shrunk: its labels keep their point size.
    fig = _drawn(fine_neuron)
    assert {t.get_fontsize() for t in fig.axes[0].texts if t.get_gid() in ("value", "grad")} == {10}


def test_drawing_into_a_given_axes_keeps_that_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot(1, 1, 1)
    g = worked()
    g.forward()
    assert g.draw(ax=ax) is fig and tuple(fig.get_size_inches()) == (4.0, 3.0)
