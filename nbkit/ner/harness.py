"""A training harness that runs the learner's model and update rule (notebooks 06 and 07).

The learner writes the pieces; the harness only loops, times, shows progress and keeps the
best parameters::

    result = train(loss_and_grads, params, update, batches, epochs=10, evaluate=dev_f1)

- ``loss_and_grads(params, batch) -> (loss, grads)``: the learner's forward and backward on
  one minibatch; ``grads`` is a dict with one array per key of ``params``, each shaped like
  its parameter (checked on the first step, with the shapes in the message).
- ``update(params, grads)``: the learner's optimiser step. It may change ``params`` in place
  and return None, or return the new params dict. A CS231n-style rule
  ``rule(w, dw, config) -> (next_w, config)`` becomes one with :func:`per_parameter`.
- ``batches``: anything iterable once per epoch (a list, :func:`nbkit.ner.minibatches`, which
  reshuffles every pass), or a function ``epoch -> iterable``.
- ``evaluate(params) -> score``: e.g. entity F1 on dev; a number, or a mapping with the
  key ``metric`` (default ``"f1"``, so :func:`nbkit.ner.entity_scores`'s result works as is).
  Higher is better. Run after every epoch (and every ``eval_every`` steps if given).

Returns :class:`TrainResult`: ``params`` (a copy of the best-scoring parameters, or the last
ones without ``evaluate``), ``last_params``, ``history`` (:class:`History`: loss per step,
mean loss per epoch, dev scores, times), ``best_score``, ``interrupted``, ``stopped``.
The caller's ``params`` dict is copied first and never changed, so several optimisers can
start from one initialisation (notebook 07's race).

Ctrl-C (KeyboardInterrupt; "Interrupt the kernel" in Jupyter) stops cleanly: the result holds
the best parameters and the history so far. A loss that becomes NaN or infinite stops training
the same way, with the step named. A tqdm bar shows the running loss and the last dev score.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from nbkit.checks.runner import as_float, call
from nbkit.feedback import fail

__all__ = ["train", "TrainResult", "History", "per_parameter", "copy_params"]

EXERCISE = "train"


def copy_params(params: dict) -> dict:
    """A deep copy of a dict of arrays (what the harness keeps as 'best')."""
    return {name: np.array(value, copy=True) for name, value in params.items()}


@dataclass
class History:
    """What happened during training; lists grow as it runs.

    ``loss``: loss of every step, at fractional epoch ``loss_epoch`` (the end of its epoch when
    the batches have no length); ``epoch_loss``: mean loss of each completed epoch;
    ``dev``: score of each evaluation, at ``dev_epoch`` (fractional with ``eval_every``) and
    after ``dev_seconds`` of training (evaluation time excluded).
    """
    loss: list = field(default_factory=list)
    loss_epoch: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    dev: list = field(default_factory=list)
    dev_epoch: list = field(default_factory=list)
    dev_seconds: list = field(default_factory=list)


@dataclass
class TrainResult:
    params: dict
    last_params: dict
    history: History
    best_score: float | None = None
    best_epoch: float | None = None
    interrupted: bool = False
    stopped: str | None = None        # why training ended early, in words (None: it ran all epochs)
    train_seconds: float = 0.0        # time in loss_and_grads and update only
    seconds: float = 0.0              # wall time, evaluation included

    def __str__(self):
        text = f"{len(self.history.loss):,} steps in {self.train_seconds:.1f} s of training"
        if self.history.epoch_loss:
            text += f"; last epoch's mean loss {self.history.epoch_loss[-1]:.4g}"
        if self.best_score is not None:
            text += f"; best dev score {self.best_score:.4f} (epoch {self.best_epoch:g})"
        if self.stopped:
            text += f"; stopped early: {self.stopped}"
        return text


def per_parameter(rule: Callable, config: dict | None = None) -> Callable:
    """Turn a CS231n-style rule ``rule(w, dw, config) -> (next_w, config)`` into an update
    ``update(params, grads)`` that keeps one config (learning rate, moments, t...) per parameter.

    ``config``: the starting settings, copied for each parameter, e.g. ``{"learning_rate": 1e-3}``.
    The configs live in ``update.configs`` (a dict by parameter name) to inspect.
    """
    configs: dict = {}

    def update(params, grads):
        for name in params:
            if name not in configs:
                configs[name] = dict(config or {})
            next_w, configs[name] = rule(params[name], grads[name], configs[name])
            params[name] = next_w

    update.configs = configs
    update.__name__ = getattr(rule, "__name__", "update")
    return update


def _check_grads(params, grads):
    if not isinstance(grads, dict):
        fail(f"loss_and_grads should return (loss, grads) with grads a dict like params "
             f"(keys {sorted(params)}), but grads is a {type(grads).__name__}.",
             diagnosis="grads-not-dict", exercise=EXERCISE)
    missing, extra = sorted(set(params) - set(grads)), sorted(set(grads) - set(params))
    if missing or extra:
        fail(f"grads should have one entry per parameter: missing {missing}, unexpected {extra}.",
             diagnosis="grads-keys", exercise=EXERCISE)
    for name, value in params.items():
        grad_shape, shape = np.shape(grads[name]), np.shape(value)
        if grad_shape != shape:
            hint = " (transposed?)" if grad_shape == shape[::-1] else ""
            fail(f"grads[{name!r}] has shape {grad_shape} but params[{name!r}] has shape {shape}{hint}: "
                 f"a gradient has the shape of its parameter.", diagnosis="grad-shape", exercise=EXERCISE)


def _score(value, metric):
    if isinstance(value, dict) or hasattr(value, "keys"):
        if metric not in value:
            fail(f"evaluate returned a mapping without the key {metric!r} (keys: {sorted(value)[:8]}); "
                 f"return a number or pass metric=...", diagnosis="metric-missing", exercise=EXERCISE)
        value = value[metric]
    return as_float(value, what="evaluate(params)", exercise=EXERCISE)


def _batches_for(batches, epoch):
    if callable(batches):
        return batches(epoch)
    if iter(batches) is batches:  # an iterator or generator would be empty after one epoch
        raise TypeError("batches is an iterator (it would be used up after one epoch): pass a list, "
                        "nbkit.ner.minibatches(...), or a function epoch -> batches")
    return batches


def train(loss_and_grads: Callable, params: dict, update: Callable, batches, *, epochs: int = 10,
          evaluate: Callable | None = None, metric: str = "f1", eval_every: int | None = None,
          progress: bool = True, desc: str = "training") -> TrainResult:
    """Train with the learner's ``loss_and_grads`` and ``update`` (see the module docstring).

    ``params``: dict name -> array; copied, the caller's dict is left as it is.
    ``epochs``: passes over ``batches``. ``progress``: show a tqdm bar (tqdm.auto: a widget in
    Jupyter, text elsewhere). Returns :class:`TrainResult`.
    """
    if not isinstance(params, dict) or not params:
        raise TypeError("params must be a non-empty dict: parameter name -> numpy array")
    params = copy_params(params)
    history = History()
    best, best_score, best_epoch = copy_params(params), None, None
    interrupted, stopped = False, None
    train_seconds, started = 0.0, time.perf_counter()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        try:
            per_epoch = len(batches)  # not for a function epoch -> batches
        except TypeError:
            per_epoch = None
        bar = tqdm(total=per_epoch * epochs if per_epoch is not None else None, desc=desc, unit="step",
                   leave=True, dynamic_ncols=True)
    postfix = {}

    def run_evaluation(epoch_position):
        nonlocal best, best_score, best_epoch
        score = _score(call(evaluate, params, what="evaluate(params)", exercise=EXERCISE), metric)
        history.dev.append(score)
        history.dev_epoch.append(epoch_position)
        history.dev_seconds.append(train_seconds)
        if best_score is None or score > best_score:
            best, best_score, best_epoch = copy_params(params), score, epoch_position
        postfix[metric] = f"{score:.3f}"

    step = 0
    try:
        for epoch in range(epochs):
            epoch_losses = []
            epoch_batches = _batches_for(batches, epoch)
            n_batches = len(epoch_batches) if hasattr(epoch_batches, "__len__") else None
            for i, batch in enumerate(epoch_batches):
                tick = time.perf_counter()
                out = call(loss_and_grads, params, batch, what="loss_and_grads(params, batch)", exercise=EXERCISE)
                if not (isinstance(out, tuple) and len(out) == 2):
                    fail(f"loss_and_grads should return a pair (loss, grads), got {type(out).__name__}.",
                         diagnosis="not-a-pair", exercise=EXERCISE)
                loss, grads = out
                loss = as_float(loss, what="the loss from loss_and_grads", exercise=EXERCISE)
                if step == 0:
                    _check_grads(params, grads)
                if not math.isfinite(loss):
                    stopped = (f"the loss became {loss} at epoch {epoch + 1}, step {step + 1}: "
                               "try a smaller learning rate, or check the loss for log(0)")
                    break
                new = call(update, params, grads, what="update(params, grads)", exercise=EXERCISE)
                if new is not None:
                    if not isinstance(new, dict):
                        fail(f"update should change params in place and return None, or return the new params "
                             f"dict; it returned a {type(new).__name__}.", diagnosis="update-return",
                             exercise=EXERCISE)
                    params = new
                train_seconds += time.perf_counter() - tick
                history.loss.append(loss)
                history.loss_epoch.append(epoch + (i + 1) / n_batches if n_batches else epoch + 1.0)
                epoch_losses.append(loss)
                step += 1
                if bar is not None:
                    postfix["loss"] = f"{np.mean(epoch_losses[-50:]):.4f}"
                    bar.set_postfix(postfix, refresh=False)
                    bar.update(1)
                if evaluate is not None and eval_every and step % eval_every == 0:
                    run_evaluation(epoch + (i + 1) / n_batches if n_batches else step)
            if epoch_losses and stopped is None:
                history.epoch_loss.append(float(np.mean(epoch_losses)))
            if stopped is not None:
                break
            if evaluate is not None and not (eval_every and step % eval_every == 0):
                run_evaluation(float(epoch + 1))
            if bar is not None:
                bar.set_postfix(postfix)
    except KeyboardInterrupt:
        interrupted = True
        stopped = f"interrupted (Ctrl-C) after {step:,} steps"
    finally:
        if bar is not None:
            bar.close()
    if stopped is not None:
        kept = (f"keeping the best parameters (dev {metric} {best_score:.4f} at epoch {best_epoch:g})"
                if best_score is not None else "keeping the last parameters")
        print(f"training stopped: {stopped}; {kept}.")
    result = TrainResult(params=best if evaluate is not None and best_score is not None else copy_params(params),
                         last_params=params, history=history, best_score=best_score, best_epoch=best_epoch,
                         interrupted=interrupted, stopped=stopped, train_seconds=train_seconds,
                         seconds=time.perf_counter() - started)
    return result
