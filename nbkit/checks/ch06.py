"""Checks for notebook 06, sections 1-3 and 6: the NER window classifier's model by hand.

Windows, the layer shapes, the forward pass and the backward pass; the objectives and the
training (sections 4-5 and 7-9) are in :mod:`nbkit.checks.ch06_training`, re-exported here
so that the notebook calls every check as ``ch06.check_...``.

Every check runs the learner's own function on small seeded cases (a vocabulary of a few
words, where padding and repeated words occur in every batch) and compares it with an
oracle: numerical gradients (:mod:`nbkit.gradcheck`) of the model's *definition*, written
inline as the lecture writes it (x = [L w_{t-2}; ...; L w_{t+2}], h = relu(W x + b),
scores = U h + c), the forward definitions of :mod:`nbkit.checks.definitions`, or
properties. A wrong answer is compared with the
catalogue of classic mistakes of its exercise and named.

The model's conventions (the notebook's section 2): a batch of N windows is an int array
``windows`` (N, F) of row indices into the embedding matrix L (V, d); x is (N, F*d);
W (H, F*d), b (H,), U (C, H), c (C,), as in the lecture (W x + b with x a column),
applied to a batch of rows as ``x @ W.T + b``.

Cases are tuples of sizes and a seed; hidden test cells pass their own. With
``hidden=True`` messages name a case by number and show no values.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from nbkit.checks import definitions
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.gradcheck import numerical_gradient

# The objectives and training (sections 4-5 and 7-9) live in their own module; notebook 06
# reaches every check as ch06.check_...
from nbkit.checks.ch06_training import (  # noqa: F401, E402
    check_gradcheck_model, check_max_margin, check_run_epoch, check_sgd_step, check_softmax_loss)

__all__ = ["check_make_windows", "check_layer_shapes", "check_forward", "check_softmax_loss",
           "check_max_margin", "check_backward", "check_sgd_step", "check_run_epoch",
           "check_gradcheck_model"]


# ---------------------------------------------------------------------------- 1. windows

def _windows_off_by_one(ids, pad, size):
    """Window t centred on word t+1: the padding put on one side only."""
    padded = [pad] * size + list(ids) + [pad] * size
    T = len(ids)
    return np.array([padded[t + 1:t + 2 * size + 2] if t + 2 * size + 2 <= len(padded)
                     else padded[t + 1:] + [pad] for t in range(T)], dtype=float)


def _windows_extra_left(ids, pad, size):
    """One padding token too many on the left: window t is centred on word t-1."""
    padded = [pad] * (size + 1) + list(ids) + [pad] * size
    return np.array([padded[t:t + 2 * size + 1] for t in range(len(ids))], dtype=float)


def _windows_wrapped(ids, pad, size):
    """np.roll-style windows: the words at one end of the sentence wrap around to the other."""
    ids = np.asarray(ids)
    return np.stack([np.roll(ids, size - k) for k in range(2 * size + 1)], axis=1).astype(float)


def _windows_on_padding(ids, pad, size):
    """One window centred on every position of the padded sentence, padding included."""
    padded = [pad] * (2 * size) + list(ids) + [pad] * (2 * size)
    return np.array([padded[t:t + 2 * size + 1] for t in range(len(ids) + 2 * size)], dtype=float)


WINDOW_MISTAKES = [
    Mistake("padding-labelled", _windows_on_padding,
            "There is one window for each padding token as well as for each word, so the "
            "padding would need labels of its own. Padding only fills the edges of windows: a "
            "sentence of T words has exactly T windows, window t centred on word t."),
    Mistake("window-off-by-one", _windows_off_by_one,
            "Window t is centred on word t+1 (or t-1): the slice starts one place off. With "
            "`size` padding tokens on the left, word t sits at position t + size of the padded "
            "sentence, so its window is padded[t : t + 2*size + 1]."),
    Mistake("window-off-by-one", _windows_extra_left,
            "Window t is centred on word t-1: there is one padding token too many on the left. "
            "Pad with exactly `size` tokens on each side (2 for a window of 5)."),
    Mistake("wrapped-edges", _windows_wrapped,
            "At the sentence edges your windows wrap around: the first word's left context is "
            "the last words of the sentence (what np.roll does). Words outside the sentence "
            "must be the padding token."),
]


def _reference_windows(ids, pad, size):
    T = len(ids)
    out = np.full((T, 2 * size + 1), pad, dtype=float)
    for t in range(T):
        for k in range(-size, size + 1):
            if 0 <= t + k < T:
                out[t, k + size] = ids[t + k]
    return out


def check_make_windows(make_windows, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``make_windows(ids, pad_id, size)`` -> (T, 2*size+1) ints: window t centred on word t.

    A case is ``(ids, pad_id, size)``.
    """
    ex = Exercise("make_windows", hidden=hidden)
    cases = cases or [([5, 8, 3, 9], 0, 2), ([7], 1, 2), ([4, 4, 6, 2, 3, 5, 8], 0, 1)]
    for i, (ids, pad, size) in enumerate(cases):
        case = ex.case(i, f"ids={list(ids)}, pad_id={pad}, size={size}")
        got = ex.call(make_windows, np.array(ids), pad, size,
                      what=f"make_windows(ids, pad_id, size)" + ex.show(f" on {case}"))
        T, width = len(ids), 2 * size + 1
        answer = ex.array(got, what=f"make_windows on {case}")
        want = _reference_windows(list(ids), pad, size)
        if answer.shape != want.shape:
            wrong = _windows_on_padding(list(ids), pad, size)
            if answer.shape == wrong.shape:
                ex.fail(f"windows have shape {answer.shape} on {case}, where a sentence of {T} words "
                        f"needs ({T}, {width}). {WINDOW_MISTAKES[0].why}", "padding-labelled")
            ex.fail(f"windows should have shape ({T}, {width}) on {case}: one row per word, "
                    f"2*size + 1 = {width} columns; yours have shape {answer.shape}.", "wrong-shape")
        ex.judge(answer, want, name="the windows", case=case, mistakes=WINDOW_MISTAKES,
                 args=(list(ids), pad, size),
                 otherwise="Window t holds words t-size .. t+size, with pad_id where that runs "
                           "past either end of the sentence.")
        if not np.issubdtype(np.asarray(got).dtype, np.integer):
            ex.fail(f"the windows hold the right numbers but as {np.asarray(got).dtype}: they index "
                    "rows of L, so they must be integers (L[windows] fails with floats).", "not-integer")
    ex.passed(f"one window per word, padded at both edges, on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 2. shapes

_SHAPE_NAMES = ("x", "W", "b", "h", "u", "s", "U", "c")


def _reference_shapes(d, window, hidden, n_classes):
    n = d * window
    return {"x": (n,), "W": (hidden, n), "b": (hidden,), "h": (hidden,), "u": (hidden,), "s": (),
            "U": (n_classes, hidden), "c": (n_classes,)}


def check_layer_shapes(layer_shapes, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``layer_shapes(d, window, hidden, n_classes)`` -> dict of shape tuples for one window.

    A case is ``(d, window, hidden, n_classes)``.
    """
    ex = Exercise("layer_shapes", hidden=hidden)
    cases = cases or [(4, 5, 8, 5)]
    for i, (d, window, H, C) in enumerate(cases):
        case = ex.case(i, f"d={d}, window={window}, hidden={H}, n_classes={C}")
        got = ex.call(layer_shapes, d, window, H, C, what="layer_shapes(d, window, hidden, n_classes)"
                      + ex.show(f" with {case}"))
        if not isinstance(got, dict):
            ex.fail(f"layer_shapes should return a dict {{name: shape}} with keys {', '.join(_SHAPE_NAMES)}; "
                    f"it returned {type(got).__name__}.", "wrong-return")
        want = _reference_shapes(d, window, H, C)
        missing = [k for k in _SHAPE_NAMES if k not in got]
        if missing:
            ex.fail(f"the dict has no entry for {', '.join(missing)}: give the shape of each of "
                    f"{', '.join(_SHAPE_NAMES)} (a tuple; () for a scalar).", "missing")
        for name in _SHAPE_NAMES:
            try:
                shape = tuple(int(n) for n in got[name])
            except (TypeError, ValueError):
                ex.fail(f"the shape of {name} should be a tuple of ints, e.g. (8, 20); it is {got[name]!r}.",
                        "wrong-return")
            if shape == want[name]:
                continue
            n = d * window
            if name == "x" and shape in ((d,), (d, window), (window, d)):
                ex.fail(f"x is wrong ({case}): x is the *concatenation* of the {'' if ex.hidden else f'{window} '}word vectors of "
                        f"the window, each of length d, so it is one vector of length "
                        f"{'window' if ex.hidden else window} × d" + ex.show(f" = {n}") + ".", "forgot-concatenation")
            if name in ("W", "U") and shape == tuple(reversed(want[name])) and len(shape) == 2:
                rows = "the hidden units" if name == "W" else "the classes"
                ex.fail(f"{name} is transposed ({case}): {name} maps its input to {rows}, so it has one "
                        f"row per output and one column per input"
                        + ex.show(f": {want[name]}, not {shape}") + ".", "transposed")
            if name == "s" and shape != ():
                ex.fail(f"s is wrong ({case}): s = u^T h is a dot product, one number (shape ()), "
                        f"not the elementwise product u * h.", "elementwise-not-dot")
            ex.fail(f"the shape of {name} is wrong ({case})" + ex.show(f": you have {shape}, the right "
                    f"answer is {want[name]}") + ". Write the product out: what must the shapes "
                    "be for it to multiply?", "wrong-shape")
    ex.passed(f"the shapes of x, W, b, h, u, s, U, c are right on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- the model's definition

def _model_case(N, V, d, F, H, C, seed):
    """Seeded parameters and windows in which padding (id 0) and a word repeat."""
    rng = np.random.default_rng(seed)
    for _ in range(100):
        params = {"L": rng.standard_normal((V, d)), "W": rng.standard_normal((H, F * d)) / np.sqrt(F * d),
                  "b": 0.1 * rng.standard_normal(H), "U": rng.standard_normal((C, H)),
                  "c": 0.1 * rng.standard_normal(C)}
        windows = rng.integers(0, V, size=(N, F))
        windows[0, 0] = windows[0, 1] = 0           # padding twice in one window
        windows[-1, -1] = 0
        windows[1 % N, F // 2] = windows[0, F // 2]  # one word in two windows
        z = _x(params["L"], windows) @ params["W"].T + params["b"]
        if np.min(np.abs(z)) > 1e-3 and (z > 0).any() and (z < 0).any():
            return params, windows
    raise RuntimeError("no case without a ReLU kink")  # pragma: no cover


def _x(L, windows):
    """x of every window: the F rows of L, concatenated. (N, F) ints -> (N, F*d)."""
    return np.concatenate([L[windows[:, k]] for k in range(windows.shape[1])], axis=1)


def _scores(params, windows):
    """The definition: scores = U relu(W x + b) + c for each window (as rows). -> (N, C)."""
    h = definitions.relu(_x(params["L"], windows) @ params["W"].T + params["b"])
    return h @ params["U"].T + params["c"]


def _copy(params):
    return {k: np.array(v, dtype=float) for k, v in params.items()}


# ---------------------------------------------------------------------------- 3. forward

FORWARD_MISTAKES = [
    Mistake("missing-activation",
            lambda p, w: (_x(p["L"], w) @ p["W"].T + p["b"]) @ p["U"].T + p["c"],
            "The hidden layer has no nonlinearity: h must be f(W x + b) with f = relu, "
            "otherwise U(Wx + b) + c is one linear map."),
    Mistake("forgot-bias",
            lambda p, w: definitions.relu(_x(p["L"], w) @ p["W"].T) @ p["U"].T + p["c"],
            "The hidden layer lacks its bias: h = f(W x + b), b of shape (H,) added to every window."),
    Mistake("returned-probabilities", lambda p, w: definitions.softmax(_scores(p, w)),
            "You returned softmax probabilities; forward returns the raw scores U h + c "
            "(the loss applies the softmax)."),
    Mistake("wrong-concatenation",
            lambda p, w: (definitions.relu(p["L"][w].transpose(0, 2, 1).reshape(len(w), -1) @ p["W"].T
                                           + p["b"]) @ p["U"].T + p["c"]),
            "The word vectors are interleaved, not concatenated: x must be [L[w1]; L[w2]; ...], "
            "the d numbers of the first word, then the d of the second. L[windows] has shape "
            "(N, F, d); reshape it to (N, F*d) without transposing."),
]


def check_forward(forward, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``forward(params, windows)`` -> (scores (N, C), cache), with cache = (windows, x, z, h).

    A case is ``(N, V, d, F, H, C, seed)``.
    """
    ex = Exercise("forward", hidden=hidden)
    cases = cases or [(4, 6, 3, 5, 4, 5, 0), (1, 5, 2, 5, 3, 5, 1)]
    for i, (N, V, d, F, H, C, seed) in enumerate(cases):
        params, windows = _model_case(N, V, d, F, H, C, seed)
        case = ex.case(i, f"N={N} windows of F={F} words, d={d}, H={H}, C={C}")
        before = _copy(params)
        out = ex.call(forward, params, windows.copy(), what="forward(params, windows)" + ex.show(f" on {case}"))
        scores, cache = ex.returned(out, 2, what="forward(params, windows)", names="(scores, cache)")
        for k in params:
            if not np.array_equal(params[k], before[k]):
                ex.fail(f"forward changed params['{k}'] in place; a forward pass only reads the "
                        "parameters.", "input-modified")
        scores = ex.array(scores, what="scores", shape=(N, C))
        ex.judge(scores, _scores(params, windows), name="scores", case=case, mistakes=FORWARD_MISTAKES,
                 args=(params, windows),
                 otherwise="Follow the lecture: x = L[windows] as one row per window, "
                           "z = x W^T + b, h = relu(z), scores = h U^T + c.")
        if not isinstance(cache, (tuple, list)) or len(cache) != 4:
            ex.fail("the scores are right; the cache should be the tuple (windows, x, z, h) that "
                    "backward reads.", "wrong-return")
        x = _x(params["L"], windows)
        z = x @ params["W"].T + params["b"]
        for name, got, want in (("x", cache[1], x), ("z", cache[2], z), ("h", cache[3], definitions.relu(z))):
            if not close(got, want):
                ex.fail(f"the scores are right, but cache[{'xzh'.index(name) + 1}] should be {name} "
                        f"(shape {want.shape}): backward reads it.", "wrong-return")
    ex.passed(f"scores = U relu(W x + b) + c, and the cache, on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 6. backward

def _numerical_grads(params, windows, dscores):
    """Numerical gradient of sum(scores * dscores) for every parameter (the definition's)."""
    grads = {}
    for name in params:
        def f(value, name=name):
            trial = dict(params)
            trial[name] = value
            return float(np.sum(_scores(trial, windows) * dscores))
        grads[name] = numerical_gradient(f, params[name].copy())
    return grads


def _dx_rows(params, windows, dscores):
    """Numerical d(sum scores*dscores)/dx, as one row of length d per window slot: (N*F, d)."""
    L = params["L"]
    x = _x(L, windows)

    def f(x_):
        h = definitions.relu(x_ @ params["W"].T + params["b"])
        return float(np.sum((h @ params["U"].T + params["c"]) * dscores))

    return numerical_gradient(f, x.copy()).reshape(-1, L.shape[1])


def _assigned_dL(params, windows, dscores):
    dL = np.zeros_like(params["L"])
    dL[windows.ravel()] = _dx_rows(params, windows, dscores)
    return dL


BACKWARD_MISTAKES = {
    "L": [Mistake("embedding-assigned", _assigned_dL,
                  "Rows of words that occur more than once in the batch (the padding token, a repeated "
                  "word) got only one of their gradients: `dL[windows] = dx` keeps the last write. "
                  "Each occurrence adds its gradient, so accumulate: np.add.at(dL, ids, rows), or a loop "
                  "with dL[i] += row.")],
}

_BACKWARD_HINTS = {
    "W": "dW = dz^T x, of shape (H, F*d) like W, with dz = dh * (z > 0) and dh = dscores U.",
    "b": "db sums dz over the windows of the batch: shape (H,).",
    "U": "dU = dscores^T h, of shape (C, H) like U.",
    "c": "dc sums dscores over the windows: shape (C,).",
    "L": "dx = dz W has one row per window; cut each row into F pieces of length d and add "
         "piece k to the row of L that window's k-th word came from.",
}


def check_backward(backward, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``backward(dscores, params, cache)`` -> dict of gradients L, W, b, U, c (each shaped
    like its parameter), cache = (windows, x, z, h) as forward returns it.

    A case is ``(N, V, d, F, H, C, seed)``; padding (row 0) and a word repeat in every case.
    """
    ex = Exercise("backward", hidden=hidden)
    cases = cases or [(4, 6, 3, 5, 4, 5, 0), (5, 4, 2, 5, 3, 2, 1)]
    for i, (N, V, d, F, H, C, seed) in enumerate(cases):
        params, windows = _model_case(N, V, d, F, H, C, seed)
        dscores = np.random.default_rng(seed + 1000).standard_normal((N, C))
        x = _x(params["L"], windows)
        z = x @ params["W"].T + params["b"]
        cache = (windows.copy(), x, z, definitions.relu(z))
        case = ex.case(i, f"N={N} windows of F={F} words, V={V}, d={d}, H={H}, C={C}")
        out = ex.call(backward, dscores.copy(), _copy(params), cache,
                      what="backward(dscores, params, cache)" + ex.show(f" on {case}"))
        if not isinstance(out, dict):
            ex.fail("backward should return a dict {'L': dL, 'W': dW, 'b': db, 'U': dU, 'c': dc}; "
                    f"it returned {'None' if out is None else type(out).__name__}.", "wrong-return")
        missing = [k for k in ("L", "W", "b", "U", "c") if k not in out]
        if missing:
            ex.fail(f"the gradients of {', '.join(missing)} are missing: return one gradient per "
                    "parameter, keyed like params.", "missing")
        ref = _numerical_grads(params, windows, dscores)
        for name in ("c", "U", "b", "W", "L"):
            ex.judge(out[name], ref[name], name=f"d{name}", case=case, mistakes=BACKWARD_MISTAKES.get(name, ()),
                     args=(params, windows, dscores), param_name=name, batch_size=N, tol=1e-5,
                     otherwise=_BACKWARD_HINTS[name])
    ex.passed(f"dL (accumulated over repeated words and padding), dW, db, dU, dc on {ex.count(len(cases))}.")
