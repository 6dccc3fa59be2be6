"""The interactive race: the learner's rules on a surface, with the hyperparameters on sliders.

- :func:`race_figure` draws one race headless (a Figure), for notebooks, tests and nbclient runs.
- :class:`RaceExplorer` / :func:`explore_race` wrap the same drawing in ipywidgets: a surface
  dropdown and sliders for ``learning_rate`` (log scale), ``momentum``, ``beta1`` and ``beta2``
  (and RMSProp's ``decay_rate`` when asked for).

Each slider is named after the config key it sets, and its value is written into every
rule's config (:func:`nbkit.optim.with_config`): one learning rate for all, so the picture
shows which rule copes with it. A rule ignores keys it does not use. The picture is a PNG in
an ``ipywidgets.Image`` (no frontend extension needed), redrawn when a slider is released,
as in ``nbkit.jacobian.explorer``. Stable CSS classes for browser tests:
``nbkit-optim-race`` (the whole widget), ``nbkit-optim-figure`` (the image),
``nbkit-optim-status`` (one line per rule) and ``nbkit-optim-<key>`` on each slider.
"""
from __future__ import annotations

import html

from nbkit.plots import show_in

from .draw import draw_race
from .race import Race, parse_rules, race, with_config
from .surfaces import SURFACE_KEYS, SURFACES

__all__ = ["CONTROLS", "DEFAULT_CONTROLS", "race_figure", "RaceExplorer", "explore_race"]

CONTROLS = ("learning_rate", "momentum", "beta1", "beta2", "decay_rate")  # every slider there is
DEFAULT_CONTROLS = CONTROLS[:4]  # decay_rate (RMSProp's) on request


def _settings(settings: dict) -> dict:
    unknown = [key for key in settings if key not in CONTROLS]
    if unknown:
        raise ValueError(f"unknown settings {unknown}; the race's controls are {', '.join(CONTROLS)}")
    return dict(settings)


def race_figure(rules, surface="quadratic", *, steps: int = 100, start=None, **settings):
    """Race ``rules`` with ``settings`` (e.g. ``learning_rate=0.05, momentum=0.9``) written
    into every config, and draw it: what :class:`RaceExplorer` shows, as a Figure."""
    return draw_race(race(surface, with_config(rules, **_settings(settings)), steps, start))


class RaceExplorer:
    """An ipywidgets UI: the learner's rules raced on a surface, hyperparameters on sliders.

    Args:
        rules: ``{name: (rule, config)}`` as for :func:`nbkit.optim.race`.
        surface: the surface shown first (a key of ``SURFACE_KEYS``).
        steps: steps per rule.
        controls: which sliders to show, a subset of ``CONTROLS`` (default the first four:
            ``learning_rate``, ``momentum``, ``beta1``, ``beta2``; RMSProp's ``decay_rate`` on
            request); only those keys are written into the configs.
        learning_rate, momentum, beta1, beta2, decay_rate: the sliders' starting values.

    ``widget`` is the ipywidgets container (shown when the explorer is a cell's last
    expression); ``dropdown``, ``sliders`` (dict key -> slider), ``image`` (PNG bytes in
    ``image.value``), ``status``, ``result`` (the last :class:`Race`) and ``redraw_count``
    are there for tests.
    """

    def __init__(self, rules, surface: str = "quadratic", *, steps: int = 100, controls=DEFAULT_CONTROLS,
                 surfaces=SURFACE_KEYS, learning_rate: float = 1e-2, momentum: float = 0.9,
                 beta1: float = 0.9, beta2: float = 0.999, decay_rate: float = 0.99):
        import ipywidgets as widgets

        parse_rules(rules)  # fail now, with a clear message, rather than on the first redraw
        unknown = [key for key in (*controls, *surfaces) if key not in CONTROLS and key not in SURFACES]
        if unknown:
            raise ValueError(f"unknown controls or surfaces {unknown}; controls: {', '.join(CONTROLS)}; "
                             f"surfaces: {', '.join(SURFACE_KEYS)}")
        if surface not in surfaces:
            raise ValueError(f"surface {surface!r} is not among the offered surfaces {list(surfaces)}")
        self.rules, self.steps = rules, steps
        start = {"learning_rate": learning_rate, "momentum": momentum, "beta1": beta1, "beta2": beta2,
                 "decay_rate": decay_rate}
        self.dropdown = widgets.Dropdown(options=[(SURFACES[key].label, key) for key in surfaces],
                                         value=surface, description="surface",
                                         layout=widgets.Layout(width="420px"))
        self.dropdown.add_class("nbkit-optim-surface")
        style = {"description_width": "100px"}
        makers = {
            "learning_rate": lambda v: widgets.FloatLogSlider(value=v, base=10, min=-5, max=0, step=0.1,
                                                              readout_format=".1e"),
            "momentum": lambda v: widgets.FloatSlider(value=v, min=0.0, max=0.99, step=0.01, readout_format=".2f"),
            "beta1": lambda v: widgets.FloatSlider(value=v, min=0.0, max=0.99, step=0.01, readout_format=".2f"),
            "beta2": lambda v: widgets.FloatSlider(value=v, min=0.9, max=0.9999, step=0.0001, readout_format=".4f"),
            "decay_rate": lambda v: widgets.FloatSlider(value=v, min=0.5, max=0.999, step=0.001, readout_format=".3f"),
        }
        self.sliders = {}
        for key in controls:
            slider = makers[key](start[key])
            slider.description, slider.continuous_update, slider.style = key, False, style
            slider.add_class(f"nbkit-optim-{key.replace('_', '-')}")
            self.sliders[key] = slider
        self.image = widgets.Image(format="png")
        self.image.add_class("nbkit-optim-figure")
        self.status = widgets.HTML()
        self.status.add_class("nbkit-optim-status")
        self.widget = widgets.VBox([self.dropdown, widgets.VBox(list(self.sliders.values())), self.image,
                                    self.status])
        self.widget.add_class("nbkit-optim-race")
        self.redraw_count = 0
        self.result: Race | None = None

        self.dropdown.observe(self._on_change, names="value")
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.redraw()

    @property
    def settings(self) -> dict:
        """The sliders' values, ``{config key: value}``."""
        return {key: float(slider.value) for key, slider in self.sliders.items()}

    def _on_change(self, change):
        self.redraw()

    def redraw(self) -> None:
        """Race again with the current surface and settings, and replace the picture."""
        try:
            self.result = race(self.dropdown.value, with_config(self.rules, **self.settings), self.steps)
            show_in(self.image, draw_race(self.result))
        except Exception as err:  # say what went wrong on the widget instead of failing silently
            self.status.value = (f"<b>could not draw:</b> {html.escape(type(err).__name__)}: "
                                 f"{html.escape(str(err))}")
            return
        self.redraw_count += 1
        self.status.value = "<br>".join(html.escape(line) for line in self.result.summary().splitlines())

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore_race(rules, surface: str = "quadratic", **options) -> RaceExplorer:
    """Build a :class:`RaceExplorer` (it displays itself as a cell's last expression)::

        explore_race({"SGD": sgd, "Momentum": sgd_momentum, "Adam": adam}, "rosenbrock")
    """
    return RaceExplorer(rules, surface, **options)
