"""Classic wrong answers for notebook 05 (a neural network by hand)."""


def swap(*pairs):
    return ("swap", pairs)


MISTAKES = {
    "sigmoid_tanh_grad": [
        ("sigmoid-derivative", swap(("return s * (1.0 - s)", "return s"))),
        ("output-as-input", swap(("return s * (1.0 - s)", "return sigmoid(s) * (1.0 - sigmoid(s))"))),
        ("output-as-input", swap(("return 1.0 - t ** 2", "return 1.0 - np.tanh(t) ** 2"))),
        ("missing-square", swap(("return 1.0 - t ** 2", "return 1.0 - t"))),
        ("sign-flipped", swap(("return s * (1.0 - s)", "return s * (s - 1.0)"))),
    ],
    "piecewise_grads": [
        ("relu-slope-one", swap(("return (z > 0).astype(float)", "return np.ones_like(z)"))),
        ("mask-inverted", swap(("return (z > 0).astype(float)", "return (z < 0).astype(float)"))),
        ("hard-tanh-one-side", swap(("return ((z > -1.0) & (z < 1.0)).astype(float)", "return (z < 1.0).astype(float)"))),
        ("softsign-not-squared", swap(("return 1.0 / (1.0 + np.abs(z)) ** 2", "return 1.0 / (1.0 + np.abs(z))"))),
        ("forgot-abs", swap(("return 1.0 / (1.0 + np.abs(z)) ** 2", "return 1.0 / (1.0 + z) ** 2"))),
        ("leaky-slope-zero", swap(("return np.where(z > 0, 1.0, alpha)", "return np.where(z > 0, 1.0, 0.0)"))),
        ("ignored-alpha", swap(("return np.where(z > 0, 1.0, alpha)", "return np.where(z > 0, 1.0, 0.01)"))),
    ],
    "two_layer": [
        ("sigmoid-derivative", swap(("grad_z = grad_h * h * (1.0 - h)", "grad_z = grad_h * h"))),
        ("output-as-input", swap(("grad_z = grad_h * h * (1.0 - h)", "grad_z = grad_h * sigmoid(h) * (1.0 - sigmoid(h))"))),
        ("forgot-local-gradient", swap(("grad_z = grad_h * h * (1.0 - h)", "grad_z = grad_h"))),
        ("scaled-by-half", swap(("grad_y_pred = 2.0 * (y_pred - y)", "grad_y_pred = y_pred - y"))),
        ("sign-flipped", swap(("grad_y_pred = 2.0 * (y_pred - y)", "grad_y_pred = 2.0 * (y - y_pred)"))),
        ("wrong-forward", swap(("loss = float(np.sum((y_pred - y) ** 2))", "loss = float(np.mean((y_pred - y) ** 2))"))),
    ],
    "affine": [
        ("missing-batch-sum", swap(("db = dout.sum(axis=0)", "db = dout"))),
        ("transposed", swap(("dw = x.T @ dout", "dw = dout.T @ x"))),
        ("missing-transpose", swap(("dx = dout @ w.T", "dx = dout @ w"))),
        ("scaled-by-batch", swap(("db = dout.sum(axis=0)", "db = dout.mean(axis=0)"))),
        ("shared-cache", '''_buffer = {}


def affine_forward(x, w, b):
    """The affine layer: x @ w + b, with a buffer shared between calls."""
    saved = _buffer.setdefault(x.shape, np.empty(x.shape))   # reuse one buffer per shape
    saved[...] = x
    out = x @ w + b
    cache = (saved, w)
    return out, cache


def affine_backward(dout, cache):
    """dout: (N, M) = dL/dout; cache from affine_forward. Returns (dx (N, D), dw (D, M), db (M,))."""
    x, w = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
'''),
    ],
    "softmax_loss": [
        ("softmax-overflow", swap(("shifted = scores - scores.max(axis=1, keepdims=True)", "shifted = scores"))),
        ("scaled-by-batch", swap(("dscores /= N", "pass"))),
        ("forgot-labels", swap(("dscores[np.arange(N), y] -= 1.0", "pass  #"))),
        ("scaled-by-batch", swap(("loss = float(-np.mean(log_probs[np.arange(N), y]))",
                                  "loss = float(-np.sum(log_probs[np.arange(N), y]))"))),
        ("softmax-overflow", '''def softmax_loss(scores, y):
    """Mean softmax cross-entropy and its gradient (no max subtracted)."""
    N = scores.shape[0]
    exp = np.exp(scores)
    P = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(P[np.arange(N), y]))
    dscores = P.copy()
    dscores[np.arange(N), y] -= 1
    return loss, dscores / N
'''),
    ],
    "mlp_backward": [
        ("missing-transpose", swap(('delta = (delta @ params[f"W{l}"].T) * (z_prev > 0)',
                                    'delta = (delta @ params[f"W{l}"]) * (z_prev > 0)'))),
        ("missing-batch-sum", swap(('grads[f"b{l}"] = delta.sum(axis=0)', 'grads[f"b{l}"] = delta'))),
        ("transposed", swap(('grads[f"W{l}"] = a_prev.T @ delta', 'grads[f"W{l}"] = delta.T @ a_prev'))),
        ("wrong-values", swap(('delta = (delta @ params[f"W{l}"].T) * (z_prev > 0)',
                               'delta = delta @ params[f"W{l}"].T'))),
        ("missing-grad", swap(('grads[f"b{l}"] = delta.sum(axis=0)', 'pass'))),
    ],
    "xavier": [
        ("wrong-bound", swap(("bound = np.sqrt(6.0 / (fan_in + fan_out))", "bound = np.sqrt(6.0 / fan_in)"))),
        ("normal-not-uniform", swap(("rng.uniform(-bound, bound, size=(fan_in, fan_out))",
                                     "rng.normal(0.0, bound, size=(fan_in, fan_out))"))),
        ("bias-not-zero", swap(('params[f"b{l}"] = np.zeros(fan_out)', 'params[f"b{l}"] = np.full(fan_out, 0.01)'))),
        ("transposed", swap(("size=(fan_in, fan_out)", "size=(fan_out, fan_in)"))),
        ("ignored-rng", swap(("rng.uniform(-bound, bound", "np.random.uniform(-bound, bound"))),
    ],
    "l2": [
        ("penalised-bias", swap(('for name, p in params.items() if name.startswith("W"))', 'for name, p in params.items())'))),
        ("penalised-bias", swap(('if name.startswith("W") else g for name, g in grads.items()}',
                                 'if True else g for name, g in grads.items()}'))),
        ("scaled-by-2", swap(("loss = loss + 0.5 * reg * sum(", "loss = loss + reg * sum("))),
        ("replaced-gradient", swap(("{name: g + reg * params[name] if", "{name: reg * params[name] if"))),
    ],
    "dropout": [
        ("dropout-scaled-at-test", swap(("return x, None", "return x * p, None"))),
        ("dropout-scaled-by-p", swap(("mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) < p) * p"))),
        ("dropout-not-scaled", swap(("mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) < p) * 1.0"))),
        ("keep-drop-swapped", swap(("mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) > p) / p"))),
        ("random-mask", swap(("mask = (rng.random(x.shape) < p) / p", "mask = (np.random.random(x.shape) < p) / p"))),
        ("dropout-not-scaled", swap(("return dout * mask", "return dout * (mask > 0)"))),
    ],
}

ALTERNATIVES = {
    "sigmoid_tanh_grad": '''def sigmoid_grad(s):
    """sigma'(z) from s = sigma(z), entry by entry."""
    out = np.empty_like(s)
    for idx in np.ndindex(s.shape):
        out[idx] = s[idx] - s[idx] ** 2
    return out


def tanh_grad(t):
    """tanh = 2 sigma(2z) - 1, so sigma(2z) = (1 + t) / 2 and tanh'(z) = 4 sigma(2z)(1 - sigma(2z))."""
    s2 = (1.0 + t) / 2.0
    return 4.0 * s2 * (1.0 - s2)
''',
    "piecewise_grads": '''def hard_tanh_grad(z):
    return np.where(np.abs(z) < 1.0, 1.0, 0.0)


def softsign_grad(z):
    return (1.0 - np.abs(softsign(z))) ** 2


def relu_grad(z):
    out = np.zeros_like(z, dtype=float)
    out[z > 0] = 1.0
    return out


def leaky_relu_grad(z, alpha=0.01):
    return alpha + (1.0 - alpha) * (z > 0)
''',
    "two_layer": '''def two_layer_loss_and_grads(x, y, w1, w2):
    z = np.einsum("nd,dh->nh", x, w1)
    h = 0.5 * (np.tanh(z / 2.0) + 1.0)          # sigma(z) through tanh
    err = np.einsum("nh,hk->nk", h, w2) - y
    grad_w2 = np.einsum("nh,nk->hk", h, 2.0 * err)
    grad_w1 = np.einsum("nd,nh->dh", x, np.einsum("nk,hk->nh", 2.0 * err, w2) * h * (1.0 - h))
    return float((err ** 2).sum()), grad_w1, grad_w2
''',
    "affine": '''class Affine:
    """Deep-learning-from-scratch style layer, wrapped in the two functions."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


def affine_forward(x, w, b):
    layer = Affine(w, b)
    return layer.forward(x), layer


def affine_backward(dout, layer):
    dx = layer.backward(dout)
    return dx, layer.dW, layer.db
''',
    "softmax_loss": '''def softmax_loss(x, y):
    """CS231n's softmax_loss."""
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
''',
    "mlp_backward": '''def mlp_backward(dscores, params, cache):
    """One affine backward and one ReLU backward per layer, CS231n style."""
    def affine_back(dout, x, w):
        return dout @ w.T, x.T @ dout, dout.sum(axis=0)

    def relu_back(dout, z):
        dz = dout.copy()
        dz[z <= 0] = 0
        return dz

    grads = {}
    dout = dscores
    for l in reversed(range(1, len(cache) + 1)):
        a_prev, _ = cache[l - 1]
        dout, grads["W%d" % l], grads["b%d" % l] = affine_back(dout, a_prev, params["W%d" % l])
        if l > 1:
            dout = relu_back(dout, cache[l - 2][1])
    return grads
''',
    "xavier": '''def xavier_init(layer_sizes, rng):
    params = {}
    for l, (fi, fo) in enumerate(zip(layer_sizes, layer_sizes[1:]), 1):
        params["W" + str(l)] = (2 * rng.random((fi, fo)) - 1) * np.sqrt(6.0 / (fi + fo))
        params["b" + str(l)] = np.zeros((fo,))
    return params
''',
    "l2": '''def add_l2(loss, grads, params, reg):
    for name, p in params.items():
        if name.startswith("W"):
            loss += 0.5 * reg * np.linalg.norm(p) ** 2     # Frobenius norm squared
            grads[name] += reg * p
    return loss, grads
''',
    "dropout": '''def dropout_forward(x, p, train, rng):
    """CS231n keeps (mask, mode) in the cache and copies at test time."""
    mode = "train" if train else "test"
    if mode == "train":
        mask = (rng.uniform(size=x.shape) < p) / p
        out = x * mask
    else:
        mask, out = None, x.copy()
    return out, (mask, mode)


def dropout_backward(dout, cache):
    mask, mode = cache
    return dout * mask if mode == "train" else dout
''',
}
