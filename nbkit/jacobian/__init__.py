"""Jacobians: numerical (numerator layout), layout conversion, the standard maps (forward
and formula; their Jacobians are the learner's exercises), structure detection, and the
Jacobian explorer.

Convention: for f: R^n -> R^m, J is m x n with ``J[i, j] = d f_i / d x_j`` (numerator
layout); inputs and outputs of other shapes are flattened in C order. See
``docs/jacobian.md``. matplotlib and ipywidgets load only when the explorer draws.
"""
from __future__ import annotations

from .explorer import (
    JacobianComparison,
    JacobianExplorer,
    compare_jacobians,
    draw_comparison,
    explore_jacobian,
    figure_png,
    jacobian_figure,
)
from .conversions import as_matrix, as_tensor, jacobian_shape, to_denominator_layout, to_numerator_layout
from .numerical import numerical_jacobian
from .standard_maps import (
    STANDARD_MAP_KEYS,
    StandardMap,
    sigmoid,
    softmax,
    standard_map,
)
from .structure import JacobianStructure, describe_structure, is_constant_jacobian

__all__ = [
    "numerical_jacobian",
    "to_denominator_layout", "to_numerator_layout", "jacobian_shape", "as_tensor", "as_matrix",
    "sigmoid", "softmax",
    "StandardMap", "STANDARD_MAP_KEYS", "standard_map",
    "JacobianStructure", "describe_structure", "is_constant_jacobian",
    "JacobianComparison", "compare_jacobians", "jacobian_figure", "draw_comparison", "figure_png",
    "JacobianExplorer", "explore_jacobian",
]
