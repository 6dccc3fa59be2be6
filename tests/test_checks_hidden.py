"""Hidden test cases never show values (issue 9, hole 6), for EVERY check of notebooks 01-07.

With ``hidden=True`` feedback goes back to a student who must not learn the hidden
inputs or expected values. Each check below is run with hidden cases on a wrong answer
that reaches a message which, in a visible check, quotes numbers (wrong values, an input
modified in place, a wrong forward value...). The message must name the case by number
and contain no decimal number at all, nor any of the case's distinctive integers listed in
``SECRETS`` (sizes, ids). ``test_every_check_is_covered`` fails when a check is added
without an entry here. Entries are keyed "module.check" (ch03 and ch06 both have a
``check_sgd_step``).
"""
import inspect
import math
import re

import numpy as np
import pytest

from learner_gates import make_gate
from nbkit.checks import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch07_schedules

DECIMAL = re.compile(r"\d\.\d")
MODULES = (ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch07_schedules)


def sig(z):
    return 1 / (1 + np.exp(-z))


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



# -- notebook 05 ------------------------------------------------------------------------

def affine_forward(x, w, b):
    return x @ w + b, (x, w)


def affine_backward_off(dout, cache):
    x, w = cache
    return dout @ w.T + 0.1, x.T @ dout, dout.sum(axis=0)


def mlp_forward(X, params):
    a, cache = X, []
    for l in range(1, len(params) // 2 + 1):
        z = a @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((a, z))
        a = np.maximum(z, 0) if l < len(params) // 2 else z
    return a, cache


def mlp_backward_off(dscores, params, cache):
    grads, delta = {}, dscores
    for l in range(len(cache), 0, -1):
        a_prev, _ = cache[l - 1]
        grads[f"W{l}"], grads[f"b{l}"] = a_prev.T @ delta + 0.1 * (l == 1), delta.sum(0)
        if l > 1:
            delta = (delta @ params[f"W{l}"].T) * (cache[l - 2][1] > 0)
    return grads


def xavier_narrow(sizes, rng):
    params = {}
    for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        bound = 0.5 * np.sqrt(6.0 / (a + b))
        params[f"W{l}"], params[f"b{l}"] = rng.uniform(-bound, bound, (a, b)), np.zeros(b)
    return params


def dropout_forward_rare(x, p, train, rng):
    if not train:
        return x, None
    mask = (rng.random(x.shape) < 0.7 * p) / p   # keeps too few units
    return x * mask, mask


def dropout_backward(dout, mask):
    return dout * mask


# -- notebook 06 ------------------------------------------------------------------------

def windows_shifted(ids, pad_id, size):
    padded = [pad_id] * size + list(ids) + [pad_id] * size
    return np.array([padded[t:t + 2 * size + 1] for t in range(len(ids))]) + 1


def scores_off(params, windows):
    x = params["L"][windows].reshape(len(windows), -1)
    z = x @ params["W"].T + params["b"]
    h = np.maximum(z, 0)
    return h @ params["U"].T + params["c"] + 0.37, (windows, x, z, h)


def backward_off(dscores, params, cache):
    windows, x, z, h = cache
    dz = (dscores @ params["U"]) * (z > 0)
    dL = np.zeros_like(params["L"])
    np.add.at(dL, windows.ravel(), (dz @ params["W"]).reshape(-1, params["L"].shape[1]))
    return {"L": dL, "W": dz.T @ x, "b": dz.sum(0), "U": dscores.T @ h, "c": dscores.sum(0) + 0.1}


def sgd_step_off(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k] + 0.01


def run_epoch_drops_last(params, windows, labels, loss_and_grads, step, batch_size, rng):
    order, losses = rng.permutation(len(windows)), []
    for start in range(0, len(windows) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        loss, grads = loss_and_grads(params, windows[idx], labels[idx])
        step(params, grads)
        losses.append(loss)
    return float(np.mean(losses))


def gradcheck_on_a_copy(loss_and_grads, params, windows, labels):
    from nbkit.gradcheck import check_gradients

    _, grads = loss_and_grads(params, windows, labels)
    copy = {k: v.copy() for k, v in params.items()}
    return check_gradients(lambda: loss_and_grads(copy, windows, labels)[0], params, grads)


# --- 07: update rules in CS231n's interface, each slightly wrong --------------------------

def sgd_ascends(w, dw, config=None):
    config = config or {}
    config.setdefault("learning_rate", 1e-2)
    return w + config["learning_rate"] * dw, config


def momentum_forgets(w, dw, config=None):
    """The velocity is stored but each call starts again from zeros: plain SGD."""
    config = config or {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    config["velocity"] = config["momentum"] * np.zeros_like(w) - config["learning_rate"] * dw
    return w + config["velocity"], config


def nesterov_as_plain_momentum(w, dw, config=None):
    config = config or {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def adagrad_resets(w, dw, config=None):
    config = config or {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config["cache"] = dw ** 2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def rmsprop_decays_the_gradient(w, dw, config=None):
    config = config or {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    g = config["decay_rate"] * dw
    config["cache"] = config["cache"] + (1 - config["decay_rate"]) * g ** 2
    return w - config["learning_rate"] * g / (np.sqrt(config["cache"]) + config["epsilon"]), config


def adam_uncorrected(w, dw, config=None):
    config = config or {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw ** 2
    return w - config["learning_rate"] * config["m"] / (np.sqrt(config["v"]) + config["epsilon"]), config

RNG = np.random.default_rng(99)
X2 = RNG.uniform(-1, 1, (2, 3))
HIDDEN = {  # check name -> (check, wrong answer(s), hidden cases)
    "ch01.check_add_gate": (ch01.check_add_gate, (make_gate(lambda x, y: x + y, lambda x, y, u: (1.5 * u, u)),),
                       [(0.37, -1.25, 3.5)]),
    "ch01.check_mul_gate": (ch01.check_mul_gate, (make_gate(lambda x, y: x * y, lambda x, y, u: (1.5 * u * y, u * x)),),
                       [(0.37, -1.25, 3.5)]),
    "ch01.check_max_gate": (ch01.check_max_gate, (make_gate(max, lambda x, y, u: (1.5 * u, 0.0) if x > y else (0.0, 1.5 * u)),),
                       [(0.37, -1.25, 3.5)]),
    "ch01.check_copy_gate": (ch01.check_copy_gate, (CopyOff,), [(0.37, 1.25, -3.5)]),
    "ch01.check_neuron": (ch01.check_neuron, (lambda w, x: (0.25, np.ones(3) * 0.37, np.ones(2) * 0.37),),
                     [([0.37, -1.25, 0.5], [1.5, -0.75])]),
    "ch01.check_forward_pass": (ch01.check_forward_pass, (forward_off,), ch01.example_graphs(seed=21)),
    "ch01.check_backward_pass": (ch01.check_backward_pass, (backward_local_only,), ch01.example_graphs(seed=21)),
    "ch01.check_staged": (ch01.check_staged, (lambda x, y: (0.37, 1.25, -0.5),), [(0.37, -1.25)]),
    "ch02.check_sigmoid_jacobian": (ch02.check_sigmoid_jacobian, (lambda z: np.diag(sig(z) * (1 - sig(z))) + 0.1,),
                               [[0.37, -1.25, 0.5]]),
    "ch02.check_relu_jacobian": (ch02.check_relu_jacobian, (lambda z: np.diag((z > 0) * 1.0) + 0.1,), [[0.37, -1.25, 0.5]]),
    "ch02.check_relu_backward": (ch02.check_relu_backward, (relu_backward_in_place,), [([0.37, -1.25, 0.5], [1.5, -0.75, 0.25])]),
    "ch02.check_affine_jacobians": (ch02.check_affine_jacobians, (lambda W, x, b: (W + 0.1, np.eye(len(b))),),
                               [(RNG.uniform(-1, 1, (2, 3)), [0.37, -1.25, 0.5], [1.5, -0.75])]),
    "ch02.check_score_jacobian_u": (ch02.check_score_jacobian_u, (lambda u, h: h.reshape(1, -1) + 0.1,),
                               [([0.37, -1.25, 0.5], [1.5, -0.75, 0.25])]),
    "ch02.check_softmax_jacobian": (ch02.check_softmax_jacobian, (lambda z: np.eye(len(z)) * 0.37,), [[0.37, -1.25, 0.5]]),
    "ch02.check_softmax_ce_grad": (ch02.check_softmax_ce_grad, (lambda scores, y: np.full(np.shape(scores), 0.37),),
                              [([[0.37, -1.25, 0.5], [1.5, -0.75, 0.25]], [2, 0])]),
    "ch02.check_squared_norm_grads": (ch02.check_squared_norm_grads,
                                 (lambda W, x: (float(np.sum((W @ x) ** 2)), 2 * np.outer(W @ x, x) + 0.1, 2 * W.T @ (W @ x)),),
                                 [(RNG.uniform(-1, 1, (2, 3)), [0.37, -1.25, 0.5])]),
    "ch02.check_score_jacobians": (ch02.check_score_jacobians,
                              (lambda W, b, u, x, f, fp: ((u * fp(W @ x + b)).reshape(1, -1) + 0.1,) * 2
                               + (np.zeros(W.shape), np.zeros((1, W.shape[1]))),),
                              [(RNG.uniform(-1, 1, (2, 3)), [0.37, -1.25], [1.5, -0.75], [0.2, 0.4, -0.6])]),
    "ch03.check_score_grads": (ch03.check_score_grads, (lambda W, b, u, x: (np.ones(W.shape) * 0.37, np.ones(b.shape)),),
                          [(3, 2, 41)]),
    "ch03.check_matmul": (ch03.check_matmul, (MatMulOff,), [(3, 2, 4, 41)]),
    "ch03.check_repeat": (ch03.check_repeat, (RepeatOff,), [(3, 2, 41)]),
    "ch03.check_sum": (ch03.check_sum, (SumInPlace,), [(3, 2, 41)]),
    "ch03.check_affine_backward": (ch03.check_affine_backward,
                              (lambda dout, cache: (dout @ cache[1].T + 0.1, cache[0].T @ dout, dout.sum(axis=0)),),
                              [(3, 2, 4, 41)]),
    "ch03.check_sgd_step": (ch03.check_sgd_step, (sgd_off,), [(0.37, 41)]),
    "ch04.check_differences": (ch04.check_differences,
                          (lambda f, x, h: (f(x + h) - f(x)) / h, lambda f, x, h: 1.1 * (f(x + h) - f(x - h)) / (2 * h)),
                          [(np.cos, 0.37, 1e-3)]),
    "ch04.check_numerical_gradient": (ch04.check_numerical_gradient, (lambda f, x, h: np.ones(x.shape) * 0.37,),
                                 [(lambda a: float(np.sum(np.sin(a))), X2, 1e-4)]),
    "ch04.check_numerical_gradient_upstream": (ch04.check_numerical_gradient_upstream,
                                          (lambda f, x, upstream, h: np.ones(x.shape) * 0.37,),
                                          [(np.tanh, X2, RNG.standard_normal((2, 3)), 1e-4)]),
    "ch04.check_rel_error": (ch04.check_rel_error, (lambda a, b: 0.37,), [(np.array([0.37, 1.25]), np.array([0.5, 1.25]))]),
    "ch04.check_fixed_grad_check": (ch04.check_fixed_grad_check, (lambda f, x, analytic_grad, h=1e-5: 0.37,),
                               [(lambda a: float(np.sum(np.sin(a))), X2, np.cos(X2) * 1.5)]),
    "ch04.check_check_layer": (ch04.check_check_layer, (lambda layer, x, upstream, seed, h=1e-5: 0.37,),
                          [(ch04.DropoutTanhLayer(0.5, bug="forgot-scale"), X2, RNG.standard_normal((2, 3)), 5)]),
    "ch04.check_dual": (ch04.check_dual, make_dual_off(), [(lambda t, exp: t * t * 1.25, 0.37)]),
    "ch05.check_sigmoid_tanh_grad": (ch05.check_sigmoid_tanh_grad, (lambda s: 1.1 * s * (1 - s), lambda t: 1 - t ** 2),
                                     [np.array([0.37, -1.25, 0.5])]),
    "ch05.check_piecewise_grads": (ch05.check_piecewise_grads,
                                   (lambda z: 1.1 * (np.abs(z) < 1), lambda z: 1 / (1 + np.abs(z)) ** 2,
                                    lambda z: (z > 0) * 1.0, lambda z, a: np.where(z > 0, 1.0, a)),
                                   [(np.array([0.37, -1.25, 0.5]), 0.05)]),
    "ch05.check_two_layer": (ch05.check_two_layer, (lambda x, y, w1, w2: (0.37, np.zeros(w1.shape), np.zeros(w2.shape)),),
                             [(3, 4, 6, 2, 11)]),
    "ch05.check_affine": (ch05.check_affine, (affine_forward, affine_backward_off), [(3, 4, 5, 21)]),
    "ch05.check_softmax_loss": (ch05.check_softmax_loss, (lambda s, y: (0.37, np.zeros(s.shape)),),
                                [(5, 4, 31, 1.0)]),
    "ch05.check_mlp_backward": (ch05.check_mlp_backward, (mlp_backward_off, mlp_forward), [((4, 6, 3), 41)]),
    "ch05.check_xavier": (ch05.check_xavier, (xavier_narrow,), [(400, 100)]),
    "ch05.check_l2": (ch05.check_l2, (lambda loss, grads, params, reg: (loss + 0.37, grads),), [((3, 2), 0.5, 51)]),
    "ch05.check_dropout": (ch05.check_dropout, (dropout_forward_rare, dropout_backward), [(0.5, 61)]),
    "ch06.check_make_windows": (ch06.check_make_windows, (windows_shifted,), [([37, 38, 39, 41], 43, 2)]),
    "ch06.check_layer_shapes": (ch06.check_layer_shapes,
                                (lambda d, window, hidden, n_classes: {"x": (d,), "W": (hidden, d * window),
                                                                       "b": (hidden,), "h": (hidden,), "u": (hidden,),
                                                                       "s": (), "U": (n_classes, hidden),
                                                                       "c": (n_classes,)},),
                                [(17, 9, 11, 13)]),
    "ch06.check_forward": (ch06.check_forward, (scores_off,), [(7, 9, 4, 5, 8, 5, 11)]),
    "ch06.check_backward": (ch06.check_backward, (backward_off,), [(6, 5, 3, 5, 4, 5, 31)]),
    "ch06.check_softmax_loss": (ch06.check_softmax_loss, (lambda s, y: (0.37, np.zeros(s.shape)),), [(6, 5, 21)]),
    "ch06.check_max_margin": (ch06.check_max_margin, (lambda s, c: (0.37, np.zeros(len(s)), np.zeros(len(s))),),
                              [(8, 71)]),
    "ch06.check_sgd_step": (ch06.check_sgd_step, (sgd_step_off,), [(0.37, 51)]),
    "ch06.check_run_epoch": (ch06.check_run_epoch, (run_epoch_drops_last,), [(23, 7, 61)]),
    "ch06.check_gradcheck_model": (ch06.check_gradcheck_model, (gradcheck_on_a_copy,), [(41, "B")]),
    "ch07.check_sgd": (ch07.check_sgd, (sgd_ascends,), [((3, 2), 21, {"learning_rate": 0.3})]),
    "ch07.check_sgd_momentum": (ch07.check_sgd_momentum, (momentum_forgets,),
                                [((3, 2), 31, {"learning_rate": 0.05, "momentum": 0.95})]),
    "ch07.check_nesterov_momentum": (ch07.check_nesterov_momentum, (nesterov_as_plain_momentum,),
                                     [((3, 2), 41, {"learning_rate": 0.05, "momentum": 0.95})]),
    "ch07.check_adagrad": (ch07.check_adagrad, (adagrad_resets,), [((3, 2), 51, {"learning_rate": 0.3})]),
    "ch07.check_rmsprop": (ch07.check_rmsprop, (rmsprop_decays_the_gradient,),
                           [((3, 2), 61, {"learning_rate": 0.3, "decay_rate": 0.7})]),
    "ch07.check_adam": (ch07.check_adam, (adam_uncorrected,), [((3, 2), 71, {"learning_rate": 0.3})]),
    "ch07_schedules.check_step_decay": (ch07_schedules.check_step_decay,
                                        (lambda t, learning_rate, drop, every: learning_rate * drop ** (t // every + 1),),
                                        [{"learning_rate": 0.3, "drop": 0.1, "every": 13}]),
    "ch07_schedules.check_exponential_decay": (ch07_schedules.check_exponential_decay,
                                               (lambda t, learning_rate, k: learning_rate * np.exp(-k * (t + 1)),),
                                               [{"learning_rate": 0.02, "k": 0.1}]),
    "ch07_schedules.check_inverse_time_decay": (ch07_schedules.check_inverse_time_decay,
                                                (lambda t, learning_rate, tau: learning_rate * tau / max(t + 1, tau),),
                                                [{"learning_rate": 0.5, "tau": 37}]),
}
# Distinctive integers of a hidden case that a message must not quote (decimals are caught anyway).
SECRETS = {
    "ch06.check_make_windows": ("37", "38", "39", "41", "43"),
    "ch06.check_layer_shapes": ("9", "17", "153"),
    "ch06.check_run_epoch": ("23", "7", "2"),
    "ch07_schedules.check_step_decay": ("13",),
    "ch07_schedules.check_inverse_time_decay": ("37",),
}


def test_every_check_is_covered():
    checks = {f"{module.__name__.rsplit('.', 1)[-1]}.{name}" for module in MODULES
              for name, fn in vars(module).items()
              if name.startswith("check_") and callable(fn) and "hidden" in inspect.signature(fn).parameters}
    assert checks == set(HIDDEN), f"add a hidden-values case for {sorted(checks - set(HIDDEN))}"


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_hidden_case_messages_show_no_values(name):
    from nbkit.feedback import CheckFailed

    check, answers, cases = HIDDEN[name]
    keyword = "graphs" if name in ("ch01.check_forward_pass", "ch01.check_backward_pass") else "cases"
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
        check(*answers, **{keyword: cases}, hidden=True)
    message = info.value.message
    assert "hidden" in message, f"a hidden case is named by its number: {message}"
    assert not DECIMAL.search(message), f"a value shown in a hidden case ({info.value.diagnosis}): {message}"
    shown = [secret for secret in SECRETS.get(name, ()) if re.search(rf"(?<![\w.]){secret}(?![\w.])", message)]
    assert not shown, f"hidden case values {shown} shown ({info.value.diagnosis}): {message}"
