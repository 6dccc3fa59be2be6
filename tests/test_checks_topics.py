"""Every exercise's hints stay on its own topic (issue 9, hole 7).

A hint written for one exercise (a loss averaged over the batch, the chain rule node by
node, d(u^2)/du = 2u, "compute into a new array") misleads in another: an SGD step that
rebinds its loop variable is not fixed by the chain rule. Each phrase below is allowed
only in the exercises whose idea it names; one test per exercise runs its classic wrong
answers and holds every message to that.
"""
import numpy as np
import pytest

from nbkit.checks import ch01, ch02, ch03, ch04
from nbkit.feedback import CheckFailed

# phrase (lower case) -> the exercises where it is on topic
ON_TOPIC = {
    "chain rule": {"score_grads", "MatMul", "Repeat", "Sum", "affine_backward", "neuron_forward_backward"},
    "node by node": {"score_grads", "affine_backward"},
    "where the loss is averaged": {"affine_backward"},
    "1/n of the forward pass": {"affine_backward"},
    "d(u^2)/du": set(),
    "compute into a new array": {"MatMul", "Repeat", "Sum", "affine_backward", "score_grads"},
    "recompute that entry by hand": {"score_grads", "MatMul", "Repeat", "Sum", "affine_backward"},
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
