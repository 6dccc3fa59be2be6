"""A gate known only as a function: its local gradients come from finite differences.

Useful before the analytic patterns are known: a graph of NumericGates already gives the
right gradients (to about 1e-9), so a worked example can be drawn and read first.
"""
from __future__ import annotations

from typing import Callable

from nbkit.gates.base import Gate


class NumericGate(Gate):
    """Wraps a scalar function ``fn(*inputs) -> float`` of ``n_inputs`` float inputs.

    ``backward(upstream)`` returns ``upstream * d fn / d input_i`` for every input, with
    the local derivative taken by central differences with step ``h``.
    """

    def __init__(self, fn: Callable[..., float], n_inputs: int, label: str = "f", h: float = 1e-6):
        self.fn = fn
        self.n_inputs = int(n_inputs)
        self.label = label
        self.h = h
        self.inputs: tuple = ()

    def forward(self, *inputs):
        if len(inputs) != self.n_inputs:
            raise TypeError(f"{self.label!r} gate takes {self.n_inputs} inputs, got {len(inputs)}")
        self.inputs = tuple(float(v) for v in inputs)
        return float(self.fn(*self.inputs))

    def backward(self, upstream):
        if not self.inputs:
            raise RuntimeError("backward called before forward: the gate has no inputs stored yet")
        grads = []
        for i in range(self.n_inputs):
            plus = list(self.inputs)
            minus = list(self.inputs)
            plus[i] += self.h
            minus[i] -= self.h
            local_grad = (self.fn(*plus) - self.fn(*minus)) / (2 * self.h)
            grads.append(upstream * local_grad)
        return tuple(grads) if self.n_inputs > 1 else grads[0]

    def __repr__(self):
        return f"NumericGate({self.label!r}, n_inputs={self.n_inputs})"
