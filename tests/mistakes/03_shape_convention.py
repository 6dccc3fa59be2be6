"""Classic wrong answers for notebook 03 (matrix gradients and the shape convention)."""


def swap(*pairs):
    return ("swap", pairs)


MISTAKES = {
    "score_grads": [
        ("transposed", swap(("dW = delta.T @ x.T", "dW = x @ delta"))),
        ("row-vs-column", swap(("db = delta.T ", "db = delta "))),
        ("wrong-values", swap(("delta = (u * h * (1.0 - h)).T", "delta = (u * h).T"))),
        ("sign-flipped", swap(("return dW, db", "return -dW, -db"))),
        ("input-modified", swap(("return dW, db", "x *= 2\n    return dW, db"))),
    ],
    "matmul": [
        ("rebound", swap(("self.grads[0][...] = self.x.T @ dout", "self.grads[0] = self.x.T @ dout"))),
        ("transposed", swap(("return dout @ W.T", "return W @ dout.T"))),
        ("accumulated", swap(("self.grads[0][...] = self.x.T @ dout", "self.grads[0] += self.x.T @ dout"))),
        ("wrong-forward", swap(("return x @ self.params[0]", "return (x @ self.params[0]).T"))),
        ("wrong-values", swap(("self.grads[0][...] = self.x.T @ dout", "dW = self.x.T @ dout"))),
    ],
    "repeat": [
        ("missing-batch-sum", swap(("return np.sum(dout, axis=0, keepdims=True)", "return dout.copy()"))),
        ("wrong-axis", swap(("return np.sum(dout, axis=0, keepdims=True)", "return dout.sum(axis=1)"))),
        ("row-vs-column", swap(("return np.sum(dout, axis=0, keepdims=True)", "return dout.sum(axis=0)"))),
        ("scaled-by-batch", swap(("return np.sum(dout, axis=0, keepdims=True)", "return dout.mean(axis=0, keepdims=True)"))),
    ],
    "sum": [
        ("wrong-shape", swap(("return np.repeat(dout, self.N, axis=0)", "return dout"))),
        ("scaled-by-batch", swap(("return np.repeat(dout, self.N, axis=0)", "return np.repeat(dout / self.N, self.N, axis=0)"))),
        # a writeable view of dout (a read-only np.broadcast_to view is fine: see ALTERNATIVES)
        ("aliased-input", swap(("return np.repeat(dout, self.N, axis=0)",
                                "return np.lib.stride_tricks.as_strided(dout, (self.N, dout.shape[1]), (0, dout.strides[1]))"))),
        ("sign-flipped", swap(("return np.repeat(dout, self.N, axis=0)", "return -np.repeat(dout, self.N, axis=0)"))),
        ("wrong-forward", swap(("return np.sum(x, axis=0, keepdims=True)", "return np.sum(x, axis=0)"))),
    ],
    "affine_backward": [
        ("transposed", swap(("dW = x.T @ dout", "dW = dout.T @ x"))),
        ("missing-batch-sum", swap(("db = dout.sum(axis=0)", "db = dout.copy()"))),
        ("wrong-axis", swap(("db = dout.sum(axis=0)", "db = dout.sum(axis=1)"))),
        ("scaled-by-batch", swap(("db = dout.sum(axis=0)", "db = dout.mean(axis=0)"))),
        ("wrong-shape", swap(("dx = dout @ W.T", "dx = W @ dout"))),
    ],
    "sgd_step": [
        ("rebound", '''def sgd_step(params, grads, lr):
    for i in range(len(params)):
        params[i] = params[i] - lr * grads[i]
'''),
        ("sign-flipped", swap(("param -= lr * grad", "param += lr * grad"))),
        ("wrong-values", swap(("param -= lr * grad", "param -= grad"))),
        ("input-modified", swap(("param -= lr * grad", "grad *= lr\n        param -= grad"))),
        ("rebound", swap(("param -= lr * grad", "param = param - lr * grad"))),  # the loop variable (issue 9)
    ],
}

ALTERNATIVES = {
    "score_grads": '''def score_grads(W, b, u, x):
    n, m = W.shape
    z = W @ x + b
    s = 1.0 / (1.0 + np.exp(-z))
    dz = u * s * (1 - s)                      # (n, 1)
    dW = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            dW[i, j] = dz[i, 0] * x[j, 0]
    return dW, dz.copy()
''',
    "matmul": '''class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        self.x = x
        return np.einsum("nd,dh->nh", x, self.params[0])

    def backward(self, dout):
        np.copyto(self.grads[0], np.einsum("nd,nh->dh", self.x, dout))
        return np.einsum("nh,dh->nd", dout, self.params[0])
''',
    "repeat": '''class Repeat:
    def __init__(self, N):
        self.N = N

    def forward(self, x):
        return np.tile(x, (self.N, 1))

    def backward(self, dout):
        return np.ones((1, self.N)) @ dout
''',
    "sum": '''class Sum:
    def forward(self, x):
        self.N = len(x)
        return x.sum(axis=0)[None, :]

    def backward(self, dout):
        return np.broadcast_to(dout, (self.N, dout.shape[1]))  # a read-only view, as DeZero and PyTorch return
''',
    "affine_backward": '''def affine_backward(dout, cache):
    x, W, b = cache
    return np.einsum("nh,dh->nd", dout, W), np.einsum("nd,nh->dh", x, dout), np.add.reduce(dout, axis=0)
''',
    "sgd_step": '''def sgd_step(params, grads, lr):
    for i in range(len(params)):
        params[i][...] = params[i] - lr * grads[i]
''',
}
