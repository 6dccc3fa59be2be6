"""Central-difference gradients: the slow, dumb, trustworthy reference.

``numerical_gradient(f, x)`` nudges one entry of ``x`` at a time by ``+h`` and ``-h``,
evaluates the scalar ``f`` twice and takes the slope. It costs ``2 * x.size`` calls of
``f``, which is why it is used to *check* gradients, never to train with them.

Arrays are perturbed in place (so ``f`` may read ``x`` through a closure, as a model
reads its own parameters) and every perturbed entry is put back, even when ``f``
raises.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["numerical_gradient", "numerical_gradient_upstream"]


def check_step(h) -> float:
    if isinstance(h, bool) or not isinstance(h, numbers.Real):
        raise TypeError(f"the step h must be a positive real number, got {type(h).__name__}")
    h = float(h)
    if not np.isfinite(h) or h <= 0.0:
        raise ValueError(f"the step h must be positive and finite, got h={h!r}")
    return h


def check_array_input(x, fn_name: str) -> None:
    """Reject inputs that cannot be perturbed in place without silently lying."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{fn_name} expects a Python float or a float numpy array, got "
            f"{type(x).__name__}; convert it with np.asarray(x, dtype=float)"
        )
    if x.dtype.kind in "iub":
        raise TypeError(
            f"x is an integer array (dtype {x.dtype}): `x[i] += h` would be truncated back "
            f"to an integer, so every slope would come out 0 or wildly wrong. "
            f"Pass x.astype(float) instead."
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"x has dtype {x.dtype}; {fn_name} needs a real floating-point array "
            f"(float64 or float32). Pass x.astype(float) instead."
        )
    if not x.flags.writeable:
        raise ValueError(
            "x is read-only, so its entries cannot be nudged in place; pass a writable copy "
            "(x.copy()) and make f read that copy"
        )


def as_scalar(value, where: str) -> float:
    """Turn f's output into a float, or explain why it is not a scalar."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"f must return a number, but {where} it returned {type(value).__name__}"
        ) from None
    if arr.size != 1:
        raise ValueError(
            f"f must return a scalar, but {where} it returned an array of shape "
            f"{arr.shape}. For a function with an array output (a layer), use "
            f"numerical_gradient_upstream(f, x, upstream), which differentiates "
            f"sum(upstream * f(x))."
        )
    return float(arr.reshape(()))


def _as_output_array(value, where: str) -> np.ndarray:
    # Copy: a layer may hand back the same buffer on every call, and the +h output
    # must survive the -h call.
    try:
        return np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise TypeError(
            f"f must return a number or a numeric array, but {where} it returned "
            f"{type(value).__name__}"
        ) from None


def _require_finite(value, index, sign: str) -> None:
    if not np.all(np.isfinite(value)):
        at = "x" if index is None else f"x{list(index)}"
        raise ValueError(
            f"f returned a non-finite value (nan or inf) when {at} was nudged by {sign}h: "
            f"the function is not differentiable there, or h is too large for it"
        )


def restore_check(x: np.ndarray, original: np.ndarray) -> None:
    """Raise if f changed x (beyond the entries we nudged and put back)."""
    if not np.array_equal(x, original, equal_nan=True):
        changed = np.argwhere(~((x == original) | (np.isnan(x) & np.isnan(original))))
        first = tuple(int(i) for i in changed[0]) if changed.size else ()
        x[...] = original  # leave x as the caller gave it
        raise ValueError(
            f"f modified its input: after the sweep x differs from the original at "
            f"{len(changed)} entries (first at index {list(first)}). A function being "
            f"differentiated must not write into x; work on a copy inside f "
            f"(x is now restored)."
        )


def nudge_and_evaluate(x: np.ndarray, index: tuple, evaluate, h: float):
    """Evaluate at ``x[index] + h`` and ``x[index] - h``; return (plus, minus, step).

    ``evaluate(index, sign)`` computes f at the current, nudged x. The entry is put
    back in a ``finally`` clause, so x is intact even when f raises.

    ``step`` is the distance actually travelled, (x + h) - (x - h) *as stored*: in
    float32 ``x + h`` rounds, and dividing by the true distance instead of 2h removes
    most of that rounding error.
    """
    old = x[index].copy()
    try:
        x[index] = old + h
        x_plus = x[index].copy()
        value_plus = evaluate(index, "+")
        x[index] = old - h
        x_minus = x[index].copy()
        value_minus = evaluate(index, "-")
    finally:
        x[index] = old  # restore, even if f raised
    step = float(x_plus) - float(x_minus)
    if step == 0.0:
        raise ValueError(
            f"h={h!r} is too small to change x{list(index)}={float(old)!r} in "
            f"{x.dtype}: x + h rounds back to x. Use a larger h."
        )
    return value_plus, value_minus, step


def _central_sweep(x: np.ndarray, evaluate, h: float):
    """Yield (index, value_plus, value_minus, step) for every entry of x."""
    for index in np.ndindex(x.shape):  # every entry, any number of axes (0-d too)
        yield (index, *nudge_and_evaluate(x, index, evaluate, h))


def scalar_evaluator(f, x):
    """``evaluate(index, sign)`` for a scalar f of the array x (see nudge_and_evaluate)."""

    def evaluate(index, sign):
        value = as_scalar(f(x), f"with x{list(index)} nudged by {sign}h")
        _require_finite(value, index, sign)
        return value

    return evaluate


def numerical_gradient(f, x, h: float = 1e-5):
    """Central-difference gradient of a scalar function.

    ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)``, error O(h^2).

    Args:
        f: callable, ``f(x) -> scalar`` (a float, a 0-d array or a size-1 array).
        x: a Python float (or int), or a float ndarray of any shape ``S``
            (0-d, (n,), (n, m), (a, b, c), ...). Arrays are nudged in place, one
            entry at a time, and every entry is restored, also when ``f`` raises.
        h: step size (positive). 1e-5 suits float64; float32 wants ~1e-3.

    Returns:
        A float for a scalar ``x``; otherwise a float64 array of shape ``S``.

    Raises:
        TypeError: ``x`` is an integer/bool array, not an array, or ``f`` returns
            something that is not a number.
        ValueError: ``f`` returns a non-scalar, a nan/inf, or modifies ``x``.
    """
    h = check_step(h)
    if isinstance(x, (numbers.Real, np.floating)) and not isinstance(x, (bool, np.bool_)):
        x0 = float(x)
        plus = as_scalar(f(x0 + h), "at x + h")
        minus = as_scalar(f(x0 - h), "at x - h")
        _require_finite(plus, None, "+")
        _require_finite(minus, None, "-")
        return (plus - minus) / ((x0 + h) - (x0 - h))
    check_array_input(x, "numerical_gradient")

    original = x.copy()
    grad = np.zeros(x.shape, dtype=np.float64)

    for index, plus, minus, step in _central_sweep(x, scalar_evaluator(f, x), h):
        grad[index] = (plus - minus) / step
    restore_check(x, original)
    return grad


def numerical_gradient_upstream(f, x, upstream, h: float = 1e-5):
    """Numerical gradient of ``sum(upstream * f(x))`` for an array-valued ``f``.

    This is what a layer's backward pass must return: given the upstream gradient
    ``dL/dy`` of the layer output ``y = f(x)``, the downstream gradient ``dL/dx``.

    Args:
        f: callable, ``f(x) -> y`` with ``y`` of shape ``Y`` (any shape, incl. scalar).
        x: float ndarray of shape ``S``, nudged in place and restored entry by entry.
        upstream: array of shape ``Y`` (the same shape as ``f(x)``), dL/dy.
        h: step size (positive).

    Returns:
        float64 array of shape ``S``: ``grad[i] = sum(upstream * (f(x+h e_i) -
        f(x-h e_i))) / (2h)``.

    Raises:
        ValueError: ``upstream.shape != f(x).shape``, f returns nan/inf, or f
            modifies ``x``. TypeError: integer ``x`` or a non-array ``x``.
    """
    h = check_step(h)
    check_array_input(x, "numerical_gradient_upstream")
    try:
        upstream = np.asarray(upstream, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"upstream must be a numeric array shaped like f(x), got {type(upstream).__name__}"
        ) from None
    original = x.copy()
    y0 = _as_output_array(f(x), "at x")
    if not np.all(np.isfinite(y0)):
        raise ValueError("f(x) contains nan or inf at x itself, before any nudge")
    if y0.shape != upstream.shape:
        raise ValueError(
            f"upstream has shape {upstream.shape} but f(x) has shape {y0.shape}: the "
            f"upstream gradient dL/dy must have exactly the shape of the output y"
        )

    grad = np.zeros(x.shape, dtype=np.float64)

    def evaluate(index, sign):
        where = f"with x{list(index)} nudged by {sign}h"
        y = _as_output_array(f(x), where)
        if y.shape != y0.shape:
            raise ValueError(
                f"f(x) changed shape from {y0.shape} to {y.shape} {where}"
            )
        _require_finite(y, index, sign)
        return y

    for index, y_plus, y_minus, step in _central_sweep(x, evaluate, h):
        # Difference first, then weight and sum: subtracting two nearly equal sums
        # would lose more digits.
        grad[index] = np.sum((y_plus - y_minus) * upstream) / step
    restore_check(x, original)
    return grad
