"""Numerical gradients written the classic wrong ways, and the check that x was restored.

Notebook 04's checks name a learner's mistake by computing the classic wrong answers for
the same input (a forward difference, a step scaled by |x|, entries never restored, a row
nudged instead of an entry) and comparing. They are built here from
:func:`nbkit.gradcheck.numerical.nudge_and_evaluate`, gradcheck's own restoring nudge,
not from private copies of the loop. Shapes: x is a float array of any shape S; every
gradient returned has shape S.
"""
from __future__ import annotations

import numpy as np

from nbkit.checks.kit import Exercise
from nbkit.gradcheck.numerical import nudge_and_evaluate

#: A restore may drift by a rounding error (x[i] += h; ...; x[i] -= 2*h; ...; x[i] += h, CS224n's
#: idiom): accepted within this many ulps of |x| + h.
RESTORE_ULPS = 4


def check_restored(ex: Exercise, before: np.ndarray, after: np.ndarray, h: float, case: str) -> None:
    """Fail unless x came back as it was, up to the rounding drift of an arithmetic restore."""
    drift = np.abs(after - before)
    off = ~(drift <= RESTORE_ULPS * np.spacing(np.abs(before) + h))
    if not np.any(off):
        return
    idx = tuple(int(i) for i in np.argwhere(off)[0])
    shown = ex.show(f" For example x{list(idx)} was {before[idx]!r} before the call and {after[idx]!r} after it.")
    ex.fail(f"your function changed x ({case}).{shown} After nudging an entry to x + h and x - h, put the "
            f"original value back (keep it in `old = x[idx]` first; a try/finally makes it safe even if f "
            f"raises). Otherwise every later entry is measured at the wrong point and the caller's x is "
            f"corrupted.", "not-restored")


def along(f, x: np.ndarray, direction: np.ndarray, h: float):
    """(f(x + h d), f(x - h d)) as float arrays, through gradcheck's restoring nudge of a 0-d step."""
    t = np.zeros(())
    plus, minus, _ = nudge_and_evaluate(t, (), lambda *_: np.array(f(x + t * direction), dtype=float), h)
    return plus, minus


def unit(x: np.ndarray, idx) -> np.ndarray:
    e = np.zeros(x.shape)
    e[idx] = 1.0
    return e


def classic_gradient(f, x, h, form: str, upstream=None) -> np.ndarray:
    """A classic (possibly wrong) numerical gradient of f at x, entry by entry.

    forms: "forward", "backward", "forward-over-2h", "step-scaled-by-x" (step h |x_i|,
    still divided by 2h), "not-restored" (entries before i left at x - h), "row" (x[i] of a
    2-d x is a row: the whole row moves). With ``upstream``, f's outputs are weighted by it.
    """
    weigh = (lambda y: float(np.sum(upstream * y))) if upstream is not None else float
    f0 = weigh(np.array(f(x.copy()), dtype=float))
    out = np.zeros(x.shape)
    indices = [(i,) for i in range(x.shape[0])] if form == "row" else list(np.ndindex(x.shape))
    for k, idx in enumerate(indices):
        base = x.copy()
        if form == "not-restored":
            base.flat[:k] -= h
        step = h * abs(float(x[idx])) if form == "step-scaled-by-x" else h
        if step == 0.0:
            out[idx] = 0.0  # the step scaled by |x| vanishes at x = 0: f(x) - f(x) over 2h
            continue
        plus, minus = (weigh(v) for v in along(f, base, unit(x, idx), step))
        out[idx] = {"forward": (plus - f0) / h, "backward": (f0 - minus) / h,
                    "forward-over-2h": (plus - f0) / (2 * h)}.get(form, (plus - minus) / (2 * h))
    return out
