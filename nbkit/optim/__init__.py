"""Race the learner's update rules: test surfaces, harnesses and pictures (notebook 07).

This module contains no update rule and no schedule: the learner writes those. Every rule
it runs has the interface of CS231n's ``optim.py``::

    next_w, config = update(w, dw, config=None)

    w:      a numpy array, the current weights (any shape).
    dw:     a numpy array of the same shape, the gradient of the loss with respect to w.
    config: a dict of hyperparameters and state, such as the learning rate and the moving
            averages; None on the first call (the rule fills in its defaults). The rule
            returns it, updated, and gets it back on the next call.
    next_w: the weights after the update, shaped like w.

with CS231n's names and config keys: ``sgd`` (``learning_rate``), ``sgd_momentum``
(``learning_rate``, ``momentum``, ``velocity``), ``rmsprop`` (``learning_rate``,
``decay_rate``, ``epsilon``, ``cache``), ``adam`` (``learning_rate``, ``beta1``, ``beta2``,
``epsilon``, ``m``, ``v``, ``t``), and Nesterov momentum and AdaGrad in the same form. A
schedule is a function ``schedule(t) -> learning rate`` of the number t of updates made.

What is here, one idea per file:

- ``surfaces``: :class:`Surface` and ``SURFACES`` (``quadratic``, ``rosenbrock``,
  ``saddle``, ``beale``): value, gradient, start point, minimisers, plot box, contour levels.
- ``race``: :func:`run_rule` (one rule on any ``grad_fn``), :func:`race` (several rules
  from one start on one surface), :func:`with_config`; configs are copied per rule, a
  diverging run stops cleanly, a rule that raises becomes one line.
- ``draw``: :func:`draw_race`, :func:`plot_surface`, :func:`plot_losses`,
  :func:`plot_schedules` (matplotlib Figures; no pyplot).
- ``explorer``: :func:`race_figure` (headless) and :func:`explore_race` (ipywidgets).
- ``compare``: :func:`compare_rules`, a model trained with each rule from one
  initialisation on the same minibatches; :func:`plot_comparison`.

matplotlib, ipywidgets and tqdm are imported only inside the functions that use them.
See ``docs/optim.md``.
"""
from __future__ import annotations

from .compare import Comparison, TrainingRun, compare_rules, plot_comparison
from .draw import draw_race, figure_png, plot_losses, plot_schedules, plot_surface
from .explorer import CONTROLS, DEFAULT_CONTROLS, RaceExplorer, explore_race, race_figure
from .race import Race, RuleFailed, Run, apply_rule, parse_rules, race, run_rule, with_config
from .surfaces import SURFACE_KEYS, SURFACES, Surface, ill_conditioned_quadratic, surface

__all__ = [
    "Surface", "SURFACES", "SURFACE_KEYS", "surface", "ill_conditioned_quadratic",
    "Run", "Race", "RuleFailed", "apply_rule", "run_rule", "race", "parse_rules", "with_config",
    "plot_surface", "draw_race", "plot_losses", "plot_schedules", "figure_png",
    "CONTROLS", "DEFAULT_CONTROLS", "race_figure", "RaceExplorer", "explore_race",
    "TrainingRun", "Comparison", "compare_rules", "plot_comparison",
]
