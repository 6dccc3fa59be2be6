"""Checks for notebook 07's learning-rate schedules.

A schedule is ``schedule(t, learning_rate=..., <its own settings>) -> the learning rate of
update t``, where t = 0, 1, 2, ... counts the updates (steps) made so far; the harness
calls it before every step. A check evaluates the learner's schedule at t = 0 .. T with
the settings of a case (passed as keyword arguments) and compares it with the formula;
a rate that stays flat over runs of steps where the formula keeps decaying is named as a
schedule applied per epoch (once every n steps) where per step is asked.

Cases are dicts of keyword settings; hidden test cells pass their own. With ``hidden=True``
messages name a case by number and show no values.
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import numpy as np

from nbkit.checks.kit import Exercise, Mistake

__all__ = ["check_step_decay", "check_exponential_decay", "check_inverse_time_decay"]

T = 60  # steps evaluated per case


def _rates(ex, schedule, settings, name, case):
    """The learner's rate at t = 0 .. T-1 (floats), each call validated."""
    out = []
    for t in range(T):
        what = f"{name}({t}" + ex.show("".join(f", {k}={v:g}" for k, v in settings.items())) + ")"
        out.append(ex.scalar(ex.call(schedule, t, what=what, **settings), what=what))
    return np.array(out)


def _per_epoch(rates, want):
    """True when the rate is held flat for runs of steps where the formula decays at every step."""
    decaying = np.diff(want) < -1e-12 * np.abs(want[:-1])
    held = np.isclose(np.diff(rates), 0.0, atol=1e-15, rtol=0)
    both = decaying & held       # two such steps in a row: a step decay's formula decays at isolated steps only
    return bool(np.any(both[1:] & both[:-1]) and np.any(np.diff(rates) < 0))


PER_EPOCH = ("The rate stays the same for several steps in a row, then drops: it changes once per epoch (or "
             "every few steps). This schedule is applied per step: t counts updates, and the formula gives "
             "a new rate at every t. Use t itself, not t // steps_per_epoch.")


def _check_schedule(name, schedule, cases, hidden, formula, mistakes, otherwise):
    ex = Exercise(name, hidden=hidden)
    if not callable(schedule):
        ex.fail(f"pass your function itself, check_{name}({name}), not {schedule!r}.", "not-a-function")
    t = np.arange(T)
    for i, settings in enumerate(cases):
        case = ex.case(i, ", ".join(f"{k}={v:g}" for k, v in settings.items()))
        rates = _rates(ex, schedule, settings, name, case)
        want = formula(t, **settings)
        if _per_epoch(rates, want):
            ex.fail(f"{name} is wrong ({case}). {PER_EPOCH}", "schedule-per-epoch")
        ex.judge(rates, want, name=f"the schedule over t = 0..{T - 1}", case=case, mistakes=mistakes,
                 args=(t, settings), shapes=False, otherwise=otherwise)
    ex.passed(f"the rate at every step t = 0..{T - 1} follows the formula on {ex.count(len(cases))}.")


def _m(tag, wrong: Callable, why: str) -> Mistake:
    """A catalogue entry whose wrong rate is a formula of (t, **settings)."""
    return Mistake(tag, lambda t, s: wrong(t, **s), why)


# ------------------------------------------------------------------------------ step decay

def _step(t, learning_rate, drop, every):
    return learning_rate * drop ** (t // every)


STEP_MISTAKES = [
    _m("drop-off-by-one", lambda t, learning_rate, drop, every: learning_rate * drop ** ((t + 1) // every),
       "The first drop comes one step early: with t counting the updates already made, steps 0 .. every-1 "
       "use learning_rate and the first drop is at t = every. Use t // every."),
    _m("schedule-not-stepped", lambda t, learning_rate, drop, every: learning_rate * drop ** (t / every),
       "The rate decays smoothly: a step decay holds it flat for `every` steps and then multiplies it by "
       "`drop`, so the exponent is the whole number t // every."),
    _m("drop-once", lambda t, learning_rate, drop, every: np.where(t >= every, learning_rate * drop, learning_rate),
       "The rate drops once and then stays: it should be multiplied by `drop` again every `every` steps, "
       "learning_rate * drop ** (t // every)."),
    _m("drop-linear", lambda t, learning_rate, drop, every: learning_rate * (1 - (1 - drop) * (t // every)),
       "The rate loses a fixed amount at every drop: a step decay multiplies by `drop` each time, "
       "learning_rate * drop ** (t // every)."),
]


def check_step_decay(step_decay, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``step_decay(t, learning_rate, drop, every)`` = learning_rate * drop ** (t // every)."""
    _check_schedule("step_decay", step_decay, cases or [{"learning_rate": 0.1, "drop": 0.5, "every": 10},
                                                         {"learning_rate": 2.0, "drop": 0.9, "every": 7}],
                    hidden, _step, STEP_MISTAKES, "rate = learning_rate * drop ** (t // every).")


# ----------------------------------------------------------------------- exponential decay

def _exponential(t, learning_rate, k):
    return learning_rate * np.exp(-k * t)


EXP_MISTAKES = [
    _m("sign-flipped", lambda t, learning_rate, k: learning_rate * np.exp(k * t),
       "The rate grows: the exponent must be negative, learning_rate * exp(-k t)."),
    _m("forgot-initial-rate", lambda t, learning_rate, k: np.exp(-k * t),
       "The rate starts at 1, not at learning_rate: multiply exp(-k t) by learning_rate (alpha0)."),
    _m("wrong-base", lambda t, learning_rate, k: learning_rate * (1 - k) ** t,
       "This is learning_rate * (1 - k)**t, which is close to exp(-k t) only for small k: use np.exp(-k * t)."),
]


def check_exponential_decay(exponential_decay, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``exponential_decay(t, learning_rate, k)`` = learning_rate * exp(-k t)."""
    _check_schedule("exponential_decay", exponential_decay, cases or [{"learning_rate": 0.1, "k": 0.05},
                                                                       {"learning_rate": 1.5, "k": 0.3}],
                    hidden, _exponential, EXP_MISTAKES, "rate = learning_rate * exp(-k t).")


# --------------------------------------------------------------------- inverse time decay

def _inverse(t, learning_rate, tau):
    return learning_rate * tau / np.maximum(t, tau)


INVERSE_MISTAKES = [
    _m("forgot-initial-rate", lambda t, learning_rate, tau: tau / np.maximum(t, tau),
       "The rate starts at 1, not at learning_rate: multiply tau / max(t, tau) by learning_rate (alpha0)."),
    _m("shifted-inverse", lambda t, learning_rate, tau: learning_rate * tau / (t + tau),
       "This is learning_rate * tau / (t + tau), which starts decaying at once. The schedule asked for holds "
       "learning_rate for the first tau steps, then decays as 1/t: learning_rate * tau / max(t, tau)."),
    _m("inverse-no-plateau", lambda t, learning_rate, tau: learning_rate * tau / np.maximum(t, 1),
       "The rate is learning_rate * tau / t from the start, far above learning_rate for t < tau: the max in "
       "max(t, tau) keeps it at learning_rate until t reaches tau."),
]


def check_inverse_time_decay(inverse_time_decay, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``inverse_time_decay(t, learning_rate, tau)`` = learning_rate * tau / max(t, tau)."""
    _check_schedule("inverse_time_decay", inverse_time_decay, cases or [{"learning_rate": 0.1, "tau": 10},
                                                                         {"learning_rate": 3.0, "tau": 25}],
                    hidden, _inverse, INVERSE_MISTAKES, "rate = learning_rate * tau / max(t, tau).")
