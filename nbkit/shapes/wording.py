"""Small phrases the diagnoses share (shapes, vector kinds, names, numbers), and when two
gradients count as equal.

A correct gradient must never be flagged, so "equal" (:class:`Tolerance`) is forgiving in
the right places: entries far below the array's largest entry are compared against a
fraction of that largest entry (cancellation and float32 rounding make tiny entries
noisy), and float32 gradients get a looser relative tolerance than float64 ones.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

def fmt_shape(shape: tuple[int, ...]) -> str:
    """``(3, 5)``, ``(4,)`` or ``()`` -- the way NumPy prints a shape."""
    return str(tuple(int(d) for d in shape))


def vector_kind(shape: tuple[int, ...]) -> str | None:
    """``"row"`` for (1, n), ``"column"`` for (n, 1), ``"flat"`` for (n,), with n > 1;
    None for anything else (matrices, scalars, 1-element arrays)."""
    if len(shape) == 1 and shape[0] > 1:
        return "flat"
    if len(shape) == 2 and shape[0] == 1 and shape[1] > 1:
        return "row"
    if len(shape) == 2 and shape[1] == 1 and shape[0] > 1:
        return "column"
    return None


def describe_vector(shape: tuple[int, ...]) -> str:
    """``"a row (1, 4)"``, ``"a column (4, 1)"``, ``"a flat vector (4,)"``."""
    kind = vector_kind(shape)
    words = {"row": "a row", "column": "a column", "flat": "a flat vector"}
    return f"{words.get(kind, 'an array')} {fmt_shape(shape)}"


def param_name_for(name: str) -> str:
    """The parameter a gradient belongs to: ``"dW" -> "W"``, ``"grad_b" -> "b"``,
    ``"dL/dx" -> "x"``; otherwise ``"the parameter"``."""
    for prefix in ("dL/d", "grad_", "d"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return "the parameter"


def fmt_index(index: tuple[int, ...]) -> str:
    """``[2, 1]`` for an index tuple, ``""`` for a 0-d array."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]" if index else ""


def fmt_number(x: float) -> str:
    """A number in 4 significant digits."""
    return f"{float(x):.4g}"


def fmt_factor(x: float) -> str:
    """A scale factor: ``2``, ``1/2``, ``-1``, ``1/64``, or ``3.7``."""
    if x != 0 and abs(1 / x - round(1 / x)) < 1e-3 and abs(x) < 1:
        return f"{'-' if x < 0 else ''}1/{abs(round(1 / x))}"
    if abs(x - round(x)) < 1e-3:
        return str(int(round(x)))
    return fmt_number(x)


def worst_index(difference: np.ndarray) -> tuple[int, ...]:
    """Index of the largest ``|difference|`` entry."""
    return tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(difference)), difference.shape))


# Relative tolerance picked from the least precise floating dtype involved.
_DEFAULT_RTOL = {np.dtype(np.float64): 1e-5, np.dtype(np.float32): 1e-3, np.dtype(np.float16): 1e-2}
# Entries smaller than this fraction of the largest |reference| entry share its tolerance.
_FLOOR_FRACTION = 1e-2


@dataclass(frozen=True)
class Tolerance:
    """``close(a, b)`` holds when ``|a - b| <= atol + rtol * max(|b|, 0.01 * max|b|)``."""

    rtol: float
    atol: float

    def bound(self, reference: np.ndarray) -> np.ndarray:
        """Allowed absolute error per entry of ``reference`` (same shape)."""
        magnitude = np.abs(reference)
        floor = _FLOOR_FRACTION * magnitude.max() if magnitude.size else 0.0
        return self.atol + self.rtol * np.maximum(magnitude, floor)

    def close(self, candidate: np.ndarray, reference: np.ndarray) -> bool:
        """True when every entry of ``candidate`` is within the bound (shapes must match)."""
        if candidate.shape != reference.shape:
            return False
        return bool(np.all(np.abs(candidate - reference) <= self.bound(reference)))


def default_tolerance(*arrays, rtol: float | None = None, atol: float = 1e-8) -> Tolerance:
    """A :class:`Tolerance` for comparing ``arrays``: ``rtol`` defaults from the least
    precise float dtype among them (1e-5 for float64, 1e-3 for float32)."""
    if rtol is None:
        rtol = max((_DEFAULT_RTOL.get(np.asarray(a).dtype, 1e-5) for a in arrays), default=1e-5)
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"rtol and atol must be non-negative numbers, got rtol={rtol}, atol={atol}")
    return Tolerance(rtol=float(rtol), atol=float(atol))
