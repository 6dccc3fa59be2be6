"""Run the learner's update rules: one rule on one function, or several raced from one start.

Every rule has CS231n's interface ``rule(w, dw, config=None) -> (next_w, config)``; the
loop here is the one CS231n's ``Solver`` runs::

    next_w, config = rule(w, dw, config)   # config carries the rule's state to the next call

The harness hands each rule a deep copy of its config (so two rules never share a velocity
or a cache), copies of ``w`` and ``dw`` (so a rule that updates ``w`` in place cannot
rewrite the recorded path), and stops a rule cleanly when it diverges: the points before
the bad step are kept and the run says at which step it happened. A rule that raises
becomes one line for the learner (``NotReady`` when it is not written yet, ``RuleFailed``
otherwise, pointing at the learner's own line), never a traceback through nbkit.
"""
from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from nbkit.checks.runner import learner_frames
from nbkit.feedback import NotReady

from .surfaces import Surface, surface as _surface

__all__ = ["RuleFailed", "Run", "Race", "apply_rule", "run_rule", "race", "parse_rules", "with_config"]

MAX_ABS = 1e8  # |w| beyond this counts as diverged (run_rule's default)


class RuleFailed(RuntimeError):
    """A learner's update rule or schedule raised, or returned something unusable.

    Renders in Jupyter as its message alone (IPython's ``_render_traceback_`` hook).
    """

    def _render_traceback_(self):  # noqa: D401 - IPython hook
        return ["\u2718 " + line if i == 0 else "  " + line for i, line in enumerate(str(self).splitlines())]


def _name(fn, fallback: str = "your rule") -> str:
    name = getattr(fn, "__name__", None)
    return fallback if name in (None, "<lambda>") else name


def _call_learner(fn, *args, what: str):
    """Call learner code; NotImplementedError -> NotReady, any other error -> RuleFailed."""
    try:
        return fn(*args)
    except NotImplementedError as exc:
        raise NotReady(f"{what} is not written yet (it raises NotImplementedError): finish that exercise, "
                       f"run its cell, then run this one again.") from exc
    except Exception as exc:  # the learner's code crashed: say where, in their code
        where = learner_frames(exc)
        raise RuleFailed(f"{what} raised {type(exc).__name__}: {exc}\n{where}".rstrip()) from exc


def apply_rule(rule: Callable, w: np.ndarray, dw: np.ndarray, config, *, name: Optional[str] = None):
    """One checked call ``rule(w, dw, config) -> (next_w, config)``.

    ``w`` and ``dw`` are passed as copies. Raises :class:`nbkit.feedback.NotReady` if the
    rule is not written yet and :class:`RuleFailed` if it raises or does not return a pair
    whose ``next_w`` has ``w``'s shape.
    """
    name = name or _name(rule)
    out = _call_learner(rule, w.copy(), dw.copy(), config, what=f"{name}(w, dw, config)")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        got = type(out).__name__ if not isinstance(out, (tuple, list)) else f"{len(out)} values"
        raise RuleFailed(f"{name}(w, dw, config) returned {got}; an update rule returns the pair "
                         f"(next_w, config).")
    next_w, config = out
    if next_w is None:
        raise RuleFailed(f"{name}(w, dw, config) returned next_w = None: did you forget to compute it?")
    try:
        next_w = np.array(next_w, dtype=float)  # a copy: later in-place updates cannot reach it
    except (TypeError, ValueError):
        raise RuleFailed(f"{name}(w, dw, config) returned next_w of type {type(next_w).__name__}; "
                         f"it must be an array shaped like w {w.shape}.") from None
    if next_w.shape != w.shape:
        raise RuleFailed(f"{name}(w, dw, config) returned next_w of shape {next_w.shape}; it must have "
                         f"w's shape {w.shape} (a broadcast between arrays of different shapes?).")
    return next_w, config


def _scheduled_rate(schedule, t: int, name: str) -> float:
    value = _call_learner(schedule, t, what=f"{name}({t})")
    try:
        lr = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise RuleFailed(f"{name}({t}) returned {value!r}; a schedule returns one learning rate (a number).") \
            from None
    if not np.isfinite(lr) or lr < 0:
        raise RuleFailed(f"{name}({t}) returned {lr!r}; a learning rate must be a finite number >= 0.")
    return lr


@dataclass
class Run:
    """What one rule did: the points it visited and why it stopped.

    Attributes:
        name: the rule's label.
        path: (k + 1, *w.shape) points w_0 ... w_k, w_0 first; k = ``steps`` unless it stopped early.
        losses: (k + 1,) loss at each point, or None when no loss function was given.
        config: the config after the last completed step (the rule's state).
        steps: how many steps were asked for.
        diverged_at: step number (1-based) whose result was not finite or beyond ``max_abs``
            (that point is not in ``path``), or None.
        error: one-line message when the rule (or its schedule) raised, or None.
        learning_rates: (k,) learning rate set before each step when a schedule was given, else None.
    """

    name: str
    path: np.ndarray
    losses: Optional[np.ndarray]
    config: Any
    steps: int
    diverged_at: Optional[int] = None
    error: Optional[str] = None
    not_written: bool = False
    learning_rates: Optional[np.ndarray] = None

    @property
    def steps_taken(self) -> int:
        return len(self.path) - 1

    @property
    def final(self) -> np.ndarray:
        """The last good point, shape w.shape."""
        return self.path[-1]

    @property
    def status(self) -> str:
        """"finished", "diverged", "not written yet" or "failed"."""
        if self.not_written:
            return "not written yet"
        if self.error is not None:
            return "failed"
        return "diverged" if self.diverged_at is not None else "finished"

    def summary(self) -> str:
        """One line: where the run ended, or why it stopped."""
        if self.status in ("not written yet", "failed"):
            return f"{self.name}: {self.error}".splitlines()[0]
        loss = f", loss {self.losses[-1]:.3g}" if self.losses is not None else ""
        if self.diverged_at is not None:
            return f"{self.name}: diverged at step {self.diverged_at} (kept the {self.steps_taken} steps before{loss})"
        return f"{self.name}: {self.steps_taken} steps{loss}"


def _check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"steps must be a positive whole number, got {steps!r}")
    return int(steps)


def run_rule(rule: Callable, config, grad_fn: Callable, w0, steps: int, *, loss_fn: Optional[Callable] = None,
             schedule: Optional[Callable] = None, name: Optional[str] = None, max_abs: float = MAX_ABS,
             errors: str = "raise") -> Run:
    """Take ``steps`` steps of ``rule`` from ``w0`` following ``grad_fn``; record the path.

    Args:
        rule: ``rule(w, dw, config) -> (next_w, config)`` (CS231n's interface).
        config: the starting config (dict or None); deep-copied, so the caller's stays as it was.
        grad_fn: ``grad_fn(w) -> dw``, an array shaped like ``w``.
        w0: the start point, any float array shape.
        loss_fn: optional ``loss_fn(w) -> float``, recorded at every point.
        schedule: optional ``schedule(t) -> learning rate``; before step t (t = 0, 1, ...: the
            number of updates made so far) ``config["learning_rate"]`` is set to ``schedule(t)``.
            That is a per-step schedule.
        max_abs: a point with an entry beyond this in absolute value counts as diverged.
        errors: "raise" lets :class:`NotReady` / :class:`RuleFailed` through; "record" stores
            the message in ``Run.error`` and returns the path up to the failure.
    Returns: a :class:`Run`.
    """
    steps = _check_steps(steps)
    if errors not in ("raise", "record"):
        raise ValueError(f'errors must be "raise" or "record", got {errors!r}')
    if not callable(rule):
        raise TypeError(f"rule must be a function rule(w, dw, config) -> (next_w, config), got {type(rule).__name__}")
    fn_name = _name(rule, name or "your rule")  # messages name the learner's function
    name = name or fn_name
    w = np.array(w0, dtype=float)
    config = copy.deepcopy(config)
    path, losses, rates = [w.copy()], [], []
    error, not_written, diverged_at = None, False, None

    def loss_at(point):
        return float(loss_fn(point.copy())) if loss_fn is not None else 0.0

    losses.append(loss_at(w))
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(steps):
                if schedule is not None:
                    rates.append(_scheduled_rate(schedule, t, _name(schedule, "your schedule")))
                    config = {} if config is None else config
                    config["learning_rate"] = rates[-1]
                dw = np.asarray(grad_fn(w.copy()), dtype=float)
                if dw.shape != w.shape:
                    raise ValueError(f"grad_fn returned a gradient of shape {dw.shape} at w of shape {w.shape}; "
                                     f"a gradient is shaped like w")
                next_w, config = apply_rule(rule, w, dw, config, name=fn_name)
                loss = loss_at(next_w)
                if not np.all(np.isfinite(next_w)) or np.max(np.abs(next_w)) > max_abs or not np.isfinite(loss):
                    diverged_at = t + 1
                    break
                w = next_w
                path.append(w.copy())
                losses.append(loss)
    except (NotReady, RuleFailed) as exc:
        if errors == "raise":
            raise
        error, not_written = str(exc), isinstance(exc, NotReady)
    return Run(name=name, path=np.array(path), losses=np.array(losses) if loss_fn is not None else None,
               config=config, steps=steps, diverged_at=diverged_at, error=error, not_written=not_written,
               learning_rates=np.array(rates) if schedule is not None else None)


def parse_rules(rules) -> list:
    """``{name: rule | (rule, config) | (rule, config, schedule)}`` -> [(name, rule, config, schedule)]."""
    if not isinstance(rules, dict) or not rules:
        raise TypeError('rules must be a non-empty dict such as {"SGD": (sgd, {"learning_rate": 1e-2})}, '
                        f"got {type(rules).__name__}" + (" (empty)" if isinstance(rules, dict) else ""))
    parsed = []
    for name, spec in rules.items():
        spec = tuple(spec) if isinstance(spec, (tuple, list)) else (spec,)
        if not 1 <= len(spec) <= 3 or not callable(spec[0]):
            raise TypeError(f"rules[{name!r}] must be rule, (rule, config) or (rule, config, schedule) "
                            f"with rule(w, dw, config) -> (next_w, config); got {spec!r}")
        rule, config, schedule = spec + (None,) * (3 - len(spec))
        if config is not None and not isinstance(config, dict):
            raise TypeError(f"rules[{name!r}]: the config must be a dict or None, got {type(config).__name__}")
        if schedule is not None and not callable(schedule):
            raise TypeError(f"rules[{name!r}]: the schedule must be a function t -> learning rate")
        parsed.append((str(name), rule, config, schedule))
    return parsed


def with_config(rules, **settings) -> dict:
    """The same rules with ``settings`` written into every config (e.g. one learning rate for all).

    A rule ignores the keys it does not use (SGD has no ``beta1``), as CS231n's rules do.
    """
    out = {}
    for name, rule, config, schedule in parse_rules(rules):
        merged = {**copy.deepcopy(config or {}), **settings}
        out[name] = (rule, merged) if schedule is None else (rule, merged, schedule)
    return out


@dataclass
class Race:
    """Several rules run from one start on one surface.

    Attributes: ``surface``, ``start`` (2,), ``steps``, ``runs`` (dict name -> :class:`Run`,
    in the order the rules were given; each has ``path`` (k + 1, 2) and ``losses`` (k + 1,)).
    """

    surface: Surface
    start: np.ndarray
    steps: int
    runs: dict

    @property
    def paths(self) -> dict:
        return {name: run.path for name, run in self.runs.items()}

    @property
    def losses(self) -> dict:
        return {name: run.losses for name, run in self.runs.items()}

    def summary(self) -> str:
        """One line per rule: final loss and distance to the minimum, or why it stopped."""
        lines = []
        for run in self.runs.values():
            line = run.summary()
            if run.status in ("finished", "diverged"):
                line += f", {self.surface.distance_to_minimum(run.final):.2g} from the nearest minimum"
            lines.append(line)
        return "\n".join(lines)

    def figure(self, **options):
        """Trajectories over contours and loss against step (see :func:`nbkit.optim.draw_race`)."""
        from .draw import draw_race

        return draw_race(self, **options)

    def __repr__(self):
        return f"Race on {self.surface.label}, {self.steps} steps from {self.start.tolist()}:\n{self.summary()}"


def race(surface, rules, steps: int = 200, start=None, *, max_abs: Optional[float] = None) -> Race:
    """Run each rule for ``steps`` steps from one start point on a test surface.

    Args:
        surface: a key of ``SURFACE_KEYS`` ("quadratic", "rosenbrock", "saddle", "beale") or a Surface.
        rules: ``{name: (rule, config)}``; a bare ``rule`` means config None, and a third entry
            ``(rule, config, schedule)`` sets the learning rate per step from ``schedule(t)``.
        start: (2,) start point; default the surface's.
        max_abs: a coordinate beyond this counts as diverged; default 100 × the plot box.
    Returns: a :class:`Race`. A rule that raises does not stop the others: its run keeps the
        steps before the error and its ``error`` holds the one-line message.
    """
    s = _surface(surface)
    steps = _check_steps(steps)
    start = s.start.copy() if start is None else np.array(start, dtype=float)
    if start.shape != (2,):
        raise ValueError(f"start must be a point of shape (2,), got shape {start.shape}")
    if max_abs is None:
        max_abs = 100.0 * max(abs(v) for v in (*s.xlim, *s.ylim))
    runs = {}
    for name, rule, config, schedule in parse_rules(rules):
        runs[name] = run_rule(rule, config, s.grad, start, steps, loss_fn=s.value, schedule=schedule,
                              name=name, max_abs=max_abs, errors="record")
    return Race(surface=s, start=start, steps=steps, runs=runs)
