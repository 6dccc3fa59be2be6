"""The mathematical definitions that checks differentiate, written once.

A check's oracle is a numerical derivative of a function's *definition*; these are those
definitions, forward values only. They are the textbook formulas a learner reads in the
notebook's markdown, kept here so that every check differentiates the same thing. No
gradient lives here: gradients are the learner's exercises, and checks get them
numerically (:mod:`nbkit.gradcheck`).

Shapes: every function is elementwise on an array of any shape, except ``softmax`` and
``cross_entropy``, which work along the last axis, ``max_margin``, which averages, and the
whole-model losses of notebook 05 (``two_layer_loss``, ``mlp_scores``, ``l2_penalty``), whose
docstrings give their shapes.
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


# -- notebook 05: activations, the two-layer network, the MLP, L2 ------------------------

def tanh(z):
    """tanh(z) = 2 sigma(2z) - 1, elementwise."""
    return np.tanh(np.asarray(z, dtype=float))


def hard_tanh(z):
    """-1 for z < -1, z on [-1, 1], 1 for z > 1, elementwise."""
    return np.clip(np.asarray(z, dtype=float), -1.0, 1.0)


def softsign(z):
    """z / (1 + |z|), elementwise."""
    z = np.asarray(z, dtype=float)
    return z / (1.0 + np.abs(z))


def leaky_relu(z, alpha=0.01):
    """z for z > 0, alpha z otherwise, elementwise."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


def two_layer_loss(x, w1, w2, y):
    """Squared error sum((sigmoid(x w1) w2 - y)^2) of the bias-free two-layer network.

    x: (N, D_in), w1: (D_in, H), w2: (H, D_out), y: (N, D_out) -> a float.
    """
    return float(np.sum((sigmoid(x @ w1) @ w2 - y) ** 2))


def mlp_scores(X, params):
    """Scores of an L-layer MLP: ReLU after every layer but the last.

    X: (N, D); params: W1 (D, H1), b1 (H1,), ..., WL (H_{L-1}, C), bL (C,) -> (N, C).
    """
    a = np.asarray(X, dtype=float)
    n_layers = len(params) // 2
    for l in range(1, n_layers + 1):
        a = a @ params[f"W{l}"] + params[f"b{l}"]
        if l < n_layers:
            a = relu(a)
    return a


def l2_penalty(params, reg):
    """(reg / 2) × the sum of squared entries of every weight matrix (keys starting with "W").

    Biases (keys starting with "b") are not penalised. params: name -> array -> a float.
    """
    return float(0.5 * reg * sum(np.sum(np.asarray(v, dtype=float) ** 2)
                                 for k, v in params.items() if k.startswith("W")))


def max_margin(s, s_c):
    """Mean over pairs of the hinge max(0, 1 - s + s_c) (CS224n's window scorer).

    s: (N,) scores of true windows; s_c: (N,) scores of their corrupted windows -> a float.
    """
    s, s_c = np.asarray(s, dtype=float), np.asarray(s_c, dtype=float)
    return float(np.mean(np.maximum(0.0, 1.0 - s + s_c)))
