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

Modules, each depending only on those listed before it: ``verdict`` (vocabulary,
Finding, ShapeDiagnosis, raise_for, explain), ``wording`` (phrases, Tolerance),
``shape_rules`` (a gradient of the wrong shape), ``value_rules`` (the right shape, wrong
values), ``aliasing`` (inputs modified or aliased), ``checker`` (diagnose,
diagnose_slot), ``drawing`` (draw_product).
"""
from __future__ import annotations

from .aliasing import snapshot
from .checker import diagnose, diagnose_slot
from .drawing import draw_product
from .verdict import DIAGNOSES, TAGS, ShapeDiagnosis, explain, raise_for
from .wording import Tolerance, default_tolerance

__all__ = [
    "diagnose", "diagnose_slot", "ShapeDiagnosis", "DIAGNOSES", "TAGS", "raise_for", "explain",
    "snapshot", "draw_product", "Tolerance", "default_tolerance",
]
