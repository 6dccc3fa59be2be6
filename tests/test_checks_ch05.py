"""Notebook 05's checks: each classic wrong answer is rejected with its own diagnosis and a
helpful message, correct alternatives written in other styles pass, and hidden cases show
no values."""
import numpy as np
import pytest

from nbkit.checks import ch05

# ------------------------------------------------------------------ activations


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_grad(s):
    return s * (1 - s)


def tanh_grad(t):
    return 1 - t ** 2


def sigmoid_grad_loop(s):
    out = np.empty_like(s)
    for idx in np.ndindex(s.shape):
        out[idx] = s[idx] - s[idx] ** 2
    return out


def tanh_grad_via_sigmoid(t):
    # t = 2 sigma(2z) - 1, so sigma(2z) = (1 + t) / 2 and tanh'(z) = 4 sigma(2z) (1 - sigma(2z))
    s2 = (1 + t) / 2
    return 4 * s2 * (1 - s2)


def test_sigmoid_tanh_alternatives_pass(accepts):
    accepts(ch05.check_sigmoid_tanh_grad, sigmoid_grad, tanh_grad)
    accepts(ch05.check_sigmoid_tanh_grad, sigmoid_grad_loop, tanh_grad_via_sigmoid)
    accepts(ch05.check_sigmoid_tanh_grad, sigmoid_grad, lambda t: (1 - t) * (1 + t),
            cases=[np.array([0.0]), np.array([[-12.5, 0.3], [2.2, 9.0]])], hidden=True)


@pytest.mark.parametrize("wrong, diagnosis, says", [
    (lambda s: s, "sigmoid-derivative", "s * (1 - s)"),
    (lambda s: sig(s) * (1 - sig(s)), "output-as-input", "already the output"),
    (lambda s: -s * (1 - s), "sign-flipped", "increasing"),
    (lambda s: 1 - s, "wrong-values", "table"),
])
def test_sigmoid_grad_mistakes_are_named(rejects, wrong, diagnosis, says):
    err = rejects(ch05.check_sigmoid_tanh_grad, wrong, tanh_grad, diagnosis=diagnosis, says=(says,))
    assert err.exercise == "sigmoid_grad"


@pytest.mark.parametrize("wrong, diagnosis", [
    (lambda t: t, "value-not-derivative"),
    (lambda t: 1 - np.tanh(t) ** 2, "output-as-input"),
    (lambda t: 1 - t, "missing-square"),
    (lambda t: t ** 2 - 1, "sign-flipped"),
])
def test_tanh_grad_mistakes_are_named(rejects, wrong, diagnosis):
    rejects(ch05.check_sigmoid_tanh_grad, sigmoid_grad, wrong, diagnosis=diagnosis)


def test_sigmoid_grad_that_modifies_its_argument_is_caught(rejects):
    def in_place(s):
        s *= 1 - s
        return s
    rejects(ch05.check_sigmoid_tanh_grad, in_place, tanh_grad, diagnosis="input-modified")


def test_hidden_activation_case_shows_no_values(rejects):
    rejects(ch05.check_sigmoid_tanh_grad, lambda s: s, tanh_grad, cases=[np.array([1.25, -3.5])], hidden=True,
            diagnosis="sigmoid-derivative", says=("hidden case 1",), hidden_values=("1.25", "-3.5", "0.1"))


def hard_tanh_grad(z):
    return ((z > -1) & (z < 1)).astype(float)


def softsign_grad(z):
    return 1 / (1 + np.abs(z)) ** 2


def relu_grad(z):
    return (z > 0).astype(float)


def leaky_relu_grad(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha)


GOOD = dict(hard_tanh_grad=hard_tanh_grad, softsign_grad=softsign_grad, relu_grad=relu_grad,
            leaky_relu_grad=leaky_relu_grad)


def piecewise(**replace):
    fns = dict(GOOD, **replace)
    return (fns["hard_tanh_grad"], fns["softsign_grad"], fns["relu_grad"], fns["leaky_relu_grad"])


def test_piecewise_alternatives_pass(accepts):
    accepts(ch05.check_piecewise_grads, *piecewise())
    accepts(ch05.check_piecewise_grads, *piecewise(
        hard_tanh_grad=lambda z: np.where(np.abs(z) < 1, 1.0, 0.0),
        softsign_grad=lambda z: (1 - np.abs(z / (1 + np.abs(z)))) ** 2,     # 1 - |softsign| = 1/(1+|z|)
        relu_grad=lambda z: np.heaviside(z, 0.0),
        leaky_relu_grad=lambda z, alpha=0.01: alpha + (1 - alpha) * (z > 0)))
    accepts(ch05.check_piecewise_grads, *piecewise(), hidden=True,
            cases=[(np.array([-7.5, -1.2, -0.9, 0.05, 0.95, 1.3, 30.0]), 0.2)])


def test_piecewise_loop_alternative_passes(accepts):
    def relu_loop(z):
        out = np.zeros_like(z)
        for idx in np.ndindex(z.shape):
            if z[idx] > 0:
                out[idx] = 1.0
        return out
    accepts(ch05.check_piecewise_grads, *piecewise(relu_grad=relu_loop))


@pytest.mark.parametrize("name, wrong, diagnosis", [
    ("hard_tanh_grad", lambda z: np.ones_like(z), "hard-tanh-unclipped"),
    ("hard_tanh_grad", lambda z: (z < 1).astype(float), "hard-tanh-one-side"),
    ("hard_tanh_grad", lambda z: np.clip(z, -1, 1), "value-not-derivative"),
    ("softsign_grad", lambda z: 1 / (1 + np.abs(z)), "softsign-not-squared"),
    ("softsign_grad", lambda z: 1 / (1 + z) ** 2, "forgot-abs"),
    ("softsign_grad", lambda z: z / (1 + np.abs(z)), "value-not-derivative"),
    ("relu_grad", lambda z: np.ones_like(z), "relu-slope-one"),
    ("relu_grad", lambda z: (z < 0).astype(float), "mask-inverted"),
    ("relu_grad", lambda z: np.maximum(z, 0), "value-not-derivative"),
    ("leaky_relu_grad", lambda z, alpha=0.01: (z > 0).astype(float), "leaky-slope-zero"),
    ("leaky_relu_grad", lambda z, alpha=0.01: np.where(z > 0, alpha, 1.0), "mask-inverted"),
    ("leaky_relu_grad", lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01), "ignored-alpha"),
])
def test_piecewise_mistakes_are_named(rejects, name, wrong, diagnosis):
    err = rejects(ch05.check_piecewise_grads, *piecewise(**{name: wrong}), diagnosis=diagnosis)
    assert err.exercise == name


# ------------------------------------------------------------------ the two-layer network


def two_layer(x, y, w1, w2):
    h = sig(x @ w1)
    y_pred = h @ w2
    g = 2 * (y_pred - y)
    dz = (g @ w2.T) * h * (1 - h)
    return np.sum((y_pred - y) ** 2), x.T @ dz, h.T @ g


def two_layer_einsum(x, y, w1, w2):
    z = np.einsum("nd,dh->nh", x, w1)
    h = np.tanh(z / 2) / 2 + 0.5                      # sigma(z) written through tanh
    err = np.einsum("nh,hk->nk", h, w2) - y
    grad_w2 = np.einsum("nh,nk->hk", h, 2 * err)
    grad_w1 = np.einsum("nd,nh->dh", x, np.einsum("nk,hk->nh", 2 * err, w2) * h * (1 - h))
    return float((err ** 2).sum()), grad_w1, grad_w2


def test_two_layer_alternatives_pass(accepts):
    accepts(ch05.check_two_layer, two_layer)
    accepts(ch05.check_two_layer, two_layer_einsum)
    accepts(ch05.check_two_layer, two_layer, cases=[(3, 4, 6, 2, 11)], hidden=True)


def test_two_layer_mistakes_are_named(rejects):
    def sigma_as_derivative(x, y, w1, w2):
        h = sig(x @ w1)
        g = 2 * (h @ w2 - y)
        return np.sum((h @ w2 - y) ** 2), x.T @ ((g @ w2.T) * h), h.T @ g

    def from_output_again(x, y, w1, w2):
        h = sig(x @ w1)
        g = 2 * (h @ w2 - y)
        return np.sum((h @ w2 - y) ** 2), x.T @ ((g @ w2.T) * sig(h) * (1 - sig(h))), h.T @ g

    def no_local(x, y, w1, w2):
        h = sig(x @ w1)
        g = 2 * (h @ w2 - y)
        return np.sum((h @ w2 - y) ** 2), x.T @ (g @ w2.T), h.T @ g

    def forgot_two(x, y, w1, w2):
        loss, g1, g2 = two_layer(x, y, w1, w2)
        return loss, g1 / 2, g2 / 2

    def flipped(x, y, w1, w2):
        loss, g1, g2 = two_layer(x, y, w1, w2)
        return loss, -g1, -g2

    def mean_loss(x, y, w1, w2):
        loss, g1, g2 = two_layer(x, y, w1, w2)
        return loss / x.shape[0], g1, g2

    def updates_in_place(x, y, w1, w2):
        loss, g1, g2 = two_layer(x, y, w1, w2)
        w1 -= 1e-4 * g1
        return loss, g1, g2

    rejects(ch05.check_two_layer, sigma_as_derivative, diagnosis="sigmoid-derivative", says=("h (1 - h)",))
    rejects(ch05.check_two_layer, from_output_again, diagnosis="output-as-input")
    rejects(ch05.check_two_layer, no_local, diagnosis="forgot-local-gradient")
    rejects(ch05.check_two_layer, forgot_two, diagnosis="scaled-by-half")
    rejects(ch05.check_two_layer, flipped, diagnosis="sign-flipped")
    rejects(ch05.check_two_layer, mean_loss, diagnosis="wrong-forward", says=("averaged",))
    rejects(ch05.check_two_layer, updates_in_place, diagnosis="input-modified")
    rejects(ch05.check_two_layer, sigma_as_derivative, cases=[(3, 4, 6, 2, 11)], hidden=True,
            diagnosis="sigmoid-derivative", says=("hidden case 1",))


def test_two_layer_transposed_product_raises_a_named_error(rejects):
    def transposed(x, y, w1, w2):
        loss, g1, g2 = two_layer(x, y, w1, w2)
        return loss, g1.T, g2
    rejects(ch05.check_two_layer, transposed, diagnosis="transposed")


# ------------------------------------------------------------------ affine


def affine_forward(x, w, b):
    return x @ w + b, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


class Affine:
    """DL-from-scratch style: a class with forward/backward, adapted to the two functions."""

    def __init__(self, w, b):
        self.W, self.b = w, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


def affine_forward_class(x, w, b):
    layer = Affine(w, b)
    return layer.forward(x), layer


def affine_backward_class(dout, layer):
    dx = layer.backward(dout)
    return dx, layer.dW, layer.db


def affine_backward_loops(dout, cache):
    x, w = cache
    N, D = x.shape
    M = w.shape[1]
    dx, dw, db = np.zeros((N, D)), np.zeros((D, M)), np.zeros(M)
    for n in range(N):
        for m in range(M):
            db[m] += dout[n, m]
            for d in range(D):
                dx[n, d] += dout[n, m] * w[d, m]
                dw[d, m] += x[n, d] * dout[n, m]
    return dx, dw, db


def test_affine_alternatives_pass(accepts):
    accepts(ch05.check_affine, affine_forward, affine_backward)
    accepts(ch05.check_affine, affine_forward_class, affine_backward_class)
    accepts(ch05.check_affine, affine_forward, affine_backward_loops)
    accepts(ch05.check_affine, affine_forward, affine_backward, cases=[(1, 3, 2, 21)], hidden=True)


def test_affine_mistakes_are_named(rejects):
    def no_sum(dout, cache):
        dx, dw, _ = affine_backward(dout, cache)
        return dx, dw, dout
    def dw_transposed(dout, cache):
        x, w = cache
        return dout @ w.T, dout.T @ x, dout.sum(0)
    def no_transpose(dout, cache):
        x, w = cache
        return dout @ w, x.T @ dout, dout.sum(0)
    def mean_db(dout, cache):
        dx, dw, _ = affine_backward(dout, cache)
        return dx, dw, dout.mean(axis=0)
    buffer = {}
    def shared_forward(x, w, b):
        buf = buffer.setdefault(x.shape, np.empty(x.shape))
        buf[...] = x
        return x @ w + b, (buf, w)
    def in_place_backward(dout, cache):
        x, w = cache
        db = dout.sum(0)
        dout *= 1.0
        dout += 0.0
        dout[0] = 0.0
        return dout @ w.T, x.T @ dout, db

    rejects(ch05.check_affine, affine_forward, no_sum, diagnosis="missing-batch-sum", says=("(5,)",))
    rejects(ch05.check_affine, affine_forward, dw_transposed, diagnosis="transposed", says=("(5, 3)", "(3, 5)"))
    rejects(ch05.check_affine, affine_forward, no_transpose, diagnosis="missing-transpose", says=("w^T",))
    rejects(ch05.check_affine, affine_forward, mean_db, diagnosis="scaled-by-batch")
    rejects(ch05.check_affine, shared_forward, affine_backward, diagnosis="shared-cache", says=("first call",))
    rejects(ch05.check_affine, affine_forward, in_place_backward, diagnosis="input-modified")
    rejects(ch05.check_affine, lambda x, w, b: (x @ w, (x, w)), affine_backward, diagnosis="wrong-forward")
    rejects(ch05.check_affine, affine_forward, no_sum, cases=[(6, 4, 5, 22)], hidden=True,
            diagnosis="missing-batch-sum", says=("hidden case 1",))


# ------------------------------------------------------------------ softmax loss


def softmax_loss(scores, y):
    N = len(y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    P = np.exp(log_p)
    P[np.arange(N), y] -= 1
    return -log_p[np.arange(N), y].mean(), P / N


def softmax_loss_cs231n(x, y):
    """The CS231n assignment's softmax_loss."""
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def softmax_loss_one_hot(scores, y):
    Y = np.eye(scores.shape[1])[y]
    z = scores - scores.max(axis=1, keepdims=True)
    P = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss = -np.sum(Y * (z - np.log(np.exp(z).sum(axis=1, keepdims=True)))) / len(y)
    return loss, (P - Y) / len(y)


def test_softmax_alternatives_pass(accepts):
    for fn in (softmax_loss, softmax_loss_cs231n, softmax_loss_one_hot):
        accepts(ch05.check_softmax_loss, fn)
    accepts(ch05.check_softmax_loss, softmax_loss, cases=[(2, 7, 32, 800.0)], hidden=True)


def test_softmax_mistakes_are_named(rejects):
    def no_max(scores, y):
        P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        N = len(y)
        loss = -np.mean(np.log(P[np.arange(N), y]))
        P[np.arange(N), y] -= 1
        return loss, P / N
    def grad_not_averaged(scores, y):
        loss, d = softmax_loss(scores, y)
        return loss, d * len(y)
    def sum_loss(scores, y):
        loss, d = softmax_loss(scores, y)
        return loss * len(y), d
    def no_labels(scores, y):
        z = scores - scores.max(axis=1, keepdims=True)
        P = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return softmax_loss(scores, y)[0], P / len(y)
    def flipped(scores, y):
        loss, d = softmax_loss(scores, y)
        return loss, -d

    rejects(ch05.check_softmax_loss, no_max, diagnosis="softmax-overflow", says=("maximum",))
    rejects(ch05.check_softmax_loss, grad_not_averaged, diagnosis="scaled-by-batch")
    rejects(ch05.check_softmax_loss, sum_loss, diagnosis="scaled-by-batch", says=("mean",))
    rejects(ch05.check_softmax_loss, no_labels, diagnosis="forgot-labels", says=("(P - Y) / N",))
    rejects(ch05.check_softmax_loss, flipped, diagnosis="sign-flipped")
    rejects(ch05.check_softmax_loss, no_max, cases=[(2, 7, 32, 800.0)], hidden=True,
            diagnosis="softmax-overflow", says=("hidden case 1",), hidden_values=("800",))


# ------------------------------------------------------------------ the MLP


def mlp_forward(X, params):
    L = len(params) // 2
    a, cache = X, []
    for l in range(1, L + 1):
        z = a @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((a, z))
        a = np.maximum(z, 0) if l < L else z
    return a, cache


def mlp_backward(dscores, params, cache):
    grads, delta = {}, dscores
    for l in range(len(cache), 0, -1):
        a_prev, _ = cache[l - 1]
        grads[f"W{l}"], grads[f"b{l}"] = a_prev.T @ delta, delta.sum(0)
        if l > 1:
            delta = (delta @ params[f"W{l}"].T) * (cache[l - 2][1] > 0)
    return grads


def mlp_backward_modular(dscores, params, cache):
    """Written with an affine_backward and a relu_backward of its own, CS231n style."""
    def affine_back(dout, x, w):
        return dout @ w.T, x.T @ dout, dout.sum(axis=0)

    def relu_back(dout, z):
        dz = dout.copy()
        dz[z <= 0] = 0
        return dz

    grads = {}
    L = len(cache)
    dout = dscores
    for l in reversed(range(1, L + 1)):
        a_prev, _ = cache[l - 1]
        dout, grads["W%d" % l], grads["b%d" % l] = affine_back(dout, a_prev, params["W%d" % l])
        if l > 1:
            dout = relu_back(dout, cache[l - 2][1])
    return grads


def mlp_backward_columns(dscores, params, cache):
    """The textbook column convention, one example at a time, transposed back."""
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    L = len(cache)
    for n in range(dscores.shape[0]):
        delta = dscores[n][:, None]                              # (C, 1)
        for l in range(L, 0, -1):
            a_prev = cache[l - 1][0][n][:, None]                 # (d_{l-1}, 1)
            grads[f"W{l}"] += (delta @ a_prev.T).T               # W stored as (d_{l-1}, d_l)
            grads[f"b{l}"] += delta[:, 0]
            if l > 1:
                z_prev = cache[l - 2][1][n][:, None]
                delta = (z_prev > 0) * (params[f"W{l}"] @ delta)    # W^(l)T in column form is our W
    return grads


def test_mlp_alternatives_pass(accepts):
    for fn in (mlp_backward, mlp_backward_modular, mlp_backward_columns):
        accepts(ch05.check_mlp_backward, fn, mlp_forward)
    accepts(ch05.check_mlp_backward, mlp_backward, mlp_forward, cases=[((4, 6, 5, 3, 2), 42)], hidden=True)


def mlp_no_transpose(dscores, params, cache):
    """delta @ W where delta @ W^T is meant (square layers hide it from the shapes)."""
    grads, delta = {}, dscores
    for l in range(len(cache), 0, -1):
        a_prev, _ = cache[l - 1]
        grads[f"W{l}"], grads[f"b{l}"] = a_prev.T @ delta, delta.sum(0)
        if l > 1:
            delta = (delta @ params[f"W{l}"]) * (cache[l - 2][1] > 0)
    return grads


def mlp_dw_transposed(dscores, params, cache):
    grads = mlp_backward(dscores, params, cache)
    return {k: (g.T if k.startswith("W") else g) for k, g in grads.items()}


def test_mlp_mistakes_are_named(rejects):
    def b_not_summed(dscores, params, cache):
        grads = mlp_backward(dscores, params, cache)
        L = len(cache)
        grads[f"b{L}"] = dscores
        return grads
    def relu_slope_one(dscores, params, cache):
        grads, delta = {}, dscores
        for l in range(len(cache), 0, -1):
            a_prev, _ = cache[l - 1]
            grads[f"W{l}"], grads[f"b{l}"] = a_prev.T @ delta, delta.sum(0)
            if l > 1:
                delta = delta @ params[f"W{l}"].T
        return grads
    def drops_a_key(dscores, params, cache):
        grads = mlp_backward(dscores, params, cache)
        del grads["b1"]
        return grads
    def in_place_mask(dscores, params, cache):
        grads, delta = {}, dscores
        for l in range(len(cache), 0, -1):
            a_prev, _ = cache[l - 1]
            grads[f"W{l}"], grads[f"b{l}"] = a_prev.T @ delta, delta.sum(0)
            if l > 1:
                z_prev = cache[l - 2][1]
                z_prev[z_prev > 0] = 1.0
                z_prev[z_prev <= 0] = 0.0
                delta = (delta @ params[f"W{l}"].T) * z_prev
        return grads

    rejects(ch05.check_mlp_backward, mlp_no_transpose, mlp_forward, diagnosis="missing-transpose", says=("W^T",))
    rejects(ch05.check_mlp_backward, b_not_summed, mlp_forward, diagnosis="missing-batch-sum")
    rejects(ch05.check_mlp_backward, mlp_dw_transposed, mlp_forward, diagnosis="transposed", says=("square",))
    rejects(ch05.check_mlp_backward, relu_slope_one, mlp_forward, diagnosis="wrong-values", says=("z > 0",))
    rejects(ch05.check_mlp_backward, drops_a_key, mlp_forward, diagnosis="missing-grad", says=("b1",))
    rejects(ch05.check_mlp_backward, in_place_mask, mlp_forward, diagnosis="input-modified")
    rejects(ch05.check_mlp_backward, mlp_no_transpose, mlp_forward, cases=[((3, 3, 3), 41)], hidden=True,
            diagnosis="missing-transpose", says=("hidden case 1",))


def test_mlp_transposed_weight_gradient_in_a_non_square_net(rejects):
    rejects(ch05.check_mlp_backward, mlp_dw_transposed, mlp_forward, cases=[((3, 5, 2), 1)], diagnosis="transposed")


def test_mlp_no_transpose_in_a_non_square_net_names_the_transpose(rejects):
    rejects(ch05.check_mlp_backward, mlp_no_transpose, mlp_forward, cases=[((3, 5, 2), 1)], diagnosis="missing-transpose")


# ------------------------------------------------------------------ Xavier


def xavier_init(sizes, rng):
    params = {}
    for l in range(1, len(sizes)):
        a = np.sqrt(6 / (sizes[l - 1] + sizes[l]))
        params[f"W{l}"] = rng.uniform(-a, a, (sizes[l - 1], sizes[l]))
        params[f"b{l}"] = np.zeros(sizes[l])
    return params


def xavier_from_unit(sizes, rng):
    params = {}
    for l, (fi, fo) in enumerate(zip(sizes, sizes[1:]), 1):
        params["W" + str(l)] = (2 * rng.random((fi, fo)) - 1) * np.sqrt(6.0 / (fi + fo))
        params["b" + str(l)] = np.zeros((fo,))
    return params


def test_xavier_alternatives_pass(accepts):
    accepts(ch05.check_xavier, xavier_init)
    accepts(ch05.check_xavier, xavier_from_unit)
    accepts(ch05.check_xavier, xavier_init, cases=[(400, 100, 250), (7, 1)], hidden=True)


def make_init(bound=lambda fi, fo: np.sqrt(6 / (fi + fo)), draw=None, bias=np.zeros, shape=lambda fi, fo: (fi, fo)):
    def init(sizes, rng):
        params = {}
        for l in range(1, len(sizes)):
            fi, fo = sizes[l - 1], sizes[l]
            a = bound(fi, fo)
            params[f"W{l}"] = draw(rng, a, shape(fi, fo)) if draw else rng.uniform(-a, a, shape(fi, fo))
            params[f"b{l}"] = bias(fo)
        return params
    return init


@pytest.mark.parametrize("wrong, diagnosis", [
    (make_init(bound=lambda fi, fo: np.sqrt(6 / fi)), "wrong-bound"),
    (make_init(bound=lambda fi, fo: np.sqrt(2 / (fi + fo))), "wrong-bound"),
    (make_init(draw=lambda rng, a, shape: rng.normal(0, a, shape)), "normal-not-uniform"),
    (make_init(bias=np.ones), "bias-not-zero"),
    (make_init(draw=lambda rng, a, shape: rng.uniform(0, a, shape)), "not-centred"),
    (make_init(shape=lambda fi, fo: (fo, fi)), "transposed"),
    (make_init(draw=lambda rng, a, shape: np.random.uniform(-a, a, shape)), "ignored-rng"),
])
def test_xavier_mistakes_are_named(rejects, wrong, diagnosis):
    rejects(ch05.check_xavier, wrong, diagnosis=diagnosis)


def test_xavier_hidden_case_shows_no_bound(rejects):
    rejects(ch05.check_xavier, make_init(bound=lambda fi, fo: np.sqrt(6 / fi)), cases=[(400, 100, 250)], hidden=True,
            diagnosis="wrong-bound", says=("hidden case 1",), hidden_values=("0.1", "0.2"))


# ------------------------------------------------------------------ L2


def add_l2(loss, grads, params, reg):
    loss += reg / 2 * sum((params[k] ** 2).sum() for k in params if k[0] == "W")
    return loss, {k: g + reg * params[k] if k[0] == "W" else g for k, g in grads.items()}


def add_l2_in_place(loss, grads, params, reg):
    for name, p in params.items():
        if name.startswith("W"):
            loss += 0.5 * reg * np.linalg.norm(p) ** 2        # Frobenius norm squared
            grads[name] += reg * p
    return loss, grads


def test_l2_alternatives_pass(accepts):
    accepts(ch05.check_l2, add_l2)
    accepts(ch05.check_l2, add_l2_in_place)
    accepts(ch05.check_l2, add_l2, cases=[((4, 4, 2), 1e-3, 52)], hidden=True)


def test_l2_mistakes_are_named(rejects):
    def bias_in_loss(loss, grads, params, reg):
        loss += reg / 2 * sum((p ** 2).sum() for p in params.values())
        return loss, {k: g + reg * params[k] if k[0] == "W" else g for k, g in grads.items()}
    def bias_in_grad(loss, grads, params, reg):
        loss, _ = add_l2(loss, grads, params, reg)
        return loss, {k: g + reg * params[k] for k, g in grads.items()}
    def no_half(loss, grads, params, reg):
        loss2, grads2 = add_l2(loss, grads, params, reg)
        return loss + 2 * (loss2 - loss), grads2
    def double_grad(loss, grads, params, reg):
        return add_l2(loss, grads, params, 2 * reg)[0] - (add_l2(loss, grads, params, reg)[0] - loss), \
            {k: g + 2 * reg * params[k] if k[0] == "W" else g for k, g in grads.items()}
    def replaced(loss, grads, params, reg):
        loss, _ = add_l2(loss, grads, params, reg)
        return loss, {k: reg * params[k] if k[0] == "W" else g for k, g in grads.items()}
    def l1(loss, grads, params, reg):
        loss += reg / 2 * sum(np.abs(params[k]).sum() for k in params if k[0] == "W")
        return loss, {k: g + reg * params[k] if k[0] == "W" else g for k, g in grads.items()}

    rejects(ch05.check_l2, bias_in_loss, diagnosis="penalised-bias", says=("biases",))
    rejects(ch05.check_l2, bias_in_grad, diagnosis="penalised-bias")
    rejects(ch05.check_l2, no_half, diagnosis="scaled-by-2")
    rejects(ch05.check_l2, double_grad, diagnosis="scaled-by-2")
    rejects(ch05.check_l2, replaced, diagnosis="replaced-gradient")
    rejects(ch05.check_l2, l1, diagnosis="missing-square")
    rejects(ch05.check_l2, bias_in_loss, cases=[((3, 2), 0.5, 51)], hidden=True, diagnosis="penalised-bias",
            says=("hidden case 1",))


# ------------------------------------------------------------------ dropout


def dropout_forward(x, p, train, rng):
    if not train:
        return x, None
    mask = (rng.random(x.shape) < p) / p
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout * cache


def dropout_forward_cs231n(x, p, train, rng):
    """CS231n keeps (mask, mode) in the cache and copies at test time."""
    mode = "train" if train else "test"
    if mode == "train":
        mask = (rng.uniform(size=x.shape) < p) / p
        out = x * mask
    else:
        mask, out = None, x.copy()
    return out.astype(x.dtype, copy=False), (mask, mode)


def dropout_backward_cs231n(dout, cache):
    mask, mode = cache
    return dout * mask if mode == "train" else dout


def test_dropout_alternatives_pass(accepts):
    accepts(ch05.check_dropout, dropout_forward, dropout_backward)
    accepts(ch05.check_dropout, dropout_forward_cs231n, dropout_backward_cs231n)
    accepts(ch05.check_dropout, dropout_forward, dropout_backward, cases=[(0.9, 62)], hidden=True)


def test_dropout_mistakes_are_named(rejects):
    def scaled_at_test(x, p, train, rng):
        return (dropout_forward(x, p, train, rng) if train else (x * p, None))
    def scaled_at_test_inverse(x, p, train, rng):
        return (dropout_forward(x, p, train, rng) if train else (x / p, None))
    def by_p(x, p, train, rng):
        if not train:
            return x, None
        mask = (rng.random(x.shape) < p) * p
        return x * mask, mask
    def unscaled(x, p, train, rng):
        if not train:
            return x, None
        mask = rng.random(x.shape) < p
        return x * mask, mask
    def swapped(x, p, train, rng):
        if not train:
            return x, None
        mask = (rng.random(x.shape) >= p) / p
        return x * mask, mask
    def global_rng(x, p, train, rng):
        if not train:
            return x, None
        mask = (np.random.random(x.shape) < p) / p
        return x * mask, mask
    def in_place(x, p, train, rng):
        if not train:
            return x, None
        mask = (rng.random(x.shape) < p) / p
        x *= mask
        return x, mask
    def backward_unscaled(dout, mask):
        return dout * (mask > 0)

    rejects(ch05.check_dropout, scaled_at_test, dropout_backward, diagnosis="dropout-scaled-at-test", says=("test time",))
    rejects(ch05.check_dropout, scaled_at_test_inverse, dropout_backward, diagnosis="dropout-scaled-at-test")
    rejects(ch05.check_dropout, by_p, dropout_backward, diagnosis="dropout-scaled-by-p")
    rejects(ch05.check_dropout, unscaled, dropout_backward, diagnosis="dropout-not-scaled")
    rejects(ch05.check_dropout, swapped, dropout_backward, diagnosis="keep-drop-swapped")
    rejects(ch05.check_dropout, global_rng, dropout_backward, diagnosis="random-mask")
    rejects(ch05.check_dropout, in_place, dropout_backward, diagnosis="input-modified")
    rejects(ch05.check_dropout, dropout_forward, backward_unscaled, diagnosis="dropout-not-scaled")
    rejects(ch05.check_dropout, dropout_forward, lambda dout, cache: dout, diagnosis="forgot-local-gradient")
    rejects(ch05.check_dropout, by_p, dropout_backward, cases=[(0.25, 63)], hidden=True,
            diagnosis="dropout-scaled-by-p", says=("hidden case 1",), hidden_values=("0.25",))


# ------------------------------------------------------------------ not written yet


@pytest.mark.parametrize("check, args", [
    (ch05.check_sigmoid_tanh_grad, 2), (ch05.check_piecewise_grads, 4), (ch05.check_two_layer, 1),
    (ch05.check_affine, 2), (ch05.check_softmax_loss, 1), (ch05.check_xavier, 1), (ch05.check_l2, 1),
    (ch05.check_dropout, 2),
])
def test_an_unwritten_exercise_says_so(rejects, check, args):
    def stub(*a, **k):
        raise NotImplementedError()
    rejects(check, *([stub] * args), diagnosis="not-implemented", says=("not written yet",))


def test_an_unwritten_mlp_backward_says_so(rejects):
    def stub(*a):
        raise NotImplementedError()
    rejects(ch05.check_mlp_backward, stub, mlp_forward, diagnosis="not-implemented")
