"""Diagnoses for a gradient with the right shape but the wrong values.

Tried in order: a square gradient that holds the transpose of the answer, a gradient
that is a constant multiple of the answer (2, 1/2, the batch size, -1), and finally plain
wrong values, reported at the entry that is furthest off.
"""
from __future__ import annotations

import numpy as np

from .verdict import Finding
from .wording import Tolerance, fmt_factor, fmt_index, fmt_number, fmt_shape, worst_index

# How close a fitted scale factor must be to 2, 1/2, -1 or the batch size to be called that.
_FACTOR_RTOL = 1e-3


def _near(value: float, target: float) -> bool:
    return abs(value - target) <= _FACTOR_RTOL * abs(target)


def transposed_square(grad, reference, *, name, param, tol, **_) -> Finding | None:
    """A square gradient whose transpose (and not itself) matches the reference."""
    if grad.ndim != 2 or grad.shape[0] != grad.shape[1] or not tol.close(grad.T, reference):
        return None
    return Finding(
        "transposed",
        f"{name} has the right shape {fmt_shape(grad.shape)} but holds the transpose of the "
        f"gradient: {name}.T matches. (With a square {param} the shapes cannot warn you.)",
        why="A product was taken the wrong way round, or one factor is missing a transpose: "
            "(A B)^T = B^T A^T.",
        try_this="check the formula with a non-square example, where the shapes tell the orders apart.",
    )


def _scale_factor(grad: np.ndarray, reference: np.ndarray, tol: Tolerance) -> float | None:
    """The c with ``grad == c * reference`` (least squares, then verified), or None."""
    reference = reference.astype(np.float64)
    norm2 = float(np.vdot(reference, reference))
    if norm2 == 0.0:
        return None
    factor = float(np.vdot(reference, grad.astype(np.float64))) / norm2
    return factor if tol.close(grad, factor * reference) else None


def scaled(grad, reference, *, name, param, batch_size, tol, **_) -> Finding | None:
    """Every entry off by the same factor: 2, 1/2, the batch size (either way), or -1."""
    factor = _scale_factor(grad, reference, tol)
    if factor is None or _near(factor, 1.0) or abs(factor) < 1e-12:
        return None
    times = f"every entry of {name} is {fmt_factor(factor)} times the expected value"
    if batch_size and batch_size > 1 and (_near(factor, batch_size) or _near(factor, 1 / batch_size)):
        bigger = factor > 1
        return Finding(
            "scaled-by-batch",
            f"{name} has the right shape {fmt_shape(grad.shape)} but {times}: "
            f"{'too large' if bigger else 'too small'} by the batch size {batch_size}.",
            why="The loss is an average over the batch (or a sum): the 1/N of the forward pass "
                f"{'is missing from' if bigger else 'was applied twice, or appears only in'} the backward pass.",
            try_this="make forward and backward agree: divide by N exactly once, where the loss is averaged.",
            factor=factor,
        )
    if _near(factor, -1.0):
        return Finding(
            "sign-flipped",
            f"{name} has the right shape and size but the opposite sign: {name} == -expected.",
            why="A minus sign was lost or added in the chain: d(-u)/du = -1, d(a - b)/db = -1, "
                "and a descent step subtracts the gradient (it does not add it).",
            try_this="follow the signs node by node from the loss down to " + param + ".",
            factor=factor,
        )
    for target, tag, why in (
        (2.0, "scaled-by-2", "A factor 2 was counted twice, or the loss is (1/2)||.||^2 and the 1/2 was "
                             "forgotten in the gradient."),
        (0.5, "scaled-by-half", "A factor 2 was dropped: d(u^2)/du = 2u, and d||q||^2/dq = 2q."),
    ):
        if _near(factor, target):
            return Finding(tag, f"{name} has the right shape {fmt_shape(grad.shape)} but {times}.",
                           why=why, try_this="compare your formula with the loss term by term, "
                                             "including its constant factors.", factor=factor)
    if grad.size == 1:  # any two numbers differ by "a factor": say which entry is off instead
        return None
    return Finding(
        "wrong-values",
        f"{name} has the right shape {fmt_shape(grad.shape)} but {times}.",
        why="The direction is right and a constant factor is off: a learning rate, a normalisation "
            "or a stray constant ended up in the gradient.",
        try_this="look for a constant you multiplied or divided by that the loss does not contain.",
        factor=factor,
    )


def wrong_values(grad, reference, *, name, tol, show_values=True, **_) -> Finding:
    """Plain wrong values, located at the worst entry (its values shown if ``show_values``)."""
    difference = grad.astype(np.float64) - reference
    index = worst_index(difference) if grad.ndim else ()
    wrong = int(np.sum(np.abs(difference) > tol.bound(reference)))
    if not np.any(grad):
        why = "It is all zeros: was the result computed but never returned, or never written into the array?"
    elif wrong < grad.size:
        why = "Only some entries are off: look at what is special about them (an edge, a branch, a repeated index)."
    else:
        why = "No single common mistake (transpose, missing sum, constant factor, sign) explains the difference."
    worst = (f"{name}{fmt_index(index)} is {fmt_number(grad[index])} where {fmt_number(reference[index])} "
             f"is expected" if show_values else f"the entry furthest off is {name}{fmt_index(index)}")
    return Finding(
        "wrong-values",
        f"{name} has the right shape {fmt_shape(grad.shape)} but wrong values: {worst} "
        f"({wrong} of {grad.size} entries differ).",
        why=why,
        try_this="recompute that entry by hand with the chain rule, or compare against a numerical gradient.",
        index=index,
    )


def explain_wrong_values(grad: np.ndarray, reference: np.ndarray, *, name: str, param: str,
                         batch_size: int | None, tol: Tolerance, show_values: bool = True) -> Finding:
    """The most specific finding for a right-shaped ``grad`` that does not match ``reference``."""
    for rule in (transposed_square, scaled):
        finding = rule(grad, reference, name=name, param=param, batch_size=batch_size, tol=tol)
        if finding is not None:
            return finding
    return wrong_values(grad, reference, name=name, tol=tol, show_values=show_values)
