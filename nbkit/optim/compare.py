"""Train one model with several update rules, from one initialisation and on the same minibatches.

:func:`compare_rules` is generic: it knows a model only through ``loss_and_grads(params,
batch) -> (loss, grads)`` over a dict of parameter arrays. Each rule gets its own deep copy
of the initial parameters and one config per parameter (as CS231n's ``Solver`` keeps
``optim_configs``), and every rule is fed the batches of ``batches(epoch)``, so the rules
differ in nothing but their update. Returns loss per step, the metric per epoch, the final
metric and the training time, with a table and a picture.
"""
from __future__ import annotations

import copy
import html
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from nbkit.feedback import NotReady

from .draw import TINY, new_figure
from .race import MAX_ABS, RuleFailed, _name, _scheduled_rate, apply_rule, parse_rules

__all__ = ["TrainingRun", "Comparison", "compare_rules", "plot_comparison"]


@dataclass
class TrainingRun:
    """One rule's training.

    Attributes:
        name: the rule's label.
        losses: (n_steps,) minibatch loss at every step (before that step's update).
        steps_per_epoch: list of how many steps each epoch took.
        evals: (epochs done,) ``evaluate(params)`` after each epoch (empty without ``evaluate``).
        seconds: training time (forward, backward and update; evaluation not counted).
        params: the final parameters (dict of arrays).
        diverged_at: the step (1-based) whose loss was not finite or whose update sent a
            parameter beyond ``max_abs``, or None. The parameters are then those of that step.
        error: one-line message when the rule raised, or None.
    """

    name: str
    losses: np.ndarray
    steps_per_epoch: list
    evals: np.ndarray
    seconds: float
    params: dict = field(repr=False)
    diverged_at: Optional[int] = None
    error: Optional[str] = None
    not_written: bool = False

    @property
    def final_metric(self) -> Optional[float]:
        return float(self.evals[-1]) if len(self.evals) else None

    @property
    def final_loss(self) -> Optional[float]:
        """Mean minibatch loss over the last epoch run (less noisy than the last step's)."""
        n = self.steps_per_epoch[-1] if self.steps_per_epoch else 0
        return float(np.mean(self.losses[-n:])) if n and len(self.losses) else None

    @property
    def status(self) -> str:
        if self.not_written:
            return "not written yet"
        if self.error is not None:
            return "failed"
        return "diverged" if self.diverged_at is not None else "finished"


@dataclass
class Comparison:
    """The result of :func:`compare_rules`: ``runs`` (dict name -> :class:`TrainingRun`)."""

    runs: dict
    epochs: int
    metric_name: str = "metric"

    def rows(self) -> list:
        """One dict per rule: rule, final loss, final metric, seconds, status."""
        return [{"rule": run.name, "final loss": run.final_loss, self.metric_name: run.final_metric,
                 "seconds": run.seconds, "status": run.status} for run in self.runs.values()]

    def table(self) -> str:
        """The rows as an aligned text table."""
        head = ["rule", "final loss", self.metric_name, "time (s)", "status"]
        body = [[r["rule"], _fmt(r["final loss"], ".4f"), _fmt(r[self.metric_name], ".4f"),
                 _fmt(r["seconds"], ".2f"), r["status"]] for r in self.rows()]
        widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [head] + body]
        lines.insert(1, "  ".join("-" * w for w in widths))
        problems = [f"{run.name}: {run.error.splitlines()[0]}" for run in self.runs.values() if run.error]
        return "\n".join(lines + problems)

    def _repr_html_(self):
        head = ["rule", "final loss", html.escape(self.metric_name), "time (s)", "status"]
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
                r["rule"], _fmt(r["final loss"], ".4f"), _fmt(r[self.metric_name], ".4f"),
                _fmt(r["seconds"], ".2f"), r["status"])) + "</tr>" for r in self.rows())
        return (f"<table class='nbkit-optim-comparison'><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr>"
                f"{cells}</table>")

    def __repr__(self):
        return self.table()

    def figure(self, **options):
        """See :func:`plot_comparison`."""
        return plot_comparison(self, **options)


def _fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _check_params(params) -> dict:
    if not isinstance(params, dict) or not params:
        raise TypeError(f"params must be a non-empty dict of parameter arrays, got {type(params).__name__}")
    return {key: np.array(value, dtype=float) for key, value in params.items()}


def _check_grads(grads, params: dict) -> None:
    if not isinstance(grads, dict) or set(grads) != set(params):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        raise ValueError(f"loss_and_grads must return (loss, grads) with grads a dict with the keys of "
                         f"params {sorted(params)}, got {got}")
    for key, value in grads.items():
        if np.shape(value) != params[key].shape:
            raise ValueError(f"grads[{key!r}] has shape {np.shape(value)}, but params[{key!r}] has shape "
                             f"{params[key].shape}: a gradient is shaped like its parameter")


def _progress(name: str, total, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=name, unit="step", disable=not enabled, leave=False)


def compare_rules(loss_and_grads: Callable, params: dict, batches: Callable, rules: dict, *, epochs: int = 1,
                  evaluate: Optional[Callable] = None, metric_name: str = "metric",
                  progress: bool = True, max_abs: float = MAX_ABS) -> Comparison:
    """Train a copy of ``params`` with each rule on the same minibatches; compare the results.

    Args:
        loss_and_grads: ``loss_and_grads(params, batch) -> (loss, grads)``; ``grads`` is a dict
            shaped like ``params``. It must not modify ``params``.
        params: the initial parameters, ``{name: array}``; every rule starts from a deep copy.
        batches: ``batches(epoch) -> iterable of batches``; called once per epoch for each rule,
            so it must give the same batches for the same epoch (e.g. shuffle with seed=epoch).
        rules: ``{name: (rule, config)}`` as for :func:`nbkit.optim.race` (a third entry is a
            per-step schedule ``t -> learning rate``, t counting updates from 0 across epochs).
        epochs: passes over ``batches``.
        evaluate: optional ``evaluate(params) -> float`` after every epoch (e.g. dev F1).
        metric_name: the name of that number in tables and plots.
        progress: show a tqdm bar per rule.
        max_abs: a parameter entry beyond this in absolute value (or not finite) stops that
            rule as diverged; so does a loss that is not finite.
    Returns: a :class:`Comparison`. A rule that raises or diverges stops alone; the others go on.
    """
    init = _check_params(params)
    parsed = parse_rules(rules)
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive whole number, got {epochs!r}")
    runs = {}
    for label, rule, config, schedule in parsed:
        fn_name = _name(rule, label)
        current = copy.deepcopy(init)
        configs = {key: copy.deepcopy(config) for key in current}
        losses, evals, steps_per_epoch = [], [], []
        seconds, diverged_at, error, not_written, t = 0.0, None, None, False, 0
        first = batches(0)
        total = epochs * len(first) if hasattr(first, "__len__") else None
        with _progress(label, total, progress) as bar:
            try:
                for epoch in range(epochs):
                    epoch_batches = first if epoch == 0 else batches(epoch)
                    began, taken = time.perf_counter(), 0
                    for batch in epoch_batches:
                        loss, grads = loss_and_grads(current, batch)
                        loss = float(loss)
                        if not np.isfinite(loss):
                            diverged_at = t + 1
                            break
                        _check_grads(grads, current)
                        losses.append(loss)
                        if schedule is not None:
                            lr = _scheduled_rate(schedule, t, _name(schedule, "your schedule"))
                            for key in configs:
                                configs[key] = {} if configs[key] is None else configs[key]
                                configs[key]["learning_rate"] = lr
                        for key in current:
                            current[key], configs[key] = apply_rule(
                                rule, current[key], np.asarray(grads[key], dtype=float), configs[key], name=fn_name)
                        t, taken = t + 1, taken + 1
                        if not all(np.all(np.isfinite(v)) and np.max(np.abs(v), initial=0) <= max_abs
                                   for v in current.values()):
                            diverged_at = t
                            break
                        bar.update(1)
                        bar.set_postfix(loss=f"{loss:.3g}", refresh=False)
                    seconds += time.perf_counter() - began
                    steps_per_epoch.append(taken)
                    if diverged_at is not None:
                        break
                    if evaluate is not None:
                        evals.append(float(evaluate(copy.deepcopy(current))))
            except (NotReady, RuleFailed) as exc:
                error, not_written = str(exc), isinstance(exc, NotReady)
                seconds += time.perf_counter() - began
                steps_per_epoch.append(taken)
        runs[label] = TrainingRun(name=label, losses=np.array(losses), steps_per_epoch=steps_per_epoch,
                                  evals=np.array(evals), seconds=seconds, params=current,
                                  diverged_at=diverged_at, error=error, not_written=not_written)
    return Comparison(runs=runs, epochs=epochs, metric_name=metric_name)


def plot_comparison(comparison: Comparison, *, smooth: int = 1, figsize=(10.5, 4.0)):
    """Loss against step (log y; ``smooth`` > 1 draws a moving average over that many steps)
    and the metric against epoch, one colour per rule. Returns a Figure with two axes."""
    if not isinstance(comparison, Comparison):
        raise TypeError(f"plot_comparison takes what compare_rules returns, got {type(comparison).__name__}")
    fig = new_figure(figsize=figsize)
    ax_loss, ax_metric = fig.subplots(1, 2)
    silent = []
    for i, run in enumerate(comparison.runs.values()):
        if len(run.losses) == 0:
            silent.append(f"{run.name}: {run.status}")
            continue
        curve = run.losses
        if smooth > 1 and len(curve) >= smooth:
            curve = np.convolve(curve, np.ones(smooth) / smooth, mode="valid")
        steps = np.arange(len(run.losses) - len(curve), len(run.losses))
        label = run.name if run.status == "finished" else f"{run.name} ({run.status})"
        ax_loss.plot(steps, np.maximum(curve, TINY), color=f"C{i}", label=label, linewidth=1.2)
        if len(run.evals):
            ax_metric.plot(np.arange(1, len(run.evals) + 1), run.evals, color=f"C{i}", marker="o", label=run.name)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("minibatch loss" + (f" (mean of {smooth})" if smooth > 1 else ""))
    ax_loss.set_title("training loss against step", fontsize=9)
    ax_metric.set_xlabel("epoch")
    ax_metric.set_ylabel(comparison.metric_name)
    ax_metric.set_title(f"{comparison.metric_name} after each epoch", fontsize=9)
    for ax in (ax_loss, ax_metric):
        ax.grid(True, alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=8)
    if silent:
        ax_loss.text(0.02, 0.02, "\n".join(silent), transform=ax_loss.transAxes, fontsize=8, color="#8a1c1c")
    if len(ax_metric.lines) == 0:
        ax_metric.text(0.5, 0.5, "no evaluate(params) given" if all(len(r.evals) == 0 and r.status == "finished"
                                                                    for r in comparison.runs.values())
                       else "no epoch finished", ha="center", va="center", transform=ax_metric.transAxes)
    return fig
