"""nbkit.shapes: the shape-convention checker.

Compare a learner's gradient with its parameter and with a reference, and name the
mistake in the language of the math::

    >>> from nbkit.shapes import diagnose
    >>> result = diagnose(dW, reference, name="dW", batch_size=N)
    >>> result.ok, result.diagnosis
    (False, 'transposed')
    >>> result.raise_if_failed(exercise="affine_backward")   # CheckFailed for the learner

``diagnose`` returns a :class:`ShapeDiagnosis` whose ``diagnosis`` is a tag from the
fixed vocabulary :data:`DIAGNOSES` (``"ok"``, ``"wrong-shape"``, ``"transposed"``,
``"missing-batch-sum"``, ``"wrong-axis"``, ``"row-vs-column"``, ``"scaled-by-2"``,
``"scaled-by-half"``, ``"scaled-by-batch"``, ``"sign-flipped"``, ``"aliased-input"``,
``"input-modified"``, ``"rebound"``, ``"wrong-values"``, ``"not-an-array"``, ``"nan"``).
See docs/shapes.md.
"""
from __future__ import annotations

from .aliasing import snapshot
from .checker import diagnose
from .drawing import draw_product
from .report import explain, raise_for
from .result import ShapeDiagnosis
from .slots import diagnose_slot
from .tolerance import Tolerance, default_tolerance
from .vocabulary import DIAGNOSES, TAGS

__all__ = [
    "diagnose", "diagnose_slot", "ShapeDiagnosis", "DIAGNOSES", "TAGS", "raise_for", "explain",
    "snapshot", "draw_product", "Tolerance", "default_tolerance",
]
