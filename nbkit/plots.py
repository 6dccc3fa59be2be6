"""Figures that show themselves in Jupyter without pyplot, and their pictures as PNG.

nbkit draws on ``matplotlib.figure.Figure`` objects, never through pyplot's global state:
a returned figure shows once, as the cell's result, and nothing lingers. :func:`new_figure`
makes one that displays itself (``_repr_png_``) even where pyplot and its inline backend
were never imported. Widgets show pictures as PNG in an ``ipywidgets.Image``
(:func:`show_in`): rendered at twice the size they are shown at, so they are sharp on
high-density screens and never blown up from a smaller image on ordinary ones.

matplotlib is imported inside the functions, so importing this module costs nothing.
"""
from __future__ import annotations

import io

DISPLAY_DPI = 80   # CSS pixels per inch a widget shows a picture at
RENDER_DPI = 160   # pixels per inch it is rendered at

_FIGURE_CLASS = None


def figure_png(fig, dpi: int = DISPLAY_DPI) -> bytes:
    """The figure rendered as PNG bytes (Agg; no display needed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def new_figure(**options):
    """A matplotlib Figure (``Figure(**options)``) that shows itself in Jupyter without pyplot."""
    global _FIGURE_CLASS
    if _FIGURE_CLASS is None:
        from matplotlib.figure import Figure

        class DisplayFigure(Figure):
            def _repr_png_(self):
                return figure_png(self)

        _FIGURE_CLASS = DisplayFigure
    return _FIGURE_CLASS(**options)


def show_in(image, fig) -> None:
    """Put ``fig`` into the ``ipywidgets.Image`` ``image``: dense PNG, shown at its natural size."""
    image.value = figure_png(fig, dpi=RENDER_DPI)
    image.width = int(round(fig.get_figwidth() * DISPLAY_DPI))
