"""Classic wrong answers for notebook 02 (Jacobians of the standard maps, the chain s = u^T f(Wx + b))."""


def swap(*pairs):
    return ("swap", pairs)


MISTAKES = {
    "sigmoid_jacobian": [
        ("broadcast-full", swap(("return np.diag(s * (1.0 - s))", "return np.ones((z.size, z.size)) * (s * (1.0 - s))"))),
        ("diagonal-as-vector", swap(("return np.diag(s * (1.0 - s))", "return s * (1.0 - s)"))),
        ("value-not-derivative", swap(("return np.diag(s * (1.0 - s))", "return np.diag(s)"))),
        ("sign-flipped", swap(("return np.diag(s * (1.0 - s))", "return -np.diag(s * (1.0 - s))"))),
    ],
    "relu_jacobian": [
        ("diagonal-as-vector", swap(("return np.diag((z > 0).astype(float))", "return (z > 0).astype(float)"))),
        ("value-not-derivative", swap(("return np.diag((z > 0).astype(float))", "return np.diag(np.maximum(z, 0))"))),
        ("mask-inverted", swap(("(z > 0)", "(z <= 0)"))),
        ("broadcast-full", swap(("return np.diag((z > 0).astype(float))", "return np.ones((z.size, z.size)) * (z > 0)"))),
    ],
    "relu_backward": [
        ("forgot-upstream", swap(("return upstream * (z > 0)", "return (z > 0).astype(float)"))),
        ("mask-inverted", swap(("return upstream * (z > 0)", "return upstream * (z <= 0)"))),
        ("materialised-jacobian", swap(("return upstream * (z > 0)", "return upstream @ np.diag((z > 0).astype(float))"))),
        ("input-modified", swap(("return upstream * (z > 0)", "upstream[z <= 0] = 0.0\n    return upstream"))),
    ],
    "affine_jacobians": [
        ("transposed", swap(("dz_dx = W.copy()", "dz_dx = W.T.copy()"))),
        ("ones-not-identity", swap(("np.eye(b.shape[0])", "np.ones((b.shape[0], b.shape[0]))"))),
        ("identity-wrong-size", swap(("np.eye(b.shape[0])", "np.eye(x.shape[0])"))),
        ("wrong-count", swap(("return dz_dx, dz_db", "return dz_dx"))),
    ],
    "score_jacobian_u": [
        ("row-vs-column", swap(("return h.reshape(1, -1).copy()", "return h.reshape(-1, 1).copy()"))),
        ("wrong-variable", swap(("return h.reshape(1, -1).copy()", "return u.reshape(1, -1).copy()"))),
        ("not-a-row", swap(("return h.reshape(1, -1).copy()", "return np.diag(h)"))),
    ],
    "softmax_jacobian": [
        ("softmax-diagonal", swap(("return np.diag(p) - np.outer(p, p)", "return np.diag(p * (1 - p))"))),
        ("missing-diagonal-term", swap(("return np.diag(p) - np.outer(p, p)", "return -np.outer(p, p)"))),
        ("sign-flipped", swap(("return np.diag(p) - np.outer(p, p)", "return np.outer(p, p) - np.diag(p)"))),
        ("unnormalised", swap(("p = softmax(z)", "p = np.exp(z)"))),
    ],
    "squared_norm_grads": [
        ("wrong-forward", swap(("f = float(q @ q)", "f = float(np.linalg.norm(q))"))),
        ("transposed", swap(("np.outer(q, x)", "np.outer(x, q)"))),
        ("scaled-by-half", swap(("grad_W = 2.0 * np.outer(q, x)", "grad_W = np.outer(q, x)"))),
        ("row-vs-column", swap(("grad_x = 2.0 * W.T @ q", "grad_x = (2.0 * W.T @ q).reshape(1, -1)"))),
        ("wrong-count", swap(("return f, grad_W, grad_x", "return grad_W, grad_x"))),
    ],
    "score_jacobians": [
        ("forgot-local-gradient", swap(("delta = (u * f_prime(z)).reshape(1, -1)", "delta = u.reshape(1, -1)"))),
        ("value-not-derivative", swap(("delta = (u * f_prime(z)).reshape(1, -1)", "delta = (u * f(z)).reshape(1, -1)"))),
        ("used-h-for-u", swap(("delta = (u * f_prime(z)).reshape(1, -1)", "delta = (f(z) * f_prime(z)).reshape(1, -1)"))),
        ("transposed", swap(("ds_dW = delta.T @ x.reshape(1, -1)", "ds_dW = x.reshape(-1, 1) @ delta"))),
        ("row-vs-column", swap(("ds_dx = delta @ W", "ds_dx = W.T @ delta.T"))),
    ],
    "softmax_ce_grad": [
        ("scaled-by-batch", swap(("return (P - Y) / N", "return P - Y"))),
        ("sign-flipped", swap(("return (P - Y) / N", "return (Y - P) / N"))),
        ("label-not-one-hot", swap(("Y[np.arange(N), y] = 1.0", "Y[:, y] = 1.0"))),
        ("nan", swap(("P = np.exp(scores - scores.max(axis=1, keepdims=True))", "P = np.exp(scores)"))),
    ],
}

ALTERNATIVES = {
    "sigmoid_jacobian": '''def sigmoid_jacobian(z):
    J = np.zeros((len(z), len(z)))
    for i in range(len(z)):
        s = 1 / (1 + np.exp(-z[i]))
        J[i, i] = s * (1 - s)
    return J
''',
    "relu_jacobian": '''def relu_jacobian(z):
    return np.eye(z.size) * (z > 0)
''',
    "relu_backward": '''def relu_backward(upstream, z):
    return np.where(z > 0, upstream, 0.0)
''',
    "affine_jacobians": '''def affine_jacobians(W, x, b):
    return W @ np.eye(x.size), np.diag(np.ones_like(b))
''',
    "score_jacobian_u": '''def score_jacobian_u(u, h):
    return np.atleast_2d(h).copy()
''',
    "softmax_jacobian": '''def softmax_jacobian(z):
    p = softmax(z)
    J = np.empty((len(z), len(z)))
    for i in range(len(z)):
        for j in range(len(z)):
            J[i, j] = p[i] * ((i == j) - p[j])
    return J
''',
    "squared_norm_grads": '''def squared_norm_grads(W, x):
    q = W @ x
    return float(np.sum(q ** 2)), 2 * q[:, None] * x[None, :], 2 * (W.T @ W) @ x
''',
    "softmax_ce_grad": '''def softmax_ce_grad(scores, y):
    # CS231n's form: start from the probabilities, subtract 1 at each true class, divide by N
    N = scores.shape[0]
    exp_scores = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    dscores = probs
    dscores[range(N), y] -= 1
    dscores /= N
    return dscores
''',
    "score_jacobians": '''def score_jacobians(W, b, u, x, f, f_prime):
    z = W @ x + b
    delta = u.reshape(1, -1) @ np.diag(f_prime(z))
    return delta, delta @ np.eye(b.size), np.outer(u * f_prime(z), x), delta @ W
''',
}
