"""Directional gradient check: is ``grad . v`` the slope of f along v?

For a random unit direction v,

    (f(x + h v) - f(x - h v)) / (2h)  ~=  grad . v

costs 2 evaluations of f whatever the size of x. A wrong gradient ``g'`` passes only if
``(g' - g) . v`` happens to be ~0. For a bug spread over many entries that has
probability ~0; for a bug in a single entry i it needs ``v_i`` ~ 0, which is unlikely but
possible; hence the default of 3 independent directions (6 evaluations).

The error for one direction is

    |num - ana| / max(|num| + |ana|, ||grad|| / sqrt(n), floor)

The middle term is the typical size of ``grad . v`` for a random unit v in n
dimensions (its root mean square). Without it an unlucky v nearly orthogonal to the
gradient would make a correct gradient's tiny rounding error look large.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .numerical import as_scalar, check_array_input, check_step
from .relerror import DEFAULT_FLOOR
from .sparse import as_analytic

__all__ = ["DirectionalCheck", "directional_check"]


@dataclass
class DirectionalCheck:
    """Result of :func:`directional_check` over ``k`` random directions.

    Attributes:
        numerical: (k,) slopes (f(x + h v) - f(x - h v)) / |step| along each direction.
        analytic: (k,) ``analytic_grad . u`` for the same unit directions u.
        errors: (k,) relative errors (see the module docstring).
        evaluations: calls of f made (2k).
    """

    numerical: np.ndarray
    analytic: np.ndarray
    errors: np.ndarray
    evaluations: int

    @property
    def max_error(self) -> float:
        if np.isnan(self.errors).any():
            return float("nan")
        return float(self.errors.max())

    @property
    def worst_position(self) -> int:
        if np.isnan(self.errors).any():
            return int(np.flatnonzero(np.isnan(self.errors))[0])
        return int(np.argmax(self.errors))

    def __str__(self):
        lines = [f"directional check along {len(self.errors)} random directions ({self.evaluations} evaluations of f):"]
        for k, (n, a, e) in enumerate(zip(self.numerical, self.analytic, self.errors)):
            lines.append(f"  v{k}: slope numerical {n: .6e}  grad . v {a: .6e}  rel. error {e:.2e}")
        return "\n".join(lines)


def directional_check(f, x, analytic_grad, num_directions: int = 3, seed=None,
                      h: float = 1e-5) -> DirectionalCheck:
    """Compare directional derivatives along random unit directions.

    Args:
        f: callable ``f(x) -> scalar``; x is moved in place (all entries at once) and
            restored afterwards, also if f raises.
        x: float ndarray of shape ``S``.
        analytic_grad: array of shape ``S``, the gradient under test.
        num_directions: k independent Gaussian directions, normalised to length 1.
        seed: int, None or np.random.Generator.
        h: step length along v.

    Returns:
        :class:`DirectionalCheck` with (k,) arrays ``numerical``, ``analytic``,
        ``errors`` and ``max_error``. Costs 2k calls of f, independent of ``x.size``.
    """
    h = check_step(h)
    check_array_input(x, "directional_check")
    g = as_analytic(analytic_grad, x, "directional_check")
    if int(num_directions) < 1:
        raise ValueError(f"num_directions must be at least 1, got {num_directions!r}")
    k = int(num_directions)
    rng = np.random.default_rng(seed)
    original = x.copy()
    typical_slope = float(np.linalg.norm(g)) / np.sqrt(max(x.size, 1))

    numerical, analytic, errors = np.empty(k), np.empty(k), np.empty(k)
    for n in range(k):
        v = rng.standard_normal(x.shape)
        v /= np.linalg.norm(v)
        try:
            x[...] = original + h * v
            x_plus = x.copy()
            value_plus = as_scalar(f(x), "at x + h v")
            _unchanged(x, x_plus)
            x[...] = original - h * v
            x_minus = x.copy()
            value_minus = as_scalar(f(x), "at x - h v")
            _unchanged(x, x_minus)
        finally:
            x[...] = original
        if not (np.isfinite(value_plus) and np.isfinite(value_minus)):
            raise ValueError(f"f returned nan or inf at x +/- h v (direction {n}); try a smaller h")
        # The displacement actually stored (float32 rounds x + h v): compare both sides
        # along it, so representation error cancels.
        step = x_plus.astype(np.float64) - x_minus.astype(np.float64)
        length = float(np.linalg.norm(step))
        if length == 0.0:
            raise ValueError(f"h={h!r} is too small to move x in {x.dtype}; use a larger h")
        numerical[n] = (value_plus - value_minus) / length
        analytic[n] = float(np.vdot(g, step)) / length
        diff = abs(numerical[n] - analytic[n])
        denom = max(abs(numerical[n]) + abs(analytic[n]), typical_slope, DEFAULT_FLOOR)
        errors[n] = diff / denom if diff > 0 else 0.0
        if np.isnan(analytic[n]):
            errors[n] = np.nan
    return DirectionalCheck(numerical, analytic, errors, evaluations=2 * k)


def _unchanged(x, expected):
    if not np.array_equal(x, expected, equal_nan=True):
        raise ValueError(
            "f modified its input: x changed while f was evaluated. A function being "
            "differentiated must not write into x; work on a copy inside f "
            "(x is now restored)."
        )
