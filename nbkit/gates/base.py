"""The Gate protocol and the checks every graph applies to a gate's answers."""
from __future__ import annotations

from typing import Any


class Gate:
    """Base class for gates (optional: any object with ``forward``/``backward`` works).

    Subclasses set ``n_inputs`` and ``label`` (the text drawn inside the node) and
    implement:

    - ``forward(*inputs) -> out``: inputs and out are floats or arrays; store what
      ``backward`` needs on ``self``.
    - ``backward(upstream) -> tuple``: ``upstream`` has the shape of ``out``; return one
      gradient per input, each shaped like that input.
    """

    n_inputs: int = 1
    label: str = "?"

    def forward(self, *inputs):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, upstream):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


def gate_label(gate: Any) -> str:
    """The short text drawn inside a gate's node: ``gate.label``, else its class name."""
    label = getattr(gate, "label", None)
    if isinstance(label, str) and label:
        return label
    name = type(gate).__name__
    return name[:-4] if name.endswith("Gate") and len(name) > 4 else name


def grads_as_tuple(gate: Any, grads: Any, n_inputs: int) -> tuple:
    """Validate what ``gate.backward`` returned and give it back as a tuple.

    A gate with one input may return its single gradient bare or as a 1-tuple; a gate
    with k inputs must return exactly k gradients. Raises ValueError naming the gate
    and both counts otherwise.
    """
    name = type(gate).__name__
    if grads is None:
        raise ValueError(
            f"{name}.backward returned None: did you forget a `return` statement? It should return "
            + ("the gradient for its input." if n_inputs == 1 else f"{n_inputs} gradients, one per input.")
        )
    if n_inputs == 1 and not isinstance(grads, (tuple, list)):
        return (grads,)
    if not isinstance(grads, (tuple, list)):
        raise ValueError(
            f"{name}.backward returned a single value, but the gate has {n_inputs} inputs: "
            f"return one gradient per input, e.g. `return grad_x, grad_y`."
        )
    if len(grads) != n_inputs:
        raise ValueError(
            f"{name}.backward returned {len(grads)} gradients, but the gate has {n_inputs} "
            f"inputs: return exactly one downstream gradient per input, in the order of "
            f"forward's arguments."
        )
    return tuple(grads)
