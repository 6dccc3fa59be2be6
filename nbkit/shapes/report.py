"""Turning a :class:`ShapeDiagnosis` into learner feedback: raise it, or print it."""
from __future__ import annotations

import sys

from ..feedback import CheckFailed, passed
from .result import ShapeDiagnosis
from .vocabulary import DIAGNOSES


def raise_for(result: ShapeDiagnosis, exercise: str = "") -> ShapeDiagnosis:
    """Raise ``CheckFailed(result.message, diagnosis=result.diagnosis, exercise=exercise)``
    when the result is not ok; return the result unchanged when it is."""
    if not isinstance(result, ShapeDiagnosis):
        raise TypeError(f"raise_for expects a ShapeDiagnosis from diagnose(), got {type(result).__name__}")
    if not result.ok:
        raise CheckFailed(result.message, diagnosis=result.diagnosis, exercise=exercise)
    return result


def explain(result: ShapeDiagnosis | str, file=None) -> None:
    """Print a short explanation for the learner.

    Given a :class:`ShapeDiagnosis`, print its verdict, its message and what its diagnosis
    means in general; given a tag such as ``"transposed"``, print what that tag means.
    """
    out = file or sys.stdout
    if isinstance(result, str):
        if result not in DIAGNOSES:
            raise ValueError(f"unknown diagnosis {result!r}; known tags: {', '.join(DIAGNOSES)}")
        print(f"{result}: {DIAGNOSES[result]}", file=out)
        return
    if not isinstance(result, ShapeDiagnosis):
        raise TypeError(f"explain expects a ShapeDiagnosis or a tag, got {type(result).__name__}")
    if result.ok:
        passed(result.message, file=out)
        return
    print(f"\u2718 {result.name}: {result.diagnosis}", file=out)
    for line in result.message.splitlines():
        print(f"  {line}", file=out)
    print(f"  ({result.diagnosis}: {DIAGNOSES[result.diagnosis]})", file=out)
