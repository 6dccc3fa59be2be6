"""Two pictures the gate graphs cannot make: a chain of vector and matrix nodes with shapes
and gradients on its edges, and a memory diagram of names pointing at arrays.

Both follow the readability rules of :mod:`nbkit.graph.draw`: one data unit is one inch (the
figure is as large as the picture needs, so JupyterLab does not shrink its labels), every label
sits beside its line and never on it, and edges and boxes are as long as their labels need.
They return a ``matplotlib.figure.Figure`` (no pyplot state); matplotlib is imported inside.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from nbkit.graph.draw import GRAD_COLOUR, LABEL_PT, NODE_PT, VALUE_COLOUR, _text_size

LOCAL_COLOUR = "#4b3a8c"   # local Jacobians, under their node
BOX_H = 0.5                # node height, inches
PAD = 0.3                  # space around a label inside its box or beside its edge, inches
MIN_EDGE = 0.9             # shortest edge, inches


def _width(text: str) -> float:
    return _text_size(text, LABEL_PT)[0]


def _height(text: str) -> float:
    return _text_size(text, LABEL_PT)[1]


def _check_lengths(values, nodes, grads, local) -> None:
    k = len(nodes)
    if k < 1:
        raise ValueError("draw_chain needs at least one node")
    if len(values) != k + 1:
        raise ValueError(f"{k} nodes need {k + 1} values (one per edge, the first entering node 0), "
                         f"got {len(values)}")
    if grads is not None and len(grads) != k + 1:
        raise ValueError(f"grads needs one label per edge ({k + 1}), got {len(grads)}")
    if local is not None and len(local) != k:
        raise ValueError(f"local needs one label per node ({k}), got {len(local)}")


def draw_chain(values: Sequence[str], nodes: Sequence[str], grads: Optional[Sequence[str]] = None,
               local: Optional[Sequence[str]] = None, *, title: Optional[str] = None):
    """A chain ``values[0] -> nodes[0] -> values[1] -> ... -> values[k]``, drawn left to right.

    Args:
        values: k + 1 labels of what flows forward along each edge (green, above the edge),
            e.g. ``["x  (n×1)", "z  (m×1)", "h  (m×1)", "s  (1×1)"]``.
        nodes: k node labels, e.g. ``["Wx + b", "f", "uᵀh"]``.
        grads: k + 1 labels of the gradient flowing back along each edge (red, under a
            right-to-left arrow), or None.
        local: k labels of each node's local Jacobian (written under the node), or None.
        title: a line above the picture.

    Returns a Figure; one inch per drawing unit.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    _check_lengths(values, nodes, grads, local)
    grads = list(grads) if grads is not None else [""] * len(values)
    local = list(local) if local is not None else [""] * len(nodes)
    edge_len = [max(MIN_EDGE, _width(v) + PAD, _width(g) + PAD) for v, g in zip(values, grads)]
    box_w = [max(_text_size(n, NODE_PT)[0], _width(j)) + PAD for n, j in zip(nodes, local)]
    label_h = max(_height(t) for t in list(values) + grads + local + ["x"])
    above = BOX_H / 2 + 0.1 + label_h + (0.35 if title else 0.1)
    below = BOX_H / 2 + 0.1 + label_h + 0.15
    width = sum(edge_len) + sum(box_w) + 0.2
    if title:  # a long title widens the picture; the chain stays at the left
        width = max(width, _text_size(title, NODE_PT)[0] + 0.3)

    fig = Figure(figsize=(width, above + below))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(-below, above)
    ax.axis("off")
    if title:
        ax.text(width / 2, above - 0.05, title, ha="center", va="top", fontsize=NODE_PT, gid="title")

    def edge(x0: float, x1: float, value: str, grad: str) -> None:
        ax.add_patch(FancyArrowPatch((x0, 0), (x1, 0), arrowstyle="-|>", mutation_scale=12, lw=1.3,
                                     color="black", shrinkA=0, shrinkB=0))
        ax.text((x0 + x1) / 2, 0.06, value, color=VALUE_COLOUR, fontsize=LABEL_PT, ha="center",
                va="bottom", gid="value")
        if grad:
            ax.add_patch(FancyArrowPatch((x1 - 0.1, -0.1), (x0 + 0.1, -0.1), arrowstyle="-|>",
                                         mutation_scale=9, lw=1.0, color=GRAD_COLOUR, shrinkA=0, shrinkB=0))
            ax.text((x0 + x1) / 2, -0.16, grad, color=GRAD_COLOUR, fontsize=LABEL_PT, ha="center",
                    va="top", gid="grad")

    x = 0.1
    for i, node in enumerate(nodes):
        edge(x, x + edge_len[i], values[i], grads[i])
        x += edge_len[i]
        ax.add_patch(FancyBboxPatch((x, -BOX_H / 2), box_w[i], BOX_H, boxstyle="round,pad=0,rounding_size=0.08",
                                    fc="#eef3fb", ec="black", lw=1.2, gid="node"))
        ax.text(x + box_w[i] / 2, 0, node, ha="center", va="center", fontsize=NODE_PT, gid="node-label")
        if local[i]:
            ax.text(x + box_w[i] / 2, -BOX_H / 2 - 0.08, local[i], color=LOCAL_COLOUR, fontsize=LABEL_PT,
                    ha="center", va="top", gid="local")
        x += box_w[i]
    edge(x, x + edge_len[-1], values[-1], grads[-1])
    return fig


def draw_references(panels: Sequence[Tuple[str, Sequence[str], Sequence[str], Sequence[Tuple[int, int]]]]):
    """Memory diagrams side by side: names (left) with arrows to the arrays they refer to (right).

    Args:
        panels: ``(title, names, arrays, links)`` per panel; ``links`` holds
            ``(name_index, array_index)`` pairs, one arrow each. An array nobody links to is
            drawn greyed out (garbage, or a result nobody will read).

    Returns a Figure; one inch per drawing unit.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if not panels:
        raise ValueError("draw_references needs at least one panel")
    for title, names, arrays, links in panels:
        for a, b in links:
            if not (0 <= a < len(names) and 0 <= b < len(arrays)):
                raise ValueError(f"panel {title!r}: link {(a, b)} refers to no name or array")
    row = 0.7
    sizes = []
    for title, names, arrays, _ in panels:
        name_w = max(_text_size(n, NODE_PT)[0] for n in names) + PAD
        array_w = max(_text_size(a, NODE_PT)[0] for a in arrays) + PAD
        sizes.append((name_w, array_w, max(_text_size(title, NODE_PT)[0], name_w + 1.1 + array_w)))
    rows = max(max(len(n), len(a)) for _, n, a, _ in panels)
    height = rows * row + 0.7
    width = sum(s[2] for s in sizes) + 0.5 * (len(panels) - 1) + 0.3

    fig = Figure(figsize=(width, height))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    x0 = 0.15
    for (title, names, arrays, links), (name_w, array_w, panel_w) in zip(panels, sizes):
        ax.text(x0 + panel_w / 2, height - 0.1, title, ha="center", va="top", fontsize=NODE_PT,
                fontweight="bold", gid="title")
        y_of = lambda i: height - 0.75 - i * row
        ax_arr = x0 + panel_w - array_w
        for i, name in enumerate(names):
            ax.text(x0 + name_w - PAD / 2, y_of(i), name, ha="right", va="center", fontsize=NODE_PT,
                    family="monospace", gid="name")
        used = {b for _, b in links}
        for j, label in enumerate(arrays):
            live = j in used
            ax.add_patch(FancyBboxPatch((ax_arr, y_of(j) - 0.2), array_w, 0.4,
                                        boxstyle="round,pad=0,rounding_size=0.06", gid="array",
                                        fc="#eef3fb" if live else "#f2f2f2", ec="black" if live else "#aaaaaa"))
            ax.text(ax_arr + array_w / 2, y_of(j), label, ha="center", va="center", fontsize=NODE_PT,
                    color="black" if live else "#888888", gid="array-label")
        for a, b in links:
            ax.add_patch(FancyArrowPatch((x0 + name_w, y_of(a)), (ax_arr, y_of(b)), arrowstyle="-|>",
                                         mutation_scale=12, lw=1.2, color="#333333", shrinkA=2, shrinkB=2,
                                         gid="link"))
        x0 += panel_w + 0.5
    return fig
