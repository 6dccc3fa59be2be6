"""nbkit.gates and nbkit.graph: the worked examples, gradients against numerical ones,
clear errors on bad graphs and bad gates, and a drawing that renders headless."""
import numpy as np
import pytest

from nbkit.gates import Exp, NumericGate, Reciprocal, Scale, Shift, Sigmoid
from nbkit.gates.base import grads_as_tuple
from nbkit.gradcheck import numerical_gradient
from nbkit.graph import Graph, GraphError


def add():
    return NumericGate(lambda a, b: a + b, 2, "+")


def mul():
    return NumericGate(lambda a, b: a * b, 2, "*")


def xyz_graph():
    g = Graph()
    g.input("x", -2.0); g.input("y", 5.0); g.input("z", -4.0)
    g.op("q", add(), "x", "y")
    g.op("f", mul(), "q", "z")
    return g


def neuron_graph(fine_grained):
    g = Graph()
    for name, value in dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0).items():
        g.input(name, value)
    g.op("a0", mul(), "w0", "x0"); g.op("a1", mul(), "w1", "x1")
    g.op("s", add(), "a0", "a1"); g.op("z", add(), "s", "w2")
    if fine_grained:
        g.op("n", Scale(-1.0), "z"); g.op("e", Exp(), "n"); g.op("d", Shift(1.0), "e"); g.op("f", Reciprocal(), "d")
    else:
        g.op("f", Sigmoid(), "z")
    return g


def test_worked_example_xyz():
    g = xyz_graph()
    assert g.forward() == pytest.approx(-12.0)
    assert g.nodes["q"].value == pytest.approx(3.0)
    grads = g.backward("f")
    assert grads["z"] == pytest.approx(3.0, abs=1e-6)
    assert grads["q"] == pytest.approx(-4.0, abs=1e-6)
    assert grads["x"] == pytest.approx(-4.0, abs=1e-6) and grads["y"] == pytest.approx(-4.0, abs=1e-6)


@pytest.mark.parametrize("fine_grained", [True, False])
def test_sigmoid_neuron_numbers(fine_grained):
    g = neuron_graph(fine_grained)
    assert g.forward() == pytest.approx(0.7311, abs=1e-4)
    grads = g.backward("f")
    np.testing.assert_allclose([grads[k] for k in ["w0", "w1", "w2"]], [-0.1966, -0.3932, 0.1966], atol=1e-4)
    np.testing.assert_allclose([grads[k] for k in ["x0", "x1"]], [0.3932, -0.5898], atol=1e-4)


@pytest.mark.parametrize("gate, x", [
    (Exp(), 0.7), (Reciprocal(), -1.3), (Scale(-2.5), 0.4), (Shift(3.0), -0.2), (Sigmoid(), 1.1), (Sigmoid(), -40.0),
])
def test_tool_gates_match_numerical_derivatives(gate, x):
    fresh = type(gate)(*([gate.c] if hasattr(gate, "c") else []))
    gate.forward(x)
    upstream = -1.7
    analytic = gate.backward(upstream)
    numeric = upstream * numerical_gradient(lambda v: float(fresh.forward(v)), float(x))
    assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-12)


def test_sigmoid_is_stable_for_large_inputs():
    out = Sigmoid().forward(np.array([-800.0, 0.0, 800.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])
    assert np.all(np.isfinite(out))


def test_gradients_sum_at_a_branch_and_edges_keep_their_share():
    g = Graph()
    g.input("x", 3.0)
    g.op("a", mul(), "x", "x")   # x used twice by one gate
    g.op("b", add(), "a", "x")   # and once more
    g.forward()
    grads = g.backward()
    assert grads["x"] == pytest.approx(2 * 3.0 + 1.0, abs=1e-6)
    shares = sorted(v for (consumer, _), v in g.edge_grads.items() if g.nodes[consumer].inputs)
    assert sum(g.edge_grads[("a", s)] for s in (0, 1)) + g.edge_grads[("b", 1)] == pytest.approx(7.0, abs=1e-6)
    assert len(shares) == 4


def test_order_is_topological_even_when_nodes_are_added_out_of_order():
    g = Graph()
    g.op("f", mul(), "q", "z")
    g.op("q", add(), "x", "y")
    for name, v in dict(x=-2.0, y=5.0, z=-4.0).items():
        g.input(name, v)
    names = [n.name for n in g.order()]
    assert names.index("q") < names.index("f") and names.index("x") < names.index("q")
    assert g.forward() == pytest.approx(-12.0)


def test_cycle_is_refused_with_its_path():
    g = Graph()
    g.input("x", 1.0)
    g.op("a", add(), "x", "b")
    g.op("b", Exp(), "a")
    with pytest.raises(GraphError, match=r"cycle: (a -> b -> a|b -> a -> b)"):
        g.forward()


def test_dangling_input_is_named():
    g = Graph()
    g.input("x", 1.0)
    g.op("f", mul(), "x", "w")
    with pytest.raises(GraphError, match=r"reads 'w'.*no node called 'w'"):
        g.forward()
    g2 = Graph()
    g2.input("x")
    g2.op("f", Exp(), "x")
    with pytest.raises(GraphError, match=r"input 'x' has no value"):
        g2.forward()


def test_gate_returning_wrong_number_of_gradients():
    class TwoInputsOneGrad:
        def forward(self, x, y):
            return x * y

        def backward(self, upstream):
            return upstream

    g = Graph()
    g.input("x", 1.0); g.input("y", 2.0)
    g.op("f", TwoInputsOneGrad(), "x", "y")
    g.forward()
    with pytest.raises(ValueError, match="single value, but the gate has 2 inputs"):
        g.backward()
    with pytest.raises(ValueError, match="returned 3 gradients, but the gate has 2 inputs"):
        grads_as_tuple(TwoInputsOneGrad(), (1.0, 2.0, 3.0), 2)


def test_building_errors():
    g = Graph()
    g.input("x", 1.0)
    with pytest.raises(ValueError, match="already has a node called 'x'"):
        g.input("x", 2.0)
    with pytest.raises(TypeError, match="is not a gate"):
        g.op("f", lambda v: v, "x")
    gate = Exp()
    g.op("a", gate, "x")
    with pytest.raises(ValueError, match="reuses the gate object"):
        g.op("b", gate, "x")
    with pytest.raises(GraphError, match="run g.forward"):
        g.backward("a")


def test_drawing_renders_values_and_gradients_headless():
    import matplotlib
    matplotlib.use("Agg")
    g = neuron_graph(fine_grained=True)
    g.forward(); g.backward("f")
    fig = g.draw(title="neuron")
    texts = [t.get_text() for t in fig.axes[0].texts]
    for label in ["0.73", "1.00", "-0.20", "0.39", "-0.59", "-0.53", "exp", "1/x", "w0", "f"]:
        assert label in texts, label
    fig.canvas.draw()  # renders without error
    # Before backward only values are drawn.
    g2 = xyz_graph(); g2.forward()
    texts2 = [t.get_text() for t in g2.draw().axes[0].texts]
    assert "-12.00" in texts2 and "-4.00" in texts2  # z's value -4 is a forward value here
    assert not any("gradient" in t for t in texts2)


def test_drawing_stays_readable_for_fifteen_nodes():
    import matplotlib
    matplotlib.use("Agg")
    g = Graph()
    for i in range(6):
        g.input(f"x{i}", float(i) - 2.5)
    prev = [f"x{i}" for i in range(6)]
    k = 0
    while len(prev) > 1:
        nxt = []
        for a, b in zip(prev[::2], prev[1::2]):
            g.op(f"n{k}", add() if k % 2 else mul(), a, b); nxt.append(f"n{k}"); k += 1
        if len(prev) % 2:
            nxt.append(prev[-1])
        prev = nxt
    g.op("out", Sigmoid(), prev[0])
    assert len(g.nodes) >= 12
    g.forward(); g.backward()
    fig = g.draw()
    fig.canvas.draw()
    # Node circles must not overlap: centres at least two radii apart.
    from matplotlib.patches import Circle
    centres = np.array([p.center for p in fig.axes[0].patches if isinstance(p, Circle)])
    dists = np.linalg.norm(centres[:, None] - centres[None], axis=-1) + np.eye(len(centres)) * 99
    assert dists.min() > 2 * 0.24


def test_unfinished_learner_gate_gives_a_friendly_message():
    from nbkit.feedback import NotReady

    class Stub:
        def forward(self, x, y):
            raise NotImplementedError()

        def backward(self, upstream):
            raise NotImplementedError()

    g = Graph()
    g.input("x", 1.0); g.input("y", 2.0)
    g.op("q", Stub(), "x", "y")
    with pytest.raises(NotReady, match="node 'q' uses Stub, whose forward is not written yet") as info:
        g.forward()
    assert info.value._render_traceback_()[0].startswith("\u23f8 node 'q'")


def test_a_gate_whose_forward_or_backward_returns_none_is_named():
    """Issue 9, hole 5: a missing `return` is named, not blamed on a forward pass that ran."""
    from nbkit.graph import Graph
    from nbkit.graph.order import GraphError

    class NoReturnForward:
        def forward(self, x):
            self.x = x

        def backward(self, upstream):
            return upstream

    class NoReturnBackward:
        def forward(self, x):
            return 2 * x

        def backward(self, upstream):
            upstream * 2

    g = Graph()
    g.input("x", 1.0)
    g.op("y", NoReturnForward(), "x")
    with pytest.raises(GraphError, match="forward returned None") as info:
        g.forward()
    assert "run g.forward()" not in str(info.value)
    g = Graph()
    g.input("x", 1.0)
    g.op("y", NoReturnBackward(), "x")
    g.forward()
    with pytest.raises(ValueError, match="backward returned None") as info:
        g.backward()
    assert "single value" not in str(info.value)
