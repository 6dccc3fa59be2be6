"""Scalar tool gates: the pieces of the sigmoid neuron that the learner does not write.

Each works elementwise on floats or NumPy arrays; ``upstream`` has the shape of the output.
Except :class:`Sigmoid`'s backward, which takes one number: on arrays it would be notebook
05's graded sigmoid derivative, and no nbkit function may answer an exercise.
"""
from __future__ import annotations

import numpy as np

from nbkit.gates.base import Gate


class Exp(Gate):
    """out = exp(x); local gradient d out / dx = exp(x) = out."""

    label = "exp"

    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, upstream):
        return upstream * self.out


class Reciprocal(Gate):
    """out = 1 / x; local gradient -1 / x**2."""

    label = "1/x"

    def forward(self, x):
        self.x = x
        return 1.0 / x

    def backward(self, upstream):
        return upstream * (-1.0 / self.x**2)


class Scale(Gate):
    """out = c * x for a fixed constant c (e.g. c = -1); local gradient c."""

    def __init__(self, c: float):
        self.c = c
        self.label = f"*{c:g}" if c >= 0 else f"*({c:g})"

    def forward(self, x):
        return self.c * x

    def backward(self, upstream):
        return upstream * self.c


class Shift(Gate):
    """out = x + c for a fixed constant c (e.g. c = 1); local gradient 1."""

    def __init__(self, c: float):
        self.c = c
        self.label = f"+{c:g}" if c >= 0 else f"{c:g}"

    def forward(self, x):
        return x + self.c

    def backward(self, upstream):
        return upstream * 1.0


class Sigmoid(Gate):
    """out = 1 / (1 + exp(-x)); local gradient sigma(x) (1 - sigma(x)) = out (1 - out).

    The whole chain *(-1), exp, +1, 1/x collapsed into one gate: same gradients, fewer nodes.
    """

    label = "σ"

    def forward(self, x):
        # Two branches so that exp never overflows for large |x|.
        x_arr = np.asarray(x, dtype=float)
        z = np.exp(-np.abs(x_arr))
        out = np.where(x_arr >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
        self.out = float(out) if out.ndim == 0 else out
        return self.out

    def backward(self, upstream):
        """upstream × the local gradient, for one number (a node of a scalar graph)."""
        if np.ndim(upstream) or np.ndim(self.out):
            raise TypeError("Sigmoid.backward takes one number: the gate is a node of notebook 01's graphs of "
                            "scalars. The sigmoid's derivative on arrays is an exercise of notebook 05: write it "
                            "from the output s yourself.")
        return upstream * self.out * (1.0 - self.out)
