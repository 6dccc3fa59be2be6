"""Classic wrong answers for notebook 07 (optimizers and schedules): state not kept in config
(velocity, cache, m/v/t), AdaGrad's cache reset, RMSProp's decay on the gradient instead of the
cache, epsilon inside the square root, Adam without bias correction or with t advanced after use,
the averaged momentum convention, plain momentum for Nesterov, sign errors, defaults that overwrite
the caller's settings, and schedules that drop off by one, decay smoothly or per epoch."""


def swap(*pairs):
    return ("swap", pairs)


MISTAKES = {
    "sgd": [
        ("sign-flipped", swap(('next_w = w - config["learning_rate"] * dw', 'next_w = w + config["learning_rate"] * dw'))),
        ("ignored-lr", swap(('next_w = w - config["learning_rate"] * dw', "next_w = w - dw"))),
        ("overwrote-config", swap(('config.setdefault("learning_rate", 1e-2)', 'config["learning_rate"] = 1e-2'))),
    ],
    "sgd_momentum": [
        ("velocity-not-carried", swap(('v = config["momentum"] * v - ', 'v = config["momentum"] * np.zeros_like(w) - '))),
        ("config-not-updated", swap(('    config["velocity"] = v\n', ''))),
        ("sign-flipped", swap(('v = config["momentum"] * v - config["learning_rate"] * dw',
                               'v = config["momentum"] * v + config["learning_rate"] * dw'))),
        ("averaged-convention", swap(('v = config["momentum"] * v - config["learning_rate"] * dw',
                                      'v = config["momentum"] * v + (1 - config["momentum"]) * dw'),
                                     ("next_w = w + v  ", "next_w = w - config[\"learning_rate\"] * v  "))),
    ],
    "nesterov_momentum": [
        ("nesterov-is-momentum", swap(("next_w = w - mu * v_prev + (1 + mu) * v", "next_w = w + v"))),
        ("wrong-look-ahead", swap(("(1 + mu) * v", "(1 - mu) * v"))),
        ("config-not-updated", swap(('    config["velocity"] = v\n', ''))),
        ("velocity-not-carried", swap(('v = config.get("velocity", np.zeros_like(w))', 'v = np.zeros_like(w)'))),
    ],
    "adagrad": [
        ("cache-reset", swap(('config["cache"] = config["cache"] + dw ** 2', 'config["cache"] = dw ** 2'))),
        ("eps-inside-sqrt", swap(('(np.sqrt(config["cache"]) + config["epsilon"])',
                                  'np.sqrt(config["cache"] + config["epsilon"])'))),
        ("forgot-sqrt", swap(('(np.sqrt(config["cache"]) + config["epsilon"])',
                              '(config["cache"] + config["epsilon"])'))),
        ("cache-reset", '''def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    cache = np.zeros_like(w)            # a fresh cache on every call
    cache += dw ** 2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config
'''),
    ],
    "rmsprop": [
        ("decay-on-gradient", swap(('rho * config["cache"] + (1 - rho) * dw ** 2', 'config["cache"] + (1 - rho) * dw ** 2'))),
        ("decay-swapped", swap(('rho * config["cache"] + (1 - rho) * dw ** 2', '(1 - rho) * config["cache"] + rho * dw ** 2'))),
        ("eps-inside-sqrt", swap(('(np.sqrt(config["cache"]) + config["epsilon"])',
                                  'np.sqrt(config["cache"] + config["epsilon"])'))),
        ("cache-reset", swap(('rho * config["cache"] + (1 - rho) * dw ** 2', '(1 - rho) * dw ** 2'))),
    ],
    "adam": [
        ("no-bias-correction", swap(('m_hat = config["m"] / (1 - b1 ** t)', 'm_hat = config["m"]'),
                                    ('v_hat = config["v"] / (1 - b2 ** t)', 'v_hat = config["v"]'))),
        ("t-after-use", swap(('    config["t"] += 1                                   # advance first: the first step has t = 1\n', ''),
                             ('    return next_w, config', '    config["t"] += 1\n    return next_w, config'))),
        ("eps-inside-sqrt", swap(('(np.sqrt(v_hat) + config["epsilon"])', 'np.sqrt(v_hat + config["epsilon"])'))),
        ("state-not-carried", swap(('config["t"] += 1 ', 't = config["t"] + 1 '),
                                   ('    t = config["t"]\n', ''),
                                   ('config["m"] = b1 * config["m"]', 'm = b1 * config["m"]'),
                                   ('config["v"] = b2 * config["v"]', 'v = b2 * config["v"]'),
                                   ('m_hat = config["m"] /', 'm_hat = m /'),
                                   ('v_hat = config["v"] /', 'v_hat = v /'))),
    ],
    "step_decay": [
        ("drop-off-by-one", swap(("drop ** (t // every)", "drop ** ((t + 1) // every)"))),
        ("schedule-not-stepped", swap(("drop ** (t // every)", "drop ** (t / every)"))),
        ("drop-linear", swap(("learning_rate * drop ** (t // every)", "learning_rate * (1 - (1 - drop) * (t // every))"))),
    ],
    "exponential_decay": [
        ("sign-flipped", swap(("np.exp(-k * t)", "np.exp(k * t)"))),
        ("forgot-initial-rate", swap(("return learning_rate * np.exp(-k * t)", "return np.exp(-k * t)"))),
        ("schedule-per-epoch", swap(("np.exp(-k * t)", "np.exp(-k * (t // 10))"))),
        ("wrong-base", swap(("np.exp(-k * t)", "(1 - k) ** t"))),
    ],
    "inverse_time_decay": [
        ("shifted-inverse", swap(("return learning_rate * tau / max(t, tau)", "return learning_rate * tau / (t + tau)"))),
        ("inverse-no-plateau", swap(("return learning_rate * tau / max(t, tau)", "return learning_rate * tau / max(t, 1)"))),
        ("forgot-initial-rate", swap(("return learning_rate * tau / max(t, tau)", "return tau / max(t, tau)"))),
        ("schedule-per-epoch", swap(("return learning_rate * tau / max(t, tau)",
                                     "return learning_rate * tau / max(t // 10 * 10, tau)"))),
    ],
}

ALTERNATIVES = {
    # CS231n's style: the update written into w in place
    "sgd": '''def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w -= config["learning_rate"] * dw
    return w, config
''',
    # the averaged convention, rescaled to CS231n's: identical updates
    "sgd_momentum": '''def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    mu, lr = config["momentum"], config["learning_rate"]
    u = -config.get("velocity", np.zeros_like(w)) / lr      # the average, u = -v / lr
    u = mu * u + dw
    config["velocity"] = -lr * u
    return w + config["velocity"], config
''',
    # the look-ahead form, with the stored w the look-ahead point theta + mu v
    "nesterov_momentum": '''def nesterov_momentum(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    mu = config["momentum"]
    v = config.get("velocity", np.zeros_like(w))
    theta = w - mu * v                       # the point the look-ahead form keeps
    v = mu * v - config["learning_rate"] * dw
    theta = theta + v
    config["velocity"] = v
    return theta + mu * v, config
''',
    # an element-by-element loop
    "adagrad": '''def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    cache = np.array(config.get("cache", np.zeros_like(w)), dtype=float)
    next_w = np.array(w, dtype=float)
    for i in np.ndindex(w.shape):
        cache[i] += dw[i] ** 2
        next_w[i] -= config["learning_rate"] * dw[i] / (np.sqrt(cache[i]) + config["epsilon"])
    config["cache"] = cache
    return next_w, config
''',
    # a new config dict each call (functional style)
    "rmsprop": '''def rmsprop(w, dw, config=None):
    c = {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8, "cache": np.zeros_like(w)}
    c.update(config or {})
    c["cache"] = c["decay_rate"] * c["cache"] + (1 - c["decay_rate"]) * np.square(dw)
    return w - c["learning_rate"] * dw / (np.sqrt(c["cache"]) + c["epsilon"]), c
''',
    # DL-from-scratch's class-based Adam (bias correction folded into the step size), adapted
    "adam": '''class _Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2

    def update(self, w, dw, m, v, t, eps):
        t += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        m = m + (1 - self.beta1) * (dw - m)
        v = v + (1 - self.beta2) * (dw ** 2 - v)
        eps_t = eps * np.sqrt(1.0 - self.beta2 ** t)      # eps outside the root of v_hat, rescaled
        return w - lr_t * m / (np.sqrt(v) + eps_t), m, v, t


def adam(w, dw, config=None):
    if config is None:
        config = {}
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    opt = _Adam(config["learning_rate"], config["beta1"], config["beta2"])
    next_w, config["m"], config["v"], config["t"] = opt.update(
        w, dw, config.get("m", np.zeros_like(w)), config.get("v", np.zeros_like(w)), config["t"], config["epsilon"])
    return next_w, config
''',
    "step_decay": '''def step_decay(t, learning_rate=0.1, drop=0.5, every=100):
    rate = learning_rate
    for _ in range(int(t) // int(every)):
        rate *= drop
    return rate
''',
    "exponential_decay": '''import math


def exponential_decay(t, learning_rate=0.1, k=0.01):
    return learning_rate / math.exp(k * t)
''',
    "inverse_time_decay": '''def inverse_time_decay(t, learning_rate=0.1, tau=100):
    return learning_rate if t < tau else learning_rate * tau / t
''',
}
