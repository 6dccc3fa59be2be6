"""Classic wrong answers for notebook 06 (the NER window classifier): windows off by one or
centred on padding, the embedding gradient assigned instead of accumulated, the max-margin
gradient applied where the margin is met, the softmax gradient not divided by the batch size,
U and W gradients transposed, and the training loop's slips."""


def swap(*pairs):
    return ("swap", pairs)


MISTAKES = {
    "make_windows": [
        ("window-off-by-one", swap(("windows[:, k] = padded[k:k + T]", "windows[:, k] = padded[k + 1:k + 1 + T]"),
                                   ("ids, np.full(size, pad_id, dtype=np.int64)])",
                                    "ids, np.full(size + 1, pad_id, dtype=np.int64)])"))),
        ("wrapped-edges", '''def make_windows(ids, pad_id, size=2):
    ids = np.asarray(ids)
    return np.stack([np.roll(ids, size - k) for k in range(2 * size + 1)], axis=1)
'''),
        ("padding-labelled", '''def make_windows(ids, pad_id, size=2):
    padded = [pad_id] * (2 * size) + list(ids) + [pad_id] * (2 * size)
    return np.array([padded[t:t + 2 * size + 1] for t in range(len(padded) - 2 * size)])
'''),
    ],
    "layer_shapes": [
        ("transposed", swap(('"W": (hidden, n)', '"W": (n, hidden)'))),
        ("forgot-concatenation", swap(('{"x": (n,)', '{"x": (d,)'))),
        ("elementwise-not-dot", swap(('"s": ()', '"s": (hidden,)'))),
        ("transposed", swap(('"U": (n_classes, hidden)', '"U": (hidden, n_classes)'))),
    ],
    "forward": [
        ("missing-activation", swap(("h = np.maximum(z, 0.0)", "h = z"))),
        ("forgot-bias", swap(('z = x @ params["W"].T + params["b"]', 'z = x @ params["W"].T'))),
        ("wrong-concatenation", swap(('x = params["L"][windows].reshape(N, -1)',
                                      'x = params["L"][windows].transpose(0, 2, 1).reshape(N, -1)'))),
    ],
    "softmax_loss": [
        ("scaled-by-batch", swap(("return float(loss), dscores / N", "return float(loss), dscores"))),
        ("forgot-minus-one", swap(("dscores[np.arange(N), labels] -= 1.0", "pass"))),
        ("sign-flipped", swap(("return float(loss), dscores / N", "return float(loss), -dscores / N"))),
    ],
    "backward": [
        ("embedding-assigned", swap(("np.add.at(dL.reshape(-1), (windows.reshape(-1, 1) * d + np.arange(d)).ravel(), dx.ravel())",
                                     "dL[windows.ravel()] = dx.reshape(-1, d)"))),
        ("embedding-assigned", swap(("np.add.at(dL.reshape(-1), (windows.reshape(-1, 1) * d + np.arange(d)).ravel(), dx.ravel())",
                                     "dL[windows.ravel()] += dx.reshape(-1, d)"))),
        ("transposed", swap(("dW = dz.T @ x ", "dW = x.T @ dz "))),
        ("transposed", swap(("dU = dscores.T @ h ", "dU = h.T @ dscores "))),
        ("missing-batch-sum", swap(("db = dz.sum(axis=0) ", "db = dz "))),
    ],
    "gradcheck_model": [
        ("perturbed-a-copy", swap(("return check_gradients(lambda: loss_and_grads(params, windows, labels)[0], params, grads)",
                                   "frozen = {k: v.copy() for k, v in params.items()}\n"
                                   "    return check_gradients(lambda: loss_and_grads(frozen, windows, labels)[0], params, grads)"))),
        ("missing", swap(("return check_gradients(lambda: loss_and_grads(params, windows, labels)[0], params, grads)",
                          "small = {k: v for k, v in params.items() if v.size < 10}\n"
                          "    return check_gradients(lambda: loss_and_grads(params, windows, labels)[0], small,\n"
                          "                           {k: grads[k] for k in small})"))),
        ("raised-TypeError", swap(("loss_and_grads(params, windows, labels)[0], params, grads)",
                                   "loss_and_grads(params, windows, labels), params, grads)"))),
    ],
    "sgd_step": [
        ("sign-flipped", swap(("params[name] -= lr * grad", "params[name] += lr * grad"))),
        ("ignored-lr", swap(("params[name] -= lr * grad", "params[name] -= grad"))),
        ("rebound", swap(("params[name] -= lr * grad", "params[name] = params[name] - lr * grad"))),
        ("skipped-param", swap(("for name, grad in grads.items():", "for name, grad in list(grads.items())[1:]:"))),
    ],
    "run_epoch": [
        ("not-shuffled", swap(("order = rng.permutation(N)", "order = np.arange(N)"))),
        ("dropped-last-batch", swap(("for start in range(0, N, batch_size):",
                                     "for start in range(0, N - batch_size + 1, batch_size):"),
                                    ("return total / N", "return total / (N // batch_size * batch_size)"))),
        ("one-step-per-epoch", swap(("        step(params, grads)\n", ""),
                                    ("    return total / N", "    step(params, grads)\n    return total / N"))),
        ("unweighted-mean", swap(("total += loss * len(idx)", "total += loss"),
                                 ("return total / N", "return total / int(np.ceil(N / batch_size))"))),
    ],
    "max_margin": [
        ("margin-met-gradient", swap(("violated = (margins > 0).astype(float)", "violated = np.ones(N)"))),
        ("scaled-by-batch", swap(("-violated / N, violated / N", "-violated, violated"))),
        ("sign-flipped", swap(("-violated / N, violated / N", "violated / N, -violated / N"))),
    ],
}

ALTERNATIVES = {
    "make_windows": '''def make_windows(ids, pad_id, size=2):
    padded = np.pad(np.asarray(ids), size, constant_values=pad_id)
    return np.lib.stride_tricks.sliding_window_view(padded, 2 * size + 1).copy()
''',
    "layer_shapes": '''def layer_shapes(d, window, hidden, n_classes):
    x = np.zeros(d * window)
    W, b, U, c = np.zeros((hidden, x.size)), np.zeros(hidden), np.zeros((n_classes, hidden)), np.zeros(n_classes)
    h = W @ x + b
    u = np.zeros(hidden)
    s = u @ h
    return {name: np.shape(value) for name, value in
            dict(x=x, W=W, b=b, h=h, u=u, s=s, U=U, c=c).items()}
''',
    "forward": '''def forward(params, windows):
    L, W, b, U, c = (params[k] for k in ("L", "W", "b", "U", "c"))
    x = np.concatenate([L[windows[:, k]] for k in range(windows.shape[1])], axis=1)
    z = np.einsum("nf,hf->nh", x, W) + b
    h = z * (z > 0)
    return np.einsum("nh,ch->nc", h, U) + c, (windows, x, z, h)
''',
    "softmax_loss": '''def softmax_loss(scores, labels):
    N, C = scores.shape
    onehot = np.eye(C)[labels]
    m = scores.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    return float(np.sum(onehot * (lse - scores)) / N), (np.exp(scores - lse) - onehot) / N
''',
    "backward": '''def backward(dscores, params, cache):
    windows, x, z, h = cache
    V, d = params["L"].shape
    dz = (dscores @ params["U"]) * (z > 0)
    rows = (dz @ params["W"]).reshape(-1, d)
    ids = windows.ravel()
    dL = np.stack([np.bincount(ids, weights=rows[:, j], minlength=V) for j in range(d)], axis=1)
    return {"L": dL, "W": dz.T @ x, "b": dz.sum(0), "U": dscores.T @ h, "c": dscores.sum(0)}
''',
    "gradcheck_model": '''def gradcheck_model(loss_and_grads, params, windows, labels):
    def loss():
        value, _ = loss_and_grads(params, windows, labels)
        return value
    return check_gradients(loss, params, loss_and_grads(params, windows, labels)[1], method="sparse", seed=0)
''',
    "sgd_step": '''def sgd_step(params, grads, lr):
    for name in params:
        np.subtract(params[name], lr * grads[name], out=params[name])
''',
    "run_epoch": '''def run_epoch(params, windows, labels, loss_and_grads, step, batch_size, rng):
    N = len(labels)
    perm = rng.permutation(N)
    losses, sizes = [], []
    for idx in np.array_split(perm, range(batch_size, N, batch_size)):
        loss, grads = loss_and_grads(params, windows[idx], labels[idx])
        step(params, grads)
        losses.append(loss)
        sizes.append(len(idx))
    return float(np.average(losses, weights=sizes))
''',
    "max_margin": '''def max_margin(s, s_c):
    N = len(s)
    J, ds, ds_c = 0.0, np.zeros(N), np.zeros(N)
    for i in range(N):
        if 1 - s[i] + s_c[i] > 0:
            J += (1 - s[i] + s_c[i]) / N
            ds[i], ds_c[i] = -1 / N, 1 / N
    return J, ds, ds_c
''',
}
