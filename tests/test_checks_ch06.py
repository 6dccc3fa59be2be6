"""Notebook 06 checks: classic wrong answers get their diagnosis, correct alternatives pass.

The wrong answers are the syllabus's misconceptions written the way a learner would: windows
off by one at the sentence edges or centred on padding, the embedding gradient assigned
(``dL[idx] = g``) instead of accumulated, the max-margin gradient applied where the margin is
met, the softmax gradient not divided by the batch size, U and W gradients transposed.
The correct alternatives are other styles: loops, ``np.bincount``, a sparse product,
CS224n-style code adapted to the signatures.
"""
import numpy as np
import pytest
import scipy.sparse

from nbkit.checks import ch06
from nbkit.gradcheck import check_gradients

HIDDEN = {
    "windows": [([3, 1, 4, 1, 5, 9], 2, 2), ([6, 6], 0, 3), ([8, 2, 7], 0, 0)],
    "shapes": [(50, 5, 100, 5), (300, 7, 200, 9)],
    "model": [(7, 9, 4, 5, 8, 5, 11), (3, 5, 2, 10, 6, 5, 12)],
    "softmax": [(6, 5, 21), (5, 4, 23, -900.0)],
    "margin": [(8, 71), (11, 73)],
    "sgd": [(0.01, 51), (2.0, 52)],
    "epoch": [(23, 5, 61), (7, 3, 62)],
    "gradcheck": [(41, "B"), (43, "E")],
}


def both(check, answer, kind, accepts):
    """The answer passes the visible and the hidden cases."""
    accepts(check, answer)
    accepts(check, answer, cases=HIDDEN[kind], hidden=True)


# ------------------------------------------------------------------------------ make_windows

def windows_pad_concat(ids, pad_id, size=2):
    ids = np.asarray(ids, dtype=np.int64)
    padded = np.concatenate([np.full(size, pad_id), ids, np.full(size, pad_id)]).astype(np.int64)
    return np.stack([padded[t:t + 2 * size + 1] for t in range(len(ids))]).reshape(len(ids), 2 * size + 1)


def windows_loop(ids, pad_id, size=2):
    T = len(ids)
    out = np.full((T, 2 * size + 1), pad_id, dtype=int)
    for t in range(T):
        for k in range(-size, size + 1):
            if 0 <= t + k < T:
                out[t, k + size] = ids[t + k]
    return out


def windows_stride_tricks(ids, pad_id, size=2):
    padded = np.pad(np.asarray(ids), size, constant_values=pad_id)
    return np.lib.stride_tricks.sliding_window_view(padded, 2 * size + 1).copy()


def windows_off_by_one(ids, pad_id, size=2):        # slice starts one place late
    padded = list(ids) + [pad_id] * (2 * size + 1)
    padded = [pad_id] * size + padded
    return np.array([padded[t + 1:t + 2 * size + 2] for t in range(len(ids))])


def windows_extra_left(ids, pad_id, size=2):         # one padding token too many on the left
    padded = [pad_id] * (size + 1) + list(ids) + [pad_id] * size
    return np.array([padded[t:t + 2 * size + 1] for t in range(len(ids))])


def windows_roll(ids, pad_id, size=2):              # np.roll wraps around the sentence
    ids = np.asarray(ids)
    return np.stack([np.roll(ids, size - k) for k in range(2 * size + 1)], axis=1)


def windows_on_padding(ids, pad_id, size=2):        # a window for every padded position
    padded = [pad_id] * (2 * size) + list(ids) + [pad_id] * (2 * size)
    return np.array([padded[t:t + 2 * size + 1] for t in range(len(ids) + 2 * size)])


def windows_float(ids, pad_id, size=2):
    return windows_loop(ids, pad_id, size).astype(float)


@pytest.mark.parametrize("answer", [windows_pad_concat, windows_loop, windows_stride_tricks])
def test_make_windows_accepts(answer, accepts):
    both(ch06.check_make_windows, answer, "windows", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (windows_off_by_one, "window-off-by-one"), (windows_extra_left, "window-off-by-one"),
    (windows_roll, "wrapped-edges"), (windows_on_padding, "padding-labelled"), (windows_float, "not-integer"),
])
def test_make_windows_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_make_windows, answer, diagnosis=diagnosis)
    rejects(ch06.check_make_windows, answer, cases=HIDDEN["windows"], hidden=True, diagnosis=diagnosis,
            hidden_values=("[3, 1, 4", "3, 1, 4, 1"))


# ------------------------------------------------------------------------------ layer_shapes

def shapes_right(d, window, hidden, n_classes):
    n = d * window
    return dict(x=(n,), W=(hidden, n), b=(hidden,), h=(hidden,), u=(hidden,), s=(), U=(n_classes, hidden),
                c=(n_classes,))


def shapes_lists(d, window, hidden, n_classes):   # lists and numpy ints are shapes too
    return {k: list(np.int64(n) for n in v) for k, v in shapes_right(d, window, hidden, n_classes).items()}


def _with(**changes):
    def answer(d, window, hidden, n_classes):
        out = shapes_right(d, window, hidden, n_classes)
        for k, f in changes.items():
            out[k] = f(d, window, hidden, n_classes)
        return out
    return answer


def test_layer_shapes_accepts(accepts):
    both(ch06.check_layer_shapes, shapes_right, "shapes", accepts)
    both(ch06.check_layer_shapes, shapes_lists, "shapes", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (_with(x=lambda d, w, H, C: (d,)), "forgot-concatenation"),
    (_with(W=lambda d, w, H, C: (d * w, H)), "transposed"),
    (_with(U=lambda d, w, H, C: (H, C)), "transposed"),
    (_with(s=lambda d, w, H, C: (H,)), "elementwise-not-dot"),
    (_with(b=lambda d, w, H, C: (d * w,)), "wrong-shape"),
    (lambda d, w, H, C: [(d * w,)], "wrong-return"),
])
def test_layer_shapes_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_layer_shapes, answer, diagnosis=diagnosis)
    rejects(ch06.check_layer_shapes, answer, cases=HIDDEN["shapes"], hidden=True, diagnosis=diagnosis,
            hidden_values=("(200, 2100)", "(2100, 200)", "2100"))


# ------------------------------------------------------------------------------ forward

def forward_right(params, windows):
    N = windows.shape[0]
    x = params["L"][windows].reshape(N, -1)
    z = x @ params["W"].T + params["b"]
    h = np.maximum(z, 0)
    return h @ params["U"].T + params["c"], (windows, x, z, h)


def forward_loop(params, windows):            # one window at a time, column vectors as in the lecture
    L, W, b, U, c = (params[k] for k in "LWbUc")
    scores, xs, zs, hs = [], [], [], []
    for row in windows:
        x = np.concatenate([L[i] for i in row])
        z = W @ x + b
        h = z * (z > 0)
        xs.append(x), zs.append(z), hs.append(h), scores.append(U @ h + c)
    return np.array(scores), (windows, np.array(xs), np.array(zs), np.array(hs))


def forward_no_relu(params, windows):
    s, (w, x, z, h) = forward_right(params, windows)
    return z @ params["U"].T + params["c"], (w, x, z, z)


def forward_no_bias(params, windows):
    N = windows.shape[0]
    x = params["L"][windows].reshape(N, -1)
    h = np.maximum(x @ params["W"].T, 0)
    return h @ params["U"].T + params["c"], (windows, x, x @ params["W"].T, h)


def forward_softmax(params, windows):
    s, cache = forward_right(params, windows)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True), cache


def forward_interleaved(params, windows):    # L[windows] transposed before the reshape
    N = windows.shape[0]
    x = params["L"][windows].transpose(0, 2, 1).reshape(N, -1)
    z = x @ params["W"].T + params["b"]
    h = np.maximum(z, 0)
    return h @ params["U"].T + params["c"], (windows, x, z, h)


def forward_mutates(params, windows):
    out = forward_right(params, windows)
    params["b"] += 1.0
    return out


def forward_no_cache(params, windows):
    return forward_right(params, windows)[0]


@pytest.mark.parametrize("answer", [forward_right, forward_loop])
def test_forward_accepts(answer, accepts):
    both(ch06.check_forward, answer, "model", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (forward_no_relu, "missing-activation"), (forward_no_bias, "forgot-bias"),
    (forward_softmax, "returned-probabilities"), (forward_interleaved, "wrong-concatenation"),
    (forward_mutates, "input-modified"), (forward_no_cache, "wrong-count"),
])
def test_forward_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_forward, answer, diagnosis=diagnosis)
    rejects(ch06.check_forward, answer, cases=HIDDEN["model"], hidden=True, diagnosis=diagnosis)


# ------------------------------------------------------------------------------ softmax_loss

def softmax_right(scores, labels):
    N = len(labels)
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), labels]).mean()
    p[np.arange(N), labels] -= 1
    return loss, p / N


def softmax_onehot_logsumexp(scores, labels):     # CS224n style: one-hot matrix, logsumexp
    N, C = scores.shape
    onehot = np.eye(C)[labels]
    m = scores.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    loss = np.sum(onehot * (lse - scores)) / N
    return loss, (np.exp(scores - lse) - onehot) / N


def softmax_not_averaged(scores, labels):
    loss, d = softmax_right(scores, labels)
    return loss, d * len(labels)


def softmax_no_minus_one(scores, labels):
    N = len(labels)
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(N), labels]).mean(), p / N


def softmax_sign(scores, labels):
    loss, d = softmax_right(scores, labels)
    return loss, -d


def softmax_unstable(scores, labels):
    N = len(labels)
    with np.errstate(all="ignore"):
        p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(N), labels]).mean()
    p[np.arange(N), labels] -= 1
    return loss, p / N


def softmax_summed_loss(scores, labels):
    loss, d = softmax_right(scores, labels)
    return loss * len(labels), d


@pytest.mark.parametrize("answer", [softmax_right, softmax_onehot_logsumexp])
def test_softmax_loss_accepts(answer, accepts):
    both(ch06.check_softmax_loss, answer, "softmax", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (softmax_not_averaged, "scaled-by-batch"), (softmax_no_minus_one, "forgot-minus-one"),
    (softmax_sign, "sign-flipped"), (softmax_unstable, "nan"), (softmax_summed_loss, "scaled-by-batch"),
])
def test_softmax_loss_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_softmax_loss, answer, diagnosis=diagnosis)
    rejects(ch06.check_softmax_loss, answer, cases=HIDDEN["softmax"], hidden=True, diagnosis=diagnosis)


# ------------------------------------------------------------------------------ max_margin

def margin_right(s, s_c):
    m = 1 - s + s_c
    on = (m > 0).astype(float)
    return np.maximum(m, 0).mean(), -on / len(s), on / len(s)


def margin_loop(s, s_c):
    N = len(s)
    J, ds, dsc = 0.0, np.zeros(N), np.zeros(N)
    for i in range(N):
        if 1 - s[i] + s_c[i] > 0:
            J += (1 - s[i] + s_c[i]) / N
            ds[i], dsc[i] = -1 / N, 1 / N
    return J, ds, dsc


def margin_always(s, s_c):
    N = len(s)
    return np.maximum(1 - s + s_c, 0).mean(), -np.ones(N) / N, np.ones(N) / N


def margin_not_averaged(s, s_c):
    J, ds, dsc = margin_right(s, s_c)
    return J, ds * len(s), dsc * len(s)


def margin_sign(s, s_c):
    J, ds, dsc = margin_right(s, s_c)
    return J, -ds, -dsc


def margin_no_hinge(s, s_c):
    J, ds, dsc = margin_right(s, s_c)
    return np.mean(1 - s + s_c), ds, dsc


@pytest.mark.parametrize("answer", [margin_right, margin_loop])
def test_max_margin_accepts(answer, accepts):
    both(ch06.check_max_margin, answer, "margin", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (margin_always, "margin-met-gradient"), (margin_not_averaged, "scaled-by-batch"),
    (margin_sign, "sign-flipped"), (margin_no_hinge, "wrong-values"),
])
def test_max_margin_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_max_margin, answer, diagnosis=diagnosis)
    rejects(ch06.check_max_margin, answer, cases=HIDDEN["margin"], hidden=True, diagnosis=diagnosis)


# ------------------------------------------------------------------------------ backward

def _common(dscores, params, cache):
    windows, x, z, h = cache
    dz = (dscores @ params["U"]) * (z > 0)
    return windows, x, h, dz, dz @ params["W"]


def _grads(dscores, params, cache, dL):
    windows, x, h, dz, dx = _common(dscores, params, cache)
    return {"L": dL, "W": dz.T @ x, "b": dz.sum(0), "U": dscores.T @ h, "c": dscores.sum(0)}


def backward_add_at(dscores, params, cache):
    windows, x, h, dz, dx = _common(dscores, params, cache)
    dL = np.zeros_like(params["L"])
    np.add.at(dL, windows.ravel(), dx.reshape(-1, params["L"].shape[1]))
    return _grads(dscores, params, cache, dL)


def backward_bincount(dscores, params, cache):
    windows, x, h, dz, dx = _common(dscores, params, cache)
    V, d = params["L"].shape
    rows = dx.reshape(-1, d)
    dL = np.stack([np.bincount(windows.ravel(), weights=rows[:, j], minlength=V) for j in range(d)], axis=1)
    return _grads(dscores, params, cache, dL)


def backward_sparse(dscores, params, cache):
    windows, x, h, dz, dx = _common(dscores, params, cache)
    V, d = params["L"].shape
    ids = windows.ravel()
    onehot = scipy.sparse.csr_matrix((np.ones(len(ids)), (ids, np.arange(len(ids)))), shape=(V, len(ids)))
    return _grads(dscores, params, cache, onehot @ dx.reshape(-1, d))


def backward_loop(dscores, params, cache):      # CS224n-style: one window, one slot at a time
    windows, x, h, dz, dx = _common(dscores, params, cache)
    d = params["L"].shape[1]
    dL = np.zeros_like(params["L"])
    for i, row in enumerate(windows):
        for k, word in enumerate(row):
            dL[word] += dx[i, k * d:(k + 1) * d]
    return _grads(dscores, params, cache, dL)


def backward_assigned(dscores, params, cache):
    windows, x, h, dz, dx = _common(dscores, params, cache)
    dL = np.zeros_like(params["L"])
    dL[windows.ravel()] = dx.reshape(-1, params["L"].shape[1])
    return _grads(dscores, params, cache, dL)


def backward_fancy_plus_equals(dscores, params, cache):   # += with repeated indices: still one write each
    windows, x, h, dz, dx = _common(dscores, params, cache)
    dL = np.zeros_like(params["L"])
    dL[windows.ravel()] += dx.reshape(-1, params["L"].shape[1])
    return _grads(dscores, params, cache, dL)


def backward_dW_transposed(dscores, params, cache):
    g = backward_add_at(dscores, params, cache)
    g["W"] = g["W"].T
    return g


def backward_dU_transposed(dscores, params, cache):
    g = backward_add_at(dscores, params, cache)
    g["U"] = g["U"].T
    return g


def backward_db_not_summed(dscores, params, cache):
    windows, x, h, dz, dx = _common(dscores, params, cache)
    g = backward_add_at(dscores, params, cache)
    g["b"] = dz
    return g


def backward_no_relu_mask(dscores, params, cache):
    windows, x, z, h = cache
    dz = dscores @ params["U"]
    g = backward_add_at(dscores, params, cache)
    g["W"] = dz.T @ x
    return g


@pytest.mark.parametrize("answer", [backward_add_at, backward_bincount, backward_sparse, backward_loop])
def test_backward_accepts(answer, accepts):
    both(ch06.check_backward, answer, "model", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (backward_assigned, "embedding-assigned"), (backward_fancy_plus_equals, "embedding-assigned"),
    (backward_dW_transposed, "transposed"), (backward_dU_transposed, "transposed"),
    (backward_db_not_summed, "missing-batch-sum"), (backward_no_relu_mask, "wrong-values"),
])
def test_backward_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_backward, answer, diagnosis=diagnosis)
    rejects(ch06.check_backward, answer, cases=HIDDEN["model"], hidden=True, diagnosis=diagnosis)


def test_backward_names_the_parameter_and_shapes(rejects):
    rejects(ch06.check_backward, backward_dW_transposed, diagnosis="transposed", says=("dW", "(4, 15)"))
    rejects(ch06.check_backward, backward_assigned, diagnosis="embedding-assigned", says=("dL", "accumulate"))


# ------------------------------------------------------------------------------ sgd_step

def sgd_right(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]


def sgd_out_param(params, grads, lr):
    for k, g in grads.items():
        np.subtract(params[k], lr * g, out=params[k])


def sgd_rebinds(params, grads, lr):
    for k in params:
        params[k] = params[k] - lr * grads[k]


def sgd_plus(params, grads, lr):
    for k in params:
        params[k] += lr * grads[k]


def sgd_no_lr(params, grads, lr):
    for k in params:
        params[k] -= grads[k]


def sgd_skips_L(params, grads, lr):
    for k in ("W", "b", "U", "c"):
        params[k] -= lr * grads[k]


@pytest.mark.parametrize("answer", [sgd_right, sgd_out_param])
def test_sgd_step_accepts(answer, accepts):
    both(ch06.check_sgd_step, answer, "sgd", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (sgd_rebinds, "rebound"), (sgd_plus, "sign-flipped"), (sgd_no_lr, "ignored-lr"), (sgd_skips_L, "skipped-param"),
])
def test_sgd_step_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_sgd_step, answer, diagnosis=diagnosis)
    rejects(ch06.check_sgd_step, answer, cases=HIDDEN["sgd"], hidden=True, diagnosis=diagnosis)


# ------------------------------------------------------------------------------ run_epoch

def epoch_right(params, windows, labels, loss_and_grads, step, batch_size, rng):
    order = rng.permutation(len(labels))
    total = 0.0
    for start in range(0, len(labels), batch_size):
        idx = order[start:start + batch_size]
        loss, grads = loss_and_grads(params, windows[idx], labels[idx])
        step(params, grads)
        total += loss * len(idx)
    return total / len(labels)


def epoch_array_split(params, windows, labels, loss_and_grads, step, batch_size, rng):
    N = len(labels)
    perm = rng.permutation(N)
    losses, sizes = [], []
    for idx in np.array_split(perm, range(batch_size, N, batch_size)):
        loss, grads = loss_and_grads(params, windows[idx], labels[idx])
        step(params, grads)
        losses.append(loss), sizes.append(len(idx))
    return float(np.average(losses, weights=sizes))


def epoch_shuffled_copy(params, windows, labels, loss_and_grads, step, batch_size, rng):
    perm = rng.permutation(len(labels))
    windows, labels = windows[perm], labels[perm]
    total = 0.0
    for start in range(0, len(labels), batch_size):
        loss, grads = loss_and_grads(params, windows[start:start + batch_size], labels[start:start + batch_size])
        step(params, grads)
        total += loss * len(labels[start:start + batch_size])
    return total / len(labels)


def epoch_not_shuffled(params, windows, labels, loss_and_grads, step, batch_size, rng):
    return epoch_right(params, windows, labels, loss_and_grads, step, batch_size,
                       type("R", (), {"permutation": staticmethod(np.arange)})())


def epoch_drops_last(params, windows, labels, loss_and_grads, step, batch_size, rng):
    order = rng.permutation(len(labels))
    losses = []
    for b in range(len(labels) // batch_size):
        idx = order[b * batch_size:(b + 1) * batch_size]
        loss, grads = loss_and_grads(params, windows[idx], labels[idx])
        step(params, grads)
        losses.append(loss)
    return float(np.mean(losses))


def epoch_one_step(params, windows, labels, loss_and_grads, step, batch_size, rng):
    order = rng.permutation(len(labels))
    total, grads = 0.0, None
    for start in range(0, len(labels), batch_size):
        idx = order[start:start + batch_size]
        loss, grads = loss_and_grads(params, windows[idx], labels[idx])
        total += loss * len(idx)
    step(params, grads)
    return total / len(labels)


def epoch_unweighted(params, windows, labels, loss_and_grads, step, batch_size, rng):
    order = rng.permutation(len(labels))
    losses = []
    for start in range(0, len(labels), batch_size):
        idx = order[start:start + batch_size]
        loss, grads = loss_and_grads(params, windows[idx], labels[idx])
        step(params, grads)
        losses.append(loss)
    return float(np.mean(losses))


def epoch_labels_unshuffled(params, windows, labels, loss_and_grads, step, batch_size, rng):
    order = rng.permutation(len(labels))
    total = 0.0
    for start in range(0, len(labels), batch_size):
        idx = order[start:start + batch_size]
        loss, grads = loss_and_grads(params, windows[idx], labels[start:start + batch_size])
        step(params, grads)
        total += loss * len(idx)
    return total / len(labels)


@pytest.mark.parametrize("answer", [epoch_right, epoch_array_split, epoch_shuffled_copy])
def test_run_epoch_accepts(answer, accepts):
    both(ch06.check_run_epoch, answer, "epoch", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (epoch_not_shuffled, "not-shuffled"), (epoch_drops_last, "dropped-last-batch"),
    (epoch_one_step, "one-step-per-epoch"), (epoch_unweighted, "unweighted-mean"),
    (epoch_labels_unshuffled, "wrong-values"),
])
def test_run_epoch_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_run_epoch, answer, diagnosis=diagnosis)
    rejects(ch06.check_run_epoch, answer, cases=HIDDEN["epoch"], hidden=True, diagnosis=diagnosis)


# ------------------------------------------------------------------------------ gradcheck_model

def gradcheck_right(loss_and_grads, params, windows, labels):
    _, grads = loss_and_grads(params, windows, labels)
    return check_gradients(lambda: loss_and_grads(params, windows, labels)[0], params, grads)


def gradcheck_sparse(loss_and_grads, params, windows, labels):   # random entries: cheaper, still names the bug
    loss, grads = loss_and_grads(params, windows, labels)

    def f():
        return loss_and_grads(params, windows, labels)[0]
    return check_gradients(f, params, grads, method="sparse", num_checks=5, seed=0)


def gradcheck_copy(loss_and_grads, params, windows, labels):
    _, grads = loss_and_grads(params, windows, labels)
    frozen = {k: v.copy() for k, v in params.items()}
    return check_gradients(lambda: loss_and_grads(frozen, windows, labels)[0], params, grads)


def gradcheck_skips_first(loss_and_grads, params, windows, labels):   # "L is too big to check"
    _, grads = loss_and_grads(params, windows, labels)
    names = list(params)[1:]
    return check_gradients(lambda: loss_and_grads(params, windows, labels)[0],
                           {k: params[k] for k in names}, {k: grads[k] for k in names})


def gradcheck_pair(loss_and_grads, params, windows, labels):
    _, grads = loss_and_grads(params, windows, labels)
    return check_gradients(lambda: loss_and_grads(params, windows, labels), params, grads)


@pytest.mark.parametrize("answer", [gradcheck_right, gradcheck_sparse])
def test_gradcheck_model_accepts(answer, accepts):
    both(ch06.check_gradcheck_model, answer, "gradcheck", accepts)


@pytest.mark.parametrize("answer, diagnosis", [
    (gradcheck_copy, "perturbed-a-copy"), (gradcheck_skips_first, "missing"), (gradcheck_pair, "raised-TypeError"),
])
def test_gradcheck_model_rejects(answer, diagnosis, rejects):
    rejects(ch06.check_gradcheck_model, answer, diagnosis=diagnosis)
    rejects(ch06.check_gradcheck_model, answer, cases=HIDDEN["gradcheck"], hidden=True, diagnosis=diagnosis)


# ------------------------------------------------------------------------------ unwritten answers

@pytest.mark.parametrize("check", [ch06.check_make_windows, ch06.check_layer_shapes, ch06.check_forward,
                                   ch06.check_softmax_loss, ch06.check_max_margin, ch06.check_backward,
                                   ch06.check_sgd_step, ch06.check_run_epoch, ch06.check_gradcheck_model])
def test_an_unwritten_answer_is_not_implemented(check, rejects):
    def stub(*args):
        raise NotImplementedError()
    rejects(check, stub, diagnosis="not-implemented", says=("not written yet",))
