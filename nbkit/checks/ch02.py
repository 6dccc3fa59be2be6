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
from typing import List, Tuple

import numpy as np

from nbkit.checks.definitions import relu as _relu
from nbkit.checks.definitions import sigmoid as _sigmoid
from nbkit.checks.definitions import softmax as _softmax
from nbkit.checks.jacobians import elementwise_rules, judge_jacobian
from nbkit.checks.kit import Exercise, Mistake, close
from nbkit.feedback import format_array
from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream
from nbkit.jacobian import numerical_jacobian
from nbkit.shapes import snapshot


# -- the activations handed to score_jacobians ------------------------------------------

ACTIVATIONS = {
    # name: (f, f') handed to the learner's score_jacobians; f' is given, not graded, there.
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
}


def _vector(v) -> np.ndarray:
    return np.array(v, dtype=float)


def _rounded(rng, size, scale: float = 1.0) -> np.ndarray:
    """Random values with 2 decimals (readable in messages); + 0.0 turns -0.0 into 0.0."""
    return rng.normal(scale=scale, size=size).round(2) + 0.0


def _default_vectors(seed: int, sizes=(3, 4, 1)) -> List[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [_rounded(rng, n, scale=1.5) for n in sizes]


# -- exercise: elementwise sigmoid ----------------------------------------------------

def check_sigmoid_jacobian(sigmoid_jacobian, cases=None, hidden: bool = False) -> None:
    """Check ``sigmoid_jacobian(z) -> (n, n)`` = diag(sigma(z)(1 - sigma(z))) for z of shape (n,)."""
    ex = Exercise("sigmoid_jacobian", hidden=hidden)
    cases = [_vector(z) for z in cases] if cases is not None else _default_vectors(20)
    for i, z in enumerate(cases):
        s = _sigmoid(z)
        d = s * (1 - s)
        case = ex.case(i, f"z = {format_array(z)}")
        answer = ex.call(sigmoid_jacobian, z.copy(), what=f"sigmoid_jacobian(z) for z of shape {z.shape}")
        reference = numerical_jacobian(_sigmoid, z.copy())
        mistakes = [
            Mistake("diagonal-as-vector", lambda: d,
             f"You returned the vector σ'(z), shape {d.shape}: these are only the diagonal entries. The "
             f"Jacobian of h = σ(z), z in R^{z.size}, is the {z.size} × {z.size} matrix diag(σ'(z)).\n"
             f"Try: `np.diag(...)` around your vector."),
            Mistake("value-not-derivative", lambda: np.diag(s),
             "The diagonal holds σ(z), the value of the sigmoid, not its derivative. "
             "σ'(z) = σ(z)(1 − σ(z))."),
            Mistake("derivative-of-z", lambda: np.diag(z * (1 - z)),
             "The diagonal holds z(1 − z). The sigmoid's derivative is σ(z)(1 − σ(z)): use σ(z), not z."),
        ]
        judge_jacobian(ex, answer, reference, name="J", of="h", wrt="z", case=case,
               mistakes=mistakes, rules=elementwise_rules("σ'(z)"))
    ex.passed(f"diag(σ(z)(1 − σ(z))) matches the numerical Jacobian on {ex.count(len(cases))}.")


# -- exercise: elementwise ReLU -------------------------------------------------------

def check_relu_jacobian(relu_jacobian, cases=None, hidden: bool = False) -> None:
    """Check ``relu_jacobian(z) -> (n, n)`` = diag(1[z > 0]). Entries at z_i == 0 (the kink)
    may be anything in [0, 1]: every value there is a valid subgradient."""
    ex = Exercise("relu_jacobian", hidden=hidden)
    cases = [_vector(z) for z in cases] if cases is not None else _default_vectors(21, sizes=(4, 3, 6))
    for i, z in enumerate(cases):
        case = ex.case(i, f"z = {format_array(z)}")
        answer = ex.call(relu_jacobian, z.copy(), what=f"relu_jacobian(z) for z of shape {z.shape}")
        reference = numerical_jacobian(_relu, z.copy())
        kink = np.flatnonzero(z == 0)
        if kink.size and isinstance(answer, np.ndarray) and answer.shape == reference.shape:
            # at the kink accept the learner's choice if it is a subgradient
            chosen = np.asarray(answer, dtype=float)[kink, kink]
            if np.all((chosen >= 0) & (chosen <= 1)):
                reference[kink, kink] = chosen
        mask = (z > 0).astype(float)
        mistakes = [
            Mistake("diagonal-as-vector", lambda: mask,
             f"You returned the mask 1[z > 0], shape {mask.shape}: only the diagonal. The Jacobian of "
             f"h = ReLU(z) is the {z.size} × {z.size} matrix diag(1[z > 0]).\nTry: `np.diag(...)`."),
            Mistake("value-not-derivative", lambda: np.diag(_relu(z)),
             "The diagonal holds max(0, z), the ReLU's values. Its derivative is 1 where z > 0 and 0 where z < 0."),
            Mistake("mask-inverted", lambda: np.diag((z <= 0).astype(float)),
             "The mask is inverted: ReLU passes positive inputs through (slope 1) and flattens negative ones "
             "(slope 0), so the derivative is 1 where z > 0."),
        ]
        judge_jacobian(ex, answer, reference, name="J", of="h", wrt="z", case=case,
               mistakes=mistakes, rules=elementwise_rules("the mask 1[z > 0]"))
    ex.passed(f"diag(1[z > 0]) matches the numerical Jacobian on {ex.count(len(cases))}.")


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
    ex = Exercise("relu_backward", hidden=hidden)
    if cases is None:
        rng = np.random.default_rng(22)
        cases = [(_rounded(rng, n), _rounded(rng, n)) for n in (5, 8)]
    cases = [(_vector(up), _vector(z)) for up, z in cases]
    for i, (upstream, z) in enumerate(cases):
        case = ex.case(i, f"upstream = {format_array(upstream)}, z = {format_array(z)}")
        inputs = {"upstream": upstream.copy(), "z": z.copy()}
        before = snapshot(inputs)
        answer = ex.call(relu_backward, inputs["upstream"], inputs["z"],
                      what=f"relu_backward(upstream, z) for shape {z.shape}")
        reference = numerical_gradient_upstream(_relu, z.copy(), upstream)
        mistakes = [
            Mistake("forgot-upstream", lambda: (z > 0).astype(float),
             "You returned the local gradient 1[z > 0] alone. Downstream = upstream × local gradient: "
             "multiply the mask by upstream."),
            Mistake("value-not-derivative", lambda: upstream * _relu(z),
             "You multiplied upstream by max(0, z), the ReLU's values; the local gradient is the mask 1[z > 0]."),
            Mistake("mask-inverted", lambda: upstream * (z <= 0),
             "The mask is inverted: the gradient flows back where z > 0 (slope 1) and stops where z < 0."),
        ]
        judge_jacobian(ex, answer, reference, name="downstream", of="", wrt="z", case=case, mistakes=mistakes, inputs=inputs, snapshots=before, param_name="z")
    rng = np.random.default_rng(23)
    upstream, z = rng.normal(size=big_n), rng.normal(size=big_n)
    answer, peak = _peak_bytes(lambda: ex.call(relu_backward, upstream.copy(), z.copy(),
                                            what=f"relu_backward at n = {big_n}"))
    if peak > MATERIALISED_BYTES:
        ex.fail(f"relu_backward allocated {peak / 2 ** 20:.0f} MiB at n = {big_n}: it builds the {big_n} × {big_n} "
             f"Jacobian (or another n × n array). The point of this exercise is that you never need it: "
             f"upstream @ diag(1[z > 0]) is just upstream * (z > 0), elementwise.", "materialised-jacobian")
    judge_jacobian(ex, answer, upstream * (z > 0), name="downstream", of="", wrt="z",
           case=f"n = {big_n}", param_name="z")
    ex.passed(f"upstream × 1[z > 0] on {ex.count(len(cases) + 1)}, "
           f"including n = {big_n} in {peak / 2 ** 10:.0f} KiB (no n × n Jacobian).")


# -- exercise: affine map ---------------------------------------------------------------

def check_affine_jacobians(affine_jacobians, cases=None, hidden: bool = False) -> None:
    """Check ``affine_jacobians(W, x, b) -> (dz_dx, dz_db)`` for z = W x + b, W of shape (m, n):
    dz_dx = W (m, n) and dz_db = I (m, m)."""
    ex = Exercise("affine_jacobians", hidden=hidden)
    if cases is None:
        rng = np.random.default_rng(24)
        cases = [(_rounded(rng, (m, n)), _rounded(rng, n), _rounded(rng, m))
                 for m, n in ((3, 4), (2, 5))]
    for i, (W, x, b) in enumerate(cases):
        W, x, b = np.array(W, dtype=float), _vector(x), _vector(b)
        m, n = W.shape
        case = ex.case(i, f"W of shape {W.shape}")
        result = ex.call(affine_jacobians, W.copy(), x.copy(), b.copy(), what="affine_jacobians(W, x, b)")
        dz_dx, dz_db = ex.returned(result, 2, what="affine_jacobians", names="two Jacobians, (dz_dx, dz_db)")
        ref_x = numerical_jacobian(lambda v: W @ v + b, x.copy())
        ref_b = numerical_jacobian(lambda v: W @ x + v, b.copy())
        judge_jacobian(ex, dz_dx, ref_x, name="dz_dx", of="z", wrt="x", case=case,
               mistakes=[Mistake("wrong-variable", lambda: np.tile(x, (m, 1)),
                          "Every row is x: that is how z depends on W (row i of W meets x), not on x. "
                          "z_i = Σ_j W_ij x_j + b_i, so dz_i/dx_j = W_ij: the Jacobian is W itself.")])
        db_mistakes = [
            Mistake("ones-not-identity", lambda: np.ones((m, m)),
             "All ones: but z_i = (W x)_i + b_i contains b_i only, so dz_i/db_j is 1 when i = j and 0 otherwise: "
             "the identity I."),
            Mistake("diagonal-as-vector", lambda: np.ones(m),
             f"A vector of ones has only the diagonal. dz/db is the {m} × {m} identity matrix `np.eye({m})`."),
            Mistake("wrong-variable", lambda: b,
             "That is b itself, not the derivative of z with respect to b (which is the identity)."),
        ]
        if n != m:
            db_mistakes.append(Mistake("identity-wrong-size", lambda: np.eye(n),
                                f"The identity is right but its size is not: b has {m} entries (one per output "
                                f"z_i), so dz/db is {m} × {m}, not {n} × {n}."))
        judge_jacobian(ex, dz_db, ref_b, name="dz_db", of="z", wrt="b", case=case,
               mistakes=db_mistakes)
    ex.passed(f"dz/dx = W and dz/db = I, both m × n / m × m, on {ex.count(len(cases))}.")


# -- exercise: the score u^T h in u -------------------------------------------------------

def check_score_jacobian_u(score_jacobian_u, cases=None, hidden: bool = False) -> None:
    """Check ``score_jacobian_u(u, h) -> (1, n)`` = h^T, the Jacobian of s = u^T h in u."""
    ex = Exercise("score_jacobian_u", hidden=hidden)
    if cases is None:
        rng = np.random.default_rng(25)
        cases = [(_rounded(rng, n), _rounded(rng, n)) for n in (4, 3)]
    for i, (u, h) in enumerate(cases):
        u, h = _vector(u), _vector(h)
        case = ex.case(i, f"u = {format_array(u)}, h = {format_array(h)}")
        answer = ex.call(score_jacobian_u, u.copy(), h.copy(), what="score_jacobian_u(u, h)")
        reference = numerical_jacobian(lambda v: v @ h, u.copy())
        mistakes = [
            Mistake("wrong-variable", lambda: u.reshape(1, -1),
             "That is uᵀ, the derivative of s = uᵀh with respect to h. With respect to u it is hᵀ: "
             "s = Σ_i u_i h_i, so ds/du_i = h_i."),
            Mistake("not-a-row", lambda: np.diag(h),
             f"s = uᵀh is a single number, so its Jacobian has one row: 1 × {u.size}, not {u.size} × {u.size}."),
        ]
        judge_jacobian(ex, answer, reference, name="J", of="s", wrt="u", case=case,
               mistakes=mistakes)
    ex.passed(f"d(uᵀh)/du = hᵀ, a 1 × n row, on {ex.count(len(cases))}.")


# -- exercise: softmax ------------------------------------------------------------------------

def check_softmax_jacobian(softmax_jacobian, cases=None, hidden: bool = False) -> None:
    """Check ``softmax_jacobian(z) -> (n, n)`` = diag(p) - p p^T, p = softmax(z), z of shape (n,)."""
    ex = Exercise("softmax_jacobian", hidden=hidden)
    cases = [_vector(z) for z in cases] if cases is not None else _default_vectors(26, sizes=(3, 4))
    for i, z in enumerate(cases):
        p = _softmax(z)
        e = np.exp(z)
        case = ex.case(i, f"z = {format_array(z)}")
        answer = ex.call(softmax_jacobian, z.copy(), what=f"softmax_jacobian(z) for z of shape {z.shape}")
        reference = numerical_jacobian(_softmax, z.copy())
        mistakes = [
            Mistake("softmax-diagonal", lambda: np.diag(p * (1 - p)),
             "You took the softmax Jacobian as diagonal, diag(p(1 − p)). But every p_i = e^{z_i} / Σ_k e^{z_k} "
             "depends on every z_j through the sum in the denominator: for i ≠ j, dp_i/dz_j = −p_i p_j. "
             "The full Jacobian is diag(p) − p pᵀ."),
            Mistake("softmax-diagonal", lambda: np.diag(p),
             "You kept only diag(p), a diagonal matrix; the softmax couples all outputs through its "
             "normalising sum, which adds −p pᵀ (dp_i/dz_j = −p_i p_j for i ≠ j)."),
            Mistake("missing-diagonal-term", lambda: -np.outer(p, p),
             "Only −p pᵀ: the diag(p) term is missing. It comes from the numerator e^{z_i} of p_i, which "
             "depends on z_i itself: dp_i/dz_i = p_i − p_i²."),
            Mistake("outer-not-broadcast", lambda: np.diag(p) - p[None, :],
             "p pᵀ is the outer product `np.outer(p, p)` (entry i, j = p_i p_j); subtracting p itself "
             "broadcasts p along the rows instead."),
            Mistake("outer-not-broadcast", lambda: np.diag(p) - p[:, None],
             "p pᵀ is the outer product `np.outer(p, p)` (entry i, j = p_i p_j); subtracting p[:, None] "
             "broadcasts p along the columns instead."),
            Mistake("unnormalised", lambda: np.diag(e) - np.outer(e, e),
             "You used e^z where p = e^z / Σ e^z belongs: normalise first (the probabilities must sum to 1)."),
        ]

        def diagonal_rule(J):
            off = J - np.diag(np.diag(J))
            if np.max(np.abs(off)) <= 1e-12 and np.max(np.abs(reference - np.diag(np.diag(reference)))) > 1e-6:
                return ("softmax-diagonal",
                        "Your Jacobian is diagonal, but the softmax's is not: every p_i depends on every z_j "
                        "through the normalising sum, so dp_i/dz_j = −p_i p_j for i ≠ j.")
            return None

        judge_jacobian(ex, answer, reference, name="J", of="p", wrt="z", case=case,
               mistakes=mistakes, rules=[diagonal_rule])
    ex.passed(f"diag(p) − p pᵀ matches the numerical Jacobian on {ex.count(len(cases))}.")


# -- exercise: the worked example f = ||W x||^2 ----------------------------------------------

def check_squared_norm_grads(squared_norm_grads, cases=None, hidden: bool = False) -> None:
    """Check ``squared_norm_grads(W, x) -> (f, grad_W, grad_x)`` for f = ||W x||^2:
    f a float, grad_W = 2 q x^T shaped like W (m, n), grad_x = 2 W^T q shaped like x (n,).

    ``cases``: (W, x) or (W, x, (f, grad_W, grad_x)) with expected values to match too.
    """
    ex = Exercise("squared_norm_grads", hidden=hidden)
    if cases is None:
        rng = np.random.default_rng(27)
        cases = [(_rounded(rng, (3, 2)), _rounded(rng, 2)),
                 (_rounded(rng, (2, 4)), _rounded(rng, 4))]
    for i, case_data in enumerate(cases):
        W, x = np.array(case_data[0], dtype=float), _vector(case_data[1])
        expected = case_data[2] if len(case_data) > 2 else None
        case = ex.case(i, f"W of shape {W.shape}, x = {format_array(x)}")
        result = ex.call(squared_norm_grads, W.copy(), x.copy(), what="squared_norm_grads(W, x)")
        result = ex.returned(result, 3, what="squared_norm_grads", names="(f, grad_W, grad_x)")
        f_value = ex.scalar(result[0], what="f")
        want_f = float(np.sum((W @ x) ** 2))
        if abs(f_value - want_f) > 1e-9 * max(1.0, abs(want_f)):
            shown = ex.show(f" f = {f_value:.6g}, but ||W x||² = {want_f:.6g}.")
            ex.fail(f"f is wrong ({case}).{shown} q = W x, then f = Σ_i q_i².", "wrong-forward")
        q = W @ x
        ref_W = numerical_gradient(lambda M: np.sum((M @ x) ** 2), W.copy())
        ref_x = numerical_gradient(lambda v: np.sum((W @ v) ** 2), x.copy())
        judge_jacobian(ex, result[1], ref_W, name="grad_W", of="f", wrt="W", case=case,
               param_name="W", mistakes=[
                   Mistake("transposed", lambda: 2 * np.outer(x, q) if W.shape[0] != W.shape[1] else None,
                    f"grad_W = 2 x qᵀ has shape {(W.shape[1], W.shape[0])}, the transpose: entry [i, j] must be "
                    f"df/dW_ij = 2 q_i x_j, so grad_W = 2 q xᵀ, shaped like W {W.shape}.")])
        judge_jacobian(ex, result[2], ref_x, name="grad_x", of="f", wrt="x", case=case,
               param_name="x", mistakes=[
                   Mistake("missing-transpose", lambda: 2 * W @ q if W.shape[0] == W.shape[1] else None,
                    "2 W q multiplies by W where Wᵀ belongs: df/dx_j = Σ_i 2 q_i W_ij, a sum down column j of W, "
                    "so grad_x = 2 Wᵀ q.")])
        for name, got, want in zip(("f", "grad_W", "grad_x"), (f_value, result[1], result[2]), expected or ()):
            if not close(got, np.asarray(want, dtype=float), 5e-4):
                ex.fail(f"{name} does not reproduce the expected values ({case}).", "wrong-values")
    ex.passed(f"f, grad_W = 2 q xᵀ and grad_x = 2 Wᵀ q match numerical gradients on {ex.count(len(cases))}.")


# -- exercise: the chain of Jacobians for s = u^T f(W x + b) -------------------------------

def _score_mistakes(W, b, u, x, fp, h) -> dict:
    z = W @ x + b
    delta = (u * fp(z)).reshape(1, -1)
    with_h = (h * fp(z)).reshape(1, -1)
    return {
        "delta": [
            Mistake("used-h-for-u", lambda: with_h,
             "δ = hᵀ ∘ f'(z) uses the activations h = f(z) where the score's weights u belong (a slip some "
             "lecture notes make). s = uᵀh, so ds/dh = uᵀ, and δ = ds/dz = uᵀ diag(f'(z)) = (u ∘ f'(z))ᵀ."),
            Mistake("forgot-local-gradient", lambda: u.reshape(1, -1),
             "δ = uᵀ stops at h: the chain continues through h = f(z), whose Jacobian diag(f'(z)) "
             "multiplies in. δ = uᵀ diag(f'(z)) = (u ∘ f'(z))ᵀ."),
            Mistake("value-not-derivative", lambda: (u * h).reshape(1, -1),
             "δ = (u ∘ f(z))ᵀ uses the activation f(z) where its derivative f'(z) belongs."),
        ],
        "ds_db": [
            Mistake("used-h-for-u", lambda: with_h,
             "ds/db = hᵀ ∘ f'(z) uses h where u belongs. ds/db = δ · dz/db = δ I = δ = (u ∘ f'(z))ᵀ."),
            Mistake("forgot-local-gradient", lambda: u.reshape(1, -1),
             "ds/db = uᵀ skips diag(f'(z)): ds/db = uᵀ diag(f'(z)) I = δ."),
        ],
        "ds_dW": [
            Mistake("transposed", lambda: np.outer(x, delta) if W.shape[0] != W.shape[1] else None,
             f"ds_dW has shape {(W.shape[1], W.shape[0])}: that is x δ, the transpose. Entry [i, j] is "
             f"ds/dW_ij = δ_i x_j, so arranged like W {W.shape} it is δᵀ xᵀ (np.outer(δ, x))."),
            Mistake("used-h-for-u", lambda: np.outer(with_h, x),
             "ds/dW = δᵀ xᵀ with δ = (u ∘ f'(z))ᵀ; you built δ from h = f(z) instead of u."),
        ],
        "ds_dx": [
            Mistake("missing-transpose", lambda: (W @ delta.T).reshape(1, -1) if W.shape[0] == W.shape[1] else None,
             "ds/dx = δ W (a 1 × m row times an m × n matrix); W δ mixes the wrong entries."),
            Mistake("used-h-for-u", lambda: with_h @ W,
             "ds/dx = δ W with δ = (u ∘ f'(z))ᵀ; you built δ from h = f(z) instead of u."),
        ],
    }


def check_score_jacobians(score_jacobians, cases=None, activation: str = "sigmoid", hidden: bool = False) -> None:
    """Check ``score_jacobians(W, b, u, x, f, f_prime) -> (delta, ds_db, ds_dW, ds_dx)`` for
    s = u^T f(W x + b), W (m, n): delta (1, m), ds_db (1, m), ds_dW (m, n) arranged like W,
    ds_dx (1, n). ``activation`` ("sigmoid" or "tanh") picks the f, f' passed in."""
    ex = Exercise("score_jacobians", hidden=hidden)
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
        case = ex.case(i, f"W of shape {W.shape}, f = {activation}")
        result = ex.call(score_jacobians, W.copy(), b.copy(), u.copy(), x.copy(), f, fp,
                      what="score_jacobians(W, b, u, x, f, f_prime)")
        delta, ds_db, ds_dW, ds_dx = ex.returned(result, 4, what="score_jacobians",
                                                 names="(delta, ds_db, ds_dW, ds_dx)")
        z = W @ x + b
        h = f(z)
        # Oracles: numerical derivatives of the score's definition, in each variable.
        ref_delta = numerical_jacobian(lambda v: u @ f(v), z.copy())
        ref_b = numerical_jacobian(lambda v: u @ f(W @ x + v), b.copy())
        ref_W = numerical_gradient(lambda M: float(u @ f(M @ x + b)), W.copy())
        ref_x = numerical_jacobian(lambda v: u @ f(W @ v + b), x.copy())
        mistakes = _score_mistakes(W, b, u, x, fp, h)
        judge_jacobian(ex, delta, ref_delta, name="delta", of="s", wrt="z", case=case,
               mistakes=mistakes["delta"])
        judge_jacobian(ex, ds_db, ref_b, name="ds_db", of="s", wrt="b", case=case,
               mistakes=mistakes["ds_db"])
        judge_jacobian(ex, ds_dW, ref_W, name="ds_dW", of="s", wrt="W", case=case,
               mistakes=mistakes["ds_dW"], param_name="W")
        judge_jacobian(ex, ds_dx, ref_x, name="ds_dx", of="s", wrt="x", case=case,
               mistakes=mistakes["ds_dx"])
    ex.passed(f"δ, ds/db = δ, ds/dW = δᵀxᵀ and ds/dx = δ W match numerical derivatives on "
           f"{ex.count(len(cases))} (f = {activation}).")


# -- exercise: the softmax-cross-entropy gradient (P - Y) / N ----------------------------------

def _mean_cross_entropy(scores: np.ndarray, y: np.ndarray) -> float:
    """L = -(1/N) sum_n log softmax(scores_n)[y_n]; scores (N, C), y (N,) ints. Stable (log-sum-exp)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(y)), y]))


def _softmax_rows(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_ce_mistakes(P: np.ndarray, y: np.ndarray) -> List[Mistake]:
    """Classic wrong answers for dL/dscores, given the right probabilities P (N, C) and labels y (N,)."""
    N, C = P.shape
    Y = np.zeros_like(P)
    Y[np.arange(N), y] = 1.0
    wrong_index = P.copy()
    wrong_index[:, y] -= 1.0                         # dscores[:, y] -= 1: every row, every label's column
    return [
        Mistake("scaled-by-batch", lambda: P - Y,
                f"You have P − Y, the gradient of the *summed* loss. L is the mean over the N = {N} examples, "
                f"so every entry is divided by N: dscores = (P − Y) / N."),
        Mistake("sign-flipped", lambda: (Y - P) / N,
                "The sign is flipped: L = −log p_y, so dL/dz = p − y (raising the true class's score lowers the "
                "loss, so that entry must be negative). Use (P − Y) / N."),
        Mistake("sign-flipped", lambda: Y - P,
                "The sign is flipped and the division by N is missing: dL/dz = (P − Y) / N for the mean loss."),
        Mistake("label-not-one-hot", lambda: (P - y[:, None]) / N,
                "You subtracted the label index y itself. y holds class numbers; the formula needs the one-hot "
                "Y with a 1 at column y_n of row n: `Y = np.zeros_like(P); Y[np.arange(N), y] = 1`."),
        Mistake("label-not-one-hot", lambda: wrong_index / N if N > 1 else None,
                "`dscores[:, y] -= 1` subtracts 1 in every row at every label's column. Index the pairs "
                "(n, y_n) instead: `dscores[np.arange(N), y] -= 1`."),
        Mistake("missing-label-term", lambda: P / N,
                "Only P / N: the − Y term is missing. −log p_y has dL/dz_j = p_j − 1[j = y]: subtract 1 at each "
                "row's true class."),
    ]


def check_softmax_ce_grad(softmax_ce_grad, cases=None, hidden: bool = False) -> None:
    """Check ``softmax_ce_grad(scores, y) -> dscores``: the gradient of the mean softmax cross-entropy.

    scores: (N, C) floats; y: (N,) integer labels in [0, C). dscores = (P - Y) / N, shape (N, C),
    with P the row-wise softmax and Y the one-hot labels. A case is ``(scores, y)``; the default
    cases include scores near 1000, where exp overflows unless each row's max is subtracted.
    """
    ex = Exercise("softmax_ce_grad", hidden=hidden)
    if cases is None:
        rng = np.random.default_rng(27)
        cases = [(np.round(rng.standard_normal((4, 3)), 2), np.array([0, 2, 1, 2])),
                 (np.array([[2.0, -1.0, 0.5, 0.0]]), np.array([3])),
                 (np.array([[1000.0, 998.0, 990.0], [-5.0, 1000.0, 999.0]]), np.array([1, 2]))]
    for i, (scores, y) in enumerate(cases):
        scores, y = np.array(scores, dtype=float), np.array(y, dtype=int)
        N, C = scores.shape
        case = ex.case(i, f"N = {N}, C = {C}, scores = {format_array(scores)}, y = {y.tolist()}")
        with np.errstate(all="ignore"):
            answer = ex.call(softmax_ce_grad, scores.copy(), y.copy(),
                             what=f"softmax_ce_grad(scores, y) for scores of shape {scores.shape}")
        answer = ex.array(answer, what="dscores", shape=scores.shape)
        if not np.all(np.isfinite(answer)):
            ex.fail(f"dscores contains nan or inf ({case}). With scores as large as "
                    f"{ex.show(f'{np.max(np.abs(scores)):g}') or 'these'}, np.exp overflows. Softmax does not change "
                    f"when a constant is subtracted from a row, so compute np.exp(scores - scores.max(axis=1, "
                    f"keepdims=True)).", "nan")
        reference = numerical_gradient(lambda s: _mean_cross_entropy(s, y), scores.copy())
        ex.judge(answer, reference, name="dscores", case=case, tol=1e-5,
                 mistakes=_softmax_ce_mistakes(_softmax_rows(scores), y), batch_size=N,
                 otherwise="dL/dz = p − y for one example; for the batch mean, (P − Y) / N.")
    ex.passed(f"(P − Y) / N matches the numerical gradient of the mean cross-entropy on {ex.count(len(cases))}.")
