"""A picture of "match the shapes": a matrix product drawn as rectangles.

``draw_product(("x^T", (3, 4)), ("dL/dy", (4, 5)))`` draws each factor as a rectangle
whose sides are proportional to its shape, the inner dimensions that must agree in green
(red when they do not), and the shape of the result. matplotlib is imported here only.
"""
from __future__ import annotations

_UNIT = 0.45  # drawing units per entry along an axis
_GAP = 1.2
_CHAR_WIDTH = 0.17  # rough width of one label character at fontsize 11, in drawing units


def _check_factor(factor) -> tuple[str, tuple[int, int]]:
    try:
        label, shape = factor
        rows, cols = (int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"each factor must be (label, (rows, cols)), got {factor!r}") from None
    if rows < 1 or cols < 1:
        raise ValueError(f"factor {label!r} has shape {shape}: both sides must be at least 1")
    return str(label), (rows, cols)


def draw_product(*factors, result: str = "result", title: str | None = None):
    """Draw the product of 2-D factors and its shape; returns a ``matplotlib.figure.Figure``.

    Args:
        *factors: two or more ``(label, (rows, cols))``, e.g. ``("x^T", (D, N))``.
        result: the label of the product, e.g. ``"dL/dW"``.
        title: a title above the picture (default: the chain of shapes).

    Adjacent inner dimensions that agree are drawn in green; a mismatch is drawn in red
    and the result is replaced by "does not multiply".
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    if len(factors) < 2:
        raise ValueError("draw_product needs at least two factors")
    factors = [_check_factor(f) for f in factors]
    fits = [a[1][1] == b[1][0] for a, b in zip(factors, factors[1:])]
    shapes = [shape for _, shape in factors]
    product = (shapes[0][0], shapes[-1][1]) if all(fits) else None
    boxes = factors + ([(result, product)] if product else [])

    fig = Figure(figsize=(1.6 + 1.9 * len(boxes), 2.8))
    ax = fig.add_subplot()
    x = 0.0
    tallest = max(rows for _, (rows, _) in boxes) * _UNIT
    for i, (label, (rows, cols)) in enumerate(boxes):
        is_result = product is not None and i == len(boxes) - 1
        if is_result:
            ax.text(x - _GAP / 2, tallest / 2, "=", ha="center", va="center", fontsize=16)
        elif i > 0:
            ax.text(x - _GAP / 2, tallest / 2, "@", ha="center", va="center", fontsize=14)
        w, h = cols * _UNIT, rows * _UNIT
        y = (tallest - h) / 2
        ax.add_patch(Rectangle((x, y), w, h, facecolor="#dce9f7" if not is_result else "#e6f4e1",
                               edgecolor="black", linewidth=1.2))
        if len(label) * _CHAR_WIDTH <= w:
            ax.text(x + w / 2, y + h / 2, label, ha="center", va="center", fontsize=11)
        else:  # too long for the box: write it above
            ax.text(x + w / 2, y + h + 0.1, label, ha="center", va="bottom", fontsize=11)
        # Rows on the left edge, columns under the bottom edge; inner dimensions coloured.
        row_colour = col_colour = "black"
        if not is_result and i > 0:
            row_colour = "green" if fits[i - 1] else "red"
        if not is_result and i < len(factors) - 1:
            col_colour = "green" if fits[i] else "red"
        ax.text(x - 0.12, y + h / 2, str(rows), ha="right", va="center", color=row_colour,
                fontsize=10, fontweight="bold")
        ax.text(x + w / 2, y - 0.12, str(cols), ha="center", va="top", color=col_colour,
                fontsize=10, fontweight="bold")
        x += w + _GAP
    if product is None:
        ax.text(x - _GAP / 2, tallest / 2, "does not\nmultiply", ha="left", va="center",
                color="red", fontsize=11)
        x += 1.6
    chain = " @ ".join(f"{label} {shape}" for label, shape in factors)
    ax.set_title(title or (f"{chain} = {result} {product}" if product else f"{chain}: inner sizes differ"),
                 fontsize=10)
    ax.set_xlim(-0.6, x)
    ax.set_ylim(-0.7, tallest + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
