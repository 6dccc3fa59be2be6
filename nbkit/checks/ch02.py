"""Checks for notebook 02: Jacobians of the standard maps and the chain s = u^T f(Wx + b).

Every check runs the learner's own function. The oracles are numerical Jacobians of each
map's *definition* (sigma(z) = 1 / (1 + e^-z), softmax(z) = e^z / sum e^z, u^T f(Wx + b),
...) from ``nbkit.jacobian.numerical_jacobian`` and ``nbkit.gradcheck``, plus properties
(diagonal, shapes, no n x n matrix materialised) and values passed in by hidden test
cells. nbkit's own analytic Jacobians are never used here.

A wrong answer is first compared with a catalogue of classic mistakes for the exercise
(a Jacobian written n x m, f'(z) broadcast over a full matrix instead of diag(f'(z)), the
softmax Jacobian taken as diagonal, ...); otherwise ``nbkit.shapes.diagnose`` names what
is wrong (transposed, row vs column, sign, factor, worst entry), worded for Jacobians.

In this notebook a Jacobian is always a 2-D array in numerator layout: m x n for
f: R^n -> R^m, a 1 x n row for a scalar f. Gradients that travel backward in code
(``relu_backward``, ``squared_norm_grads``) are shaped like their variable.

``cases`` lets a hidden test cell pass its own inputs; with ``hidden=True`` messages name
a failing case by its number and the mistake, never its values.
"""
from __future__ import annotations

import tracemalloc
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from nbkit.checks.runner import as_float, call
from nbkit.feedback import fail, format_array, passed, shape_of
from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream
from nbkit.jacobian import numerical_jacobian
from nbkit.shapes import diagnose, snapshot

# (diagnosis tag, the wrong answer it would produce or None, what to tell the learner)
Mistake = Tuple[str, np.ndarray, str]

_LAYOUT_TAGS = {"transposed", "row-vs-column", "wrong-shape", "missing-batch-sum", "wrong-axis"}


# -- the maps' definitions: what the oracles differentiate ------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z):
    return np.maximum(z, 0.0)


def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


ACTIVATIONS = {
    # name: (f, f') handed to the learner's score_jacobians; f' is given, not graded, there.
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
}


# -- shared judging --------------------------------------------------------------------

def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype.kind in "biuf" and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _case(i: int, hidden: bool, text: str) -> str:
    return f"hidden case {i + 1}" if hidden else text


def _layout_message(answer, reference, *, name: str, of: str, wrt: str, diagnosis: str,
                    values_right: bool) -> str:
    """A shape mismatch, explained in Jacobian terms (numerator layout)."""
    m, n = reference.shape
    got = np.shape(answer)
    head = (f"{name} has shape {got} but the Jacobian d{of}/d{wrt} is {m} × {n}: in numerator layout it "
            f"has one row per output ({m}) and one column per input ({n}).")
    if len(got) == 2 and got == (n, 1) and m == 1:
        return (head + " You returned a column: that is the gradient shaped like the variable (denominator "
                "layout), not the Jacobian of a scalar, which is a 1 × n row."
                + (" The numbers are right." if values_right else "")
                + "\nTry: `.reshape(1, -1)`, or build it as a row from the start.")
    if diagnosis == "transposed" or (len(got) == 2 and got == (n, m) and values_right):
        return (head + f" {name}.T holds exactly the right numbers: you wrote it {n} × {m}, the denominator "
                f"layout (one row per input).\nTry: build the rows from the outputs: row i holds the derivatives "
                f"of output i with respect to every input.")
    if len(got) == 1:
        return (head + f" A 1-D array has no rows or columns; in this notebook every Jacobian is a 2-D array"
                + (" (your numbers are right)." if values_right else ".")
                + f"\nTry: return a {m} × {n} array" + (", e.g. `.reshape(1, -1)` for a row." if m == 1 else "."))
    return head + ("\nThe numbers are right but arranged differently; build the matrix entry by entry "
                   "J[i, j] = d output_i / d input_j." if values_right else
                   "\nTry: write down m (outputs) and n (inputs) first, then build an m × n array.")


def _judge(answer, reference, *, exercise: str, name: str, of: str, wrt: str, case: str, hidden: bool,
           mistakes: Sequence[Mistake] = (), rules: Sequence[Callable] = (), inputs=None, snapshots=None,
           param_name: Optional[str] = None) -> None:
    """Fail unless ``answer`` equals ``reference``; name the mistake if it is a known one.

    ``reference`` is a numerical Jacobian (2-D, numerator layout) or, with ``param_name``,
    a gradient shaped like that parameter (shape-convention wording from nbkit.shapes).
    ``rules(answer) -> (tag, message) | None`` test properties (e.g. "not diagonal").
    """
    reference = np.asarray(reference, dtype=float)
    for tag, wrong, why in mistakes:
        if wrong is None:  # a mistake that cannot be told apart in this case (e.g. a transpose of a square)
            continue
        if _same(answer, wrong) and not _same(wrong, reference):
            fail(f"{name} is wrong ({case}). {why}", diagnosis=tag, exercise=exercise)
    if isinstance(answer, np.ndarray) and answer.shape == reference.shape and answer.dtype.kind in "biuf":
        for rule in rules:
            found = rule(answer)
            if found:
                fail(f"{name} is wrong ({case}). {found[1]}", diagnosis=found[0], exercise=exercise)
    jacobian = param_name is None
    result = diagnose(answer, reference, name=name,
                      param_name=param_name or f"the Jacobian d{of}/d{wrt}", inputs=inputs, snapshots=snapshots)
    if result.ok:
        return
    if jacobian and result.diagnosis in _LAYOUT_TAGS:
        arr = np.asarray(answer, dtype=float)
        values_right = arr.size == reference.size and (
            np.allclose(arr.reshape(-1), reference.reshape(-1), rtol=1e-5, atol=1e-8)
            or (arr.ndim == 2 and arr.T.shape == reference.shape and np.allclose(arr.T, reference, rtol=1e-5, atol=1e-8)))
        message = _layout_message(answer, reference, name=name, of=of, wrt=wrt,
                                  diagnosis=result.diagnosis, values_right=values_right)
        fail(f"{name} is wrong ({case}). {message}", diagnosis=result.diagnosis, exercise=exercise)
    lines = result.message.split("\n")
    if hidden and result.diagnosis == "wrong-values":
        lines[0] = f"{name} has the right shape {shape_of(answer)} but wrong values."
    fail(f"{name} is wrong ({case}). " + "\n".join(lines), diagnosis=result.diagnosis, exercise=exercise)


def _count(n: int, hidden: bool) -> str:
    """"3 hidden cases", "1 case"."""
    return f"{n} {'hidden ' if hidden else ''}case{'s' if n != 1 else ''}"


def _vector(v) -> np.ndarray:
    return np.array(v, dtype=float)


def _elementwise_rules(what: str) -> List[Callable]:
    """Property: an elementwise map's Jacobian is diagonal (h_i depends on z_i alone)."""
    def not_diagonal(J):
        off = J - np.diag(np.diag(J))
        if np.max(np.abs(off)) <= 1e-9 * max(1.0, np.max(np.abs(J))):
            return None
        d = np.diag(J)
        broadcast = np.allclose(J, d[None, :]) or np.allclose(J, d[:, None])
        if broadcast:
            return ("broadcast-full",
                    f"Every row (or column) repeats the same numbers: {what} was broadcast over a full "
                    f"n × n matrix. But h_i = f(z_i) depends on z_i alone, so dh_i/dz_j = 0 for i ≠ j: the "
                    f"Jacobian is diag(f'(z)), zero off the diagonal.\nTry: `np.diag(...)` of the vector of derivatives.")
        return ("not-diagonal",
                f"It has non-zero entries off the diagonal. h_i = f(z_i) depends on z_i alone, so "
                f"dh_i/dz_j = 0 for i ≠ j: the Jacobian of an elementwise map is diag(f'(z)).")
    return [not_diagonal]


def _rounded(rng, size, scale: float = 1.0) -> np.ndarray:
    """Random values with 2 decimals (readable in messages); + 0.0 turns -0.0 into 0.0."""
    return rng.normal(scale=scale, size=size).round(2) + 0.0


def _default_vectors(seed: int, sizes=(3, 4, 1)) -> List[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [_rounded(rng, n, scale=1.5) for n in sizes]


# -- exercise: elementwise sigmoid ----------------------------------------------------

def check_sigmoid_jacobian(sigmoid_jacobian, cases=None, hidden: bool = False) -> None:
    """Check ``sigmoid_jacobian(z) -> (n, n)`` = diag(sigma(z)(1 - sigma(z))) for z of shape (n,)."""
    exercise = "sigmoid_jacobian"
    cases = [_vector(z) for z in cases] if cases is not None else _default_vectors(20)
    for i, z in enumerate(cases):
        s = _sigmoid(z)
        d = s * (1 - s)
        case = _case(i, hidden, f"z = {format_array(z)}")
        answer = call(sigmoid_jacobian, z.copy(), what=f"sigmoid_jacobian(z) for z of shape {z.shape}",
                      exercise=exercise)
        reference = numerical_jacobian(_sigmoid, z.copy())
        mistakes = [
            ("diagonal-as-vector", d,
             f"You returned the vector σ'(z), shape {d.shape}: these are only the diagonal entries. The "
             f"Jacobian of h = σ(z), z in R^{z.size}, is the {z.size} × {z.size} matrix diag(σ'(z)).\n"
             f"Try: `np.diag(...)` around your vector."),
            ("value-not-derivative", np.diag(s),
             "The diagonal holds σ(z), the value of the sigmoid, not its derivative. "
             "σ'(z) = σ(z)(1 − σ(z))."),
            ("derivative-of-z", np.diag(z * (1 - z)),
             "The diagonal holds z(1 − z). The sigmoid's derivative is σ(z)(1 − σ(z)): use σ(z), not z."),
        ]
        _judge(answer, reference, exercise=exercise, name="J", of="h", wrt="z", case=case, hidden=hidden,
               mistakes=mistakes, rules=_elementwise_rules("σ'(z)"))
    passed(f"{exercise}: diag(σ(z)(1 − σ(z))) matches the numerical Jacobian on {_count(len(cases), hidden)}.")


# -- exercise: elementwise ReLU -------------------------------------------------------

def check_relu_jacobian(relu_jacobian, cases=None, hidden: bool = False) -> None:
    """Check ``relu_jacobian(z) -> (n, n)`` = diag(1[z > 0]). Entries at z_i == 0 (the kink)
    may be anything in [0, 1]: every value there is a valid subgradient."""
    exercise = "relu_jacobian"
    cases = [_vector(z) for z in cases] if cases is not None else _default_vectors(21, sizes=(4, 3, 6))
    for i, z in enumerate(cases):
        case = _case(i, hidden, f"z = {format_array(z)}")
        answer = call(relu_jacobian, z.copy(), what=f"relu_jacobian(z) for z of shape {z.shape}", exercise=exercise)
        reference = numerical_jacobian(_relu, z.copy())
        kink = np.flatnonzero(z == 0)
        if kink.size and isinstance(answer, np.ndarray) and answer.shape == reference.shape:
            # at the kink accept the learner's choice if it is a subgradient
            chosen = np.asarray(answer, dtype=float)[kink, kink]
            if np.all((chosen >= 0) & (chosen <= 1)):
                reference[kink, kink] = chosen
        mask = (z > 0).astype(float)
        mistakes = [
            ("diagonal-as-vector", mask,
             f"You returned the mask 1[z > 0], shape {mask.shape}: only the diagonal. The Jacobian of "
             f"h = ReLU(z) is the {z.size} × {z.size} matrix diag(1[z > 0]).\nTry: `np.diag(...)`."),
            ("value-not-derivative", np.diag(_relu(z)),
             "The diagonal holds max(0, z), the ReLU's values. Its derivative is 1 where z > 0 and 0 where z < 0."),
            ("mask-inverted", np.diag((z <= 0).astype(float)),
             "The mask is inverted: ReLU passes positive inputs through (slope 1) and flattens negative ones "
             "(slope 0), so the derivative is 1 where z > 0."),
        ]
        _judge(answer, reference, exercise=exercise, name="J", of="h", wrt="z", case=case, hidden=hidden,
               mistakes=mistakes, rules=_elementwise_rules("the mask 1[z > 0]"))
    passed(f"{exercise}: diag(1[z > 0]) matches the numerical Jacobian on {_count(len(cases), hidden)}.")


# -- exercise: ReLU backward without the Jacobian --------------------------------------

MATERIALISED_BYTES = 8 * 2 ** 20  # a 4096 x 4096 float64 Jacobian is 128 MiB; the mask is 32 KiB


def _peak_bytes(fn, *args) -> Tuple[object, int]:
    """Run fn(*args) and return (result, peak bytes allocated during the call)."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn(*args)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if started:
            tracemalloc.stop()
    return result, peak


def check_relu_backward(relu_backward, cases=None, hidden: bool = False, big_n: int = 4096) -> None:
    """Check ``relu_backward(upstream, z) -> downstream`` (all shape (n,)) = upstream * 1[z > 0],
    computed without materialising the n x n Jacobian (checked at n = ``big_n``)."""
    exercise = "relu_backward"
    if cases is None:
        rng = np.random.default_rng(22)
        cases = [(_rounded(rng, n), _rounded(rng, n)) for n in (5, 8)]
    cases = [(_vector(up), _vector(z)) for up, z in cases]
    for i, (upstream, z) in enumerate(cases):
        case = _case(i, hidden, f"upstream = {format_array(upstream)}, z = {format_array(z)}")
        inputs = {"upstream": upstream.copy(), "z": z.copy()}
        before = snapshot(inputs)
        answer = call(relu_backward, inputs["upstream"], inputs["z"],
                      what=f"relu_backward(upstream, z) for shape {z.shape}", exercise=exercise)
        reference = numerical_gradient_upstream(_relu, z.copy(), upstream)
        mistakes = [
            ("forgot-upstream", (z > 0).astype(float),
             "You returned the local gradient 1[z > 0] alone. Downstream = upstream × local gradient: "
             "multiply the mask by upstream."),
            ("value-not-derivative", upstream * _relu(z),
             "You multiplied upstream by max(0, z), the ReLU's values; the local gradient is the mask 1[z > 0]."),
            ("mask-inverted", upstream * (z <= 0),
             "The mask is inverted: the gradient flows back where z > 0 (slope 1) and stops where z < 0."),
        ]
        _judge(answer, reference, exercise=exercise, name="downstream", of="", wrt="z", case=case,
               hidden=hidden, mistakes=mistakes, inputs=inputs, snapshots=before, param_name="z")
    rng = np.random.default_rng(23)
    upstream, z = rng.normal(size=big_n), rng.normal(size=big_n)
    answer, peak = _peak_bytes(lambda: call(relu_backward, upstream.copy(), z.copy(),
                                            what=f"relu_backward at n = {big_n}", exercise=exercise))
    if peak > MATERIALISED_BYTES:
        fail(f"relu_backward allocated {peak / 2 ** 20:.0f} MiB at n = {big_n}: it builds the {big_n} × {big_n} "
             f"Jacobian (or another n × n array). The point of this exercise is that you never need it: "
             f"upstream @ diag(1[z > 0]) is just upstream * (z > 0), elementwise.",
             diagnosis="materialised-jacobian", exercise=exercise)
    _judge(answer, upstream * (z > 0), exercise=exercise, name="downstream", of="", wrt="z",
           case=f"n = {big_n}", hidden=hidden, param_name="z")
    passed(f"{exercise}: upstream × 1[z > 0] on {_count(len(cases) + 1, hidden)}, "
           f"including n = {big_n} in {peak / 2 ** 10:.0f} KiB (no n × n Jacobian).")


# -- exercise: affine map ---------------------------------------------------------------

def check_affine_jacobians(affine_jacobians, cases=None, hidden: bool = False) -> None:
    """Check ``affine_jacobians(W, x, b) -> (dz_dx, dz_db)`` for z = W x + b, W of shape (m, n):
    dz_dx = W (m, n) and dz_db = I (m, m)."""
    exercise = "affine_jacobians"
    if cases is None:
        rng = np.random.default_rng(24)
        cases = [(_rounded(rng, (m, n)), _rounded(rng, n), _rounded(rng, m))
                 for m, n in ((3, 4), (2, 5))]
    for i, (W, x, b) in enumerate(cases):
        W, x, b = np.array(W, dtype=float), _vector(x), _vector(b)
        m, n = W.shape
        case = _case(i, hidden, f"W of shape {W.shape}")
        result = call(affine_jacobians, W.copy(), x.copy(), b.copy(), what="affine_jacobians(W, x, b)",
                      exercise=exercise)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            fail(f"affine_jacobians should return two Jacobians, (dz_dx, dz_db); it returned {type(result).__name__}"
                 f"{'' if not isinstance(result, (tuple, list)) else f' of length {len(result)}'}.",
                 diagnosis="wrong-count", exercise=exercise)
        dz_dx, dz_db = result
        ref_x = numerical_jacobian(lambda v: W @ v + b, x.copy())
        ref_b = numerical_jacobian(lambda v: W @ x + v, b.copy())
        _judge(dz_dx, ref_x, exercise=exercise, name="dz_dx", of="z", wrt="x", case=case, hidden=hidden,
               mistakes=[("wrong-variable", np.tile(x, (m, 1)),
                          "Every row is x: that is how z depends on W (row i of W meets x), not on x. "
                          "z_i = Σ_j W_ij x_j + b_i, so dz_i/dx_j = W_ij: the Jacobian is W itself.")])
        db_mistakes = [
            ("ones-not-identity", np.ones((m, m)),
             "All ones: but z_i = (W x)_i + b_i contains b_i only, so dz_i/db_j is 1 when i = j and 0 otherwise: "
             "the identity I."),
            ("diagonal-as-vector", np.ones(m),
             f"A vector of ones has only the diagonal. dz/db is the {m} × {m} identity matrix `np.eye({m})`."),
            ("wrong-variable", b,
             "That is b itself, not the derivative of z with respect to b (which is the identity)."),
        ]
        if n != m:
            db_mistakes.append(("identity-wrong-size", np.eye(n),
                                f"The identity is right but its size is not: b has {m} entries (one per output "
                                f"z_i), so dz/db is {m} × {m}, not {n} × {n}."))
        _judge(dz_db, ref_b, exercise=exercise, name="dz_db", of="z", wrt="b", case=case, hidden=hidden,
               mistakes=db_mistakes)
    passed(f"{exercise}: dz/dx = W and dz/db = I, both m × n / m × m, on {_count(len(cases), hidden)}.")


# -- exercise: the score u^T h in u -------------------------------------------------------

def check_score_jacobian_u(score_jacobian_u, cases=None, hidden: bool = False) -> None:
    """Check ``score_jacobian_u(u, h) -> (1, n)`` = h^T, the Jacobian of s = u^T h in u."""
    exercise = "score_jacobian_u"
    if cases is None:
        rng = np.random.default_rng(25)
        cases = [(_rounded(rng, n), _rounded(rng, n)) for n in (4, 3)]
    for i, (u, h) in enumerate(cases):
        u, h = _vector(u), _vector(h)
        case = _case(i, hidden, f"u = {format_array(u)}, h = {format_array(h)}")
        answer = call(score_jacobian_u, u.copy(), h.copy(), what="score_jacobian_u(u, h)", exercise=exercise)
        reference = numerical_jacobian(lambda v: v @ h, u.copy())
        mistakes = [
            ("wrong-variable", u.reshape(1, -1),
             "That is uᵀ, the derivative of s = uᵀh with respect to h. With respect to u it is hᵀ: "
             "s = Σ_i u_i h_i, so ds/du_i = h_i."),
            ("not-a-row", np.diag(h),
             f"s = uᵀh is a single number, so its Jacobian has one row: 1 × {u.size}, not {u.size} × {u.size}."),
        ]
        _judge(answer, reference, exercise=exercise, name="J", of="s", wrt="u", case=case, hidden=hidden,
               mistakes=mistakes)
    passed(f"{exercise}: d(uᵀh)/du = hᵀ, a 1 × n row, on {_count(len(cases), hidden)}.")


# -- exercise: softmax ------------------------------------------------------------------------

def check_softmax_jacobian(softmax_jacobian, cases=None, hidden: bool = False) -> None:
    """Check ``softmax_jacobian(z) -> (n, n)`` = diag(p) - p p^T, p = softmax(z), z of shape (n,)."""
    exercise = "softmax_jacobian"
    cases = [_vector(z) for z in cases] if cases is not None else _default_vectors(26, sizes=(3, 4))
    for i, z in enumerate(cases):
        p = _softmax(z)
        e = np.exp(z)
        case = _case(i, hidden, f"z = {format_array(z)}")
        answer = call(softmax_jacobian, z.copy(), what=f"softmax_jacobian(z) for z of shape {z.shape}",
                      exercise=exercise)
        reference = numerical_jacobian(_softmax, z.copy())
        mistakes = [
            ("softmax-diagonal", np.diag(p * (1 - p)),
             "You took the softmax Jacobian as diagonal, diag(p(1 − p)). But every p_i = e^{z_i} / Σ_k e^{z_k} "
             "depends on every z_j through the sum in the denominator: for i ≠ j, dp_i/dz_j = −p_i p_j. "
             "The full Jacobian is diag(p) − p pᵀ."),
            ("softmax-diagonal", np.diag(p),
             "You kept only diag(p), a diagonal matrix; the softmax couples all outputs through its "
             "normalising sum, which adds −p pᵀ (dp_i/dz_j = −p_i p_j for i ≠ j)."),
            ("missing-diagonal-term", -np.outer(p, p),
             "Only −p pᵀ: the diag(p) term is missing. It comes from the numerator e^{z_i} of p_i, which "
             "depends on z_i itself: dp_i/dz_i = p_i − p_i²."),
            ("outer-not-broadcast", np.diag(p) - p[None, :],
             "p pᵀ is the outer product `np.outer(p, p)` (entry i, j = p_i p_j); subtracting p itself "
             "broadcasts p along the rows instead."),
            ("outer-not-broadcast", np.diag(p) - p[:, None],
             "p pᵀ is the outer product `np.outer(p, p)` (entry i, j = p_i p_j); subtracting p[:, None] "
             "broadcasts p along the columns instead."),
            ("unnormalised", np.diag(e) - np.outer(e, e),
             "You used e^z where p = e^z / Σ e^z belongs: normalise first (the probabilities must sum to 1)."),
        ]

        def diagonal_rule(J):
            off = J - np.diag(np.diag(J))
            if np.max(np.abs(off)) <= 1e-12 and np.max(np.abs(reference - np.diag(np.diag(reference)))) > 1e-6:
                return ("softmax-diagonal",
                        "Your Jacobian is diagonal, but the softmax's is not: every p_i depends on every z_j "
                        "through the normalising sum, so dp_i/dz_j = −p_i p_j for i ≠ j.")
            return None

        _judge(answer, reference, exercise=exercise, name="J", of="p", wrt="z", case=case, hidden=hidden,
               mistakes=mistakes, rules=[diagonal_rule])
    passed(f"{exercise}: diag(p) − p pᵀ matches the numerical Jacobian on {_count(len(cases), hidden)}.")


# -- exercise: the worked example f = ||W x||^2 ----------------------------------------------

def check_squared_norm_grads(squared_norm_grads, cases=None, hidden: bool = False) -> None:
    """Check ``squared_norm_grads(W, x) -> (f, grad_W, grad_x)`` for f = ||W x||^2:
    f a float, grad_W = 2 q x^T shaped like W (m, n), grad_x = 2 W^T q shaped like x (n,).

    ``cases``: (W, x) or (W, x, (f, grad_W, grad_x)) with expected values to match too.
    """
    exercise = "squared_norm_grads"
    if cases is None:
        rng = np.random.default_rng(27)
        cases = [(_rounded(rng, (3, 2)), _rounded(rng, 2)),
                 (_rounded(rng, (2, 4)), _rounded(rng, 4))]
    for i, case_data in enumerate(cases):
        W, x = np.array(case_data[0], dtype=float), _vector(case_data[1])
        expected = case_data[2] if len(case_data) > 2 else None
        case = _case(i, hidden, f"W of shape {W.shape}, x = {format_array(x)}")
        result = call(squared_norm_grads, W.copy(), x.copy(), what="squared_norm_grads(W, x)", exercise=exercise)
        if not (isinstance(result, (tuple, list)) and len(result) == 3):
            fail("squared_norm_grads should return three things: (f, grad_W, grad_x).",
                 diagnosis="wrong-count", exercise=exercise)
        f_value = as_float(result[0], what="f", exercise=exercise)
        want_f = float(np.sum((W @ x) ** 2))
        if abs(f_value - want_f) > 1e-9 * max(1.0, abs(want_f)):
            shown = "" if hidden else f" f = {f_value:.6g}, but ||W x||² = {want_f:.6g}."
            fail(f"f is wrong ({case}).{shown} q = W x, then f = Σ_i q_i².", diagnosis="wrong-forward",
                 exercise=exercise)
        q = W @ x
        ref_W = numerical_gradient(lambda M: np.sum((M @ x) ** 2), W.copy())
        ref_x = numerical_gradient(lambda v: np.sum((W @ v) ** 2), x.copy())
        _judge(result[1], ref_W, exercise=exercise, name="grad_W", of="f", wrt="W", case=case, hidden=hidden,
               param_name="W", mistakes=[
                   ("transposed", 2 * np.outer(x, q) if W.shape[0] != W.shape[1] else None,
                    f"grad_W = 2 x qᵀ has shape {(W.shape[1], W.shape[0])}, the transpose: entry [i, j] must be "
                    f"df/dW_ij = 2 q_i x_j, so grad_W = 2 q xᵀ, shaped like W {W.shape}.")])
        _judge(result[2], ref_x, exercise=exercise, name="grad_x", of="f", wrt="x", case=case, hidden=hidden,
               param_name="x", mistakes=[
                   ("missing-transpose", 2 * W @ q if W.shape[0] == W.shape[1] else None,
                    "2 W q multiplies by W where Wᵀ belongs: df/dx_j = Σ_i 2 q_i W_ij, a sum down column j of W, "
                    "so grad_x = 2 Wᵀ q.")])
        if expected is not None:
            for name, got, want in (("f", f_value, expected[0]), ("grad_W", result[1], expected[1]),
                                    ("grad_x", result[2], expected[2])):
                if not np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=5e-4):
                    fail(f"{name} does not reproduce the expected values ({case}).", diagnosis="wrong-values",
                         exercise=exercise)
    passed(f"{exercise}: f, grad_W = 2 q xᵀ and grad_x = 2 Wᵀ q match numerical gradients on {_count(len(cases), hidden)}.")


# -- exercise: the chain of Jacobians for s = u^T f(W x + b) -------------------------------

def _score_mistakes(W, b, u, x, fp, h) -> dict:
    z = W @ x + b
    delta = (u * fp(z)).reshape(1, -1)
    with_h = (h * fp(z)).reshape(1, -1)
    return {
        "delta": [
            ("used-h-for-u", with_h,
             "δ = hᵀ ∘ f'(z) uses the activations h = f(z) where the score's weights u belong (a slip some "
             "lecture notes make). s = uᵀh, so ds/dh = uᵀ, and δ = ds/dz = uᵀ diag(f'(z)) = (u ∘ f'(z))ᵀ."),
            ("forgot-local-gradient", u.reshape(1, -1),
             "δ = uᵀ stops at h: the chain continues through h = f(z), whose Jacobian diag(f'(z)) "
             "multiplies in. δ = uᵀ diag(f'(z)) = (u ∘ f'(z))ᵀ."),
            ("value-not-derivative", (u * h).reshape(1, -1),
             "δ = (u ∘ f(z))ᵀ uses the activation f(z) where its derivative f'(z) belongs."),
        ],
        "ds_db": [
            ("used-h-for-u", with_h,
             "ds/db = hᵀ ∘ f'(z) uses h where u belongs. ds/db = δ · dz/db = δ I = δ = (u ∘ f'(z))ᵀ."),
            ("forgot-local-gradient", u.reshape(1, -1),
             "ds/db = uᵀ skips diag(f'(z)): ds/db = uᵀ diag(f'(z)) I = δ."),
        ],
        "ds_dW": [
            ("transposed", np.outer(x, delta) if W.shape[0] != W.shape[1] else None,
             f"ds_dW has shape {(W.shape[1], W.shape[0])}: that is x δ, the transpose. Entry [i, j] is "
             f"ds/dW_ij = δ_i x_j, so arranged like W {W.shape} it is δᵀ xᵀ (np.outer(δ, x))."),
            ("used-h-for-u", np.outer(with_h, x),
             "ds/dW = δᵀ xᵀ with δ = (u ∘ f'(z))ᵀ; you built δ from h = f(z) instead of u."),
        ],
        "ds_dx": [
            ("missing-transpose", (W @ delta.T).reshape(1, -1) if W.shape[0] == W.shape[1] else None,
             "ds/dx = δ W (a 1 × m row times an m × n matrix); W δ mixes the wrong entries."),
            ("used-h-for-u", with_h @ W,
             "ds/dx = δ W with δ = (u ∘ f'(z))ᵀ; you built δ from h = f(z) instead of u."),
        ],
    }


def check_score_jacobians(score_jacobians, cases=None, activation: str = "sigmoid", hidden: bool = False) -> None:
    """Check ``score_jacobians(W, b, u, x, f, f_prime) -> (delta, ds_db, ds_dW, ds_dx)`` for
    s = u^T f(W x + b), W (m, n): delta (1, m), ds_db (1, m), ds_dW (m, n) arranged like W,
    ds_dx (1, n). ``activation`` ("sigmoid" or "tanh") picks the f, f' passed in."""
    exercise = "score_jacobians"
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    f, fp = ACTIVATIONS[activation]
    if cases is None:
        rng = np.random.default_rng(28)
        cases = [(_rounded(rng, (m, n)), _rounded(rng, m), _rounded(rng, m),
                  _rounded(rng, n)) for m, n in ((3, 4), (2, 3))]
    for i, (W, b, u, x) in enumerate(cases):
        W, b, u, x = np.array(W, dtype=float), _vector(b), _vector(u), _vector(x)
        m, n = W.shape
        case = _case(i, hidden, f"W of shape {W.shape}, f = {activation}")
        result = call(score_jacobians, W.copy(), b.copy(), u.copy(), x.copy(), f, fp,
                      what="score_jacobians(W, b, u, x, f, f_prime)", exercise=exercise)
        if not (isinstance(result, (tuple, list)) and len(result) == 4):
            fail("score_jacobians should return four things: (delta, ds_db, ds_dW, ds_dx).",
                 diagnosis="wrong-count", exercise=exercise)
        delta, ds_db, ds_dW, ds_dx = result
        z = W @ x + b
        h = f(z)
        # Oracles: numerical derivatives of the score's definition, in each variable.
        ref_delta = numerical_jacobian(lambda v: u @ f(v), z.copy())
        ref_b = numerical_jacobian(lambda v: u @ f(W @ x + v), b.copy())
        ref_W = numerical_gradient(lambda M: float(u @ f(M @ x + b)), W.copy())
        ref_x = numerical_jacobian(lambda v: u @ f(W @ v + b), x.copy())
        mistakes = _score_mistakes(W, b, u, x, fp, h)
        _judge(delta, ref_delta, exercise=exercise, name="delta", of="s", wrt="z", case=case, hidden=hidden,
               mistakes=mistakes["delta"])
        _judge(ds_db, ref_b, exercise=exercise, name="ds_db", of="s", wrt="b", case=case, hidden=hidden,
               mistakes=mistakes["ds_db"])
        _judge(ds_dW, ref_W, exercise=exercise, name="ds_dW", of="s", wrt="W", case=case, hidden=hidden,
               mistakes=mistakes["ds_dW"], param_name="W")
        _judge(ds_dx, ref_x, exercise=exercise, name="ds_dx", of="s", wrt="x", case=case, hidden=hidden,
               mistakes=mistakes["ds_dx"])
    passed(f"{exercise}: δ, ds/db = δ, ds/dW = δᵀxᵀ and ds/dx = δ W match numerical derivatives on "
           f"{_count(len(cases), hidden)} (f = {activation}).")
