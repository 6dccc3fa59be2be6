"""Aliasing: a gradient that *is* an input, and inputs changed in place.

Both bugs give right-looking numbers at the moment of the check and wrong ones later,
when an optimizer or another node touches the shared memory; the checker catches them
by identity and by comparing the inputs with copies taken before the call.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .verdict import Finding
from .wording import fmt_index, fmt_number, fmt_shape, worst_index


def labelled(inputs) -> list[tuple[str, object]]:
    """``[(label, value), ...]`` for a mapping (labels are its keys), a sequence
    (``inputs[0]``, ...) or a single array (``input``)."""
    if inputs is None:
        return []
    if isinstance(inputs, np.ndarray):
        return [("input", inputs)]
    if isinstance(inputs, Mapping):
        return [(str(k), v) for k, v in inputs.items()]
    if isinstance(inputs, (list, tuple)):
        return [(f"inputs[{i}]", v) for i, v in enumerate(inputs)]
    raise TypeError(f"inputs must be an array, a sequence or a mapping of arrays, got {type(inputs).__name__}")


def snapshot(inputs):
    """Copies of ``inputs`` (same structure: array, sequence or mapping) to take *before*
    calling the learner's function, for ``diagnose(..., inputs=..., snapshots=...)``."""
    if isinstance(inputs, np.ndarray):
        return inputs.copy()
    if isinstance(inputs, Mapping):
        return {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v for k, v in inputs.items()}
    if isinstance(inputs, (list, tuple)):
        return [np.array(v, copy=True) if isinstance(v, np.ndarray) else v for v in inputs]
    raise TypeError(f"inputs must be an array, a sequence or a mapping of arrays, got {type(inputs).__name__}")


def find_modified_input(inputs, snapshots, show_values: bool = True) -> Finding | None:
    """The first array input that differs from its snapshot, as an ``input-modified`` finding
    (with the changed entry's old and new values if ``show_values``)."""
    now, before = labelled(inputs), labelled(snapshots)
    if len(now) != len(before):
        raise ValueError(f"snapshots must mirror inputs: {len(before)} snapshots for {len(now)} inputs")
    for (label, current), (_, original) in zip(now, before):
        if not isinstance(current, np.ndarray):
            continue
        original = np.asarray(original)
        if current.shape != original.shape:
            what = (f"Your function changed the input `{label}` in place: its shape went from "
                    f"{fmt_shape(original.shape)} to {fmt_shape(current.shape)}.")
            index = None
        elif np.array_equal(current, original, equal_nan=current.dtype.kind in "fc"):
            continue
        else:
            difference = np.abs(current - original) if current.dtype.kind in "iufc" else current != original
            index = worst_index(np.nan_to_num(np.asarray(difference, dtype=float), nan=np.inf))
            change = (f"was {fmt_number(original[index])} before the call and is {fmt_number(current[index])} "
                      f"after it" if show_values else "changed during the call")
            what = f"Your function changed the input `{label}` in place: `{label}{fmt_index(index)}` {change}."
        return Finding(
            "input-modified", what,
            why="A function must not change the arrays it is given unless that is its job (backward "
                "leaves the upstream gradient and the cache untouched): the same arrays feed other "
                "nodes, the next call, and the gradient check.",
            try_this=f"compute into a new array (`out = a * b` rather than `a *= b`, or `{label}.copy()` first).",
            index=index,
        )
    return None


def find_aliased_input(grad, inputs, name: str) -> Finding | None:
    """An ``aliased-input`` finding when ``grad`` is one of the array inputs or a writeable view of one.

    A read-only view (``np.broadcast_to(dout, shape)``, as DeZero and PyTorch return for a
    sum's backward) is safe: nothing can write through it (an optimizer's ``-=`` on it
    raises instead of corrupting the input). A writeable alias is what a later ``-=`` or
    ``grads[0][...] = ...`` silently corrupts."""
    if not isinstance(grad, np.ndarray) or not grad.flags.writeable:
        return None
    for label, value in labelled(inputs):
        if not isinstance(value, np.ndarray) or not np.shares_memory(grad, value):
            continue
        how = "is the very array object passed in as" if grad is value else "is a view of (shares memory with)"
        return Finding(
            "aliased-input",
            f"{name} {how} the input `{label}`, not a new array.",
            why="The numbers may be right today, but an in-place update of either (an optimizer's "
                "`-=`, or `grads[0][...] = ...`) silently changes the other.",
            try_this=f"return a new array: `{label}.copy()`, or an expression that builds one.",
        )
    return None
