"""Sparse random gradient check: a handful of entries instead of all of them.

A full numerical gradient costs 2 evaluations of f per entry; for a model with 10^5
parameters that is 2 * 10^5 forward passes. Checking ``num_checks`` random entries
costs ``2 * num_checks`` and catches every bug that touches many entries (a wrong
formula, a transpose, a factor). It can miss a bug confined to a few entries: that is
the price, see ``docs/gradcheck.md``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .numerical import check_array_input, check_step, nudge_and_evaluate, restore_check, scalar_evaluator
from .relerror import DEFAULT_FLOOR, rel_error_array

__all__ = ["SparseCheck", "sparse_check", "as_analytic"]


def as_analytic(analytic_grad, x: np.ndarray, fn_name: str) -> np.ndarray:
    """``analytic_grad`` as float64, or a ValueError naming both shapes."""
    try:
        g = np.asarray(analytic_grad, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{fn_name}: analytic_grad must be a numeric array, got {type(analytic_grad).__name__}"
        ) from None
    if g.shape != x.shape:
        raise ValueError(
            f"{fn_name}: analytic_grad has shape {g.shape} but x has shape {x.shape}; "
            f"a gradient has the shape of what it differentiates"
        )
    return g


@dataclass
class SparseCheck:
    """Result of :func:`sparse_check` on ``k`` sampled entries.

    Attributes:
        indices: list of k index tuples into x.
        numerical, analytic, errors: float64 arrays of shape (k,), entry by entry.
        max_error: largest of ``errors`` (a float; nan if any is nan).
        worst_index: the index tuple where ``errors`` is largest.
        evaluations: calls of f made (2k).
    """

    indices: list
    numerical: np.ndarray
    analytic: np.ndarray
    errors: np.ndarray
    evaluations: int

    @property
    def max_error(self) -> float:
        if np.isnan(self.errors).any():
            return float("nan")
        return float(self.errors.max()) if self.errors.size else 0.0

    @property
    def worst_position(self) -> int:
        if np.isnan(self.errors).any():
            return int(np.flatnonzero(np.isnan(self.errors))[0])
        return int(np.argmax(self.errors))

    @property
    def worst_index(self) -> tuple:
        return self.indices[self.worst_position]

    def __str__(self):
        lines = [f"sparse check of {len(self.indices)} entries ({self.evaluations} evaluations of f):"]
        for idx, n, a, e in zip(self.indices, self.numerical, self.analytic, self.errors):
            lines.append(f"  {str(list(idx)):>12}  numerical {n: .6e}  analytic {a: .6e}  rel. error {e:.2e}")
        return "\n".join(lines)


def sparse_check(f, x, analytic_grad, num_checks: int = 10, seed=None, h: float = 1e-5,
                 floor: float = DEFAULT_FLOOR) -> SparseCheck:
    """Compare ``analytic_grad`` with central differences at ``num_checks`` random entries.

    Args:
        f: callable ``f(x) -> scalar``; x is nudged in place, so f may also read it
            through a closure.
        x: float ndarray of shape ``S``; restored entry by entry, also if f raises.
        analytic_grad: array of shape ``S``, the gradient under test.
        num_checks: how many distinct entries to sample (capped at ``x.size``).
        seed: int, None or np.random.Generator, picks the entries.
        h: step size.
        floor: smallest denominator of the relative error (see :func:`rel_error`).

    Returns:
        :class:`SparseCheck` with per-entry numerical and analytic values, relative
        errors (shape (k,)), ``max_error`` and ``worst_index``. Costs 2k calls of f.
    """
    h = check_step(h)
    check_array_input(x, "sparse_check")
    g = as_analytic(analytic_grad, x, "sparse_check")
    if int(num_checks) < 1:
        raise ValueError(f"num_checks must be at least 1, got {num_checks!r}")
    rng = np.random.default_rng(seed)
    k = min(int(num_checks), x.size)
    flat = rng.choice(x.size, size=k, replace=False)  # distinct entries: no wasted checks
    indices = [tuple(int(i) for i in np.unravel_index(j, x.shape)) for j in flat]

    original = x.copy()
    evaluate = scalar_evaluator(f, x)
    numerical = np.empty(k)
    for n, index in enumerate(indices):
        plus, minus, step = nudge_and_evaluate(x, index, evaluate, h)
        numerical[n] = (plus - minus) / step
    restore_check(x, original)
    analytic = np.array([g[i] for i in indices], dtype=np.float64)
    errors = rel_error_array(numerical, analytic, floor=floor)
    return SparseCheck(indices, numerical, analytic, errors, evaluations=2 * k)
