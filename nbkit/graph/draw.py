"""Draw a computational graph with forward values and backward gradients on its edges.

The style follows the CS231n lecture figures: each edge carries the value flowing forward
(green, above the edge) and the gradient flowing back along it (red, below). When one
value feeds two gates, each edge shows its own gradient and the node's gradient is their
sum — the drawing makes the branch rule visible.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from nbkit.graph.placement import layered_layout

VALUE_COLOUR = "#1b7f3b"
GRAD_COLOUR = "#c0262d"
NODE_RADIUS = 0.24
X_SCALE = 2.1  # horizontal distance between layers, in data units
Y_SCALE = 1.15


def _fmt(v: Any, digits: int) -> str:
    if v is None:
        return ""
    arr = np.asarray(v)
    if arr.ndim == 0:
        x = float(arr)
        return f"{0.0 if abs(x) < 0.5 * 10**-digits else x:.{digits}f}"
    if arr.size <= 3:
        return "[" + ", ".join(f"{float(a):.{digits}f}" for a in arr.ravel()) + "]"
    return "array" + "×".join(str(s) for s in arr.shape)


def draw_graph(graph, *, ax=None, title: Optional[str] = None, digits: int = 2,
               show_values: bool = True, show_grads: bool = True):
    """Draw ``graph`` and return the matplotlib Figure.

    Values come from the last ``graph.forward()``, gradients from the last
    ``graph.backward()`` (either may be missing: then that label is left out).
    Uses ``matplotlib.figure.Figure`` rather than pyplot, so in Jupyter the figure shows
    once (as the cell's result) and nothing lingers in pyplot's state.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, FancyArrowPatch

    order = graph.order()
    names = [n.name for n in order]
    coords = layered_layout({n.name: n.inputs for n in order}, names)
    xy = {n: (x * X_SCALE, y * Y_SCALE) for n, (x, y) in coords.items()}

    n_layers = 1 + max((x for x, _ in coords.values()), default=0)
    tallest = max((sum(1 for c in coords.values() if c[0] == d) for d in range(int(n_layers))), default=1)
    if ax is None:
        fig = Figure(figsize=(1.0 + 2.0 * (n_layers + 0.6), 0.9 + 1.05 * max(tallest, 2)), dpi=100)
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure

    has_grads = show_grads and any(n.grad is not None for n in order) and bool(graph.edge_grads)

    def edge(p0, p1, value, grad, start_gap, end_gap, rad=0.0):
        (x0, y0), (x1, y1) = p0, p1
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        a = (x0 + ux * start_gap, y0 + uy * start_gap)
        b = (x1 - ux * end_gap, y1 - uy * end_gap)
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=11, lw=1.2, color="#444",
                                     connectionstyle=f"arc3,rad={rad}"))
        dx, dy = b[0] - a[0], b[1] - a[1]
        nx, ny = -uy, ux  # unit normal, pointing "up" for a left-to-right edge
        if rad:
            # Midpoint of matplotlib's arc3 quadratic Bezier: chord midpoint + rad/2 * (dy, -dx).
            mx, my = a[0] + 0.5 * dx + 0.5 * rad * dy, a[1] + 0.5 * dy - 0.5 * rad * dx
            angle = 0.0
            nx, ny = 0.0, 1.0
        else:
            # Labels sit 45 % along a straight edge, rotated with it, on either side of the line.
            mx, my = a[0] + 0.45 * dx, a[1] + 0.45 * dy
            angle = math.degrees(math.atan2(uy, ux))
        if show_values and value is not None:
            ax.text(mx + 0.13 * nx, my + 0.13 * ny, _fmt(value, digits), color=VALUE_COLOUR,
                    ha="center", va="center", rotation=angle, rotation_mode="anchor", fontsize=10)
        if has_grads and grad is not None:
            ax.text(mx - 0.14 * nx, my - 0.14 * ny, _fmt(grad, digits), color=GRAD_COLOUR,
                    ha="center", va="center", rotation=angle, rotation_mode="anchor", fontsize=10)

    def blocked(p0, p1, skip):
        # Does the straight segment p0-p1 pass close to another node's centre?
        (x0, y0), (x1, y1) = p0, p1
        seg = max((x1 - x0) ** 2 + (y1 - y0) ** 2, 1e-12)
        for other, (px, py) in xy.items():
            if other in skip:
                continue
            t = ((px - x0) * (x1 - x0) + (py - y0) * (y1 - y0)) / seg
            if 0.0 < t < 1.0 and math.hypot(x0 + t * (x1 - x0) - px, y0 + t * (y1 - y0) - py) < 0.4:
                return True
        return False

    curved = []

    def bend(node, slot, parent):
        # Parallel edges (x * x) fan out symmetrically; an edge skipping a node arcs over it.
        parallel = [s for s, p in enumerate(node.inputs) if p == parent]
        if len(parallel) > 1:
            k = parallel.index(slot)
            curved.append(abs(xy[node.name][0] - xy[parent][0]))
            return 0.45 * (2 * k / (len(parallel) - 1) - 1)
        if blocked(xy[parent], xy[node.name], {parent, node.name}):
            curved.append(abs(xy[node.name][0] - xy[parent][0]))
            return -0.35
        return 0.0

    for node in order:
        x, y = xy[node.name]
        if node.is_input:
            ax.text(x - 0.05, y, node.name, ha="right", va="center", fontsize=11, fontweight="bold")
        else:
            ax.add_patch(Circle((x, y), NODE_RADIUS, facecolor="#eef3fb", edgecolor="#2c4a7a", lw=1.4))
            ax.text(x, y, node.label, ha="center", va="center", fontsize=11 if len(node.label) <= 3 else 8)
        for slot, parent in enumerate(node.inputs):
            src = graph.nodes[parent]
            start_gap = 0.0 if src.is_input else NODE_RADIUS
            edge(xy[parent], (x, y), src.value, graph.edge_grads.get((node.name, slot)) if has_grads else None,
                 start_gap, NODE_RADIUS, rad=bend(node, slot, parent))

    for out in graph.outputs():  # a stub edge leaving each output, labelled with its name
        x, y = xy[out.name]
        edge((x, y), (x + 0.95 * X_SCALE * 0.6, y), out.value, out.grad if has_grads else None, NODE_RADIUS, 0.0)
        ax.text(x + 0.95 * X_SCALE * 0.6 + 0.08, y, out.name, ha="left", va="center", fontsize=11, fontweight="bold")

    xs = [p[0] for p in xy.values()]
    ys = [p[1] for p in xy.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 1.9)
    # An arc bulges by about rad/2 of its chord: leave room for the widest one.
    bulge = 0.25 * max(curved, default=0.0)
    ax.set_ylim(min(ys) - 0.75 - bulge, max(ys) + 0.75 + bulge)
    ax.set_aspect("equal")
    ax.axis("off")
    caption = "green: forward value" + ("   red: gradient d(out)/d(value)" if has_grads else "")
    ax.text(0.0, -0.02, caption, transform=ax.transAxes, fontsize=8, color="#555", va="top")
    if title:
        ax.set_title(title, fontsize=12)
    return fig
