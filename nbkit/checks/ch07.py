"""Checks for notebook 07: update rules in CS231n's ``optim.py`` interface.

Every rule is ``rule(w, dw, config=None) -> (next_w, config)``. A check runs the learner's rule
for a few steps on seeded cases, handing back the config it returned (as CS231n's ``Solver``
does), and compares the weights after every step with the rule's *definition* over the whole
gradient history, not a step function: the velocity is a discounted sum of past gradients,
RMSProp's cache and Adam's moments exponentially weighted sums, AdaGrad's cache a plain sum, and
Nesterov's iterate the look-ahead form's (gradient at theta + mu v). A rule that forgets its
state, resets its cache or advances t late gives another path, which the catalogue names.

Cases: ``(shape, seed, settings)``, settings a dict of config keys (hyperparameters, initial
state). Hidden cells may pass ``published=(w, dw, config, expected_next_w, expected_state)``
(CS231n's published values). ``hidden=True``: cases by number, no values. Schedules:
:mod:`nbkit.checks.ch07_schedules`.
"""
from __future__ import annotations

import copy
from typing import Callable, Optional, Sequence

import numpy as np

from nbkit.checks.kit import Exercise, Mistake, close

__all__ = ["check_sgd", "check_sgd_momentum", "check_nesterov_momentum", "check_adagrad",
           "check_rmsprop", "check_adam"]

STEPS = 4  # steps per case: enough for state carried (or not) between calls to show

DEFAULTS = {  # CS231n's defaults (config.setdefault), stated in the notebook's docstrings
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
STATE = {"sgd_momentum": ("velocity",), "nesterov_momentum": ("velocity",), "adagrad": ("cache",),
         "rmsprop": ("cache",), "adam": ("m", "v", "t")}


# ------------------------------------------------------------------ running the learner's rule

def _gradients(shape, seed, steps=STEPS):
    """(steps, *shape) gradients of mixed signs and sizes; the rules under test never see them all."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((steps,) + tuple(shape)) * rng.uniform(0.3, 3.0, (steps,) + tuple(shape))


def _case(shape, seed, settings, name):
    rng = np.random.default_rng(seed + 1000)
    w0 = rng.standard_normal(tuple(shape))
    config = {**DEFAULTS[name], **copy.deepcopy(settings)}
    return w0, _gradients(shape, seed), config


def _call_rule(ex, rule, w, dw, config, what):
    """One call ``rule(w, dw, config)``, its result validated: a pair (next_w shaped like w, a dict)."""
    out = ex.call(rule, w.copy(), dw.copy(), config, what=what)
    next_w, new_config = ex.returned(out, 2, what=what, names="(next_w, config)")
    next_w = ex.array(next_w, what=f"next_w of {what}", shape=w.shape)
    if not isinstance(new_config, dict):
        ex.fail(f"{what} returned {type(new_config).__name__} as its config: return the config dict "
                "itself (with the rule's state in it), so that the next call continues from it.",
                "config-not-returned")
    return next_w, new_config


def trajectory(ex, rule, w0, grads, config, what, grad_fn: Optional[Callable] = None):
    """Weights after each step (K, *shape) and the last config; ``grad_fn(w)``, if given, is the gradient."""
    w, config, path = w0.copy(), copy.deepcopy(config), []
    for k in range(len(grads)):
        dw = grad_fn(w) if grad_fn is not None else grads[k]
        w, config = _call_rule(ex, rule, w, dw, config, f"{what}, step {k + 1}")
        path.append(w.copy())
    return np.array(path), config


def _simulate(step, w0, grads, config, grad_fn=None):
    """Trajectory of a (wrong) step ``step(w, g, state, config) -> next w`` for the catalogue."""
    w, state, path = w0.copy(), {}, []
    for k in range(len(grads)):
        w = step(w, grad_fn(w) if grad_fn is not None else grads[k], state, config)
        path.append(w.copy())
    return np.array(path)


def _ewma(init, values, decay):
    """decay^k init + (1 - decay) sum_j decay^(k-1-j) values_j, for k = 1..K: (K, *shape)."""
    weights = decay ** np.arange(len(values))   # weights[:k][::-1] pairs decay^(k-1-j) with values_j
    return np.array([decay ** k * init + (1 - decay) * np.tensordot(weights[:k][::-1], values[:k], axes=1)
                     for k in range(1, len(values) + 1)])


def _first_step(mistakes):
    """The catalogue judged on the first step alone (a slip of one step shows there already)."""
    return [Mistake(m.tag, (lambda *a, f=m.wrong: f(*a)[0]), m.why) for m in mistakes]


def _judge(ex, path, want, case, mistakes, args, otherwise):
    """Step 1 first (its message is short), then the whole trajectory (state carried between calls)."""
    ex.judge(path[0], want[0], name="next_w after the first step", case=case, mistakes=_first_step(mistakes),
             args=args, shapes=False, otherwise=otherwise)
    ex.judge(path, want, name=f"the path of weights over {len(want)} steps (each call given the config the "
             "previous call returned)", case=case, mistakes=mistakes, args=args, shapes=False,
             otherwise=otherwise + " Keep the rule's state in config so that the next call continues from it.")


def _defaults_and_rest(ex, rule, name, shape=(2, 3)):
    """config=None gets CS231n's defaults; a zero gradient from rest leaves w unchanged."""
    w = np.random.default_rng(7).standard_normal(shape)
    next_w, config = _call_rule(ex, rule, w, np.zeros(shape), None, f"{name}(w, zero dw, config=None)")
    for key, value in DEFAULTS[name].items():
        if key not in config:
            ex.fail(f"with config=None, {name} should fill in config['{key}'] (config.setdefault('{key}', "
                    f"{value:g}), as CS231n does); the returned config has no '{key}'.", "missing-default")
        if not close(config[key], value):
            ex.fail(f"with config=None, config['{key}'] should default to {value:g}, not {config[key]!r}.",
                    "missing-default")
    for key in STATE.get(name, ()):
        if key not in config:
            ex.fail(f"{name} should keep its state in config['{key}'] (CS231n's key), created on the first "
                    "call; the returned config has no such key, so the next call cannot continue from it.",
                    "config-not-updated")
    if np.all(np.isfinite(next_w)) and not close(next_w, w):   # NaN: left to the steps, which name it
        ex.fail(f"a zero gradient from rest (no velocity, empty caches) must leave w unchanged, but {name} "
                "moved it. Nothing pushes the weights when dw = 0.", "moved-at-rest")


def _state(ex, config, want: dict, case):
    """The state keys after the steps hold what the definition says (CS231n's names)."""
    for key, value in want.items():
        if key not in config:
            ex.fail(f"after the steps of {case}, config has no '{key}': store the state under CS231n's key "
                    f"config['{key}'] so that the next call (and the grader) finds it.", "config-not-updated")
        if not close(config[key], value, tol=1e-5):
            ex.fail(f"config['{key}'] after the steps of {case} is wrong" + ex.show(
                f" (you have {np.asarray(config[key])!r:.200}; the definition gives {np.asarray(value)!r:.200})")
                + f". Store the updated {key} in config['{key}'] on every call.", "config-not-updated")


def _published(ex, rule, published, name, case, otherwise):
    """One call with published inputs and outputs (e.g. CS231n's FullyConnectedNets values)."""
    w, dw, config, expected_w, expected_state = published
    next_w, new_config = _call_rule(ex, rule, np.asarray(w, float), np.asarray(dw, float), copy.deepcopy(config),
                                    f"{name} on {case}")
    ex.judge(next_w, np.asarray(expected_w), name="next_w", case=case, tol=1e-6, shapes=False, otherwise=otherwise)
    _state(ex, new_config, expected_state, case)


def _check_rule(name, rule, cases, hidden, published, oracle, mistakes, otherwise, grad_fn_of=None):
    """The shared frame of every rule check; ``oracle(w0, grads, config) -> (path, state)``."""
    ex = Exercise(name, hidden=hidden)
    if not callable(rule):
        ex.fail(f"pass your function itself, check_{name}({name}), not {rule!r}.", "not-a-function")
    _defaults_and_rest(ex, rule, name)
    for i, (shape, seed, settings) in enumerate(cases):
        w0, grads, config = _case(shape, seed, settings, name)
        grad_fn = grad_fn_of(w0.shape, seed) if grad_fn_of else None
        case = ex.case(i, ", ".join(f"{k}={v:g}" for k, v in settings.items() if np.isscalar(v)) or "defaults")
        path, final = trajectory(ex, rule, w0, grads, config, f"{name}" + ex.show(f" on {case}"), grad_fn)
        want, state = oracle(w0, grads, config, grad_fn)
        _judge(ex, path, want, case, mistakes, (w0, grads, config, grad_fn), otherwise)
        _state(ex, final, state, case)
    if published is not None:
        _published(ex, rule, published, name, ex.case(len(cases), "CS231n's published case"), otherwise)
    extra = " and the published values" if published is not None else ""
    ex.passed(f"defaults, rest, and {STEPS} steps with the config carried agree with the definition on "
              f"{ex.count(len(cases))}{extra}.")
    return ex


# ------------------------------------------------------------------------------------- SGD

def _sgd_oracle(w0, G, c, _):
    return w0 - c["learning_rate"] * np.cumsum(G, axis=0), {}


SGD_MISTAKES = [
    Mistake("sign-flipped", lambda w0, G, c, _: w0 + c["learning_rate"] * np.cumsum(G, axis=0),
            "The weights moved up the gradient: a descent step subtracts, next_w = w - learning_rate * dw."),
    Mistake("ignored-lr", lambda w0, G, c, _: w0 - np.cumsum(G, axis=0),
            "The weights moved by the whole gradient: multiply dw by config['learning_rate']."),
    Mistake("overwrote-config", lambda w0, G, c, _: w0 - 1e-2 * np.cumsum(G, axis=0),
            "The step used 0.01 although config['learning_rate'] was set: use config.setdefault("
            "'learning_rate', 1e-2), which keeps a value the caller gave, not config['learning_rate'] = 1e-2."),
]


def check_sgd(sgd, cases: Optional[Sequence] = None, hidden: bool = False, published=None) -> None:
    """``sgd(w, dw, config)``: next_w = w - learning_rate * dw."""
    _check_rule("sgd", sgd, cases or [((2, 3), 0, {"learning_rate": 0.1}), ((4,), 1, {"learning_rate": 0.5})],
                hidden, published, _sgd_oracle, SGD_MISTAKES, "next_w = w - learning_rate * dw.")


# ---------------------------------------------------------------------------- momentum

def _velocities(G, c, v0):
    """v_k = mu^k v0 - lr sum_j mu^(k-1-j) g_j (CS231n's convention), k = 1..K."""
    mu, lr = c["momentum"], c["learning_rate"]
    return np.array([mu ** k * v0 - lr * sum(mu ** (k - 1 - j) * G[j] for j in range(k))
                     for k in range(1, len(G) + 1)])


def _momentum_oracle(w0, G, c, _):
    v = _velocities(G, c, c.get("velocity", np.zeros_like(w0)))
    return w0 + np.cumsum(v, axis=0), {"velocity": v[-1]}


def _momentum_step(carry=True, averaged=False, sign=1.0, plain_after=False):
    def step(w, g, state, c):
        v = state.get("v", c.get("velocity", np.zeros_like(w))) if carry else c.get("velocity", np.zeros_like(w))
        mu, lr = c["momentum"], c["learning_rate"]
        v = mu * v + (1 - mu) * g if averaged else mu * v - sign * lr * g
        state["v"] = v
        return w - lr * v if averaged else w + v
    return step


MOMENTUM_MISTAKES = [
    Mistake("velocity-not-carried", lambda w0, G, c, f: _simulate(_momentum_step(carry=False), w0, G, c),
            "Every call started from the velocity it was given, as if the previous step never happened: store the "
            "new velocity, config['velocity'] = v, so that the next call continues from it."),
    Mistake("sign-flipped", lambda w0, G, c, f: _simulate(_momentum_step(sign=-1.0), w0, G, c),
            "The velocity gathers +learning_rate * dw: in CS231n's convention v = momentum * v - learning_rate * dw, "
            "then w + v."),
    Mistake("averaged-convention", lambda w0, G, c, f: _simulate(_momentum_step(averaged=True), w0, G, c),
            "This is the averaged convention v = beta v + (1 - beta) dw, w -= lr v. The exercise asks for CS231n's: "
            "v = momentum * v - learning_rate * dw; next_w = w + v."),
]


def check_sgd_momentum(sgd_momentum, cases: Optional[Sequence] = None, hidden: bool = False,
                       published=None) -> None:
    """``sgd_momentum(w, dw, config)``: v = mu v - lr dw; next_w = w + v; config['velocity'] = v."""
    _check_rule("sgd_momentum", sgd_momentum, cases or [
        ((2, 3), 2, {"learning_rate": 0.1, "momentum": 0.9}),
        ((4,), 3, {"learning_rate": 0.05, "momentum": 0.5, "velocity": np.array([0.3, -0.2, 0.1, 0.0])})],
        hidden, published, _momentum_oracle, MOMENTUM_MISTAKES,
        "v = momentum * v - learning_rate * dw; next_w = w + v.")


# ---------------------------------------------------------------------------- Nesterov

def _quadratic_grad(shape, seed):
    """dw = a * (w - b): a separable quadratic, so that the gradient depends on where it is taken."""
    rng = np.random.default_rng(seed + 500)
    a, b = rng.uniform(0.5, 4.0, shape), rng.standard_normal(shape)
    return lambda w: a * (w - b)


def _nesterov_oracle(w0, G, c, grad_fn):
    """The look-ahead form: theta' = theta + mu v - lr grad(theta + mu v) ... returned as the look-ahead
    points phi = theta + mu v, which is the variable CS231n's form stores in w."""
    mu, lr = c["momentum"], c["learning_rate"]
    v = c.get("velocity", np.zeros_like(w0)).astype(float)
    theta, path = w0 - mu * v, []   # the start w0 is the look-ahead point of theta0
    for _ in range(len(G)):
        v = mu * v - lr * grad_fn(theta + mu * v)
        theta = theta + v
        path.append(theta + mu * v)
    return np.array(path), {"velocity": v}


def _nesterov_step(kind):
    def step(w, g, state, c):
        mu, lr = c["momentum"], c["learning_rate"]
        v_prev = state.get("v", c.get("velocity", np.zeros_like(w))) if kind != "fresh" else c.get(
            "velocity", np.zeros_like(w))
        v = mu * v_prev - lr * g
        state["v"] = v
        if kind == "plain":
            return w + v
        if kind == "one-minus":
            return w - mu * v_prev + (1 - mu) * v
        return w - mu * v_prev + (1 + mu) * v
    return step


NESTEROV_MISTAKES = [
    Mistake("nesterov-is-momentum", lambda w0, G, c, f: _simulate(_nesterov_step("plain"), w0, G, c, f),
            "This is plain momentum (w + v). Nesterov's step in CS231n's form is "
            "next_w = w - momentum * v_prev + (1 + momentum) * v, with v_prev the velocity before this step."),
    Mistake("velocity-not-carried", lambda w0, G, c, f: _simulate(_nesterov_step("fresh"), w0, G, c, f),
            "Every call started from the velocity it was given: store the new velocity in config['velocity']."),
    Mistake("wrong-look-ahead", lambda w0, G, c, f: _simulate(_nesterov_step("one-minus"), w0, G, c, f),
            "The new velocity enters with (1 - momentum); the look-ahead form gives (1 + momentum): "
            "next_w = w - momentum * v_prev + (1 + momentum) * v."),
]


def check_nesterov_momentum(nesterov_momentum, cases: Optional[Sequence] = None, hidden: bool = False,
                            published=None) -> None:
    """``nesterov_momentum(w, dw, config)`` (CS231n 2016): v_prev = v; v = mu v - lr dw;
    next_w = w - mu v_prev + (1 + mu) v. Compared with the look-ahead form on a quadratic."""
    _check_rule("nesterov_momentum", nesterov_momentum, cases or [
        ((2, 3), 4, {"learning_rate": 0.1, "momentum": 0.9}),
        ((3,), 5, {"learning_rate": 0.2, "momentum": 0.6, "velocity": np.array([0.5, -0.4, 0.2])})],
        hidden, published, _nesterov_oracle, NESTEROV_MISTAKES,
        "v_prev = v; v = momentum * v - learning_rate * dw; next_w = w - momentum * v_prev + (1 + momentum) * v.",
        grad_fn_of=_quadratic_grad)


# ---------------------------------------------------------------------- AdaGrad, RMSProp

def _scaled_steps(w0, G, caches, c):
    """w_k = w_(k-1) - lr g_(k-1) / (sqrt(cache_k) + eps), epsilon outside the root."""
    return w0 - np.cumsum(c["learning_rate"] * G / (np.sqrt(caches) + c["epsilon"]), axis=0)


def _adagrad_oracle(w0, G, c, _):
    caches = c.get("cache", np.zeros_like(w0)) + np.cumsum(G ** 2, axis=0)
    return _scaled_steps(w0, G, caches, c), {"cache": caches[-1]}


def _adaptive(cache_rule, eps_inside=False):
    def step(w, g, state, c):
        cache = cache_rule(state.get("cache", c.get("cache", np.zeros_like(w))), g, c)
        state["cache"] = cache
        root = np.sqrt(cache + c["epsilon"]) if eps_inside else np.sqrt(cache) + c["epsilon"]
        return w - c["learning_rate"] * g / root
    return step


EPS_INSIDE = ("epsilon went inside the square root, sqrt(cache + epsilon); this rule (as CS231n writes it) "
              "adds it outside: dw / (sqrt(cache) + epsilon). The two differ when cache is small next to epsilon.")

ADAGRAD_MISTAKES = [
    Mistake("cache-reset", lambda w0, G, c, f: _simulate(_adaptive(lambda cache, g, c: g ** 2), w0, G, c),
            "The cache was restarted from dw**2 on every call, so each step is about learning_rate * sign(dw). "
            "AdaGrad's cache is the running sum of every squared gradient so far: cache += dw**2, kept in config."),
    Mistake("eps-inside-sqrt", lambda w0, G, c, f: _simulate(_adaptive(lambda cache, g, c: cache + g ** 2, True),
                                                             w0, G, c), "The " + EPS_INSIDE),
    Mistake("forgot-sqrt", lambda w0, G, c, f: _simulate(
        lambda w, g, s, c: (s.__setitem__("cache", s.get("cache", c.get("cache", 0 * w)) + g ** 2),
                            w - c["learning_rate"] * g / (s["cache"] + c["epsilon"]))[1], w0, G, c),
        "The step divides by the cache itself: divide by its square root, dw / (sqrt(cache) + epsilon)."),
]


def check_adagrad(adagrad, cases: Optional[Sequence] = None, hidden: bool = False, published=None) -> None:
    """``adagrad(w, dw, config)``: cache += dw**2; next_w = w - lr dw / (sqrt(cache) + eps)."""
    _check_rule("adagrad", adagrad, cases or [((2, 3), 6, {"learning_rate": 0.1}),
                                              ((4,), 7, {"learning_rate": 0.5, "epsilon": 0.3})],
                hidden, published, _adagrad_oracle, ADAGRAD_MISTAKES,
                "cache += dw**2; next_w = w - learning_rate * dw / (sqrt(cache) + epsilon).")


def _rmsprop_oracle(w0, G, c, _):
    caches = _ewma(c.get("cache", np.zeros_like(w0)), G ** 2, c["decay_rate"])
    return _scaled_steps(w0, G, caches, c), {"cache": caches[-1]}


RMSPROP_MISTAKES = [
    Mistake("decay-on-gradient", lambda w0, G, c, f: _simulate(
        _adaptive(lambda cache, g, c: cache + (1 - c["decay_rate"]) * g ** 2), w0, G, c),
        "The decay was applied to the new squared gradient but not to the cache: the cache only grows. "
        "cache = decay_rate * cache + (1 - decay_rate) * dw**2 shrinks the old cache too."),
    Mistake("decay-swapped", lambda w0, G, c, f: _simulate(
        _adaptive(lambda cache, g, c: (1 - c["decay_rate"]) * cache + c["decay_rate"] * g ** 2), w0, G, c),
        "decay_rate and 1 - decay_rate are swapped: the cache keeps decay_rate of itself, "
        "cache = decay_rate * cache + (1 - decay_rate) * dw**2."),
    Mistake("eps-inside-sqrt", lambda w0, G, c, f: _simulate(_adaptive(
        lambda cache, g, c: c["decay_rate"] * cache + (1 - c["decay_rate"]) * g ** 2, True), w0, G, c),
        "The " + EPS_INSIDE),
    Mistake("cache-reset", lambda w0, G, c, f: _simulate(
        _adaptive(lambda cache, g, c: (1 - c["decay_rate"]) * g ** 2), w0, G, c),
        "The cache restarted from zero on every call: keep it in config['cache'] and decay it there."),
]


def check_rmsprop(rmsprop, cases: Optional[Sequence] = None, hidden: bool = False, published=None) -> None:
    """``rmsprop(w, dw, config)``: cache = rho cache + (1 - rho) dw**2; next_w = w - lr dw / (sqrt(cache) + eps)."""
    _check_rule("rmsprop", rmsprop, cases or [
        ((2, 3), 8, {"learning_rate": 0.1, "decay_rate": 0.9}),
        ((4,), 9, {"learning_rate": 0.2, "decay_rate": 0.5, "epsilon": 0.3, "cache": np.full(4, 0.25)})],
        hidden, published, _rmsprop_oracle, RMSPROP_MISTAKES,
        "cache = decay_rate * cache + (1 - decay_rate) * dw**2; next_w = w - learning_rate * dw / (sqrt(cache) + epsilon).")


# -------------------------------------------------------------------------------- Adam

def _adam_oracle(w0, G, c, _, t_shift=0, correct=True, eps_inside=False):
    with np.errstate(divide="ignore", invalid="ignore"):    # t = 0 (advanced late) divides by 1 - beta**0 = 0
        return _adam_path(w0, G, c, t_shift, correct, eps_inside)


def _adam_path(w0, G, c, t_shift, correct, eps_inside):
    b1, b2, lr, eps = c["beta1"], c["beta2"], c["learning_rate"], c["epsilon"]
    m = _ewma(c.get("m", np.zeros_like(w0)), G, b1)
    v = _ewma(c.get("v", np.zeros_like(w0)), G ** 2, b2)
    t = c.get("t", 0) + np.arange(1, len(G) + 1) + t_shift      # t advanced before use: 1, 2, ...
    shape = (-1,) + (1,) * w0.ndim
    mh = m / (1 - b1 ** t).reshape(shape) if correct in (True, "m") else m
    vh = v / (1 - b2 ** t).reshape(shape) if correct in (True, "v") else v
    root = np.sqrt(vh + eps) if eps_inside else np.sqrt(vh) + eps
    return w0 - np.cumsum(lr * mh / root, axis=0), {"m": m[-1], "v": v[-1], "t": t[-1] - t_shift}


ADAM_MISTAKES = [
    Mistake("no-bias-correction", lambda w0, G, c, f: _adam_oracle(w0, G, c, f, correct=False)[0],
            "There is no bias correction: m and v start at 0, so early on they are far too small "
            "(m is (1 - beta1) dw after one step). Divide by (1 - beta1**t) and (1 - beta2**t)."),
    Mistake("no-bias-correction", lambda w0, G, c, f: _adam_oracle(w0, G, c, f, correct="v")[0],
            "m is not bias-corrected (v is): after one step m = (1 - beta1) dw, a tenth of the gradient, so the "
            "first steps are far too small. Divide m by (1 - beta1**t) as you divide v by (1 - beta2**t)."),
    Mistake("no-bias-correction", lambda w0, G, c, f: _adam_oracle(w0, G, c, f, correct="m")[0],
            "v is not bias-corrected (m is): after one step v = (1 - beta2) dw**2, so sqrt(v) is far too small "
            "and the first steps far too large. Divide v by (1 - beta2**t) as you divide m by (1 - beta1**t)."),
    Mistake("t-after-use", lambda w0, G, c, f: _adam_oracle(w0, G, c, f, t_shift=-1)[0],
            "t was advanced after it was used: the correction of step 1 used t = 0. Advance first, "
            "config['t'] += 1, then divide by (1 - beta1**t) and (1 - beta2**t)."),
    Mistake("eps-inside-sqrt", lambda w0, G, c, f: _adam_oracle(w0, G, c, f, eps_inside=True)[0],
            "epsilon went inside the square root, sqrt(v_hat + epsilon); Adam adds it outside: "
            "m_hat / (sqrt(v_hat) + epsilon)."),
    Mistake("state-not-carried", lambda w0, G, c, f: _adam_fresh_path(w0, G, c),
            "Every call started from the m, v and t it was given: store them back, config['m'] = m, "
            "config['v'] = v, config['t'] = t."),
]


def _adam_fresh_path(w0, G, c):
    """Weights when each call restarts from the given m, v and t (state never stored)."""
    path = [w0]
    for k in range(len(G)):
        path.append(_adam_oracle(path[-1], G[k:k + 1], c, None)[0][0])
    return np.array(path[1:])


def check_adam(adam, cases: Optional[Sequence] = None, hidden: bool = False, published=None) -> None:
    """``adam(w, dw, config)``: t += 1; m, v moving averages; bias-corrected step. Also: the first
    step from zero moments moves every coordinate by about learning_rate (bias correction)."""
    ex = _check_rule("adam", adam, cases or [
        ((2, 3), 10, {"learning_rate": 0.1}),
        ((4,), 11, {"learning_rate": 0.05, "beta1": 0.5, "beta2": 0.8, "epsilon": 0.2, "t": 3,
                    "m": np.array([0.2, -0.1, 0.0, 0.3]), "v": np.array([0.5, 0.1, 0.2, 0.4])})],
        hidden, published, _adam_oracle, ADAM_MISTAKES,
        "t += 1; m = beta1 m + (1 - beta1) dw; v = beta2 v + (1 - beta2) dw**2; "
        "next_w = w - lr (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + epsilon).")
    w, dw = np.zeros(5), np.array([3.0, -0.02, 40.0, -1.0, 0.5])
    next_w, _ = _call_rule(ex, adam, w, dw, {"learning_rate": 0.01}, "adam's first step from zero moments")
    if not close(np.abs(next_w - w), np.full(5, 0.01), tol=1e-4):
        ex.fail("Adam's first step from zero moments should move every coordinate by about learning_rate "
                "(m_hat = dw and v_hat = dw**2 after bias correction, so the step is lr * sign(dw)), whatever "
                "the size of dw; yours does not. Check the bias correction and that t is 1 on the first step.",
                "first-step-size")
    ex.passed("its first step moves every coordinate by learning_rate, whatever the gradient's size.")
