"""Analytic Jacobians of the course's standard maps (numerator layout, m x n).

Each function takes the point (and the fixed parameters) and returns the Jacobian of the
map with respect to the named variable. They are what the Jacobian explorer compares with
the numerical Jacobian; the notebook's exercises have the learner derive them by hand.

The elementwise maps (sigmoid, tanh, ReLU) have no analytic Jacobian here: diag(f'(z)) is
notebook 02's graded sigmoid/ReLU Jacobian, and its diagonal notebook 05's graded
derivatives, and no nbkit function may answer an exercise. The explorer shows their
numerical Jacobian next to the formula, and the learner's own function when passed as
``analytic=``.

| map                    | Jacobian                      | shape  | structure        |
|------------------------|-------------------------------|--------|------------------|
| h = sigma(z), tanh, ReLU | diag(f'(z)): formula only   | n x n  | diagonal         |
| z = W x + b, in x      | W                             | m x n  | constant         |
| z = W x + b, in b      | I                             | m x m  | identity         |
| s = u^T h, in u        | h^T                           | 1 x n  | a row            |
| p = softmax(z)         | diag(p) - p p^T               | n x n  | symmetric, rows sum to 0 |
| f = ||q||^2, in q      | 2 q^T                         | 1 x m  | a row            |
| f = ||W x||^2, in x    | 2 q^T W, q = W x              | 1 x n  | a row            |
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

__all__ = [
    "sigmoid", "softmax",
    "affine_jacobian_x", "affine_jacobian_b", "inner_product_jacobian_u",
    "softmax_jacobian", "squared_norm_jacobian", "squared_norm_of_product_grads",
    "StandardMap", "STANDARD_MAP_KEYS", "standard_map",
]


def _vector(v, name: str) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    if v.ndim != 1:
        raise ValueError(f"{name} must be a vector of shape (n,), got shape {v.shape}")
    return v


def _matrix(W, name: str) -> np.ndarray:
    W = np.asarray(W, dtype=float)
    if W.ndim != 2:
        raise ValueError(f"{name} must be a matrix of shape (m, n), got shape {W.shape}")
    return W


# --- the maps themselves ----------------------------------------------------------

def sigmoid(z):
    """Logistic sigmoid, elementwise, any shape; stable for large |z|."""
    z = np.asarray(z, dtype=float)
    # exp of a non-positive number never overflows: use 1/(1+e^-z) for z >= 0 and
    # e^z/(1+e^z) for z < 0.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z):
    """Softmax of a vector z, shape (n,) -> (n,); shifted by max(z) so exp cannot overflow."""
    z = _vector(z, "z")
    e = np.exp(z - z.max())
    return e / e.sum()


# --- Jacobians ----------------------------------------------------------------------

def affine_jacobian_x(W) -> np.ndarray:
    """d(W x + b)/dx for W of shape (m, n): W itself, shape (m, n), whatever x and b are."""
    return _matrix(W, "W").copy()


def affine_jacobian_b(m: int) -> np.ndarray:
    """d(W x + b)/db for b of shape (m,): the identity I_m, shape (m, m)."""
    if not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"m must be a positive integer (the length of b), got {m!r}")
    return np.eye(int(m))


def inner_product_jacobian_u(h) -> np.ndarray:
    """d(u^T h)/du for h of shape (n,): the row h^T, shape (1, n)."""
    return _vector(h, "h").reshape(1, -1).copy()


def softmax_jacobian(z) -> np.ndarray:
    """d softmax(z)/dz for z of shape (n,): diag(p) - p p^T with p = softmax(z), shape (n, n).

    Not diagonal: every p_i depends on every z_j through the normalising sum. Symmetric,
    rows sum to 0 (adding a constant to z leaves p unchanged), rank n - 1.
    """
    p = softmax(z)
    return np.diag(p) - np.outer(p, p)


def squared_norm_jacobian(q) -> np.ndarray:
    """d ||q||^2 / dq for q of shape (m,): the row 2 q^T, shape (1, m)."""
    return 2.0 * _vector(q, "q").reshape(1, -1)


def squared_norm_of_product_grads(W, x) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of f = ||W x||^2 in the shape convention (shaped like W and like x).

    Args: W shape (m, n), x shape (n,).
    Returns: (grad_W, grad_x) = (2 q x^T, 2 W^T q) with q = W x; shapes (m, n) and (n,).
    In Jacobian form d f/d x = 2 q^T W, a 1 x n row: grad_x is its transpose.
    """
    W, x = _matrix(W, "W"), _vector(x, "x")
    if W.shape[1] != x.shape[0]:
        raise ValueError(f"W has shape {W.shape} but x has shape {x.shape}: W x needs W.shape[1] == x.size")
    q = W @ x
    return 2.0 * np.outer(q, x), 2.0 * W.T @ q


# --- a registry of ready-made maps, for the explorer ------------------------------------

@dataclass(frozen=True)
class StandardMap:
    """One map v -> f(v) of a vector variable v (shape (n,)), with its analytic Jacobian.

    ``forward(v)`` returns the output (shape (m,) or a scalar); ``jacobian(v)`` returns
    the m x n Jacobian, or is None where the Jacobian is an exercise (the elementwise maps:
    ``formula`` says what it is); ``params`` holds the fixed arrays (W, x, h, ...) the map
    closes over.
    """

    key: str
    label: str
    formula: str
    variable: str
    forward: Callable[[np.ndarray], np.ndarray]
    jacobian: Optional[Callable[[np.ndarray], np.ndarray]]
    params: dict = field(default_factory=dict)


STANDARD_MAP_KEYS = (
    "sigmoid", "tanh", "relu", "affine_x", "affine_b", "inner_u", "softmax", "squared_norm_x",
)


def standard_map(key: str, n: int = 4, *, m: int = 3, seed: int = 0) -> StandardMap:
    """The standard map ``key`` (one of :data:`STANDARD_MAP_KEYS`) of a variable in R^n.

    Maps with parameters draw them from ``np.random.default_rng(seed)``: W is m x n for
    ``affine_x`` (so its Jacobian is visibly not square), x in R^m and W n x m for
    ``affine_b``, h in R^n for ``inner_u``, W m x n for ``squared_norm_x``.
    """
    if key not in STANDARD_MAP_KEYS:
        raise ValueError(f"unknown map {key!r}; choose one of {', '.join(STANDARD_MAP_KEYS)}")
    if not isinstance(n, (int, np.integer)) or n < 1 or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"n and m must be positive integers, got n={n!r}, m={m!r}")
    rng = np.random.default_rng(seed)

    if key == "sigmoid":
        return StandardMap(key, "elementwise sigmoid: h = \u03c3(z)", "diag(\u03c3(z)(1 \u2212 \u03c3(z)))",
                           "z", sigmoid, None)
    if key == "tanh":
        return StandardMap(key, "elementwise tanh: h = tanh(z)", "diag(1 \u2212 tanh\u00b2(z))",
                           "z", np.tanh, None)
    if key == "relu":
        return StandardMap(key, "elementwise ReLU: h = max(0, z)", "diag(1[z > 0])",
                           "z", lambda z: np.maximum(z, 0.0), None)
    if key == "affine_x":
        W, b = rng.normal(size=(m, n)).round(1), rng.normal(size=m).round(1)
        return StandardMap(key, f"affine in x: z = Wx + b  (W is {m}\u00d7{n})", "W", "x",
                           lambda x: W @ x + b, lambda x: affine_jacobian_x(W), {"W": W, "b": b})
    if key == "affine_b":
        W, x = rng.normal(size=(n, m)).round(1), rng.normal(size=m).round(1)
        return StandardMap(key, "affine in b: z = Wx + b", "I", "b",
                           lambda b: W @ x + b, lambda b: affine_jacobian_b(b.size), {"W": W, "x": x})
    if key == "inner_u":
        h = rng.normal(size=n).round(1)
        return StandardMap(key, "score in u: s = u\u1d40h", "h\u1d40 (a 1\u00d7n row)", "u",
                           lambda u: np.array([u @ h]), lambda u: inner_product_jacobian_u(h), {"h": h})
    if key == "softmax":
        return StandardMap(key, "softmax: p = softmax(z)", "diag(p) \u2212 p p\u1d40", "z",
                           softmax, softmax_jacobian)
    # squared_norm_x
    W = rng.normal(size=(m, n)).round(1)
    return StandardMap(key, "squared norm: f = \u2016Wx\u2016\u00b2", "2 (Wx)\u1d40 W (a 1\u00d7n row)", "x",
                       lambda x: np.array([np.sum((W @ x) ** 2)]),
                       lambda x: squared_norm_jacobian(W @ x) @ W, {"W": W})
