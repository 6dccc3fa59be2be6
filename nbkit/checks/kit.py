"""The one kit every check is written with.

A check grades the learner's own code. It runs it on a few cases, compares what comes
back with an oracle (a numerical gradient of the exercise's *definition*, a property, or
values handed in by a hidden test cell), and when the answer is wrong it looks the answer
up in a catalogue of classic mistakes so that it can say which one it is::

    from nbkit.checks.kit import Exercise, Mistake

    MUL_MISTAKES = [
        Mistake("own-value", lambda x, y, u: (u * x, u * y),
                "Each input got its own value times upstream. A mul gate swaps: dx = upstream × y."),
    ]

    def check_mul_gate(MulGate, cases=None, hidden=False):
        ex = Exercise("MulGate", hidden=hidden)
        for i, (x, y, u) in enumerate(cases or [(3.0, -4.0, 1.0)]):
            case = ex.case(i, f"x={x:g}, y={y:g}, upstream={u:g}")
            gate = ex.call(MulGate, what="MulGate()")
            ex.call(gate.forward, x, y, what=f"MulGate.forward on {case}")
            got = ex.call(gate.backward, u, what=f"MulGate.backward on {case}")
            want = (u * y, u * x)                     # in a real check: a numerical gradient
            ex.judge(got, want, name="(dx, dy)", case=case, mistakes=MUL_MISTAKES, args=(x, y, u))
        ex.passed(f"backward agrees with upstream × local gradient on {ex.count(len(cases))}.")

What the kit carries so that checks do not:

- :class:`Exercise` holds the exercise's name and whether hidden cases run, so neither is
  passed to every call. Its messages never show inputs or expected values when
  ``hidden=True`` (use :meth:`Exercise.show` for any text that quotes values).
- :func:`close` is the one closeness rule; :class:`Mistake` the one form of a catalogue
  entry; :func:`find_mistake` the one matcher.
- Every diagnosis tag is registered in :mod:`nbkit.diagnoses`.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

import numpy as np

from nbkit.checks import runner
from nbkit.feedback import fail as _fail
from nbkit.feedback import format_array, passed as _passed, shape_of

#: Default tolerance of :func:`close`: relative for large values, absolute near zero.
TOL = 1e-6


def _as_numbers(value) -> Optional[np.ndarray]:
    """``value`` as a float array, or None when it is not numeric (None, strings, ragged lists)."""
    if value is None:
        return None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr


def close(answer, reference, tol: float = TOL) -> bool:
    """True when ``answer`` equals ``reference`` entry by entry, shapes included.

    |a - b| <= tol × max(1, |a|, |b|) for every entry: relative for large values, absolute
    near zero, so it needs no separate ``atol``. A tuple ``reference`` (several results, e.g.
    ``(dx, dy)`` or ``(dW, db)``) is compared item by item with a tuple or list answer; shapes
    are part of the answer (a (3, 1) column is not a (3,) vector).
    """
    if isinstance(reference, tuple):
        if not isinstance(answer, (tuple, list)) or len(answer) != len(reference):
            return False
        return all(close(a, r, tol) for a, r in zip(answer, reference))
    a, r = _as_numbers(answer), _as_numbers(reference)
    if a is None or r is None or a.shape != r.shape:
        return False
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(r))):
        return bool(np.array_equal(a, r, equal_nan=True))
    bound = tol * np.maximum(1.0, np.maximum(np.abs(a), np.abs(r)))
    return bool(np.all(np.abs(a - r) <= bound))


@dataclass(frozen=True)
class Mistake:
    """One classic wrong answer of an exercise.

    ``wrong(*args)`` returns the answer the mistake produces on a case's arguments (the same
    ``args`` a check passes to :meth:`Exercise.judge`), or None where it cannot be told
    apart from the right answer on that case. ``why`` is what the learner reads: the
    mistake in the language of the math, and what to try. ``tag`` is its registered
    diagnosis (:mod:`nbkit.diagnoses`).
    """

    tag: str
    wrong: Callable[..., Any]
    why: Any  # str, or a callable of the same args returning one (to name a case's sizes)

    def explain(self, *args) -> str:
        """``why`` as text for a case's ``args`` (``why`` may be a function of them)."""
        return self.why(*args) if callable(self.why) else self.why


def find_mistake(answer, mistakes: Sequence[Mistake], args: Sequence = (), reference=None,
                 tol: float = TOL) -> Optional[Mistake]:
    """The first mistake in ``mistakes`` whose wrong answer equals ``answer``, or None.

    A mistake whose wrong answer equals ``reference`` on this case is skipped: on that case
    it is indistinguishable from being right.
    """
    for mistake in mistakes:
        wrong = mistake.wrong(*args)
        if wrong is None:
            continue
        if close(answer, wrong, tol) and not (reference is not None and close(wrong, reference, tol)):
            return mistake
    return None


class Exercise:
    """The context of one check: which exercise it grades and whether cases are hidden.

    ``hidden=True`` (set by hidden test cells) means feedback goes back to a student who
    must not learn the hidden inputs or expected values: cases are named by number and
    :meth:`show` drops the text that quotes values.
    """

    def __init__(self, name: str, *, hidden: bool = False):
        self.name = name
        self.hidden = bool(hidden)

    # -- wording ------------------------------------------------------------------
    def case(self, i: int, text: str) -> str:
        """How messages name case ``i``: ``text`` (e.g. "x=3, y=-4"), or "hidden case 3"."""
        return f"hidden case {i + 1}" if self.hidden else text

    def count(self, n: int) -> str:
        """"2 cases", "3 hidden cases"."""
        return f"{n} {'hidden ' if self.hidden else ''}case{'s' if n != 1 else ''}"

    def show(self, text: str) -> str:
        """``text`` (which quotes values) in visible checks, nothing in hidden ones."""
        return "" if self.hidden else text

    # -- outcomes -----------------------------------------------------------------
    def fail(self, message: str, diagnosis: str) -> None:
        """Stop the check: the learner reads ``message``; reports count ``diagnosis``."""
        _fail(message, diagnosis=diagnosis, exercise=self.name)

    def passed(self, message: str) -> None:
        """Print ``✔ <exercise>: <message>``."""
        _passed(f"{self.name}: {message}")

    # -- the learner's class and its methods -----------------------------------------
    def require_class(self, obj) -> None:
        """Fail unless ``obj`` is a class (a check is handed ``MulGate``, not ``MulGate()``)."""
        if not isinstance(obj, type):
            self.fail(f"pass the class itself, e.g. check(...)({self.name}), not {obj!r}.", "not-a-class")

    def method(self, obj, name: str) -> Callable:
        """``obj.<name>``, or one sentence naming the missing method (and a near miss such as
        ``foward``) instead of an AttributeError from inside the check."""
        fn = getattr(obj, name, None)
        if callable(fn):
            return fn
        have = [m for m in dir(obj) if not m.startswith("_") and callable(getattr(obj, m, None))]
        near = difflib.get_close_matches(name, have, n=1, cutoff=0.6)
        guess = (f" It has a method `{near[0]}`: is that a misspelling of `{name}`?" if near
                 else f" Define `def {name}(self, ...)` inside the class.")
        self.fail(f"{type(obj).__name__} has no method `{name}`, which this exercise asks for.{guess}",
                  "missing-method")

    def gradients(self, gate, raw, n: int, *, what: str) -> tuple:
        """What ``gate.backward`` returned, as a tuple of ``n`` gradients (one per input), or a
        clear failure: None (a missing `return`), one value where ``n`` are due, a wrong count."""
        from nbkit.gates.base import grads_as_tuple

        if raw is None:
            self.fail(f"{what} returned None: did you forget a `return` statement? It should return "
                      f"{'one gradient' if n == 1 else f'{n} gradients, one per input'}.", "returned-none")
        try:
            return grads_as_tuple(gate, raw, n)
        except ValueError as err:
            self.fail(str(err), "wrong-count")

    # -- running learner code -----------------------------------------------------
    def call(self, fn: Callable, *args, what: str, hint: Optional[Callable] = None, **kwargs) -> Any:
        """``fn(*args, **kwargs)``; an exception becomes a message about ``what`` (the call
        in the learner's terms, e.g. ``"MulGate.backward(2.0)"``). ``hint(exc)`` may return
        ``(message, diagnosis)`` for an exception that signals a known mistake."""
        return runner.call(fn, *args, what=what, exercise=self.name, hint=hint, **kwargs)

    def scalar(self, value, *, what: str) -> float:
        """A learner's single-number answer as a float; fails on None, arrays, text."""
        return runner.as_float(value, what=what, exercise=self.name)

    def array(self, value, *, what: str, shape: Optional[tuple] = None) -> np.ndarray:
        """A learner's array answer as a float array, optionally of exactly ``shape``."""
        if value is None:
            self.fail(f"{what} is None: did you forget a `return` statement?", "returned-none")
        arr = _as_numbers(value)
        if arr is None:
            self.fail(f"{what} should be a numeric array, but it is a {type(value).__name__}.", "not-an-array")
        if shape is not None and arr.shape != tuple(shape):
            self.fail(f"{what} should have shape {shape_of(np.empty(shape))}, but it has shape {shape_of(arr)}.",
                      "wrong-shape")
        return arr

    def returned(self, value, n: int, *, what: str, names: str) -> tuple:
        """A learner's tuple of ``n`` results (``names``, e.g. "(out, cache)"), or a clear failure."""
        if not isinstance(value, (tuple, list)) or len(value) != n:
            got = "None" if value is None else (f"{len(value)} values" if isinstance(value, (tuple, list))
                                                else f"one {type(value).__name__}")
            self.fail(f"{what} should return {n} things, {names}; it returned {got}.", "wrong-count")
        return tuple(value)

    def require(self, result, case: str) -> None:
        """Fail with a shape checker's message (:func:`nbkit.shapes.diagnose`) unless it is ok."""
        if not result.ok:
            self.fail(f"{case}: {result.message}", result.diagnosis)

    def unchanged(self, given: dict, originals: dict, what: str) -> None:
        """Fail with ``input-modified`` when ``what`` changed an array it was handed in place.

        ``given``: name -> the array passed to the learner's function; ``originals``: name ->
        a copy taken before the call.
        """
        for name, arr in given.items():
            if not np.array_equal(arr, originals[name]):
                self.fail(f"{what} changed its argument `{name}` in place. A function's arguments belong to the "
                          f"caller (a forward value is reused by the next layer, a cache by backward): compute "
                          f"new arrays (e.g. `out = x * mask`, not `x *= mask`).", "input-modified")

    # -- judging an answer --------------------------------------------------------
    def judge(self, answer, reference, *, name: str, case: str, mistakes: Sequence[Mistake] = (),
              args: Sequence = (), tol: float = TOL, param_name: Optional[str] = None,
              batch_size: Optional[int] = None, inputs=(), snapshots=None, otherwise: str = "",
              shapes: bool = True) -> None:
        """Return if ``answer`` is ``reference``; otherwise fail with the best explanation.

        In order: a classic mistake from ``mistakes`` (called with ``args``); for arrays, the
        shape checker (:func:`nbkit.shapes.diagnose`: transposed, missing batch sum, scaled,
        aliased input, ...) worded with ``name`` and ``param_name``; else "wrong values",
        followed by ``otherwise`` (the idea to revisit). Values are quoted only in visible
        checks. ``shapes=False`` skips the shape checker, whose wording is about gradients of a
        loss, for exercises on another topic (e.g. a numerical gradient's formula).
        """
        if close(answer, reference, tol):
            return
        mistake = find_mistake(answer, mistakes, args, reference, tol)
        if mistake is not None:
            self.fail(f"{name} is wrong ({case}). {mistake.explain(*args)}" + self._got(answer, reference),
                      mistake.tag)
        ref = _as_numbers(reference)
        if shapes and ref is not None and ref.ndim >= 1 and not isinstance(reference, tuple):
            from nbkit.shapes import diagnose

            result = diagnose(answer, ref, name=name, param_name=param_name, batch_size=batch_size,
                              inputs=inputs, snapshots=snapshots, show_values=not self.hidden)
            if not result.ok and result.diagnosis != "wrong-values":
                self.fail(f"{name} is wrong ({case}). {result.message}", result.diagnosis)
        self.fail(f"{name} is wrong ({case}).{self._got(answer, reference)}"
                  + (f" {otherwise}" if otherwise else ""), "wrong-values")

    def _got(self, answer, reference) -> str:
        """" You have ...; the right answer is ...", in visible checks only."""
        if self.hidden:
            return ""
        return f" You have {_render(answer)}; the right answer is {_render(reference)}."


def _render(value) -> str:
    if isinstance(value, (tuple, list)) and not np.isscalar(value):
        try:
            return "(" + ", ".join(format_array(v) for v in value) + ")"
        except (TypeError, ValueError):
            return repr(value)
    arr = _as_numbers(value)
    return format_array(arr) if arr is not None else repr(value)
