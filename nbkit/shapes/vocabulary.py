"""The fixed vocabulary of diagnoses the shape checker can give.

Graders and class reports count these tags, so the set is closed: a new kind of mistake
gets a new entry here (and a fixture in ``tests/test_shapes_catalogue.py``) before the
checker may return it. Each tag maps to one sentence a learner can read on its own.
"""
from __future__ import annotations

DIAGNOSES: dict[str, str] = {
    "ok": "The gradient has the parameter's shape and the expected values.",
    "not-an-array": "The function returned nothing, or something that is not a numeric array.",
    "input-modified": "The function changed one of its inputs in place; backward must leave "
                      "the upstream gradient and the cache untouched.",
    "aliased-input": "The function returned the very array object it was given (or a view of "
                     "it), so a later in-place update of one silently changes the other.",
    "rebound": "A slot of the gradient list was rebound to a new array instead of written "
               "into, so whoever holds the old array (an optimizer) never sees the update.",
    "wrong-shape": "The gradient does not have the parameter's shape, which the shape "
                   "convention requires so that theta -= lr * grad works.",
    "transposed": "The gradient holds the transpose of the right answer: a product was "
                  "taken the wrong way round, or one factor needs a transpose.",
    "missing-batch-sum": "The gradient has one entry per example: a parameter shared by the "
                         "whole batch needs the per-example gradients summed over the batch axis.",
    "wrong-axis": "The gradient was summed over the wrong axis: over the features instead "
                  "of over the batch.",
    "row-vs-column": "The values are right but a row vector was returned where the parameter "
                     "is a column (or the other way round, or a flat vector).",
    "scaled-by-2": "Every entry is twice the right value: a factor 2 counted twice, or "
                   "forgotten in a (1/2)||.||^2.",
    "scaled-by-half": "Every entry is half the right value: a factor 2 was dropped, e.g. "
                      "d(x^2)/dx = 2x.",
    "scaled-by-batch": "Every entry is off by the batch size: an average over the batch "
                       "taken in one pass (forward or backward) but not the other.",
    "sign-flipped": "The gradient has the right size but the opposite sign: a minus sign "
                    "was lost (or added) somewhere in the chain.",
    "wrong-values": "The shape is right but the values are not, and no single common "
                    "mistake explains the difference.",
    "nan": "The gradient contains NaN or infinity: an overflow, a division by zero or the "
           "log of zero upstream.",
}

TAGS: tuple[str, ...] = tuple(DIAGNOSES)
