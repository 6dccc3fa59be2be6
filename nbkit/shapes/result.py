"""What the shape checker returns: a structured, printable diagnosis."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


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
        from .report import raise_for

        return raise_for(self, exercise=exercise)

    def explain(self, file=None) -> None:
        """Print the verdict and the short explanation of its diagnosis for the learner."""
        from .report import explain

        explain(self, file=file)

    def __str__(self) -> str:
        return self.message
