"""Numerical Jacobians by central differences, in numerator layout.

For f: R^n -> R^m the Jacobian is the m x n matrix ``J[i, j] = d f_i / d x_j``
(numerator layout: one row per output, one column per input). Inputs and outputs of any
shape are flattened in C order (row-major, NumPy's default), so for a matrix input
``X`` of shape (p, q) column ``j = a * q + b`` of J holds the derivatives with respect to
``X[a, b]``; ``nbkit.jacobian.as_tensor`` reshapes J back to ``out.shape + X.shape``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from nbkit.gradcheck.numerical import nudge_and_evaluate

__all__ = ["numerical_jacobian"]


def _as_float_array(x) -> np.ndarray:
    """``x`` itself when it is a float ndarray (so it is perturbed in place and restored);
    a fresh float array for Python numbers and lists."""
    if isinstance(x, np.ndarray):
        if not np.issubdtype(x.dtype, np.floating):
            raise TypeError(
                f"x has dtype {x.dtype}; a central difference needs a float array, because "
                f"x[j] += h would be truncated for integers. Pass x.astype(float)."
            )
        if not x.flags.writeable:
            raise ValueError(
                "x is read-only, so its entries cannot be nudged in place; pass a writable "
                "copy (x.copy())."
            )
        return x
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.number, list, tuple)):
        raise TypeError(f"x must be a number or an array of numbers, got {type(x).__name__}")
    return np.array(x, dtype=float)


def _evaluate(f: Callable, x: np.ndarray, expected_size: int | None) -> np.ndarray:
    # Copy the output: f may return a view of x (the identity map does), and x is about
    # to be perturbed again.
    out = np.array(f(x), dtype=float, copy=True).ravel()
    if expected_size is not None and out.size != expected_size:
        raise ValueError(
            f"f returned {out.size} numbers at a perturbed input but {expected_size} at x: "
            f"a Jacobian needs an output of fixed size."
        )
    return out


def numerical_jacobian(f: Callable, x, h: float = 1e-5) -> np.ndarray:
    """Jacobian of ``f`` at ``x`` by central differences, numerator layout.

    Args:
        f: a function of one array (or number) returning a number or an array; it must
            not keep a reference to its argument, which is perturbed in place.
        x: the input, a float array of any shape (n = x.size entries) or a number.
            A float ndarray is perturbed one entry at a time and every entry is restored,
            so ``f`` may also read ``x`` through a closure (e.g. a layer's weights).
        h: the step; the error of a central difference is O(h^2) plus rounding
            of order eps / h, so 1e-5 suits float64.

    Returns:
        J, shape (m, n) with m = f(x).size and n = x.size (both flattened in C order):
        ``J[i, j] = (f_i(x + h e_j) - f_i(x - h e_j)) / (2 h)``. A scalar f gives a
        1 x n row.

    Costs 2 n evaluations of f.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if not (isinstance(h, (int, float, np.floating)) and h > 0 and np.isfinite(h)):
        raise ValueError(f"h must be a positive finite step, got {h!r}")
    x = _as_float_array(x)
    original_x = x.copy()
    m = _evaluate(f, x, None).size
    J = np.empty((m, x.size))

    if x.ndim == 0:
        # A 0-d array has no entry to index by a tuple of positions; wrap it in a
        # 1-element view that shares its memory, so perturbing it perturbs x.
        x_view = x.reshape(1)
        positions = [(0,)]
    else:
        x_view = x
        positions = np.ndindex(x.shape)  # C order, matching the flattened columns

    for j, idx in enumerate(positions):
        # gradcheck's restoring nudge: x[idx] is put back even if f raises, and the slope is
        # divided by the distance actually travelled (in float32, x + h is rounded).
        with np.errstate(invalid="ignore", over="ignore"):  # non-finite values are reported below
            f_plus, f_minus, step = nudge_and_evaluate(x_view, idx, lambda *_: _evaluate(f, x, m), h)
            J[:, j] = (f_plus - f_minus) / step
    if not np.array_equal(x, original_x, equal_nan=True):
        x[...] = original_x
        raise ValueError(
            "f modified its input: a function being differentiated must not write into x; "
            "work on a copy inside f (x is now restored)."
        )
    if not np.all(np.isfinite(J)):
        raise ValueError(
            "the numerical Jacobian has nan or inf entries: f is not differentiable near x, "
            "or h is too large for it."
        )
    return J
