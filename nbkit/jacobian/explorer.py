"""The Jacobian explorer: numerical and analytic Jacobians side by side, as heatmaps.

- :func:`jacobian_figure` draws one picture headless (a matplotlib Figure; no pyplot,
  no global state), for notebooks, documents and tests.
- :class:`JacobianExplorer` / :func:`explore_jacobian` wrap it in ipywidgets: a dropdown
  of maps, one slider per input entry, and the picture redrawn on every change.

The picture is rendered to PNG and shown in an ``ipywidgets.Image``: this needs no
frontend extension (no ipympl), works with any matplotlib backend, and the image's
``value`` changes visibly when a slider moves. matplotlib and ipywidgets are imported
inside the functions, so ``import nbkit.jacobian`` stays light.
"""
from __future__ import annotations

import html
from typing import Callable

import numpy as np

from nbkit.plots import figure_png, new_figure, show_in

from .numerical import numerical_jacobian
from .standard_maps import STANDARD_MAP_KEYS, StandardMap, standard_map
from .structure import JacobianStructure, describe_structure, is_constant_jacobian

__all__ = ["jacobian_figure", "figure_png", "JacobianComparison", "compare_jacobians",
           "JacobianExplorer", "explore_jacobian"]

DEFAULT_X = (0.8, -1.2, 1.5, -0.4, 0.3)
DISAGREE = 1e-4  # max |numerical - analytic| above this is worth a remark


class JacobianComparison:
    """Numerical Jacobian of a map at x, its analytic Jacobian (if any), and what they show.

    Attributes: ``label``, ``formula``, ``variable``, ``x`` (copy of the input),
    ``numerical`` (m x n), ``analytic`` (as given, or None), ``max_abs_diff`` (None when
    there is no analytic Jacobian or the shapes differ), ``structure``
    (:class:`JacobianStructure` of the numerical Jacobian).
    """

    def __init__(self, label, formula, variable, x, numerical, analytic, structure):
        self.label, self.formula, self.variable = label, formula, variable
        self.x, self.numerical, self.analytic, self.structure = x, numerical, analytic, structure
        self.max_abs_diff = None
        self.analytic_error: str | None = None  # set when the analytic Jacobian raised (explorer only)
        self.formula_only = False  # a standard map whose Jacobian is an exercise: the formula, no values
        if analytic is not None and analytic.shape == numerical.shape:
            self.max_abs_diff = float(np.max(np.abs(analytic - numerical))) if numerical.size else 0.0

    def verdict(self) -> str:
        """One line comparing the two Jacobians, for a title or a status line."""
        if self.analytic_error is not None:
            return f"your analytic Jacobian raised {self.analytic_error}: numerical only"
        if self.analytic is None and self.formula_only:
            return f"the formula {self.formula} is an exercise: numerical only (pass analytic=your function)"
        if self.analytic is None:
            return "no analytic Jacobian given: numerical only"
        m, n = self.numerical.shape
        if self.analytic.shape != self.numerical.shape:
            hint = (" (transposed: denominator layout?)"
                    if self.analytic.shape == (n, m) else "")
            return (f"shapes differ: analytic {self.analytic.shape[0]}\u00d7{self.analytic.shape[1]}, "
                    f"numerical {m}\u00d7{n}{hint}")
        from nbkit.gradcheck import rel_error

        text = (f"max |numerical \u2212 analytic| = {self.max_abs_diff:.1e}, "
                f"relative error {rel_error(self.numerical, self.analytic):.1e}")
        if self.max_abs_diff > DISAGREE:
            text += ": they disagree (a kink such as ReLU at 0, or a wrong formula?)"
        return text


def _resolve(map_or_f, x, analytic, seed):
    """-> (f, analytic callable or None, label, formula, variable)."""
    if isinstance(map_or_f, str):
        x_arr = np.asarray(x, dtype=float)
        if x_arr.ndim != 1:
            raise ValueError(f"the standard maps take a vector x of shape (n,), got shape {x_arr.shape}")
        map_or_f = standard_map(map_or_f, n=x_arr.size, seed=seed)
    if analytic is not None and not callable(analytic):
        fixed = np.asarray(analytic, dtype=float)
        analytic = lambda _x: fixed  # noqa: E731 - a constant Jacobian given as an array
    if isinstance(map_or_f, StandardMap):
        # a standard map brings its formula, never code for its Jacobian (that is an exercise);
        # the learner's own Jacobian, when passed, is compared with the numerical one
        sm = map_or_f
        return sm.forward, analytic, sm.label, sm.formula, sm.variable
    if not callable(map_or_f):
        raise TypeError(
            f"pass the name of a standard map ({', '.join(STANDARD_MAP_KEYS)}) or a callable, "
            f"got {type(map_or_f).__name__}"
        )
    name = getattr(map_or_f, "__name__", "f")
    label = "your function" if name == "<lambda>" else f"your function {name}"
    analytic_name = getattr(analytic, "__name__", "<lambda>")
    formula = f"{analytic_name}(x)" if analytic_name not in ("<lambda>", "<function>") else "your analytic Jacobian"
    return map_or_f, analytic, label, formula, "x"


def compare_jacobians(map_or_f, x, *, analytic=None, seed: int = 0, h: float = 1e-5,
                      detect_constant: bool = True, report_analytic_errors: bool = False) -> JacobianComparison:
    """Compute everything the explorer shows, without drawing.

    Args:
        map_or_f: a standard map name (see ``STANDARD_MAP_KEYS``), a ``StandardMap``, or
            a callable f(x) -> array.
        x: the input; shape (n,) for standard maps, any float shape for a callable.
        analytic: for a callable, its Jacobian as a callable ``x -> (m, n)`` array or a
            fixed (m, n) array; ignored for standard maps (they bring their own).
        detect_constant: also compare Jacobians at a few other inputs (4 more numerical
            Jacobians) to say whether J depends on x.
        report_analytic_errors: if the analytic Jacobian raises (a learner's unfinished
            function), record the error in ``analytic_error`` and go on with the numerical
            Jacobian alone, instead of raising.
    """
    f, analytic_fn, label, formula, variable = _resolve(map_or_f, x, analytic, seed)
    x = np.array(x, dtype=float)  # our own copy: numerical_jacobian perturbs it in place
    J_num = numerical_jacobian(f, x, h=h)
    J_ana, error = None, None
    if analytic_fn is not None:
        try:
            J_ana = np.asarray(analytic_fn(x.copy()), dtype=float)
        except Exception as err:
            if not report_analytic_errors:
                raise
            error = f"{type(err).__name__}" + (f" ({err})" if str(err) else "")
        if J_ana is not None and J_ana.ndim == 1:  # a 1-D analytic "row" for a scalar map: count it as 1 x n
            J_ana = J_ana.reshape(1, -1)
    constant = is_constant_jacobian(f, x, h=h) if detect_constant else None
    structure = describe_structure(J_num, constant=constant)
    comparison = JacobianComparison(label, formula, variable, x, J_num, J_ana, structure)
    comparison.analytic_error = error
    comparison.formula_only = isinstance(map_or_f, (str, StandardMap)) and analytic_fn is None
    return comparison


def _heatmap(ax, J, vmax, title, variable, annotate):
    m, n = J.shape
    image = ax.imshow(J, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="equal")
    ax.set_title(title, fontsize=10)
    if n <= 12:
        ax.set_xticks(range(n), [f"{variable}{j + 1}" for j in range(n)])
    if m <= 12:
        ax.set_yticks(range(m), [f"f{i + 1}" for i in range(m)])
    ax.set_xlabel(f"input j  (\u2202/\u2202{variable}\u2c7c)")
    ax.set_ylabel("output i  (f\u1d62)")
    if annotate:
        for i in range(m):
            for j in range(n):
                value = J[i, j]
                colour = "white" if abs(value) > 0.6 * vmax else "black"
                text = f"{value:.2f}"
                text = "0.00" if text == "-0.00" else text  # rounding noise has no sign worth showing
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color=colour)
    return image


def jacobian_figure(map_or_f, x, *, analytic=None, seed: int = 0, h: float = 1e-5,
                    detect_constant: bool = True, figsize=(9.0, 4.2), annotate: bool | None = None):
    """Numerical and analytic Jacobians of a map at ``x``, side by side, as one Figure.

    Both heatmaps share one diverging colour scale centred at 0 (red positive, blue
    negative, white zero). The title gives the map and the size of the difference; a note
    below names the structure found in the numerical Jacobian (diagonal, identity, a
    row, rank one, full; symmetric; constant or changing with x).

    Args: as :func:`compare_jacobians`; ``annotate`` writes each entry's value in its cell
    (default: when the Jacobian has at most 36 entries).
    Returns: a matplotlib Figure with 3 axes (numerical, analytic or a placeholder, colour bar).
    """
    comparison = compare_jacobians(map_or_f, x, analytic=analytic, seed=seed, h=h,
                                   detect_constant=detect_constant)
    return draw_comparison(comparison, figsize=figsize, annotate=annotate)


def draw_comparison(comparison: JacobianComparison, *, figsize=(9.0, 4.2), annotate: bool | None = None,
                    notes: bool = True):
    """Draw a :class:`JacobianComparison` (see :func:`jacobian_figure`).

    ``notes=False`` leaves the verdict and the structure out of the title (the explorer
    shows them as text under the picture, once).
    """
    J_num, J_ana = comparison.numerical, comparison.analytic
    m, n = J_num.shape
    if annotate is None:
        annotate = J_num.size <= 36
    largest = [np.max(np.abs(J)) for J in (J_num, J_ana) if J is not None and J.size]
    vmax = float(max(largest)) if largest else 1.0
    vmax = vmax if vmax > 1e-12 else 1.0  # an all-zero Jacobian still needs a scale

    fig = new_figure(figsize=figsize, layout="constrained")
    ax_num, ax_ana = fig.subplots(1, 2)
    image = _heatmap(ax_num, J_num, vmax, f"numerical ({m}\u00d7{n}, central differences)",
                     comparison.variable, annotate)
    if J_ana is not None and J_ana.ndim == 2:
        _heatmap(ax_ana, J_ana, vmax, f"analytic: {comparison.formula}", comparison.variable,
                 annotate and J_ana.size <= 36)
    else:
        ax_ana.set_axis_off()
        note = (f"your analytic Jacobian raised\n{comparison.analytic_error}" if comparison.analytic_error
                else f"analytic: {comparison.formula}\nis an exercise: write it, then\npass analytic=your function"
                if comparison.formula_only else "no analytic Jacobian given\n(pass analytic=...)")
        ax_ana.text(0.5, 0.5, note,
                    ha="center", va="center", transform=ax_ana.transAxes)
    # The colour bar names the same variable as the axes (z for activations, x for affine maps).
    fig.colorbar(image, ax=[ax_num, ax_ana], shrink=0.8, label=f"\u2202f\u1d62/\u2202{comparison.variable}\u2c7c")
    x_text = np.array2string(comparison.x.ravel(), precision=2, separator=", ", suppress_small=True)
    title = f"{comparison.label} at {comparison.variable} = {x_text}"
    if notes:
        title += f"\n{comparison.verdict()}\nstructure: {comparison.structure.summary()}"
    fig.suptitle(title, fontsize=10)
    return fig


class JacobianExplorer:
    """An ipywidgets UI: choose a map, move its input with sliders, watch its Jacobian.

    Args:
        f: optional learner function v -> f(v) of a vector v of shape (n,); it is added to
            the dropdown as "your function" and selected first.
        x: starting input, shape (n,); default a fixed vector of length ``n``.
        analytic: optional Jacobian of ``f`` (callable v -> (m, n) array, or an array).
        n: number of input entries (sliders) when ``x`` is not given; 3 to 5 stays readable.
        maps: which standard maps to offer (keys of ``STANDARD_MAP_KEYS``).

    ``widget`` is the ipywidgets container (displayed when the explorer is the last
    expression of a cell); ``dropdown``, ``sliders``, ``image`` (PNG bytes in
    ``image.value``), ``status`` (HTML line) and ``redraw_count`` are there for tests.
    """

    CUSTOM = "__custom__"

    def __init__(self, f: Callable | None = None, x=None, *, analytic=None, n: int = 4,
                 maps=STANDARD_MAP_KEYS, seed: int = 0, value_range=(-3.0, 3.0), step: float = 0.1):
        import ipywidgets as widgets

        if x is None:
            if not isinstance(n, (int, np.integer)) or not 1 <= n <= 12:
                raise ValueError(f"n must be an integer between 1 and 12 (one slider each), got {n!r}")
            x = np.array(DEFAULT_X[:n]) if n <= len(DEFAULT_X) else np.random.default_rng(seed).normal(size=n).round(1)
        x = np.asarray(x, dtype=float)
        if x.ndim != 1 or not 1 <= x.size <= 12:
            raise ValueError(f"x must be a vector with 1 to 12 entries (one slider each), got shape {x.shape}")
        unknown = [key for key in maps if key not in STANDARD_MAP_KEYS]
        if unknown:
            raise ValueError(f"unknown maps {unknown}; choose from {', '.join(STANDARD_MAP_KEYS)}")
        if f is not None and not callable(f):
            raise TypeError(f"f must be a callable v -> f(v), got {type(f).__name__}")

        self.f, self.analytic, self.seed = f, analytic, seed
        self._maps = {key: standard_map(key, n=x.size, seed=seed) for key in maps}
        options = [(sm.label, key) for key, sm in self._maps.items()]
        if f is not None:
            options.insert(0, ("your function", self.CUSTOM))
        if not options:
            raise ValueError("nothing to explore: give f or at least one standard map")

        low, high = value_range
        self.dropdown = widgets.Dropdown(options=options, value=options[0][1], description="map",
                                         layout=widgets.Layout(width="420px"))
        self.sliders = [
            widgets.FloatSlider(value=float(np.clip(v, low, high)), min=low, max=high, step=step,
                                description=f"x{j + 1}", continuous_update=False, readout_format=".2f")
            for j, v in enumerate(x)
        ]
        self.image = widgets.Image(format="png")
        self.image.add_class("nbkit-jacobian-figure")
        self.status = widgets.HTML()
        self.status.add_class("nbkit-jacobian-status")
        self.widget = widgets.VBox([self.dropdown, widgets.VBox(self.sliders), self.image, self.status])
        self.widget.add_class("nbkit-jacobian-explorer")
        self.redraw_count = 0
        self.comparison: JacobianComparison | None = None

        self.dropdown.observe(self._on_change, names="value")
        for slider in self.sliders:
            slider.observe(self._on_change, names="value")
        self.redraw()

    @property
    def x(self) -> np.ndarray:
        """The current input, shape (n,), read from the sliders."""
        return np.array([slider.value for slider in self.sliders], dtype=float)

    def _current(self):
        key = self.dropdown.value
        if key == self.CUSTOM:
            return self.f, self.analytic, "x"
        sm = self._maps[key]
        return sm, None, sm.variable

    def _on_change(self, change):
        self.redraw()

    def redraw(self) -> None:
        """Recompute both Jacobians at the sliders' input and replace the picture."""
        map_or_f, analytic, variable = self._current()
        for j, slider in enumerate(self.sliders):
            slider.description = f"{variable}{j + 1}"
        try:
            self.comparison = compare_jacobians(map_or_f, self.x, analytic=analytic, seed=self.seed,
                                                report_analytic_errors=True)
            fig = draw_comparison(self.comparison, notes=False)
            show_in(self.image, fig)
        except Exception as err:  # a learner's f may raise: say so instead of failing silently
            self.status.value = (f"<b>could not draw:</b> {html.escape(type(err).__name__)}: "
                                 f"{html.escape(str(err))}")
            return
        self.redraw_count += 1
        self.status.value = (f"{html.escape(self.comparison.verdict())}<br>"
                             f"structure: {html.escape(self.comparison.structure.summary())}")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore_jacobian(f: Callable | None = None, x=None, *, analytic=None, **options) -> JacobianExplorer:
    """Build a :class:`JacobianExplorer` (it displays itself as a cell's last expression).

    ``explore_jacobian()`` offers the standard maps; ``explore_jacobian(my_f, x0,
    analytic=my_jacobian)`` adds the learner's own map (analytic Jacobian optional).
    """
    return JacobianExplorer(f, x, analytic=analytic, **options)
