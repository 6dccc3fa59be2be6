"""Notebook 07 checks: classic wrong answers get their diagnosis, correct alternatives pass.

The wrong answers are the syllabus's misconceptions written the way a learner would: state not
written back into config, AdaGrad's cache reset, RMSProp's decay on the gradient, epsilon inside the
root, Adam without bias correction or with t advanced late, schedules per epoch or off by one.
The correct alternatives are other styles: CS231n's in-place ``w -= ...``, CS224n-style loops,
DL-from-scratch's class-based Adam adapted to the interface, a new config dict per call, the
look-ahead form of Nesterov, the averaged momentum convention rescaled. CS231n's published values
(FullyConnectedNets notebook) are reproduced by a correct rule.
"""
import math
import re

import numpy as np
import pytest

from nbkit.checks import ch07, ch07_schedules as chs

HIDDEN = {
    "sgd": [((3, 2), 21, {"learning_rate": 0.3})],
    "sgd_momentum": [((3, 2), 31, {"learning_rate": 0.2, "momentum": 0.8})],
    "nesterov_momentum": [((4,), 42, {"learning_rate": 0.3, "momentum": 0.3})],
    "adagrad": [((5,), 52, {"learning_rate": 0.1, "epsilon": 0.5, "cache": np.full(5, 0.1)})],
    "rmsprop": [((5,), 62, {"learning_rate": 0.1, "decay_rate": 0.95, "epsilon": 0.4})],
    "adam": [((5,), 72, {"learning_rate": 0.1, "epsilon": 0.3, "t": 7, "m": np.full(5, 0.2), "v": np.full(5, 0.3)})],
}


def _defaults(config, **values):
    config = {} if config is None else config
    for key, value in values.items():
        config.setdefault(key, value)
    return config


# ------------------------------------------------------------------- correct rules, several styles

def sgd_inplace(w, dw, config=None):                    # CS231n's style
    config = _defaults(config, learning_rate=1e-2)
    w -= config["learning_rate"] * dw
    return w, config


def momentum_cs231n(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def momentum_loop(w, dw, config=None):                  # CS224n-style explicit loop over entries
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    v = np.array(config.get("velocity", np.zeros_like(w)), dtype=float)
    out = np.array(w, dtype=float)
    for i in np.ndindex(w.shape):
        v[i] = config["momentum"] * v[i] - config["learning_rate"] * dw[i]
        out[i] += v[i]
    config["velocity"] = v
    return out, config


def nesterov_cs231n(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    mu, v_prev = config["momentum"], config.get("velocity", np.zeros_like(w))
    v = mu * v_prev - config["learning_rate"] * dw
    config["velocity"] = v
    return w - mu * v_prev + (1 + mu) * v, config


def nesterov_expanded(w, dw, config=None):              # w + mu^2 v_prev - (1 + mu) lr dw, expanded
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    mu, v_prev = config["momentum"], config.get("velocity", np.zeros_like(w))
    config["velocity"] = mu * v_prev - config["learning_rate"] * dw
    return w + mu * mu * v_prev - (1 + mu) * config["learning_rate"] * dw, config


def adagrad_cs231n(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, epsilon=1e-8)
    config["cache"] = config.get("cache", np.zeros_like(w)) + dw * dw
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def rmsprop_cs231n(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, decay_rate=0.99, epsilon=1e-8)
    cache = config.get("cache", np.zeros_like(w))
    config["cache"] = config["decay_rate"] * cache + (1 - config["decay_rate"]) * dw ** 2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def rmsprop_new_dict(w, dw, config=None):               # functional: a fresh dict every call
    c = {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8, "cache": np.zeros_like(w), **(config or {})}
    c["cache"] = c["cache"] + (1 - c["decay_rate"]) * (dw ** 2 - c["cache"])
    return w - c["learning_rate"] * dw / (np.sqrt(c["cache"]) + c["epsilon"]), c


def adam_cs231n(w, dw, config=None, late_t=False, correct=True, eps_inside=False, store=True):
    config = _defaults(config, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8)
    b1, b2 = config["beta1"], config["beta2"]
    t = config.get("t", 0) + (0 if late_t else 1)
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        mh, vh = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if correct else (m, v)
        root = np.sqrt(vh + config["epsilon"]) if eps_inside else np.sqrt(vh) + config["epsilon"]
        next_w = w - config["learning_rate"] * mh / root
    if store:
        config["m"], config["v"], config["t"] = m, v, t + (1 if late_t else 0)
    else:
        config.setdefault("m", np.zeros_like(w)), config.setdefault("v", np.zeros_like(w)), config.setdefault("t", 0)
    return next_w, config


class AdamFromScratch:                                   # DL-from-scratch's class, one parameter
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2, self.iter, self.m, self.v = lr, beta1, beta2, 0, None, None

    def update(self, w, grad, eps):
        if self.m is None:
            self.m, self.v = np.zeros_like(w), np.zeros_like(w)
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        self.m += (1 - self.beta1) * (grad - self.m)
        self.v += (1 - self.beta2) * (grad ** 2 - self.v)
        return w - lr_t * self.m / (np.sqrt(self.v) + eps * np.sqrt(1.0 - self.beta2 ** self.iter))


def adam_from_scratch(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, t=0)
    opt = AdamFromScratch(config["learning_rate"], config["beta1"], config["beta2"])
    opt.m, opt.v, opt.iter = (np.array(config.get("m", np.zeros_like(w)), dtype=float),
                              np.array(config.get("v", np.zeros_like(w)), dtype=float), config["t"])
    next_w = opt.update(w, dw, config["epsilon"])
    config["m"], config["v"], config["t"] = opt.m, opt.v, opt.iter
    return next_w, config


# ------------------------------------------------------------------------------------ wrong rules

def sgd_up(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2)
    return w + config["learning_rate"] * dw, config


def sgd_overwrites(w, dw, config=None):
    config = {} if config is None else config
    config["learning_rate"] = 1e-2
    return w - config["learning_rate"] * dw, config


def sgd_no_config(w, dw, config=None):
    return w - 1e-2 * dw


def momentum_fresh(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    v = config["momentum"] * np.zeros_like(w) - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def momentum_not_stored(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) - config["learning_rate"] * dw
    return w + v, config


def momentum_averaged(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) + (1 - config["momentum"]) * dw
    config["velocity"] = v
    return w - config["learning_rate"] * v, config


def nesterov_plain(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    v = config["momentum"] * config.get("velocity", np.zeros_like(w)) - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def nesterov_one_minus(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, momentum=0.9)
    mu, v_prev = config["momentum"], config.get("velocity", np.zeros_like(w))
    v = mu * v_prev - config["learning_rate"] * dw
    config["velocity"] = v
    return w - mu * v_prev + (1 - mu) * v, config


def adagrad_reset(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, epsilon=1e-8)
    config["cache"] = dw ** 2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def adagrad_eps_inside(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, epsilon=1e-8)
    config["cache"] = config.get("cache", np.zeros_like(w)) + dw ** 2
    return w - config["learning_rate"] * dw / np.sqrt(config["cache"] + config["epsilon"]), config


def adagrad_no_sqrt(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, epsilon=1e-8)
    config["cache"] = config.get("cache", np.zeros_like(w)) + dw ** 2
    return w - config["learning_rate"] * dw / (config["cache"] + config["epsilon"]), config


def rmsprop_decay_on_gradient(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, decay_rate=0.99, epsilon=1e-8)
    config["cache"] = config.get("cache", np.zeros_like(w)) + (1 - config["decay_rate"]) * dw ** 2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def rmsprop_swapped(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, decay_rate=0.99, epsilon=1e-8)
    rho = config["decay_rate"]
    config["cache"] = (1 - rho) * config.get("cache", np.zeros_like(w)) + rho * dw ** 2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def rmsprop_eps_inside(w, dw, config=None):
    config = _defaults(config, learning_rate=1e-2, decay_rate=0.99, epsilon=1e-8)
    rho = config["decay_rate"]
    config["cache"] = rho * config.get("cache", np.zeros_like(w)) + (1 - rho) * dw ** 2
    return w - config["learning_rate"] * dw / np.sqrt(config["cache"] + config["epsilon"]), config


# ------------------------------------------------------------------------------------- the tests

CHECKS = {"sgd": ch07.check_sgd, "sgd_momentum": ch07.check_sgd_momentum,
          "nesterov_momentum": ch07.check_nesterov_momentum, "adagrad": ch07.check_adagrad,
          "rmsprop": ch07.check_rmsprop, "adam": ch07.check_adam}


@pytest.mark.parametrize("name, answer", [
    ("sgd", sgd_inplace), ("sgd_momentum", momentum_cs231n), ("sgd_momentum", momentum_loop),
    ("nesterov_momentum", nesterov_cs231n), ("nesterov_momentum", nesterov_expanded),
    ("adagrad", adagrad_cs231n), ("rmsprop", rmsprop_cs231n), ("rmsprop", rmsprop_new_dict),
    ("adam", adam_cs231n), ("adam", adam_from_scratch)])
def test_correct_rules_in_other_styles_pass(name, answer, accepts):
    accepts(CHECKS[name], answer)
    accepts(CHECKS[name], answer, cases=HIDDEN[name], hidden=True)


@pytest.mark.parametrize("name, answer, diagnosis, says", [
    ("sgd", sgd_up, "sign-flipped", ("subtracts",)),
    ("sgd", sgd_overwrites, "overwrote-config", ("setdefault",)),
    ("sgd", sgd_no_config, "wrong-count", ("(next_w, config)",)),
    ("sgd_momentum", momentum_fresh, "velocity-not-carried", ("config['velocity']",)),
    ("sgd_momentum", momentum_not_stored, "config-not-updated", ("velocity",)),
    ("sgd_momentum", momentum_averaged, "averaged-convention", ("averaged convention",)),
    ("nesterov_momentum", nesterov_plain, "nesterov-is-momentum", ("plain momentum",)),
    ("nesterov_momentum", nesterov_one_minus, "wrong-look-ahead", ("1 + momentum",)),
    ("adagrad", adagrad_reset, "cache-reset", ("running sum",)),
    ("adagrad", adagrad_eps_inside, "eps-inside-sqrt", ("outside",)),
    ("adagrad", adagrad_no_sqrt, "forgot-sqrt", ("square root",)),
    ("rmsprop", rmsprop_decay_on_gradient, "decay-on-gradient", ("only grows",)),
    ("rmsprop", rmsprop_swapped, "decay-swapped", ("swapped",)),
    ("rmsprop", rmsprop_eps_inside, "eps-inside-sqrt", ("outside",)),
    ("adam", lambda w, dw, c=None: adam_cs231n(w, dw, c, correct=False), "no-bias-correction", ("1 - beta1**t",)),
    ("adam", lambda w, dw, c=None: adam_cs231n(w, dw, c, late_t=True), "t-after-use", ("advance first",)),
    ("adam", lambda w, dw, c=None: adam_cs231n(w, dw, c, eps_inside=True), "eps-inside-sqrt", ("outside",)),
    ("adam", lambda w, dw, c=None: adam_cs231n(w, dw, c, store=False), "state-not-carried", ("config['m']",)),
])
def test_classic_wrong_rules_are_named(name, answer, diagnosis, says, rejects):
    rejects(CHECKS[name], answer, diagnosis=diagnosis, says=says)


@pytest.mark.parametrize("name, answer, diagnosis", [
    ("sgd_momentum", momentum_fresh, "velocity-not-carried"),
    ("adagrad", adagrad_eps_inside, "eps-inside-sqrt"),
    ("rmsprop", rmsprop_decay_on_gradient, "decay-on-gradient"),
    ("adam", lambda w, dw, c=None: adam_cs231n(w, dw, c, late_t=True), "t-after-use"),
])
def test_hidden_cases_name_the_mistake_but_show_no_values(name, answer, diagnosis, rejects):
    err = rejects(CHECKS[name], answer, cases=HIDDEN[name], hidden=True, diagnosis=diagnosis,
                  says=("hidden case 1",))
    assert not re.search(r"\d\.\d", err.message), err.message      # no decimal number at all
    assert "You have" not in err.message


def test_a_rule_that_moves_at_rest_is_caught(rejects):
    def drifting(w, dw, config=None):
        config = _defaults(config, learning_rate=1e-2)
        return w - config["learning_rate"] * (dw + 1.0), config
    rejects(ch07.check_sgd, drifting, diagnosis="moved-at-rest", says=("zero gradient",))


def test_missing_defaults_are_named(rejects):
    def no_defaults(w, dw, config=None):
        config = config or {}
        lr = config.get("learning_rate", 1e-2)
        return w - lr * dw, config
    rejects(ch07.check_sgd, no_defaults, diagnosis="missing-default", says=("setdefault",))


def test_adam_first_step_property_catches_a_rescaled_step(rejects):
    def adam_scaled(w, dw, config=None):                 # right on the cases, wrong on a large gradient
        next_w, config = adam_cs231n(w, dw, config)
        return (next_w if np.max(np.abs(dw)) < 10 else w - 3 * (w - next_w)), config
    rejects(ch07.check_adam, adam_scaled, diagnosis="first-step-size", says=("about learning_rate",))


def _linspace(N=4, D=5):
    return (np.linspace(-0.4, 0.6, num=N * D).reshape(N, D), np.linspace(-0.6, 0.4, num=N * D).reshape(N, D),
            np.linspace(0.6, 0.9, num=N * D).reshape(N, D))


def test_cs231n_published_values_are_reproduced_by_a_correct_rule(accepts):
    """CS231n's FullyConnectedNets notebook, sgd_momentum: the first row of its expected values."""
    w, dw, v = _linspace()
    next_w, config = momentum_cs231n(w, dw, {"learning_rate": 1e-3, "velocity": v.copy()})
    assert np.allclose(next_w[0], [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789], atol=1e-8)
    assert np.allclose(config["velocity"][0], [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158], atol=1e-8)
    next_w, config = rmsprop_cs231n(w, dw, {"learning_rate": 1e-2, "cache": v.copy()})
    assert np.allclose(next_w[0], [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247], atol=1e-8)
    m, vv = v, np.linspace(0.7, 0.5, num=20).reshape(4, 5)
    next_w, config = adam_cs231n(w, dw, {"learning_rate": 1e-2, "m": m.copy(), "v": vv.copy(), "t": 5})
    assert np.allclose(next_w[0], [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977], atol=1e-8)
    assert config["t"] == 6
    accepts(ch07.check_adam, adam_cs231n, published=(w, dw, {"learning_rate": 1e-2, "m": m, "v": vv, "t": 5},
                                                     next_w, {"m": config["m"], "v": config["v"], "t": 6}))


def test_published_case_failure_hides_values(rejects):
    w, dw, v = _linspace()
    expected, config = momentum_cs231n(w, dw, {"learning_rate": 1e-3, "velocity": v.copy()})
    def off_at_small_rates(w, dw, config=None):          # right on the seeded cases, off on the published one
        next_w, config = momentum_cs231n(w, dw, config)
        return (next_w + 1e-3 if config["learning_rate"] < 2e-3 else next_w), config
    err = rejects(ch07.check_sgd_momentum, off_at_small_rates, hidden=True, diagnosis="wrong-values",
                  says=("hidden case 3",),
                  published=(w, dw, {"learning_rate": 1e-3, "velocity": v}, expected, {"velocity": config["velocity"]}))
    assert "0.1406" not in err.message


# ----------------------------------------------------------------------------------- schedules

def step_loop(t, learning_rate=0.1, drop=0.5, every=100):
    rate = learning_rate
    for _ in range(t // every):
        rate *= drop
    return rate


def exp_math(t, learning_rate=0.1, k=0.01):
    return learning_rate / math.exp(k * t)


def inverse_branch(t, learning_rate=0.1, tau=100):
    return learning_rate if t <= tau else learning_rate * tau / t


def test_schedules_in_other_styles_pass(accepts):
    accepts(chs.check_step_decay, step_loop)
    accepts(chs.check_step_decay, lambda t, learning_rate=0.1, drop=0.5, every=100:
            learning_rate * np.power(drop, np.floor(t / every)))
    accepts(chs.check_exponential_decay, exp_math)
    accepts(chs.check_inverse_time_decay, inverse_branch)
    accepts(chs.check_inverse_time_decay, inverse_branch, cases=[{"learning_rate": 0.5, "tau": 5}], hidden=True)


@pytest.mark.parametrize("check, answer, diagnosis", [
    (chs.check_step_decay, lambda t, learning_rate=0.1, drop=0.5, every=100:
     learning_rate * drop ** ((t + 1) // every), "drop-off-by-one"),
    (chs.check_step_decay, lambda t, learning_rate=0.1, drop=0.5, every=100:
     learning_rate * drop ** (t / every), "schedule-not-stepped"),
    (chs.check_step_decay, lambda t, learning_rate=0.1, drop=0.5, every=100:
     learning_rate * drop if t >= every else learning_rate, "drop-once"),
    (chs.check_exponential_decay, lambda t, learning_rate=0.1, k=0.01:
     learning_rate * np.exp(-k * (t // 8)), "schedule-per-epoch"),
    (chs.check_exponential_decay, lambda t, learning_rate=0.1, k=0.01: np.exp(-k * t), "forgot-initial-rate"),
    (chs.check_exponential_decay, lambda t, learning_rate=0.1, k=0.01: learning_rate * np.exp(k * t), "sign-flipped"),
    (chs.check_inverse_time_decay, lambda t, learning_rate=0.1, tau=100:
     learning_rate * tau / (t + tau), "shifted-inverse"),
    (chs.check_inverse_time_decay, lambda t, learning_rate=0.1, tau=100:
     learning_rate * tau / max(t // 5 * 5, tau), "schedule-per-epoch"),
    (chs.check_inverse_time_decay, lambda t, learning_rate=0.1, tau=100:
     learning_rate * tau / max(t, 1), "inverse-no-plateau"),
])
def test_classic_wrong_schedules_are_named(check, answer, diagnosis, rejects):
    rejects(check, answer, diagnosis=diagnosis)


def test_schedule_hidden_cases_show_no_values(rejects):
    err = rejects(chs.check_exponential_decay, lambda t, learning_rate=0.1, k=0.01: np.exp(-k * t),
                  cases=[{"learning_rate": 0.02, "k": 0.1}], hidden=True, diagnosis="forgot-initial-rate",
                  hidden_values=("0.02", "0.1"), says=("hidden case 1",))
    assert "You have" not in err.message


def test_unwritten_and_non_functions(rejects):
    def stub(w, dw, config=None):
        raise NotImplementedError()
    rejects(ch07.check_adam, stub, diagnosis="not-implemented")
    rejects(ch07.check_sgd, 0.01, diagnosis="not-a-function")
    rejects(chs.check_step_decay, "step", diagnosis="not-a-function")


@pytest.mark.parametrize("half", ["m", "v"])
def test_adam_with_one_moment_uncorrected_is_named(half, rejects):
    def adam_half(w, dw, config=None):
        config = _defaults(config, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, t=0)
        config["t"] += 1
        t, b1, b2 = config["t"], config["beta1"], config["beta2"]
        config["m"] = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
        config["v"] = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw ** 2
        m_hat = config["m"] if half == "m" else config["m"] / (1 - b1 ** t)
        v_hat = config["v"] if half == "v" else config["v"] / (1 - b2 ** t)
        return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config
    rejects(ch07.check_adam, adam_half, diagnosis="no-bias-correction", says=(f"{half} is not bias-corrected",))
