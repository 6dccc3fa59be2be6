"""Checks for notebook 01: gates, the sigmoid neuron, and passes over a graph.

Every check runs the learner's own class or function. The oracle is a numerical
derivative of the gate's *definition* (x + y, x * y, max(x, y), ...), never an nbkit
implementation of the answer. When the answer is wrong, the check compares it with a
catalogue of classic mistakes and names the one it matches.

``cases`` lets a hidden test cell pass its own inputs; with ``hidden=True`` messages
describe a failing case by its number and the mistake, without its values.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from nbkit.checks.runner import as_float, call, close
from nbkit.feedback import fail, format_array, passed
from nbkit.gates import Exp, NumericGate, Reciprocal, Scale, Shift, Sigmoid
from nbkit.gates.base import grads_as_tuple
from nbkit.gradcheck import numerical_gradient
from nbkit.graph import Graph

Mistake = Tuple[str, Callable[..., Sequence[float]], str]


def _case_name(i: int, case, hidden: bool) -> str:
    if hidden:
        return f"hidden case {i + 1}"
    return "case " + ", ".join(f"{k}={v:g}" for k, v in case.items())


# -- two-input gates: add, mul, max -----------------------------------------------------

def _check_binary_gate(gate_class, *, exercise: str, definition: Callable[[float, float], float],
                       mistakes: List[Mistake], forward_hint: str, cases, hidden: bool) -> None:
    """Shared logic: forward value, backward count, backward values, stale caches."""
    if not isinstance(gate_class, type):
        fail(f"pass the class itself, e.g. check(...)({exercise}), not {gate_class!r}.",
             diagnosis="not-a-class", exercise=exercise)
    for i, (x, y, upstream) in enumerate(cases):
        label = _case_name(i, dict(x=x, y=y, upstream=upstream), hidden)
        gate = call(gate_class, what=f"{exercise}()", exercise=exercise)
        out = as_float(call(gate.forward, x, y, what=f"{exercise}.forward on {label}" if hidden else f"{exercise}.forward({x:g}, {y:g})", exercise=exercise),
                       what=f"{exercise}.forward", exercise=exercise)
        if not close(out, definition(x, y)):
            shown = "" if hidden else f" returned {out:g}, but the gate computes {definition(x, y):g}"
            fail(f"forward is wrong ({label}){shown}. {forward_hint}",
                 diagnosis="wrong-forward", exercise=exercise)
        raw = call(gate.backward, upstream, what=f"{exercise}.backward on {label}" if hidden else f"{exercise}.backward({upstream:g})", exercise=exercise)
        try:
            grads = grads_as_tuple(gate, raw, 2)
        except ValueError as err:
            fail(str(err), diagnosis="wrong-count", exercise=exercise)
        dx = as_float(grads[0], what=f"{exercise}.backward (gradient for x)", exercise=exercise)
        dy = as_float(grads[1], what=f"{exercise}.backward (gradient for y)", exercise=exercise)
        # Oracle: downstream = upstream * local gradient, local gradient by central differences.
        want_dx = upstream * numerical_gradient(lambda a: definition(a, y), float(x))
        want_dy = upstream * numerical_gradient(lambda b: definition(x, b), float(y))
        if close(dx, want_dx, 1e-5) and close(dy, want_dy, 1e-5):
            continue
        for diagnosis, wrong, explanation in mistakes:
            wx, wy = wrong(x, y, upstream)
            if close(dx, wx, 1e-9) and close(dy, wy, 1e-9) and not (close(wx, want_dx) and close(wy, want_dy)):
                got = "" if hidden else f" Your backward gave (dx, dy) = ({dx:g}, {dy:g}); the right answer is ({want_dx:g}, {want_dy:g})."
                fail(f"backward is wrong ({label}). {explanation}{got}", diagnosis=diagnosis, exercise=exercise)
        got = "" if hidden else (f" Your backward gave (dx, dy) = ({dx:g}, {dy:g}); the right answer is "
                                 f"({want_dx:g}, {want_dy:g}).")
        fail(f"backward is wrong ({label}).{got} Each downstream gradient is upstream × the local gradient "
             f"d out / d input, evaluated at the inputs of the last forward call.",
             diagnosis="wrong-values", exercise=exercise)

    # The same gate object must follow its latest forward call (it is reused in loops).
    gate = call(gate_class, what=f"{exercise}()", exercise=exercise)
    call(gate.forward, 1.5, -0.5, what=f"{exercise}.forward", exercise=exercise)
    call(gate.forward, -2.0, 3.0, what=f"{exercise}.forward", exercise=exercise)
    grads = grads_as_tuple(gate, call(gate.backward, 2.0, what=f"{exercise}.backward", exercise=exercise), 2)
    want = (2.0 * numerical_gradient(lambda a: definition(a, 3.0), -2.0),
            2.0 * numerical_gradient(lambda b: definition(-2.0, b), 3.0))
    if not (close(float(grads[0]), want[0], 1e-5) and close(float(grads[1]), want[1], 1e-5)):
        fail("after two forward calls on the same gate, backward used the inputs of the first call. "
             "Store the inputs on self in every forward call (self.x, self.y = x, y), and read them in backward.",
             diagnosis="stale-cache", exercise=exercise)
    passed(f"{exercise}: forward and backward agree with upstream × local gradient on {len(cases)} "
           f"{'hidden ' if hidden else ''}case{'s' if len(cases) != 1 else ''}.")


ADD_MISTAKES: List[Mistake] = [
    ("forgot-upstream", lambda x, y, u: (1.0, 1.0),
     "It returns the local gradients (1, 1) but not the downstream gradients: multiply each by upstream."),
    ("split-gradient", lambda x, y, u: (u / 2, u / 2),
     "It splits upstream in half. An add gate is a distributor: each input gets the whole upstream, "
     "because d(x + y)/dx = d(x + y)/dy = 1."),
    ("mul-rule", lambda x, y, u: (u * y, u * x),
     "It uses the mul-gate rule (swap the inputs). For x + y the local gradients are both 1."),
    ("sign-flipped", lambda x, y, u: (-u, -u),
     "The signs are flipped: d(x + y)/dx = +1, so dx = +upstream."),
]

MUL_MISTAKES: List[Mistake] = [
    ("own-value", lambda x, y, u: (u * x, u * y),
     "Each input got its own value times upstream. A mul gate swaps: d(xy)/dx = y, so dx = upstream × y "
     "and dy = upstream × x."),
    ("forgot-upstream", lambda x, y, u: (y, x),
     "It returns the local gradients (y, x) but forgets the upstream gradient: dx = upstream × y."),
    ("add-rule", lambda x, y, u: (u, u),
     "It passes upstream through unchanged, as an add gate would. For x·y the local gradient of x is y."),
    ("sign-flipped", lambda x, y, u: (-u * y, -u * x),
     "The signs are flipped: dx = +upstream × y."),
]

MAX_MISTAKES: List[Mistake] = [
    ("routed-to-both", lambda x, y, u: (u, u),
     "Both inputs got the upstream gradient. A max gate is a router: only the larger input affected the "
     "output, so it gets upstream and the other gets 0."),
    ("routed-to-smaller", lambda x, y, u: (0.0, u) if x > y else (u, 0.0),
     "The gradient went to the smaller input. Route upstream to the input that won the max."),
    ("forgot-upstream", lambda x, y, u: (1.0, 0.0) if x > y else (0.0, 1.0),
     "It returns the local gradient 1 for the winner but forgets to multiply by upstream."),
    ("value-routed", lambda x, y, u: (u * max(x, y), 0.0) if x > y else (0.0, u * max(x, y)),
     "It routes upstream × max(x, y); the local gradient of the winner is 1, not its value."),
]


def check_add_gate(AddGate, cases=None, hidden: bool = False) -> None:
    """Check an add gate class: forward(x, y) = x + y; backward(upstream) -> (dx, dy)."""
    _check_binary_gate(AddGate, exercise="AddGate", definition=lambda x, y: x + y, mistakes=ADD_MISTAKES,
                       forward_hint="An add gate returns x + y.",
                       cases=cases or [(-2.0, 5.0, 1.0), (3.0, 4.0, -2.5)], hidden=hidden)


def check_mul_gate(MulGate, cases=None, hidden: bool = False) -> None:
    """Check a mul gate class: forward(x, y) = x * y; backward(upstream) -> (dx, dy)."""
    _check_binary_gate(MulGate, exercise="MulGate", definition=lambda x, y: x * y, mistakes=MUL_MISTAKES,
                       forward_hint="A mul gate returns x * y.",
                       cases=cases or [(3.0, -4.0, 1.0), (-2.0, 5.0, 2.0)], hidden=hidden)


def check_max_gate(MaxGate, cases=None, hidden: bool = False) -> None:
    """Check a max gate class: forward(x, y) = max(x, y); backward routes upstream to the winner.

    Cases avoid ties (x == y), where any split of upstream is a valid subgradient.
    """
    cases = cases or [(4.0, 2.0, 1.0), (-1.0, 3.0, -2.0)]
    for x, y, _ in cases:
        if x == y:
            raise ValueError("max-gate cases must not tie: at x == y the gradient is not unique")
    _check_binary_gate(MaxGate, exercise="MaxGate", definition=lambda x, y: max(x, y), mistakes=MAX_MISTAKES,
                       forward_hint="A max gate returns the larger of x and y.", cases=cases, hidden=hidden)


# -- copy gate: one input, two outputs ------------------------------------------------

COPY_MISTAKES: List[Mistake] = [
    ("overwrote-branch", lambda u1, u2: u2,
     "It returns only the last upstream gradient, as if the second branch overwrote the first. "
     "x reaches the output along both branches, so both contributions count: dx = upstream_1 + upstream_2."),
    ("overwrote-branch", lambda u1, u2: u1,
     "It returns only the first branch's gradient and drops the second: dx = upstream_1 + upstream_2."),
    ("averaged-branch", lambda u1, u2: (u1 + u2) / 2,
     "It averages the two gradients. Gradients at a branch add: nudging x moves both copies."),
    ("multiplied-branch", lambda u1, u2: u1 * u2,
     "It multiplies the two gradients. Gradients from different paths add (multivariable chain rule)."),
]


def check_copy_gate(CopyGate, cases=None, hidden: bool = False) -> None:
    """Check a copy (branch) gate: forward(x) -> (x, x); backward(upstream_1, upstream_2) -> dx."""
    exercise = "CopyGate"
    cases = cases or [(3.0, 2.0, -1.5), (-0.5, 4.0, 4.0)]
    for i, (x, u1, u2) in enumerate(cases):
        label = _case_name(i, dict(x=x, upstream_1=u1, upstream_2=u2), hidden)
        gate = call(CopyGate, what="CopyGate()", exercise=exercise)
        out = call(gate.forward, x, what=f"CopyGate.forward on {label}" if hidden else f"CopyGate.forward({x:g})", exercise=exercise)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            fail(f"forward should return the two copies (x, x) as a tuple; it returned {out!r} ({label}).",
                 diagnosis="wrong-forward", exercise=exercise)
        if not (close(as_float(out[0], what="copy 1", exercise=exercise), x)
                and close(as_float(out[1], what="copy 2", exercise=exercise), x)):
            fail(f"forward should return (x, x) ({label}).", diagnosis="wrong-forward", exercise=exercise)
        dx = as_float(call(gate.backward, u1, u2, what=f"CopyGate.backward on {label}" if hidden else f"CopyGate.backward({u1:g}, {u2:g})", exercise=exercise),
                      what="CopyGate.backward", exercise=exercise)
        # Oracle: d/dx of g(x) = u1 * x + u2 * x, i.e. the two copies weighted by their upstreams.
        want = numerical_gradient(lambda a: u1 * a + u2 * a, float(x))
        if close(dx, want, 1e-5):
            continue
        got = "" if hidden else f" Your backward gave {dx:g}; the right answer is {want:g}."
        for diagnosis, wrong, explanation in COPY_MISTAKES:
            if close(dx, wrong(u1, u2), 1e-9):
                fail(f"backward is wrong ({label}). {explanation}{got}", diagnosis=diagnosis, exercise=exercise)
        fail(f"backward is wrong ({label}).{got} A copy gate's backward adds the gradients of its copies.",
             diagnosis="wrong-values", exercise=exercise)
    passed(f"CopyGate: the gradients of both copies are summed on {len(cases)} {'hidden ' if hidden else ''}cases.")


# -- the sigmoid neuron ---------------------------------------------------------------

def _neuron(w: np.ndarray, x: np.ndarray) -> float:
    """f(w, x) = sigma(w0 x0 + w1 x1 + w2): the definition the checks differentiate."""
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    return float(1.0 / (1.0 + np.exp(-z)))


def _neuron_mistakes(w: np.ndarray, x: np.ndarray) -> List[Tuple[str, np.ndarray, np.ndarray, str]]:
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    s = 1.0 / (1.0 + np.exp(-z))
    good = s * (1 - s)
    xs = np.array([x[0], x[1], 1.0])
    return [
        ("sigmoid-derivative", s * xs, s * w[:2],
         "The local gradient of the sigmoid is sigma(z)(1 - sigma(z)), not sigma(z)."),
        ("own-value", good * np.array([w[0], w[1], 1.0]), good * np.array([x[0], x[1]]),
         "dw and dx look swapped: in w_i * x_i the gradient for w_i is (upstream) × x_i, and for x_i it is × w_i."),
        ("bias-gradient", good * np.array([x[0], x[1], 0.0]), good * w[:2],
         "dw[2] (the bias) is 0, but the bias adds straight into z, so its gradient is d f / d z × 1."),
        ("sign-flipped", -good * xs, -good * w[:2],
         "The signs are flipped. sigma is increasing, so d f / d z = sigma(z)(1 - sigma(z)) > 0."),
        ("forgot-chain", xs.copy(), w[:2].copy(),
         "The gradients stop at z: multiply dz/dw by the sigmoid's local gradient sigma(z)(1 - sigma(z))."),
    ]


def check_neuron(neuron_forward_backward, cases=None, hidden: bool = False) -> None:
    """Check ``neuron_forward_backward(w, x) -> (out, dw, dx)`` for w of shape (3,), x of shape (2,).

    ``cases``: list of (w, x) or (w, x, expected) where expected = (out, dw, dx) rounded values
    to compare with too (hidden cells keep such values).
    """
    exercise = "neuron_forward_backward"
    cases = cases or [([2.0, -3.0, -3.0], [-1.0, -2.0]), ([0.5, 1.0, -0.25], [1.5, -0.5])]
    for i, case in enumerate(cases):
        w, x = np.array(case[0], dtype=float), np.array(case[1], dtype=float)
        expected = case[2] if len(case) > 2 else None
        label = f"hidden case {i + 1}" if hidden else f"w = {format_array(w)}, x = {format_array(x)}"
        result = call(neuron_forward_backward, w.copy(), x.copy(), what=f"{exercise}(w, x)", exercise=exercise)
        if not (isinstance(result, (tuple, list)) and len(result) == 3):
            fail("the function should return three things: (out, dw, dx).", diagnosis="wrong-count", exercise=exercise)
        out = as_float(result[0], what="out", exercise=exercise)
        dw, dx = np.asarray(result[1], dtype=float), np.asarray(result[2], dtype=float)
        if dw.shape != (3,) or dx.shape != (2,):
            fail(f"dw should have shape (3,) like w and dx shape (2,) like x; got dw {dw.shape} and dx {dx.shape}.",
                 diagnosis="wrong-shape", exercise=exercise)
        if not close(out, _neuron(w, x), 1e-6):
            shown = "" if hidden else f" out = {out:.6g}, but sigma(w0 x0 + w1 x1 + w2) = {_neuron(w, x):.6g}."
            fail(f"the forward value is wrong ({label}).{shown}", diagnosis="wrong-forward", exercise=exercise)
        want_dw = numerical_gradient(lambda ww: _neuron(ww, x), w.copy())
        want_dx = numerical_gradient(lambda xx: _neuron(w, xx), x.copy())
        ok = np.allclose(dw, want_dw, rtol=1e-5, atol=1e-8) and np.allclose(dx, want_dx, rtol=1e-5, atol=1e-8)
        if ok and expected is not None:
            e_out, e_dw, e_dx = expected
            ok = (abs(out - e_out) < 5e-3 and np.allclose(dw, e_dw, atol=5e-3) and np.allclose(dx, e_dx, atol=5e-3))
        if ok:
            continue
        got = "" if hidden else (f" You have dw = {format_array(dw)}, dx = {format_array(dx)}; a numerical gradient "
                                 f"gives dw = {format_array(want_dw)}, dx = {format_array(want_dx)}.")
        for diagnosis, wrong_dw, wrong_dx, explanation in _neuron_mistakes(w, x):
            if np.allclose(dw, wrong_dw, rtol=1e-6, atol=1e-9) and np.allclose(dx, wrong_dx, rtol=1e-6, atol=1e-9):
                fail(f"gradients are wrong ({label}). {explanation}{got}", diagnosis=diagnosis, exercise=exercise)
        fail(f"gradients are wrong ({label}).{got} Work backwards: df/dz = sigma(z)(1 - sigma(z)); then "
             f"dz/dw_i = x_i, dz/dw2 = 1, dz/dx_i = w_i.", diagnosis="wrong-values", exercise=exercise)
    passed(f"{exercise}: value and gradients match numerical derivatives on {len(cases)} "
           f"{'hidden ' if hidden else ''}cases.")


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
    - ``branch``: x is used by two gates, so its gradient is a sum.
    - ``scrambled``: nodes added out of order, so insertion order is not topological.
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
    graphs = {"chain": chain, "tree": tree, "branch": branch, "scrambled": scrambled}
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
            values = dict(base, **{name: v})
            graph.forward(**values)
            return float(graph.nodes[output].value)
        grads[name] = numerical_gradient(f, float(base[name]))
    graph.forward(**base)
    return grads


def check_forward_pass(forward_pass, graphs: Optional[Dict[str, Graph]] = None, hidden: bool = False) -> None:
    """Check ``forward_pass(graph, inputs) -> output value``; it must set every node's value."""
    exercise = "forward_pass"
    graphs = graphs or example_graphs()
    for name, graph in graphs.items():
        inputs = _input_values(graph)
        reference = Graph.forward(graph)  # nbkit's forward: the values to compare with
        want = {n.name: n.value for n in graph.order()}
        for node in graph.nodes.values():
            if not node.is_input:
                node.value = None
        def out_of_order(exc, name=name):
            if isinstance(exc, TypeError) and "NoneType" in str(exc) and name == "scrambled":
                return ("on a graph whose nodes were added out of order, a gate received None: it ran before "
                        "its inputs had values. Visit nodes in topological order, graph.order(), not "
                        "graph.nodes.", "wrong-order")
            return None

        got = call(forward_pass, graph, dict(inputs), what="forward_pass(graph, inputs)", exercise=exercise,
                   hint=out_of_order)
        for node_name, value in want.items():
            have = graph.nodes[node_name].value
            if have is None or not close(float(have), float(value)):
                fail(f"on the '{name}' graph, node {node_name!r} should hold {value:.4g} after the forward pass "
                     f"but holds {have!r}. Set node.value = node.gate.forward(*values of node.inputs) for every op "
                     f"node, in topological order.", diagnosis="wrong-values", exercise=exercise)
        if got is None or not close(float(got), float(reference)):
            shown = "" if hidden else f" returned {got!r}; it should return the output's value {reference:.4g}"
            fail(f"on the '{name}' graph, forward_pass{shown or ' returned a wrong value: return the output node value'}.",
                 diagnosis="wrong-return", exercise=exercise)
    passed(f"forward_pass: every node's value is right on {len(graphs)} {'hidden ' if hidden else ''}graphs, "
           f"including one whose nodes were added out of order.")


def check_backward_pass(backward_pass, graphs: Optional[Dict[str, Graph]] = None, hidden: bool = False) -> None:
    """Check ``backward_pass(graph, output) -> {name: d output / d name}`` on graphs after a forward pass.

    The graphs go from easy to hard, so the first failure says which idea is missing.
    """
    exercise = "backward_pass"
    graphs = graphs or example_graphs()
    for name, graph in graphs.items():
        graph.forward()
        output = graph.outputs()[-1].name
        want = _numerical_input_grads(graph, output)
        label = f"hidden graph {name!r}" if hidden else f"the '{name}' graph"
        grads = call(backward_pass, graph, output, what=f"backward_pass(graph, {output!r})", exercise=exercise)
        if not isinstance(grads, dict):
            fail(f"backward_pass should return a dict {{node name: gradient}}; it returned {type(grads).__name__}.",
                 diagnosis="wrong-return", exercise=exercise)
        for node_name, value in want.items():
            if node_name not in grads:
                fail(f"on {label}, the returned dict has no entry for input {node_name!r}.",
                     diagnosis="missing-grad", exercise=exercise)
            have = as_float(grads[node_name], what=f"grads[{node_name!r}]", exercise=exercise)
            if close(have, value, 1e-5):
                continue
            should = "" if hidden else f" should be {value:.4g} but"
            if abs(have) < 1e-12 and abs(value) > 1e-9:
                fail(f"on {label}, the gradient of {node_name!r}{should} is 0. Gradients flow "
                     f"from the output backwards: visit nodes in REVERSE topological order "
                     f"(reversed(graph.order())) so each node's upstream gradient is complete before you use it, "
                     f"and start from grads[output] = 1.", diagnosis="wrong-order", exercise=exercise)
            if name == "branch" and node_name == "x":
                fail(f"on {label}, x feeds two gates, and its gradient is wrong" + ("" if hidden else f" ({have:.4g}, not {value:.4g})") + ". At a "
                     f"branch the gradients coming back add up: use grads[parent] += downstream, not =.",
                     diagnosis="overwrote-branch", exercise=exercise)
            fail(f"on {label}, d {output} / d {node_name} is wrong" + ("" if hidden else f": it should be {value:.4g} but you have {have:.4g}") + ". "
                 f"Each gate's backward(upstream) gives its inputs' downstream gradients; pass it the node's "
                 f"accumulated gradient.", diagnosis="wrong-values", exercise=exercise)
    passed(f"backward_pass: input gradients match numerical derivatives on {len(graphs)} "
           f"{'hidden ' if hidden else ''}graphs (a chain, a tree, a branch, and nodes added out of order).")
