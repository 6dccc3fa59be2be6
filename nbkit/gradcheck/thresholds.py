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

Tiny entries. A central difference carries an absolute rounding error of about
``eps * |f(x)| / h`` (5e-11 for a loss of 2.3 in float64 with h = 1e-5). On a gradient
entry of size 1e-6 that alone is a relative error of 5e-5, although nothing is wrong.
:func:`check_gradients` therefore judges entries below :func:`noise_floor` by their
absolute difference: the denominator of the relative error is at least
``2 * eps * |f(x)| / (h * ok)``, so that rounding noise alone stays below ``ok / 2``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Thresholds", "THRESHOLDS", "thresholds_for", "default_step", "noise_floor"]


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


def noise_floor(loss_value: float, h: float, dtype, ok: float) -> float:
    """Smallest denominator for entrywise relative errors of a central difference.

    ``max(1e-8, 2 * eps(dtype) * |loss_value| / (h * ok))``: an entry whose numerical
    and analytic values add up to less than this is compared in absolute terms, with
    the rounding noise ``eps * |f| / h`` of the difference quotient mapped to ``ok / 2``.
    """
    from .relerror import DEFAULT_FLOOR

    eps = float(np.finfo(np.dtype(dtype)).eps) if np.dtype(dtype).kind == "f" else float(np.finfo(float).eps)
    return max(DEFAULT_FLOOR, 2.0 * eps * abs(float(loss_value)) / (float(h) * float(ok)))
