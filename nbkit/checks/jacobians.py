"""Judging a Jacobian: the classic mistakes first, then its layout in Jacobian terms.

Notebook 02 writes every Jacobian as a 2-D array in numerator layout (m x n for
f: R^n -> R^m, a 1 x n row for a scalar f). :func:`judge_jacobian` compares a learner's
Jacobian with a numerical one: a catalogued mistake (:class:`~nbkit.checks.kit.Mistake`),
a property rule (e.g. "an elementwise map's Jacobian is diagonal"), then
:func:`nbkit.shapes.diagnose`, whose shape findings are reworded for Jacobians (rows are
outputs, columns are inputs). Gradients shaped like their variable (``param_name``) keep
the shape-convention wording.
"""
from __future__ import annotations

from typing import Callable, List, Optional, Sequence

import numpy as np

from nbkit.checks.kit import Exercise, Mistake, close, find_mistake
from nbkit.shapes import diagnose

_LAYOUT_TAGS = {"transposed", "row-vs-column", "wrong-shape", "missing-batch-sum", "wrong-axis"}


def _layout_message(answer, reference, *, name: str, of: str, wrt: str, diagnosis: str,
                    values_right: bool) -> str:
    """A shape mismatch, explained in Jacobian terms (numerator layout)."""
    m, n = reference.shape
    got = np.shape(answer)
    head = (f"{name} has shape {got} but the Jacobian d{of}/d{wrt} is {m} × {n}: in numerator layout it "
            f"has one row per output ({m}) and one column per input ({n}).")
    if len(got) == 2 and got == (n, 1) and m == 1:
        return (head + " You returned a column: that is the gradient shaped like the variable (denominator "
                "layout), not the Jacobian of a scalar, which is a 1 × n row."
                + (" The numbers are right." if values_right else "")
                + "\nTry: `.reshape(1, -1)`, or build it as a row from the start.")
    if diagnosis == "transposed" or (len(got) == 2 and got == (n, m) and values_right):
        return (head + f" {name}.T holds exactly the right numbers: you wrote it {n} × {m}, the denominator "
                f"layout (one row per input).\nTry: build the rows from the outputs: row i holds the derivatives "
                f"of output i with respect to every input.")
    if len(got) == 1:
        return (head + f" A 1-D array has no rows or columns; in this notebook every Jacobian is a 2-D array"
                + (" (your numbers are right)." if values_right else ".")
                + f"\nTry: return a {m} × {n} array" + (", e.g. `.reshape(1, -1)` for a row." if m == 1 else "."))
    return head + ("\nThe numbers are right but arranged differently; build the matrix entry by entry "
                   "J[i, j] = d output_i / d input_j." if values_right else
                   "\nTry: write down m (outputs) and n (inputs) first, then build an m × n array.")


def judge_jacobian(ex: Exercise, answer, reference, *, name: str, of: str, wrt: str, case: str,
           mistakes: Sequence[Mistake] = (), rules: Sequence[Callable] = (), inputs=(), snapshots=None,
           param_name: Optional[str] = None) -> None:
    """Fail unless ``answer`` equals ``reference``; name the mistake if it is a known one.

    ``reference`` is a numerical Jacobian (2-D, numerator layout) or, with ``param_name``,
    a gradient shaped like that parameter (shape-convention wording from nbkit.shapes).
    ``mistakes`` are this case's classic wrong answers (``wrong()`` takes no arguments);
    ``rules(answer) -> (tag, message) | None`` test properties (e.g. "not diagonal").
    """
    reference = np.asarray(reference, dtype=float)
    mistake = find_mistake(answer, mistakes, (), reference)
    if mistake is not None:
        ex.fail(f"{name} is wrong ({case}). {mistake.explain()}", mistake.tag)
    if isinstance(answer, np.ndarray) and answer.shape == reference.shape and answer.dtype.kind in "biuf":
        for rule in rules:
            found = rule(answer)
            if found:
                ex.fail(f"{name} is wrong ({case}). {found[1]}", found[0])
    result = diagnose(answer, reference, name=name, param_name=param_name or f"the Jacobian d{of}/d{wrt}",
                      inputs=inputs, snapshots=snapshots, show_values=not ex.hidden)
    if result.ok:
        return
    if param_name is None and result.diagnosis in _LAYOUT_TAGS:
        arr = np.asarray(answer, dtype=float)
        values_right = arr.size == reference.size and (
            close(arr.reshape(-1), reference.reshape(-1), 1e-5)
            or (arr.ndim == 2 and close(arr.T, reference, 1e-5)))
        message = _layout_message(answer, reference, name=name, of=of, wrt=wrt,
                                  diagnosis=result.diagnosis, values_right=values_right)
        ex.fail(f"{name} is wrong ({case}). {message}", result.diagnosis)
    ex.fail(f"{name} is wrong ({case}). {result.message}", result.diagnosis)


def elementwise_rules(what: str) -> List[Callable]:
    """Property: an elementwise map's Jacobian is diagonal (h_i depends on z_i alone)."""
    def not_diagonal(J):
        off = J - np.diag(np.diag(J))
        if np.max(np.abs(off)) <= 1e-9 * max(1.0, np.max(np.abs(J))):
            return None
        d = np.diag(J)
        broadcast = np.allclose(J, d[None, :]) or np.allclose(J, d[:, None])
        if broadcast:
            return ("broadcast-full", f"Every row (or column) repeats the same numbers: {what} was broadcast over a full "
                    f"n × n matrix. But h_i = f(z_i) depends on z_i alone, so dh_i/dz_j = 0 for i ≠ j: the "
                    f"Jacobian is diag(f'(z)), zero off the diagonal.\nTry: `np.diag(...)` of the vector of derivatives.")
        return ("not-diagonal", f"It has non-zero entries off the diagonal. h_i = f(z_i) depends on z_i alone, so "
                f"dh_i/dz_j = 0 for i ≠ j: the Jacobian of an elementwise map is diag(f'(z)).")
    return [not_diagonal]
