"""Hidden test cases never show values (issue 9, hole 6), for EVERY check of notebooks 01-04.

With ``hidden=True`` feedback goes back to a student who must not learn the hidden
inputs or expected values. Each check below is run with hidden cases on a wrong answer
that reaches a message which, in a visible check, quotes numbers (wrong values, an input
modified in place, a wrong forward value...). The message must name the case by number
and contain no decimal number at all. ``test_every_check_is_covered`` fails when a check
is added without an entry here.
"""
import inspect
import math
import re

import numpy as np
import pytest

from nbkit.checks import ch01, ch02, ch03, ch04

DECIMAL = re.compile(r"\d\.\d")
MODULES = (ch01, ch02, ch03, ch04)


def sig(z):
    return 1 / (1 + np.exp(-z))


def gate(forward, backward):
    class Gate:
        def forward(self, x, y):
            self.x, self.y = x, y
            return forward(x, y)

        def backward(self, upstream):
            return backward(self.x, self.y, upstream)
    return Gate


class CopyOff:
    def forward(self, x):
        return x, x

    def backward(self, u1, u2):
        return u1 + 2.0 * u2


def forward_off(graph, inputs):
    for name, value in inputs.items():
        graph.nodes[name].value = value
    node = None
    for node in graph.order():
        if not node.is_input:
            node.value = node.gate.forward(*[graph.nodes[p].value for p in node.inputs]) + 0.25
    return node.value


def backward_local_only(graph, output):
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0
    for node in reversed(graph.order()):
        if not node.is_input:
            down = node.gate.backward(1.0)
            for parent, g in zip(node.inputs, down if isinstance(down, tuple) else (down,)):
                grads[parent] += g
    return grads


def relu_backward_in_place(upstream, z):
    upstream[z <= 0] = 0.0  # modifies the caller's upstream (ch02's hole 6 example)
    return upstream


class MatMulOff:
    def __init__(self, W):
        self.params, self.grads = [W], [np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return x @ self.params[0]

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        return dout @ self.params[0].T + 0.1


class RepeatOff:
    def __init__(self, N):
        self.N = N

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout):
        return dout.sum(axis=0, keepdims=True) + 0.1


class SumInPlace:
    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)

    def backward(self, dout):
        dout *= 1.5  # modifies the caller's dout
        return np.repeat(dout, self.N, axis=0)


def sgd_off(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g + 0.01


def make_dual_off():
    class Dual:
        def __init__(self, value, deriv=0.0):
            self.value, self.deriv = value, deriv

        @staticmethod
        def lift(other):
            return other if isinstance(other, Dual) else Dual(other, 0.0)

        def __add__(self, other):
            other = Dual.lift(other)
            return Dual(self.value + other.value, self.deriv + other.deriv)

        __radd__ = __add__

        def __mul__(self, other):
            other = Dual.lift(other)
            return Dual(self.value * other.value, self.deriv * other.value + self.value * other.deriv)

        __rmul__ = __mul__

        def __neg__(self):
            return Dual(-self.value, -self.deriv)

        def __sub__(self, other):
            return self + (-Dual.lift(other))

        def __rsub__(self, other):
            return Dual.lift(other) + (-self)

    def dual_exp(d):
        return Dual(math.exp(d.value), math.exp(d.value) * d.deriv)

    def derivative(f, x):
        return f(Dual(x, 1.0)).deriv * 1.1 + 0.05  # wrong on purpose

    return Dual, dual_exp, derivative


RNG = np.random.default_rng(99)
X2 = RNG.uniform(-1, 1, (2, 3))
HIDDEN = {  # check name -> (check, wrong answer(s), hidden cases)
    "check_add_gate": (ch01.check_add_gate, (gate(lambda x, y: x + y, lambda x, y, u: (1.5 * u, u)),),
                       [(0.37, -1.25, 3.5)]),
    "check_mul_gate": (ch01.check_mul_gate, (gate(lambda x, y: x * y, lambda x, y, u: (1.5 * u * y, u * x)),),
                       [(0.37, -1.25, 3.5)]),
    "check_max_gate": (ch01.check_max_gate, (gate(max, lambda x, y, u: (1.5 * u, 0.0) if x > y else (0.0, 1.5 * u)),),
                       [(0.37, -1.25, 3.5)]),
    "check_copy_gate": (ch01.check_copy_gate, (CopyOff,), [(0.37, 1.25, -3.5)]),
    "check_neuron": (ch01.check_neuron, (lambda w, x: (0.25, np.ones(3) * 0.37, np.ones(2) * 0.37),),
                     [([0.37, -1.25, 0.5], [1.5, -0.75])]),
    "check_forward_pass": (ch01.check_forward_pass, (forward_off,), ch01.example_graphs(seed=21)),
    "check_backward_pass": (ch01.check_backward_pass, (backward_local_only,), ch01.example_graphs(seed=21)),
    "check_staged": (ch01.check_staged, (lambda x, y: (0.37, 1.25, -0.5),), [(0.37, -1.25)]),
    "check_sigmoid_jacobian": (ch02.check_sigmoid_jacobian, (lambda z: np.diag(sig(z) * (1 - sig(z))) + 0.1,),
                               [[0.37, -1.25, 0.5]]),
    "check_relu_jacobian": (ch02.check_relu_jacobian, (lambda z: np.diag((z > 0) * 1.0) + 0.1,), [[0.37, -1.25, 0.5]]),
    "check_relu_backward": (ch02.check_relu_backward, (relu_backward_in_place,), [([0.37, -1.25, 0.5], [1.5, -0.75, 0.25])]),
    "check_affine_jacobians": (ch02.check_affine_jacobians, (lambda W, x, b: (W + 0.1, np.eye(len(b))),),
                               [(RNG.uniform(-1, 1, (2, 3)), [0.37, -1.25, 0.5], [1.5, -0.75])]),
    "check_score_jacobian_u": (ch02.check_score_jacobian_u, (lambda u, h: h.reshape(1, -1) + 0.1,),
                               [([0.37, -1.25, 0.5], [1.5, -0.75, 0.25])]),
    "check_softmax_jacobian": (ch02.check_softmax_jacobian, (lambda z: np.eye(len(z)) * 0.37,), [[0.37, -1.25, 0.5]]),
    "check_softmax_ce_grad": (ch02.check_softmax_ce_grad, (lambda scores, y: np.full(np.shape(scores), 0.37),),
                              [([[0.37, -1.25, 0.5], [1.5, -0.75, 0.25]], [2, 0])]),
    "check_squared_norm_grads": (ch02.check_squared_norm_grads,
                                 (lambda W, x: (float(np.sum((W @ x) ** 2)), 2 * np.outer(W @ x, x) + 0.1, 2 * W.T @ (W @ x)),),
                                 [(RNG.uniform(-1, 1, (2, 3)), [0.37, -1.25, 0.5])]),
    "check_score_jacobians": (ch02.check_score_jacobians,
                              (lambda W, b, u, x, f, fp: ((u * fp(W @ x + b)).reshape(1, -1) + 0.1,) * 2
                               + (np.zeros(W.shape), np.zeros((1, W.shape[1]))),),
                              [(RNG.uniform(-1, 1, (2, 3)), [0.37, -1.25], [1.5, -0.75], [0.2, 0.4, -0.6])]),
    "check_score_grads": (ch03.check_score_grads, (lambda W, b, u, x: (np.ones(W.shape) * 0.37, np.ones(b.shape)),),
                          [(3, 2, 41)]),
    "check_matmul": (ch03.check_matmul, (MatMulOff,), [(3, 2, 4, 41)]),
    "check_repeat": (ch03.check_repeat, (RepeatOff,), [(3, 2, 41)]),
    "check_sum": (ch03.check_sum, (SumInPlace,), [(3, 2, 41)]),
    "check_affine_backward": (ch03.check_affine_backward,
                              (lambda dout, cache: (dout @ cache[1].T + 0.1, cache[0].T @ dout, dout.sum(axis=0)),),
                              [(3, 2, 4, 41)]),
    "check_sgd_step": (ch03.check_sgd_step, (sgd_off,), [(0.37, 41)]),
    "check_differences": (ch04.check_differences,
                          (lambda f, x, h: (f(x + h) - f(x)) / h, lambda f, x, h: 1.1 * (f(x + h) - f(x - h)) / (2 * h)),
                          [(np.cos, 0.37, 1e-3)]),
    "check_numerical_gradient": (ch04.check_numerical_gradient, (lambda f, x, h: np.ones(x.shape) * 0.37,),
                                 [(lambda a: float(np.sum(np.sin(a))), X2, 1e-4)]),
    "check_numerical_gradient_upstream": (ch04.check_numerical_gradient_upstream,
                                          (lambda f, x, upstream, h: np.ones(x.shape) * 0.37,),
                                          [(np.tanh, X2, RNG.standard_normal((2, 3)), 1e-4)]),
    "check_rel_error": (ch04.check_rel_error, (lambda a, b: 0.37,), [(np.array([0.37, 1.25]), np.array([0.5, 1.25]))]),
    "check_fixed_grad_check": (ch04.check_fixed_grad_check, (lambda f, x, analytic_grad, h=1e-5: 0.37,),
                               [(lambda a: float(np.sum(np.sin(a))), X2, np.cos(X2) * 1.5)]),
    "check_check_layer": (ch04.check_check_layer, (lambda layer, x, upstream, seed, h=1e-5: 0.37,),
                          [(ch04.DropoutTanhLayer(0.5, bug="forgot-scale"), X2, RNG.standard_normal((2, 3)), 5)]),
    "check_dual": (ch04.check_dual, make_dual_off(), [(lambda t, exp: t * t * 1.25, 0.37)]),
}


def test_every_check_is_covered():
    checks = {name for module in MODULES for name, fn in vars(module).items()
              if name.startswith("check_") and callable(fn) and "hidden" in inspect.signature(fn).parameters}
    assert checks == set(HIDDEN), f"add a hidden-values case for {sorted(checks - set(HIDDEN))}"


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_hidden_case_messages_show_no_values(name):
    from nbkit.feedback import CheckFailed

    check, answers, cases = HIDDEN[name]
    keyword = "graphs" if name in ("check_forward_pass", "check_backward_pass") else "cases"
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
        check(*answers, **{keyword: cases}, hidden=True)
    message = info.value.message
    assert "hidden" in message, f"a hidden case is named by its number: {message}"
    assert not DECIMAL.search(message), f"a value shown in a hidden case ({info.value.diagnosis}): {message}"
