"""No nbkit function answers notebook 05's graded exercises (the course's rule: a learner
must not be able to import an answer).

Every public function of nbkit's numeric modules is tried, as it is and through the
adapters a learner would write (the diagonal of a Jacobian, z recovered from an output),
in place of each elementwise derivative of 05; each check must reject it. The near-leaks
found by the scan of issue 9 are held one by one: the Sigmoid gate's backward takes one
number, the elementwise standard maps bring no analytic Jacobian, ch04's dropout layer
takes no p = 1 (a plain tanh) and differentiates numerically, and the loss halves in
nbkit.checks.definitions leave 05's gradients to be written.
"""
import inspect

import numpy as np
import pytest

import nbkit.checks.definitions as D
import nbkit.jacobian.conversions
import nbkit.jacobian.numerical
import nbkit.jacobian.standard_maps
import nbkit.jacobian.structure
from nbkit.checks import ch04, ch05
from nbkit.feedback import CheckFailed
from nbkit.gates import Sigmoid

MODULES = (D, nbkit.jacobian.standard_maps, nbkit.jacobian.conversions, nbkit.jacobian.numerical,
           nbkit.jacobian.structure)
CANDIDATES = sorted({f"{m.__name__}.{name}": fn for m in MODULES for name, fn in inspect.getmembers(m, inspect.isfunction)
                     if not name.startswith("_") and fn.__module__ == m.__name__}.items())


def sigmoid_grad(s):
    return s * (1 - s)


def tanh_grad(t):
    return 1 - t ** 2


RIGHT = {"hard_tanh_grad": lambda z: (np.abs(z) < 1) * 1.0, "softsign_grad": lambda z: 1 / (1 + np.abs(z)) ** 2,
         "relu_grad": lambda z: (z > 0) * 1.0, "leaky_relu_grad": lambda z, a: np.where(z > 0, 1.0, a)}


def _grade(exercise, answer):
    """Run 05's check with ``answer`` in the place of ``exercise`` and every other function right."""
    if exercise in ("sigmoid_grad", "tanh_grad"):
        pair = (answer, tanh_grad) if exercise == "sigmoid_grad" else (sigmoid_grad, answer)
        return ch05.check_sigmoid_tanh_grad(*pair)
    funcs = dict(RIGHT, **{exercise: answer})
    return ch05.check_piecewise_grads(*funcs.values())


def _adapters(fn, exercise):
    """What a learner could write around ``fn``: call it, or take the diagonal of its Jacobian,
    on the argument or on z recovered from an output s = sigma(z) / t = tanh(z)."""
    inputs = {"sigmoid_grad": lambda s: np.log(s / (1 - s)), "tanh_grad": np.arctanh}.get(exercise)
    recovers = [lambda v: v] + ([inputs] if inputs else [])
    for recover in recovers:
        yield lambda v, *rest, r=recover: fn(r(v), *rest)
        yield lambda v, *rest, r=recover: np.diag(fn(r(v).ravel(), *rest)).reshape(np.shape(v))


@pytest.mark.parametrize("exercise", ["sigmoid_grad", "tanh_grad", *RIGHT])
def test_no_nbkit_function_answers_an_elementwise_derivative(exercise):
    for name, fn in CANDIDATES:
        for answer in _adapters(fn, exercise):
            with np.errstate(all="ignore"), pytest.raises(CheckFailed):
                _grade(exercise, answer)


def test_the_sigmoid_gate_differentiates_one_number_only():
    gate = Sigmoid()
    assert gate.forward(0.0) == 0.5 and gate.backward(1.0) == 0.25     # a node of 01's scalar graphs
    gate.forward(np.array([-1.0, 0.0, 2.0]))                            # the forward is a definition
    with pytest.raises(TypeError, match="one number"):
        gate.backward(np.ones(3))

    def from_the_gate(s):
        g = Sigmoid()
        g.out = s
        return g.backward(np.ones_like(s))

    with pytest.raises(CheckFailed):
        _grade("sigmoid_grad", from_the_gate)


def test_the_standard_maps_bring_no_analytic_jacobian():
    for key in nbkit.jacobian.standard_maps.STANDARD_MAP_KEYS:
        assert not hasattr(nbkit.jacobian.standard_maps.standard_map(key), "jacobian")


def test_the_dropout_layer_of_04_is_no_tanh_derivative():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ch04.DropoutTanhLayer(1.0)
    source = inspect.getsource(ch04.DropoutTanhLayer.backward)
    assert "tanh" not in source and "/ self.p" not in source      # a numerical gradient, no formula


def test_the_loss_definitions_leave_the_gradients_to_write():
    """cross_entropy and l2_penalty are forward values, the loss half of softmax_loss and
    add_l2; with any nbkit value for the gradient half the checks still fail."""
    with pytest.raises(CheckFailed):
        ch05.check_softmax_loss(lambda s, y: (D.cross_entropy(s, y), D.softmax(s)))
    with pytest.raises(CheckFailed):
        ch05.check_l2(lambda loss, grads, params, reg: (loss + D.l2_penalty(params, reg), grads))
