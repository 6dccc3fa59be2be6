"""Checks for notebook 05, sections 1-3: a neural network by hand, piece by piece.

Activation derivatives, the two-layer network, the affine layer and softmax cross-entropy;
sections 4-7 (the MLP's backward pass, Xavier, L2, dropout) are in
:mod:`nbkit.checks.ch05_network`, re-exported here so that the notebook calls every check
as ``ch05.check_...``.

Every check runs the learner's own functions. Oracles: numerical derivatives
(:mod:`nbkit.gradcheck`) of the forward definitions in :mod:`nbkit.checks.definitions`,
mathematical properties, and values handed in by hidden test cells. No gradient is written
here: the catalogues of classic mistakes are built from numerical gradients too, or named
from properties, so nothing in this module is an answer.

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

# Sections 4-7 (the MLP's backward pass, Xavier, L2, dropout) live in their own module;
# notebook 05 reaches every check as ch05.check_...
from nbkit.checks.ch05_network import (  # noqa: F401, E402
    check_dropout, check_l2, check_mlp_backward, check_xavier, product_hint)

_TOL = 1e-6      # analytic answers against central differences (error ~1e-9 relative)


def _elementwise_derivative(f: Callable, z: np.ndarray) -> np.ndarray:
    """f'(z) entry by entry, for an elementwise f, by central differences (z away from kinks)."""
    return numerical_gradient_upstream(f, np.array(z, dtype=float), np.ones(np.shape(z)))


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
            ex.unchanged({arg: given}, {arg: out}, f"{name}")
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
            ex.unchanged({"z": given}, {"z": z}, name)
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
        ex.unchanged(args, {"x": x, "y": y, "w1": w1, "w2": w2}, "two_layer_loss_and_grads")
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
        ex.unchanged(given, {"x": x, "w": w, "b": b}, "affine_forward")
        out, cache = ex.returned(result, 2, what="affine_forward", names="(out, cache)")
        out = ex.array(out, what="out", shape=(n, m))
        if not close(out, x @ w + b):
            ex.fail(f"affine_forward's out is wrong ({case}): it should be x @ w + b, shape ({n}, {m}).",
                    "wrong-forward")
        up = dout.copy()
        grads = ex.call(affine_backward, up, cache, what=f"affine_backward(dout, cache) on {case}",
                        hint=product_hint("affine_backward"))
        ex.unchanged({"dout": up}, {"dout": dout}, "affine_backward")
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
        ex.unchanged({"scores": given_s, "y": given_y}, {"scores": scores, "y": y}, "softmax_loss")
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
