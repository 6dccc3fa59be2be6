"""Notebook 03 checks: classic wrong answers get their diagnosis, correct alternatives pass.

Each wrong answer below is a mistake from the syllabus (dW = x delta transposed, db not
summed or summed over features, dx = W dL/dy, a row where a column is expected, the
grads list rebound instead of written into, ...), written the way a learner would.
"""
import numpy as np
import pytest

from nbkit.checks import ch03

HIDDEN_SIZES = {  # other sizes than the visible cases, including square ones
    "score": [(3, 3, 11), (1, 4, 12), (5, 2, 13)],
    "matmul": [(3, 3, 3, 11), (1, 4, 2, 12), (5, 2, 7, 13)],
    "node": [(3, 5, 11), (6, 1, 12), (2, 4, 13)],
    "affine": [(3, 3, 3, 11), (1, 4, 2, 12), (7, 5, 2, 13)],
    "sgd": [(0.5, 11), (1e-3, 12)],
}




def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# -- score_grads ---------------------------------------------------------------------------------

def score_grads(W, b, u, x):
    s = sigmoid(W @ x + b)
    delta = (u * s * (1 - s)).T  # (1, n): ds/dz in Jacobian form
    return delta.T @ x.T, delta.T


def score_grads_loops(W, b, u, x):
    n, m = W.shape
    dW, db = np.zeros((n, m)), np.zeros((n, 1))
    for i in range(n):
        z = sum(W[i, j] * x[j, 0] for j in range(m)) + b[i, 0]
        local = u[i, 0] * sigmoid(z) * (1 - sigmoid(z))
        db[i, 0] = local
        for j in range(m):
            dW[i, j] = local * x[j, 0]
    return dW, db


def score_grads_outer(W, b, u, x):
    s = sigmoid(W @ x + b).ravel()
    local = u.ravel() * s * (1 - s)
    return np.outer(local, x.ravel()), local.reshape(-1, 1)


def _score_variant(kind):
    def answer(W, b, u, x):
        s = sigmoid(W @ x + b)
        delta = (u * s * (1 - s)).T
        dW, db = delta.T @ x.T, delta.T
        if kind == "x-delta":
            dW = x @ delta
        elif kind == "db-row":
            db = delta
        elif kind == "db-flat":
            db = delta.ravel()
        elif kind == "sigma-not-derivative":
            delta = (u * s).T
            dW, db = delta.T @ x.T, delta.T
        elif kind == "sign":
            dW, db = -dW, -db
        elif kind == "modifies-x":
            x *= 2
        return dW, db
    return answer


@pytest.mark.parametrize("answer", [score_grads, score_grads_loops, score_grads_outer])
def test_score_grads_correct_alternatives_pass(answer, capsys):
    ch03.check_score_grads(answer)
    ch03.check_score_grads(answer, cases=HIDDEN_SIZES["score"], hidden=True)
    assert capsys.readouterr().out.count("\u2714") == 2


@pytest.mark.parametrize("kind, diagnosis", [
    ("x-delta", "transposed"), ("db-row", "row-vs-column"), ("db-flat", "row-vs-column"),
    ("sigma-not-derivative", "wrong-values"), ("sign", "sign-flipped"), ("modifies-x", "input-modified"),
])
def test_score_grads_wrong_answers(kind, diagnosis, rejects):
    err = rejects(ch03.check_score_grads, _score_variant(kind), diagnosis=diagnosis)
    if kind == "x-delta":
        assert "(4, 3)" in err.message and "(3, 4)" in err.message and "delta^T x^T" in err.message


def test_score_grads_transpose_found_on_square_hidden_case(rejects):
    err = rejects(ch03.check_score_grads, _score_variant("x-delta"), cases=[(3, 3, 11)], hidden=True, diagnosis="transposed")
    assert "hidden case 1" in err.message


# -- MatMul -------------------------------------------------------------------------------------------

class MatMul:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.params[0]

    def backward(self, dout):
        W, = self.params
        self.grads[0][...] = self.x.T @ dout
        return dout @ W.T


class MatMulEinsumCopyto(MatMul):
    def backward(self, dout):
        np.copyto(self.grads[0], np.einsum("nd,nh->dh", self.x, dout))
        return np.einsum("nh,dh->nd", dout, self.params[0])


class MatMulLoops(MatMul):
    def backward(self, dout):
        N, H = dout.shape
        D = self.x.shape[1]
        dx = np.zeros((N, D))
        self.grads[0][:] = 0.0
        for n in range(N):
            for d in range(D):
                for h in range(H):
                    dx[n, d] += dout[n, h] * self.params[0][d, h]
                    self.grads[0][d, h] += self.x[n, d] * dout[n, h]
        return dx


class MatMulRebinds(MatMul):
    def backward(self, dout):
        self.grads[0] = self.x.T @ dout  # the slot now holds a new array
        return dout @ self.params[0].T


class MatMulDxTransposed(MatMul):
    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        return self.params[0] @ dout.T  # "dx = W dL/dy"


class MatMulDxNoTranspose(MatMul):
    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        return dout @ self.params[0]  # does not multiply: (N, H) @ (D, H)


class MatMulDWTransposed(MatMul):
    def backward(self, dout):
        self.grads[0][...] = dout.T @ self.x  # (H, D) into a (D, H) array
        return dout @ self.params[0].T


class MatMulAccumulates(MatMul):
    def backward(self, dout):
        self.grads[0] += self.x.T @ dout
        return dout @ self.params[0].T


class MatMulNeverWrites(MatMul):
    def backward(self, dout):
        dW = self.x.T @ dout  # computed, never stored  # noqa: F841
        return dout @ self.params[0].T


class MatMulForwardTransposed(MatMul):
    def forward(self, x):
        self.x = x
        return (x @ self.params[0]).T


@pytest.mark.parametrize("answer", [MatMul, MatMulEinsumCopyto, MatMulLoops])
def test_matmul_correct_alternatives_pass(answer):
    ch03.check_matmul(answer)
    ch03.check_matmul(answer, cases=HIDDEN_SIZES["matmul"], hidden=True)


@pytest.mark.parametrize("answer, diagnosis", [
    (MatMulRebinds, "rebound"), (MatMulDxTransposed, "transposed"), (MatMulDxNoTranspose, "wrong-shape"),
    (MatMulDWTransposed, "transposed"), (MatMulAccumulates, "accumulated"),
    (MatMulNeverWrites, "wrong-values"), (MatMulForwardTransposed, "wrong-forward"),
])
def test_matmul_wrong_answers(answer, diagnosis, rejects):
    err = rejects(ch03.check_matmul, answer, diagnosis=diagnosis)
    if answer is MatMulRebinds:
        assert "self.grads[0][...] = dW" in err.message
    if answer is MatMulDxNoTranspose:
        # hole 8: the product, its shapes, which gradient it is for, and the fix
        for text in ("dout @ self.params[0]", "(4, 5)", "(3, 5)", "dx", "dout @ W.T"):
            assert text in err.message, err.message
        assert "gufunc" not in err.message


def test_matmul_dW_transposed_on_square_hidden_case_by_values(rejects):
    err = rejects(ch03.check_matmul, MatMulDWTransposed, cases=[(3, 3, 3, 11)], hidden=True, diagnosis="transposed")
    assert "x^T dL/dy" in err.message


# -- Repeat and Sum -------------------------------------------------------------------------------

class Repeat:
    def __init__(self, N):
        self.N = N

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)

    def backward(self, dout):
        return np.sum(dout, axis=0, keepdims=True)


class RepeatMatmul(Repeat):
    def forward(self, x):
        return np.ones((self.N, 1)) @ x

    def backward(self, dout):
        return np.ones((1, self.N)) @ dout


def _repeat_variant(backward):
    return type("RepeatVariant", (Repeat,), {"backward": lambda self, dout: backward(self, dout)})


@pytest.mark.parametrize("answer", [Repeat, RepeatMatmul])
def test_repeat_correct_alternatives_pass(answer):
    ch03.check_repeat(answer)
    ch03.check_repeat(answer, cases=HIDDEN_SIZES["node"], hidden=True)


@pytest.mark.parametrize("backward, diagnosis", [
    (lambda self, dout: dout.copy(), "missing-batch-sum"),
    (lambda self, dout: dout.sum(axis=1), "wrong-axis"),
    (lambda self, dout: dout.sum(axis=0), "row-vs-column"),
    (lambda self, dout: dout.mean(axis=0, keepdims=True), "scaled-by-batch"),
    (lambda self, dout: dout[:1].copy(), "wrong-values"),
])
def test_repeat_wrong_answers(backward, diagnosis, rejects):
    rejects(ch03.check_repeat, _repeat_variant(backward), diagnosis=diagnosis)


def test_repeat_forward_without_rows(rejects):
    class FlatRepeat(Repeat):
        def forward(self, x):
            return np.tile(x.ravel(), self.N)  # (N*D,), not (N, D)
    rejects(ch03.check_repeat, FlatRepeat, diagnosis="wrong-forward")


class Sum:
    def forward(self, x):
        self.N = x.shape[0]
        return np.sum(x, axis=0, keepdims=True)

    def backward(self, dout):
        return np.repeat(dout, self.N, axis=0)


class SumBroadcastArithmetic(Sum):
    def backward(self, dout):
        return np.ones((self.N, 1)) * dout


def _sum_variant(backward=None, forward=None):
    body = {}
    if backward:
        body["backward"] = lambda self, dout: backward(self, dout)
    if forward:
        body["forward"] = lambda self, x: forward(self, x)
    return type("SumVariant", (Sum,), body)


@pytest.mark.parametrize("answer", [Sum, SumBroadcastArithmetic])
def test_sum_correct_alternatives_pass(answer):
    ch03.check_sum(answer)
    ch03.check_sum(answer, cases=HIDDEN_SIZES["node"], hidden=True)


@pytest.mark.parametrize("variant, diagnosis", [
    (_sum_variant(backward=lambda self, dout: dout), "wrong-shape"),
    (_sum_variant(backward=lambda self, dout: np.repeat(dout / self.N, self.N, axis=0)), "scaled-by-batch"),
    # a writeable view of dout (a later in-place update of either corrupts the other)
    (_sum_variant(backward=lambda self, dout: np.lib.stride_tricks.as_strided(
        dout, shape=(self.N, dout.shape[1]), strides=(0, dout.strides[1]))), "aliased-input"),
    (_sum_variant(backward=lambda self, dout: -np.repeat(dout, self.N, axis=0)), "sign-flipped"),
    (_sum_variant(forward=lambda self, x: (setattr(self, "N", x.shape[0]), x.sum(axis=0))[1]), "wrong-forward"),
    (_sum_variant(forward=lambda self, x: (setattr(self, "N", x.shape[0]), x.sum(axis=1, keepdims=True))[1]),
     "wrong-forward"),
])
def test_sum_wrong_answers(variant, diagnosis, rejects):
    err = rejects(ch03.check_sum, variant, diagnosis=diagnosis)
    if diagnosis == "wrong-shape":
        assert "np.repeat(dout, N, axis=0)" in err.message


# -- affine_backward ------------------------------------------------------------------------------

def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def affine_backward_loops(dout, cache):
    x, W, b = cache
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    for n in range(x.shape[0]):
        dx[n] = W @ dout[n]
        dW += np.outer(x[n], dout[n])
        db += dout[n]
    return dx, dW, db


def affine_backward_float32(dout, cache):
    x, W, b = (a.astype(np.float32) for a in cache)
    d = dout.astype(np.float32)
    return d @ W.T, x.T @ d, np.add.reduce(d, axis=0)


def _affine_variant(**override):
    def answer(dout, cache):
        x, W, b = cache
        grads = {"dx": dout @ W.T, "dW": x.T @ dout, "db": dout.sum(axis=0)}
        for name, make in override.items():
            grads[name] = make(dout, x, W, b)
        return grads["dx"], grads["dW"], grads["db"]
    return answer


@pytest.mark.parametrize("answer", [affine_backward, affine_backward_loops, affine_backward_float32])
def test_affine_correct_alternatives_pass(answer):
    ch03.check_affine_backward(answer)
    ch03.check_affine_backward(answer, cases=HIDDEN_SIZES["affine"], hidden=True)


@pytest.mark.parametrize("override, diagnosis", [
    (dict(dW=lambda dout, x, W, b: dout.T @ x), "transposed"),                  # dW = (x delta)^T
    (dict(db=lambda dout, x, W, b: dout.copy()), "missing-batch-sum"),           # db not summed
    (dict(db=lambda dout, x, W, b: dout.sum(axis=1)), "wrong-axis"),             # summed over features
    (dict(db=lambda dout, x, W, b: dout.sum(axis=0, keepdims=True)), "row-vs-column"),
    (dict(dx=lambda dout, x, W, b: W @ dout.T), "transposed"),                   # dx = W dL/dy
    (dict(dx=lambda dout, x, W, b: W @ dout), "wrong-shape"),                    # does not multiply
    (dict(dW=lambda dout, x, W, b: x.T @ dout / x.shape[0]), "scaled-by-batch"),
    (dict(db=lambda dout, x, W, b: dout.mean(axis=0)), "scaled-by-batch"),
    (dict(dW=lambda dout, x, W, b: x.T @ dout + 0 * W + np.eye(*W.shape)), "wrong-values"),
    (dict(dx=lambda dout, x, W, b: x), "aliased-input"),
])
def test_affine_wrong_answers(override, diagnosis, rejects):
    rejects(ch03.check_affine_backward, _affine_variant(**override), diagnosis=diagnosis)


def test_affine_hidden_messages_show_no_values(rejects):
    err = rejects(ch03.check_affine_backward, _affine_variant(dW=lambda dout, x, W, b: x.T @ dout + np.eye(*W.shape)), cases=[(3, 4, 2, 11)], hidden=True, diagnosis="wrong-values")
    assert "hidden case 1" in err.message and " is expected" not in err.message
    assert "N=" not in err.message


def test_affine_modifying_dout_in_place(rejects):
    def answer(dout, cache):
        x, W, b = cache
        dout -= dout.mean(axis=0)  # "centring" the upstream gradient in place
        return dout @ W.T, x.T @ dout, dout.sum(axis=0)
    rejects(ch03.check_affine_backward, answer, diagnosis="input-modified")


def test_affine_wrong_count(rejects):
    rejects(ch03.check_affine_backward, lambda dout, cache: (dout, dout), diagnosis="wrong-count")


def test_not_implemented_stub_says_so(rejects):
    def stub(dout, cache):
        raise NotImplementedError()
    rejects(ch03.check_affine_backward, stub, diagnosis="not-implemented")


# -- sgd_step -----------------------------------------------------------------------------------

def sgd_step(params, grads, lr):
    for param, grad in zip(params, grads):
        param -= lr * grad


def sgd_step_ellipsis(params, grads, lr):
    for i in range(len(params)):
        params[i][...] = params[i] - lr * grads[i]


def sgd_step_out(params, grads, lr):
    for param, grad in zip(params, grads):
        np.subtract(param, lr * grad, out=param)


def sgd_rebinds(params, grads, lr):
    for i in range(len(params)):
        params[i] = params[i] - lr * grads[i]


def sgd_local_name(params, grads, lr):
    for param, grad in zip(params, grads):
        param = param - lr * grad  # noqa: F841 - rebinds the loop variable only


def sgd_ascends(params, grads, lr):
    for param, grad in zip(params, grads):
        param += lr * grad


def sgd_forgets_lr(params, grads, lr):
    for param, grad in zip(params, grads):
        param -= grad


def sgd_scales_grads(params, grads, lr):
    for param, grad in zip(params, grads):
        grad *= lr
        param -= grad


@pytest.mark.parametrize("answer", [sgd_step, sgd_step_ellipsis, sgd_step_out])
def test_sgd_correct_alternatives_pass(answer):
    ch03.check_sgd_step(answer)
    ch03.check_sgd_step(answer, cases=HIDDEN_SIZES["sgd"], hidden=True)


@pytest.mark.parametrize("answer, diagnosis", [
    (sgd_rebinds, "rebound"), (sgd_local_name, "rebound"), (sgd_ascends, "sign-flipped"),
    (sgd_forgets_lr, "wrong-values"), (sgd_scales_grads, "input-modified"),
])
def test_sgd_wrong_answers(answer, diagnosis, rejects):
    err = rejects(ch03.check_sgd_step, answer, diagnosis=diagnosis)
    if answer is sgd_local_name:
        assert "did not move" in err.message and "chain rule" not in err.message  # hole 7
    if answer is sgd_forgets_lr:
        assert "10 times" in err.message


def test_forward_messages_name_the_shapes(rejects):
    class NoneForward(Repeat):
        def forward(self, x):
            return None
    err = rejects(ch03.check_repeat, NoneForward, diagnosis="wrong-forward")
    assert "NoneType" in err.message
    flat_sum = _sum_variant(forward=lambda self, x: (setattr(self, "N", x.shape[0]), x.sum(axis=0))[1])
    assert "keepdims=True" in rejects(ch03.check_sum, flat_sum, diagnosis="wrong-forward").message
    assert "keepdims" not in rejects(ch03.check_matmul, MatMulForwardTransposed, diagnosis="wrong-forward").message


def test_sum_backward_may_return_a_read_only_broadcast_view(accepts):
    """Hole 4: np.broadcast_to(dout, ...) (DeZero, PyTorch) is a read-only view: safe, accepted."""
    accepts(ch03.check_sum, _sum_variant(backward=lambda self, dout: np.broadcast_to(dout, (self.N, dout.shape[1]))))
    accepts(ch03.check_sum, _sum_variant(backward=lambda self, dout: np.broadcast_to(dout, (self.N, dout.shape[1]))),
            cases=HIDDEN_SIZES["node"], hidden=True)


def test_hole5_a_misspelt_method_is_named_not_a_traceback(rejects):
    """Issue 9, hole 5: `foward` gets one sentence naming the method, not an AttributeError from ch03.py."""
    misspelt = type("MatMulMisspelt", (MatMul,), {"foward": MatMul.forward, "forward": None})
    rejects(ch03.check_matmul, misspelt, diagnosis="missing-method", says=("`forward`", "`foward`"))
    no_backward = type("SumNoBackward", (), {"forward": Sum.forward})
    rejects(ch03.check_sum, no_backward, diagnosis="missing-method", says=("`backward`",))
    rejects(ch03.check_repeat, Repeat(3), diagnosis="not-a-class")
