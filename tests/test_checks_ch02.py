"""Checks of notebook 02: classic wrong answers are rejected with the right diagnosis,
correct alternatives pass, visible and hidden cases alike."""
from __future__ import annotations

import numpy as np
import pytest

from nbkit.checks import ch02
from nbkit.feedback import CheckFailed

SYLLABUS_NORM_CASE = ([[0.1, 0.5], [-0.3, 0.8]], [0.2, 0.4],
                      (0.116, [[0.088, 0.176], [0.104, 0.208]], [-0.112, 0.636]))
HIDDEN_Z = [[0.3, -2.1, 1.7, 0.05], [-0.4, 2.5]]


def sig(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()




def not_written(*args):
    raise NotImplementedError()


# -- sigmoid_jacobian ------------------------------------------------------------------------

SIGMOID_WRONG = {
    "broadcast-full": lambda z: np.ones((z.size, z.size)) * (sig(z) * (1 - sig(z))),
    "diagonal-as-vector": lambda z: sig(z) * (1 - sig(z)),
    "value-not-derivative": lambda z: np.diag(sig(z)),
    "derivative-of-z": lambda z: np.diag(z * (1 - z)),
    "sign-flipped": lambda z: -np.diag(sig(z) * (1 - sig(z))),
    "not-an-array": lambda z: None,
    "not-implemented": not_written,
}


@pytest.mark.parametrize("diagnosis", sorted(SIGMOID_WRONG))
def test_sigmoid_jacobian_rejects(diagnosis, rejects):
    rejects(ch02.check_sigmoid_jacobian, SIGMOID_WRONG[diagnosis], diagnosis=diagnosis)


def test_sigmoid_off_diagonal_noise_is_named(rejects):
    err = rejects(ch02.check_sigmoid_jacobian, lambda z: np.diag(sig(z) * (1 - sig(z))) + 0.01 * np.triu(np.ones((z.size, z.size)), 1), diagnosis="not-diagonal")
    assert "diag(f'(z))" in err.message


@pytest.mark.parametrize("fn", [
    lambda z: np.diag(sig(z) * (1 - sig(z))),
    lambda z: np.eye(z.size) * (sig(z) * (1 - sig(z))),
    lambda z: np.diag(np.exp(-z) / (1 + np.exp(-z)) ** 2),
    lambda z: np.diag(0.25 * (1 - np.tanh(z / 2) ** 2)),  # sigma'(z) written through tanh
])
def test_sigmoid_jacobian_accepts(fn):
    ch02.check_sigmoid_jacobian(fn)
    ch02.check_sigmoid_jacobian(fn, cases=HIDDEN_Z, hidden=True)


def test_sigmoid_loop_version_accepted():
    def loop(z):
        J = np.zeros((len(z), len(z)))
        for i in range(len(z)):
            s = 1 / (1 + np.exp(-z[i]))
            J[i, i] = s * (1 - s)
        return J
    ch02.check_sigmoid_jacobian(loop)


# -- relu_jacobian --------------------------------------------------------------------------

RELU_WRONG = {
    "diagonal-as-vector": lambda z: (z > 0).astype(float),
    "value-not-derivative": lambda z: np.diag(np.maximum(z, 0)),
    "mask-inverted": lambda z: np.diag((z <= 0).astype(float)),
    "broadcast-full": lambda z: np.ones((z.size, z.size)) * (z > 0),
}


@pytest.mark.parametrize("diagnosis", sorted(RELU_WRONG))
def test_relu_jacobian_rejects(diagnosis, rejects):
    rejects(ch02.check_relu_jacobian, RELU_WRONG[diagnosis], diagnosis=diagnosis)


@pytest.mark.parametrize("at_zero", [0.0, 1.0, 0.5])
def test_relu_jacobian_accepts_any_subgradient_at_the_kink(at_zero):
    def relu_jacobian(z):
        d = np.where(z > 0, 1.0, 0.0)
        d[z == 0] = at_zero
        return np.diag(d)
    ch02.check_relu_jacobian(relu_jacobian)
    ch02.check_relu_jacobian(relu_jacobian, cases=[[0.0, 1.5, -2.0], [3.0, 0.0]], hidden=True)
    ch02.check_relu_jacobian(lambda z: np.eye(z.size) * (z > 0))


# -- relu_backward ----------------------------------------------------------------------------

def relu_backward_in_place(upstream, z):
    upstream[z <= 0] = 0.0  # writes into the caller's upstream
    return upstream


RELU_BACKWARD_WRONG = {
    "forgot-upstream": lambda up, z: (z > 0).astype(float),
    "value-not-derivative": lambda up, z: up * np.maximum(z, 0),
    "mask-inverted": lambda up, z: up * (z <= 0),
    "materialised-jacobian": lambda up, z: up @ np.diag((z > 0).astype(float)),
    "input-modified": relu_backward_in_place,
    "aliased-input": lambda up, z: up if np.all(z > 0) else up * (z > 0),
}


@pytest.mark.parametrize("diagnosis", sorted(RELU_BACKWARD_WRONG))
def test_relu_backward_rejects(diagnosis, rejects):
    kwargs = {}
    if diagnosis == "aliased-input":  # only visible when z is all positive: pass such a case
        kwargs["cases"] = [([1.0, -2.0, 0.5], [0.3, 1.2, 2.0])]
    rejects(ch02.check_relu_backward, RELU_BACKWARD_WRONG[diagnosis], **kwargs, diagnosis=diagnosis)


def test_materialised_message_names_the_size(rejects):
    err = rejects(ch02.check_relu_backward, RELU_BACKWARD_WRONG["materialised-jacobian"], diagnosis="materialised-jacobian")
    assert "4096 × 4096" in err.message and "MiB" in err.message


@pytest.mark.parametrize("fn", [
    lambda up, z: up * (z > 0),
    lambda up, z: np.where(z > 0, up, 0.0),
    lambda up, z: up * np.heaviside(z, 0.0),
])
def test_relu_backward_accepts(fn):
    ch02.check_relu_backward(fn)
    ch02.check_relu_backward(fn, cases=[([1.0, 2.0, -3.0], [0.5, -0.5, 2.0])], hidden=True)


def test_relu_backward_copy_then_mask_accepted():
    def masked_copy(upstream, z):
        downstream = upstream.copy()
        downstream[z <= 0] = 0.0
        return downstream
    ch02.check_relu_backward(masked_copy)


# -- affine_jacobians -------------------------------------------------------------------------

AFFINE_WRONG = {
    "transposed": lambda W, x, b: (W.T, np.eye(b.size)),
    "wrong-variable": lambda W, x, b: (np.tile(x, (W.shape[0], 1)), np.eye(b.size)),
    "ones-not-identity": lambda W, x, b: (W, np.ones((b.size, b.size))),
    "identity-wrong-size": lambda W, x, b: (W, np.eye(x.size)),
    "diagonal-as-vector": lambda W, x, b: (W, np.ones(b.size)),
    "wrong-count": lambda W, x, b: W,
}


@pytest.mark.parametrize("diagnosis", sorted(AFFINE_WRONG))
def test_affine_jacobians_rejects(diagnosis, rejects):
    rejects(ch02.check_affine_jacobians, AFFINE_WRONG[diagnosis], diagnosis=diagnosis)


def test_transposed_affine_message_speaks_of_layout(rejects):
    err = rejects(ch02.check_affine_jacobians, AFFINE_WRONG["transposed"], diagnosis="transposed")
    assert "denominator" in err.message and "3 × 4" in err.message


@pytest.mark.parametrize("fn", [
    lambda W, x, b: (W, np.eye(len(b))),
    lambda W, x, b: (np.array(W, copy=True), np.identity(b.shape[0])),
    lambda W, x, b: (W @ np.eye(x.size), np.diag(np.ones_like(b))),
])
def test_affine_jacobians_accepts(fn):
    ch02.check_affine_jacobians(fn)
    hidden = [(np.arange(10.0).reshape(5, 2), np.ones(2), np.zeros(5))]
    ch02.check_affine_jacobians(fn, cases=hidden, hidden=True)


# -- score_jacobian_u -------------------------------------------------------------------------

SCORE_U_WRONG = {
    "row-vs-column": lambda u, h: h.reshape(-1, 1),
    "wrong-variable": lambda u, h: u.reshape(1, -1),
    "not-a-row": lambda u, h: np.diag(h),
}


@pytest.mark.parametrize("diagnosis", sorted(SCORE_U_WRONG))
def test_score_jacobian_u_rejects(diagnosis, rejects):
    rejects(ch02.check_score_jacobian_u, SCORE_U_WRONG[diagnosis], diagnosis=diagnosis)


def test_flat_and_column_answers_are_explained(rejects):
    flat = rejects(ch02.check_score_jacobian_u, lambda u, h: h.copy(), diagnosis="row-vs-column")
    assert "1-D" in flat.message and "reshape(1, -1)" in flat.message
    column = rejects(ch02.check_score_jacobian_u, SCORE_U_WRONG["row-vs-column"], diagnosis="row-vs-column")
    assert "column" in column.message and "denominator" in column.message


@pytest.mark.parametrize("fn", [
    lambda u, h: h.reshape(1, -1),
    lambda u, h: h[None, :],
    lambda u, h: np.atleast_2d(h),
])
def test_score_jacobian_u_accepts(fn):
    ch02.check_score_jacobian_u(fn)
    ch02.check_score_jacobian_u(fn, cases=[([1.0, 2.0], [-3.0, 0.5])], hidden=True)


# -- softmax_jacobian --------------------------------------------------------------------------

SOFTMAX_WRONG = {
    "softmax-diagonal": lambda z: np.diag(softmax(z) * (1 - softmax(z))),
    "missing-diagonal-term": lambda z: -np.outer(softmax(z), softmax(z)),
    "sign-flipped": lambda z: np.outer(softmax(z), softmax(z)) - np.diag(softmax(z)),
    "outer-not-broadcast": lambda z: np.diag(softmax(z)) - softmax(z),
    "unnormalised": lambda z: np.diag(np.exp(z)) - np.outer(np.exp(z), np.exp(z)),
}


@pytest.mark.parametrize("diagnosis", sorted(SOFTMAX_WRONG))
def test_softmax_jacobian_rejects(diagnosis, rejects):
    rejects(ch02.check_softmax_jacobian, SOFTMAX_WRONG[diagnosis], diagnosis=diagnosis)


def test_any_diagonal_softmax_jacobian_is_called_diagonal(rejects):
    err = rejects(ch02.check_softmax_jacobian, lambda z: np.diag(softmax(z) ** 0.5), diagnosis="softmax-diagonal")
    assert "−p_i p_j" in err.message


def test_softmax_diagonal_detected_in_hidden_cases_without_values(rejects):
    err = rejects(ch02.check_softmax_jacobian, SOFTMAX_WRONG["softmax-diagonal"], cases=HIDDEN_Z, hidden=True, diagnosis="softmax-diagonal")
    assert "hidden case 1" in err.message and "0.3" not in err.message


@pytest.mark.parametrize("fn", [
    lambda z: np.diag(softmax(z)) - np.outer(softmax(z), softmax(z)),
    lambda z: softmax(z)[:, None] * (np.eye(z.size) - softmax(z)[None, :]),
    lambda z: (lambda p: np.diag(p) - p[:, None] * p[None, :])(np.exp(z) / np.exp(z).sum()),  # unshifted
])
def test_softmax_jacobian_accepts(fn):
    ch02.check_softmax_jacobian(fn)
    ch02.check_softmax_jacobian(fn, cases=HIDDEN_Z, hidden=True)


def test_softmax_loop_version_accepted():
    def loop(z):
        p = softmax(z)
        J = np.empty((len(z), len(z)))
        for i in range(len(z)):
            for j in range(len(z)):
                J[i, j] = p[i] * ((i == j) - p[j])
        return J
    ch02.check_softmax_jacobian(loop)


# -- squared_norm_grads ---------------------------------------------------------------------------

def norm_grads(W, x):
    q = W @ x
    return float(q @ q), 2 * np.outer(q, x), 2 * W.T @ q


SQUARED_NORM_WRONG = {
    "wrong-forward": lambda W, x: (float(np.linalg.norm(W @ x)),) + norm_grads(W, x)[1:],
    "transposed": lambda W, x: (norm_grads(W, x)[0], 2 * np.outer(x, W @ x), norm_grads(W, x)[2]),
    "scaled-by-half": lambda W, x: (norm_grads(W, x)[0], np.outer(W @ x, x), norm_grads(W, x)[2]),
    "row-vs-column": lambda W, x: norm_grads(W, x)[:2] + (norm_grads(W, x)[2].reshape(1, -1),),
    "wrong-count": lambda W, x: norm_grads(W, x)[1:],
}


@pytest.mark.parametrize("diagnosis", sorted(SQUARED_NORM_WRONG))
def test_squared_norm_grads_rejects(diagnosis, rejects):
    rejects(ch02.check_squared_norm_grads, SQUARED_NORM_WRONG[diagnosis], diagnosis=diagnosis)


def test_missing_transpose_caught_on_the_syllabus_example(rejects):
    wrong = lambda W, x: norm_grads(W, x)[:2] + (2 * W @ (W @ x),)  # noqa: E731
    err = rejects(ch02.check_squared_norm_grads, wrong, cases=[SYLLABUS_NORM_CASE], hidden=True, diagnosis="missing-transpose")
    assert "0.636" not in err.message


def test_transposed_square_grad_W_caught_on_the_syllabus_example(rejects):
    wrong = lambda W, x: (norm_grads(W, x)[0], 2 * np.outer(x, W @ x), norm_grads(W, x)[2])  # noqa: E731
    rejects(ch02.check_squared_norm_grads, wrong, cases=[SYLLABUS_NORM_CASE[:2]], diagnosis="transposed")


@pytest.mark.parametrize("fn", [
    norm_grads,
    lambda W, x: (float(np.sum((W @ x) ** 2)), 2 * (W @ x)[:, None] * x[None, :], 2 * (W.T @ W) @ x),
])
def test_squared_norm_grads_accepts_and_reproduces_the_syllabus(fn):
    ch02.check_squared_norm_grads(fn)
    ch02.check_squared_norm_grads(fn, cases=[SYLLABUS_NORM_CASE], hidden=True)


def test_syllabus_expected_values_are_enforced(rejects):
    # numerically consistent with *its own* W, x but a hidden expected value says otherwise
    bad_expected = (SYLLABUS_NORM_CASE[0], SYLLABUS_NORM_CASE[1], (0.116, [[0.088, 0.176], [0.104, 0.208]], [0.0, 0.0]))
    rejects(ch02.check_squared_norm_grads, norm_grads, cases=[bad_expected], hidden=True, diagnosis="wrong-values")


# -- score_jacobians -------------------------------------------------------------------------------

def score_right(W, b, u, x, f, f_prime):
    z = W @ x + b
    delta = (u * f_prime(z)).reshape(1, -1)
    return delta, delta.copy(), delta.T @ x.reshape(1, -1), delta @ W


def score_variant(**changes):
    def fn(W, b, u, x, f, f_prime):
        z = W @ x + b
        out = dict(zip(("delta", "ds_db", "ds_dW", "ds_dx"), score_right(W, b, u, x, f, f_prime)))
        for key, make in changes.items():
            out[key] = make(W, b, u, x, f, f_prime, z)
        return out["delta"], out["ds_db"], out["ds_dW"], out["ds_dx"]
    return fn


def seed_error(W, b, u, x, f, fp, z):
    return (f(z) * fp(z)).reshape(1, -1)  # h^T o f'(z): the lecture notes' slip


SCORE_WRONG = {
    "used-h-for-u": score_variant(delta=seed_error, ds_db=seed_error),
    "forgot-local-gradient": score_variant(delta=lambda W, b, u, x, f, fp, z: u.reshape(1, -1)),
    "value-not-derivative": score_variant(delta=lambda W, b, u, x, f, fp, z: (u * f(z)).reshape(1, -1)),
    "transposed": score_variant(ds_dW=lambda W, b, u, x, f, fp, z: np.outer(x, u * fp(z))),
    "row-vs-column": score_variant(ds_dx=lambda W, b, u, x, f, fp, z: W.T @ (u * fp(z)).reshape(-1, 1)),
    "wrong-count": lambda *args: score_right(*args)[:3],
}


@pytest.mark.parametrize("diagnosis", sorted(SCORE_WRONG))
def test_score_jacobians_rejects(diagnosis, rejects):
    rejects(ch02.check_score_jacobians, SCORE_WRONG[diagnosis], diagnosis=diagnosis)


def test_flat_delta_is_row_vs_column(rejects):
    flat = score_variant(delta=lambda W, b, u, x, f, fp, z: u * fp(z))
    err = rejects(ch02.check_score_jacobians, flat, diagnosis="row-vs-column")
    assert "delta" in err.message


def test_hard_coded_sigmoid_fails_the_hidden_tanh_case():
    def sigmoid_only(W, b, u, x, f, f_prime):
        s = sig(W @ x + b)
        delta = (u * s * (1 - s)).reshape(1, -1)
        return delta, delta, np.outer(delta, x), delta @ W
    ch02.check_score_jacobians(sigmoid_only)  # passes the visible sigmoid cases
    with pytest.raises(CheckFailed) as info:
        ch02.check_score_jacobians(sigmoid_only, activation="tanh", hidden=True)
    assert "hidden case 1" in info.value.message


@pytest.mark.parametrize("fn", [
    score_right,
    score_variant(delta=lambda W, b, u, x, f, fp, z: u.reshape(1, -1) @ np.diag(fp(z)),
                  ds_db=lambda W, b, u, x, f, fp, z: (u.reshape(1, -1) @ np.diag(fp(z))) @ np.eye(b.size),
                  ds_dW=lambda W, b, u, x, f, fp, z: np.outer(u * fp(z), x)),
])
def test_score_jacobians_accepts(fn):
    ch02.check_score_jacobians(fn)
    ch02.check_score_jacobians(fn, activation="tanh", hidden=True)
    square = [(np.eye(3) + 0.5, np.ones(3), np.array([1.0, -1.0, 2.0]), np.array([0.2, 0.0, -0.4]))]
    ch02.check_score_jacobians(fn, cases=square, hidden=True)


def test_unknown_activation_is_a_caller_error():
    with pytest.raises(ValueError):
        ch02.check_score_jacobians(score_right, activation="relu")


# -- feedback hygiene ----------------------------------------------------------------------------------

def test_hidden_wrong_values_show_no_expected_numbers():
    wrong = lambda z: np.diag(sig(z) * (1 - sig(z))) * np.array([1.0, 1.0, 1.0, 1.3])  # noqa: E731
    with pytest.raises(CheckFailed) as info:
        ch02.check_sigmoid_jacobian(wrong, cases=[HIDDEN_Z[0]], hidden=True)
    message = info.value.message
    assert "hidden case 1" in message
    assert "where" not in message and "0.2" not in message  # no "J[i, j] is a where b is expected"


def test_checks_print_a_success_line(capsys):
    ch02.check_softmax_jacobian(lambda z: np.diag(softmax(z)) - np.outer(softmax(z), softmax(z)))
    assert capsys.readouterr().out.startswith("\u2714 softmax_jacobian")


# -- softmax_ce_grad: (P - Y) / N ------------------------------------------------------------

def _probs(scores, stable=True):
    e = np.exp(scores - scores.max(axis=1, keepdims=True)) if stable else np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def _onehot(y, C):
    Y = np.zeros((len(y), C))
    Y[np.arange(len(y)), y] = 1.0
    return Y


def _wrong_index(scores, y):
    d = _probs(scores)
    d[:, y] -= 1.0
    return d / len(y)


CE_WRONG = {
    "scaled-by-batch": lambda s, y: _probs(s) - _onehot(y, s.shape[1]),
    "sign-flipped": lambda s, y: (_onehot(y, s.shape[1]) - _probs(s)) / len(y),
    "label-not-one-hot": _wrong_index,
    "missing-label-term": lambda s, y: _probs(s) / len(y),
    "nan": lambda s, y: (_probs(s, stable=False) - _onehot(y, s.shape[1])) / len(y),
    "wrong-shape": lambda s, y: ((_probs(s) - _onehot(y, s.shape[1])) / len(y)).T,
    "returned-none": lambda s, y: None,
    "not-implemented": not_written,
}
CE_HIDDEN = [([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]], [2, 0]), ([[-800.0, -802.0, -790.5], [750.0, 751.5, 740.0]], [1, 0])]


@pytest.mark.parametrize("diagnosis", sorted(CE_WRONG))
def test_softmax_ce_grad_rejects(diagnosis, rejects):
    rejects(ch02.check_softmax_ce_grad, CE_WRONG[diagnosis], diagnosis=diagnosis)


def test_softmax_ce_grad_subtracting_the_labels_is_named(rejects):
    err = rejects(ch02.check_softmax_ce_grad, lambda s, y: (_probs(s) - y[:, None]) / len(y),
                  diagnosis="label-not-one-hot", says=("one-hot",))
    assert "np.arange(N)" in err.message


def test_softmax_ce_grad_overflow_says_subtract_the_max(rejects):
    rejects(ch02.check_softmax_ce_grad, CE_WRONG["nan"], diagnosis="nan", says=("max",))


def test_softmax_ce_grad_hidden_cases_show_no_values(rejects):
    rejects(ch02.check_softmax_ce_grad, CE_WRONG["scaled-by-batch"], cases=CE_HIDDEN, hidden=True,
            diagnosis="scaled-by-batch", hidden_values=("0.3", "800", "751.5"))


def _ce_loop(scores, y):
    N, C = scores.shape
    d = np.zeros((N, C))
    for n in range(N):
        z = scores[n] - max(scores[n])
        p = np.exp(z) / np.sum(np.exp(z))
        for j in range(C):
            d[n, j] = (p[j] - (1.0 if j == y[n] else 0.0)) / N
    return d


def _ce_cs231n(scores, y):
    N = scores.shape[0]
    exp_scores = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    dscores = probs
    dscores[range(N), y] -= 1
    dscores /= N
    return dscores


def _ce_onehot_eye(scores, y):
    log_p = scores - scores.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))      # log-softmax, then exp
    return (np.exp(log_p) - np.eye(scores.shape[1])[y]) / len(y)


@pytest.mark.parametrize("fn", [_ce_loop, _ce_cs231n, _ce_onehot_eye])
def test_softmax_ce_grad_accepts(fn, accepts):
    accepts(ch02.check_softmax_ce_grad, fn)
    accepts(ch02.check_softmax_ce_grad, fn, cases=CE_HIDDEN, hidden=True)
