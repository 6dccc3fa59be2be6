"""When two gradients count as equal.

A correct gradient must never be flagged, so "equal" is forgiving in the right places:
entries far below the array's largest entry are compared against a fraction of that
largest entry (cancellation and float32 rounding make tiny entries noisy), and float32
gradients get a looser relative tolerance than float64 ones.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
