"""The entry points: :func:`diagnose` a gradient against its parameter and a reference, and
:func:`diagnose_slot` a gradient kept in a list slot (written into, or rebound?).

Layers keep ``params`` and ``grads`` as lists of arrays, and an optimizer holds the same
array objects. ``grads[0][...] = dW`` writes into the shared array; ``grads[0] = dW``
only points the list slot at a new array, so the optimizer keeps reading the old one.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .aliasing import find_aliased_input, find_modified_input
from .shape_rules import explain_shape_mismatch
from .value_rules import explain_wrong_values
from .verdict import DIAGNOSES, Finding, ShapeDiagnosis
from .wording import default_tolerance, fmt_index, fmt_shape, param_name_for


def _as_gradient(grad, name: str) -> tuple[np.ndarray | None, Finding | None]:
    """``grad`` as a numeric array, or a ``not-an-array`` finding saying what it is instead."""
    if grad is None:
        return None, Finding("not-an-array", f"{name} is None.",
                             why="The function computed something but did not `return` it.",
                             try_this=f"end the function with `return {name}`.")
    if isinstance(grad, (list, tuple)) and any(isinstance(item, np.ndarray) for item in grad):
        return None, Finding(
            "not-an-array", f"{name} is a {type(grad).__name__} of {len(grad)} arrays, not one array.",
            why="Several gradients were returned where one is expected (or one was wrapped in a list).",
            try_this=f"return only {name}, as a single NumPy array.")
    try:
        array = np.asarray(grad)
    except (ValueError, TypeError):  # ragged nested lists
        array = None
    if array is None or array.dtype.kind not in "iufc":
        kind = type(grad).__name__ if array is None or not isinstance(grad, np.ndarray) \
            else f"array of dtype {array.dtype}"
        return None, Finding("not-an-array", f"{name} is a {kind}, not a numeric array.",
                             why="A gradient holds one number per entry of the parameter.",
                             try_this="return a NumPy float array shaped like the parameter.")
    return array, None


def _as_reference(reference, param) -> tuple[np.ndarray | None, tuple[int, ...]]:
    """Validated reference and the expected shape; errors here are the caller's, not the learner's."""
    if reference is None and param is None:
        raise ValueError("diagnose needs a reference gradient, a parameter, or both, to know the expected shape")
    expected = tuple(np.shape(param)) if param is not None else None
    if reference is not None:
        reference = np.asarray(reference, dtype=np.float64)
        if expected is not None and reference.shape != expected:
            raise ValueError(f"the reference gradient has shape {fmt_shape(reference.shape)} but the "
                             f"parameter is {fmt_shape(expected)}: a reference must be shaped like its parameter")
        if not np.all(np.isfinite(reference)):
            raise ValueError("the reference gradient contains NaN or infinity")
        expected = reference.shape
    return reference, expected


def diagnose(grad, reference=None, *, param=None, name: str = "dW", param_name: str | None = None,
             batch_size: int | None = None, inputs=(), snapshots=None, rtol: float | None = None,
             atol: float = 1e-8, hints: Mapping[str, str] | None = None,
             show_values: bool = True, advice: Mapping[str, str] | None = None) -> ShapeDiagnosis:
    """Compare a gradient with its parameter and a reference; name the mistake if there is one.

    Args:
        grad: the learner's gradient, any shape (or None, a list, ...).
        reference: the right gradient, shaped like the parameter; None to check shapes only.
        param: the parameter itself (only its shape is used); defaults to the reference's shape.
        name: the gradient's name in the exercise, e.g. ``"dW"``, ``"db"``, ``"dx"``.
        param_name: the parameter's name; derived from ``name`` (``"dW" -> "W"``) when omitted.
        batch_size: N, when the parameter is shared across a batch; enables the
            ``missing-batch-sum``, ``wrong-axis`` and ``scaled-by-batch`` diagnoses.
        inputs: the arrays passed to the learner's function (an array, a sequence, or a
            mapping name -> array); ``grad`` must not be one of them (``aliased-input``).
        snapshots: copies of ``inputs`` taken before the call (see :func:`snapshot`); any
            input that no longer equals its copy is reported as ``input-modified``.
        rtol, atol: tolerances; ``rtol`` defaults to 1e-5 for float64, 1e-3 for float32.
        hints: extra exercise-specific sentences per diagnosis tag, e.g.
            ``{"transposed": "For y = x W, dW = x^T (dL/dy)."}``, added to the message.
        show_values: False keeps expected and input values out of the message (hidden
            test cases: feedback goes back to students); indices and factors are still named.
        advice: the exercise's own cause and remedy per diagnosis tag, *replacing* the
            generic ones (which speak of losses and the chain rule) where they would point
            a learner at another exercise's idea, e.g. ``{"sign-flipped": "Descent
            subtracts: param -= lr * grad."}``.

    Returns:
        A :class:`ShapeDiagnosis`; ``.ok`` is True only when the shape is the parameter's and
        (given a reference) the values match. Its ``diagnosis`` is one of :data:`DIAGNOSES`.

    The checks run in order: not an array, inputs modified, wrong shape (in its specific
    forms), input aliased, NaN/inf, then wrong values (in their specific forms).
    """
    for given in (hints, advice):
        if given is not None and not set(given) <= set(DIAGNOSES):
            raise ValueError(f"hints/advice have unknown diagnosis tags {sorted(set(given) - set(DIAGNOSES))}; "
                             f"known tags: {', '.join(DIAGNOSES)}")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    reference, expected = _as_reference(reference, param)
    param = param_name or param_name_for(name)
    array, finding = _as_gradient(grad, name)
    if finding is None and snapshots is not None:
        finding = find_modified_input(inputs, snapshots, show_values=show_values)
    if finding is None and array.shape != expected:
        tol = default_tolerance(array, rtol=rtol, atol=atol)
        finding = explain_shape_mismatch(array, reference, expected, name=name, param=param,
                                         batch_size=batch_size, tol=tol)
    if finding is None:
        finding = find_aliased_input(grad, inputs, name)
    if finding is None and not np.all(np.isfinite(array)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        finding = Finding("nan", f"{name}{fmt_index(index)} is {array[index]}: {name} contains NaN or infinity.",
                          why="Something overflowed or divided by zero: exp of a large number, "
                              "log(0), or 0/0 on the way down.",
                          try_this="print the intermediate values of the forward pass and find the first "
                                   "that is not finite.", index=index)
    if finding is None and reference is not None:
        tol = default_tolerance(array, rtol=rtol, atol=atol)
        if not tol.close(array, reference):
            finding = explain_wrong_values(array, reference, name=name, param=param,
                                           batch_size=batch_size, tol=tol, show_values=show_values)
    if finding is None:
        checked = "shape and values" if reference is not None else "shape"
        return ShapeDiagnosis(True, "ok", f"{name}: {checked} right ({name} is {fmt_shape(expected)}, like {param}).",
                              name, param, expected, expected)
    return ShapeDiagnosis(
        ok=False, diagnosis=finding.tag,
        message=_compose(finding, (hints or {}).get(finding.tag), (advice or {}).get(finding.tag)),
        name=name, param_name=param, shape=None if array is None else array.shape,
        expected_shape=expected, index=finding.index, factor=finding.factor, axis=finding.axis,
    )


def _compose(finding: Finding, hint: str | None, advice: str | None = None) -> str:
    """The learner message: what is wrong; the likely cause (and the exercise's hint); what to try.
    The exercise's ``advice`` replaces the generic cause and remedy."""
    if advice:
        return f"{finding.what}\n{advice}"
    lines = [finding.what]
    cause = " ".join(part for part in (finding.why, hint) if part)
    if cause:
        lines.append(cause)
    if finding.try_this:
        lines.append("Try: " + finding.try_this)
    return "\n".join(lines)


def diagnose_slot(current, original, reference=None, *, name: str = "grads[0]", **kwargs) -> ShapeDiagnosis:
    """Check that a gradient slot still holds ``original`` and that it now holds ``reference``.

    Args:
        current: what the slot holds after the learner's backward, e.g. ``layer.grads[0]``.
        original: the array object the slot held before the call (what an optimizer keeps).
        reference: the expected gradient, shaped like ``original``.
        name: how the learner writes the slot, e.g. ``"grads[0]"``.
        **kwargs: passed on to :func:`diagnose` (``param_name``, ``batch_size``, ``hints``...).

    Returns ``rebound`` when the slot holds another object than ``original``, otherwise the
    diagnosis of ``original``'s values (e.g. ``wrong-values`` if it was never written).
    """
    if current is not original:
        hint = (kwargs.get("hints") or {}).get("rebound")
        message = "\n".join(part for part in (
            f"{name} now holds a new array object: the assignment `{name} = ...` rebound the list slot, "
            f"and the array it held before (shape {fmt_shape(getattr(original, 'shape', ()))}), "
            f"which everyone holding a reference to it (a model's list, an optimizer, a layer) still "
            f"reads, was not updated.",
            "A list slot refers to an array; `=` changes which array it refers to, while "
            f"`{name}[...] = ...` writes into the array that everyone shares." + (f" {hint}" if hint else ""),
            f"Try: write into the array: `{name}[...] = new_values` (or `np.copyto({name}, new_values)`).",
        ))
        return ShapeDiagnosis(
            ok=False, diagnosis="rebound", message=message, name=name,
            param_name=kwargs.get("param_name") or "the parameter",
            shape=getattr(current, "shape", None), expected_shape=getattr(original, "shape", None),
        )
    return diagnose(original, reference, name=name, **kwargs)
