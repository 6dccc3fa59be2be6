"""Checks for notebook 04: gradient checking, and how differentiation is automated.

Every check runs the learner's own function. The oracles are nbkit.gradcheck's
numerical gradients and relative error (the definitions the notebook states) and the
mathematical definitions of forward/central differences and dual-number arithmetic.
When an answer is wrong, the check computes the classic wrong answers for the same
input (a forward difference, a central difference divided by h, a step scaled by |x|,
an entry never restored, a row nudged instead of an entry, a one-sided denominator...)
and names the one it matches.

``cases`` lets a hidden test cell pass its own inputs; with ``hidden=True`` messages
name a failing case by number and the mistake, without its values.
"""
from __future__ import annotations

import math
from typing import Callable, List, Optional, Sequence

import numpy as np

from nbkit.checks.runner import as_float, call
from nbkit.feedback import fail, format_array, passed
from nbkit.gradcheck import numerical_gradient as _oracle_gradient
from nbkit.gradcheck import numerical_gradient_upstream as _oracle_upstream
from nbkit.gradcheck import rel_error as _rel_error

PASS_TOL = 1e-6   # learner's central difference vs nbkit's, same h: only rounding differs
MATCH_TOL = 1e-7  # "is this classic mistake": computed the same way, so only rounding differs


def _label(i: int, hidden: bool, description: str) -> str:
    return f"hidden case {i + 1}" if hidden else description


def _plural(n: int, hidden: bool) -> str:
    return f"{n} {'hidden ' if hidden else ''}case{'s' if n != 1 else ''}"


def _array_answer(value, shape, *, what: str, exercise: str, shape_hint: str = "") -> np.ndarray:
    """The learner's array answer as float64 of ``shape``, or a clear failure."""
    if value is None:
        fail(f"{what} returned None: did you forget `return grad`?", diagnosis="returned-none", exercise=exercise)
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(f"{what} should return a numpy array, but returned {type(value).__name__}.",
             diagnosis="not-an-array", exercise=exercise)
    if arr.shape != tuple(shape):
        fail(f"{what} returned shape {arr.shape}, but the gradient must have the shape of x, {tuple(shape)}."
             + (f" {shape_hint}" if shape_hint else ""), diagnosis="wrong-shape", exercise=exercise)
    return arr


def _matches(got: np.ndarray, pattern: np.ndarray, reference: np.ndarray) -> bool:
    """``got`` is (close to) ``pattern``, and ``pattern`` really differs from the right answer."""
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(pattern)):
            return False
        return _rel_error(got, pattern) <= MATCH_TOL and _rel_error(pattern, reference) > 100 * MATCH_TOL


def _check_restored(x_before: np.ndarray, x_after: np.ndarray, *, label: str, exercise: str, hidden: bool) -> None:
    if np.array_equal(x_before, x_after):
        return
    idx = tuple(int(i) for i in np.argwhere(x_before != x_after)[0])
    shown = "" if hidden else (f" For example x{list(idx)} was {x_before[idx]:.6g} before the call and "
                               f"{x_after[idx]:.6g} after it.")
    fail(f"your function changed x ({label}).{shown} After nudging an entry to x + h and x - h, put the "
         f"original value back (keep it in `old = x[idx]` first; a try/finally makes it safe even if f "
         f"raises). Otherwise every later entry is measured at the wrong point and the caller's x is "
         f"corrupted.", diagnosis="not-restored", exercise=exercise)


# -- 1. forward and central differences of a scalar function ---------------------------

DIFFERENCE_CASES = [
    (np.exp, 0.5, 1e-3),
    (lambda t: t ** 3 - 2.0 * t, 1.5, 1e-2),
    (np.sin, 1.0, 1e-4),
]


def _scalar_forms(f, x: float, h: float) -> dict:
    return {
        "forward": (f(x + h) - f(x)) / h,
        "backward": (f(x) - f(x - h)) / h,
        "central": (f(x + h) - f(x - h)) / (2 * h),
        "forward-over-2h": (f(x + h) - f(x)) / (2 * h),
        "central-over-h": (f(x + h) - f(x - h)) / h,
    }


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-8 * max(1.0, abs(a), abs(b))


def check_differences(forward_difference, central_difference, cases=None, hidden: bool = False) -> None:
    """Check ``forward_difference(f, x, h)`` and ``central_difference(f, x, h)`` for floats x, h.

    ``cases``: list of (f, x, h). The expected values are the two formulas themselves.
    """
    exercise = "differences"
    cases = cases or DIFFERENCE_CASES
    # (asked, what the answer matches) -> (explanation, diagnosis)
    explain = {
        ("forward", "backward"): ("it computes (f(x) - f(x - h)) / h, a backward difference. The forward "
                                  "difference steps forward: (f(x + h) - f(x)) / h.", "backward-difference"),
        ("forward", "central"): ("it computes the central difference (f(x + h) - f(x - h)) / 2h. That is the "
                                 "better estimate, but here the forward difference (f(x + h) - f(x)) / h is asked, "
                                 "to compare the two.", "central-not-forward"),
        ("forward", "forward-over-2h"): ("it divides a forward difference by 2h. The forward step spans a distance "
                                         "h, so divide by h. Only the central difference, which spans from x - h to "
                                         "x + h, divides by 2h.", "forward-over-2h"),
        ("forward", "central-over-h"): ("it computes (f(x + h) - f(x - h)) / h: a central step divided by h. The "
                                        "forward difference is (f(x + h) - f(x)) / h.", "central-over-h"),
        ("central", "forward"): ("it computes the forward difference (f(x + h) - f(x)) / h. The central difference "
                                 "evaluates both sides: (f(x + h) - f(x - h)) / (2h), with error O(h^2) instead of "
                                 "O(h).", "forward-difference"),
        ("central", "backward"): ("it computes the one-sided difference (f(x) - f(x - h)) / h. The central "
                                  "difference is (f(x + h) - f(x - h)) / (2h).", "forward-difference"),
        ("central", "forward-over-2h"): ("it computes (f(x + h) - f(x)) / (2h): a forward difference divided by "
                                         "2h, about half the slope. The central difference needs f(x - h) too: "
                                         "(f(x + h) - f(x - h)) / (2h).", "forward-over-2h"),
        ("central", "central-over-h"): ("it divides by h, but from x - h to x + h the step spans 2h: the estimate "
                                        "comes out twice too large. Divide by 2 * h.", "central-over-h"),
    }
    for i, (f, x, h) in enumerate(cases):
        x, h = float(x), float(h)
        label = _label(i, hidden, f"x = {x:g}, h = {h:g}")
        forms = _scalar_forms(f, x, h)
        for name, fn, want in (("forward_difference", forward_difference, "forward"),
                               ("central_difference", central_difference, "central")):
            got = as_float(call(fn, f, x, h, what=f"{name}(f, {x:g}, {h:g})", exercise=exercise),
                           what=f"{name}(f, x, h)", exercise=exercise)
            if _same(got, forms[want]):
                continue
            shown = "" if hidden else f" You returned {got:.10g}; the {want} difference is {forms[want]:.10g}."
            for (asked, form), (message, diagnosis) in explain.items():
                if asked == want and _same(got, forms[form]) and not _same(forms[form], forms[want]):
                    fail(f"{name} is wrong ({label}): {message}{shown}", diagnosis=diagnosis, exercise=exercise)
            fail(f"{name} is wrong ({label}).{shown} Evaluate f at the nudged points and divide the change in "
                 f"f by the distance between them.", diagnosis="wrong-values", exercise=exercise)
    passed(f"forward_difference and central_difference: both formulas right on {_plural(len(cases), hidden)}.")


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


def _entrywise(f, x: np.ndarray, h: float, form: str) -> np.ndarray:
    """A classic (possibly wrong) numerical gradient, entry by entry, on a copy of x."""
    x = x.copy()
    f0 = f(x.copy())
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        step = h * abs(old) if form == "step-scaled-by-x" else h
        x[idx] = old + step
        plus = f(x.copy())
        x[idx] = old - step
        minus = f(x.copy())
        x[idx] = old
        out[idx] = {"forward": (plus - f0) / h, "backward": (f0 - minus) / h,
                    "forward-over-2h": (plus - f0) / (2 * h),
                    "step-scaled-by-x": (plus - minus) / (2 * h)}[form]
    return out


def _row_nudged(f, x: np.ndarray, h: float) -> np.ndarray:
    """What `for i in range(len(x)): x[i] += h` computes on a 2-d or 3-d x: a whole slice moves."""
    x = x.copy()
    out = np.zeros(x.shape)
    for i in range(x.shape[0]):
        old = x[i].copy()
        x[i] = old + h
        plus = f(x.copy())
        x[i] = old - h
        minus = f(x.copy())
        x[i] = old
        out[i] = (plus - minus) / (2 * h)
    return out


def _not_restored_variant(f, x: np.ndarray, h: float) -> np.ndarray:
    """Central differences where each entry is left at x - h (the classic missing restore)."""
    x = x.copy()
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x.copy())
        x[idx] = old - h
        minus = f(x.copy())
        out[idx] = (plus - minus) / (2 * h)
    return out


def _diagnose_gradient(got: np.ndarray, f, x: np.ndarray, h: float, reference: np.ndarray,
                       *, name: str, label: str, hidden: bool, exercise: str) -> None:
    """Fail with the classic mistake ``got`` matches (always fails)."""
    with np.errstate(invalid="ignore"):
        flat = int(np.nanargmax(np.abs(got - reference))) if np.any(np.isfinite(got)) else 0
    worst = tuple(int(i) for i in np.unravel_index(flat, reference.shape))
    shown = "" if hidden else (f" At index {list(worst)} you have {got[worst]:.8g}; a central difference "
                               f"gives {reference[worst]:.8g}.")
    if not np.all(np.isfinite(got)):
        hint = ""
        if np.any(x == 0):
            hint = " x has an entry equal to 0: a step scaled by |x| is 0 there, and 0 / 0 is nan."
        fail(f"{name} returned nan or inf ({label}).{hint}", diagnosis="nan", exercise=exercise)
    catalogue = [
        (np.zeros_like(reference), "all-zero",
         "every entry is 0. Is the gradient array an integer array (np.zeros_like of an int array), or is the "
         "loop never writing into it?"),
        (-reference, "sign-flipped",
         "it has the right size but the opposite sign: compute f(x + h) - f(x - h), in that order."),
        (2 * reference, "central-over-h",
         "every entry is twice the central difference: from x - h to x + h the step spans 2h, so divide by "
         "2 * h, not h."),
        (_entrywise(f, x, h, "forward"), "forward-difference",
         "it matches the forward difference (f(x + h e_i) - f(x)) / h. The central difference "
         "(f(x + h e_i) - f(x - h e_i)) / 2h is asked: its error is O(h^2) instead of O(h)."),
        (_entrywise(f, x, h, "backward"), "forward-difference",
         "it matches the one-sided difference (f(x) - f(x - h e_i)) / h. The central difference "
         "(f(x + h e_i) - f(x - h e_i)) / 2h is asked."),
        (_entrywise(f, x, h, "forward-over-2h"), "forward-over-2h",
         "it matches (f(x + h e_i) - f(x)) / 2h: a forward difference divided by 2h, about half the slope. "
         "The central difference needs f(x - h e_i) as well."),
        (_entrywise(f, x, h, "step-scaled-by-x"), "step-scaled-by-x",
         "each entry is the slope times |x_i|: the step was scaled to h * |x_i| but the difference was still "
         "divided by 2h. If you scale the step, divide by twice the step you actually took (and beware "
         "x_i = 0)."),
        (_not_restored_variant(f, x, h), "not-restored",
         "it matches central differences where each entry is left at x - h instead of being put back."),
    ]
    if x.ndim >= 2:
        catalogue.append((_row_nudged(f, x, h), "nudged-a-row",
                          "each entry holds the slope along a whole row: on a 2-d x, x[i] is row i, so "
                          "x[i] += h nudges every entry of the row at once. Loop over every index with "
                          "np.ndindex(x.shape) (or np.nditer with multi_index) and nudge x[idx]."))
    first_only = np.zeros_like(reference)
    first_only.flat[0] = reference.flat[0]
    catalogue.append((first_only, "first-entry-only",
                      "only the first entry is filled in; the others are 0. Loop over every entry of x."))
    for pattern, diagnosis, explanation in catalogue:
        if _matches(got, pattern, reference):
            fail(f"{name} is wrong ({label}): {explanation}{shown}", diagnosis=diagnosis, exercise=exercise)
    fail(f"{name} is wrong ({label}).{shown} For each index idx: remember old = x[idx], set x[idx] = old + h and "
         f"evaluate f, set x[idx] = old - h and evaluate f, put old back, and store the difference over 2h.",
         diagnosis="wrong-values", exercise=exercise)


def check_numerical_gradient(numerical_gradient, cases=None, hidden: bool = False) -> None:
    """Check ``numerical_gradient(f, x, h) -> grad`` (central differences, x restored).

    ``cases``: list of (f, x, h) with f(x) -> float and x a float array. The oracle is
    nbkit.gradcheck.numerical_gradient at the same h.
    """
    exercise = "numerical_gradient"
    cases = cases or gradient_cases()
    for i, (f, x, h) in enumerate(cases):
        x = np.array(x, dtype=np.float64)
        label = _label(i, hidden, f"x of shape {x.shape}, h = {h:g}")
        reference = _oracle_gradient(f, x.copy(), h=h)
        given = x.copy()
        got = call(numerical_gradient, f, given, h, what=f"numerical_gradient(f, x, h={h:g})", exercise=exercise)
        _check_restored(x, given, label=label, exercise=exercise, hidden=hidden)
        got = _array_answer(got, x.shape, what="numerical_gradient", exercise=exercise)
        if np.all(np.isfinite(got)) and _rel_error(got, reference) <= PASS_TOL:
            continue
        _diagnose_gradient(got, f, x, h, reference, name="numerical_gradient", label=label, hidden=hidden,
                           exercise=exercise)
    passed(f"numerical_gradient: central differences over every entry, x restored, on "
           f"{_plural(len(cases), hidden)} (1-d, 2-d and 3-d x).")


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


def check_numerical_gradient_upstream(numerical_gradient_upstream, cases=None, hidden: bool = False) -> None:
    """Check ``numerical_gradient_upstream(f, x, upstream, h) -> grad``, the gradient of sum(upstream * f(x)).

    ``cases``: list of (f, x, upstream, h) or (f, x, upstream, h, reuses_buffer).
    """
    exercise = "numerical_gradient_upstream"
    cases = cases or upstream_cases()
    for i, case in enumerate(cases):
        f, x, upstream, h = case[:4]
        reuses_buffer = bool(case[4]) if len(case) > 4 else False
        x = np.array(x, dtype=np.float64)
        upstream = np.array(upstream, dtype=np.float64)
        label = _label(i, hidden, f"x {x.shape}, f(x) and upstream {upstream.shape}"
                       + (", f reuses its output array" if reuses_buffer else ""))
        reference = _oracle_upstream(f, x.copy(), upstream, h=h)
        given = x.copy()

        def not_summed(exc):
            if isinstance(exc, ValueError) and "sequence" in str(exc):
                return ("storing one entry of the gradient failed because the value is an array: "
                        "upstream * (f(x + h) - f(x - h)) / 2h has the shape of the output. The gradient entry "
                        "is its SUM over all outputs: np.sum(upstream * (y_plus - y_minus)) / (2 * h).",
                        "not-summed")
            return None

        got = call(numerical_gradient_upstream, f, given, upstream.copy(), h, hint=not_summed,
                   what=f"numerical_gradient_upstream(f, x, upstream, h={h:g})", exercise=exercise)
        _check_restored(x, given, label=label, exercise=exercise, hidden=hidden)
        if got is not None and np.shape(got) == upstream.shape and upstream.shape != x.shape:
            fail(f"numerical_gradient_upstream returned shape {np.shape(got)}, the shape of the output y = f(x). "
                 f"The gradient dL/dx has the shape of x, {x.shape}: each entry x[idx] gets ONE number, "
                 f"np.sum(upstream * (y_plus - y_minus)) / (2h).", diagnosis="not-summed", exercise=exercise)
        got = _array_answer(got, x.shape, what="numerical_gradient_upstream", exercise=exercise)
        if np.all(np.isfinite(got)) and _rel_error(got, reference) <= PASS_TOL:
            continue
        shown = "" if hidden else f" You returned {format_array(got)}; expected {format_array(reference)}."
        ignored = _oracle_upstream(f, x.copy(), np.ones_like(upstream), h=h)
        if reuses_buffer and _rel_error(got, np.zeros_like(got)) <= MATCH_TOL:
            fail(f"numerical_gradient_upstream is wrong ({label}): every entry is 0. This f returns the same "
                 f"array object every time, so y_plus = f(x) was overwritten when you called f again for "
                 f"y_minus. Keep a copy: y_plus = f(x).copy().{shown}", diagnosis="output-overwritten",
                 exercise=exercise)
        if _matches(got, ignored, reference):
            fail(f"numerical_gradient_upstream is wrong ({label}): it ignores `upstream` (it is the gradient of "
                 f"sum(f(x)), as if upstream were all ones). Weight the change of every output by its upstream "
                 f"gradient: np.sum(upstream * (y_plus - y_minus)) / (2h).{shown}", diagnosis="ignored-upstream",
                 exercise=exercise)
        if _matches(got, 2 * reference, reference):
            fail(f"numerical_gradient_upstream is wrong ({label}): every entry is twice too large. From x - h to "
                 f"x + h the step spans 2h: divide by 2 * h.{shown}", diagnosis="central-over-h", exercise=exercise)
        if _matches(got, -reference, reference):
            fail(f"numerical_gradient_upstream is wrong ({label}): the sign is flipped; use f(x + h) - f(x - h)."
                 f"{shown}", diagnosis="sign-flipped", exercise=exercise)
        forward = _forward_upstream(f, x, upstream, h)
        if _matches(got, forward, reference):
            fail(f"numerical_gradient_upstream is wrong ({label}): it is a forward difference "
                 f"(f(x + h) - f(x)) / h. Use the central difference (f(x + h) - f(x - h)) / 2h.{shown}",
                 diagnosis="forward-difference", exercise=exercise)
        fail(f"numerical_gradient_upstream is wrong ({label}).{shown} For each index: nudge x[idx] by +h and -h, "
             f"take y_plus and y_minus (copies), put x[idx] back, and store np.sum(upstream * (y_plus - y_minus)) "
             f"/ (2h).", diagnosis="wrong-values", exercise=exercise)
    passed(f"numerical_gradient_upstream: the gradient of sum(upstream * f(x)) is right on "
           f"{_plural(len(cases), hidden)}, including a layer that reuses its output array.")


def _forward_upstream(f, x, upstream, h):
    x = x.copy()
    y0 = np.array(f(x.copy()), dtype=float)
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        out[idx] = np.sum(upstream * (np.array(f(x.copy()), dtype=float) - y0)) / h
        x[idx] = old
    return out


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


def _rel_error_max_form(a, b) -> float:
    """max over entries of |a - b| / max(|a|, |b|), with 0 where a and b agree."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = np.abs(a - b)
    with np.errstate(all="ignore"):
        ratios = np.where(diff == 0, 0.0, diff / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8))
    return float(np.max(ratios)) if np.size(ratios) else 0.0


def _rel_error_forms(a, b) -> dict:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = np.abs(a - b)
    with np.errstate(all="ignore"):
        def worst(x):
            return float(np.max(x)) if np.size(x) else 0.0
        return {
            "one-sided-b": worst(diff / np.abs(b)),
            "one-sided-a": worst(diff / np.abs(a)),
            "mean-not-max": float(np.mean(np.where(diff == 0, 0.0, diff / np.maximum(np.abs(a) + np.abs(b), 1e-8)))),
            "signed-difference": worst((a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)),
            "abs-of-sum": worst(diff / np.maximum(np.abs(a + b), 1e-8)),
        }


def check_rel_error(rel_error, cases=None, hidden: bool = False) -> None:
    """Check ``rel_error(a, b) -> float``: max over entries of |a - b| / max(|a| + |b|, 1e-8).

    ``cases``: list of (a, b). Cases avoid entries whose |a| + |b| is below 1e-8 (other
    than exact zeros), so any floor up to 1e-8, or an explicit zero guard, passes.
    """
    exercise = "rel_error"
    cases = cases or REL_ERROR_CASES
    explain = {
        "one-sided-b": ("it divides by |b| only. One side alone is not symmetric (rel_error(a, b) must equal "
                        "rel_error(b, a)) and it divides by zero where b is 0. Divide by |a| + |b|.",
                        "one-sided-denominator"),
        "one-sided-a": ("it divides by |a| only. One side alone is not symmetric (rel_error(a, b) must equal "
                        "rel_error(b, a)) and it divides by zero where a is 0. Divide by |a| + |b|.",
                        "one-sided-denominator"),
        "mean-not-max": ("it averages the entrywise errors. One wrong entry among many would vanish in a mean: "
                         "report the largest, np.max(...).", "mean-not-max"),
        "signed-difference": ("it uses a - b without the absolute value, so errors in one direction come out "
                              "negative and are ignored by the max. Use np.abs(a - b).", "signed-difference"),
        "abs-of-sum": ("it divides by |a + b|, which is 0 when a = -b (a flipped sign, the very bug a check must "
                       "catch). Divide by |a| + |b|.", "abs-of-sum"),
    }
    # A wrong formula can agree with several classic mistakes on one case (dividing by
    # max(|a|, |b|) equals dividing by |b| where |b| is larger): keep the mistakes that
    # explain every failing case so far and name one as soon as it is the only one left.
    consistent: Optional[set] = None
    first_failure = ""
    used_max_form = False
    for i, (a, b) in enumerate(cases):
        expected = _rel_error(a, b)
        label = _label(i, hidden, f"a = {format_array(a)}, b = {format_array(b)}")
        a_in = a.copy() if isinstance(a, np.ndarray) else a
        b_in = b.copy() if isinstance(b, np.ndarray) else b
        raw = call(rel_error, a_in, b_in, what="rel_error(a, b)", exercise=exercise)
        if raw is not None and np.size(raw) > 1:
            fail(f"rel_error returned an array of shape {np.shape(raw)} ({label}). Return one number: the largest "
                 f"entrywise relative error, np.max(...).", diagnosis="returned-array", exercise=exercise)
        got = as_float(raw, what="rel_error(a, b)", exercise=exercise)
        if abs(got - expected) <= 1e-9 + 1e-7 * abs(expected):
            continue
        # Dividing by max(|a|, |b|) (the CS231n notes' form) is a correct alternative: it is
        # within a factor of 2 of |a| + |b|, which the order-of-magnitude thresholds absorb.
        alternative = _rel_error_max_form(a, b)
        if abs(got - alternative) <= 1e-9 + 1e-7 * abs(alternative):
            used_max_form = True
            continue
        shown = "" if hidden else f" You returned {got:.6g}; expected {expected:.6g}."
        if not math.isfinite(got):
            a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            if np.any((a_arr + b_arr == 0) & (a_arr != b_arr)):
                message, diagnosis = explain["abs-of-sum"]
                fail(f"rel_error returned {got} ({label}): {message}", diagnosis=diagnosis, exercise=exercise)
            fail(f"rel_error returned {got} ({label}): a division by zero. Where a and b are both 0 the error is "
                 f"0; guard the denominator, e.g. np.maximum(np.abs(a) + np.abs(b), 1e-8).",
                 diagnosis="divided-by-zero", exercise=exercise)
        matching = {form for form, value in _rel_error_forms(a, b).items()
                    if math.isfinite(value) and abs(got - value) <= 1e-9 + 1e-7 * abs(value)
                    and abs(value - expected) > 1e-6}
        consistent = matching if consistent is None else consistent & matching
        first_failure = first_failure or f" ({label}).{shown}"
        if len(consistent) == 1:
            message, diagnosis = explain[consistent.pop()]
            fail(f"rel_error is wrong ({label}): {message}{shown}", diagnosis=diagnosis, exercise=exercise)
        if not consistent:
            break
    if consistent:
        form = next(f for f in explain if f in consistent)
        message, diagnosis = explain[form]
        fail(f"rel_error is wrong{first_failure} {message}", diagnosis=diagnosis, exercise=exercise)
    if consistent is not None:
        fail(f"rel_error is wrong{first_failure} Compute np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), "
             f"1e-8)).", diagnosis="wrong-values", exercise=exercise)
    if abs(as_float(call(rel_error, np.array([2.0, 1.0]), np.array([1.0, 1.0]), what="rel_error(a, b)",
                         exercise=exercise), what="rel_error", exercise=exercise)
           - as_float(call(rel_error, np.array([1.0, 1.0]), np.array([2.0, 1.0]), what="rel_error(b, a)",
                           exercise=exercise), what="rel_error", exercise=exercise)) > 1e-12:
        fail("rel_error(a, b) differs from rel_error(b, a). Neither argument is 'the truth': the formula must be "
             "symmetric, |a - b| / (|a| + |b|).", diagnosis="one-sided-denominator", exercise=exercise)
    note = (" (You divide by max(|a|, |b|): a valid relative error, within a factor of 2 of the course's "
            "|a| + |b|; the thresholds mean the same for both.)") if used_max_form else ""
    passed(f"rel_error: symmetric, guarded against 0 / 0, and the max over entries on "
           f"{_plural(len(cases), hidden)}.{note}")


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


def check_fixed_grad_check(fixed_grad_check, cases=None, hidden: bool = False) -> None:
    """Check the repaired ``fixed_grad_check(f, x, analytic_grad, h=1e-5) -> float``.

    It must return rel_error(numerical gradient, analytic_grad), with x restored.
    ``cases``: list of (f, x, analytic_grad); x should be 2-d.
    """
    exercise = "fixed_grad_check"
    cases = cases or fixed_checker_cases()
    for i, (f, x, analytic) in enumerate(cases):
        x = np.array(x, dtype=np.float64)
        analytic = np.array(analytic, dtype=np.float64)
        numerical = _oracle_gradient(f, x.copy(), h=1e-5)
        expected = _rel_error(numerical, analytic)
        right = expected <= 1e-6
        label = _label(i, hidden, ("a correct" if right else "a wrong") + f" gradient of shape {x.shape}")
        given = x.copy()
        raw = call(fixed_grad_check, f, given, analytic.copy(), what="fixed_grad_check(f, x, analytic_grad)",
                   exercise=exercise)
        _check_restored(x, given, label=label, exercise=exercise, hidden=hidden)
        if raw is not None and np.size(raw) > 1:
            fail(f"fixed_grad_check returned an array of shape {np.shape(raw)}; return one number, the largest "
                 f"relative error.", diagnosis="returned-array", exercise=exercise)
        got = as_float(raw, what="fixed_grad_check(...)", exercise=exercise)
        if (right and 0 <= got <= 1e-6) or (not right and abs(got - expected) <= 1e-3 * expected):
            continue
        shown = "" if hidden else f" It returned {got:.4g}; the right value is {expected:.4g}."
        if not math.isfinite(got):
            fail(f"fixed_grad_check returned {got} ({label}). Some gradient entries are exactly 0 in both the "
                 f"numerical and the analytic gradient; dividing by |analytic| alone gives 0 / 0. Use the guarded "
                 f"relative error |a - b| / max(|a| + |b|, 1e-8).", diagnosis="divided-by-zero", exercise=exercise)
        with np.errstate(all="ignore"):
            one_sided = [float(np.nanmax(np.abs(numerical - analytic) / np.abs(analytic))),
                         float(np.nanmax(np.abs(numerical - analytic) / np.abs(numerical)))]
        candidates = [
            (_rel_error(2 * numerical, analytic), "central-over-h",
             "it still divides the central difference by h instead of 2h, so the numerical gradient is twice "
             "too large"),
            (_rel_error(_row_nudged(f, x, 1e-5), analytic), "nudged-a-row",
             "it still nudges x[i], a whole row of the 2-d x, instead of one entry; loop over np.ndindex(x.shape)"),
            (_rel_error(_not_restored_variant(f, x, 1e-5), analytic), "not-restored",
             "it still leaves each entry at x - h instead of restoring it"),
        ] + [(v, "one-sided-denominator",
              "it still divides by one gradient only; use |a - b| / max(|a| + |b|, 1e-8)") for v in one_sided]
        for value, diagnosis, explanation in candidates:
            if math.isfinite(value) and abs(got - value) <= 1e-3 * max(value, 1e-9) and abs(value - expected) > 1e-3 * expected + 1e-6:
                fail(f"fixed_grad_check is not fixed yet ({label}): {explanation}.{shown}",
                     diagnosis=diagnosis, exercise=exercise)
        fail(f"fixed_grad_check gives the wrong answer ({label}).{shown} It should compute a central-difference "
             f"gradient of every entry (restoring each), then return rel_error(numerical, analytic_grad).",
             diagnosis="still-buggy", exercise=exercise)
    passed(f"fixed_grad_check: all four bugs fixed; right on {_plural(len(cases), hidden)}, including a "
           f"gradient with exact zeros and a wrong one.")


# -- 6. checking a layer: dropout needs a fixed mask -----------------------------------

class DropoutTanhLayer:
    """y = tanh(x) * mask / p with mask ~ Bernoulli(p) drawn from ``seed`` (inverted dropout).

    forward(x, seed=None) -> y, same shape as x; backward(upstream) -> dL/dx for the most
    recent forward call. ``bug`` plants a mistake in backward: "forgot-scale" (no / p) or
    "forgot-local-grad" (no tanh'). Records every call so a check can see how it was used.
    """

    def __init__(self, p: float = 0.5, bug: Optional[str] = None):
        self.p = p
        self.bug = bug
        self.calls: List[tuple] = []

    def forward(self, x, seed=None):
        x = np.asarray(x, dtype=float)
        self.calls.append(("forward", seed, x.copy()))
        self.mask = np.random.default_rng(seed).random(x.shape) < self.p
        self.x = x.copy()
        return np.tanh(x) * self.mask / self.p

    def backward(self, upstream):
        self.calls.append(("backward", None, self.x.copy()))
        local = 1.0 - np.tanh(self.x) ** 2
        if self.bug == "forgot-local-grad":
            local = np.ones_like(local)
        scale = 1.0 if self.bug == "forgot-scale" else 1.0 / self.p
        return upstream * local * self.mask * scale


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
    exercise = "check_layer"
    cases = cases or layer_cases()
    for i, (layer, x, upstream, seed) in enumerate(cases):
        x = np.array(x, dtype=np.float64)
        upstream = np.array(upstream, dtype=np.float64)
        # The right answer, computed the right way on a twin layer.
        twin = DropoutTanhLayer(layer.p, bug=layer.bug)
        twin.forward(x.copy(), seed)
        analytic = twin.backward(upstream)
        expected = _rel_error(_oracle_upstream(lambda a: twin.forward(a, seed), x.copy(), upstream), analytic)
        buggy = layer.bug is not None
        label = _label(i, hidden, ("a layer with a bug in backward" if buggy else "a correct layer")
                       + f", x {x.shape}, seed {seed}")
        layer.calls.clear()
        given = x.copy()
        got = as_float(call(check_layer, layer, given, upstream.copy(), seed,
                            what="check_layer(layer, x, upstream, seed)", exercise=exercise),
                       what="check_layer(...)", exercise=exercise)
        _check_restored(x, given, label=label, exercise=exercise, hidden=hidden)
        seeds = {s for kind, s, _ in layer.calls if kind == "forward"}
        if seeds and seeds != {seed}:
            fail(f"check_layer called layer.forward with seed {sorted(map(repr, seeds))} ({label}), not always "
                 f"with the given seed. Dropout draws a new random mask on every call unless the seed is fixed, "
                 f"so f(x + h) and f(x - h) would use different masks and their difference is noise, not a slope. "
                 f"Pass the same seed to every forward call.", diagnosis="random-mask", exercise=exercise)
        backward_calls = [k for k, (kind, _, _) in enumerate(layer.calls) if kind == "backward"]
        if not backward_calls:
            fail(f"check_layer never called layer.backward ({label}): the analytic gradient to check is "
                 f"layer.backward(upstream), run right after layer.forward(x, seed).",
                 diagnosis="backward-not-called", exercise=exercise)
        for k in backward_calls:
            if not np.array_equal(layer.calls[k][2], x):
                fail(f"check_layer called layer.backward after a forward call at a nudged x ({label}). backward "
                     f"uses what the LAST forward call stored, and after the numerical sweep that is x with one "
                     f"entry moved by h. Call layer.forward(x, seed) and layer.backward(upstream) first (or run "
                     f"forward again at x just before backward).", diagnosis="stale-cache", exercise=exercise)
        if not math.isfinite(got):
            fail(f"check_layer returned {got} ({label}).", diagnosis="nan", exercise=exercise)
        if buggy and got < 1e-2:
            fail(f"check_layer returned {got:.2g} for a layer whose backward is wrong ({label}): it missed the bug. "
                 f"Compare the layer's backward(upstream) with numerical_gradient_upstream(lambda a: "
                 f"layer.forward(a, seed), x, upstream).", diagnosis="missed-bug", exercise=exercise)
        if abs(got - expected) <= 1e-3 * expected or (not buggy and got <= 1e-6):
            continue
        shown = "" if hidden else f" It returned {got:.4g}; the right value is {expected:.4g}."
        fail(f"check_layer gives the wrong number ({label}).{shown} Return rel_error(analytic, numerical) with "
             f"analytic = layer.backward(upstream) after layer.forward(x, seed), and numerical from your "
             f"numerical_gradient_upstream with the same seed.", diagnosis="wrong-values", exercise=exercise)
    passed(f"check_layer: a fixed dropout mask, backward at the unperturbed x, bug found where there is one, "
           f"on {_plural(len(cases), hidden)}.")


# -- 7. forward mode with dual numbers ------------------------------------------------

DUAL_FUNCTIONS = [
    (lambda t, exp: t * t * t - 2 * t + 1, 1.5, "t^3 - 2t + 1"),
    (lambda t, exp: exp(t * t) * t, 0.7, "exp(t^2) t"),
    (lambda t, exp: 3 * exp(2 * t) + t * exp(-t), -0.4, "3 exp(2t) + t exp(-t)"),
]


def _dual_parts(d, *, what: str, exercise: str):
    if not (hasattr(d, "value") and hasattr(d, "deriv")):
        fail(f"{what} should return a Dual (with .value and .deriv), but returned {d!r}.",
             diagnosis="not-a-dual", exercise=exercise)
    return (as_float(d.value, what=f"{what}.value", exercise=exercise),
            as_float(d.deriv, what=f"{what}.deriv", exercise=exercise))


def check_dual(Dual, dual_exp, derivative, cases=None, hidden: bool = False) -> None:
    """Check dual-number forward mode: ``Dual.__add__``, ``Dual.__mul__``, ``dual_exp`` and
    ``derivative(f, x)`` = f(Dual(x, 1)).deriv.

    ``cases``: list of (f, x) or (f, x, description) with f(t, exp) written with +, -, * and
    exp only, so that it runs on floats (exp = math.exp) and on Duals (exp = dual_exp).
    """
    exercise = "Dual"
    ok = lambda a, b: abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))  # noqa: E731

    # sum rule
    v, d = _dual_parts(call(lambda: Dual(2.0, 3.0) + Dual(5.0, 7.0), what="Dual(2, 3) + Dual(5, 7)",
                            exercise=exercise), what="Dual(2, 3) + Dual(5, 7)", exercise=exercise)
    if not (ok(v, 7.0) and ok(d, 10.0)):
        diag, why = ("wrong-add", "values add and derivatives add: (a + a'ε) + (b + b'ε) = (a + b) + (a' + b')ε.")
        if ok(d, 21.0):
            diag = "multiplied-derivatives"
        fail(f"Dual(2, 3) + Dual(5, 7) gave Dual({v:g}, {d:g}); it should be Dual(7, 10): {why}",
             diagnosis=diag, exercise=exercise)
    # product rule
    v, d = _dual_parts(call(lambda: Dual(2.0, 3.0) * Dual(5.0, 7.0), what="Dual(2, 3) * Dual(5, 7)",
                            exercise=exercise), what="Dual(2, 3) * Dual(5, 7)", exercise=exercise)
    if not (ok(v, 10.0) and ok(d, 29.0)):
        rule = "(a + a'ε)(b + b'ε) = ab + (a'b + ab')ε + a'b'ε², and ε² = 0."
        known = {10.0: ("added-derivatives", "the derivatives were added, as for a sum"),
                 21.0: ("multiplied-derivatives", "the derivatives were multiplied (a'b'), but that term has ε² = 0"),
                 15.0: ("half-product-rule", "only a'b is there; the product rule also has ab'"),
                 14.0: ("half-product-rule", "only ab' is there; the product rule also has a'b")}
        diag, why = known.get(round(d, 9), ("wrong-mul", "the derivative part is wrong"))
        if not ok(v, 10.0):
            diag, why = "wrong-mul", "the value part should be the product of the values, 2 × 5 = 10"
        fail(f"Dual(2, 3) * Dual(5, 7) gave Dual({v:g}, {d:g}); it should be Dual(10, 29): {why}. {rule}",
             diagnosis=diag, exercise=exercise)
    # constants mix in with derivative 0
    v, d = _dual_parts(call(lambda: 4.0 * Dual(2.0, 3.0) + 1.5, what="4 * Dual(2, 3) + 1.5", exercise=exercise),
                       what="4 * Dual(2, 3) + 1.5", exercise=exercise)
    if not (ok(v, 9.5) and ok(d, 12.0)):
        fail(f"4 * Dual(2, 3) + 1.5 gave Dual({v:g}, {d:g}); it should be Dual(9.5, 12). A plain number is a "
             f"constant: as a Dual its derivative is 0 (Dual.lift does that; call it on `other` first).",
             diagnosis="constant-derivative", exercise=exercise)
    # exp and the chain rule
    v, d = _dual_parts(call(dual_exp, Dual(0.5, 2.0), what="dual_exp(Dual(0.5, 2))", exercise=exercise),
                       what="dual_exp(Dual(0.5, 2))", exercise=exercise)
    e = math.exp(0.5)
    if not (ok(v, e) and ok(d, 2 * e)):
        if ok(v, e) and ok(d, e):
            diag, why = "forgot-chain-rule", "the derivative is exp(a) but must be multiplied by a' (chain rule)"
        elif ok(v, e) and ok(d, 2.0):
            diag, why = "forgot-local-grad", "the derivative kept a' but forgot the local derivative exp(a)"
        else:
            diag, why = "wrong-exp", "exp(a + a'ε) = exp(a) + exp(a) a' ε"
        fail(f"dual_exp(Dual(0.5, 2)) gave Dual({v:.6g}, {d:.6g}); it should be Dual({e:.6g}, {2 * e:.6g}): {why}.",
             diagnosis=diag, exercise=exercise)
    # derivative(f, x) on whole functions, against central differences of the same formula in floats
    cases = cases or DUAL_FUNCTIONS
    for i, case in enumerate(cases):
        f, x = case[0], float(case[1])
        name = _label(i, hidden, f"f(t) = {case[2]} at t = {x:g}" if len(case) > 2 else f"case {i + 1}, t = {x:g}")
        want = _oracle_gradient(lambda t: float(f(t, math.exp)), x)
        value = float(f(x, math.exp))
        got = as_float(call(derivative, lambda t: f(t, dual_exp), x, what="derivative(f, x)", exercise=exercise),
                       what="derivative(f, x)", exercise=exercise)
        if abs(got - want) <= 1e-6 * max(1.0, abs(want)):
            continue
        shown = "" if hidden else f" You returned {got:.6g}; f'(x) = {want:.6g}."
        if abs(got) < 1e-12:
            fail(f"derivative(f, x) returned 0 ({name}). Seed the input with derivative 1, Dual(x, 1.0): dx/dx = 1."
                 f"{shown}", diagnosis="seed-zero", exercise=exercise)
        if abs(got - value) <= 1e-9 * max(1.0, abs(value)):
            fail(f"derivative(f, x) returned f(x) itself ({name}); return the .deriv part of f(Dual(x, 1.0)).{shown}",
                 diagnosis="returned-value", exercise=exercise)
        fail(f"derivative(f, x) is wrong ({name}).{shown}", diagnosis="wrong-values", exercise=exercise)
    passed(f"Dual: sum rule, product rule, constants, exp with the chain rule, and the derivatives of "
           f"{len(cases)} {'hidden ' if hidden else ''}functions agree with central differences.")
