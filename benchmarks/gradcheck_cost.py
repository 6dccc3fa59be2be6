"""Cost and power of full, sparse and directional gradient checks.

A two-layer net (N=32, D=100, H=100, C=10: 11,110 parameters, tanh hidden layer,
softmax cross-entropy, L2 penalty) is checked with its correct gradients and with seven
planted bugs. For each method the script prints the number of loss evaluations, the
wall time, and how often each bug is caught (a bug counts as caught when the report
says "wrong" for the parameter that holds the bug, and for no other). Sparse and
directional checks are random, so they are run over several seeds.

    .venv/bin/python benchmarks/gradcheck_cost.py [--seeds 20]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from nbkit.gradcheck import check_gradients


class TwoLayerNet:
    """X (N, D) -> tanh(X W1 + b1) (N, H) -> X2 W2 + b2 (N, C) -> softmax CE + reg/2 |W|^2."""

    def __init__(self, N=32, D=100, H=100, C=10, reg=1e-3, seed=0):
        rng = np.random.default_rng(seed)
        self.X = rng.standard_normal((N, D))
        self.y = rng.integers(0, C, size=N)
        self.reg = reg
        self.params = {
            "W1": rng.standard_normal((D, H)) / np.sqrt(D),
            "b1": 0.1 * rng.standard_normal(H),
            "W2": rng.standard_normal((H, C)) / np.sqrt(H),
            "b2": 0.1 * rng.standard_normal(C),
        }

    def _forward(self):
        p = self.params
        a = np.tanh(self.X @ p["W1"] + p["b1"])
        s = a @ p["W2"] + p["b2"]
        s -= s.max(axis=1, keepdims=True)
        prob = np.exp(s)
        prob /= prob.sum(axis=1, keepdims=True)
        return a, prob

    def loss(self):
        _, prob = self._forward()
        p = self.params
        data = -np.mean(np.log(prob[np.arange(len(self.y)), self.y]))
        return float(data + 0.5 * self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)))

    def grads(self):
        p = self.params
        a, prob = self._forward()
        n = len(self.y)
        dscores = prob.copy()
        dscores[np.arange(n), self.y] -= 1
        dscores /= n
        dz = (dscores @ p["W2"].T) * (1 - a ** 2)
        return {
            "W1": self.X.T @ dz + self.reg * p["W1"],
            "b1": dz.sum(axis=0),
            "W2": a.T @ dscores + self.reg * p["W2"],
            "b2": dscores.sum(axis=0),
        }


def planted_bugs(net):
    """name -> (parameter holding the bug, wrong grads dict)."""
    good = net.grads()
    p = net.params

    def with_(name, value):
        return {**good, name: value}

    one = good["W1"].copy()
    i = np.unravel_index(np.argmax(np.abs(one)), one.shape)
    one[i] *= 1.5
    typical = good["W1"].copy()  # an entry of median size, wrong by 50%
    j = np.unravel_index(np.argsort(np.abs(typical), axis=None)[typical.size // 2], typical.shape)
    typical[j] *= 1.5
    return {
        "dW1 transposed": ("W1", with_("W1", good["W1"].T.copy())),
        "db1 times 2": ("b1", with_("b1", 2 * good["b1"])),
        "dW2 sign flipped": ("W2", with_("W2", -good["W2"])),
        "db2 not averaged (x N)": ("b2", with_("b2", good["b2"] * len(net.y))),
        "dW2 missing reg * W2": ("W2", with_("W2", good["W2"] - net.reg * p["W2"])),
        "dW1 largest entry x 1.5": ("W1", with_("W1", one)),
        "dW1 median entry x 1.5": ("W1", with_("W1", typical)),
    }


def caught(report, param):
    return [r.name for r in report.failures] == [param]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="seeds for the random methods")
    args = parser.parse_args()

    net = TwoLayerNet()
    n_params = sum(v.size for v in net.params.values())
    bugs = planted_bugs(net)
    methods = [
        ("full", dict(method="full"), 1),
        ("sparse (10 entries/param)", dict(method="sparse", num_checks=10), args.seeds),
        ("directional (3 dirs/param)", dict(method="directional", num_directions=3), args.seeds),
        ("directional (1 dir/param)", dict(method="directional", num_directions=1), args.seeds),
    ]
    print(f"model: two-layer net, {n_params} parameters "
          f"({', '.join(f'{k} {v.shape}' for k, v in net.params.items())}), float64, h = 1e-5")
    t0 = time.perf_counter()
    for _ in range(200):
        net.loss()
    per_eval = (time.perf_counter() - t0) / 200
    print(f"one loss evaluation: {per_eval * 1e6:.0f} us\n")

    print("bugs: " + "; ".join(f"({k}) {b}" for k, b in enumerate(bugs, 1)) + "\n")
    header = f"{'method':<28}{'evals':>8}{'time (s)':>10}{'max err (correct)':>19}  " + "".join(
        f"{'(' + str(k) + ')':>7}" for k in range(1, len(bugs) + 1))
    print(header)
    print("-" * len(header))
    summary = {}
    for label, kwargs, n_seeds in methods:
        t0 = time.perf_counter()
        good = check_gradients(net.loss, net.params, net.grads(), seed=0, **kwargs)
        elapsed = time.perf_counter() - t0
        max_err = max(r.error for r in good.rows)
        rates = []
        for bug, (param, grads) in bugs.items():
            hits = sum(caught(check_gradients(net.loss, net.params, grads, seed=s, **kwargs), param)
                       for s in range(n_seeds))
            rates.append(f"{hits}/{n_seeds}")
        summary[label] = (good.evaluations, elapsed, good.ok)
        print(f"{label:<28}{good.evaluations:>8}{elapsed:>10.3f}{max_err:>19.1e}  "
              + "".join(f"{r:>7}" for r in rates))
    print("\n(1)..(n): in how many runs (seeds) the report named the right parameter as wrong;")
    print("the correct gradients passed under every method:",
          all(ok for _, _, ok in summary.values()))


if __name__ == "__main__":
    main()
