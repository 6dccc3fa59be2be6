"""Checks for notebook 01: gates, the sigmoid neuron, and passes over a graph.

Every check runs the learner's own class or function. The oracle is a numerical
derivative of the gate's *definition* (x + y, x * y, max(x, y), ...), never an nbkit
implementation of the answer. When the answer is wrong, :meth:`Exercise.judge` looks it
up in the exercise's catalogue of classic mistakes and names the one it matches.

``cases`` lets a hidden test cell pass its own inputs; with ``hidden=True`` messages
describe a failing case by its number and the mistake, without its values.
"""
from __future__ import annotations

import itertools
from typing import Callable, Dict, List, Optional

import numpy as np

from nbkit.checks.definitions import sigmoid
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.feedback import format_array
from nbkit.gates import Exp, NumericGate, Reciprocal, Scale, Shift, Sigmoid
from nbkit.gradcheck import numerical_gradient
from nbkit.graph import Graph

# -- two-input gates: add, mul, max -----------------------------------------------------

ADD_MISTAKES: List[Mistake] = [
    Mistake("forgot-upstream", lambda x, y, u: (1.0, 1.0),
            "It returns the local gradients (1, 1) but not the downstream gradients: multiply each by upstream."),
    Mistake("split-gradient", lambda x, y, u: (u / 2, u / 2),
            "It splits upstream in half. An add gate is a distributor: each input gets the whole upstream, "
            "because d(x + y)/dx = d(x + y)/dy = 1."),
    Mistake("mul-rule", lambda x, y, u: (u * y, u * x),
            "It uses the mul-gate rule (swap the inputs). For x + y the local gradients are both 1."),
    Mistake("sign-flipped", lambda x, y, u: (-u, -u), "The signs are flipped: d(x + y)/dx = +1, so dx = +upstream."),
]

MUL_MISTAKES: List[Mistake] = [
    Mistake("own-value", lambda x, y, u: (u * x, u * y),
            "Each input got its own value times upstream. A mul gate swaps: d(xy)/dx = y, so dx = upstream × y "
            "and dy = upstream × x."),
    Mistake("forgot-upstream", lambda x, y, u: (y, x),
            "It returns the local gradients (y, x) but forgets the upstream gradient: dx = upstream × y."),
    Mistake("add-rule", lambda x, y, u: (u, u),
            "It passes upstream through unchanged, as an add gate would. For x·y the local gradient of x is y."),
    Mistake("sign-flipped", lambda x, y, u: (-u * y, -u * x), "The signs are flipped: dx = +upstream × y."),
]

MAX_MISTAKES: List[Mistake] = [
    Mistake("routed-to-both", lambda x, y, u: (u, u),
            "Both inputs got the upstream gradient. A max gate is a router: only the larger input affected the "
            "output, so it gets upstream and the other gets 0."),
    Mistake("routed-to-smaller", lambda x, y, u: (0.0, u) if x > y else (u, 0.0),
            "The gradient went to the smaller input. Route upstream to the input that won the max."),
    Mistake("forgot-upstream", lambda x, y, u: (1.0, 0.0) if x > y else (0.0, 1.0),
            "It returns the local gradient 1 for the winner but forgets to multiply by upstream."),
    Mistake("value-routed", lambda x, y, u: (u * max(x, y), 0.0) if x > y else (0.0, u * max(x, y)),
            "It routes upstream × max(x, y); the local gradient of the winner is 1, not its value."),
]


def _local_grads(definition: Callable, x: float, y: float, upstream: float) -> tuple:
    """(dx, dy) = upstream × d out / d input, each local gradient by central differences."""
    return (upstream * numerical_gradient(lambda a: definition(a, y), float(x)),
            upstream * numerical_gradient(lambda b: definition(x, b), float(y)))


def _check_binary_gate(ex: Exercise, gate_class, definition: Callable[[float, float], float],
                       mistakes: List[Mistake], forward_hint: str, cases) -> None:
    """Forward value, backward count and values, and a gate reused by a second forward call."""
    ex.require_class(gate_class)
    for i, (x, y, upstream) in enumerate(cases):
        case = ex.case(i, f"case x={x:g}, y={y:g}, upstream={upstream:g}")
        gate = ex.call(gate_class, what=f"{ex.name}()")
        out = ex.scalar(ex.call(ex.method(gate, "forward"), x, y, what=f"{ex.name}.forward on {case}"),
                        what=f"{ex.name}.forward")
        if not close(out, definition(x, y)):
            shown = ex.show(f" returned {out:g}, but the gate computes {definition(x, y):g}")
            ex.fail(f"forward is wrong ({case}){shown}. {forward_hint}", "wrong-forward")
        what = f"{ex.name}.backward on {case}"
        grads = ex.gradients(gate, ex.call(ex.method(gate, "backward"), upstream, what=what), 2, what=what)
        got = (ex.scalar(grads[0], what=f"{ex.name}.backward (gradient for x)"),
               ex.scalar(grads[1], what=f"{ex.name}.backward (gradient for y)"))
        ex.judge(got, _local_grads(definition, x, y, upstream), name="backward", case=case, tol=1e-5,
                 mistakes=mistakes, args=(x, y, upstream),
                 otherwise="Each downstream gradient is upstream × the local gradient d out / d input, "
                           "evaluated at the inputs of the last forward call.")
    # The same gate object must follow its latest forward call (it is reused in loops).
    gate = ex.call(gate_class, what=f"{ex.name}()")
    ex.call(gate.forward, 1.5, -0.5, what=f"{ex.name}.forward")
    ex.call(gate.forward, -2.0, 3.0, what=f"{ex.name}.forward")
    grads = ex.gradients(gate, ex.call(gate.backward, 2.0, what=f"{ex.name}.backward"), 2,
                         what=f"{ex.name}.backward")
    if not close(tuple(float(g) for g in grads), _local_grads(definition, -2.0, 3.0, 2.0), 1e-5):
        ex.fail("after two forward calls on the same gate, backward used the inputs of the first call. "
                "Store the inputs on self in every forward call (self.x, self.y = x, y), and read them in backward.",
                "stale-cache")
    ex.passed(f"forward and backward agree with upstream × local gradient on {ex.count(len(cases))}.")


def check_add_gate(AddGate, cases=None, hidden: bool = False) -> None:
    """Check an add gate class: forward(x, y) = x + y; backward(upstream) -> (dx, dy)."""
    _check_binary_gate(Exercise("AddGate", hidden=hidden), AddGate, lambda x, y: x + y, ADD_MISTAKES,
                       "An add gate returns x + y.", cases or [(-2.0, 5.0, 1.0), (3.0, 4.0, -2.5)])


def check_mul_gate(MulGate, cases=None, hidden: bool = False) -> None:
    """Check a mul gate class: forward(x, y) = x * y; backward(upstream) -> (dx, dy)."""
    _check_binary_gate(Exercise("MulGate", hidden=hidden), MulGate, lambda x, y: x * y, MUL_MISTAKES,
                       "A mul gate returns x * y.", cases or [(3.0, -4.0, 1.0), (-2.0, 5.0, 2.0)])


def check_max_gate(MaxGate, cases=None, hidden: bool = False) -> None:
    """Check a max gate class: forward(x, y) = max(x, y); backward routes upstream to the winner.

    Cases avoid ties (x == y), where any split of upstream is a valid subgradient.
    """
    cases = cases or [(4.0, 2.0, 1.0), (-1.0, 3.0, -2.0)]
    if any(x == y for x, y, _ in cases):
        raise ValueError("max-gate cases must not tie: at x == y the gradient is not unique")
    _check_binary_gate(Exercise("MaxGate", hidden=hidden), MaxGate, lambda x, y: max(x, y), MAX_MISTAKES,
                       "A max gate returns the larger of x and y.", cases)


# -- copy gate: one input, two outputs ------------------------------------------------

COPY_MISTAKES: List[Mistake] = [
    Mistake("overwrote-branch", lambda u1, u2: u2,
            "It returns only the last upstream gradient, as if the second branch overwrote the first. "
            "x reaches the output along both branches, so both contributions count: dx = upstream_1 + upstream_2."),
    Mistake("overwrote-branch", lambda u1, u2: u1,
            "It returns only the first branch's gradient and drops the second: dx = upstream_1 + upstream_2."),
    Mistake("averaged-branch", lambda u1, u2: (u1 + u2) / 2,
            "It averages the two gradients. Gradients at a branch add: nudging x moves both copies."),
    Mistake("multiplied-branch", lambda u1, u2: u1 * u2,
            "It multiplies the two gradients. Gradients from different paths add (multivariable chain rule)."),
]


def check_copy_gate(CopyGate, cases=None, hidden: bool = False) -> None:
    """Check a copy (branch) gate: forward(x) -> (x, x); backward(upstream_1, upstream_2) -> dx."""
    ex = Exercise("CopyGate", hidden=hidden)
    cases = cases or [(3.0, 2.0, -1.5), (-0.5, 4.0, 4.0)]
    for i, (x, u1, u2) in enumerate(cases):
        case = ex.case(i, f"case x={x:g}, upstream_1={u1:g}, upstream_2={u2:g}")
        gate = ex.call(CopyGate, what="CopyGate()")
        out = ex.call(ex.method(gate, "forward"), x, what=f"CopyGate.forward on {case}")
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            ex.fail(f"forward should return the two copies (x, x) as a tuple; it returned "
                    f"{'None' if out is None else type(out).__name__} ({case}).", "wrong-forward")
        if not close((ex.scalar(out[0], what="copy 1"), ex.scalar(out[1], what="copy 2")), (x, x)):
            ex.fail(f"forward should return (x, x) ({case}).", "wrong-forward")
        what = f"CopyGate.backward on {case}"
        dx = ex.scalar(ex.call(ex.method(gate, "backward"), u1, u2, what=what), what=what)
        # Oracle: d/dx of u1 * x + u2 * x, the two copies weighted by their upstreams.
        want = numerical_gradient(lambda a: u1 * a + u2 * a, float(x))
        ex.judge(dx, want, name="backward", case=case, tol=1e-5, mistakes=COPY_MISTAKES, args=(u1, u2),
                 otherwise="A copy gate's backward adds the gradients of its copies.")
    ex.passed(f"the gradients of both copies are summed on {ex.count(len(cases))}.")


# -- the sigmoid neuron ---------------------------------------------------------------

def _neuron(w: np.ndarray, x: np.ndarray) -> float:
    """f(w, x) = sigma(w0 x0 + w1 x1 + w2): the definition the checks differentiate."""
    return float(sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]))


def _neuron_parts(w, x):
    """(sigma(z), sigma'(z), dz/dw = (x0, x1, 1)) for the neuron's classic wrong answers."""
    s = _neuron(w, x)
    return s, s * (1 - s), np.array([x[0], x[1], 1.0])


NEURON_MISTAKES: List[Mistake] = [
    Mistake("sigmoid-derivative", lambda w, x: (lambda s, d, xs: (s * xs, s * w[:2]))(*_neuron_parts(w, x)),
            "The local gradient of the sigmoid is sigma(z)(1 - sigma(z)), not sigma(z)."),
    Mistake("own-value", lambda w, x: (lambda s, d, xs: (d * np.array([w[0], w[1], 1.0]), d * x[:2]))(
        *_neuron_parts(w, x)),
            "dw and dx look swapped: in w_i * x_i the gradient for w_i is (upstream) × x_i, and for x_i it is × w_i."),
    Mistake("own-value", lambda w, x: (lambda s, d, xs: (d * xs, d * x[:2]))(*_neuron_parts(w, x)),
            "dw is right, but dx is built from x: in w_i * x_i the gradient for x_i is (upstream) × w_i, "
            "the other factor of the product, not x_i itself."),
    Mistake("bias-gradient", lambda w, x: (lambda s, d, xs: (d * np.array([x[0], x[1], 0.0]), d * w[:2]))(
        *_neuron_parts(w, x)),
            "dw[2] (the bias) is 0, but the bias adds straight into z, so its gradient is d f / d z × 1."),
    Mistake("sign-flipped", lambda w, x: (lambda s, d, xs: (-d * xs, -d * w[:2]))(*_neuron_parts(w, x)),
            "The signs are flipped. sigma is increasing, so d f / d z = sigma(z)(1 - sigma(z)) > 0."),
    Mistake("forgot-local-gradient", lambda w, x: (lambda s, d, xs: (xs, w[:2].copy()))(*_neuron_parts(w, x)),
            "The gradients stop at z: multiply dz/dw by the sigmoid's local gradient sigma(z)(1 - sigma(z))."),
]


def check_neuron(neuron_forward_backward, cases=None, hidden: bool = False) -> None:
    """Check ``neuron_forward_backward(w, x) -> (out, dw, dx)`` for w of shape (3,), x of shape (2,).

    ``cases``: list of (w, x) or (w, x, expected) where expected = (out, dw, dx) rounded values
    to compare with too (hidden cells keep such values).
    """
    ex = Exercise("neuron_forward_backward", hidden=hidden)
    cases = cases or [([2.0, -3.0, -3.0], [-1.0, -2.0]), ([0.5, 1.0, -0.25], [1.5, -0.5])]
    for i, case_data in enumerate(cases):
        w, x = np.array(case_data[0], dtype=float), np.array(case_data[1], dtype=float)
        case = ex.case(i, f"w = {format_array(w)}, x = {format_array(x)}")
        result = ex.returned(ex.call(neuron_forward_backward, w.copy(), x.copy(), what=f"{ex.name}(w, x)"), 3,
                             what="the function", names="(out, dw, dx)")
        out = ex.scalar(result[0], what="out")
        dw, dx = ex.array(result[1], what="dw", shape=(3,)), ex.array(result[2], what="dx", shape=(2,))
        if not close(out, _neuron(w, x)):
            shown = ex.show(f" out = {out:.6g}, but sigma(w0 x0 + w1 x1 + w2) = {_neuron(w, x):.6g}.")
            ex.fail(f"the forward value is wrong ({case}).{shown}", "wrong-forward")
        want = (numerical_gradient(lambda ww: _neuron(ww, x), w.copy()),
                numerical_gradient(lambda xx: _neuron(w, xx), x.copy()))
        ex.judge((dw, dx), want, name="the gradients (dw, dx)", case=case, mistakes=NEURON_MISTAKES, args=(w, x),
                 otherwise="Work backwards: df/dz = sigma(z)(1 - sigma(z)); then dz/dw_i = x_i, dz/dw2 = 1, "
                           "dz/dx_i = w_i.")
        if len(case_data) > 2 and not close((out, dw, dx), tuple(np.asarray(v, dtype=float) for v in case_data[2]),
                                            5e-3):
            ex.fail(f"the gradients do not reproduce the expected values ({case}).", "wrong-values")
    ex.passed(f"value and gradients match numerical derivatives on {ex.count(len(cases))}.")


# -- passes over a graph --------------------------------------------------------------

def _gate(kind: str):
    # Tool gates only (never the learner's): the passes are checked on their own.
    if kind == "+":
        return NumericGate(lambda a, b: a + b, 2, "+")
    if kind == "*":
        return NumericGate(lambda a, b: a * b, 2, "*")
    return {"exp": Exp, "1/x": Reciprocal, "σ": Sigmoid}[kind]()


def example_graphs(seed: Optional[int] = None) -> Dict[str, Graph]:
    """Small graphs that each test one part of a pass, in increasing difficulty.

    With a ``seed``, the input values are drawn at random (hidden tests use other values
    than the visible check).

    - ``chain``: one path, single-input gates (order and upstream × local gradient).
    - ``tree``: two-input gates, no value used twice ((x + y) z).
    - ``branch``: the input x is used by two gates, so its gradient is a sum.
    - ``scrambled``: nodes added out of order, so insertion order is not topological.
    - ``diamond``: an intermediate node q = x + y feeds two gates, so q's gradient must be
      complete (summed over both uses) before it is passed on to x and y.
    """
    chain = Graph()
    chain.input("x", 0.5)
    chain.op("a", Scale(-2.0), "x")
    chain.op("b", Exp(), "a")
    chain.op("c", Shift(1.0), "b")
    chain.op("f", Reciprocal(), "c")

    tree = Graph()
    tree.input("x", -2.0); tree.input("y", 5.0); tree.input("z", -4.0)
    tree.op("q", _gate("+"), "x", "y")
    tree.op("f", _gate("*"), "q", "z")

    branch = Graph()
    branch.input("x", 1.5); branch.input("y", -0.5)
    branch.op("p", _gate("*"), "x", "y")
    branch.op("s", _gate("+"), "p", "x")
    branch.op("f", Sigmoid(), "s")

    scrambled = Graph()
    scrambled.op("f", _gate("*"), "q", "x")      # defined before its inputs exist
    scrambled.op("q", _gate("+"), "x", "y")
    scrambled.input("x", 2.0); scrambled.input("y", -3.0)

    diamond = Graph()
    diamond.input("x", 0.5); diamond.input("y", -1.5); diamond.input("z", 2.0)
    diamond.op("q", _gate("*"), "x", "y")
    diamond.op("r", _gate("*"), "q", "z")       # q is used here ...
    diamond.op("e", Sigmoid(), "q")             # ... and here
    diamond.op("f", _gate("+"), "r", "e")
    graphs = {"chain": chain, "tree": tree, "branch": branch, "scrambled": scrambled, "diamond": diamond}
    if seed is not None:
        rng = np.random.default_rng(seed)
        for graph in graphs.values():
            for node in graph.nodes.values():
                if node.is_input:
                    node.value = float(np.round(rng.uniform(-2.0, 2.0), 3))
    return graphs


def _input_values(graph: Graph) -> Dict[str, float]:
    return {n.name: n.value for n in graph.order() if n.is_input}


def _numerical_input_grads(graph: Graph, output: str) -> Dict[str, float]:
    """d output / d input for every input, by central differences through nbkit's own forward."""
    base = _input_values(graph)
    grads = {}
    for name in base:
        def f(v, name=name):
            graph.forward(**dict(base, **{name: v}))
            return float(graph.nodes[output].value)
        grads[name] = numerical_gradient(f, float(base[name]))
    graph.forward(**base)
    return grads


def _per_path_grads(graph: Graph, output: str) -> Dict[str, float]:
    """The classic wrong answer of a recursive backward that visits a node once per path and
    passes on its gradient accumulated *so far* each time (micrograd's first commit)."""
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0

    def visit(name):
        node = graph.nodes[name]
        if node.is_input:
            return
        downstream = node.gate.backward(grads[name])
        for parent, g in zip(node.inputs, downstream if len(node.inputs) > 1 else (downstream,)):
            grads[parent] += g
            visit(parent)

    visit(output)
    return grads


def _graph_label(ex: Exercise, name: str) -> str:
    return f"hidden graph {name!r}" if ex.hidden else f"the '{name}' graph"


def check_forward_pass(forward_pass, graphs: Optional[Dict[str, Graph]] = None, hidden: bool = False) -> None:
    """Check ``forward_pass(graph, inputs) -> output value``: it must write ``inputs`` into the
    input nodes and set every op node's value. The inputs passed differ from the values the
    input nodes hold, so a pass that never writes them is caught."""
    ex = Exercise("forward_pass", hidden=hidden)
    graphs = graphs or example_graphs()
    for name, graph in graphs.items():
        label = _graph_label(ex, name)
        held = _input_values(graph)
        inputs = {k: round(float(v) + 0.25, 3) for k, v in held.items()}  # not what the nodes hold
        want_output = Graph.forward(graph, **inputs)                      # nbkit's forward: the oracle
        want = {n.name: n.value for n in graph.order()}
        for node in graph.nodes.values():
            node.value = held[node.name] if node.is_input else None

        def out_of_order(exc, name=name):
            if isinstance(exc, TypeError) and "NoneType" in str(exc) and name == "scrambled":
                return ("on a graph whose nodes were added out of order, a gate received None: it ran before "
                        "its inputs had values. Visit nodes in topological order, graph.order(), not "
                        "graph.nodes.", "wrong-order")
            return None

        got = ex.call(forward_pass, graph, dict(inputs), what="forward_pass(graph, inputs)", hint=out_of_order)
        unset = any(n.value is None for n in graph.nodes.values())  # said below: node values never set
        stale = [k for k in held if close(graph.nodes[k].value, held[k]) and not close(held[k], inputs[k])]
        if stale and not unset:
            ex.fail(f"on {label}, input node {stale[0]!r} still holds the value it had before the call, not the "
                    f"one in `inputs`: the graph was evaluated at the old inputs. First write every entry of "
                    f"`inputs` into its node (graph.nodes[name].value = value), then run the op nodes.",
                    "inputs-not-set")
        for node_name, value in want.items():
            have = graph.nodes[node_name].value
            if not close(have, value):
                shown = ex.show(f" should hold {value:.4g} after the forward pass but holds {have!r}")
                ex.fail(f"on {label}, node {node_name!r}{shown or ' has a wrong value after the forward pass'}. "
                        f"Set node.value = node.gate.forward(*values of node.inputs) for every op node, in "
                        f"topological order.", "wrong-values")
        if not close(got, want_output):
            shown = ex.show(f" returned {got!r}; it should return the output's value {want_output:.4g}")
            ex.fail(f"on {label}, forward_pass{shown or ' returned a wrong value: return the output node value'}.",
                    "wrong-return")
    ex.passed(f"every node's value is right on {len(graphs)} {'hidden ' if hidden else ''}graphs, "
              f"including one whose nodes were added out of order.")


def check_backward_pass(backward_pass, graphs: Optional[Dict[str, Graph]] = None, hidden: bool = False) -> None:
    """Check ``backward_pass(graph, output) -> {name: d output / d name}`` on graphs after a forward pass.

    The graphs go from easy to hard, so the first failure says which idea is missing.
    """
    ex = Exercise("backward_pass", hidden=hidden)
    graphs = graphs or example_graphs()
    for name, graph in graphs.items():
        graph.forward()
        output = graph.outputs()[-1].name
        want = _numerical_input_grads(graph, output)
        label = _graph_label(ex, name)
        grads = ex.call(backward_pass, graph, output, what=f"backward_pass(graph, {output!r})")
        if not isinstance(grads, dict):
            ex.fail(f"backward_pass should return a dict {{node name: gradient}}; it returned "
                    f"{type(grads).__name__}.", "wrong-return")
        for node_name, value in want.items():
            if node_name not in grads:
                ex.fail(f"on {label}, the returned dict has no entry for input {node_name!r}.", "missing-grad")
            have = ex.scalar(grads[node_name], what=f"grads[{node_name!r}]")
            if close(have, value, 1e-5):
                continue
            should = ex.show(f" should be {value:.4g} but")
            if abs(have) < 1e-12 and abs(value) > 1e-9:
                ex.fail(f"on {label}, the gradient of {node_name!r}{should} is 0. Gradients flow from the output "
                        f"backwards: visit nodes in REVERSE topological order (reversed(graph.order())) so each "
                        f"node's upstream gradient is complete before you use it, and start from grads[output] = 1.",
                        "wrong-order")
            if name == "branch" and node_name == "x":
                ex.fail(f"on {label}, x feeds two gates, and its gradient is wrong"
                        + ex.show(f" ({have:.4g}, not {value:.4g})") + ". At a branch the gradients coming back "
                        "add up: use grads[parent] += downstream, not =.", "overwrote-branch")
            if close(have, _per_path_grads(graph, output)[node_name], 1e-5):
                ex.fail(f"on {label}, the node q feeds two gates, and the gradients of its inputs count some paths "
                        f"twice" + ex.show(f" ({node_name!r}: {have:.4g}, not {value:.4g})") + ". A recursive "
                        f"backward visits q once per path and passes on q's gradient before both uses have added "
                        f"theirs. Visit every node once, in reversed(graph.order()), so that its gradient is "
                        f"complete before it is passed on.", "visited-per-path")
            ex.fail(f"on {label}, d {output} / d {node_name} is wrong"
                    + ex.show(f": it should be {value:.4g} but you have {have:.4g}") + ". Each gate's "
                    f"backward(upstream) gives its inputs' downstream gradients; pass it the node's accumulated "
                    f"gradient.", "wrong-values")
    ex.passed(f"input gradients match numerical derivatives on {len(graphs)} {'hidden ' if hidden else ''}graphs "
              f"(a chain, a tree, a branch, nodes added out of order, and an intermediate node used twice).")


# -- a staged computation: f(x, y) = (x + sigma(y)) / (sigma(x) + (x + y)^2) ----------------

def _staged_f(x: float, y: float) -> float:
    """The exercise's definition, in one line (the oracle differentiates it numerically)."""
    return float((x + sigmoid(y)) / (sigmoid(x) + (x + y) ** 2))


def _staged_paths(x: float, y: float, sigmoid_prime=lambda s: s * (1 - s), inv_sign: float = -1.0) -> tuple:
    """The contributions reaching x (through sigma(x), x + y, the numerator) and y (through x + y, sigma(y)).

    Classic mistakes are built from them: one path only (``=`` where ``+=`` belongs), a wrong
    sigmoid derivative, a wrong sign in d(1/den)/dden.
    """
    sx, sy = sigmoid(x), sigmoid(y)
    num, den = x + sy, sx + (x + y) ** 2
    dnum, dden = 1.0 / den, inv_sign * num / den ** 2
    dxpy = 2 * (x + y) * dden
    x_paths = (sigmoid_prime(sx) * dden, dxpy, dnum)
    y_paths = (dxpy, sigmoid_prime(sy) * dnum)
    return x_paths, y_paths


def _staged_mistakes() -> List[Mistake]:
    def some_paths(keep_x, keep_y):
        def wrong(x, y):
            xp, yp = _staged_paths(x, y)
            return _staged_f(x, y), sum(xp[i] for i in keep_x), sum(yp[j] for j in keep_y)
        return wrong

    subsets = lambda n: [c for r in range(1, n + 1) for c in itertools.combinations(range(n), r)]
    branch = [Mistake("overwrote-branch", some_paths(kx, ky),
                      "x is used three times (in sigma(x), in x + y and in the numerator) and y twice; each use "
                      "sends back its own gradient and they must be added: `dx += ...`, not `dx = ...`, at every "
                      "use after the first.")
              for kx in subsets(3) for ky in subsets(2) if (len(kx), len(ky)) != (3, 2)]

    def variant(**kw):
        return lambda x, y: (lambda p: (_staged_f(x, y), sum(p[0]), sum(p[1])))(_staged_paths(x, y, **kw))

    return branch + [
        Mistake("sigmoid-derivative", variant(sigmoid_prime=lambda s: s),
                "The sigmoid's local gradient is sigma(1 - sigma), not sigma: use `(1 - sigx) * sigx * dsigx`."),
        Mistake("sign-flipped", variant(inv_sign=1.0),
                "d(1/den)/dden = -1/den^2: the minus sign is missing, so every path through the denominator "
                "points the wrong way."),
    ]


STAGED_MISTAKES = _staged_mistakes()


def check_staged(staged_forward_backward, cases=None, hidden: bool = False) -> None:
    """Check ``staged_forward_backward(x, y) -> (f, dx, dy)`` for f = (x + sigma(y)) / (sigma(x) + (x + y)^2).

    x, y, f, dx, dy are floats. ``cases`` is a list of (x, y).
    """
    ex = Exercise("staged_forward_backward", hidden=hidden)
    cases = cases or [(3.0, -4.0), (0.5, 1.5), (-1.0, 0.25)]
    for i, (x, y) in enumerate(cases):
        x, y = float(x), float(y)
        case = ex.case(i, f"x = {x:g}, y = {y:g}")
        result = ex.returned(ex.call(staged_forward_backward, x, y, what=f"{ex.name}({x:g}, {y:g})"
                                     if not ex.hidden else f"{ex.name}(x, y)"),
                             3, what="the function", names="(f, dx, dy)")
        f = ex.scalar(result[0], what="f")
        dx, dy = ex.scalar(result[1], what="dx"), ex.scalar(result[2], what="dy")
        if not close(f, _staged_f(x, y)):
            shown = ex.show(f" f = {f:.6g}, but (x + sigma(y)) / (sigma(x) + (x + y)^2) = {_staged_f(x, y):.6g}.")
            ex.fail(f"the forward value is wrong ({case}).{shown}", "wrong-forward")
        grad = numerical_gradient(lambda v: _staged_f(v[0], v[1]), np.array([x, y]))
        ex.judge((f, dx, dy), (f, float(grad[0]), float(grad[1])), name="(f, dx, dy)", case=case,
                 mistakes=STAGED_MISTAKES, args=(x, y), tol=1e-5,
                 otherwise="Go backwards through the staged lines in reverse order: each line's gradient is "
                           "upstream times its local gradient, added (+=) into the variable it came from.")
    ex.passed(f"f and (dx, dy) match numerical derivatives on {ex.count(len(cases))}.")
