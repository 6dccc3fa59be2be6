"""Every exercise's hints stay on its own topic (issue 9, hole 7), notebooks 01-06.

A hint written for one exercise (a loss averaged over the batch, the chain rule node by
node, d(u^2)/du = 2u, "compute into a new array") misleads in another: an SGD step that
rebinds its loop variable is not fixed by the chain rule. Each phrase below is allowed
only in the exercises whose idea it names; one test per exercise runs its classic wrong
answers and holds every message to that.
"""
import numpy as np
import pytest

from nbkit.checks import ch01, ch02, ch03, ch04, ch05, ch06
from nbkit.feedback import CheckFailed

# phrase (lower case) -> the exercises where it is on topic
# (05's "affine" is 03's affine_backward again, so it shares its topics; a softmax loss
# averages over the batch itself, so the 1/N of its forward pass is its own idea.)
ON_TOPIC = {
    "chain rule": {"score_grads", "MatMul", "Repeat", "Sum", "affine_backward", "neuron_forward_backward", "affine",
                   "two_layer_loss_and_grads", "mlp_backward", "backward"},
    "node by node": {"score_grads", "affine_backward", "affine"},
    "where the loss is averaged": {"affine_backward", "affine", "softmax_loss", "06 softmax_loss"},
    "1/n of the forward pass": {"affine_backward", "affine", "softmax_loss", "06 softmax_loss"},
    "d(u^2)/du": set(),
    "compute into a new array": {"MatMul", "Repeat", "Sum", "affine_backward", "score_grads", "affine"},
    "recompute that entry by hand": {"score_grads", "MatMul", "Repeat", "Sum", "affine_backward", "affine"},
}


def _off_topic(exercise: str, message: str) -> list:
    text = message.lower()
    return [phrase for phrase, topics in ON_TOPIC.items() if phrase in text and exercise not in topics]


def _sgd(update):
    def sgd_step(params, grads, lr):
        for p, g in zip(params, grads):
            update(p, g, lr)
    return sgd_step


def _rebind(p, g, lr):
    p = p - lr * g  # noqa: F841 - rebinds the loop variable only


def _ascend(p, g, lr):
    p += lr * g


def _zero_grads(p, g, lr):
    p -= lr * g
    g[...] = 0.0


def _clipped_lr(p, g, lr):
    p -= min(lr, 0.05) * g


def _doubled_lr(p, g, lr):
    p -= 2 * lr * g


def _node(base, backward):
    return type("Variant", (base,), {"backward": lambda self, dout: backward(self, dout)})


class Repeat:
    def __init__(self, N):
        self.N = N

    def forward(self, x):
        return np.repeat(x, self.N, axis=0)


class Sum:
    def forward(self, x):
        self.N = x.shape[0]
        return x.sum(axis=0, keepdims=True)


WRONG = {  # exercise -> (check, [wrong answers])
    "sgd_step": (ch03.check_sgd_step, [_sgd(_rebind), _sgd(_ascend), _sgd(_zero_grads), _sgd(_clipped_lr),
                                        _sgd(_doubled_lr)]),
    "Repeat": (ch03.check_repeat, [_node(Repeat, lambda self, d: d.mean(axis=0, keepdims=True)),
                                   _node(Repeat, lambda self, d: -d.sum(axis=0, keepdims=True)),
                                   _node(Repeat, lambda self, d: 2 * d.sum(axis=0, keepdims=True))]),
    "Sum": (ch03.check_sum, [_node(Sum, lambda self, d: np.repeat(d / self.N, self.N, axis=0)),
                             _node(Sum, lambda self, d: -np.repeat(d, self.N, axis=0)),
                             _node(Sum, lambda self, d: np.repeat(2 * d, self.N, axis=0))]),
    "numerical_gradient": (ch04.check_numerical_gradient, [
        lambda f, x, h: 0.5 * ch04._oracle_gradient(f, x.copy(), h),
        lambda f, x, h: 4 * ch04._oracle_gradient(f, x.copy(), h),
        lambda f, x, h: ch04._oracle_gradient(f, x.copy(), h).T.copy().reshape(x.shape) + 0.1]),
    "numerical_gradient_upstream": (ch04.check_numerical_gradient_upstream, [
        lambda f, x, u, h: 0.5 * ch04._oracle_upstream(f, x.copy(), u, h),
        lambda f, x, u, h: ch04._oracle_upstream(f, x.copy(), u, h) + 0.1]),
    "staged_forward_backward": (ch01.check_staged, [lambda x, y: (0.5, 0.0, 0.0), lambda x, y: (1.0, 2.0)]),
    "softmax_ce_grad": (ch02.check_softmax_ce_grad, [
        lambda s, y: (lambda p: p - np.eye(s.shape[1])[y])(np.exp(s - s.max(1, keepdims=True))
                                                          / np.exp(s - s.max(1, keepdims=True)).sum(1, keepdims=True)),
        lambda s, y: np.exp(s) / np.exp(s).sum(1, keepdims=True) / len(y)]),
    "neuron_forward_backward": (ch01.check_neuron, [
        lambda w, x: (lambda s: (s, 0.5 * s * (1 - s) * np.array([x[0], x[1], 1.0]), s * (1 - s) * w[:2]))(
            float(1 / (1 + np.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))))]),
}



# -- notebooks 05 and 06 -----------------------------------------------------------------

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _two_layer(mean=False, local=None, transposed=False):
    def two_layer_loss_and_grads(x, y, w1, w2):
        h = _sig(x @ w1)
        g = 2 * (h @ w2 - y)
        dz = (g @ w2.T) * (local(h) if local else h * (1 - h))
        loss = np.sum((h @ w2 - y) ** 2)
        grad_w2 = (g.T @ h).T.copy() if not transposed else (h.T @ g).T.reshape(w2.shape) + 0
        return (loss / len(x) if mean else loss), x.T @ dz, grad_w2
    return two_layer_loss_and_grads


def _affine_forward(x, w, b):
    return x @ w + b, (x, w)


def _affine_backward(dx=None, dw=None, db=None):
    def affine_backward(dout, cache):
        x, w = cache
        return ((dx or (lambda: dout @ w.T))(dout, x, w) if dx else dout @ w.T,
                dw(dout, x, w) if dw else x.T @ dout, db(dout, x, w) if db else dout.sum(0))
    return affine_backward


def _mlp_forward(X, params):
    a, cache = X, []
    n = len(params) // 2
    for l in range(1, n + 1):
        z = a @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((a, z))
        a = np.maximum(z, 0) if l < n else z
    return a, cache


def _mlp_backward(transpose=True, mask=True, scale=1.0):
    def mlp_backward(dscores, params, cache):
        grads, delta = {}, dscores * scale
        for l in range(len(cache), 0, -1):
            a_prev, _ = cache[l - 1]
            grads[f"W{l}"], grads[f"b{l}"] = a_prev.T @ delta, delta.sum(0)
            if l > 1:
                W = params[f"W{l}"]
                delta = (delta @ (W.T if transpose else W)) * ((cache[l - 2][1] > 0) if mask else 1.0)
        return grads
    return mlp_backward


def _xavier(bound, normal=False):
    def xavier_init(sizes, rng):
        params = {}
        for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            lim = bound(a, b)
            W = rng.normal(0, lim, (a, b)) if normal else rng.uniform(-lim, lim, (a, b))
            params[f"W{l}"], params[f"b{l}"] = W, np.zeros(b)
        return params
    return xavier_init


def _add_l2(bias=False, replace=False, half=0.5):
    def add_l2(loss, grads, params, reg):
        keys = [k for k in params if bias or k.startswith("W")]
        loss = loss + half * reg * sum(np.sum(params[k] ** 2) for k in keys)
        new = dict(grads)
        for k in keys:
            new[k] = reg * params[k] if replace else grads[k] + reg * params[k]
        return loss, new
    return add_l2


def _dropout(scale_train=True, scale_test=False, backward_scale=True):
    def forward(x, p, train, rng):
        if not train:
            return (x * p if scale_test else x), None
        mask = (rng.random(x.shape) < p) / (p if scale_train else 1.0)
        return x * mask, mask

    def backward(dout, mask):
        return dout * (mask if backward_scale else (mask != 0))
    return forward, backward


def _windows(shift=0, roll=False):
    def make_windows(ids, pad_id, size):
        if roll:
            return np.stack([np.roll(ids, size - k) for k in range(2 * size + 1)], axis=1)
        padded = [pad_id] * (size + shift) + list(ids) + [pad_id] * (size + 1)
        return np.array([padded[t:t + 2 * size + 1] for t in range(len(ids))])
    return make_windows


def _scores(relu=True, softmax=False):
    def forward(params, windows):
        x = params["L"][windows].reshape(len(windows), -1)
        z = x @ params["W"].T + params["b"]
        h = np.maximum(z, 0) if relu else z
        s = h @ params["U"].T + params["c"]
        if softmax:
            s = np.exp(s - s.max(1, keepdims=True))
            s = s / s.sum(1, keepdims=True)
        return s, (windows, x, z, h)
    return forward


def _softmax06(mean=True, minus_one=True):
    def softmax_loss(scores, labels):
        N = len(labels)
        z = scores - scores.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        d = np.exp(logp)
        if minus_one:
            d[np.arange(N), labels] -= 1
        return -logp[np.arange(N), labels].mean(), (d / N if mean else d)
    return softmax_loss


def _margin(always=False, mean=True):
    def max_margin(s, s_c):
        hinge = 1 - s + s_c
        active = np.ones_like(s) if always else (hinge > 0) * 1.0
        n = len(s) if mean else 1
        return np.mean(np.maximum(hinge, 0)), -active / n, active / n
    return max_margin


def _backward06(assigned=False, dW_T=False, db_unsummed=False):
    def backward(dscores, params, cache):
        windows, x, z, h = cache
        dz = (dscores @ params["U"]) * (z > 0)
        rows = (dz @ params["W"]).reshape(-1, params["L"].shape[1])
        dL = np.zeros_like(params["L"])
        if assigned:
            dL[windows.ravel()] = rows
        else:
            np.add.at(dL, windows.ravel(), rows)
        return {"L": dL, "W": (x.T @ dz) if dW_T else dz.T @ x, "b": dz if db_unsummed else dz.sum(0),
                "U": dscores.T @ h, "c": dscores.sum(0)}
    return backward


def _sgd06(update):
    def sgd_step(params, grads, lr):
        for k in list(params):
            update(params, k, grads[k], lr)
    return sgd_step


def _run_epoch(shuffle=True, drop_last=False, one_step=False):
    def run_epoch(params, windows, labels, loss_and_grads, step, batch_size, rng):
        N = len(windows)
        order = rng.permutation(N) if shuffle else np.arange(N)
        total, grads = 0.0, None
        stop = N - batch_size + 1 if drop_last else N
        for start in range(0, stop, batch_size):
            idx = order[start:start + batch_size]
            loss, grads = loss_and_grads(params, windows[idx], labels[idx])
            total += loss * len(idx)
            if not one_step:
                step(params, grads)
        if one_step:
            step(params, grads)
        return total / N
    return run_epoch


def _gradcheck_copy(loss_and_grads, params, windows, labels):
    from nbkit.gradcheck import check_gradients

    _, grads = loss_and_grads(params, windows, labels)
    copy = {k: v.copy() for k, v in params.items()}
    return check_gradients(lambda: loss_and_grads(copy, windows, labels)[0], params, grads)


WRONG.update({  # notebooks 05 and 06; a key is an exercise's name ("06 ..." where 03 or 05 has the same name)
    "sigmoid_grad and tanh_grad": (lambda *f: ch05.check_sigmoid_tanh_grad(*f[0]), [
        (lambda s: s, lambda t: 1 - t ** 2), (lambda s: s * (1 - s), lambda t: 1 - t),
        (lambda s: -s * (1 - s), lambda t: 1 - t ** 2), (lambda s: _sig(s) * (1 - _sig(s)), lambda t: 1 - t ** 2)]),
    "activation derivatives": (lambda *f: ch05.check_piecewise_grads(*f[0]), [
        (lambda z: np.ones_like(z), lambda z: 1 / (1 + np.abs(z)) ** 2, lambda z: (z > 0) * 1.0,
         lambda z, a: np.where(z > 0, 1.0, a)),
        (lambda z: (np.abs(z) < 1) * 1.0, lambda z: 1 / (1 + np.abs(z)), lambda z: (z > 0) * 1.0,
         lambda z, a: np.where(z > 0, 1.0, a)),
        (lambda z: (np.abs(z) < 1) * 1.0, lambda z: 1 / (1 + np.abs(z)) ** 2, lambda z: np.ones_like(z),
         lambda z, a: np.where(z > 0, 1.0, a)),
        (lambda z: (np.abs(z) < 1) * 1.0, lambda z: 1 / (1 + np.abs(z)) ** 2, lambda z: (z > 0) * 1.0,
         lambda z, a: (z > 0) * 1.0)]),
    "two_layer_loss_and_grads": (ch05.check_two_layer, [_two_layer(mean=True), _two_layer(local=lambda h: h),
                                                        _two_layer(local=lambda h: np.ones_like(h))]),
    "affine": (lambda b: ch05.check_affine(_affine_forward, b), [
        _affine_backward(db=lambda d, x, w: d), _affine_backward(dw=lambda d, x, w: 2 * x.T @ d),
        _affine_backward(dx=lambda d, x, w: -d @ w.T), _affine_backward(db=lambda d, x, w: d.mean(0))]),
    "softmax_loss": (ch05.check_softmax_loss, [_softmax06(minus_one=False), _softmax06(mean=False)]),
    "mlp_backward": (lambda b: ch05.check_mlp_backward(b, _mlp_forward), [
        _mlp_backward(transpose=False), _mlp_backward(mask=False), _mlp_backward(scale=2.0)]),
    "xavier_init": (ch05.check_xavier, [_xavier(lambda a, b: np.sqrt(6 / a)), _xavier(lambda a, b: np.sqrt(2 / (a + b)), True),
                                        _xavier(lambda a, b: np.sqrt(3 / (a + b)))]),
    "add_l2": (ch05.check_l2, [_add_l2(bias=True), _add_l2(replace=True), _add_l2(half=1.0)]),
    "dropout": (lambda fb: ch05.check_dropout(*fb), [_dropout(scale_train=False), _dropout(scale_test=True),
                                                     _dropout(backward_scale=False)]),
    "make_windows": (ch06.check_make_windows, [_windows(shift=1), _windows(roll=True)]),
    "layer_shapes": (ch06.check_layer_shapes, [
        lambda d, w, H, C: {"x": (d * w,), "W": (d * w, H), "b": (H,), "h": (H,), "u": (H,), "s": (), "U": (C, H),
                            "c": (C,)},
        lambda d, w, H, C: {"x": (d,), "W": (H, d * w), "b": (H,), "h": (H,), "u": (H,), "s": (), "U": (C, H),
                            "c": (C,)}]),
    "forward": (ch06.check_forward, [_scores(relu=False), _scores(softmax=True)]),
    "06 softmax_loss": (ch06.check_softmax_loss, [_softmax06(mean=False), _softmax06(minus_one=False)]),
    "max_margin": (ch06.check_max_margin, [_margin(always=True), _margin(mean=False)]),
    "backward": (ch06.check_backward, [_backward06(assigned=True), _backward06(dW_T=True),
                                       _backward06(db_unsummed=True)]),
    "06 sgd_step": (ch06.check_sgd_step, [
        _sgd06(lambda P, k, g, lr: P.__setitem__(k, P[k] - lr * g)),
        _sgd06(lambda P, k, g, lr: P[k].__iadd__(lr * g)),
        _sgd06(lambda P, k, g, lr: P[k].__isub__(g)),
        _sgd06(lambda P, k, g, lr: P[k].__isub__(lr * g) if k != "L" else None)]),
    "run_epoch": (ch06.check_run_epoch, [_run_epoch(shuffle=False), _run_epoch(drop_last=True),
                                         _run_epoch(one_step=True)]),
    "gradcheck_model": (ch06.check_gradcheck_model, [_gradcheck_copy]),
})


@pytest.mark.parametrize("exercise", sorted(WRONG))
def test_hints_are_held_to_their_exercise(exercise):
    check, answers = WRONG[exercise]
    for answer in answers:
        with np.errstate(all="ignore"), pytest.raises(CheckFailed) as info:
            check(answer)
        off = _off_topic(exercise, info.value.message)
        assert not off, f"{exercise} ({info.value.diagnosis}) is told about {off}: {info.value.message}"


def test_the_reported_sgd_hints_are_gone():
    """The four messages real attempts got (issue 9): each now names the SGD step's own idea."""
    expected = {_rebind: ("rebound", "did not move"), _ascend: ("sign-flipped", "-= lr * grad"),
                _zero_grads: ("input-modified", "leave grads"), _clipped_lr: ("scaled-by-half", "lr as given")}
    for update, (diagnosis, says) in expected.items():
        with pytest.raises(CheckFailed) as info:
            ch03.check_sgd_step(_sgd(update))
        assert info.value.diagnosis == diagnosis and says in info.value.message, info.value.message
