"""Test helper (no tests here): a small two-layer net with exact gradients and planted bugs."""
import numpy as np


class TinyNet:
    """X (N, D) -> tanh(X W1 + b1) (N, H) -> scores (N, C) -> mean softmax cross-entropy.

    W1 is square (D == H) so that a transposed gradient has the right shape and only a
    numerical comparison can tell it apart.
    """

    def __init__(self, N=6, D=5, C=3, seed=0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        self.X = rng.standard_normal((N, D)).astype(dtype)
        self.y = rng.integers(0, C, size=N)
        self.params = {
            "W1": (0.5 * rng.standard_normal((D, D))).astype(dtype),
            "b1": (0.1 * rng.standard_normal(D)).astype(dtype),
            "W2": (0.5 * rng.standard_normal((D, C))).astype(dtype),
            "b2": (0.1 * rng.standard_normal(C)).astype(dtype),
        }

    def _forward(self):
        p = self.params
        a = np.tanh(self.X @ p["W1"] + p["b1"])
        s = a @ p["W2"] + p["b2"]
        s = s - s.max(axis=1, keepdims=True)
        prob = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        return a, prob

    def loss(self):
        _, prob = self._forward()
        return float(-np.mean(np.log(prob[np.arange(len(self.y)), self.y])))

    def grads(self):
        p = self.params
        a, prob = self._forward()
        n = len(self.y)
        dscores = prob.copy()
        dscores[np.arange(n), self.y] -= 1
        dscores /= n
        dz = (dscores @ p["W2"].T) * (1 - a ** 2)
        return {
            "W1": self.X.T @ dz,
            "b1": dz.sum(axis=0),
            "W2": a.T @ dscores,
            "b2": dscores.sum(axis=0),
        }


def plant(bug, grad):
    """Return a wrong copy of ``grad`` (2-d) with the named bug."""
    g = np.array(grad, dtype=np.float64, copy=True)
    if bug == "transposed":
        return g.T.copy()
    if bug == "factor2":
        return 2 * g
    if bug == "sign":
        return -g
    if bug == "one-entry":
        i = np.unravel_index(np.argmax(np.abs(g)), g.shape)
        g[i] *= 1.5  # a single wrong entry, e.g. a mishandled edge case
        return g
    if bug == "small-one-entry":
        # the smallest non-negligible entry wrong by 50%: hard for sparse and directional
        flat = np.abs(g).ravel()
        j = int(np.argmin(np.where(flat > 1e-3 * flat.max(), flat, np.inf)))
        i = np.unravel_index(j, g.shape)
        g[i] *= 1.5
        return g
    raise ValueError(bug)


BUGS = ["transposed", "factor2", "sign", "one-entry", "small-one-entry"]
