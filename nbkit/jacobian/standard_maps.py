"""The course's standard maps (numerator layout, m x n), for the Jacobian explorer.

Each map brings its forward function and its Jacobian as a *formula* (text), never as
code: every one of these Jacobians is a graded exercise (02's sigmoid/ReLU/affine/score/
softmax/squared-norm Jacobians, 05's elementwise derivatives), and no nbkit function may
answer an exercise. The explorer shows the numerical Jacobian next to the formula, and
compares it with the learner's own function when passed as ``analytic=``.

| map                    | Jacobian (formula)            | shape  | structure        |
|------------------------|-------------------------------|--------|------------------|
| h = sigma(z), tanh, ReLU | diag(f'(z))                 | n x n  | diagonal         |
| z = W x + b, in x      | W                             | m x n  | constant         |
| z = W x + b, in b      | I                             | m x m  | identity         |
| s = u^T h, in u        | h^T                           | 1 x n  | a row            |
| p = softmax(z)         | diag(p) - p p^T               | n x n  | symmetric, rows sum to 0 |
| f = ||q||^2, in q      | 2 q^T                         | 1 x m  | a row            |
| f = ||W x||^2, in x    | 2 q^T W, q = W x              | 1 x n  | a row            |
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["sigmoid", "softmax", "StandardMap", "STANDARD_MAP_KEYS", "standard_map"]


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


# --- a registry of ready-made maps, for the explorer ------------------------------------

@dataclass(frozen=True)
class StandardMap:
    """One map v -> f(v) of a vector variable v (shape (n,)), with its Jacobian's formula.

    ``forward(v)`` returns the output (shape (m,) or a scalar); ``formula`` says what the
    m x n Jacobian is (the code for it is the learner's exercise: the explorer computes it
    numerically); ``params`` holds the fixed arrays (W, x, h, ...) the map closes over.
    """

    key: str
    label: str
    formula: str
    variable: str
    forward: Callable[[np.ndarray], np.ndarray]
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
                           "z", sigmoid)
    if key == "tanh":
        return StandardMap(key, "elementwise tanh: h = tanh(z)", "diag(1 \u2212 tanh\u00b2(z))",
                           "z", np.tanh)
    if key == "relu":
        return StandardMap(key, "elementwise ReLU: h = max(0, z)", "diag(1[z > 0])",
                           "z", lambda z: np.maximum(z, 0.0))
    if key == "affine_x":
        W, b = rng.normal(size=(m, n)).round(1), rng.normal(size=m).round(1)
        return StandardMap(key, f"affine in x: z = Wx + b  (W is {m}\u00d7{n})", "W", "x",
                           lambda x: W @ x + b, {"W": W, "b": b})
    if key == "affine_b":
        W, x = rng.normal(size=(n, m)).round(1), rng.normal(size=m).round(1)
        return StandardMap(key, "affine in b: z = Wx + b", "I", "b",
                           lambda b: W @ x + b, {"W": W, "x": x})
    if key == "inner_u":
        h = rng.normal(size=n).round(1)
        return StandardMap(key, "score in u: s = u\u1d40h", "h\u1d40 (a 1\u00d7n row)", "u",
                           lambda u: np.array([u @ h]), {"h": h})
    if key == "softmax":
        return StandardMap(key, "softmax: p = softmax(z)", "diag(p) \u2212 p p\u1d40", "z",
                           softmax)
    # squared_norm_x
    W = rng.normal(size=(m, n)).round(1)
    return StandardMap(key, "squared norm: f = \u2016Wx\u2016\u00b2", "2 (Wx)\u1d40 W (a 1\u00d7n row)", "x",
                       lambda x: np.array([np.sum((W @ x) ** 2)]), {"W": W})
