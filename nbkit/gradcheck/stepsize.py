"""How the error of a difference quotient depends on the step h.

Two errors pull in opposite directions:

- truncation (Taylor): forward difference ``(f(x+h) - f(x)) / h`` is off by
  ~ h |f''| / 2, central ``(f(x+h) - f(x-h)) / 2h`` by ~ h^2 |f'''| / 6;
- rounding: f is only known to ~eps |f|, and dividing by h amplifies that to
  ~ eps |f| / h.

So the error first falls as h shrinks, then rises again. The best h is ~sqrt(eps) for
forward and ~eps^(1/3) for central differences: about 1e-8 and 1e-5 in float64, 3e-4
and 5e-3 in float32 (eps = 2.2e-16 and 1.2e-7).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["StepSizeSweep", "step_size_sweep", "plot_step_size_sweep"]


@dataclass
class StepSizeSweep:
    """Errors of forward and central differences over a range of steps.

    Attributes:
        h: (m,) steps, increasing.
        forward, central: (m,) relative errors |estimate - exact| / |exact| (absolute
            errors where exact == 0).
        dtype: name of the floating type the quotients were computed in.
    """

    h: np.ndarray
    forward: np.ndarray
    central: np.ndarray
    dtype: str

    def best(self, method: str = "central") -> tuple:
        """(h, error) with the smallest error for "forward" or "central"."""
        errors = {"forward": self.forward, "central": self.central}[method]
        i = int(np.nanargmin(errors))
        return float(self.h[i]), float(errors[i])

    def pairs(self, method: str = "central") -> list:
        """[(h, error), ...] for "forward" or "central"."""
        errors = {"forward": self.forward, "central": self.central}[method]
        return list(zip(self.h.tolist(), errors.tolist()))


def step_size_sweep(f, x: float, exact: float, hs=None, dtype=np.float64) -> StepSizeSweep:
    """Forward and central difference errors of a scalar function over many steps.

    Args:
        f: scalar function written with numpy operations, so that it computes in the
            dtype of its argument (``np.sin``, ``np.exp``, arithmetic...).
        x: the point (a float).
        exact: the true derivative f'(x).
        hs: steps to try, shape (m,); default ``np.logspace(-15, 0, 61)``.
        dtype: np.float64 or np.float32: x, h and every evaluation use this type,
            exactly as a learner's code would.

    Returns:
        :class:`StepSizeSweep` with arrays (m,) of relative errors.
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating type, got {dtype}")
    hs = np.logspace(-15, 0, 61) if hs is None else np.sort(np.asarray(hs, dtype=np.float64).ravel())
    if hs.size == 0 or np.any(hs <= 0):
        raise ValueError("hs must be a non-empty array of positive steps")
    t = dtype.type
    x_t = t(x)
    scale = abs(exact) if exact != 0 else 1.0
    fwd, ctr = np.empty(hs.size), np.empty(hs.size)
    with np.errstate(all="ignore"):
        f_x = f(x_t)
        for i, h in enumerate(hs):
            h_t = t(h)
            # Written exactly as a learner would, in the working dtype: the division by
            # the nominal h (not the stored step) is part of the rounding error we show.
            fwd[i] = float((f(x_t + h_t) - f_x) / h_t)
            ctr[i] = float((f(x_t + h_t) - f(x_t - h_t)) / (t(2) * h_t))
    return StepSizeSweep(hs, np.abs(fwd - exact) / scale, np.abs(ctr - exact) / scale, dtype.name)


def plot_step_size_sweep(sweeps=None, ax=None, annotate: bool = True):
    """Log-log plot of error against h: truncation on the right, rounding on the left.

    Args:
        sweeps: a :class:`StepSizeSweep` or a list of them; default: f = sin at
            x = 1 in float64 and float32.
        ax: matplotlib axes to draw into (a new figure if None).
        annotate: mark each curve's best h and label the two regimes.

    Returns:
        The matplotlib axes.
    """
    import matplotlib.pyplot as plt  # lazily: import nbkit must stay fast

    if sweeps is None:
        sweeps = [step_size_sweep(np.sin, 1.0, np.cos(1.0), dtype=d) for d in (np.float64, np.float32)]
    if isinstance(sweeps, StepSizeSweep):
        sweeps = [sweeps]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    colours = {"float64": "tab:blue", "float32": "tab:orange"}
    tiny = 1e-17  # an error of exactly 0 cannot sit on a log axis
    for sweep in sweeps:
        colour = colours.get(sweep.dtype, None)
        for method, style in (("forward", "--"), ("central", "-")):
            errors = getattr(sweep, method)
            ax.loglog(sweep.h, np.maximum(errors, tiny), style, color=colour, marker=".", ms=3,
                      label=f"{method}, {sweep.dtype}")
            if annotate:
                h_best, e_best = sweep.best(method)
                ax.plot([h_best], [max(e_best, tiny)], "o", color=colour, mfc="white", ms=7)
    if annotate:
        ax.text(0.03, 0.03, "\u2190 rounding error ~ eps |f| / h", transform=ax.transAxes,
                ha="left", va="bottom", fontsize=9, color="dimgray")
        ax.text(0.97, 0.03, "truncation error ~ h (forward), ~ h\u00b2 (central) \u2192",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=9, color="dimgray")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error of the derivative")
    ax.set_title("Finite differences: error against step h (circles: best h)")
    ax.set_ylim(1e-15, 10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.figure.tight_layout()
    return ax
