"""Two-dimensional test surfaces for racing update rules.

Each :class:`Surface` knows its value and analytic gradient at a point ``w`` of shape (2,),
a start point that makes a race interesting, its minimiser(s), and the box and contour
levels that draw it well. ``value_grid`` evaluates it on a grid for contour plots.

| key | f(x, y) | minimiser | what it shows |
|---|---|---|---|
| ``quadratic`` | (x² + κ y²) / 2, κ = 20 | (0, 0), f = 0 | a narrow valley: SGD zig-zags across it, momentum overshoots |
| ``rosenbrock`` | (1 − x)² + 100 (y − x²)² | (1, 1), f = 0 | a curved, flat-bottomed valley |
| ``saddle`` | x² − y² + y⁴ / 2 | (0, ±1), f = −1/2; saddle point (0, 0) | escaping a saddle from just off its ridge |
| ``beale`` | (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)² | (3, 1/2), f = 0 | plateaus and steep walls: gradients differ by orders of magnitude |

These are demonstration tools, not exercises: the learner writes update rules, never these.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["Surface", "SURFACES", "SURFACE_KEYS", "surface", "ill_conditioned_quadratic"]


@dataclass(frozen=True)
class Surface:
    """A function of two variables with its gradient, for races and contour plots.

    Attributes:
        key, label, formula: short name, title for plots, formula as text.
        f: ``f(x, y)`` elementwise on arrays of equal shape (vectorised, for grids).
        df: ``df(x, y) -> (df/dx, df/dy)`` elementwise.
        start: default start point, shape (2,).
        minima: every minimiser, shape (k, 2); ``minima[0]`` is the one a descent from
            ``start`` is meant to reach.
        min_value: f at its minima (the floor of loss-versus-step plots).
        xlim, ylim: the box a contour plot shows.
        saddle_points: shape (s, 2), marked on plots (empty for most surfaces).
        log_levels: contour levels spaced logarithmically in f − min_value (else linearly).
    """

    key: str
    label: str
    formula: str
    f: Callable = field(repr=False)
    df: Callable = field(repr=False)
    start: np.ndarray = field(repr=False)
    minima: np.ndarray = field(repr=False)
    min_value: float
    xlim: tuple
    ylim: tuple
    saddle_points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)), repr=False)
    log_levels: bool = True

    @property
    def minimum(self) -> np.ndarray:
        """The minimiser a descent from ``start`` should reach, shape (2,)."""
        return self.minima[0].copy()

    def value(self, w) -> float:
        """f at ``w``, shape (2,) -> float."""
        x, y = _point(w)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(self.f(x, y))

    def grad(self, w) -> np.ndarray:
        """The analytic gradient at ``w``, shape (2,) -> (2,)."""
        x, y = _point(w)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.array(self.df(x, y), dtype=float)

    def value_grid(self, n: int = 200):
        """``(X, Y, Z)`` on an n × n grid over ``xlim`` × ``ylim``; each (n, n)."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self.f(X, Y)

    def levels(self, n: int = 20, Z=None) -> np.ndarray:
        """n increasing contour levels for the values ``Z`` (default: the plot box).

        Log-spaced in f − min_value from just above the minimum up to the box's largest
        value, so the valley floor gets as many lines as the walls; linear otherwise.
        """
        Z = self.value_grid(120)[2] if Z is None else np.asarray(Z)
        top = float(np.nanmax(Z))
        if not self.log_levels:
            return np.linspace(float(np.nanmin(Z)), top, n + 2)[1:-1]
        gap = max(top - self.min_value, 1e-12)
        return self.min_value + np.logspace(np.log10(gap) - 5, np.log10(gap), n)

    def distance_to_minimum(self, w) -> float:
        """Euclidean distance from ``w`` (2,) to the nearest minimiser."""
        return float(np.min(np.linalg.norm(self.minima - np.asarray(w, dtype=float), axis=1)))


def _point(w):
    w = np.asarray(w, dtype=float)
    if w.shape != (2,):
        raise ValueError(f"a surface takes a point w of shape (2,), got shape {w.shape}")
    return w[0], w[1]


def ill_conditioned_quadratic(condition: float = 20.0) -> Surface:
    """f(x, y) = (x² + κ y²) / 2: Hessian diag(1, κ), condition number κ.

    Plain gradient descent is stable only for learning_rate < 2 / κ, and then crawls along x
    at a rate 1 − learning_rate per step: the point of the picture.
    """
    if not condition >= 1:
        raise ValueError(f"the condition number must be at least 1, got {condition!r}")
    k = float(condition)
    return Surface(
        key="quadratic", label=f"ill-conditioned quadratic (κ = {k:g})",
        formula=f"f(x, y) = (x² + {k:g} y²) / 2",
        f=lambda x, y: 0.5 * (x * x + k * y * y),
        df=lambda x, y: (x, k * y),
        start=np.array([-4.0, 1.5]), minima=np.array([[0.0, 0.0]]), min_value=0.0,
        xlim=(-5.0, 5.0), ylim=(-2.5, 2.5),
    )


def _rosenbrock() -> Surface:
    return Surface(
        key="rosenbrock", label="Rosenbrock", formula="f(x, y) = (1 − x)² + 100 (y − x²)²",
        f=lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        df=lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
        start=np.array([-1.5, 2.0]), minima=np.array([[1.0, 1.0]]), min_value=0.0,
        xlim=(-2.0, 2.0), ylim=(-1.0, 3.0),
    )


def _saddle() -> Surface:
    # Near the origin this is x² − y² (a saddle); the quartic term bounds it below, so the
    # runs that escape the saddle settle in one of two minima instead of running off.
    return Surface(
        key="saddle", label="saddle", formula="f(x, y) = x² − y² + y⁴ / 2",
        f=lambda x, y: x * x - y * y + 0.5 * y ** 4,
        df=lambda x, y: (2 * x, -2 * y + 2 * y ** 3),
        start=np.array([-1.8, 1e-3]), minima=np.array([[0.0, 1.0], [0.0, -1.0]]), min_value=-0.5,
        xlim=(-2.0, 2.0), ylim=(-1.6, 1.6), saddle_points=np.array([[0.0, 0.0]]), log_levels=False,
    )


def _beale() -> Surface:
    def f(x, y):
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2

    def df(x, y):
        a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
        dx = 2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1)
        dy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2
        return dx, dy

    return Surface(
        key="beale", label="Beale", formula="f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        f=f, df=df, start=np.array([1.0, 1.5]), minima=np.array([[3.0, 0.5]]), min_value=0.0,
        xlim=(-4.5, 4.5), ylim=(-4.5, 4.5),
    )


SURFACES = {s.key: s for s in (ill_conditioned_quadratic(), _rosenbrock(), _saddle(), _beale())}
SURFACE_KEYS = tuple(SURFACES)


def surface(key_or_surface) -> Surface:
    """The surface named ``key`` (one of ``SURFACE_KEYS``); a :class:`Surface` passes through."""
    if isinstance(key_or_surface, Surface):
        return key_or_surface
    try:
        return SURFACES[key_or_surface]
    except (KeyError, TypeError):
        raise ValueError(f"unknown surface {key_or_surface!r}; choose from {', '.join(SURFACE_KEYS)} "
                         f"or pass a Surface") from None
