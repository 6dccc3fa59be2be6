"""Where each node goes in a drawing: layers left to right, few crossings.

A small Sugiyama-style layout: x is the node's depth (longest path from an input; an input
sits just left of its first consumer, so edges stay short), y comes from a few sweeps of
the barycentre heuristic. Good enough for the course's graphs of up to about 15 nodes.
"""
from __future__ import annotations

from typing import Dict, List, Tuple


def layered_layout(inputs_of: Dict[str, Tuple[str, ...]], order: List[str]) -> Dict[str, Tuple[float, float]]:
    """Return {name: (x, y)} for the nodes of a DAG given in topological ``order``."""
    consumers: Dict[str, List[str]] = {n: [] for n in order}
    for name in order:
        for parent in inputs_of[name]:
            consumers[parent].append(name)

    depth: Dict[str, int] = {}
    for name in order:  # ops: one layer right of their deepest input
        parents = inputs_of[name]
        depth[name] = 1 + max((depth[p] for p in parents), default=-1) if parents else 0
    for name in reversed(order):  # leaves: just left of their earliest consumer
        if not inputs_of[name] and consumers[name]:
            depth[name] = min(depth[c] for c in consumers[name]) - 1
    shift = min(depth.values(), default=0)
    depth = {n: d - shift for n, d in depth.items()}

    layers: Dict[int, List[str]] = {}
    for name in order:
        layers.setdefault(depth[name], []).append(name)
    position = {n: float(i) for layer in layers.values() for i, n in enumerate(layer)}

    def sweep(neighbours: Dict[str, List[str]], layer_ids: List[int]) -> None:
        for d in layer_ids:
            layer = layers[d]
            key = {
                n: (sum(position[m] for m in neighbours[n]) / len(neighbours[n]) if neighbours[n] else position[n])
                for n in layer
            }
            layer.sort(key=lambda n: key[n])
            for i, n in enumerate(layer):
                position[n] = float(i)

    parents_of = {n: list(inputs_of[n]) for n in order}
    ids = sorted(layers)
    for _ in range(3):
        sweep(parents_of, ids[1:])
        sweep(consumers, list(reversed(ids[:-1])))

    coords = {}
    for d, layer in layers.items():
        k = len(layer)
        for i, n in enumerate(layer):
            # Centre each layer vertically; top of the figure = first in the layer.
            coords[n] = (float(d), (k - 1) / 2.0 - i)
    return coords
