"""Figures for notebook 02 and the Jacobian explorer. Run: .venv/bin/python benchmarks/bench_jacobian.py

1. ReLU on a 4096-vector: backward through the materialised 4096 x 4096 Jacobian
   diag(1[z > 0]) against the elementwise mask the diagonal really is.
2. numerical_jacobian cost (2n calls of f) for growing n.
3. One explorer redraw (2 Jacobians + structure + PNG), the latency a slider move costs.
"""
from __future__ import annotations

import timeit

import numpy as np

from nbkit.jacobian import figure_png, jacobian_figure, numerical_jacobian


def best_of(stmt, number, repeat=5):
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number


def relu_4096():
    n = 4096
    rng = np.random.default_rng(0)
    z, upstream = rng.normal(size=n), rng.normal(size=n)

    def materialised():
        J = np.diag((z > 0).astype(np.float64))  # n x n, float64
        return upstream @ J                      # row vector times Jacobian

    def elementwise():
        return upstream * (z > 0)

    assert np.array_equal(materialised(), elementwise())
    t_mat, t_elem = best_of(materialised, 3), best_of(elementwise, 2000)
    print(f"ReLU, n = {n}: Jacobian {n}x{n} float64 = {n * n * 8 / 2**20:.0f} MiB vs "
          f"mask {n * 8 / 2**10:.0f} KiB")
    print(f"  materialised diag + vector-matrix product: {t_mat * 1e3:8.2f} ms")
    print(f"  elementwise upstream * (z > 0):           {t_elem * 1e6:8.2f} us  "
          f"(x{t_mat / t_elem:,.0f} faster)")


def numerical_cost():
    for n in (4, 64, 512):
        W = np.random.default_rng(1).normal(size=(n, n))
        x = np.ones(n)
        t = best_of(lambda: numerical_jacobian(lambda v: np.tanh(W @ v), x), 3, repeat=3)
        print(f"numerical_jacobian of tanh(Wx), n = {n:4d}: {t * 1e3:8.2f} ms ({2 * n} calls of f)")


def explorer_redraw():
    x = np.array([0.8, -1.2, 1.5, -0.4])
    t = best_of(lambda: figure_png(jacobian_figure("softmax", x)), 1, repeat=5)
    print(f"explorer redraw (softmax, n = 4, figure + PNG): {t * 1e3:.0f} ms")


if __name__ == "__main__":
    relu_4096()
    numerical_cost()
    explorer_redraw()
