"""Checks for notebook 06: the NER window classifier by hand.

Every check runs the learner's own function on small seeded cases (a vocabulary of a few
words, where padding and repeated words occur in every batch) and compares it with an
oracle: numerical gradients (:mod:`nbkit.gradcheck`) of the model's *definition*, written
inline as the lecture writes it (x = [L w_{t-2}; ...; L w_{t+2}], h = relu(W x + b),
scores = U h + c), the forward definitions of :mod:`nbkit.checks.definitions`, or
properties (every example visited once per epoch). A wrong answer is compared with the
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
from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream

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
                ex.fail(f"x is wrong ({case}): x is the *concatenation* of the {window} word vectors of "
                        f"the window, each of length d, so it is one vector of length {window} × d"
                        + ex.show(f" = {n}") + ".", "forgot-concatenation")
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


# ---------------------------------------------------------------------------- 4. softmax loss

def _softmax_grad_unscaled(scores, labels):
    p = definitions.softmax(scores)
    p[np.arange(len(labels)), labels] -= 1.0
    return p


SOFTMAX_MISTAKES = [
    Mistake("scaled-by-batch", lambda s, y: _softmax_grad_unscaled(s, y),
            "dscores is N times too large: the loss is the *mean* over the N windows, so each "
            "window's gradient p - onehot(y) is divided by N."),
    Mistake("forgot-minus-one", lambda s, y: definitions.softmax(s) / len(y),
            "dscores is p / N: the 1 of the true class is missing. The gradient of "
            "-log p_y is p - onehot(y)."),
    Mistake("sign-flipped", lambda s, y: -_softmax_grad_unscaled(s, y) / len(y),
            "dscores has the opposite sign: it is (p - onehot(y)) / N, so the true class's score "
            "gets a negative gradient (raising it lowers the loss)."),
]


def check_softmax_loss(softmax_loss, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``softmax_loss(scores, labels)`` -> (mean cross-entropy, dscores (N, C)).

    A case is ``(N, C, seed)``; one case has large scores (overflow without the max shift).
    """
    ex = Exercise("softmax_loss", hidden=hidden)
    cases = cases or [(4, 5, 0), (1, 5, 1), (3, 3, 2, 1000.0)]
    for i, case_ in enumerate(cases):
        N, C, seed = case_[:3]
        offset = case_[3] if len(case_) > 3 else 0.0
        rng = np.random.default_rng(seed)
        scores, labels = rng.standard_normal((N, C)) * 2.0 + offset, rng.integers(0, C, N)
        case = ex.case(i, f"N={N}, C={C}" + (f", scores near {offset:g}" if offset else ""))
        out = ex.call(softmax_loss, scores.copy(), labels.copy(), what="softmax_loss(scores, labels)"
                      + ex.show(f" on {case}"))
        loss, dscores = ex.returned(out, 2, what="softmax_loss(scores, labels)", names="(loss, dscores)")
        loss = ex.scalar(loss, what="the loss")
        want = definitions.cross_entropy(scores, labels)
        if not np.isfinite(loss):
            ex.fail(f"the loss is {loss} ({case}): subtract each row's maximum score before "
                    "np.exp, which changes no probability but keeps e^s finite.", "nan")
        if close(loss, want * N) and N > 1:
            ex.fail(f"the loss is the sum over the batch ({case}); take the mean over the N windows.",
                    "scaled-by-batch")
        ex.judge(loss, want, name="the loss", case=case,
                 otherwise="The loss is the mean over windows of -log softmax(scores)[label].")
        dscores = ex.array(dscores, what="dscores", shape=(N, C))
        ref = numerical_gradient(lambda s: definitions.cross_entropy(s, labels), scores.copy())
        ex.judge(dscores, ref, name="dscores", case=case, mistakes=SOFTMAX_MISTAKES, args=(scores, labels),
                 tol=1e-5, batch_size=N)
    ex.passed(f"mean cross-entropy and its gradient (p - onehot(y)) / N on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 5. max margin

def _margin_grads(s, s_c, always=False, mean=True):
    active = np.ones_like(s) if always else (1.0 - s + s_c > 0).astype(float)
    n = len(s) if mean else 1
    return -active / n, active / n


MARGIN_MISTAKES = [
    Mistake("margin-met-gradient", lambda s, c: _margin_grads(s, c, always=True),
            "The gradient is -1/N and +1/N for every pair, including pairs where the margin is "
            "already met (1 - s + s_c <= 0): there J = 0 is flat, so both gradients are 0. "
            "Multiply by the indicator (1 - s + s_c > 0)."),
    Mistake("scaled-by-batch", lambda s, c: _margin_grads(s, c, mean=False),
            "The gradients are N times too large: J is the mean over the N pairs, so each "
            "pair's gradient is divided by N."),
    Mistake("sign-flipped", lambda s, c: tuple(-g for g in _margin_grads(s, c)),
            "The signs are flipped: J = max(0, 1 - s + s_c) falls when the true window's score s "
            "rises, so dJ/ds is negative (-1/N) where the margin is violated, and dJ/ds_c positive."),
]


def check_max_margin(max_margin, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``max_margin(s, s_c)`` -> (J, ds, ds_c): J = mean(max(0, 1 - s + s_c)), ds and ds_c (N,).

    A case is ``(N, seed)``; every case mixes pairs that meet the margin and pairs that do not.
    """
    ex = Exercise("max_margin", hidden=hidden)
    cases = cases or [(6, 0), (3, 1)]
    for i, (N, seed) in enumerate(cases):
        rng = np.random.default_rng(seed)
        s = rng.uniform(-1.0, 2.0, N)
        s_c = s + np.where(np.arange(N) % 2 == 0, -2.0, 0.5) + rng.uniform(-0.2, 0.2, N)  # met, violated
        case = ex.case(i, f"N={N} pairs")
        out = ex.call(max_margin, s.copy(), s_c.copy(), what="max_margin(s, s_c)" + ex.show(f" on {case}"))
        J, ds, ds_c = ex.returned(out, 3, what="max_margin(s, s_c)", names="(J, ds, ds_c)")
        J = ex.scalar(J, what="J")
        ex.judge(J, definitions.max_margin(s, s_c), name="J", case=case,
                 otherwise="J is the mean over pairs of max(0, 1 - s + s_c).")
        ds, ds_c = ex.array(ds, what="ds", shape=(N,)), ex.array(ds_c, what="ds_c", shape=(N,))
        ref = (numerical_gradient(lambda a: definitions.max_margin(a, s_c), s.copy()),
               numerical_gradient(lambda a: definitions.max_margin(s, a), s_c.copy()))
        ex.judge((ds, ds_c), ref, name="(ds, ds_c)", case=case, mistakes=MARGIN_MISTAKES, args=(s, s_c),
                 otherwise="Where 1 - s + s_c > 0: ds = -1/N, ds_c = +1/N; elsewhere both are 0.")
    ex.passed(f"J and its gradients, zero where the margin is met, on {ex.count(len(cases))}.")


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


# ---------------------------------------------------------------------------- 7. SGD step

def check_sgd_step(sgd_step, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``sgd_step(params, grads, lr)`` updates every array of ``params`` in place.

    A case is ``(lr, seed)``.
    """
    ex = Exercise("sgd_step", hidden=hidden)
    cases = cases or [(0.1, 0), (0.5, 1)]
    for i, (lr, seed) in enumerate(cases):
        rng = np.random.default_rng(seed)
        params = {"L": rng.standard_normal((5, 3)), "W": rng.standard_normal((4, 15)), "b": rng.standard_normal(4),
                  "U": rng.standard_normal((5, 4)), "c": rng.standard_normal(5)}
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        arrays = dict(params)
        before = _copy(params)
        case = ex.case(i, f"lr={lr:g}")
        ex.call(sgd_step, params, {k: g.copy() for k, g in grads.items()}, lr,
                what="sgd_step(params, grads, lr)" + ex.show(f" with {case}"))
        for k in before:
            want = before[k] - lr * grads[k]
            if params[k] is not arrays[k]:
                if close(params[k], want):
                    ex.fail(f"params['{k}'] was replaced by a new array instead of updated in place; "
                            "whoever holds the old array (an optimizer, the training harness) keeps "
                            f"the old values. Write params['{k}'] -= lr * grads['{k}'].", "rebound")
                arr = params[k]
            else:
                arr = arrays[k]
            if close(arr, before[k]):
                ex.fail(f"params['{k}'] did not change: every parameter takes a step, the embedding "
                        "matrix L included.", "skipped-param")
            if close(arr, before[k] + lr * grads[k]):
                ex.fail(f"params['{k}'] moved up the gradient: a descent step subtracts, "
                        "theta -= lr * grad.", "sign-flipped")
            if close(arr, before[k] - grads[k]) and lr != 1:
                ex.fail(f"params['{k}'] moved by the whole gradient: multiply it by the learning rate lr.",
                        "ignored-lr")
            ex.judge(arr, want, name=f"params['{k}'] after the step", case=case,
                     otherwise="theta <- theta - lr * grad, for every parameter.")
    ex.passed(f"every parameter moves by -lr * grad, in place, on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 8. one epoch

def check_run_epoch(run_epoch, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``run_epoch(params, windows, labels, loss_and_grads, step, batch_size, rng)`` -> mean loss.

    The check hands in its own ``loss_and_grads`` (recording each batch) and ``step``
    (counting calls). A case is ``(N, batch_size, seed)``.
    """
    ex = Exercise("run_epoch", hidden=hidden)
    cases = cases or [(10, 4, 0), (8, 8, 1)]
    for i, (N, B, seed) in enumerate(cases):
        windows = np.arange(N)[:, None] * np.ones((1, 5), dtype=int)   # window i holds the id i
        labels = np.arange(N) % 5
        losses = np.random.default_rng(seed + 7).uniform(0.5, 2.5, N)    # example i's loss
        params = {"W": np.zeros(2)}
        seen, steps, mismatched = [], [], []

        def loss_and_grads(p, w, y):
            ids = np.asarray(w)[:, 0].astype(int)
            seen.append(ids.tolist())
            if not np.array_equal(np.asarray(y), labels[ids]):
                mismatched.append(len(seen))
            return float(np.mean(losses[ids])), {"W": np.ones(2) * len(ids)}

        def step(p, g):
            steps.append(len(seen))

        case = ex.case(i, f"N={N} windows, batch_size={B}")
        got = ex.call(run_epoch, params, windows, labels, loss_and_grads, step, B, np.random.default_rng(seed),
                      what="run_epoch(params, windows, labels, loss_and_grads, step, batch_size, rng)"
                      + ex.show(f" on {case}"))
        flat = [j for batch in seen for j in batch]
        if not seen:
            ex.fail("loss_and_grads was never called: for each minibatch, call loss_and_grads(params, "
                    "windows[idx], labels[idx]) and then step(params, grads).", "wrong-values")
        if sorted(flat) != list(range(N)):
            if len(flat) == (N // B) * B and len(set(flat)) == len(flat) and N % B:
                ex.fail(f"the last, smaller batch was dropped ({case}): {N - len(flat)} windows were "
                        "never trained on. Loop with range(0, N, batch_size); the last slice is "
                        "simply shorter.", "dropped-last-batch")
            ex.fail(f"an epoch must visit every window exactly once ({case}); yours visited "
                    f"{len(flat)} windows, {len(set(flat))} different.", "wrong-values")
        if mismatched:
            ex.fail(f"a minibatch's labels do not belong to its windows ({case}): index windows and "
                    "labels with the same indices, windows[idx] and labels[idx].", "wrong-values")
        if any(len(b) > B for b in seen):
            ex.fail(f"a batch had more than batch_size={B} windows ({case}).", "wrong-values")
        if N > 3 and flat == list(range(N)):
            ex.fail("the windows are visited in the same order every epoch: shuffle them first, "
                    "e.g. order = rng.permutation(N), so that batches differ from epoch to epoch "
                    "(and a sorted corpus does not feed one type at a time).", "not-shuffled")
        if len(steps) != len(seen):
            ex.fail(f"step was called {len(steps)} times for {len(seen)} minibatches ({case}): "
                    "take one step after every minibatch, right after its gradients.", "one-step-per-epoch")
        if steps != list(range(1, len(seen) + 1)):
            ex.fail("each step must come right after its minibatch's gradients.", "one-step-per-epoch")
        loss = ex.scalar(got, what="the value run_epoch returns")
        want = float(np.mean(losses))
        if not close(loss, want):
            unweighted = float(np.mean([np.mean(losses[b]) for b in seen]))
            if close(loss, unweighted) and N % B:
                ex.fail(f"the mean loss is the plain mean of the batch means ({case}); the last batch is "
                        "smaller, so weight each batch's loss by its size (or sum the per-window "
                        "losses and divide by N).", "unweighted-mean")
            ex.fail(f"run_epoch should return the mean loss over the epoch's windows ({case})"
                    + ex.show(f": {want:.6g}, yours is {loss:.6g}") + ".", "wrong-values")
    ex.passed(f"every window once, shuffled, one step per minibatch, mean loss, on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 9. gradient check

def _toy_loss(params, data):
    """A small differentiable loss of named parameters (not the window model)."""
    z = np.tanh(data @ params["A"] + params["a"])
    return float(definitions.cross_entropy(z @ params["B"], np.arange(len(data)) % params["B"].shape[1])
                 + 0.5 * np.sum(params["E"] ** 2 * np.arange(params["E"].size).reshape(params["E"].shape)))


def _toy_model(seed, planted=None):
    rng = np.random.default_rng(seed)
    params = {"E": rng.standard_normal((4, 2)), "A": rng.standard_normal((3, 4)), "a": rng.standard_normal(4),
              "B": rng.standard_normal((4, 3))}
    data = rng.standard_normal((5, 3))

    grads = {}                          # right gradients at the starting point, once (numerically)
    for name in params:
        def f(v, name=name):
            trial = dict(params)
            trial[name] = v
            return _toy_loss(trial, data)
        grads[name] = numerical_gradient(f, params[name].copy(), h=1e-6)
        if name == planted:
            grads[name] = 2.0 * grads[name]

    def loss_and_grads(p, windows, labels):
        return _toy_loss(p, data), {name: g.copy() for name, g in grads.items()}

    return params, loss_and_grads


def check_gradcheck_model(gradcheck_model, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``gradcheck_model(loss_and_grads, params, windows, labels)`` -> nbkit.gradcheck report.

    The check hands in small models of its own, one with right gradients and one with a
    planted bug in one parameter; the report must pass the first and name the second.
    A case is ``(seed, planted parameter name)``.
    """
    from nbkit.gradcheck import GradCheckReport

    ex = Exercise("gradcheck_model", hidden=hidden)
    cases = cases or [(0, "A"), (1, "E")]
    windows, labels = np.zeros((5, 5), dtype=int), np.zeros(5, dtype=int)
    for i, (seed, planted) in enumerate(cases):
        case = ex.case(i, f"a model whose gradient of {planted} is doubled")
        for bug in (None, planted):
            params, loss_and_grads = _toy_model(seed, bug)
            report = ex.call(gradcheck_model, loss_and_grads, params, windows, labels,
                             what="gradcheck_model(loss_and_grads, params, windows, labels)")
            if not isinstance(report, GradCheckReport):
                ex.fail("gradcheck_model should return the report of nbkit.gradcheck.check_gradients "
                        f"(a GradCheckReport); it returned {type(report).__name__}.", "wrong-return")
            names = {row.name for row in report.rows}
            if names != set(params):
                ex.fail(f"the report checks {sorted(names)}, but the model has {sorted(params)}: "
                        "check every parameter (the embedding matrix too: its rows of repeated words "
                        "are where backward goes wrong).", "missing")
            if bug is None and not report.ok:
                if all(row.verdict == "wrong" for row in report.rows):
                    ex.fail(f"every parameter looks wrong on a model with right gradients ({case}): the "
                            "loss function you gave check_gradients does not see the nudges, so the "
                            "numerical gradient is 0. It must read the arrays in params themselves "
                            "(not a copy) each time it is called.", "perturbed-a-copy")
                ex.fail(f"your report flags a model whose gradients are right ({case}); the loss "
                        "function must recompute the loss from the current params.", "wrong-values")
            if bug is not None:
                wrong = {row.name for row in report.rows if row.verdict == "wrong"}
                if planted not in wrong:
                    ex.fail(f"your report passes a model with a planted bug ({case}).", "missed-bug")
    ex.passed(f"the report passes right gradients and names the planted bug on {ex.count(len(cases))}.")
