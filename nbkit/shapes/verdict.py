"""What the shape checker says: its vocabulary, its verdict, and turning a verdict into feedback.

:data:`DIAGNOSES` is the checker's closed vocabulary, with each tag's meaning read from
the one registry (:mod:`nbkit.diagnoses`; no second list of meanings here). A rule
returns a :class:`Finding`; :func:`nbkit.shapes.diagnose` turns it into a
:class:`ShapeDiagnosis`, which :func:`raise_for` raises as learner feedback and
:func:`explain` prints.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import NamedTuple

from nbkit.diagnoses import SHAPE_TAGS, meaning
from nbkit.feedback import CheckFailed, passed

#: The tags the shape checker can give, each with its registered meaning. A new kind of
#: mistake is registered in nbkit.diagnoses (and gets a fixture in
#: tests/test_shapes_catalogue.py) before the checker may return it.
DIAGNOSES: dict[str, str] = {tag: meaning(tag) for tag in SHAPE_TAGS}

TAGS: tuple[str, ...] = tuple(SHAPE_TAGS)


class Finding(NamedTuple):
    """One diagnosis found by a rule, before the checker adds names and the caller's hint.

    ``what`` states the problem with the shapes involved, ``why`` the likely cause in the
    language of the math, ``try_this`` the next thing to try.
    """

    tag: str
    what: str
    why: str = ""
    try_this: str = ""
    index: tuple[int, ...] | None = None
    factor: float | None = None
    axis: int | None = None


@dataclass(frozen=True)
class ShapeDiagnosis:
    """The verdict on one gradient.

    Attributes:
        ok: True when the gradient is right (shape and, if a reference was given, values).
        diagnosis: a tag from :data:`nbkit.shapes.DIAGNOSES` (``"ok"``, ``"transposed"``...).
        message: the learner-facing text: what is wrong, the likely cause, what to try.
        name: the gradient's name as the learner knows it (``"dW"``).
        param_name: the parameter it belongs to (``"W"``).
        shape: the gradient's shape, or None when it was not an array.
        expected_shape: the parameter's shape.
        index: the worst entry (wrong values, NaN) or the changed entry of a modified input.
        factor: the constant the gradient is off by (scaled, sign-flipped), if any.
        axis: the axis involved (missing sum, sum over the wrong axis), if any.
    """

    ok: bool
    diagnosis: str
    message: str
    name: str
    param_name: str
    shape: tuple[int, ...] | None
    expected_shape: tuple[int, ...] | None
    index: tuple[int, ...] | None = None
    factor: float | None = None
    axis: int | None = None

    def raise_if_failed(self, exercise: str = "") -> "ShapeDiagnosis":
        """Raise :class:`nbkit.feedback.CheckFailed` unless ``ok``; return self otherwise."""
        return raise_for(self, exercise=exercise)

    def explain(self, file=None) -> None:
        """Print the verdict and the short explanation of its diagnosis for the learner."""
        explain(self, file=file)

    def __str__(self) -> str:
        return self.message


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
