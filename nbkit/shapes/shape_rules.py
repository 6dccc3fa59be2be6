"""Rules for a gradient whose shape differs from its parameter's (not the math word "layout").

Each rule looks for one classic mistake and returns a :class:`Finding`, or None when the
mistake does not fit; :func:`explain_shape_mismatch` tries them from the most specific
to the least and falls back to a plain ``wrong-shape``. With a reference the rules check
values too (``grad.T`` must *match* before a gradient is called transposed); without one
they judge by shape alone.
"""
from __future__ import annotations

import numpy as np

from .verdict import Finding
from .wording import Tolerance, describe_vector, fmt_shape, vector_kind


def _squeezed(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1)


def _values_match(candidate: np.ndarray, reference: np.ndarray | None, tol: Tolerance) -> bool:
    return reference is not None and candidate.size == reference.size and \
        tol.close(candidate.reshape(reference.shape), reference)


def _head(name: str, param: str, grad_shape, expected_shape) -> str:
    return (f"{name} has shape {fmt_shape(grad_shape)} but {param} is {fmt_shape(expected_shape)}: "
            f"the shape convention wants {name} shaped like {param}, so that "
            f"`{param} -= lr * {name}` works.")


def row_vs_column(grad, reference, expected_shape, *, name, param, tol, **_) -> Finding | None:
    """A row (1, n) where the parameter is a column (n, 1), or either of them flat (n,)."""
    got, want = vector_kind(grad.shape), vector_kind(expected_shape)
    if got is None or want is None or got == want or grad.size != int(np.prod(expected_shape)):
        return None
    values = ("The numbers are right; only the layout is off." if _values_match(grad, reference, tol)
              else "Even laid out as a " + want + ", the values differ from the expected gradient, "
                   "so check them too.")
    if want == "column":
        why = (f"The pure Jacobian d(loss)/d{param} is a row (1 x n); the shape convention turns it "
               f"into a column, like {param}.")
    elif want == "row":
        why = f"{param} is a row here, so its gradient is a row too, not the column it would be in another layout."
    else:
        why = f"{param} is a flat vector, so its gradient is flat too (a 2-D row or column would broadcast wrongly)."
    keepdims = " (`keepdims=True` keeps a summed axis)" if got == "flat" else ""
    return Finding(
        "row-vs-column",
        f"{name} is {describe_vector(grad.shape)} but {param} is {describe_vector(expected_shape)}. {values}",
        why=why,
        try_this=f"build {name} with the shape of {param}{keepdims}, or end with `{name}.reshape({param}.shape)`.",
    )


def missing_batch_sum(grad, reference, expected_shape, *, name, param, batch_size, tol, **_) -> Finding | None:
    """One gradient per example, where summing over the batch axis gives the parameter's gradient."""
    size = int(np.prod(expected_shape))
    axes = [k for k in range(grad.ndim) if grad.shape[k] > 1 and grad.size // grad.shape[k] == size]
    # The batch axis first, when its length is known.
    axes.sort(key=lambda k: grad.shape[k] != batch_size)
    for axis in axes:
        summed = grad.sum(axis=axis)
        if _values_match(summed, reference, tol):
            remark = ""
        elif grad.shape[axis] == batch_size and _squeezed(summed.shape) == _squeezed(expected_shape):
            remark = " (Summed, the values still differ from the expected gradient, so check them too.)"
        else:
            continue
        n = grad.shape[axis]
        keepdims = ", keepdims=True" if summed.shape != tuple(expected_shape) and \
            grad.ndim == len(expected_shape) else ""
        return Finding(
            "missing-batch-sum",
            f"{name} has shape {fmt_shape(grad.shape)}: one gradient for each of the {n} examples along "
            f"axis {axis}, but {param} is {fmt_shape(expected_shape)} and is shared by all of them.{remark}",
            why=f"Every example reaches the loss through the same {param}, so their gradients add up: "
                f"the backward of a broadcast (a Repeat node) is a sum over the copies.",
            try_this=f"sum over the batch axis: `np.sum(..., axis={axis}{keepdims})`.",
            axis=axis,
        )
    return None


def wrong_axis(grad, reference, expected_shape, *, name, param, batch_size, **_) -> Finding | None:
    """The shape a sum over a feature axis (instead of the batch axis) produces."""
    if not batch_size or grad.size == int(np.prod(expected_shape)):
        return None
    per_example = (batch_size,) + _squeezed(expected_shape)
    for axis in range(1, len(per_example)):
        if per_example[:axis] + per_example[axis + 1:] == _squeezed(grad.shape):
            return Finding(
                "wrong-axis",
                f"{name} has shape {fmt_shape(grad.shape)}, one number per example of the batch of "
                f"{batch_size}, but {param} is {fmt_shape(expected_shape)}: the sum ran over the "
                f"features instead of over the batch.",
                why=f"{param} is shared by the examples, not by the features: its gradient adds up the "
                    f"per-example gradients over the batch axis and keeps one entry per feature.",
                try_this="sum over the batch axis (axis 0 when examples are rows), not over the features.",
                axis=axis,
            )
    return None


def transposed(grad, reference, expected_shape, *, name, param, tol, **_) -> Finding | None:
    """The shape is the parameter's reversed and ``grad.T`` holds the expected values."""
    if grad.ndim != 2 or grad.shape != tuple(expected_shape)[::-1] or reference is None \
            or not tol.close(grad.T, reference):
        return None
    return Finding(
        "transposed",
        _head(name, param, grad.shape, expected_shape) + f" {name}.T has exactly the expected values.",
        why="A product was taken the wrong way round, or one factor is missing a transpose: "
            "(A B)^T = B^T A^T.",
        try_this=f"write the shape under each factor and order them so the product comes out "
                 f"{fmt_shape(expected_shape)}.",
    )


def reshaped(grad, reference, expected_shape, *, name, param, tol, **_) -> Finding | None:
    """The right numbers in another layout: flattened (Jacobian form) or in column-major order."""
    if reference is None or grad.size != reference.size or grad.size <= 1:
        return None
    if _values_match(grad, reference, tol):
        why = (f"These are the numbers of d(loss)/d{param} in Jacobian form (laid out as one row "
               f"or vector); the shape convention arranges them like {param}.")
        fix = f"`{name}.reshape({param}.shape)`"
    elif len(expected_shape) == 2 and _values_match(
            grad.reshape(tuple(expected_shape)[::-1]).T, reference, tol):
        why = ("The numbers are right but listed column by column (denominator layout, or "
               "Fortran order), so a plain reshape scrambles them.")
        fix = f"`{name}.reshape({param}.shape, order='F')`"
    else:
        return None
    return Finding("wrong-shape", _head(name, param, grad.shape, expected_shape), why=why,
                   try_this=f"compute it in the shape of {param} from the start, or end with {fix}.")


RULES = (row_vs_column, missing_batch_sum, wrong_axis, transposed, reshaped)


def explain_shape_mismatch(grad: np.ndarray, reference: np.ndarray | None, expected_shape, *,
                           name: str, param: str, batch_size: int | None, tol: Tolerance) -> Finding:
    """The most specific finding for a ``grad`` whose shape is not ``expected_shape``."""
    for rule in RULES:
        finding = rule(grad, reference, expected_shape, name=name, param=param,
                       batch_size=batch_size, tol=tol)
        if finding is not None:
            return finding
    if grad.ndim == 2 and grad.shape == tuple(expected_shape)[::-1]:
        why = (f"The shape is {param}'s transposed, but even {name}.T does not hold the expected "
               f"values, so more than the order of a product is off.")
    elif grad.size == 1 and int(np.prod(expected_shape)) > 1:
        why = "A single number: was the sum taken over every axis instead of only the batch axis?"
    else:
        why = "Some factor has a different shape than the formula assumes."
    return Finding("wrong-shape", _head(name, param, grad.shape, expected_shape), why=why,
                   try_this=f"write the shape under each factor of your formula; the result must "
                            f"come out {fmt_shape(expected_shape)}.")
