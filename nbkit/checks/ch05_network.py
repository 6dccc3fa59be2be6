"""Checks for notebook 05, sections 4-7: the whole network and its training.

The MLP's backward pass (gradient-checked as a whole network), Xavier initialisation (by
its statistics), L2 regularisation and inverted dropout. Same conventions as
:mod:`nbkit.checks.ch05`, which re-exports every check here (notebooks call
``ch05.check_dropout`` and so on): oracles are numerical gradients of the definitions in
:mod:`nbkit.checks.definitions` (or, for dropout, of the learner's own forward with a fixed
mask) and properties; classic mistakes are named from numerical pieces and properties, never
from a gradient formula; hidden cases show no values.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from nbkit.checks import definitions as D
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream


def product_hint(what: str):
    """A ``hint`` for :meth:`Exercise.call`: a ValueError from a product whose shapes do not line up
    becomes a sentence naming dx = dout w^T and dw = x^T dout with their shapes."""
    def hint(exc):
        if isinstance(exc, ValueError) and ("matmul" in str(exc) or "shapes" in str(exc) or "broadcast" in str(exc)):
            return (f"{what} raised ValueError: {exc}. The shapes of a product do not line up, usually because a "
                    f"factor lacks its transpose. Write the shapes next to each factor: dx (N, D) = dout (N, M) "
                    f"times w^T (M, D), dw (D, M) = x^T (D, N) times dout (N, M).", "missing-transpose")
        return None
    return hint



# -- 4. the MLP backward pass -------------------------------------------------------------

def _mlp_case(sizes, seed, n=5, symmetric=False):
    rng = np.random.default_rng(seed)
    params = {}
    for l, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        W = rng.standard_normal((d_in, d_out))
        if symmetric and d_in == d_out:
            W = (W + W.T) / 2
        params[f"W{l}"] = W
        params[f"b{l}"] = rng.standard_normal(d_out) * 0.5
    X = rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    return X, y, params


def _mlp_gradients_ok(mlp_backward, mlp_forward, X, y, params, ex, what) -> tuple:
    """(learner's grads, numerical grads, dscores) on one case; checks forward, keys and shapes."""
    scores, cache = ex.returned(ex.call(mlp_forward, X, params, what="mlp_forward(X, params)"), 2,
                                what="mlp_forward", names="(scores, cache)")
    if not close(scores, D.mlp_scores(X, params)):
        ex.fail("mlp_forward does not compute the MLP of the set-up cell any more: run the set-up cell again "
                "(it is locked; the exercise is mlp_backward).", "wrong-forward")
    dscores = numerical_gradient(lambda s: D.cross_entropy(s, y), np.array(scores, dtype=float))
    snaps = (dscores.copy(), [(a.copy(), z.copy()) for a, z in cache])
    given = dscores.copy()
    grads = ex.call(mlp_backward, given, params, cache, what=what, hint=product_hint("mlp_backward"))
    if not np.array_equal(given, snaps[0]) or any(not (np.array_equal(a, a0) and np.array_equal(z, z0))
                                                  for (a, z), (a0, z0) in zip(cache, snaps[1])):
        ex.fail("mlp_backward changed dscores or the cache in place. Build new arrays (delta = delta @ W.T * mask, "
                "not delta *= ...): the cache may be read again.", "input-modified")
    if not isinstance(grads, dict):
        ex.fail(f"mlp_backward should return a dict {{'W1': ..., 'b1': ..., ...}}; it returned "
                f"{type(grads).__name__}.", "wrong-return")
    missing = [k for k in params if k not in grads]
    if missing:
        ex.fail(f"the gradients dict has no entry for {', '.join(missing)}: every parameter needs its gradient.",
                "missing-grad")
    loss = lambda: D.cross_entropy(D.mlp_scores(X, params), y)                     # noqa: E731
    want = {k: numerical_gradient(lambda _p, k=k: loss(), params[k]) for k in params}
    return grads, want


def check_mlp_backward(mlp_backward, mlp_forward, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``mlp_backward(dscores, params, cache) -> grads`` against a gradient check of the whole network.

    ``cases``: (layer sizes, seed). A case whose weight matrices are all square tells a delta
    recursion with W instead of W^T (it runs, and is right only when every W is symmetric).
    """
    ex = Exercise("mlp_backward", hidden=hidden)
    cases = cases if cases is not None else [((4, 4, 4, 4), 0), ((3, 5, 4, 2), 1)]
    for i, (sizes, seed) in enumerate(cases):
        sizes = tuple(int(s) for s in sizes)
        case = ex.case(i, f"layer sizes {sizes}")
        X, y, params = _mlp_case(sizes, seed)
        grads, want = _mlp_gradients_ok(mlp_backward, mlp_forward, X, y, params, ex, f"mlp_backward on {case}")
        wrong = [k for k in params if not close(grads[k], want[k], 1e-5)]
        if not wrong:
            continue
        if len(sizes) > 2:
            Xs, ys, sym = _mlp_case(sizes, seed, symmetric=True)
            try:
                g_sym, w_sym = _mlp_gradients_ok(mlp_backward, mlp_forward, Xs, ys, sym, ex, f"mlp_backward on {case}")
                sym_ok = all(close(g_sym[k], w_sym[k], 1e-5) for k in sym)
            except Exception:           # noqa: BLE001 - any failure there just means "no evidence"
                sym_ok = False
            square = all(sizes[j] == sizes[j + 1] for j in range(1, len(sizes) - 1))
            if sym_ok and square and all(close(grads[k], want[k], 1e-5) for k in (f"W{len(sizes) - 1}", f"b{len(sizes) - 1}")):
                ex.fail(f"the gradients of the lower layers are wrong ({case}), but right when every weight matrix "
                        f"is symmetric: the delta recursion multiplies by W where it needs W^T. Going backwards, "
                        f"delta^(l) = f'(z^(l)) * (delta^(l+1) @ W^(l+1).T): W maps d_l numbers to d_(l+1) forward, "
                        f"W^T maps the d_(l+1) gradients back to d_l.", "missing-transpose")
        # Name the first wrong parameter, from the top layer down (where the recursion starts).
        order = sorted(params, key=lambda k: (-int(k[1:]), k))
        for k in order:
            if k in wrong:
                ex.judge(grads[k], want[k], name=f"grads['{k}']", case=case, tol=1e-5, param_name=k,
                         batch_size=len(y),
                         otherwise=f"{k} is the first wrong parameter counting from the output layer. dL/dW^(l) = "
                                   f"a^(l-1)^T delta^(l), dL/db^(l) = the sum of delta^(l) over the batch, and "
                                   f"delta^(l) = (delta^(l+1) @ W^(l+1).T) * f'(z^(l)) with f'(z) = 1 where z > 0.")
    ex.passed(f"a gradient check of the whole network passes for every parameter on {ex.count(len(cases))}.")


# -- 5. Xavier initialisation -----------------------------------------------------------

def check_xavier(xavier_init, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``xavier_init(layer_sizes, rng) -> params``: shapes, zero biases, U[-a, a] with a = sqrt(6/(fan_in+fan_out)).

    ``cases``: lists of layer sizes. Statistics are judged on layers with at least 5000 weights.
    """
    ex = Exercise("xavier_init", hidden=hidden)
    cases = cases if cases is not None else [(300, 200, 100), (3, 5, 2)]
    for i, sizes in enumerate(cases):
        sizes = [int(s) for s in sizes]
        case = ex.case(i, f"layer sizes {sizes}")
        params = ex.call(xavier_init, list(sizes), np.random.default_rng(100 + i),
                         what=f"xavier_init({sizes}, rng)")
        if not isinstance(params, dict):
            ex.fail(f"xavier_init should return a dict {{'W1': ..., 'b1': ...}}; it returned {type(params).__name__}.",
                    "wrong-return")
        again = ex.call(xavier_init, list(sizes), np.random.default_rng(100 + i), what=f"xavier_init({sizes}, rng)")
        for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            for key in (f"W{l}", f"b{l}"):
                if key not in params:
                    ex.fail(f"the dict has no {key!r} ({case}): one W and one b per layer, W1 and b1 first.",
                            "wrong-init")
            W = np.asarray(params[f"W{l}"], dtype=float)
            b = np.asarray(params[f"b{l}"], dtype=float)
            if W.shape != (fan_in, fan_out):
                tag = "transposed" if W.shape == (fan_out, fan_in) else "wrong-shape"
                ex.fail(f"W{l} has shape {W.shape} ({case}); it should be (fan_in, fan_out) = ({fan_in}, {fan_out}), "
                        f"so that a layer computes x @ W{l}.", tag)
            if b.shape != (fan_out,):
                ex.fail(f"b{l} has shape {b.shape} ({case}); it should be ({fan_out},).", "wrong-shape")
            if np.any(b != 0):
                ex.fail(f"b{l} is not all zeros ({case}). Biases start at 0: the random weights already break the "
                        f"symmetry between units.", "bias-not-zero")
            if not np.array_equal(W, np.asarray(again[f"W{l}"], dtype=float)):
                ex.fail("two calls with generators of the same seed gave different weights: draw every random "
                        "number from the rng argument (rng.uniform(...)), not from np.random.", "ignored-rng")
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            biggest = float(np.max(np.abs(W)))
            if biggest > bound * (1 + 1e-12):
                wide = np.sqrt(6.0 / fan_in)
                if biggest <= wide * (1 + 1e-12) and fan_out > 1:
                    why = (f"its entries reach {biggest:.4g}, beyond the Xavier bound sqrt(6 / (fan_in + fan_out)) "
                           f"= {bound:.4g} but within sqrt(6 / fan_in): the bound uses fan_in only. Use both fans.")
                    ex.fail(f"W{l} is too wide ({case}): " + (why if not hidden else "the bound uses fan_in only; "
                                                             "use sqrt(6 / (fan_in + fan_out))."), "wrong-bound")
                ex.fail(f"W{l} has entries outside [-a, a], a = sqrt(6 / (fan_in + fan_out))" + ex.show(f" = {bound:.4g}")
                        + f" ({case}). If you drew from a normal distribution, draw uniformly: "
                          f"rng.uniform(-a, a, size=(fan_in, fan_out)).", "normal-not-uniform")
            if W.size < 5000:
                continue
            mean, var = float(W.mean()), float(W.var())
            if abs(mean) > 0.1 * bound:
                ex.fail(f"W{l}'s entries are not centred on 0 ({case}): draw from [-a, a], not [0, a].", "not-centred")
            if biggest < 0.95 * bound or abs(var / (bound ** 2 / 3) - 1) > 0.1:
                ex.fail(f"W{l}'s spread is too small for U[-a, a] with a = sqrt(6 / (fan_in + fan_out))"
                        + ex.show(f" = {bound:.4g}: its largest entry is {biggest:.4g} and its variance {var:.4g}, "
                                  f"where a uniform draw has variance a^2 / 3 = {bound ** 2 / 3:.4g}")
                        + f" ({case}). Check the bound: sqrt(6 / (fan_in + fan_out)), 6 and a square root.",
                        "wrong-bound")
    ex.passed(f"shapes, zero biases and a uniform spread of the right width on {ex.count(len(cases))}.")


# -- 7.1 L2 regularisation --------------------------------------------------------------

def _l2_case(sizes, seed):
    rng = np.random.default_rng(seed)
    params, grads = {}, {}
    for l, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{l}"], params[f"b{l}"] = rng.standard_normal((d_in, d_out)), rng.standard_normal(d_out)
        grads[f"W{l}"], grads[f"b{l}"] = rng.standard_normal((d_in, d_out)), rng.standard_normal(d_out)
    return float(rng.uniform(0.5, 2.0)), grads, params


def _l2_mistakes(params, reg):
    """Wrong penalties (value of loss added) a learner can produce."""
    weights = D.l2_penalty(params, reg)
    everything = D.l2_penalty({("W" + k): v for k, v in params.items()}, reg)
    return [
        Mistake("penalised-bias", lambda: everything,
                "The penalty includes the biases. Sum the squares of the weights only (keys starting with 'W')."),
        Mistake("scaled-by-2", lambda: 2 * weights,
                "The penalty is twice (reg/2) sum ||W||^2: the 1/2 is missing."),
        Mistake("scaled-by-half", lambda: weights / 2,
                "The penalty is half of (reg/2) sum ||W||^2: a factor 1/2 counted twice."),
        Mistake("missing-square", lambda: 0.5 * reg * sum(float(np.sum(np.abs(v))) for k, v in params.items()
                                                          if k.startswith("W")),
                "The penalty sums |W| (an L1 penalty); L2 sums the squares W**2."),
    ]


def check_l2(add_l2, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``add_l2(loss, grads, params, reg) -> (loss, grads)``.

    ``cases``: (layer sizes, reg, seed). The penalty is differentiated numerically from its
    definition; the biases must keep their data gradients.
    """
    ex = Exercise("add_l2", hidden=hidden)
    cases = cases if cases is not None else [((3, 4, 2), 0.1, 0), ((2, 2), 1.0, 1)]
    for i, (sizes, reg, seed) in enumerate(cases):
        case = ex.case(i, f"layer sizes {tuple(sizes)}, reg = {reg:g}")
        loss, grads, params = _l2_case(sizes, seed)
        given_grads = {k: v.copy() for k, v in grads.items()}
        given_params = {k: v.copy() for k, v in params.items()}
        result = ex.call(add_l2, loss, given_grads, given_params, reg, what=f"add_l2(loss, grads, params, reg) on {case}")
        ex.unchanged(given_params, params, "add_l2")
        new_loss, new_grads = ex.returned(result, 2, what="add_l2", names="(loss, grads)")
        new_loss = ex.scalar(new_loss, what="the regularised loss")
        if not isinstance(new_grads, dict) or any(k not in new_grads for k in params):
            ex.fail("add_l2 should return the gradients as a dict with the keys of params ('W1', 'b1', ...).",
                    "wrong-return")
        penalty = D.l2_penalty(params, reg)
        ex.judge(new_loss - loss, penalty, name="the penalty added to the loss", case=case,
                 mistakes=_l2_mistakes(params, reg), tol=1e-8,
                 otherwise="Add (reg / 2) times the sum of the squares of every weight matrix's entries.")
        for k in params:
            got = ex.array(new_grads[k], what=f"grads['{k}']", shape=params[k].shape)
            if k.startswith("b"):
                if not close(got, grads[k]):
                    ex.fail(f"grads['{k}'] changed ({case}): biases are not penalised, so their gradients stay the "
                            f"data gradients. Add reg * W only to the keys starting with 'W'.", "penalised-bias")
                continue
            want = numerical_gradient(lambda _p: D.l2_penalty(params, reg), params[k])
            added = got - grads[k]
            if close(got, want, 1e-6) and not close(want, 0 * want):
                ex.fail(f"grads['{k}'] is reg * W alone ({case}): the penalty's gradient must be ADDED to the data "
                        f"gradient that came in, grads['{k}'] + reg * W.", "replaced-gradient")
            ex.judge(added, want, name=f"the gradient added to grads['{k}']", case=case, tol=1e-6, param_name=k,
                     otherwise="d/dW of (reg/2) ||W||^2 is reg * W.")
    ex.passed(f"the penalty and its gradient are right, and the biases are left alone, on {ex.count(len(cases))}.")


# -- 7.3 inverted dropout ---------------------------------------------------------------

def _dropout_call(ex: Exercise, dropout_forward, x, p, train: bool, seed: int, case: str) -> np.ndarray:
    """The learner's dropout output on a copy of ``x`` (checked unchanged), with a fresh rng of ``seed``."""
    given = x.copy()
    out, _ = ex.returned(ex.call(dropout_forward, given, p, train, np.random.default_rng(seed),
                                 what=f"dropout_forward(x, p, train={train}, rng) on {case}"),
                         2, what="dropout_forward", names="(out, cache)")
    ex.unchanged({"x": given}, {"x": x}, "dropout_forward")
    return ex.array(out, what="the training output" if train else "the test-mode output", shape=x.shape)


def _dropout_test_mode(ex: Exercise, dropout_forward, x, p, seed: int, case: str) -> None:
    """At test time (train=False) inverted dropout is the identity."""
    out = _dropout_call(ex, dropout_forward, x, p, False, seed, case)
    if not close(out, x):
        if close(out, x * p) or close(out, x / p):
            ex.fail(f"at test time the output is x scaled ({case}). With inverted dropout the 1/p is applied in "
                    f"training, so the expected training output already equals x: at test time, return x "
                    f"unchanged.", "dropout-scaled-at-test")
        ex.fail(f"at test time (train=False) dropout must return x unchanged ({case}).", "wrong-forward")


def _dropout_training(ex: Exercise, dropout_forward, p, seed: int, case: str) -> None:
    """In training every output of an all-ones x is 0 or 1 / p, about a fraction p of them kept."""
    out = _dropout_call(ex, dropout_forward, np.ones((200, 250)), p, True, seed, case)
    kept = out != 0
    values = np.unique(np.round(out[kept], 12))
    if values.size and p < 1:
        if close(values, np.array([p])):
            ex.fail(f"the kept units are multiplied by p ({case}); inverted dropout divides them by p, so "
                    f"that the expected output, p * (x / p), equals x.", "dropout-scaled-by-p")
        if close(values, np.array([1.0])):
            ex.fail(f"the kept units are not scaled ({case}). Inverted dropout divides them by p in training, "
                    f"so that the expected output equals x and test time needs nothing.", "dropout-not-scaled")
        if not close(values, np.array([1.0 / p])):
            ex.fail(f"in training, each output must be 0 or x / p ({case}).", "wrong-forward")
    fraction = float(kept.mean())
    if abs(fraction - p) > 0.02:
        if abs(fraction - (1 - p)) <= 0.02:
            ex.fail(f"about a fraction 1 - p of the units is kept ({case}); p is the KEEP probability: keep a "
                    f"unit where rng.random(x.shape) < p.", "keep-drop-swapped")
        ex.fail(f"a fraction{ex.show(f' {fraction:.3f}')} of the units is kept ({case}); it should be about p. "
                f"Keep a unit where rng.random(x.shape) < p.", "wrong-forward")


def _dropout_backward(ex: Exercise, dropout_forward, dropout_backward, x, p, seed: int, case: str) -> None:
    """dropout_backward against a numerical gradient of the learner's forward under a fixed mask
    (a fresh generator of the same seed for every forward call)."""
    forward = lambda v: np.asarray(ex.returned(dropout_forward(v, p, True, np.random.default_rng(seed + 1000)),  # noqa: E731
                                               2, what="dropout_forward", names="(out, cache)")[0], dtype=float)
    first, second = ex.call(forward, x.copy(), what="dropout_forward"), ex.call(forward, x.copy(), what="dropout_forward")
    if not close(first, second):
        ex.fail("two calls with generators of the same seed dropped different units: draw the mask from the "
                "rng argument (rng.random(x.shape)), not from np.random, so that a gradient check can fix it.",
                "random-mask")
    _, cache = dropout_forward(x.copy(), p, True, np.random.default_rng(seed + 1000))
    dout = np.random.default_rng(seed + 2000).standard_normal(x.shape)
    up = dout.copy()
    dx = ex.call(dropout_backward, up, cache, what=f"dropout_backward(dout, cache) on {case}")
    ex.unchanged({"dout": up}, {"dout": dout}, "dropout_backward")
    dx = ex.array(dx, what="dx", shape=x.shape)
    want = numerical_gradient_upstream(forward, x.copy(), dout)
    mistakes = [
        Mistake("dropout-not-scaled", lambda: want * p,
                "dx is dout times the 0/1 mask: the forward pass also divided by p, so dx = dout * mask / p."),
        Mistake("forgot-local-gradient", lambda: dout,
                "dx is dout unchanged: the dropped units had no effect on the output, so their gradient is 0 "
                "(dx = dout * mask / p)."),
    ]
    ex.judge(dx, want, name="dx", case=case, mistakes=mistakes, tol=1e-6, param_name="x",
             otherwise="dx = dout times the same mask (already divided by p) that the forward pass applied.")


def check_dropout(dropout_forward, dropout_backward, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check inverted dropout: ``dropout_forward(x, p, train, rng) -> (out, cache)``, ``dropout_backward(dout, cache)``.

    ``cases``: (keep probability p, seed). Training outputs must be 0 or x / p with about a
    fraction p kept; test outputs must be x; the backward pass is gradient-checked with a
    fixed mask (a fresh generator of the same seed for every call).
    """
    ex = Exercise("dropout", hidden=hidden)
    cases = cases if cases is not None else [(0.8, 0), (0.5, 1)]
    for i, (p, seed) in enumerate(cases):
        case = ex.case(i, f"keep probability p = {p:g}")
        rng = np.random.default_rng(seed)
        x = rng.uniform(0.5, 2.0, size=(6, 5)) * rng.choice([-1.0, 1.0], size=(6, 5))
        _dropout_test_mode(ex, dropout_forward, x, p, seed, case)
        _dropout_training(ex, dropout_forward, p, seed, case)
        _dropout_backward(ex, dropout_forward, dropout_backward, x, p, seed, case)
    ex.passed(f"test time is the identity, training keeps a fraction p scaled by 1/p, and the backward pass agrees "
              f"with a numerical gradient under a fixed mask on {ex.count(len(cases))}.")
