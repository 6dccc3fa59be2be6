"""Gradient checking: numerical gradients and the ways to compare them with yours.

One idea per file:

- ``numerical``: :func:`numerical_gradient` (central differences, x restored even if f
  raises) and :func:`numerical_gradient_upstream` (for layers with array outputs).
- ``relerror``: :func:`rel_error`, the number every check reports.
- ``sparse``: :func:`sparse_check`, a few random entries (2 evaluations each).
- ``directional``: :func:`directional_check`, grad . v along random directions
  (2 evaluations each, whatever the size of x).
- ``report``: :func:`check_gradients` over named parameters, naming the one that is
  wrong, its worst index and a verdict.
- ``thresholds``: what a relative error means in float64 and float32.
- ``stepsize``: :func:`step_size_sweep` and :func:`plot_step_size_sweep` (matplotlib is
  imported only when drawing).

See ``docs/gradcheck.md`` for thresholds and costs.
"""
from __future__ import annotations

from .directional import DirectionalCheck, directional_check
from .numerical import numerical_gradient, numerical_gradient_upstream
from .relerror import DEFAULT_FLOOR, rel_error, rel_error_array
from .report import METHODS, GradCheckReport, ParamCheck, check_gradients
from .sparse import SparseCheck, sparse_check
from .stepsize import StepSizeSweep, plot_step_size_sweep, step_size_sweep
from .thresholds import THRESHOLDS, Thresholds, default_step, thresholds_for

__all__ = [
    "numerical_gradient",
    "numerical_gradient_upstream",
    "rel_error",
    "rel_error_array",
    "DEFAULT_FLOOR",
    "sparse_check",
    "SparseCheck",
    "directional_check",
    "DirectionalCheck",
    "check_gradients",
    "GradCheckReport",
    "ParamCheck",
    "METHODS",
    "Thresholds",
    "THRESHOLDS",
    "thresholds_for",
    "default_step",
    "step_size_sweep",
    "StepSizeSweep",
    "plot_step_size_sweep",
]
