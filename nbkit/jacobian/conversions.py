"""Numerator versus denominator layout, and Jacobians of non-vector inputs/outputs.

Numerator layout (this course, CS224n): for f: R^n -> R^m, J is m x n with
``J[i, j] = d f_i / d x_j``; chaining is left-to-right multiplication,
``d f/d x = (d f/d y)(d y/d x)``, and the gradient of a scalar is a 1 x n row.

Denominator layout (the nndl book, many statistics texts): the same numbers transposed,
n x m with entry ``[j, i] = d f_i / d x_j``; chaining multiplies right-to-left and the
gradient of a scalar is an n x 1 column, shaped like x.

Converting between them is a transpose, nothing more.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "to_denominator_layout",
    "to_numerator_layout",
    "jacobian_shape",
    "as_tensor",
    "as_matrix",
]


def _matrix(J, what: str) -> np.ndarray:
    J = np.asarray(J)
    if J.ndim != 2:
        raise ValueError(
            f"{what} must be a 2-D matrix, got an array of shape {J.shape}; "
            f"use as_matrix to flatten a tensor-shaped Jacobian first."
        )
    return J


def to_denominator_layout(J) -> np.ndarray:
    """Numerator-layout J (m x n) -> denominator layout (n x m): the transpose."""
    return _matrix(J, "a numerator-layout Jacobian").T


def to_numerator_layout(J_denominator) -> np.ndarray:
    """Denominator-layout Jacobian (n x m) -> numerator layout (m x n): the transpose."""
    return _matrix(J_denominator, "a denominator-layout Jacobian").T


def _size(shape) -> int:
    return int(np.prod(tuple(shape), dtype=np.int64))


def jacobian_shape(out_shape, in_shape, layout: str = "numerator") -> tuple[int, int]:
    """Shape of the Jacobian of a map from arrays of ``in_shape`` to arrays of ``out_shape``.

    ``jacobian_shape((3,), (4,))`` is (3, 4); ``jacobian_shape((), (2, 5))`` (a scalar of a
    2 x 5 matrix) is (1, 10). With ``layout="denominator"`` the two numbers swap.
    """
    m, n = _size(out_shape), _size(in_shape)
    if layout == "numerator":
        return (m, n)
    if layout == "denominator":
        return (n, m)
    raise ValueError(f"layout must be 'numerator' or 'denominator', got {layout!r}")


def as_tensor(J, out_shape, in_shape) -> np.ndarray:
    """Reshape a numerator-layout (m, n) Jacobian to ``out_shape + in_shape``.

    Entry ``T[i..., j...]`` is d out[i...] / d in[j...] (C-order flattening on both sides).
    For a scalar of a matrix W this gives an array shaped like W: the shape convention.
    """
    J = _matrix(J, "J")
    expected = jacobian_shape(out_shape, in_shape)
    if J.shape != expected:
        raise ValueError(
            f"J has shape {J.shape} but a map from {tuple(in_shape)} to {tuple(out_shape)} "
            f"has an {expected[0]} x {expected[1]} Jacobian in numerator layout."
        )
    return J.reshape(tuple(out_shape) + tuple(in_shape))


def as_matrix(T, out_shape, in_shape) -> np.ndarray:
    """Inverse of :func:`as_tensor`: ``out_shape + in_shape`` -> (m, n), numerator layout."""
    T = np.asarray(T)
    full = tuple(out_shape) + tuple(in_shape)
    if T.shape != full:
        raise ValueError(f"T has shape {T.shape}, expected out_shape + in_shape = {full}")
    return T.reshape(jacobian_shape(out_shape, in_shape))
