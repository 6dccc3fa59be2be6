"""Graph and Node: values flow forward along edges, gradients flow back along them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from nbkit.feedback import NotReady
from nbkit.gates.base import gate_label, grads_as_tuple
from nbkit.graph.order import GraphError, topological_order


def _not_ready(node: "Node", method: str) -> NotReady:
    gate = type(node.gate).__name__
    return NotReady(f"node {node.name!r} uses {gate}, whose {method} is not written yet. Finish that exercise "
                    f"(replace its `raise NotImplementedError()`), run its cell, then run this cell again.")


@dataclass
class Node:
    """One value in the graph.

    An input node has ``gate is None``; an op node computes ``value = gate.forward(*inputs)``.
    ``grad`` is d output / d value after ``Graph.backward``.
    """

    name: str
    gate: Any = None
    inputs: Tuple[str, ...] = ()
    value: Any = None
    grad: Any = None

    @property
    def is_input(self) -> bool:
        return self.gate is None

    @property
    def label(self) -> str:
        return self.name if self.is_input else gate_label(self.gate)


@dataclass
class Graph:
    """A directed acyclic graph of gates, addressed by node name.

    Nodes may name inputs defined later (``order`` resolves them), so a graph can be
    written in any order; ``forward`` and ``backward`` refuse cycles and missing nodes.
    """

    nodes: Dict[str, Node] = field(default_factory=dict)
    # Gradient carried back along each edge (consumer, slot) -> value, set by backward.
    # At a branch several edges leave one node; the node's grad is their sum.
    edge_grads: Dict[Tuple[str, int], Any] = field(default_factory=dict)

    # -- building ---------------------------------------------------------------
    def input(self, name: str, value: Any = None) -> Node:
        """Add an input (leaf) node, optionally with its value."""
        self._check_new(name)
        node = Node(name=name, value=value)
        self.nodes[name] = node
        return node

    def op(self, name: str, gate: Any, *inputs) -> Node:
        """Add a node computing ``gate.forward(*inputs)``; inputs are node names or Nodes."""
        self._check_new(name)
        if not (hasattr(gate, "forward") and hasattr(gate, "backward")):
            raise TypeError(
                f"node {name!r}: {gate!r} is not a gate; a gate needs forward(*inputs) and "
                f"backward(upstream) methods."
            )
        for other in self.nodes.values():
            if other.gate is gate:
                raise ValueError(
                    f"node {name!r} reuses the gate object of node {other.name!r}; gates store "
                    f"their inputs for backward, so give every node its own gate instance."
                )
        names = tuple(i.name if isinstance(i, Node) else str(i) for i in inputs)
        node = Node(name=name, gate=gate, inputs=names)
        self.nodes[name] = node
        return node

    def _check_new(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"node names are non-empty strings, got {name!r}")
        if name in self.nodes:
            raise ValueError(f"the graph already has a node called {name!r}")

    # -- structure --------------------------------------------------------------
    def order(self) -> List[Node]:
        """Nodes in topological order (every node after its inputs)."""
        names = topological_order({n: node.inputs for n, node in self.nodes.items()})
        return [self.nodes[n] for n in names]

    def consumers(self, name: str) -> List[Tuple[str, int]]:
        """(consumer name, input slot) for every edge leaving node ``name``."""
        return [
            (node.name, slot)
            for node in self.nodes.values()
            for slot, parent in enumerate(node.inputs)
            if parent == name
        ]

    def outputs(self) -> List[Node]:
        """Op nodes that feed no other node."""
        used = {p for node in self.nodes.values() for p in node.inputs}
        return [n for n in self.nodes.values() if not n.is_input and n.name not in used]

    # -- running ----------------------------------------------------------------
    def forward(self, **values) -> Any:
        """Set input values (optional), evaluate every op in topological order.

        Returns the value of the graph's output (the last one if there are several).
        """
        for name, value in values.items():
            if name not in self.nodes or not self.nodes[name].is_input:
                raise GraphError(f"{name!r} is not an input node of this graph")
            self.nodes[name].value = value
        order = self.order()
        for node in order:
            if node.is_input:
                if node.value is None:
                    raise GraphError(
                        f"input {node.name!r} has no value: pass it as g.forward({node.name}=...) "
                        f"or g.input({node.name!r}, value)."
                    )
                continue
            args = [self.nodes[p].value for p in node.inputs]
            try:
                node.value = node.gate.forward(*args)
            except NotImplementedError:
                raise _not_ready(node, "forward") from None
            if node.value is None:  # said here, or backward would blame a forward pass that did run
                raise GraphError(f"node {node.name!r}: {type(node.gate).__name__}.forward returned None: "
                                 f"did you forget a `return` statement in forward?")
        outs = self.outputs()
        return outs[-1].value if outs else None

    def backward(self, output: Optional[str] = None, upstream: Any = 1.0) -> Dict[str, Any]:
        """Backpropagate from ``output`` (default: the graph's output) in reverse topological order.

        Every node's ``grad`` becomes d output / d node; gradients arriving at a node from
        several consumers are summed. Returns {name: grad} for every node.
        """
        if output is None:
            outs = self.outputs()
            if len(outs) != 1:
                raise GraphError(
                    f"the graph has {len(outs)} output nodes ({[o.name for o in outs]}); "
                    f"say which one to differentiate: g.backward('name')."
                )
            output = outs[0].name
        if output not in self.nodes:
            raise GraphError(f"the graph has no node called {output!r}")
        order = self.order()
        for node in order:
            if node.value is None:
                raise GraphError(f"node {node.name!r} has no value yet: run g.forward() before g.backward().")
            node.grad = 0.0 * node.value  # zero of the right shape
        self.edge_grads = {}
        self.nodes[output].grad = upstream
        for node in reversed(order):
            if node.is_input:
                continue
            try:
                raw = node.gate.backward(node.grad)
            except NotImplementedError:
                raise _not_ready(node, "backward") from None
            grads = grads_as_tuple(node.gate, raw, len(node.inputs))
            for slot, (parent, downstream) in enumerate(zip(node.inputs, grads)):
                self.edge_grads[(node.name, slot)] = downstream
                # Sum, not assign: a value used twice receives gradient from both uses.
                self.nodes[parent].grad = self.nodes[parent].grad + downstream
        return {n.name: n.grad for n in order}

    def draw(self, **kwargs):
        """Draw the graph with values and gradients (see :func:`nbkit.graph.draw.draw_graph`)."""
        from nbkit.graph.draw import draw_graph

        return draw_graph(self, **kwargs)
