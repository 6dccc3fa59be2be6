"""Checks for notebook 04: gradient checking, and how differentiation is automated.

Every check runs the learner's own function. The oracles are nbkit.gradcheck's
numerical gradients and relative error (the definitions the notebook states) and the
mathematical definitions of forward/central differences and dual-number arithmetic.
When an answer is wrong, the check computes the classic wrong answers for the same input
(a forward difference, a central difference divided by h, a step scaled by |x|, an entry
never restored, a row nudged instead of an entry, a one-sided denominator...) as a
catalogue of :class:`~nbkit.checks.kit.Mistake` and names the one it matches. The wrong
answers are built from gradcheck's own restoring nudge (:func:`nudge_and_evaluate`), not
from private copies of the loop.

``cases`` lets a hidden test cell pass its own inputs; with ``hidden=True`` messages
name a failing case by number and the mistake, without its values.
"""
from __future__ import annotations

import math
from typing import List, Optional

import numpy as np

from nbkit.checks.differences import check_restored, classic_gradient
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.feedback import format_array
from nbkit.gradcheck import numerical_gradient as _oracle_gradient
from nbkit.gradcheck import numerical_gradient_upstream as _oracle_upstream
from nbkit.gradcheck import rel_error as _rel_error

# Sections 5-7 (a repaired checker, a layer with dropout, dual numbers) live in their own
# module; notebook 04 reaches every check as ch04.check_...
from nbkit.checks.ch04_in_practice import (  # noqa: F401, E402
    DUAL_FUNCTIONS, DropoutTanhLayer, check_check_layer, check_dual, check_fixed_grad_check,
    fixed_checker_cases, layer_cases)

TOL = 1e-6  # learner's central difference vs nbkit's, same h: only rounding differs


# -- 1. forward and central differences of a scalar function ---------------------------

DIFFERENCE_CASES = [
    (np.exp, 0.5, 1e-3),
    (lambda t: t ** 3 - 2.0 * t, 1.5, 1e-2),
    (np.sin, 1.0, 1e-4),
]
FORMS = {
    "forward": lambda f, x, h: (f(x + h) - f(x)) / h,
    "backward": lambda f, x, h: (f(x) - f(x - h)) / h,
    "central": lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
    "forward-over-2h": lambda f, x, h: (f(x + h) - f(x)) / (2 * h),
    "central-over-h": lambda f, x, h: (f(x + h) - f(x - h)) / h,
}
# The classic wrong differences, one table for both exercises:
# (the difference asked for, the form computed instead) -> (tag, what the learner reads).
DIFFERENCE_MISTAKES = {
    ("forward", "backward"): ("one-sided-difference", "It computes (f(x) - f(x - h)) / h, a backward difference. "
                              "The forward difference steps forward: (f(x + h) - f(x)) / h."),
    ("forward", "central"): ("central-not-forward", "It computes the central difference (f(x + h) - f(x - h)) / 2h. "
                             "That is the better estimate, but here the forward difference (f(x + h) - f(x)) / h is "
                             "asked, to compare the two."),
    ("forward", "forward-over-2h"): ("forward-over-2h", "It divides a forward difference by 2h. The forward step "
                                     "spans a distance h, so divide by h. Only the central difference, which spans "
                                     "from x - h to x + h, divides by 2h."),
    ("forward", "central-over-h"): ("central-over-h", "It computes (f(x + h) - f(x - h)) / h: a central step divided "
                                    "by h. The forward difference is (f(x + h) - f(x)) / h."),
    ("central", "forward"): ("one-sided-difference", "It computes the forward difference (f(x + h) - f(x)) / h. The "
                             "central difference evaluates both sides: (f(x + h) - f(x - h)) / (2h), with error "
                             "O(h^2) instead of O(h)."),
    ("central", "backward"): ("one-sided-difference", "It computes the one-sided difference (f(x) - f(x - h)) / h. "
                              "The central difference is (f(x + h) - f(x - h)) / (2h)."),
    ("central", "forward-over-2h"): ("forward-over-2h", "It computes (f(x + h) - f(x)) / (2h): a forward difference "
                                     "divided by 2h, about half the slope. The central difference needs f(x - h) too: "
                                     "(f(x + h) - f(x - h)) / (2h)."),
    ("central", "central-over-h"): ("central-over-h", "It divides by h, but from x - h to x + h the step spans 2h: "
                                    "the estimate comes out twice too large. Divide by 2 * h."),
}
FORWARD_MISTAKES, CENTRAL_MISTAKES = (
    [Mistake(tag, FORMS[form], why) for (asked, form), (tag, why) in DIFFERENCE_MISTAKES.items() if asked == want]
    for want in ("forward", "central"))


def check_differences(forward_difference, central_difference, cases=None, hidden: bool = False) -> None:
    """Check ``forward_difference(f, x, h)`` and ``central_difference(f, x, h)`` for floats x, h.

    ``cases``: list of (f, x, h). The expected values are the two formulas themselves.
    """
    ex = Exercise("forward_difference and central_difference", hidden=hidden)
    cases = cases or DIFFERENCE_CASES
    for i, (f, x, h) in enumerate(cases):
        x, h = float(x), float(h)
        case = ex.case(i, f"x = {x:g}, h = {h:g}")
        for name, fn, want, mistakes in (("forward_difference", forward_difference, "forward", FORWARD_MISTAKES),
                                         ("central_difference", central_difference, "central", CENTRAL_MISTAKES)):
            got = ex.scalar(ex.call(fn, f, x, h, what=f"{name}(f, {x:g}, {h:g})"), what=f"{name}(f, x, h)")
            ex.judge(got, FORMS[want](f, x, h), name=name, case=case, mistakes=mistakes, args=(f, x, h), tol=1e-8,
                     otherwise="Evaluate f at the nudged points and divide the change in f by the distance "
                               "between them.")
    ex.passed(f"both formulas right on {ex.count(len(cases))}.")


# -- 2. the numerical gradient of an array -------------------------------------------

def gradient_cases(seed: int = 0) -> List[tuple]:
    """(f, x, h) cases: a 1-d, a 2-d and a 3-d x, each f with curvature in every entry.

    Entries of x lie in +-[0.3, 0.9], so a step scaled by |x| shows, and a relative step
    h * max(1, |x|) (a correct alternative) equals h. Each f couples its entries (a
    (sum x)^2 term): on a separable f an entry left at x - h would not change the other
    entries' slopes, and a missing restore would go unseen.
    """
    rng = np.random.default_rng(seed)

    def entries(shape):
        return rng.uniform(0.3, 0.9, shape) * rng.choice([-1.0, 1.0], shape)

    W = rng.uniform(0.5, 1.5, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    V = rng.uniform(0.5, 1.5, (2, 2, 3))
    return [
        (lambda a: float(np.sum(a ** 3) / 3.0 + np.sum(np.sin(2.0 * a)) + 0.5 * np.sum(a) ** 2),
         entries((5,)), 1e-3),
        (lambda a, W=W: float(np.sum(W * np.tanh(a)) + 0.5 * np.sum(a ** 2) + 0.3 * np.sum(a) ** 2),
         entries((3, 4)), 1e-3),
        (lambda a, V=V: float(np.sum(V * np.exp(0.5 * a)) + 0.2 * np.sum(a) ** 2), entries((2, 2, 3)), 1e-4),
    ]


def _first_entry_only(f, x, h):
    grad = np.zeros(x.shape)
    grad.flat[0] = _oracle_gradient(f, x.copy(), h=h).flat[0]
    return grad


GRADIENT_MISTAKES = [
    Mistake("all-zero", lambda f, x, h: np.zeros(x.shape), "Every entry is 0. Is the gradient array an integer "
            "array (np.zeros_like of an int array), or is the loop never writing into it?"),
    Mistake("sign-flipped", lambda f, x, h: -_oracle_gradient(f, x.copy(), h=h), "It has the right size but the "
            "opposite sign: compute f(x + h) - f(x - h), in that order."),
    Mistake("central-over-h", lambda f, x, h: 2 * _oracle_gradient(f, x.copy(), h=h), "Every entry is twice the "
            "central difference: from x - h to x + h the step spans 2h, so divide by 2 * h, not h."),
    Mistake("one-sided-difference", lambda f, x, h: classic_gradient(f, x, h, "forward"), "It matches the forward difference "
            "(f(x + h e_i) - f(x)) / h. The central difference (f(x + h e_i) - f(x - h e_i)) / 2h is asked: its "
            "error is O(h^2) instead of O(h)."),
    Mistake("one-sided-difference", lambda f, x, h: classic_gradient(f, x, h, "backward"), "It matches the one-sided "
            "difference (f(x) - f(x - h e_i)) / h. The central difference (f(x + h e_i) - f(x - h e_i)) / 2h is "
            "asked."),
    Mistake("forward-over-2h", lambda f, x, h: classic_gradient(f, x, h, "forward-over-2h"), "It matches (f(x + h e_i) - f(x)) "
            "/ 2h: a forward difference divided by 2h, about half the slope. The central difference needs "
            "f(x - h e_i) as well."),
    Mistake("step-scaled-by-x", lambda f, x, h: classic_gradient(f, x, h, "step-scaled-by-x"), "Each entry is the slope times "
            "|x_i|: the step was scaled to h * |x_i| but the difference was still divided by 2h. If you scale the "
            "step, divide by twice the step you actually took (and beware x_i = 0)."),
    Mistake("not-restored", lambda f, x, h: classic_gradient(f, x, h, "not-restored"), "It matches central differences where "
            "each entry is left at x - h instead of being put back."),
    Mistake("nudged-a-row", lambda f, x, h: classic_gradient(f, x, h, "row") if x.ndim >= 2 else None, "Each entry holds the "
            "slope along a whole row: on a 2-d x, x[i] is row i, so x[i] += h nudges every entry of the row at "
            "once. Loop over every index with np.ndindex(x.shape) (or np.nditer with multi_index) and nudge x[idx]."),
    Mistake("first-entry-only", _first_entry_only, "Only the first entry is filled in; the others are 0. Loop over "
            "every entry of x."),
]


def check_numerical_gradient(numerical_gradient, cases=None, hidden: bool = False) -> None:
    """Check ``numerical_gradient(f, x, h) -> grad`` (central differences, x restored up to
    the rounding drift of an arithmetic restore). ``cases``: list of (f, x, h) with
    f(x) -> float and x a float array. The oracle is nbkit.gradcheck.numerical_gradient at
    the same h."""
    ex = Exercise("numerical_gradient", hidden=hidden)
    cases = cases or gradient_cases()
    for i, (f, x, h) in enumerate(cases):
        x = np.array(x, dtype=np.float64)
        case = ex.case(i, f"x of shape {x.shape}, h = {h:g}")
        given = x.copy()
        got = ex.call(numerical_gradient, f, given, h, what=f"numerical_gradient(f, x, h={h:g})")
        check_restored(ex, x, given, h, case)
        got = ex.array(got, what="numerical_gradient", shape=x.shape)
        if not np.all(np.isfinite(got)):
            zero = " x has an entry equal to 0: a step scaled by |x| is 0 there, and 0 / 0 is nan."
            ex.fail(f"numerical_gradient returned nan or inf ({case}).{zero if np.any(x == 0) else ''}", "nan")
        ex.judge(got, _oracle_gradient(f, x.copy(), h=h), name="numerical_gradient", case=case, tol=TOL,
                 mistakes=GRADIENT_MISTAKES, args=(f, x, h), shapes=False,
                 otherwise="For each index idx: remember old = x[idx], set x[idx] = old + h and evaluate f, set "
                           "x[idx] = old - h and evaluate f, put old back, and store the difference over 2h.")
    ex.passed(f"central differences over every entry, x restored, on {ex.count(len(cases))} (1-d, 2-d and 3-d x).")


# -- 3. the numerical gradient through a layer with an upstream gradient ---------------

class _BufferLayer:
    """y = sin(x) * scale written into ONE output array reused on every call, as fast layers do."""

    def __init__(self, shape, scale=1.5):
        self.out = np.empty(shape)
        self.scale = scale

    def __call__(self, a):
        np.multiply(np.sin(a), self.scale, out=self.out)
        return self.out


def upstream_cases(seed: int = 1) -> List[tuple]:
    """(f, x, upstream, h, reuses_buffer) cases: a tanh(x W) layer, an elementwise map, a buffer-reusing layer."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((3, 5))
    c = rng.uniform(0.5, 2.0, 6)
    return [
        (lambda a, W=W: np.tanh(a @ W), rng.uniform(-1, 1, (4, 3)), rng.standard_normal((4, 5)), 1e-4, False),
        (lambda a, c=c: c * a ** 2 + a, rng.uniform(-1, 1, 6), rng.standard_normal(6), 1e-3, False),
        (_BufferLayer((2, 3)), rng.uniform(-1, 1, (2, 3)), rng.standard_normal((2, 3)), 1e-4, True),
    ]


UPSTREAM_MISTAKES = [
    Mistake("output-overwritten", lambda f, x, u, h, buffer: np.zeros(x.shape) if buffer else None,
            "Every entry is 0. This f returns the same array object every time, so y_plus = f(x) was overwritten "
            "when you called f again for y_minus. Keep a copy: y_plus = f(x).copy()."),
    Mistake("ignored-upstream", lambda f, x, u, h, buffer: _oracle_upstream(f, x.copy(), np.ones_like(u), h=h),
            "It ignores `upstream` (it is the gradient of sum(f(x)), as if upstream were all ones). Weight the "
            "change of every output by its upstream gradient: np.sum(upstream * (y_plus - y_minus)) / (2h)."),
    Mistake("central-over-h", lambda f, x, u, h, buffer: 2 * _oracle_upstream(f, x.copy(), u, h=h),
            "Every entry is twice too large. From x - h to x + h the step spans 2h: divide by 2 * h."),
    Mistake("sign-flipped", lambda f, x, u, h, buffer: -_oracle_upstream(f, x.copy(), u, h=h),
            "The sign is flipped; use f(x + h) - f(x - h)."),
    Mistake("one-sided-difference", lambda f, x, u, h, buffer: classic_gradient(f, x, h, "forward", upstream=u),
            "It is a forward difference (f(x + h) - f(x)) / h. Use the central difference (f(x + h) - f(x - h)) / 2h."),
]


def _not_summed(exc):
    if isinstance(exc, ValueError) and "sequence" in str(exc):
        return ("storing one entry of the gradient failed because the value is an array: "
                "upstream * (f(x + h) - f(x - h)) / 2h has the shape of the output. The gradient entry "
                "is its SUM over all outputs: np.sum(upstream * (y_plus - y_minus)) / (2 * h).", "not-summed")
    return None


def check_numerical_gradient_upstream(numerical_gradient_upstream, cases=None, hidden: bool = False) -> None:
    """Check ``numerical_gradient_upstream(f, x, upstream, h) -> grad``, the gradient of sum(upstream * f(x)).

    ``cases``: list of (f, x, upstream, h) or (f, x, upstream, h, reuses_buffer).
    """
    ex = Exercise("numerical_gradient_upstream", hidden=hidden)
    cases = cases or upstream_cases()
    for i, case_data in enumerate(cases):
        f, x, upstream, h = case_data[:4]
        buffer = bool(case_data[4]) if len(case_data) > 4 else False
        x, upstream = np.array(x, dtype=np.float64), np.array(upstream, dtype=np.float64)
        case = ex.case(i, f"x {x.shape}, f(x) and upstream {upstream.shape}"
                       + (", f reuses its output array" if buffer else ""))
        given = x.copy()
        got = ex.call(numerical_gradient_upstream, f, given, upstream.copy(), h, hint=_not_summed,
                      what=f"numerical_gradient_upstream(f, x, upstream, h={h:g})")
        check_restored(ex, x, given, h, case)
        if got is not None and np.shape(got) == upstream.shape and upstream.shape != x.shape:
            ex.fail(f"numerical_gradient_upstream returned shape {np.shape(got)}, the shape of the output y = f(x). "
                    f"The gradient dL/dx has the shape of x, {x.shape}: each entry x[idx] gets ONE number, "
                    f"np.sum(upstream * (y_plus - y_minus)) / (2h).", "not-summed")
        got = ex.array(got, what="numerical_gradient_upstream", shape=x.shape)
        ex.judge(got, _oracle_upstream(f, x.copy(), upstream, h=h), name="numerical_gradient_upstream", case=case,
                 tol=TOL, mistakes=UPSTREAM_MISTAKES, args=(f, x, upstream, h, buffer), shapes=False,
                 otherwise="For each index: nudge x[idx] by +h and -h, take y_plus and y_minus (copies), put "
                           "x[idx] back, and store np.sum(upstream * (y_plus - y_minus)) / (2h).")
    ex.passed(f"the gradient of sum(upstream * f(x)) is right on {ex.count(len(cases))}, including a layer that "
              f"reuses its output array.")


# -- 4. relative error --------------------------------------------------------------

REL_ERROR_CASES = [
    (np.array([1.0, 2.0, -3.0]), np.array([1.0, 2.5, -3.0])),   # one entry off: 0.5 / 4.5
    (np.array([3.0, -1.0]), np.array([1.0, -1.0])),             # |a| > |b|: 2 / 4 = 0.5
    (np.array([1.0, 1.0]), np.array([3.0, 1.0])),               # |b| > |a|: 2 / 4 = 0.5
    (np.array([0.0, 1.0, 0.0]), np.array([0.0, 1.0, 0.0])),     # two zeros agree: 0, not 0 / 0
    (np.array([[1.0, -2.0, 0.5], [4.0, 1.0, 2.0]]),
     np.array([[1.0, -2.1, 0.5], [4.0, 1.0, 1.0]])),            # 2-d; the max is not the first row's
    (np.array([1.0, 0.2]), np.array([-1.0, 0.2])),              # opposite signs: 2 / 2 = 1
    (2.0, 2.0),                                                 # plain floats
]


def _rel_form(a, b, form: str) -> float:
    """A relative error written another way: "max-den" (max(|a|, |b|), CS231n's, a correct
    alternative), or a classic mistake ("over-b", "over-a", "mean", "signed", "abs-of-sum")."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff, floor = np.abs(a - b), np.maximum(np.abs(a) + np.abs(b), 1e-8)
    with np.errstate(all="ignore"):
        ratios = {"max-den": np.where(diff == 0, 0.0, diff / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)),
                  "over-b": diff / np.abs(b), "over-a": diff / np.abs(a), "signed": (a - b) / floor,
                  "abs-of-sum": diff / np.maximum(np.abs(a + b), 1e-8)}
        if form == "mean":
            return float(np.mean(np.where(diff == 0, 0.0, diff / floor)))
        return float(np.max(ratios[form])) if np.size(diff) else 0.0


_ONE_SIDED = ("It divides by |{0}| only. One side alone is not symmetric (rel_error(a, b) must equal rel_error(b, a)) "
              "and it divides by zero where {0} is 0. Divide by |a| + |b|.")
REL_ERROR_MISTAKES = [
    Mistake("one-sided-denominator", lambda a, b: _rel_form(a, b, "over-b"), _ONE_SIDED.format("b")),
    Mistake("one-sided-denominator", lambda a, b: _rel_form(a, b, "over-a"), _ONE_SIDED.format("a")),
    Mistake("mean-not-max", lambda a, b: _rel_form(a, b, "mean"), "It averages the entrywise errors. One wrong entry "
            "among many would vanish in a mean: report the largest, np.max(...)."),
    Mistake("signed-difference", lambda a, b: _rel_form(a, b, "signed"), "It uses a - b without the absolute value, "
            "so errors in one direction come out negative and are ignored by the max. Use np.abs(a - b)."),
    Mistake("abs-of-sum", lambda a, b: _rel_form(a, b, "abs-of-sum"), "It divides by |a + b|, which is 0 when a = -b "
            "(a flipped sign, the very bug a check must catch). Divide by |a| + |b|."),
]


def check_rel_error(rel_error, cases=None, hidden: bool = False) -> None:
    """Check ``rel_error(a, b) -> float``: max over entries of |a - b| / max(|a| + |b|, 1e-8).

    ``cases``: list of (a, b). Cases avoid entries whose |a| + |b| is below 1e-8 (other
    than exact zeros), so any floor up to 1e-8, or an explicit zero guard, passes.
    Dividing by max(|a|, |b|) (CS231n's form, within a factor 2) passes too.
    """
    ex = Exercise("rel_error", hidden=hidden)
    # A wrong formula can agree with several classic mistakes on one case (dividing by
    # max(|a|, |b|) equals dividing by |b| where |b| is larger): keep the mistakes that
    # explain every failing case so far and name one as soon as it is the only one left.
    consistent: Optional[set] = None
    first_failure, used_max_form = "", False
    for i, (a, b) in enumerate(cases or REL_ERROR_CASES):
        expected = _rel_error(a, b)
        case = ex.case(i, f"a = {format_array(a)}, b = {format_array(b)}")
        raw = ex.call(rel_error, np.copy(a) if np.ndim(a) else a, np.copy(b) if np.ndim(b) else b,
                      what="rel_error(a, b)")
        if raw is not None and np.size(raw) > 1:
            ex.fail(f"rel_error returned an array of shape {np.shape(raw)} ({case}). Return one number: the largest "
                    f"entrywise relative error, np.max(...).", "returned-array")
        got = ex.scalar(raw, what="rel_error(a, b)")
        if close(got, expected, 1e-7):
            continue
        if close(got, _rel_form(a, b, "max-den"), 1e-7):
            used_max_form = True
            continue
        shown = ex.show(f" You returned {got:.6g}; expected {expected:.6g}.")
        if not math.isfinite(got):
            if np.any((np.asarray(a) + np.asarray(b) == 0) & (np.asarray(a) != np.asarray(b))):
                ex.fail(f"rel_error returned {got} ({case}). {REL_ERROR_MISTAKES[-1].why}", "abs-of-sum")
            ex.fail(f"rel_error returned {got} ({case}): a division by zero. Where a and b are both 0 the error is "
                    f"0; guard the denominator, e.g. np.maximum(np.abs(a) + np.abs(b), 1e-8).", "divided-by-zero")
        matching = {k for k, m in enumerate(REL_ERROR_MISTAKES)
                    if math.isfinite(m.wrong(a, b)) and close(got, m.wrong(a, b), 1e-7)
                    and not close(m.wrong(a, b), expected, 1e-6)}
        consistent = matching if consistent is None else consistent & matching
        first_failure = first_failure or f" ({case}).{shown}"
        if len(consistent) == 1 or not consistent:
            break
    if consistent:
        mistake = REL_ERROR_MISTAKES[min(consistent)]
        ex.fail(f"rel_error is wrong{first_failure} {mistake.why}", mistake.tag)
    if consistent is not None:
        ex.fail(f"rel_error is wrong{first_failure} Compute np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), "
                f"1e-8)).", "wrong-values")
    there, back = (ex.scalar(ex.call(rel_error, np.array(p), np.array(q), what="rel_error(a, b)"), what="rel_error")
                   for p, q in (([2.0, 1.0], [1.0, 1.0]), ([1.0, 1.0], [2.0, 1.0])))
    if abs(there - back) > 1e-12:
        ex.fail("rel_error(a, b) differs from rel_error(b, a). Neither argument is 'the truth': the formula must be "
                "symmetric, |a - b| / (|a| + |b|).", "one-sided-denominator")
    note = (" (You divide by max(|a|, |b|): a valid relative error, within a factor of 2 of the course's "
            "|a| + |b|; the thresholds mean the same for both.)") if used_max_form else ""
    ex.passed(f"symmetric, guarded against 0 / 0, and the max over entries on "
              f"{ex.count(len(cases or REL_ERROR_CASES))}.{note}")
