"""What a relative error means, per floating-point type.

A correct gradient never matches its numerical estimate exactly: the central
difference has truncation error ~h^2 and rounding error ~eps*|f|/h. How small "small
enough" is therefore depends on the dtype the function is computed in.

Bands (max entrywise relative error, see :func:`rel_error`):

========  ==========  ===================  ======================================
dtype     default h   "ok" at or below     "wrong" above (between: "suspicious")
========  ==========  ===================  ======================================
float64   1e-5        1e-7                 1e-4
float32   1e-2        1e-2                 1e-1
========  ==========  ===================  ======================================

float64: below 1e-7 the gradient is right; 1e-7..1e-4 is expected where f has kinks
(ReLU, max, abs) and a bug otherwise; above 1e-4 something is wrong (above 1e-2
almost surely). float32: rounding noise alone reaches ~1e-2 on the small entries of a
correct gradient, so only gross bugs (a factor of 2, a sign, a transpose) are visible;
check in float64 whenever you can.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Thresholds", "THRESHOLDS", "thresholds_for", "default_step"]


@dataclass(frozen=True)
class Thresholds:
    """Relative-error bands for one dtype.

    ``error <= ok``: "ok"; ``ok < error <= wrong``: "suspicious"; ``error > wrong``:
    "wrong". ``h`` is the step that keeps truncation and rounding error both small.
    """

    ok: float
    wrong: float
    h: float

    def __post_init__(self):
        if not 0 < self.ok <= self.wrong:
            raise ValueError(f"need 0 < ok <= wrong, got ok={self.ok}, wrong={self.wrong}")

    def verdict(self, error: float) -> str:
        """``"ok"``, ``"suspicious"`` or ``"wrong"`` (nan counts as wrong)."""
        if not error <= self.wrong:  # also catches nan
            return "wrong"
        return "ok" if error <= self.ok else "suspicious"


THRESHOLDS = {
    "float64": Thresholds(ok=1e-7, wrong=1e-4, h=1e-5),
    "float32": Thresholds(ok=1e-2, wrong=1e-1, h=1e-2),
}


def thresholds_for(dtype) -> Thresholds:
    """The bands for ``dtype`` (float16 and unknown floats get the float32 bands)."""
    name = np.dtype(dtype).name
    if name in THRESHOLDS:
        return THRESHOLDS[name]
    if np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize > 8:  # longdouble
        return THRESHOLDS["float64"]
    return THRESHOLDS["float32"]


def default_step(dtype) -> float:
    """The default central-difference step for arrays of ``dtype``."""
    return thresholds_for(dtype).h
