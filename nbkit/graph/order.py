"""Topological order of a graph given as node -> list of input nodes."""
from __future__ import annotations

from typing import Dict, List, Sequence


class GraphError(ValueError):
    """A graph that cannot be evaluated: a cycle, a missing node, an input without a value."""


def topological_order(inputs_of: Dict[str, Sequence[str]]) -> List[str]:
    """Order node names so that every node comes after all of its inputs.

    ``inputs_of`` maps each node name to the names of the nodes it reads (in insertion
    order; the result keeps that order among independent nodes, so drawings are stable).
    Raises GraphError naming a missing node or the nodes of a cycle.
    """
    for name, parents in inputs_of.items():
        for parent in parents:
            if parent not in inputs_of:
                raise GraphError(
                    f"node {name!r} reads {parent!r}, but the graph has no node called "
                    f"{parent!r}: add it with g.input({parent!r}, value) or g.op({parent!r}, ...)."
                )

    order: List[str] = []
    state: Dict[str, int] = {}  # 0/absent = unvisited, 1 = on the current path, 2 = done

    def visit(name: str, path: List[str]) -> None:
        # Depth-first; a node met again while still on the path closes a cycle.
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = path[path.index(name):] + [name]
            raise GraphError(
                "the graph has a cycle: " + " -> ".join(cycle) + ". A computational graph "
                "must be acyclic: every value is computed once, from values computed before it."
            )
        state[name] = 1
        path.append(name)
        for parent in inputs_of[name]:
            visit(parent, path)
        path.pop()
        state[name] = 2
        order.append(name)

    for name in inputs_of:
        visit(name, [])
    return order
