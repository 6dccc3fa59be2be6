"""Checks for notebook 05: a neural network by hand.

Every check runs the learner's own functions. Oracles: numerical derivatives
(:mod:`nbkit.gradcheck`) of the forward definitions in :mod:`nbkit.checks.definitions`
(or, for dropout, of the learner's own forward with a fixed mask), mathematical
properties (a test-time dropout is the identity, Xavier weights fill their bound
uniformly, the bias is not penalised), and values handed in by hidden test cells. No
gradient is written here: the catalogues of classic mistakes are built from numerical
gradients too, or named from properties, so nothing in this module is an answer.

``cases`` lets a hidden test cell pass its own cases (seeds and sizes, never arrays of
expected values); with ``hidden=True`` messages name a failing case by number only.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np

from nbkit.checks import definitions as D
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.feedback import format_array
from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream

_TOL = 1e-6      # analytic answers against central differences (error ~1e-9 relative)


def _elementwise_derivative(f: Callable, z: np.ndarray) -> np.ndarray:
    """f'(z) entry by entry, for an elementwise f, by central differences (z away from kinks)."""
    return numerical_gradient_upstream(f, np.array(z, dtype=float), np.ones(np.shape(z)))


def _unchanged(ex: Exercise, arrays: dict, snapshots: dict, what: str) -> None:
    """Fail with input-modified when a function changed an array it was given."""
    for name, arr in arrays.items():
        if not np.array_equal(arr, snapshots[name]):
            ex.fail(f"{what} changed its argument `{name}` in place. A function's arguments belong to the "
                    f"caller (a forward value is reused by the next layer, a cache by backward): compute "
                    f"new arrays (e.g. `out = x * mask`, not `x *= mask`).", "input-modified")


def _grid(seed: int, shape, low=-3.0, high=3.0, avoid=(0.0,), margin=0.05) -> np.ndarray:
    """Random points in [low, high] at least ``margin`` away from every kink in ``avoid``."""
    rng = np.random.default_rng(seed)
    z = rng.uniform(low, high, size=shape)
    for k in avoid:
        near = np.abs(z - k) < margin
        z[near] = k + np.where(z[near] >= k, margin, -margin) * 2
    return z


# -- 1.1 sigmoid and tanh derivatives from the output --------------------------------------

SIGMOID_GRAD_MISTAKES = [
    Mistake("sigmoid-derivative", lambda s: s,
            "It returns sigma(z) itself. The derivative of the sigmoid is sigma(z) (1 - sigma(z)): with the "
            "output s given, return s * (1 - s)."),
    Mistake("output-as-input", lambda s: D.sigmoid(s) * (1 - D.sigmoid(s)),
            "It applies the sigmoid again to its argument, as if it were z. The argument is already the output "
            "s = sigma(z): the derivative is s * (1 - s), with no further sigmoid."),
    Mistake("sign-flipped", lambda s: -s * (1 - s),
            "The sign is flipped: the sigmoid is increasing, so its derivative is positive."),
]

TANH_GRAD_MISTAKES = [
    Mistake("value-not-derivative", lambda t: t,
            "It returns tanh(z) itself. With t = tanh(z) given, the derivative is 1 - t**2."),
    Mistake("output-as-input", lambda t: 1 - np.tanh(t) ** 2,
            "It applies tanh again to its argument, as if it were z. The argument is already t = tanh(z): "
            "return 1 - t**2."),
    Mistake("missing-square", lambda t: 1 - t,
            "It returns 1 - t; the derivative of tanh is 1 - t**2 (the square of the output)."),
    Mistake("sign-flipped", lambda t: t ** 2 - 1,
            "The sign is flipped: tanh is increasing, so its derivative 1 - t**2 is positive."),
]


def check_sigmoid_tanh_grad(sigmoid_grad, tanh_grad, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``sigmoid_grad(s)`` (s = sigma(z)) and ``tanh_grad(t)`` (t = tanh(z)): f'(z) from the output.

    ``cases``: arrays z of any shape; each is passed through the forward first.
    """
    cases = cases if cases is not None else [np.array([-2.0, -0.5, 0.0, 1.0, 3.0]), _grid(1, (3, 4))]
    for fn, name, forward, mistakes, arg in ((sigmoid_grad, "sigmoid_grad", D.sigmoid, SIGMOID_GRAD_MISTAKES, "s"),
                                             (tanh_grad, "tanh_grad", D.tanh, TANH_GRAD_MISTAKES, "t")):
        ex = Exercise(name, hidden=hidden)
        for i, z in enumerate(cases):
            z = np.array(z, dtype=float)
            out = np.asarray(forward(z), dtype=float)
            case = ex.case(i, f"{arg} = {name.split('_')[0]}(z) for z = {format_array(z)}")
            given = out.copy()
            got = ex.call(fn, given, what=f"{name}({arg}) on {case}")
            _unchanged(ex, {arg: given}, {arg: out}, f"{name}")
            got = ex.array(got, what=f"{name}({arg}) on {case}", shape=z.shape)
            want = _elementwise_derivative(forward, z)
            ex.judge(got, want, name=f"{name}({arg})", case=case, mistakes=mistakes, args=(out,), tol=_TOL,
                     otherwise=f"Write the derivative in terms of the output {arg}: see the table above.")
    Exercise("sigmoid_grad and tanh_grad", hidden=hidden).passed(
        f"both derivatives, from the output, agree with numerical derivatives on {ex.count(len(cases))}.")


# -- 1.2 hard tanh, softsign, ReLU, leaky ReLU ---------------------------------------------

def _piecewise_mistakes(alpha: float) -> dict:
    return {
        "hard_tanh_grad": [
            Mistake("hard-tanh-unclipped", lambda z: np.ones_like(z),
                    "It returns 1 everywhere. Hard tanh is flat (constant -1 or +1) outside [-1, 1], so its "
                    "derivative is 0 there and 1 only for -1 < z < 1."),
            Mistake("hard-tanh-one-side", lambda z: (z < 1.0).astype(float),
                    "It is 1 for every z < 1, also below -1. Hard tanh is -1 (flat) for z < -1, so the derivative "
                    "is 0 on both sides of [-1, 1]."),
            Mistake("value-not-derivative", lambda z: D.hard_tanh(z),
                    "It returns hard tanh's value, not its derivative (1 inside [-1, 1], 0 outside)."),
            Mistake("mask-inverted", lambda z: (np.abs(z) > 1.0).astype(float),
                    "The mask is inverted: the derivative is 1 inside (-1, 1) and 0 outside."),
        ],
        "softsign_grad": [
            Mistake("softsign-not-squared", lambda z: 1.0 / (1.0 + np.abs(z)),
                    "It returns 1 / (1 + |z|). The quotient rule gives ((1 + |z|) - z sign(z)) / (1 + |z|)^2 "
                    "= 1 / (1 + |z|)^2: the denominator is squared."),
            Mistake("forgot-abs", lambda z: 1.0 / (1.0 + z) ** 2,
                    "It returns 1 / (1 + z)^2, which is wrong for z < 0: the derivative is 1 / (1 + |z|)^2, "
                    "with the absolute value."),
            Mistake("value-not-derivative", lambda z: D.softsign(z),
                    "It returns softsign's value z / (1 + |z|), not its derivative 1 / (1 + |z|)^2."),
        ],
        "relu_grad": [
            Mistake("relu-slope-one", lambda z: np.ones_like(z),
                    "It returns 1 for every z, also z < 0. ReLU is the constant 0 for z < 0, so its derivative is 0 "
                    "there: return 1 where z > 0 and 0 elsewhere."),
            Mistake("mask-inverted", lambda z: (z < 0).astype(float),
                    "The mask is inverted: the derivative is 1 where z > 0 and 0 where z < 0."),
            Mistake("value-not-derivative", lambda z: D.relu(z),
                    "It returns max(z, 0), ReLU's value; its derivative is 1 for z > 0 and 0 for z < 0."),
        ],
        "leaky_relu_grad": [
            Mistake("leaky-slope-zero", lambda z: (z > 0).astype(float),
                    f"It returns 0 for z < 0, like ReLU. Leaky ReLU is alpha z there, so its derivative is alpha "
                    f"(here {alpha:g})."),
            Mistake("mask-inverted", lambda z: np.where(z > 0, alpha, 1.0),
                    "The two slopes are swapped: the derivative is 1 for z > 0 and alpha for z < 0."),
            Mistake("ignored-alpha", lambda z: np.where(z > 0, 1.0, 0.01) if alpha != 0.01 else None,
                    "It uses the slope 0.01 whatever alpha it is given: use the argument alpha."),
            Mistake("value-not-derivative", lambda z: D.leaky_relu(z, alpha),
                    "It returns leaky ReLU's value; its derivative is 1 for z > 0 and alpha for z < 0."),
        ],
    }


def check_piecewise_grads(hard_tanh_grad, softsign_grad, relu_grad, leaky_relu_grad,
                          cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check the derivatives of hard tanh, softsign, ReLU and leaky ReLU (z -> f'(z), elementwise).

    ``cases``: (z, alpha) pairs; z avoids the kinks 0 and +-1; alpha is leaky ReLU's slope.
    """
    cases = cases if cases is not None else [
        (np.array([-3.0, -1.5, -0.5, 0.25, 0.8, 2.0]), 0.01),
        (_grid(2, (4, 3), avoid=(0.0, -1.0, 1.0)), 0.1),
    ]
    functions = (("hard_tanh_grad", hard_tanh_grad, D.hard_tanh), ("softsign_grad", softsign_grad, D.softsign),
                 ("relu_grad", relu_grad, D.relu), ("leaky_relu_grad", leaky_relu_grad, D.leaky_relu))
    for name, fn, forward in functions:
        ex = Exercise(name, hidden=hidden)
        for i, (z, alpha) in enumerate(cases):
            z = np.array(z, dtype=float)
            leaky = name == "leaky_relu_grad"
            case = ex.case(i, f"z = {format_array(z)}" + (f", alpha = {alpha:g}" if leaky else ""))
            given = z.copy()
            if leaky:
                got = ex.call(fn, given, alpha, what=f"{name}(z, alpha) on {case}")
                want = _elementwise_derivative(lambda v: D.leaky_relu(v, alpha), z)
            else:
                got = ex.call(fn, given, what=f"{name}(z) on {case}")
                want = _elementwise_derivative(forward, z)
            _unchanged(ex, {"z": given}, {"z": z}, name)
            got = ex.array(got, what=f"{name} on {case}", shape=z.shape)
            ex.judge(got, want, name=name, case=case, mistakes=_piecewise_mistakes(alpha)[name], args=(z,),
                     tol=_TOL, otherwise="Differentiate each piece of the function separately (see the table).")
    Exercise("hard_tanh_grad, softsign_grad, relu_grad, leaky_relu_grad", hidden=hidden).passed(
        f"all four derivatives agree with numerical derivatives on {ex.count(len(cases))}.")


# -- 2. the two-layer network ----------------------------------------------------------------

def _two_layer_case(n, d_in, h, d_out, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d_in)), rng.standard_normal((n, d_out)),
            rng.standard_normal((d_in, h)), rng.standard_normal((h, d_out)))


def _two_layer_w1_mistakes(x, y, w1, w2) -> list:
    """Wrong grad_w1 from a wrong sigmoid derivative, built from numerical pieces only."""
    z = x @ w1
    h = D.sigmoid(z)
    # dL/dh by central differences on the loss as a function of h
    dh = numerical_gradient(lambda hh: float(np.sum((hh @ w2 - y) ** 2)), h.copy())

    def through(local):          # x^T (dh * local), as the numerical upstream-gradient of w -> x @ w
        return lambda *_: numerical_gradient_upstream(lambda w: x @ w, w1.copy(), dh * local)

    return [
        Mistake("sigmoid-derivative", through(h),
                "On the way back through the sigmoid it multiplies by h = sigma(z) instead of sigma'(z) = h (1 - h)."),
        Mistake("output-as-input", through(D.sigmoid(h) * (1 - D.sigmoid(h))),
                "It applies the sigmoid again to h = sigma(z) before taking the derivative: sigma'(z) = h (1 - h), "
                "computed from h directly."),
        Mistake("forgot-local-gradient", through(np.ones_like(h)),
                "It passes dL/dh through the sigmoid without multiplying by its local gradient h (1 - h)."),
    ]


def check_two_layer(two_layer_loss_and_grads, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``two_layer_loss_and_grads(x, y, w1, w2) -> (loss, grad_w1, grad_w2)``.

    ``cases``: (N, D_in, H, D_out, seed) tuples; the arrays are drawn from the seed.
    """
    ex = Exercise("two_layer_loss_and_grads", hidden=hidden)
    cases = cases if cases is not None else [(4, 5, 3, 2, 0), (6, 3, 4, 3, 1)]
    for i, (n, d_in, h, d_out, seed) in enumerate(cases):
        x, y, w1, w2 = _two_layer_case(n, d_in, h, d_out, seed)
        case = ex.case(i, f"N={n}, D_in={d_in}, H={h}, D_out={d_out}")
        args = {name: a.copy() for name, a in (("x", x), ("y", y), ("w1", w1), ("w2", w2))}
        result = ex.call(two_layer_loss_and_grads, args["x"], args["y"], args["w1"], args["w2"],
                         what=f"two_layer_loss_and_grads(x, y, w1, w2) on {case}")
        _unchanged(ex, args, {"x": x, "y": y, "w1": w1, "w2": w2}, "two_layer_loss_and_grads")
        loss, g1, g2 = ex.returned(result, 3, what="two_layer_loss_and_grads", names="(loss, grad_w1, grad_w2)")
        loss = ex.scalar(loss, what="the loss")
        want_loss = D.two_layer_loss(x, w1, w2, y)
        if not close(loss, want_loss):
            hint = ""
            if close(loss, want_loss / (n * d_out)) or close(loss, want_loss / n):
                hint = " It looks averaged; this network's loss is the plain sum of the squared errors."
            elif close(loss, want_loss / 2):
                hint = " It is half the right value: this loss has no factor 1/2."
            ex.fail(f"the loss is wrong ({case})." + ex.show(f" You have {loss:.6g}; sum((y_pred - y)**2) is "
                                                            f"{want_loss:.6g}.") + hint
                    + " Forward: h = sigmoid(x @ w1), y_pred = h @ w2.", "wrong-forward")
        g2 = ex.array(g2, what="grad_w2")
        want_g2 = numerical_gradient(lambda w: D.two_layer_loss(x, w1, w, y), w2.copy())
        ex.judge(g2, want_g2, name="grad_w2", case=case, tol=1e-5, param_name="w2",
                 otherwise="dL/dW2 = h^T (dL/dy_pred), with dL/dy_pred = 2 (y_pred - y).")
        g1 = ex.array(g1, what="grad_w1")
        want_g1 = numerical_gradient(lambda w: D.two_layer_loss(x, w, w2, y), w1.copy())
        if not close(g1, want_g1, 1e-5):
            ex.judge(g1, want_g1, name="grad_w1", case=case, tol=1e-5, param_name="w1",
                     mistakes=_two_layer_w1_mistakes(x, y, w1, w2),
                     otherwise="Chain back from y_pred: dL/dh = (dL/dy_pred) W2^T, then through the sigmoid "
                               "(times h (1 - h)), then dL/dW1 = x^T (dL/dz).")
    ex.passed(f"the loss and both gradients agree with numerical gradients on {ex.count(len(cases))}.")


# -- 3.1 the affine layer ---------------------------------------------------------------------

def _affine_case(n, d, m, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d)), rng.standard_normal((d, m)), rng.standard_normal(m),
            rng.standard_normal((n, m)))


def _product_hint(what: str):
    def hint(exc):
        if isinstance(exc, ValueError) and ("matmul" in str(exc) or "shapes" in str(exc) or "broadcast" in str(exc)):
            return (f"{what} raised ValueError: {exc}. The shapes of a product do not line up, usually because a "
                    f"factor lacks its transpose. Write the shapes next to each factor: dx (N, D) = dout (N, M) "
                    f"times w^T (M, D), dw (D, M) = x^T (D, N) times dout (N, M).", "missing-transpose")
        return None
    return hint


def check_affine(affine_forward, affine_backward, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``affine_forward(x, w, b) -> (out, cache)`` and ``affine_backward(dout, cache) -> (dx, dw, db)``.

    ``cases``: (N, D, M, seed) tuples. Also checks that a second forward call does not change the
    first call's cache, and that neither function changes its arguments.
    """
    ex = Exercise("affine", hidden=hidden)
    cases = cases if cases is not None else [(4, 3, 5, 0), (2, 6, 2, 1)]
    for i, (n, d, m, seed) in enumerate(cases):
        x, w, b, dout = _affine_case(n, d, m, seed)
        case = ex.case(i, f"x ({n}, {d}), w ({d}, {m}), b ({m},)")
        given = {"x": x.copy(), "w": w.copy(), "b": b.copy()}
        result = ex.call(affine_forward, given["x"], given["w"], given["b"], what=f"affine_forward(x, w, b) on {case}")
        _unchanged(ex, given, {"x": x, "w": w, "b": b}, "affine_forward")
        out, cache = ex.returned(result, 2, what="affine_forward", names="(out, cache)")
        out = ex.array(out, what="out", shape=(n, m))
        if not close(out, x @ w + b):
            ex.fail(f"affine_forward's out is wrong ({case}): it should be x @ w + b, shape ({n}, {m}).",
                    "wrong-forward")
        up = dout.copy()
        grads = ex.call(affine_backward, up, cache, what=f"affine_backward(dout, cache) on {case}",
                        hint=_product_hint("affine_backward"))
        _unchanged(ex, {"dout": up}, {"dout": dout}, "affine_backward")
        dx, dw, db = ex.returned(grads, 3, what="affine_backward", names="(dx, dw, db)")
        refs = (("dx", dx, numerical_gradient_upstream(lambda v: v @ w + b, x.copy(), dout), "x"),
                ("dw", dw, numerical_gradient_upstream(lambda v: x @ v + b, w.copy(), dout), "w"),
                ("db", db, numerical_gradient_upstream(lambda v: x @ w + v, b.copy(), dout), "b"))
        for name, got, want, param in refs:
            ex.judge(ex.array(got, what=name), want, name=name, case=case, tol=1e-5, param_name=param,
                     batch_size=n if param != "x" else None,
                     otherwise="Each gradient is the one product of dout and a cached array whose shape is the "
                               "parameter's.")
    # The layer is used twice in a network: the first cache must survive a second forward call.
    x1, w1, b1, dout1 = _affine_case(3, 4, 2, 7)
    x2, w2, b2, _ = _affine_case(3, 4, 2, 8)
    _, cache1 = ex.returned(ex.call(affine_forward, x1, w1, b1, what="affine_forward (first call)"), 2,
                            what="affine_forward", names="(out, cache)")
    ex.call(affine_forward, x2, w2, b2, what="affine_forward (second call)")
    dx, dw, db = ex.returned(ex.call(affine_backward, dout1.copy(), cache1, what="affine_backward on the first cache"),
                             3, what="affine_backward", names="(dx, dw, db)")
    if not (close(dx, numerical_gradient_upstream(lambda v: v @ w1 + b1, x1.copy(), dout1), 1e-5)
            and close(dw, numerical_gradient_upstream(lambda v: x1 @ v + b1, w1.copy(), dout1), 1e-5)):
        ex.fail("after a second call of affine_forward, backward on the FIRST call's cache gave the gradients of "
                "the second call: the cache holds a reference to an array the layer overwrites on its next call "
                "(a shared buffer or a global). Put the layer's own inputs in the cache, e.g. cache = (x, w), and "
                "write each output into a new array.", "shared-cache")
    ex.passed(f"out, dx, dw and db agree with numerical gradients on {ex.count(len(cases))}, and a cache survives "
              f"the next forward call.")


# -- 3.2 softmax cross-entropy ------------------------------------------------------------

def _softmax_case(n, c, seed, scale):
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((n, c)) * 3.0 + (scale if scale > 50 else 0.0)
    if scale > 50:                       # large scores: differences of hundreds, values near `scale`
        scores += rng.uniform(-scale / 2, scale / 2, size=(n, c))
    return scores, rng.integers(0, c, size=n)


SOFTMAX_MISTAKES = [
    Mistake("forgot-labels", lambda s, y: D.softmax(s) / len(y),
            "It returns P / N: the gradient of cross-entropy is (P - Y) / N, with Y the one-hot labels "
            "(subtract 1 at each example's right class)."),
    Mistake("forgot-labels", lambda s, y: D.softmax(s),
            "It returns P: the gradient is (P - Y) / N, with Y the one-hot labels and the 1/N of the mean."),
]


def check_softmax_loss(softmax_loss, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``softmax_loss(scores, y) -> (loss, dscores)``: mean cross-entropy, (P - Y) / N.

    ``cases``: (N, C, seed, scale) tuples; a scale above 50 gives scores of hundreds (overflow test).
    """
    ex = Exercise("softmax_loss", hidden=hidden)
    cases = cases if cases is not None else [(4, 3, 0, 1.0), (3, 5, 1, 1000.0)]
    for i, (n, c, seed, scale) in enumerate(cases):
        scores, y = _softmax_case(n, c, seed, scale)
        large = scale > 50
        case = ex.case(i, f"scores ({n}, {c})" + (" with entries in the hundreds" if large else ""))
        given_s, given_y = scores.copy(), y.copy()
        with np.errstate(all="ignore"):
            result = ex.call(softmax_loss, given_s, given_y, what=f"softmax_loss(scores, y) on {case}")
        _unchanged(ex, {"scores": given_s, "y": given_y}, {"scores": scores, "y": y}, "softmax_loss")
        loss, dscores = ex.returned(result, 2, what="softmax_loss", names="(loss, dscores)")
        loss = ex.scalar(loss, what="the loss")
        dscores = ex.array(dscores, what="dscores", shape=(n, c))
        if not (np.isfinite(loss) and np.all(np.isfinite(dscores))):
            ex.fail(f"the loss or dscores contain nan or inf ({case}). e**s overflows for scores in the hundreds "
                    f"(e**710 is already inf, and inf / inf is nan). Subtract each row's maximum from the scores "
                    f"before exponentiating (softmax does not change), and compute log P as (s - max) - "
                    f"log(sum(exp(s - max))).", "softmax-overflow")
        want = D.cross_entropy(scores, y)
        if not close(loss, want):
            if close(loss, want * n):
                ex.fail(f"the loss is wrong ({case}): it is the sum over the batch; the loss is the mean, "
                        f"-(1/N) sum_n log P[n, y_n].", "scaled-by-batch")
            ex.fail(f"the loss is wrong ({case})." + ex.show(f" You have {loss:.6g}; the mean cross-entropy is "
                                                            f"{want:.6g}.")
                    + " L = -(1/N) sum_n log P[n, y_n], P = softmax of each row.", "wrong-forward")
        want_d = numerical_gradient(lambda s: D.cross_entropy(s, y), scores.copy())
        ex.judge(dscores, want_d, name="dscores", case=case, mistakes=SOFTMAX_MISTAKES, args=(scores, y), tol=1e-5,
                 param_name="scores", batch_size=n,
                 otherwise="dL/dscores = (P - Y) / N: the softmax probabilities minus the one-hot labels, divided by "
                           "the batch size as in the loss.")
    ex.passed(f"the loss and (P - Y) / N agree with a numerical gradient on {ex.count(len(cases))}, "
              f"large scores included.")


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
    grads = ex.call(mlp_backward, given, params, cache, what=what, hint=_product_hint("mlp_backward"))
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
        _unchanged(ex, given_params, params, "add_l2")
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
        # test mode: the identity
        given = x.copy()
        out, _ = ex.returned(ex.call(dropout_forward, given, p, False, np.random.default_rng(seed),
                                     what=f"dropout_forward(x, p, train=False, rng) on {case}"),
                             2, what="dropout_forward", names="(out, cache)")
        _unchanged(ex, {"x": given}, {"x": x}, "dropout_forward")
        out = ex.array(out, what="the test-mode output", shape=x.shape)
        if not close(out, x):
            if close(out, x * p) or close(out, x / p):
                ex.fail(f"at test time the output is x scaled ({case}). With inverted dropout the 1/p is applied in "
                        f"training, so the expected training output already equals x: at test time, return x "
                        f"unchanged.", "dropout-scaled-at-test")
            ex.fail(f"at test time (train=False) dropout must return x unchanged ({case}).", "wrong-forward")
        # training mode: entries 0 or x / p, about a fraction p kept
        big = np.ones((200, 250))
        given = big.copy()
        out_big, _ = ex.returned(ex.call(dropout_forward, given, p, True, np.random.default_rng(seed),
                                         what=f"dropout_forward(x, p, train=True, rng) on {case}"),
                                 2, what="dropout_forward", names="(out, cache)")
        _unchanged(ex, {"x": given}, {"x": big}, "dropout_forward")
        out_big = ex.array(out_big, what="the training output", shape=big.shape)
        kept = out_big != 0
        values = np.unique(np.round(out_big[kept], 12))
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
            ex.fail(f"a fraction {fraction:.3f} of the units is kept ({case}); it should be about p. Keep a unit "
                    f"where rng.random(x.shape) < p.", "wrong-forward")
        # backward with a fixed mask: a fresh generator of the same seed for every forward call
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
        _unchanged(ex, {"dout": up}, {"dout": dout}, "dropout_backward")
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
    ex.passed(f"test time is the identity, training keeps a fraction p scaled by 1/p, and the backward pass agrees "
              f"with a numerical gradient under a fixed mask on {ex.count(len(cases))}.")
