"""Notebook 01's checks: each classic wrong answer is rejected with its own diagnosis,
and correct alternative implementations pass (visible and hidden cases alike)."""
import math

import numpy as np
import pytest

from learner_gates import make_gate
from nbkit.checks import ch01
from nbkit.feedback import CheckFailed

HIDDEN_BINARY = [(0.5, -1.25, 3.0), (-7.0, 2.0, 0.1), (10.0, 10.5, -1.0)]


# ---------------------------------------------------------------- correct alternatives

class AddGate:
    def forward(self, x, y):
        return x + y

    def backward(self, upstream):
        return upstream, upstream


class MulGateList:
    """Stores inputs as a tuple and returns a list: still correct."""

    def forward(self, x, y):
        self.inputs = (x, y)
        return np.float64(x) * y

    def backward(self, upstream):
        x, y = self.inputs
        return [y * upstream, x * upstream]


class MaxGateNumpy:
    def forward(self, x, y):
        self.winner = int(np.argmax([x, y]))
        return max(x, y)

    def backward(self, upstream):
        grads = np.zeros(2)
        grads[self.winner] = upstream
        return tuple(grads)


class CopyGate:
    def forward(self, x):
        return x, x

    def backward(self, upstream_1, upstream_2):
        return sum([upstream_1, upstream_2])


def neuron_loop(w, x):
    """Gate-by-gate, with exp/reciprocal pieces, as in the fine-grained graph."""
    z = w[2]
    for i in range(2):
        z += w[i] * x[i]
    e = math.exp(-z)
    out = 1.0 / (1.0 + e)
    dz = e / (1.0 + e) ** 2
    return out, np.array([dz * x[0], dz * x[1], dz]), np.array([dz * w[0], dz * w[1]])


def forward_pass(graph, inputs):
    for name, value in inputs.items():
        graph.nodes[name].value = value
    for node in graph.order():
        if not node.is_input:
            node.value = node.gate.forward(*[graph.nodes[p].value for p in node.inputs])
    return graph.order()[-1].value


def backward_pass(graph, output):
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0
    for node in reversed(graph.order()):
        if node.is_input:
            continue
        down = node.gate.backward(grads[node.name])
        down = down if isinstance(down, tuple) else (down,)
        for parent, g in zip(node.inputs, down):
            grads[parent] = grads[parent] + g
    return grads


def test_correct_alternatives_pass(capsys):
    ch01.check_add_gate(AddGate)
    ch01.check_add_gate(AddGate, cases=HIDDEN_BINARY, hidden=True)
    ch01.check_mul_gate(MulGateList)
    ch01.check_mul_gate(MulGateList, cases=HIDDEN_BINARY, hidden=True)
    ch01.check_max_gate(MaxGateNumpy)
    ch01.check_max_gate(MaxGateNumpy, cases=HIDDEN_BINARY, hidden=True)
    ch01.check_copy_gate(CopyGate)
    ch01.check_neuron(neuron_loop)
    ch01.check_neuron(neuron_loop, cases=[([2.0, -3.0, -3.0], [-1.0, -2.0], (0.73, [-0.20, -0.39, 0.20], [0.39, -0.59]))],
                      hidden=True)
    ch01.check_forward_pass(forward_pass)
    ch01.check_forward_pass(forward_pass, graphs=ch01.example_graphs(seed=3), hidden=True)
    ch01.check_backward_pass(backward_pass)
    ch01.check_backward_pass(backward_pass, graphs=ch01.example_graphs(seed=3), hidden=True)
    out = capsys.readouterr().out
    assert out.count("\u2714") == 13


# ---------------------------------------------------------------- wrong answers

@pytest.mark.parametrize("diagnosis, backward", [
    ("forgot-upstream", lambda x, y, u: (1.0, 1.0)),
    ("split-gradient", lambda x, y, u: (u / 2, u / 2)),
    ("mul-rule", lambda x, y, u: (u * y, u * x)),
    ("sign-flipped", lambda x, y, u: (-u, -u)),
])
def test_add_gate_mistakes(diagnosis, backward, rejects):
    gate = make_gate(lambda x, y: x + y, backward)
    rejects(ch01.check_add_gate, gate, diagnosis=diagnosis)


@pytest.mark.parametrize("diagnosis, backward", [
    ("own-value", lambda x, y, u: (u * x, u * y)),
    ("forgot-upstream", lambda x, y, u: (y, x)),
    ("add-rule", lambda x, y, u: (u, u)),
    ("sign-flipped", lambda x, y, u: (-u * y, -u * x)),
])
def test_mul_gate_mistakes(diagnosis, backward, rejects):
    gate = make_gate(lambda x, y: x * y, backward)
    rejects(ch01.check_mul_gate, gate, diagnosis=diagnosis)
    # The same mistakes are caught on the hidden cases, without revealing their values.
    err = rejects(ch01.check_mul_gate, gate, cases=[(1.5, -4.0, 0.5), (-2.5, -0.4, 2.0)], hidden=True, diagnosis=diagnosis)
    assert "1.5" not in err.message and "-4" not in err.message and "hidden case" in err.message


@pytest.mark.parametrize("diagnosis, backward", [
    ("routed-to-both", lambda x, y, u: (u, u)),
    ("routed-to-smaller", lambda x, y, u: (0.0, u) if x > y else (u, 0.0)),
    ("forgot-upstream", lambda x, y, u: (1.0, 0.0) if x > y else (0.0, 1.0)),
    ("value-routed", lambda x, y, u: (u * max(x, y), 0.0) if x > y else (0.0, u * max(x, y))),
])
def test_max_gate_mistakes(diagnosis, backward, rejects):
    gate = make_gate(lambda x, y: max(x, y), backward)
    rejects(ch01.check_max_gate, gate, diagnosis=diagnosis)


def test_wrong_forward_and_wrong_count_and_stale_cache(rejects):
    rejects(ch01.check_mul_gate, make_gate(lambda x, y: x + y, lambda x, y, u: (u * y, u * x)), diagnosis="wrong-forward")
    rejects(ch01.check_mul_gate, make_gate(lambda x, y: x * y, lambda x, y, u: u * y), diagnosis="wrong-count")

    class Stale:
        def forward(self, x, y):
            if not hasattr(self, "x"):  # remembers only the first call
                self.x, self.y = x, y
            return x * y

        def backward(self, upstream):
            return upstream * self.y, upstream * self.x

    rejects(ch01.check_mul_gate, Stale, diagnosis="stale-cache")


@pytest.mark.parametrize("diagnosis, backward", [
    ("overwrote-branch", lambda u1, u2: u2),
    ("overwrote-branch", lambda u1, u2: u1),
    ("averaged-branch", lambda u1, u2: (u1 + u2) / 2),
    ("multiplied-branch", lambda u1, u2: u1 * u2),
])
def test_copy_gate_mistakes(diagnosis, backward, rejects):
    class Gate:
        def forward(self, x):
            return x, x

        def backward(self, u1, u2):
            return backward(u1, u2)

    rejects(ch01.check_copy_gate, Gate, diagnosis=diagnosis)


def _neuron_with(dz_rule=None, swap=False, bias_zero=False, sign=1.0):
    def neuron(w, x):
        z = w[0] * x[0] + w[1] * x[1] + w[2]
        s = 1.0 / (1.0 + np.exp(-z))
        dz = dz_rule(s) if dz_rule else s * (1 - s)
        dw = dz * np.array([x[0], x[1], 0.0 if bias_zero else 1.0])
        dx = dz * np.array([w[0], w[1]])
        if swap:
            dw, dx = dz * np.array([w[0], w[1], 1.0]), dz * np.array([x[0], x[1]])
        return s, sign * dw, sign * dx
    return neuron


@pytest.mark.parametrize("diagnosis, neuron", [
    ("sigmoid-derivative", _neuron_with(dz_rule=lambda s: s)),
    ("own-value", _neuron_with(swap=True)),
    ("bias-gradient", _neuron_with(bias_zero=True)),
    ("sign-flipped", _neuron_with(sign=-1.0)),
    ("forgot-local-gradient", _neuron_with(dz_rule=lambda s: 1.0)),
])
def test_neuron_mistakes(diagnosis, neuron, rejects):
    rejects(ch01.check_neuron, neuron, diagnosis=diagnosis)


def test_neuron_wrong_shape_and_not_implemented(rejects):
    rejects(ch01.check_neuron, lambda w, x: (0.5, np.zeros((3, 1)), np.zeros(2)), diagnosis="wrong-shape")

    def stub(w, x):
        raise NotImplementedError()

    err = rejects(ch01.check_neuron, stub, diagnosis="not-implemented")
    assert "raise NotImplementedError()" in err.message


def test_learner_crash_points_at_their_line(rejects):
    def crashing(w, x):
        return w[0] * x[5]  # IndexError in the learner's code

    err = rejects(ch01.check_neuron, crashing, diagnosis="raised-IndexError")
    assert "x[5]" in err.message


def forward_in_insertion_order(graph, inputs):
    for name, value in inputs.items():
        graph.nodes[name].value = value
    for node in graph.nodes.values():  # not topological
        if not node.is_input:
            node.value = node.gate.forward(*[graph.nodes[p].value for p in node.inputs])
    return node.value


def forward_without_setting_values(graph, inputs):
    values = dict(inputs)
    for node in graph.order():
        if not node.is_input:
            values[node.name] = node.gate.forward(*[values[p] for p in node.inputs])
    return values[node.name]


def forward_returning_nothing(graph, inputs):
    forward_pass(graph, inputs)


@pytest.mark.parametrize("diagnosis, fn", [
    ("wrong-order", forward_in_insertion_order),
    ("wrong-values", forward_without_setting_values),
    ("wrong-return", forward_returning_nothing),
])
def test_forward_pass_mistakes(diagnosis, fn, rejects):
    rejects(ch01.check_forward_pass, fn, diagnosis=diagnosis)


def backward_overwriting(graph, output):
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0
    for node in reversed(graph.order()):
        if node.is_input:
            continue
        down = node.gate.backward(grads[node.name])
        down = down if isinstance(down, tuple) else (down,)
        for parent, g in zip(node.inputs, down):
            grads[parent] = g  # overwrites at a branch
    return grads


def backward_in_forward_order(graph, output):
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0
    for node in graph.order():
        if node.is_input:
            continue
        down = node.gate.backward(grads[node.name])
        down = down if isinstance(down, tuple) else (down,)
        for parent, g in zip(node.inputs, down):
            grads[parent] += g
    return grads


def backward_ignoring_upstream(graph, output):
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0
    for node in reversed(graph.order()):
        if node.is_input:
            continue
        down = node.gate.backward(1.0)  # local gradients only
        down = down if isinstance(down, tuple) else (down,)
        for parent, g in zip(node.inputs, down):
            grads[parent] += g
    return grads


@pytest.mark.parametrize("diagnosis, fn", [
    ("overwrote-branch", backward_overwriting),
    ("wrong-order", backward_in_forward_order),
    ("wrong-values", backward_ignoring_upstream),
])
def test_backward_pass_mistakes(diagnosis, fn, rejects):
    rejects(ch01.check_backward_pass, fn, diagnosis=diagnosis)


def test_hidden_backward_messages_show_no_values(rejects):
    err = rejects(ch01.check_backward_pass, backward_in_forward_order, graphs=ch01.example_graphs(seed=11), hidden=True, diagnosis="wrong-order")
    graphs = ch01.example_graphs(seed=11)
    values = [f"{n.value:.4g}" for g in graphs.values() for n in g.nodes.values() if n.is_input]
    assert not any(v in err.message for v in values)


def test_failure_renders_without_traceback():
    try:
        ch01.check_mul_gate(make_gate(lambda x, y: x * y, lambda x, y, u: (u * x, u * y)))
    except CheckFailed as err:
        failure, lines = err, err._render_traceback_()
    assert lines[0].startswith("\u2718 MulGate: not yet.")
    assert not any("[diagnosis" in line for line in lines)  # the tag is for the grader only
    assert str(failure).endswith("[diagnosis: own-value]")  # ... which reads it from the error's evalue
    assert not any("Traceback" in line or "File " in line for line in lines)


def test_a_crash_on_a_hidden_case_names_the_case_not_its_values(rejects):
    class CrashesOnNegatives:
        def forward(self, x, y):
            if x < 0:
                raise ValueError("negative input")
            self.x, self.y = x, y
            return x * y

        def backward(self, upstream):
            return upstream * self.y, upstream * self.x

    err = rejects(ch01.check_mul_gate, CrashesOnNegatives, cases=[(1.25, 3.5, 0.75), (-2.75, 0.5, 1.5)], hidden=True, diagnosis="raised-ValueError")
    assert "hidden case 2" in err.message
    assert not any(v in err.message for v in ["2.75", "1.25", "3.5", "0.75", "1.5"])


# ---------------------------------------------------------------- holes found by real code (issue 9)

def forward_ignoring_inputs(graph, inputs):
    """Hole 1: evaluates the op nodes but never writes `inputs` into the input nodes."""
    node = None
    for node in graph.order():
        if not node.is_input:
            node.value = node.gate.forward(*[graph.nodes[p].value for p in node.inputs])
    return node.value


def test_hole1_forward_pass_that_never_writes_inputs_is_caught(rejects):
    rejects(ch01.check_forward_pass, forward_ignoring_inputs, diagnosis="inputs-not-set", says=("inputs",))
    rejects(ch01.check_forward_pass, forward_ignoring_inputs, graphs=ch01.example_graphs(seed=7), hidden=True,
            diagnosis="inputs-not-set")


def backward_recursive_per_path(graph, output):
    """Hole 2: micrograd's first commit: recurse along every path, passing on the gradient
    accumulated so far at each visit (a node feeding two gates is visited twice)."""
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0

    def visit(name):
        node = graph.nodes[name]
        if node.is_input:
            return
        down = node.gate.backward(grads[name])
        down = down if isinstance(down, tuple) else (down,)
        for parent, g in zip(node.inputs, down):
            grads[parent] += g
            visit(parent)

    visit(output)
    return grads


def test_hole2_recursive_backward_that_visits_a_node_once_per_path_is_caught(rejects):
    assert any(len(g.consumers(n)) > 1 for g in ch01.example_graphs().values() for n in g.nodes
               if not g.nodes[n].is_input), "a graph where an intermediate node feeds two gates"
    rejects(ch01.check_backward_pass, backward_recursive_per_path, diagnosis="visited-per-path",
            says=("reversed(graph.order())",))
    rejects(ch01.check_backward_pass, backward_recursive_per_path, graphs=ch01.example_graphs(seed=11),
            hidden=True, diagnosis="visited-per-path")


class MulGateMisspelt:
    def foward(self, x, y):  # noqa: D102 - the misspelling is the point
        self.x, self.y = x, y
        return x * y

    def backward(self, upstream):
        return upstream * self.y, upstream * self.x


def test_hole5_misspelt_method_and_missing_returns_are_one_sentence(rejects):
    rejects(ch01.check_mul_gate, MulGateMisspelt, diagnosis="missing-method", says=("`foward`", "`forward`"))
    rejects(ch01.check_mul_gate, make_gate(lambda x, y: x * y, lambda x, y, u: None), diagnosis="returned-none",
            says=("return",))
    err = rejects(ch01.check_mul_gate, make_gate(lambda x, y: x * y, lambda x, y, u: None), diagnosis="returned-none")
    assert "single value" not in err.message


def test_hole7_neuron_dx_built_from_x_is_named(rejects):
    def dx_from_x(w, x):
        z = w[0] * x[0] + w[1] * x[1] + w[2]
        s = 1 / (1 + math.exp(-z))
        d = s * (1 - s)
        return s, d * np.array([x[0], x[1], 1.0]), d * np.array([x[0], x[1]])

    rejects(ch01.check_neuron, dx_from_x, diagnosis="own-value", says=("dx is built from x", "w_i"))


# -- staged computation: f = (x + sigma(y)) / (sigma(x) + (x + y)^2) ------------------------

def _staged(x, y, *, overwrite_x=False, overwrite_y=False, sig_prime=lambda s: s * (1 - s), inv=-1.0):
    """CS231n's staged forward and backward pass, with optional classic mistakes."""
    sigy = 1 / (1 + math.exp(-y)); num = x + sigy; sigx = 1 / (1 + math.exp(-x))
    xpy = x + y; den = sigx + xpy ** 2; invden = 1 / den; f = num * invden
    dnum = invden; dden = (inv / den ** 2) * num
    dxpy = 2 * xpy * dden
    dx = dxpy; dy = dxpy
    dx = sig_prime(sigx) * dden if overwrite_x else dx + sig_prime(sigx) * dden
    dx += dnum
    dy = sig_prime(sigy) * dnum if overwrite_y else dy + sig_prime(sigy) * dnum
    return f, dx, dy


STAGED_WRONG = {
    "overwrote-branch": lambda x, y: _staged(x, y, overwrite_x=True),
    "sigmoid-derivative": lambda x, y: _staged(x, y, sig_prime=lambda s: s),
    "sign-flipped": lambda x, y: _staged(x, y, inv=1.0),
    "wrong-forward": lambda x, y: (0.0,) + _staged(x, y)[1:],
    "wrong-count": lambda x, y: _staged(x, y)[1:],
    "not-implemented": lambda x, y: (_ for _ in ()).throw(NotImplementedError()),
}


@pytest.mark.parametrize("diagnosis", sorted(STAGED_WRONG))
def test_staged_rejects(diagnosis, rejects):
    rejects(ch01.check_staged, STAGED_WRONG[diagnosis], diagnosis=diagnosis)


def test_staged_overwritten_y_branch_says_plus_equals(rejects):
    rejects(ch01.check_staged, lambda x, y: _staged(x, y, overwrite_y=True), diagnosis="overwrote-branch",
            says=("dx += ...",))


def test_staged_hidden_cases_show_no_values(rejects):
    rejects(ch01.check_staged, STAGED_WRONG["sign-flipped"], cases=[(1.25, -0.5)], hidden=True,
            diagnosis="sign-flipped", hidden_values=("1.25", "-0.5"))


def _staged_quotient_rule(x, y):
    s = lambda t: 1 / (1 + math.exp(-t))
    num, den = x + s(y), s(x) + (x + y) ** 2
    return (num / den, ((1.0) * den - num * (s(x) * (1 - s(x)) + 2 * (x + y))) / den ** 2,
            (s(y) * (1 - s(y)) * den - num * 2 * (x + y)) / den ** 2)


def _staged_numpy(x, y):
    v = np.array([x, y])
    sig = 1 / (1 + np.exp(-v))                     # both sigmoids at once
    num, den = x + sig[1], sig[0] + (x + y) ** 2
    dden = -num / den ** 2
    grad = np.array([1 / den + dden * (sig[0] * (1 - sig[0]) + 2 * (x + y)),
                     sig[1] * (1 - sig[1]) / den + dden * 2 * (x + y)])
    return np.float64(num / den), grad[0], grad[1]


@pytest.mark.parametrize("fn", [_staged, _staged_quotient_rule, _staged_numpy])
def test_staged_accepts(fn, accepts):
    accepts(ch01.check_staged, fn)
    accepts(ch01.check_staged, fn, cases=[(1.25, -0.5), (-2.0, 3.0)], hidden=True)
