"""Draw a computational graph with forward values and backward gradients on its edges.

The style follows the CS231n lecture figures: each edge carries the value flowing forward
(green, on one side of the edge) and the gradient flowing back along it (red, on the
other). When one value feeds two gates, each edge shows its own gradient and the node's
gradient is their sum — the drawing makes the branch rule visible.

Readable at a notebook's width: one data unit is one inch, so the figure is only as large
as the graph (a small graph makes a small picture, not a small graph in a wide frame), and
layers are packed closer when a long graph would otherwise be wider than about 9.5 inches
(JupyterLab would shrink it, and every label with it). Labels are placed beside their
edge, never on it: the offset along the edge's normal is computed from the label's own
size. Nodes grow to fit their label ("max", "1/x").
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import numpy as np

from nbkit.graph.placement import layered_layout

VALUE_COLOUR = "#1b7f3b"
GRAD_COLOUR = "#c0262d"
LABEL_PT = 10          # edge labels, in points
NODE_PT = 11           # text inside nodes and input names
MIN_RADIUS = 0.21      # inches
MAX_WIDTH = 9.5        # inches: wider figures get shrunk by the notebook
LAYER_GAP = (1.05, 1.7)  # smallest and largest horizontal distance between layers, inches
ROW_GAP = 1.0          # vertical distance between nodes of one layer, inches
STUB = 0.85            # length of the edge leaving an output, inches


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


def _text_size(text: str, points: float) -> Tuple[float, float]:
    """Width and height of ``text`` in inches at ``points`` (ink extents, as drawn)."""
    from matplotlib.textpath import TextPath

    if not text:
        return 0.0, 0.0
    extent = TextPath((0, 0), text, size=points / 72.0).get_extents()
    return extent.width, max(extent.height, 0.7 * points / 72.0)


class _Placer:
    """Puts labels beside edges; remembers every box it placed (the tests read them too)."""

    def __init__(self, ax, digits: int):
        self.ax, self.digits = ax, digits

    def label(self, x: float, y: float, nx: float, ny: float, text: str, colour: str, role: str,
              angle: float = 0.0) -> None:
        """Centre ``text`` beside the point (x, y) of an edge, on the side of the normal (nx, ny).

        The label runs along the edge (rotated by ``angle`` degrees), so its height is what
        must clear the line: half the height plus a small gap.
        """
        if not text:
            return
        _, h = _text_size(text, LABEL_PT)
        d = 0.05 + h / 2
        self.ax.text(x + d * nx, y + d * ny, text, color=colour, fontsize=LABEL_PT, ha="center", va="center",
                     rotation=angle, rotation_mode="anchor", gid=role,
                     bbox=dict(boxstyle="square,pad=0.02", fc="white", ec="none", alpha=0.85))


def draw_graph(graph, *, ax=None, title: Optional[str] = None, digits: int = 2,
               show_values: bool = True, show_grads: bool = True):
    """Draw ``graph`` and return the matplotlib Figure.

    Values come from the last ``graph.forward()``, gradients from the last
    ``graph.backward()`` (either may be missing: then that label is left out).
    Uses ``matplotlib.figure.Figure`` rather than pyplot, so in Jupyter the figure shows
    once (as the cell's result) and nothing lingers in pyplot's state. With ``ax``, draws
    into that axes instead (its figure keeps its own size).
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, FancyArrowPatch

    order = graph.order()
    names = [n.name for n in order]
    coords = layered_layout({n.name: n.inputs for n in order}, names)
    n_layers = int(1 + max((x for x, _ in coords.values()), default=0))
    has_output_stub = bool(graph.outputs())
    left, right = 0.75, (STUB + 0.45 if has_output_stub else 0.4)
    gap = min(max((MAX_WIDTH - left - right) / max(n_layers - 1, 1), LAYER_GAP[0]), LAYER_GAP[1])
    xy: Dict[str, Tuple[float, float]] = {n: (x * gap, y * ROW_GAP) for n, (x, y) in coords.items()}

    radius = {}
    for node in order:
        if not node.is_input:
            w, _ = _text_size(node.label, NODE_PT)
            radius[node.name] = max(MIN_RADIUS, w / 2 + 0.08)

    consumers: Dict[str, int] = {n: 0 for n in names}
    for node in order:
        for parent in node.inputs:
            consumers[parent] += 1

    has_grads = show_grads and any(n.grad is not None for n in order) and bool(graph.edge_grads)

    def blocked(p0, p1, skip) -> bool:
        """Does the straight segment p0-p1 pass close to another node?"""
        (x0, y0), (x1, y1) = p0, p1
        seg = max((x1 - x0) ** 2 + (y1 - y0) ** 2, 1e-12)
        for other, (px, py) in xy.items():
            if other in skip:
                continue
            t = ((px - x0) * (x1 - x0) + (py - y0) * (y1 - y0)) / seg
            if 0.0 < t < 1.0 and math.hypot(x0 + t * (x1 - x0) - px, y0 + t * (y1 - y0) - py) < 0.45:
                return True
        return False

    def bend(node, slot, parent) -> float:
        # Parallel edges (x * x) fan out symmetrically; an edge skipping a node arcs over it.
        parallel = [s for s, p in enumerate(node.inputs) if p == parent]
        if len(parallel) > 1:
            k = parallel.index(slot)
            return 0.45 * (2 * k / (len(parallel) - 1) - 1)
        if blocked(xy[parent], xy[node.name], {parent, node.name}):
            return -0.5
        return 0.0

    bends = {(n.name, s): bend(n, s, p) for n in order for s, p in enumerate(n.inputs)}

    # Size the figure from the drawing's extent, so one data unit is one inch.
    xs = [p[0] for p in xy.values()]
    ys = [p[1] for p in xy.values()]
    # An arc bulges by about rad/2 of its chord, upwards for rad < 0 (edges run left to right).
    def bulge(sign: float) -> float:
        return max((abs(rad) / 2 * abs(xy[n][0] - xy[graph.nodes[n].inputs[k]][0])
                    for (n, k), rad in bends.items() if rad * sign > 0), default=0.0)

    x_lo, x_hi = min(xs) - left, max(xs) + right
    y_lo = min(ys) - 0.75 - bulge(+1)
    y_hi = max(ys) + 0.45 + bulge(-1) + (0.4 if title else 0.0)
    if ax is None:
        fig = Figure(figsize=(x_hi - x_lo, y_hi - y_lo), dpi=100)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    else:
        fig = ax.figure
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_aspect("equal")
    ax.axis("off")
    placer = _Placer(ax, digits)

    def edge(p0, p1, value, grad, start_gap, end_gap, t: float, rad: float = 0.0) -> None:
        (x0, y0), (x1, y1) = p0, p1
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        a = (x0 + ux * start_gap, y0 + uy * start_gap)
        b = (x1 - ux * end_gap, y1 - uy * end_gap)
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=11, lw=1.2, color="#444",
                                     connectionstyle=f"arc3,rad={rad}", gid="edge"))
        dx, dy = b[0] - a[0], b[1] - a[1]
        if rad:
            # Midpoint of matplotlib's arc3 quadratic Bezier: chord midpoint + rad/2 * (dy, -dx),
            # where the arc runs level; the value goes on the outside of the bulge, the gradient inside.
            mx, my = a[0] + 0.5 * dx + 0.5 * rad * dy, a[1] + 0.5 * dy - 0.5 * rad * dx
            nx, ny, angle = 0.0, (1.0 if my >= (a[1] + b[1]) / 2 else -1.0), 0.0
        else:
            # Keep the longest label clear of the arrowhead (about 0.12 in) and of the edge's start.
            half = max(_text_size(_fmt(v, digits), LABEL_PT)[0] for v in (value, grad)) / 2
            run = math.hypot(dx, dy)
            along = min(max(t * run, half), max(run - half - 0.14, half))
            mx, my = a[0] + along * ux, a[1] + along * uy
            nx, ny = -uy, ux  # the normal on the upper side of a left-to-right edge
            angle = math.degrees(math.atan2(uy, ux))
        if show_values and value is not None:
            placer.label(mx, my, nx, ny, _fmt(value, digits), VALUE_COLOUR, "value", angle)
        if has_grads and grad is not None:
            placer.label(mx, my, -nx, -ny, _fmt(grad, digits), GRAD_COLOUR, "grad", angle)

    for node in order:
        x, y = xy[node.name]
        if node.is_input:
            ax.text(x - 0.06, y, node.name, ha="right", va="center", fontsize=NODE_PT, fontweight="bold", gid="name")
        else:
            ax.add_patch(Circle((x, y), radius[node.name], facecolor="#eef3fb", edgecolor="#2c4a7a", lw=1.4,
                                gid="node"))
            ax.text(x, y, node.label, ha="center", va="center", fontsize=NODE_PT, gid="node-label")
        for slot, parent in enumerate(node.inputs):
            src = graph.nodes[parent]
            # Where edges meet at a node, labels sit where the edges are furthest apart:
            # near the source when they converge, near the target when they fan out.
            fan_in, fan_out = len(node.inputs) > 1, consumers[parent] > 1
            t = 0.4 if fan_in and not fan_out else (0.62 if fan_out and not fan_in else 0.5)
            edge(xy[parent], (x, y), src.value, graph.edge_grads.get((node.name, slot)) if has_grads else None,
                 0.0 if src.is_input else radius[parent], radius[node.name], t, rad=bends[(node.name, slot)])

    for out in graph.outputs():  # a stub edge leaving each output, labelled with its name
        x, y = xy[out.name]
        edge((x, y), (x + STUB, y), out.value, out.grad if has_grads else None, radius[out.name], 0.0, 0.55)
        ax.text(x + STUB + 0.06, y, out.name, ha="left", va="center", fontsize=NODE_PT, fontweight="bold", gid="name")

    caption = "green: forward value" + ("   red: gradient d(out)/d(value)" if has_grads else "")
    ax.text(x_lo + 0.1, y_lo + 0.08, caption, fontsize=8, color="#555", va="bottom", ha="left", gid="caption")
    if title:
        ax.text((x_lo + x_hi) / 2, y_hi - 0.12, title, fontsize=12, ha="center", va="top", gid="title")
    return fig
