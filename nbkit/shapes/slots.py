"""Gradients kept in lists: was the slot written into, or rebound to a new array?

Layers keep ``params`` and ``grads`` as lists of arrays, and an optimizer holds the same
array objects. ``grads[0][...] = dW`` writes into the shared array; ``grads[0] = dW``
only points the list slot at a new array, so the optimizer keeps reading the old one.
"""
from __future__ import annotations

from .checker import diagnose
from .result import ShapeDiagnosis
from .wording import fmt_shape


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
