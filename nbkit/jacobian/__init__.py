"""Jacobians: numerical (numerator layout), layout conversion, the standard maps' analytic
Jacobians, structure detection, and the Jacobian explorer.

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
    affine_jacobian_b,
    affine_jacobian_x,
    inner_product_jacobian_u,
    sigmoid,
    softmax,
    softmax_jacobian,
    squared_norm_jacobian,
    squared_norm_of_product_grads,
    standard_map,
)
from .structure import JacobianStructure, describe_structure, is_constant_jacobian

__all__ = [
    "numerical_jacobian",
    "to_denominator_layout", "to_numerator_layout", "jacobian_shape", "as_tensor", "as_matrix",
    "sigmoid", "softmax",
    "affine_jacobian_x", "affine_jacobian_b", "inner_product_jacobian_u", "softmax_jacobian",
    "squared_norm_jacobian", "squared_norm_of_product_grads",
    "StandardMap", "STANDARD_MAP_KEYS", "standard_map",
    "JacobianStructure", "describe_structure", "is_constant_jacobian",
    "JacobianComparison", "compare_jacobians", "jacobian_figure", "draw_comparison", "figure_png",
    "JacobianExplorer", "explore_jacobian",
]
