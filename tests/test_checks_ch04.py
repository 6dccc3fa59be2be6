"""Notebook 04 checks: classic wrong answers are rejected with the right diagnosis,
correct alternatives pass, visible and hidden cases alike."""
import math
import re

import numpy as np
import pytest

from nbkit.checks import ch04


HIDDEN_GRADIENT_CASES = [
    (lambda a: float(np.sum(np.cos(a) * a)), np.array([[0.4, -0.7], [0.8, -0.5]]), 1e-4),
    (lambda a: float(np.sum(a ** 4) + np.prod(a[:2])), np.array([0.5, -0.6, 0.75]), 1e-3),
]


# --- 1. forward and central differences ---------------------------------------------

def forward_ok(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h


def central_ok(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def central_alt(f, x, h=1e-5):
    # algebraically the same, written differently
    return 0.5 * (f(x + h) / h - f(x - h) / h)


def test_differences_pass():
    ch04.check_differences(forward_ok, central_ok)
    ch04.check_differences(forward_ok, central_alt)
    ch04.check_differences(forward_ok, central_ok, cases=[(np.cos, 0.3, 1e-3), (np.log, 2.0, 1e-2)], hidden=True)


@pytest.mark.parametrize("central,diagnosis", [
    (lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, "one-sided-difference"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x)) / (2 * h), "forward-over-2h"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, "central-over-h"),
    (lambda f, x, h=1e-5: (f(x) - f(x - h)) / h, "one-sided-difference"),
])
def test_central_difference_mistakes(central, diagnosis, rejects):
    rejects(ch04.check_differences, forward_ok, central, diagnosis=diagnosis)


@pytest.mark.parametrize("forward,diagnosis", [
    (central_ok, "central-not-forward"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x)) / (2 * h), "forward-over-2h"),
    (lambda f, x, h=1e-5: (f(x) - f(x - h)) / h, "one-sided-difference"),
])
def test_forward_difference_mistakes(forward, diagnosis, rejects):
    rejects(ch04.check_differences, forward, central_ok, diagnosis=diagnosis)


def test_differences_not_implemented(rejects):
    def stub(f, x, h=1e-5):
        raise NotImplementedError()
    rejects(ch04.check_differences, stub, central_ok, diagnosis="not-implemented")


# --- 2. numerical_gradient ---------------------------------------------------------

def numgrad_ok(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + h
            plus = f(x)
            x[idx] = old - h
            minus = f(x)
        finally:
            x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def numgrad_nditer(f, x, h=1e-5):
    # the CS231n style: np.nditer with multi_index
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        grad[ix] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


def numgrad_copies(f, x, h=1e-5):
    # perturb copies instead of x itself, flat indices
    grad = np.zeros(x.size)
    flat = x.ravel()
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        grad[i] = (f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / (2 * h)
    return grad.reshape(x.shape)


def numgrad_relative_step(f, x, h=1e-5):
    # a relative step h * max(1, |x|), divided by the step actually taken: correct
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        step = h * max(1.0, abs(old))
        x[idx] = old + step
        plus = f(x)
        x[idx] = old - step
        minus = f(x)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * step)
    return grad


@pytest.mark.parametrize("fn", [numgrad_ok, numgrad_nditer, numgrad_copies, numgrad_relative_step])
def test_numerical_gradient_correct_alternatives(fn):
    ch04.check_numerical_gradient(fn)
    ch04.check_numerical_gradient(fn, cases=HIDDEN_GRADIENT_CASES, hidden=True)


def _loop(form):
    def numgrad(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        f0 = f(x)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            step = h * abs(old) if form == "scaled" else h
            x[idx] = old + step
            plus = f(x)
            x[idx] = old - step
            minus = f(x)
            if form != "no-restore":
                x[idx] = old
            grad[idx] = {"central": (plus - minus) / (2 * h), "forward": (plus - f0) / h,
                         "forward-2h": (plus - f0) / (2 * h), "over-h": (plus - minus) / h,
                         "scaled": (plus - minus) / (2 * h), "no-restore": (plus - minus) / (2 * h),
                         "flipped": (minus - plus) / (2 * h)}[form]
        return grad
    return numgrad


def numgrad_rows(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def numgrad_first_only(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    idx = (0,) * x.ndim
    old = x[idx]
    x[idx] = old + h
    plus = f(x)
    x[idx] = old - h
    minus = f(x)
    x[idx] = old
    grad[idx] = (plus - minus) / (2 * h)
    return grad


def numgrad_copy_drift(f, x, h=1e-5):
    # works on a private copy, but never restores it: x itself is untouched
    xc = x.copy()
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = xc[idx]
        xc[idx] = old + h
        plus = f(xc)
        xc[idx] = old - h
        minus = f(xc)
        grad[idx] = (plus - minus) / (2 * h)
    return grad


@pytest.mark.parametrize("fn,diagnosis", [
    (_loop("forward"), "one-sided-difference"),
    (_loop("forward-2h"), "forward-over-2h"),
    (_loop("over-h"), "central-over-h"),
    (_loop("scaled"), "step-scaled-by-x"),
    (_loop("no-restore"), "not-restored"),
    (_loop("flipped"), "sign-flipped"),
    (numgrad_rows, "nudged-a-row"),
    (numgrad_first_only, "first-entry-only"),
    (numgrad_copy_drift, "not-restored"),
    (lambda f, x, h=1e-5: numgrad_ok(f, x, h).ravel(), "wrong-shape"),
    (lambda f, x, h=1e-5: None, "returned-none"),
])
def test_numerical_gradient_mistakes(fn, diagnosis, rejects):
    rejects(ch04.check_numerical_gradient, fn, diagnosis=diagnosis)


def test_numerical_gradient_hidden_messages_hide_values(rejects):
    err = rejects(ch04.check_numerical_gradient, _loop("forward"), cases=HIDDEN_GRADIENT_CASES, hidden=True,
                  diagnosis="one-sided-difference", says=("hidden case 1",))
    assert "you have" not in err.message


def test_numerical_gradient_step_scaling_hits_zero_entry(rejects):
    cases = [(lambda a: float(np.sum(a ** 2 + a)), np.array([0.0, 0.5, -0.5]), 1e-3)]
    with np.errstate(all="ignore"):
        rejects(ch04.check_numerical_gradient, _loop("scaled"), cases=cases, diagnosis="step-scaled-by-x")


def test_numerical_gradient_nan_names_zero_entry(rejects):
    def scaled_step_and_denominator(f, x, h=1e-5):  # divides by the (zero) step at x = 0
        grad = np.zeros(x.shape)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            step = h * abs(old)
            x[idx] = old + step
            plus = f(x)
            x[idx] = old - step
            minus = f(x)
            x[idx] = old
            grad[idx] = (plus - minus) / (2 * step)
        return grad
    cases = [(lambda a: float(np.sum(a ** 2 + a)), np.array([0.0, 0.5, -0.5]), 1e-3)]
    with np.errstate(all="ignore"):
        rejects(ch04.check_numerical_gradient, scaled_step_and_denominator, cases=cases, diagnosis="nan",
                says=("equal to 0",))


# --- 3. numerical_gradient_upstream -------------------------------------------------

def upstream_ok(f, x, upstream, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        y_plus = np.array(f(x), copy=True)
        x[idx] = old - h
        y_minus = np.array(f(x), copy=True)
        x[idx] = old
        grad[idx] = np.sum(upstream * (y_plus - y_minus)) / (2 * h)
    return grad


def upstream_via_scalar(f, x, upstream, h=1e-5):
    # correct alternative: reuse a scalar numerical gradient on L(x) = sum(upstream * f(x))
    return numgrad_ok(lambda a: float(np.sum(upstream * f(a))), x, h)


def _upstream_variant(form):
    def fn(f, x, upstream, h=1e-5):
        grad = np.zeros(x.shape)
        y0 = np.array(f(x), copy=True)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + h
            y_plus = f(x) if form == "no-copy" else np.array(f(x), copy=True)
            x[idx] = old - h
            y_minus = f(x)
            x[idx] = old
            grad[idx] = {"ignored": np.sum(y_plus - y_minus) / (2 * h),
                         "no-copy": np.sum(upstream * (y_plus - y_minus)) / (2 * h),
                         "over-h": np.sum(upstream * (y_plus - y_minus)) / h,
                         "forward": np.sum(upstream * (y_plus - y0)) / h}[form]
        return grad
    return fn


def upstream_not_summed(f, x, upstream, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        y_plus = np.array(f(x), copy=True)
        x[idx] = old - h
        y_minus = np.array(f(x), copy=True)
        x[idx] = old
        grad[idx] = upstream * (y_plus - y_minus) / (2 * h)
    return grad


@pytest.mark.parametrize("fn", [upstream_ok, upstream_via_scalar])
def test_upstream_correct_alternatives(fn):
    ch04.check_numerical_gradient_upstream(fn)
    rng = np.random.default_rng(9)
    M = rng.standard_normal((2, 4))
    hidden = [(lambda a: np.exp(a) @ M, rng.uniform(-1, 1, (3, 2)), rng.standard_normal((3, 4)), 1e-4),
              (ch04._BufferLayer((5,), 0.5), rng.uniform(-1, 1, 5), rng.standard_normal(5), 1e-4, True)]
    ch04.check_numerical_gradient_upstream(fn, cases=hidden, hidden=True)


@pytest.mark.parametrize("fn,diagnosis", [
    (_upstream_variant("ignored"), "ignored-upstream"),
    (_upstream_variant("no-copy"), "output-overwritten"),
    (_upstream_variant("over-h"), "central-over-h"),
    (_upstream_variant("forward"), "one-sided-difference"),
    (upstream_not_summed, "not-summed"),
    (lambda f, x, upstream, h=1e-5: upstream * 1.0, "not-summed"),
])
def test_upstream_mistakes(fn, diagnosis, rejects):
    rejects(ch04.check_numerical_gradient_upstream, fn, diagnosis=diagnosis)


def test_upstream_not_restored(rejects):
    def fn(f, x, upstream, h=1e-5):
        grad = upstream_ok(f, x, upstream, h)
        x[0] += h  # leaves x moved
        return grad
    rejects(ch04.check_numerical_gradient_upstream, fn, diagnosis="not-restored")


# --- 4. rel_error -----------------------------------------------------------------

def rel_ok(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))


def rel_where_guard(a, b):
    # correct alternative: an explicit guard instead of a floor
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    num, den = np.abs(a - b), np.abs(a) + np.abs(b)
    return float(np.max(np.where(den == 0, 0.0, num / np.where(den == 0, 1.0, den))))


def rel_loop(a, b):
    # correct alternative: a plain loop with a tiny floor
    worst = 0.0
    for x, y in zip(np.ravel(a), np.ravel(b)):
        worst = max(worst, abs(x - y) / max(abs(x) + abs(y), 1e-12))
    return worst


@pytest.mark.parametrize("fn", [rel_ok, rel_where_guard, rel_loop])
def test_rel_error_correct_alternatives(fn):
    ch04.check_rel_error(fn)
    ch04.check_rel_error(fn, cases=[(np.array([5.0, 0.0]), np.array([4.0, 0.0])),
                                    (np.array([[1e-3, 2.0]]), np.array([[2e-3, 2.0]]))], hidden=True)


def _rel_variant(form):
    def fn(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        diff = np.abs(a - b)
        with np.errstate(all="ignore"):
            return {"b-only": np.max(diff / np.abs(b)),
                    "a-only": np.max(diff / np.maximum(np.abs(a), 1e-8)),
                    "no-guard": np.max(diff / (np.abs(a) + np.abs(b))),
                    "mean": np.mean(diff / np.maximum(np.abs(a) + np.abs(b), 1e-8)),
                    "signed": np.max((a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)),
                    "sum": np.max(diff / np.maximum(np.abs(a + b), 1e-8)),
                    "max-den": np.max(diff / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)),
                    "array": diff / np.maximum(np.abs(a) + np.abs(b), 1e-8)}[form]
    return fn


@pytest.mark.parametrize("form,diagnosis", [
    ("b-only", "one-sided-denominator"), ("a-only", "one-sided-denominator"),
    ("no-guard", "divided-by-zero"), ("mean", "mean-not-max"), ("signed", "signed-difference"),
    ("sum", "abs-of-sum"), ("array", "returned-array"),
])
def test_rel_error_mistakes(form, diagnosis, rejects):
    with np.errstate(all="ignore"):
        rejects(ch04.check_rel_error, _rel_variant(form), diagnosis=diagnosis)


def test_rel_error_max_denominator_is_a_correct_alternative(capsys):
    """The CS231n notes divide by max(|a|, |b|): within a factor 2 of |a| + |b|, accepted with a note."""
    ch04.check_rel_error(_rel_variant("max-den"))
    ch04.check_rel_error(_rel_variant("max-den"), cases=ch04.REL_ERROR_CASES[:3], hidden=True)
    assert "max(|a|, |b|)" in capsys.readouterr().out


# --- 5. the repaired gradient checker ------------------------------------------------

def fixed_ok(f, x, analytic_grad, h=1e-5):
    return rel_ok(numgrad_ok(f, x, h), analytic_grad)


def fixed_partial(bugs):
    """The broken checker with only some of its bugs left."""
    def fn(f, x, analytic_grad, h=1e-5):
        grad = np.zeros(x.shape)
        indices = [(i,) for i in range(len(x))] if "rows" in bugs else list(np.ndindex(x.shape))
        for idx in indices:
            old = x[idx].copy()
            x[idx] = old + h
            plus = f(x)
            x[idx] = old - h
            minus = f(x)
            if "restore" not in bugs:
                x[idx] = old
            grad[idx] = (plus - minus) / (h if "denominator" in bugs else 2 * h)
        with np.errstate(all="ignore"):
            if "one-sided" in bugs:
                return float(np.max(np.abs(grad - analytic_grad) / np.abs(analytic_grad)))
        return rel_ok(grad, analytic_grad)
    return fn


def test_fixed_grad_check_passes():
    ch04.check_fixed_grad_check(fixed_ok)
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (2, 3))
    hidden = [(lambda a: float(np.sum(np.sin(a))), x, np.cos(x)), (lambda a: float(np.sum(np.sin(a))), x, -np.cos(x))]
    ch04.check_fixed_grad_check(fixed_ok, cases=hidden, hidden=True)


@pytest.mark.parametrize("bugs,diagnosis", [
    ({"denominator"}, "central-over-h"),
    ({"rows"}, "nudged-a-row"),
    ({"restore"}, "not-restored"),
    ({"one-sided"}, "divided-by-zero"),
    ({"denominator", "rows"}, "nudged-a-row"),
])
def test_fixed_grad_check_remaining_bugs(bugs, diagnosis, rejects):
    with np.errstate(all="ignore"):
        rejects(ch04.check_fixed_grad_check, fixed_partial(bugs), diagnosis=diagnosis)


def test_fixed_grad_check_unrecognised(rejects):
    rejects(ch04.check_fixed_grad_check, lambda f, x, g, h=1e-5: 0.5, diagnosis="still-buggy")


def test_fixed_grad_check_one_sided_with_a_floor(rejects):
    def fn(f, x, analytic_grad, h=1e-5):
        num = numgrad_ok(f, x, h)
        return float(np.max(np.abs(num - analytic_grad) / np.maximum(np.abs(analytic_grad), 1e-8)))
    rejects(ch04.check_fixed_grad_check, fn, diagnosis="one-sided-denominator")


# --- 6. check_layer ---------------------------------------------------------------

def check_layer_ok(layer, x, upstream, seed, h=1e-5):
    layer.forward(x, seed)
    analytic = layer.backward(upstream).copy()
    numerical = upstream_ok(lambda a: layer.forward(a, seed), x, upstream, h)
    return rel_ok(analytic, numerical)


def check_layer_forward_again(layer, x, upstream, seed, h=1e-5):
    # correct alternative: numerical first, then forward again at x before backward
    numerical = upstream_ok(lambda a: layer.forward(a, seed=seed), x, upstream, h)
    layer.forward(x, seed=seed)
    return rel_ok(layer.backward(upstream), numerical)


@pytest.mark.parametrize("fn", [check_layer_ok, check_layer_forward_again])
def test_check_layer_correct(fn):
    ch04.check_check_layer(fn)
    rng = np.random.default_rng(4)
    hidden = [(ch04.DropoutTanhLayer(0.8), rng.uniform(-1, 1, (2, 5)), rng.standard_normal((2, 5)), 3),
              (ch04.DropoutTanhLayer(0.7, bug="forgot-local-grad"), rng.uniform(-2, 2, (6,)), rng.standard_normal(6), 5)]
    ch04.check_check_layer(fn, cases=hidden, hidden=True)


def check_layer_random(layer, x, upstream, seed, h=1e-5):
    layer.forward(x, seed)
    analytic = layer.backward(upstream).copy()
    numerical = upstream_ok(lambda a: layer.forward(a), x, upstream, h)  # fresh mask every call
    return rel_ok(analytic, numerical)


def check_layer_stale(layer, x, upstream, seed, h=1e-5):
    numerical = upstream_ok(lambda a: layer.forward(a, seed), x, upstream, h)
    return rel_ok(layer.backward(upstream), numerical)  # cache holds the last nudged x


def check_layer_no_backward(layer, x, upstream, seed, h=1e-5):
    return 0.0


def check_layer_not_restored(layer, x, upstream, seed, h=1e-5):
    value = check_layer_ok(layer, x, upstream, seed, h)
    x += h
    return value


def check_layer_one_sided(layer, x, upstream, seed, h=1e-5):
    layer.forward(x, seed)
    analytic = layer.backward(upstream).copy()
    numerical = upstream_ok(lambda a: layer.forward(a, seed), x, upstream, h)
    return float(np.max(np.abs(analytic - numerical) / np.maximum(np.abs(numerical), 1e-8)))


@pytest.mark.parametrize("fn,diagnosis", [
    (check_layer_random, "random-mask"),
    (check_layer_stale, "stale-cache"),
    (check_layer_no_backward, "backward-not-called"),
    (check_layer_not_restored, "not-restored"),
    (check_layer_one_sided, "wrong-values"),
])
def test_check_layer_mistakes(fn, diagnosis, rejects):
    rejects(ch04.check_check_layer, fn, diagnosis=diagnosis)


def test_dropout_layer_fixture_is_right():
    layer = ch04.DropoutTanhLayer(0.5)
    x = np.random.default_rng(0).uniform(-1, 1, (3, 3))
    up = np.ones((3, 3))
    assert check_layer_ok(layer, x.copy(), up, 1) < 1e-8
    assert abs(check_layer_ok(ch04.DropoutTanhLayer(0.5, bug="forgot-scale"), x.copy(), up, 1) - 1 / 3) < 1e-6


# --- 7. dual numbers -------------------------------------------------------------

def make_dual(add="ok", mul="ok", exp="ok", seed=1.0, lift_deriv=0.0):
    class Dual:
        def __init__(self, value, deriv=0.0):
            self.value, self.deriv = float(value), float(deriv)

        @staticmethod
        def lift(other):
            return other if isinstance(other, Dual) else Dual(other, lift_deriv)

        def __add__(self, other):
            o = Dual.lift(other)
            d = {"ok": self.deriv + o.deriv, "mul": self.deriv * o.deriv}[add]
            return Dual(self.value + o.value, d)

        def __mul__(self, other):
            o = Dual.lift(other)
            d = {"ok": self.deriv * o.value + self.value * o.deriv, "add": self.deriv + o.deriv,
                 "mul": self.deriv * o.deriv, "half": self.deriv * o.value}[mul]
            return Dual(self.value * o.value, d)

        __radd__ = __add__
        __rmul__ = __mul__

        def __neg__(self):
            return self * -1.0

        def __sub__(self, other):
            return self + (-Dual.lift(other))

        def __rsub__(self, other):
            return Dual.lift(other) - self

    def dual_exp(d):
        d = Dual.lift(d)
        e = math.exp(d.value)
        return Dual(e, {"ok": e * d.deriv, "chain": e, "local": d.deriv}[exp])

    def derivative(f, x):
        out = f(Dual(x, seed))
        return out.value if seed == "value" else out.deriv

    if seed == "value":
        def derivative(f, x):  # noqa: F811
            return f(Dual(x, 1.0)).value
    return Dual, dual_exp, derivative


def test_dual_passes():
    ch04.check_dual(*make_dual())
    hidden = [(lambda t, exp: exp(t) * exp(t) - t * t, 0.3), (lambda t, exp: 5 - t * exp(3 * t), -1.2)]
    ch04.check_dual(*make_dual(), cases=hidden, hidden=True)


@pytest.mark.parametrize("kwargs,diagnosis", [
    (dict(add="mul"), "multiplied-derivatives"),
    (dict(mul="add"), "added-derivatives"),
    (dict(mul="mul"), "multiplied-derivatives"),
    (dict(mul="half"), "half-product-rule"),
    (dict(lift_deriv=1.0), "constant-derivative"),
    (dict(exp="chain"), "forgot-chain-rule"),
    (dict(exp="local"), "forgot-local-gradient"),
    (dict(seed=0.0), "seed-zero"),
    (dict(seed="value"), "returned-value"),
])
def test_dual_mistakes(kwargs, diagnosis, rejects):
    rejects(ch04.check_dual, *make_dual(**kwargs), diagnosis=diagnosis)


# --- holes found by real code (issue 9) ------------------------------------------

def numgrad_cs224n(f, x, h=1e-5):
    """CS224n's idiom: restore x arithmetically (x[ix] += h; ...; x[ix] -= 2h; ...; x[ix] += h)."""
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        x[ix] += h
        fxph = f(x)
        x[ix] -= 2 * h
        fxmh = f(x)
        x[ix] += h
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def upstream_cs224n(f, x, upstream, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        x[ix] += h
        plus = np.array(f(x), dtype=float)
        x[ix] -= 2 * h
        minus = np.array(f(x), dtype=float)
        x[ix] += h
        grad[ix] = np.sum(upstream * (plus - minus)) / (2 * h)
    return grad


def _drifting_cases():
    """Cases at h = 1e-5 where x + h - 2h + h is not x in floating point (a rounding drift)."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (3, 4))
    drifted = x.copy()
    drifted += 1e-5
    drifted -= 2e-5
    drifted += 1e-5
    assert np.any(drifted != x), "the case must make the arithmetic restore drift"
    return [(lambda a: float(np.sum(np.sin(a)) + 0.5 * np.sum(a) ** 2), x, 1e-5)]


def test_hole3_arithmetic_restore_within_a_few_ulps_is_accepted(accepts):
    accepts(ch04.check_numerical_gradient, numgrad_cs224n, cases=_drifting_cases())
    accepts(ch04.check_numerical_gradient, numgrad_cs224n, cases=_drifting_cases(), hidden=True)
    f, x, h = _drifting_cases()[0]
    upstream = np.random.default_rng(6).standard_normal((3, 4))
    accepts(ch04.check_numerical_gradient_upstream, upstream_cs224n,
            cases=[(lambda a: np.tanh(a) * 2.0, x, upstream, h)])


def test_hole3_a_real_missing_restore_is_named_with_full_precision(rejects):
    def never_restores(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for ix in np.ndindex(x.shape):
            old = x[ix]
            x[ix] = old + h
            plus = f(x)
            x[ix] = old - h
            grad[ix] = (plus - f(x)) / (2 * h)
        return grad

    err = rejects(ch04.check_numerical_gradient, never_restores, cases=_drifting_cases(), diagnosis="not-restored")
    before, after = re.search(r"was (\S+) before the call and (\S+) after", err.message).groups()
    assert before != after and len(before) > 10  # full precision, never two identical numbers
