"""Relative error between two gradients, the number every gradient check reports."""
from __future__ import annotations

import numpy as np

__all__ = ["rel_error", "rel_error_array", "DEFAULT_FLOOR"]

# Below this size, two values are compared in absolute terms: a true zero gradient
# computed numerically comes out as ~1e-11 rounding noise, and 1e-11 / (1e-11 + 0)
# would call that a 100% error. 1e-8 is the CS231n convention.
DEFAULT_FLOOR = 1e-8


def _pair(a, b):
    try:
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"rel_error compares numbers or numeric arrays, got {type(a).__name__} "
            f"and {type(b).__name__}"
        ) from None
    if a.shape != b.shape:
        raise ValueError(
            f"rel_error: shapes differ, {a.shape} vs {b.shape}; a gradient must have "
            f"the shape of what it is compared with (transposed? missing a sum?)"
        )
    return a, b


def rel_error_array(a, b, *, floor: float = DEFAULT_FLOOR) -> np.ndarray:
    """Entrywise ``|a - b| / max(|a| + |b|, floor)``; shape of ``a`` (== shape of ``b``).

    Entries where ``a == b`` (two zeros included) give exactly 0; nan in either input
    gives nan there.
    """
    a, b = _pair(a, b)
    if floor < 0:
        raise ValueError(f"floor must be >= 0, got {floor!r}")
    diff = np.abs(a - b)
    denom = np.maximum(np.abs(a) + np.abs(b), floor)
    with np.errstate(divide="ignore", invalid="ignore"):
        err = np.where(diff == 0, 0.0, diff / np.where(denom == 0, 1.0, denom))
    # keep nan visible: a nan gradient must never look like a small error
    return np.where(np.isnan(diff), np.nan, err)


def rel_error(a, b, *, floor: float = DEFAULT_FLOOR) -> float:
    """Largest relative error between ``a`` and ``b``, as a Python float.

    ``max_i |a_i - b_i| / max(|a_i| + |b_i|, floor)``.

    Args:
        a, b: numbers or arrays of the same shape (no broadcasting: a (3,) gradient
            against a (3, 1) parameter is a bug, not a match).
        floor: denominators below this are replaced by it, so values that are both
            tiny (below ~1e-8) are judged by their absolute difference. Two zeros
            give 0. Pass ``floor=0`` for the pure relative error.

    Returns:
        float in [0, 1] (nan if either input has nan). Rough reading in float64:
        < 1e-7 agree; 1e-7..1e-4 suspicious unless f has kinks; > 1e-2 wrong.

    Raises:
        ValueError: the shapes differ (the message names both).
    """
    err = rel_error_array(a, b, floor=floor)
    if err.size == 0:
        return 0.0
    if np.isnan(err).any():
        return float("nan")
    return float(np.max(err))
