"""Classic wrong answers for notebook 04 (gradient checking; forward mode with dual numbers)."""


def swap(*pairs):
    return ("swap", pairs)


MISTAKES = {
    "differences": [
        ("one-sided-difference", swap(("return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x)) / h"))),
        ("forward-over-2h", swap(("return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x)) / (2 * h)"))),
        ("central-over-h", swap(("return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x - h)) / h"))),
        ("one-sided-difference", swap(("return (f(x + h) - f(x)) / h", "return (f(x) - f(x - h)) / h"))),
    ],
    "numerical_gradient": [
        ("central-over-h", swap(("grad[idx] = (f_plus - f_minus) / (2 * h)", "grad[idx] = (f_plus - f_minus) / h"))),
        ("not-restored", swap(("x[idx] = old  # put the entry back, even if f raised", "pass  # (forgot to put it back)"))),
        ("sign-flipped", swap(("(f_plus - f_minus) / (2 * h)", "(f_minus - f_plus) / (2 * h)"))),
        ("wrong-shape", swap(("return grad", "return grad.ravel()"))),
        ("nudged-a-row", '''def numerical_gradient(f, x, h=1e-5):
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
'''),
    ],
    "numerical_gradient_upstream": [
        ("ignored-upstream", swap(("np.sum(upstream * (y_plus - y_minus))", "np.sum(y_plus - y_minus)"))),
        ("output-overwritten", swap(("y_plus = np.array(f(x), dtype=float)", "y_plus = f(x)"),
                                    ("y_minus = np.array(f(x), dtype=float)", "y_minus = f(x)"))),
        ("central-over-h", swap(("np.sum(upstream * (y_plus - y_minus)) / (2 * h)", "np.sum(upstream * (y_plus - y_minus)) / h"))),
        ("not-summed", swap(("np.sum(upstream * (y_plus - y_minus)) / (2 * h)", "upstream * (y_plus - y_minus) / (2 * h)"))),
    ],
    "rel_error": [
        ("one-sided-denominator", swap(("np.maximum(np.abs(a) + np.abs(b), 1e-8)", "np.maximum(np.abs(a), 1e-8)"))),
        ("divided-by-zero", swap(("np.maximum(np.abs(a) + np.abs(b), 1e-8)", "(np.abs(a) + np.abs(b))"))),
        ("mean-not-max", swap(("return float(np.max(", "return float(np.mean("))),
        ("signed-difference", swap(("np.abs(a - b) /", "(a - b) /"))),
        ("abs-of-sum", swap(("np.maximum(np.abs(a) + np.abs(b), 1e-8)", "np.maximum(np.abs(a + b), 1e-8)"))),
    ],
    "fixed_grad_check": [
        ("central-over-h", swap(("numerical[idx] = (f_plus - f_minus) / (2 * h)", "numerical[idx] = (f_plus - f_minus) / h"))),
        ("not-restored", swap(("x[idx] = old                             # put it back", "pass"))),
        ("divided-by-zero", swap(("np.maximum(np.abs(numerical) + np.abs(analytic_grad), 1e-8)", "np.abs(analytic_grad)"))),
        ("nudged-a-row", swap(("for idx in np.ndindex(x.shape):", "for idx in [(i,) for i in range(len(x))]:"),
                              ("old = x[idx]", "old = x[idx].copy()"))),
    ],
    "check_layer": [
        ("random-mask", swap(("y_plus = np.array(layer.forward(x, seed), dtype=float)", "y_plus = np.array(layer.forward(x), dtype=float)"),
                             ("y_minus = np.array(layer.forward(x, seed), dtype=float)", "y_minus = np.array(layer.forward(x), dtype=float)"))),
        ("backward-not-called", '''def check_layer(layer, x, upstream, seed, h=1e-5):
    return 0.0
'''),
        ("not-restored", swap(("x[idx] = old\n", "\n"))),
        ("stale-cache", swap(("    layer.forward(x, seed)                       # backward first, at the unperturbed x\n", ""),
                             ("    analytic = np.array(layer.backward(upstream), dtype=float)\n", ""),
                             ("return float(", "analytic = np.array(layer.backward(upstream), dtype=float)\n    return float("))),
    ],
    "dual": [
        ("multiplied-derivatives", swap(("Dual(self.value + other.value, self.deriv + other.deriv)",
                                         "Dual(self.value + other.value, self.deriv * other.deriv)"))),
        ("added-derivatives", swap(("self.deriv * other.value + self.value * other.deriv", "self.deriv + other.deriv"))),
        ("half-product-rule", swap(("self.deriv * other.value + self.value * other.deriv", "self.deriv * other.value"))),
        ("forgot-chain-rule", swap(("return Dual(e, e * d.deriv)", "return Dual(e, e)"))),
        ("seed-zero", swap(("return f(Dual(x, 1.0)).deriv", "return f(Dual(x, 0.0)).deriv"))),
        ("returned-value", swap(("return f(Dual(x, 1.0)).deriv", "return f(Dual(x, 1.0)).value"))),
    ],
}

ALTERNATIVES = {
    "differences": '''def forward_difference(f, x, h=1e-5):
    fx, fxh = f(x), f(x + h)
    return (fxh - fx) / h


def central_difference(f, x, h=1e-5):
    return 0.5 * (f(x + h) - f(x - h)) / h
''',
    "numerical_gradient": '''def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        saved = x[i]
        x[i] = saved + h
        plus = f(x)
        x[i] = saved - h
        minus = f(x)
        x[i] = saved
        grad[i] = (plus - minus) / (2 * h)
        it.iternext()
    return grad
''',
    "numerical_gradient_upstream": '''def numerical_gradient_upstream(f, x, upstream, h=1e-5):
    def loss(a):
        return float(np.sum(upstream * np.array(f(a), dtype=float)))
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = loss(x)
        x[idx] = old - h
        minus = loss(x)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad
''',
    "rel_error": '''def rel_error(a, b):
    a = np.atleast_1d(np.asarray(a, dtype=float)).ravel()
    b = np.atleast_1d(np.asarray(b, dtype=float)).ravel()
    worst = 0.0
    for ai, bi in zip(a, b):
        worst = max(worst, abs(ai - bi) / max(abs(ai) + abs(bi), 1e-8))
    return float(worst)
''',
    "fixed_grad_check": '''def fixed_grad_check(f, x, analytic_grad, h=1e-5):
    numerical = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        numerical[idx] = (f_plus - f_minus) / (2 * h)
    top = np.abs(numerical - analytic_grad)
    bottom = np.maximum(np.abs(numerical) + np.abs(analytic_grad), 1e-8)
    return float((top / bottom).max())
''',
    "check_layer": '''def check_layer(layer, x, upstream, seed, h=1e-5):
    numerical = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        y_plus = np.array(layer.forward(x, seed=seed), dtype=float)
        x[idx] = old - h
        y_minus = np.array(layer.forward(x, seed=seed), dtype=float)
        x[idx] = old
        numerical[idx] = np.sum(upstream * (y_plus - y_minus)) / (2 * h)
    layer.forward(x, seed=seed)                  # forward again at x, then backward
    analytic = np.array(layer.backward(upstream), dtype=float)
    return float(np.max(np.abs(analytic - numerical) / np.maximum(np.abs(analytic) + np.abs(numerical), 1e-8)))
''',
    "dual": '''class Dual:
    def __init__(self, value, deriv=0.0):
        self.value = float(value)
        self.deriv = float(deriv)

    @staticmethod
    def lift(other):
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other):
        o = Dual.lift(other)
        value, deriv = self.value + o.value, self.deriv + o.deriv
        return Dual(value, deriv)

    def __mul__(self, other):
        o = Dual.lift(other)
        return Dual(self.value * o.value, o.value * self.deriv + self.value * o.deriv)

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return Dual(-self.value, -self.deriv)

    def __sub__(self, other):
        return self + (-Dual.lift(other))

    def __rsub__(self, other):
        return Dual.lift(other) - self


def dual_exp(d):
    d = Dual.lift(d)
    return Dual(np.exp(d.value), np.exp(d.value) * d.deriv)


def derivative(f, x):
    return f(Dual(float(x), deriv=1.0)).deriv
''',
}
