"""Checks for notebook 06, sections 4-5 and 7-9: the window classifier's objectives and training.

The softmax cross-entropy and max-margin objectives, the SGD step, one epoch of minibatches
and the gradient check of the whole model. Same conventions as :mod:`nbkit.checks.ch06`,
which re-exports every check here (notebooks call ``ch06.check_sgd_step`` and so on):
oracles are numerical gradients of the definitions in :mod:`nbkit.checks.definitions` and
properties (every example visited once per epoch); classic mistakes are named from a
catalogue; with ``hidden=True`` messages name a case by number and show no values.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from nbkit.checks import definitions
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.gradcheck import numerical_gradient


# ---------------------------------------------------------------------------- 4. softmax loss

def _softmax_grad_unscaled(scores, labels):
    p = definitions.softmax(scores)
    p[np.arange(len(labels)), labels] -= 1.0
    return p


SOFTMAX_MISTAKES = [
    Mistake("scaled-by-batch", lambda s, y: _softmax_grad_unscaled(s, y),
            "dscores is N times too large: the loss is the *mean* over the N windows, so each "
            "window's gradient p - onehot(y) is divided by N."),
    Mistake("forgot-minus-one", lambda s, y: definitions.softmax(s) / len(y),
            "dscores is p / N: the 1 of the true class is missing. The gradient of "
            "-log p_y is p - onehot(y)."),
    Mistake("sign-flipped", lambda s, y: -_softmax_grad_unscaled(s, y) / len(y),
            "dscores has the opposite sign: it is (p - onehot(y)) / N, so the true class's score "
            "gets a negative gradient (raising it lowers the loss)."),
]


def check_softmax_loss(softmax_loss, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``softmax_loss(scores, labels)`` -> (mean cross-entropy, dscores (N, C)).

    A case is ``(N, C, seed)``; one case has large scores (overflow without the max shift).
    """
    ex = Exercise("softmax_loss", hidden=hidden)
    cases = cases or [(4, 5, 0), (1, 5, 1), (3, 3, 2, 1000.0)]
    for i, case_ in enumerate(cases):
        N, C, seed = case_[:3]
        offset = case_[3] if len(case_) > 3 else 0.0
        rng = np.random.default_rng(seed)
        scores, labels = rng.standard_normal((N, C)) * 2.0 + offset, rng.integers(0, C, N)
        case = ex.case(i, f"N={N}, C={C}" + (f", scores near {offset:g}" if offset else ""))
        out = ex.call(softmax_loss, scores.copy(), labels.copy(), what="softmax_loss(scores, labels)"
                      + ex.show(f" on {case}"))
        loss, dscores = ex.returned(out, 2, what="softmax_loss(scores, labels)", names="(loss, dscores)")
        loss = ex.scalar(loss, what="the loss")
        want = definitions.cross_entropy(scores, labels)
        if not np.isfinite(loss):
            ex.fail(f"the loss is {loss} ({case}): subtract each row's maximum score before "
                    "np.exp, which changes no probability but keeps e^s finite.", "nan")
        if close(loss, want * N) and N > 1:
            ex.fail(f"the loss is the sum over the batch ({case}); take the mean over the N windows.",
                    "scaled-by-batch")
        ex.judge(loss, want, name="the loss", case=case,
                 otherwise="The loss is the mean over windows of -log softmax(scores)[label].")
        dscores = ex.array(dscores, what="dscores", shape=(N, C))
        ref = numerical_gradient(lambda s: definitions.cross_entropy(s, labels), scores.copy())
        ex.judge(dscores, ref, name="dscores", case=case, mistakes=SOFTMAX_MISTAKES, args=(scores, labels),
                 tol=1e-5, batch_size=N)
    ex.passed(f"mean cross-entropy and its gradient (p - onehot(y)) / N on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 5. max margin

def _margin_grads(s, s_c, always=False, mean=True):
    active = np.ones_like(s) if always else (1.0 - s + s_c > 0).astype(float)
    n = len(s) if mean else 1
    return -active / n, active / n


MARGIN_MISTAKES = [
    Mistake("margin-met-gradient", lambda s, c: _margin_grads(s, c, always=True),
            "The gradient is -1/N and +1/N for every pair, including pairs where the margin is "
            "already met (1 - s + s_c <= 0): there J = 0 is flat, so both gradients are 0. "
            "Multiply by the indicator (1 - s + s_c > 0)."),
    Mistake("scaled-by-batch", lambda s, c: _margin_grads(s, c, mean=False),
            "The gradients are N times too large: J is the mean over the N pairs, so each "
            "pair's gradient is divided by N."),
    Mistake("sign-flipped", lambda s, c: tuple(-g for g in _margin_grads(s, c)),
            "The signs are flipped: J = max(0, 1 - s + s_c) falls when the true window's score s "
            "rises, so dJ/ds is negative (-1/N) where the margin is violated, and dJ/ds_c positive."),
]


def check_max_margin(max_margin, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``max_margin(s, s_c)`` -> (J, ds, ds_c): J = mean(max(0, 1 - s + s_c)), ds and ds_c (N,).

    A case is ``(N, seed)``; every case mixes pairs that meet the margin and pairs that do not.
    """
    ex = Exercise("max_margin", hidden=hidden)
    cases = cases or [(6, 0), (3, 1)]
    for i, (N, seed) in enumerate(cases):
        rng = np.random.default_rng(seed)
        s = rng.uniform(-1.0, 2.0, N)
        s_c = s + np.where(np.arange(N) % 2 == 0, -2.0, 0.5) + rng.uniform(-0.2, 0.2, N)  # met, violated
        case = ex.case(i, f"N={N} pairs")
        out = ex.call(max_margin, s.copy(), s_c.copy(), what="max_margin(s, s_c)" + ex.show(f" on {case}"))
        J, ds, ds_c = ex.returned(out, 3, what="max_margin(s, s_c)", names="(J, ds, ds_c)")
        J = ex.scalar(J, what="J")
        ex.judge(J, definitions.max_margin(s, s_c), name="J", case=case,
                 otherwise="J is the mean over pairs of max(0, 1 - s + s_c).")
        ds, ds_c = ex.array(ds, what="ds", shape=(N,)), ex.array(ds_c, what="ds_c", shape=(N,))
        ref = (numerical_gradient(lambda a: definitions.max_margin(a, s_c), s.copy()),
               numerical_gradient(lambda a: definitions.max_margin(s, a), s_c.copy()))
        ex.judge((ds, ds_c), ref, name="(ds, ds_c)", case=case, mistakes=MARGIN_MISTAKES, args=(s, s_c),
                 otherwise="Where 1 - s + s_c > 0: ds = -1/N, ds_c = +1/N; elsewhere both are 0.")
    ex.passed(f"J and its gradients, zero where the margin is met, on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 7. SGD step

def check_sgd_step(sgd_step, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``sgd_step(params, grads, lr)`` updates every array of ``params`` in place.

    A case is ``(lr, seed)``.
    """
    ex = Exercise("sgd_step", hidden=hidden)
    cases = cases or [(0.1, 0), (0.5, 1)]
    for i, (lr, seed) in enumerate(cases):
        rng = np.random.default_rng(seed)
        params = {"L": rng.standard_normal((5, 3)), "W": rng.standard_normal((4, 15)), "b": rng.standard_normal(4),
                  "U": rng.standard_normal((5, 4)), "c": rng.standard_normal(5)}
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        arrays = dict(params)
        before = {k: v.copy() for k, v in params.items()}
        case = ex.case(i, f"lr={lr:g}")
        ex.call(sgd_step, params, {k: g.copy() for k, g in grads.items()}, lr,
                what="sgd_step(params, grads, lr)" + ex.show(f" with {case}"))
        for k in before:
            want = before[k] - lr * grads[k]
            if params[k] is not arrays[k]:
                if close(params[k], want):
                    ex.fail(f"params['{k}'] was replaced by a new array instead of updated in place; "
                            "whoever holds the old array (an optimizer, the training harness) keeps "
                            f"the old values. Write params['{k}'] -= lr * grads['{k}'].", "rebound")
                arr = params[k]
            else:
                arr = arrays[k]
            if close(arr, before[k]):
                ex.fail(f"params['{k}'] did not change: every parameter takes a step, the embedding "
                        "matrix L included.", "skipped-param")
            if close(arr, before[k] + lr * grads[k]):
                ex.fail(f"params['{k}'] moved up the gradient: a descent step subtracts, "
                        "theta -= lr * grad.", "sign-flipped")
            if close(arr, before[k] - grads[k]) and lr != 1:
                ex.fail(f"params['{k}'] moved by the whole gradient: multiply it by the learning rate lr.",
                        "ignored-lr")
            ex.judge(arr, want, name=f"params['{k}'] after the step", case=case,
                     otherwise="theta <- theta - lr * grad, for every parameter.")
    ex.passed(f"every parameter moves by -lr * grad, in place, on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 8. one epoch

def _epoch_visits(ex: Exercise, seen: list, steps: list, mismatched: list, N: int, B: int, case: str) -> None:
    """Judge what one epoch did: ``seen`` holds each minibatch's window ids in order, ``steps`` how
    many minibatches had been seen at each step, ``mismatched`` the minibatches whose labels were
    not their windows'."""
    flat = [j for batch in seen for j in batch]
    if not seen:
        ex.fail("loss_and_grads was never called: for each minibatch, call loss_and_grads(params, "
                "windows[idx], labels[idx]) and then step(params, grads).", "wrong-values")
    if sorted(flat) != list(range(N)):
        if len(flat) == (N // B) * B and len(set(flat)) == len(flat) and N % B:
            ex.fail(f"the last, smaller batch was dropped ({case}): {'some' if ex.hidden else N - len(flat)} windows were "
                    "never trained on. Loop with range(0, N, batch_size); the last slice is "
                    "simply shorter.", "dropped-last-batch")
        ex.fail(f"an epoch must visit every window exactly once ({case})"
                + ex.show(f"; yours visited {len(flat)} windows, {len(set(flat))} different") + ".", "wrong-values")
    if mismatched:
        ex.fail(f"a minibatch's labels do not belong to its windows ({case}): index windows and "
                "labels with the same indices, windows[idx] and labels[idx].", "wrong-values")
    if any(len(b) > B for b in seen):
        ex.fail(f"a batch had more than batch_size{ex.show(f'={B}')} windows ({case}).", "wrong-values")
    if N > 3 and flat == list(range(N)):
        ex.fail("the windows are visited in the same order every epoch: shuffle them first, "
                "e.g. order = rng.permutation(N), so that batches differ from epoch to epoch "
                "(and a sorted corpus does not feed one type at a time).", "not-shuffled")
    if len(steps) != len(seen):
        ex.fail(ex.show(f"step was called {len(steps)} times for {len(seen)} minibatches ({case}): ")
                + (f"step was not called once per minibatch ({case}): " if ex.hidden else "")
                + "take one step after every minibatch, right after its gradients.", "one-step-per-epoch")
    if steps != list(range(1, len(seen) + 1)):
        ex.fail("each step must come right after its minibatch's gradients.", "one-step-per-epoch")


def check_run_epoch(run_epoch, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``run_epoch(params, windows, labels, loss_and_grads, step, batch_size, rng)`` -> mean loss.

    The check hands in its own ``loss_and_grads`` (recording each batch) and ``step``
    (counting calls). A case is ``(N, batch_size, seed)``.
    """
    ex = Exercise("run_epoch", hidden=hidden)
    cases = cases or [(10, 4, 0), (8, 8, 1)]
    for i, (N, B, seed) in enumerate(cases):
        windows = np.arange(N)[:, None] * np.ones((1, 5), dtype=int)   # window i holds the id i
        labels = np.arange(N) % 5
        losses = np.random.default_rng(seed + 7).uniform(0.5, 2.5, N)    # example i's loss
        params = {"W": np.zeros(2)}
        seen, steps, mismatched = [], [], []

        def loss_and_grads(p, w, y):
            ids = np.asarray(w)[:, 0].astype(int)
            seen.append(ids.tolist())
            if not np.array_equal(np.asarray(y), labels[ids]):
                mismatched.append(len(seen))
            return float(np.mean(losses[ids])), {"W": np.ones(2) * len(ids)}

        def step(p, g):
            steps.append(len(seen))

        case = ex.case(i, f"N={N} windows, batch_size={B}")
        got = ex.call(run_epoch, params, windows, labels, loss_and_grads, step, B, np.random.default_rng(seed),
                      what="run_epoch(params, windows, labels, loss_and_grads, step, batch_size, rng)"
                      + ex.show(f" on {case}"))
        _epoch_visits(ex, seen, steps, mismatched, N, B, case)
        loss = ex.scalar(got, what="the value run_epoch returns")
        want = float(np.mean(losses))
        if not close(loss, want):
            unweighted = float(np.mean([np.mean(losses[b]) for b in seen]))
            if close(loss, unweighted) and N % B:
                ex.fail(f"the mean loss is the plain mean of the batch means ({case}); the last batch is "
                        "smaller, so weight each batch's loss by its size (or sum the per-window "
                        "losses and divide by N).", "unweighted-mean")
            ex.fail(f"run_epoch should return the mean loss over the epoch's windows ({case})"
                    + ex.show(f": {want:.6g}, yours is {loss:.6g}") + ".", "wrong-values")
    ex.passed(f"every window once, shuffled, one step per minibatch, mean loss, on {ex.count(len(cases))}.")


# ---------------------------------------------------------------------------- 9. gradient check

def _toy_loss(params, data):
    """A small differentiable loss of named parameters (not the window model)."""
    z = np.tanh(data @ params["A"] + params["a"])
    return float(definitions.cross_entropy(z @ params["B"], np.arange(len(data)) % params["B"].shape[1])
                 + 0.5 * np.sum(params["E"] ** 2 * np.arange(params["E"].size).reshape(params["E"].shape)))


def _toy_model(seed, planted=None):
    rng = np.random.default_rng(seed)
    params = {"E": rng.standard_normal((4, 2)), "A": rng.standard_normal((3, 4)), "a": rng.standard_normal(4),
              "B": rng.standard_normal((4, 3))}
    data = rng.standard_normal((5, 3))

    grads = {}                          # right gradients at the starting point, once (numerically)
    for name in params:
        def f(v, name=name):
            trial = dict(params)
            trial[name] = v
            return _toy_loss(trial, data)
        grads[name] = numerical_gradient(f, params[name].copy(), h=1e-6)
        if name == planted:
            grads[name] = 2.0 * grads[name]

    def loss_and_grads(p, windows, labels):
        return _toy_loss(p, data), {name: g.copy() for name, g in grads.items()}

    return params, loss_and_grads


def check_gradcheck_model(gradcheck_model, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """``gradcheck_model(loss_and_grads, params, windows, labels)`` -> nbkit.gradcheck report.

    The check hands in small models of its own, one with right gradients and one with a
    planted bug in one parameter; the report must pass the first and name the second.
    A case is ``(seed, planted parameter name)``.
    """
    from nbkit.gradcheck import GradCheckReport

    ex = Exercise("gradcheck_model", hidden=hidden)
    cases = cases or [(0, "A"), (1, "E")]
    windows, labels = np.zeros((5, 5), dtype=int), np.zeros(5, dtype=int)
    for i, (seed, planted) in enumerate(cases):
        case = ex.case(i, f"a model whose gradient of {planted} is doubled")
        for bug in (None, planted):
            params, loss_and_grads = _toy_model(seed, bug)
            report = ex.call(gradcheck_model, loss_and_grads, params, windows, labels,
                             what="gradcheck_model(loss_and_grads, params, windows, labels)")
            if not isinstance(report, GradCheckReport):
                ex.fail("gradcheck_model should return the report of nbkit.gradcheck.check_gradients "
                        f"(a GradCheckReport); it returned {type(report).__name__}.", "wrong-return")
            names = {row.name for row in report.rows}
            if names != set(params):
                ex.fail(f"the report checks {sorted(names)}, but the model has {sorted(params)}: "
                        "check every parameter (the embedding matrix too: its rows of repeated words "
                        "are where backward goes wrong).", "missing")
            if bug is None and not report.ok:
                if all(row.verdict == "wrong" for row in report.rows):
                    ex.fail(f"every parameter looks wrong on a model with right gradients ({case}): the "
                            "loss function you gave check_gradients does not see the nudges, so the "
                            "numerical gradient is 0. It must read the arrays in params themselves "
                            "(not a copy) each time it is called.", "perturbed-a-copy")
                ex.fail(f"your report flags a model whose gradients are right ({case}); the loss "
                        "function must recompute the loss from the current params.", "wrong-values")
            if bug is not None:
                wrong = {row.name for row in report.rows if row.verdict == "wrong"}
                if planted not in wrong:
                    ex.fail(f"your report passes a model with a planted bug ({case}).", "missed-bug")
    ex.passed(f"the report passes right gradients and names the planted bug on {ex.count(len(cases))}.")
