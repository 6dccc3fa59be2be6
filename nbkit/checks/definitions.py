"""The mathematical definitions that checks differentiate, written once.

A check's oracle is a numerical derivative of a function's *definition*; these are those
definitions, forward values only. They are the textbook formulas a learner reads in the
notebook's markdown, kept here so that every check differentiates the same thing. No
gradient lives here: gradients are the learner's exercises, and checks get them
numerically (:mod:`nbkit.gradcheck`).

Shapes: every function is elementwise on an array of any shape, except ``softmax`` and
``cross_entropy``, which work along the last axis, and ``max_margin``, which averages.
"""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    """1 / (1 + e^-z), elementwise; stable for large |z| (no overflow warning)."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out if out.ndim else float(out)


def relu(z):
    """max(z, 0), elementwise."""
    return np.maximum(z, 0.0)


def softmax(scores):
    """e^s / sum e^s along the last axis (max subtracted first, so large scores do not overflow).

    scores: (..., C) -> probabilities (..., C), each row summing to 1.
    """
    scores = np.asarray(scores, dtype=float)
    shifted = scores - np.max(scores, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy(scores, labels):
    """Mean over the batch of -log softmax(scores)[label].

    scores: (N, C) float; labels: (N,) ints in [0, C) -> a float.
    """
    scores = np.asarray(scores, dtype=float)
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.mean(log_probs[np.arange(len(labels)), labels]))


def max_margin(s, s_c):
    """Mean over pairs of the hinge max(0, 1 - s + s_c) (CS224n's window scorer).

    s: (N,) scores of true windows; s_c: (N,) scores of their corrupted windows -> a float.
    """
    s, s_c = np.asarray(s, dtype=float), np.asarray(s_c, dtype=float)
    return float(np.mean(np.maximum(0.0, 1.0 - s + s_c)))
