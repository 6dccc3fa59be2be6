"""Checks for notebook 04, sections 5-7: gradient checking in practice, and forward mode.

A repaired gradient checker (``fixed_grad_check``), a check of a dropout layer whose random
mask must be fixed (``check_layer``), and dual numbers (``Dual``, ``dual_exp``,
``derivative``). Same conventions as :mod:`nbkit.checks.ch04`, which re-exports every
check here (notebooks call ``ch04.check_dual`` and so on): the oracles are
nbkit.gradcheck's numerical gradients and relative error; classic wrong answers are
:class:`~nbkit.checks.kit.Mistake` catalogues; hidden cases show no values.
"""
from __future__ import annotations

import math
from typing import List, Optional

import numpy as np

from nbkit.checks.differences import check_restored, classic_gradient
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.gradcheck import numerical_gradient as _oracle_gradient
from nbkit.gradcheck import numerical_gradient_upstream as _oracle_upstream
from nbkit.gradcheck import rel_error as _rel_error


# -- 5. the broken gradient checker, repaired -----------------------------------------

def fixed_checker_cases(seed: int = 2) -> List[tuple]:
    """(f, x, analytic_grad) on a 2-d x where f ignores the last column (gradient exactly 0 there).

    Analytic gradients: right, doubled, and right except one entry.
    """
    rng = np.random.default_rng(seed)
    W = rng.uniform(0.5, 1.5, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    x = rng.uniform(-1, 1, (3, 4))

    def f(a, W=W):
        return float(np.sum(W[:, :3] * np.tanh(a[:, :3])) + 0.5 * np.sum(a[:, :3] ** 2))

    exact = np.zeros((3, 4))
    exact[:, :3] = W[:, :3] * (1 - np.tanh(x[:, :3]) ** 2) + x[:, :3]
    one_off = exact.copy()
    one_off[1, 2] += 0.1
    return [(f, x, exact), (f, x, 2 * exact), (f, x, one_off)]


def _one_sided(numerical, analytic, by) -> float:
    with np.errstate(all="ignore"):
        return float(np.nanmax(np.abs(numerical - analytic) / np.abs(by)))


STILL_BUGGY = [  # wrong(f, x, analytic, numerical) -> the relative error a checker with that bug reports
    Mistake("central-over-h", lambda f, x, an, num: _rel_error(2 * num, an), "It still divides the central "
            "difference by h instead of 2h, so the numerical gradient is twice too large."),
    Mistake("nudged-a-row", lambda f, x, an, num: _rel_error(classic_gradient(f, x, 1e-5, "row"), an), "It still "
            "nudges x[i], a whole row of the 2-d x, instead of one entry; loop over np.ndindex(x.shape)."),
    Mistake("not-restored", lambda f, x, an, num: _rel_error(classic_gradient(f, x, 1e-5, "not-restored"), an),
            "It still leaves each entry at x - h instead of restoring it."),
    Mistake("one-sided-denominator", lambda f, x, an, num: _one_sided(num, an, an), "It still divides by one "
            "gradient only; use |a - b| / max(|a| + |b|, 1e-8)."),
    Mistake("one-sided-denominator", lambda f, x, an, num: _one_sided(num, an, num), "It still divides by one "
            "gradient only; use |a - b| / max(|a| + |b|, 1e-8)."),
]


def check_fixed_grad_check(fixed_grad_check, cases=None, hidden: bool = False) -> None:
    """Check the repaired ``fixed_grad_check(f, x, analytic_grad, h=1e-5) -> float``.

    It must return rel_error(numerical gradient, analytic_grad), with x restored.
    ``cases``: list of (f, x, analytic_grad); x should be 2-d.
    """
    ex = Exercise("fixed_grad_check", hidden=hidden)
    cases = cases or fixed_checker_cases()
    for i, (f, x, analytic) in enumerate(cases):
        x, analytic = np.array(x, dtype=np.float64), np.array(analytic, dtype=np.float64)
        numerical = _oracle_gradient(f, x.copy(), h=1e-5)
        expected = _rel_error(numerical, analytic)
        right = expected <= 1e-6
        case = ex.case(i, ("a correct" if right else "a wrong") + f" gradient of shape {x.shape}")
        given = x.copy()
        raw = ex.call(fixed_grad_check, f, given, analytic.copy(), what="fixed_grad_check(f, x, analytic_grad)")
        check_restored(ex, x, given, 1e-5, case)
        if raw is not None and np.size(raw) > 1:
            ex.fail(f"fixed_grad_check returned an array of shape {np.shape(raw)}; return one number, the largest "
                    f"relative error.", "returned-array")
        got = ex.scalar(raw, what="fixed_grad_check(...)")
        if (right and 0 <= got <= 1e-6) or (not right and abs(got - expected) <= 1e-3 * expected):
            continue
        shown = ex.show(f" It returned {got:.4g}; the right value is {expected:.4g}.")
        if not math.isfinite(got):
            ex.fail(f"fixed_grad_check returned {got} ({case}). Some gradient entries are exactly 0 in both the "
                    f"numerical and the analytic gradient; dividing by |analytic| alone gives 0 / 0. Use the guarded "
                    f"relative error |a - b| / max(|a| + |b|, 1e-8).", "divided-by-zero")
        for mistake in STILL_BUGGY:
            value = mistake.wrong(f, x, analytic, numerical)
            if math.isfinite(value) and abs(got - value) <= 1e-3 * max(value, 1e-9) \
                    and abs(value - expected) > 1e-3 * expected + 1e-6:
                ex.fail(f"fixed_grad_check is not fixed yet ({case}): {mistake.why}{shown}", mistake.tag)
        ex.fail(f"fixed_grad_check gives the wrong answer ({case}).{shown} It should compute a central-difference "
                f"gradient of every entry (restoring each), then return rel_error(numerical, analytic_grad).",
                "still-buggy")
    ex.passed(f"all four bugs fixed; right on {ex.count(len(cases))}, including a gradient with exact zeros and a "
              f"wrong one.")


# -- 6. checking a layer: dropout needs a fixed mask -----------------------------------

class DropoutTanhLayer:
    """y = tanh(x) * mask / p with mask ~ Bernoulli(p) drawn from ``seed`` (inverted dropout).

    forward(x, seed=None) -> y, same shape as x; backward(upstream) -> dL/dx for the most
    recent forward call. ``bug`` plants a mistake in backward: "forgot-scale" (no / p) or
    "forgot-local-grad" (no tanh'). Records every call so a check can see how it was used.

    backward is a numerical gradient (:func:`nbkit.gradcheck.numerical_gradient_upstream`)
    of the forward map under the stored mask, not a formula: tanh' and the dropout backward
    are notebook 05's graded exercises, and no nbkit function may answer one. Its error
    (~1e-10) is far below what a gradient check flags.
    """

    def __init__(self, p: float = 0.5, bug: Optional[str] = None):
        if not 0.0 < p < 1.0:
            raise ValueError(f"the keep probability p must lie strictly between 0 and 1, got {p!r}")
        self.p = p
        self.bug = bug
        self.calls: List[tuple] = []

    def _apply(self, x, *, local: bool = True):
        """The layer's map with the mask of the last forward call (tanh left out when not ``local``)."""
        return (np.tanh(x) if local else x) * self.mask / self.p

    def forward(self, x, seed=None):
        x = np.asarray(x, dtype=float)
        self.calls.append(("forward", seed, x.copy()))
        self.mask = np.random.default_rng(seed).random(x.shape) < self.p
        self.x = x.copy()
        return self._apply(x)

    def backward(self, upstream):
        self.calls.append(("backward", None, self.x.copy()))
        local = self.bug != "forgot-local-grad"
        grad = _oracle_upstream(lambda a: self._apply(a, local=local), self.x.copy(),
                                np.asarray(upstream, dtype=float))
        return grad * self.p if self.bug == "forgot-scale" else grad


def layer_cases(seed: int = 3) -> List[tuple]:
    """(layer, x, upstream, seed) cases: a correct layer and one with a planted bug."""
    rng = np.random.default_rng(seed)
    return [
        (DropoutTanhLayer(0.5), rng.uniform(-1, 1, (3, 4)), rng.standard_normal((3, 4)), 7),
        (DropoutTanhLayer(0.5, bug="forgot-scale"), rng.uniform(-1, 1, (4, 2)), rng.standard_normal((4, 2)), 11),
    ]


def check_check_layer(check_layer, cases=None, hidden: bool = False) -> None:
    """Check ``check_layer(layer, x, upstream, seed) -> float``: the relative error between the
    layer's backward and a numerical gradient of sum(upstream * forward(x, seed)).

    ``cases``: list of (layer, x, upstream, seed) with a :class:`DropoutTanhLayer`.
    """
    ex = Exercise("check_layer", hidden=hidden)
    cases = cases or layer_cases()
    for i, (layer, x, upstream, seed) in enumerate(cases):
        x, upstream = np.array(x, dtype=np.float64), np.array(upstream, dtype=np.float64)
        twin = DropoutTanhLayer(layer.p, bug=layer.bug)  # the right answer, computed the right way on a twin
        twin.forward(x.copy(), seed)
        analytic = twin.backward(upstream)
        expected = _rel_error(_oracle_upstream(lambda a: twin.forward(a, seed), x.copy(), upstream), analytic)
        buggy = layer.bug is not None
        case = ex.case(i, ("a layer with a bug in backward" if buggy else "a correct layer")
                       + f", x {x.shape}, seed {seed}")
        layer.calls.clear()
        given = x.copy()
        got = ex.scalar(ex.call(check_layer, layer, given, upstream.copy(), seed,
                                what="check_layer(layer, x, upstream, seed)"), what="check_layer(...)")
        check_restored(ex, x, given, 1e-3, case)
        seeds = {s for kind, s, _ in layer.calls if kind == "forward"}
        if seeds and seeds != {seed}:
            ex.fail(f"check_layer called layer.forward with seed {sorted(map(repr, seeds))} ({case}), not always "
                    f"with the given seed. Dropout draws a new random mask on every call unless the seed is fixed, "
                    f"so f(x + h) and f(x - h) would use different masks and their difference is noise, not a "
                    f"slope. Pass the same seed to every forward call.", "random-mask")
        backward_calls = [k for k, (kind, _, _) in enumerate(layer.calls) if kind == "backward"]
        if not backward_calls:
            ex.fail(f"check_layer never called layer.backward ({case}): the analytic gradient to check is "
                    f"layer.backward(upstream), run right after layer.forward(x, seed).", "backward-not-called")
        if any(not close(layer.calls[k][2], x, 1e-12) for k in backward_calls):
            ex.fail(f"check_layer called layer.backward after a forward call at a nudged x ({case}). backward "
                    f"uses what the LAST forward call stored, and after the numerical sweep that is x with one "
                    f"entry moved by h. Call layer.forward(x, seed) and layer.backward(upstream) first (or run "
                    f"forward again at x just before backward).", "stale-cache")
        if not math.isfinite(got):
            ex.fail(f"check_layer returned {got} ({case}).", "nan")
        if buggy and got < 1e-2:
            ex.fail(f"check_layer returned {got:.2g} for a layer whose backward is wrong ({case}): it missed the "
                    f"bug. Compare the layer's backward(upstream) with numerical_gradient_upstream(lambda a: "
                    f"layer.forward(a, seed), x, upstream).", "missed-bug")
        if abs(got - expected) <= 1e-3 * expected or (not buggy and got <= 1e-6):
            continue
        ex.fail(f"check_layer gives the wrong number ({case})."
                + ex.show(f" It returned {got:.4g}; the right value is {expected:.4g}.")
                + " Return rel_error(analytic, numerical) with analytic = layer.backward(upstream) after "
                  "layer.forward(x, seed), and numerical from your numerical_gradient_upstream with the same seed.",
                "wrong-values")
    ex.passed(f"a fixed dropout mask, backward at the unperturbed x, bug found where there is one, "
              f"on {ex.count(len(cases))}.")


# -- 7. forward mode with dual numbers ------------------------------------------------

DUAL_FUNCTIONS = [
    (lambda t, exp: t * t * t - 2 * t + 1, 1.5, "t^3 - 2t + 1"),
    (lambda t, exp: exp(t * t) * t, 0.7, "exp(t^2) t"),
    (lambda t, exp: 3 * exp(2 * t) + t * exp(-t), -0.4, "3 exp(2t) + t exp(-t)"),
]
_PRODUCT_RULE = " (a + a'ε)(b + b'ε) = ab + (a'b + ab')ε + a'b'ε², and ε² = 0."
E = math.exp(0.5)
# (what, the Dual expression, the right (value, deriv), its classic mistakes, the rule to revisit)
DUAL_RULES = [
    ("Dual(2, 3) + Dual(5, 7)", lambda Dual, exp: Dual(2.0, 3.0) + Dual(5.0, 7.0), (7.0, 10.0),
     [Mistake("multiplied-derivatives", lambda: (7.0, 21.0), "The derivatives were multiplied.")],
     "Values add and derivatives add: (a + a'ε) + (b + b'ε) = (a + b) + (a' + b')ε."),
    ("Dual(2, 3) * Dual(5, 7)", lambda Dual, exp: Dual(2.0, 3.0) * Dual(5.0, 7.0), (10.0, 29.0),
     [Mistake("added-derivatives", lambda: (10.0, 10.0), "The derivatives were added, as for a sum." + _PRODUCT_RULE),
      Mistake("multiplied-derivatives", lambda: (10.0, 21.0), "The derivatives were multiplied (a'b'), but that term "
              "has ε² = 0." + _PRODUCT_RULE),
      Mistake("half-product-rule", lambda: (10.0, 15.0), "Only a'b is there; the product rule also has ab'."
              + _PRODUCT_RULE),
      Mistake("half-product-rule", lambda: (10.0, 14.0), "Only ab' is there; the product rule also has a'b."
              + _PRODUCT_RULE)],
     "The value part is the product of the values, and" + _PRODUCT_RULE),
    ("4 * Dual(2, 3) + 1.5", lambda Dual, exp: 4.0 * Dual(2.0, 3.0) + 1.5, (9.5, 12.0), [],
     "A plain number is a constant: as a Dual its derivative is 0 (Dual.lift does that; call it on `other` first)."),
    ("dual_exp(Dual(0.5, 2))", lambda Dual, exp: exp(Dual(0.5, 2.0)), (E, 2 * E),
     [Mistake("forgot-chain-rule", lambda: (E, E), "The derivative is exp(a) but must be multiplied by a' "
              "(chain rule)."),
      Mistake("forgot-local-gradient", lambda: (E, 2.0), "The derivative kept a' but forgot the local derivative "
              "exp(a).")],
     "exp(a + a'ε) = exp(a) + exp(a) a' ε."),
]


def check_dual(Dual, dual_exp, derivative, cases=None, hidden: bool = False) -> None:
    """Check dual-number forward mode: ``Dual.__add__``, ``Dual.__mul__``, ``dual_exp`` and
    ``derivative(f, x)`` = f(Dual(x, 1)).deriv.

    ``cases``: list of (f, x) or (f, x, description) with f(t, exp) written with +, -, * and
    exp only, so that it runs on floats (exp = math.exp) and on Duals (exp = dual_exp).
    """
    ex = Exercise("Dual", hidden=hidden)
    for what, expression, right, mistakes, rule in DUAL_RULES:
        d = ex.call(expression, Dual, dual_exp, what=what)
        if not (hasattr(d, "value") and hasattr(d, "deriv")):
            ex.fail(f"{what} should return a Dual (with .value and .deriv), but returned {d!r}.", "not-a-dual")
        got = (ex.scalar(d.value, what=f"{what}.value"), ex.scalar(d.deriv, what=f"{what}.deriv"))
        if what.startswith("4 *") and not close(got, right, 1e-9):
            ex.fail(f"{what} gave Dual({got[0]:g}, {got[1]:g}); it should be Dual(9.5, 12). {rule}",
                    "constant-derivative")
        Exercise("Dual").judge(got, right, name=what, case="a fixed example", mistakes=mistakes, tol=1e-9,
                               otherwise=rule)  # fixed examples: their values may be shown
    # derivative(f, x) on whole functions, against central differences of the same formula in floats
    cases = cases or DUAL_FUNCTIONS
    for i, case_data in enumerate(cases):
        f, x = case_data[0], float(case_data[1])
        case = ex.case(i, f"f(t) = {case_data[2]} at t = {x:g}" if len(case_data) > 2 else f"case {i + 1}, t = {x:g}")
        want = _oracle_gradient(lambda t: float(f(t, math.exp)), x)
        got = ex.scalar(ex.call(derivative, lambda t: f(t, dual_exp), x, what="derivative(f, x)"),
                        what="derivative(f, x)")
        ex.judge(got, want, name="derivative(f, x)", case=case, args=(f, x), mistakes=DERIVATIVE_MISTAKES)
    ex.passed(f"sum rule, product rule, constants, exp with the chain rule, and the derivatives of "
              f"{len(cases)} {'hidden ' if hidden else ''}functions agree with central differences.")


DERIVATIVE_MISTAKES = [
    Mistake("seed-zero", lambda f, x: 0.0, "It returned 0. Seed the input with derivative 1, Dual(x, 1.0): "
            "dx/dx = 1."),
    Mistake("returned-value", lambda f, x: float(f(x, math.exp)), "It returned f(x) itself; return the .deriv part "
            "of f(Dual(x, 1.0))."),
]
