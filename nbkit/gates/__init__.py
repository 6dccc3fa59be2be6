"""Gates: the nodes of a computational graph.

A gate is any object with two methods (the Gate protocol)::

    forward(*inputs)   -> out                    # and remember what backward will need
    backward(upstream) -> (grad_input_0, ...)    # one downstream gradient per input

``backward`` multiplies the ``upstream`` gradient (d loss / d out) by each local gradient
(d out / d input_i); that product is the downstream gradient of input i.

nbkit ships the gates the course uses as tools. The gates the learner writes
(add, mul, max, copy in notebook 01, and others later) are not here on purpose.
"""
from nbkit.gates.base import Gate, gate_label, grads_as_tuple
from nbkit.gates.numeric import NumericGate
from nbkit.gates.scalar import Exp, Reciprocal, Scale, Shift, Sigmoid

__all__ = [
    "Gate", "gate_label", "grads_as_tuple",
    "NumericGate", "Exp", "Reciprocal", "Scale", "Shift", "Sigmoid",
]
