"""Computational graphs of gates: build, order, run forward and backward, draw.

    g = Graph()
    g.input("x", -2.0); g.input("y", 5.0); g.input("z", -4.0)
    g.op("q", AddGate(), "x", "y")
    g.op("f", MulGate(), "q", "z")
    g.forward(); g.backward("f")
    g.draw()          # values (green, above) and gradients (red, below) on every edge
"""
from nbkit.graph.core import Graph, Node
from nbkit.graph.order import GraphError
from nbkit.graph.order import topological_order

__all__ = ["Graph", "GraphError", "Node", "topological_order"]


def draw(graph, **kwargs):
    """Draw ``graph`` (see :func:`nbkit.graph.draw.draw_graph`); imports matplotlib lazily."""
    from nbkit.graph.draw import draw_graph

    return draw_graph(graph, **kwargs)
