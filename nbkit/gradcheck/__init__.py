"""Gradient checking: numerical gradients and the ways to compare them with yours.

- :func:`numerical_gradient`, :func:`numerical_gradient_upstream`: central differences.
- :func:`rel_error`: the relative error every check reports.

See ``docs/gradcheck.md`` for thresholds and costs.
"""
from __future__ import annotations

from .numerical import numerical_gradient, numerical_gradient_upstream
from .relerror import DEFAULT_FLOOR, rel_error, rel_error_array

__all__ = [
    "numerical_gradient",
    "numerical_gradient_upstream",
    "rel_error",
    "rel_error_array",
    "DEFAULT_FLOOR",
]
