"""Pictures of races and schedules, built on ``matplotlib.figure.Figure`` (no pyplot state).

- :func:`plot_surface`: a surface's contours with its start, minima and saddle points.
- :func:`draw_race`: trajectories over the contours, and loss against step (log y).
- :func:`plot_losses`: loss against step alone, for a race or any runs.
- :func:`plot_schedules`: the learner's schedules ``t -> learning rate`` against step, and
  the loss each one gave when those are passed in.

matplotlib is imported inside the functions, so ``import nbkit.optim`` stays light. Each
returns a Figure that displays itself in Jupyter (``_repr_png_``) even when pyplot was never
imported.
"""
from __future__ import annotations

import numpy as np

from nbkit import plots
from nbkit.feedback import NotReady
from nbkit.plots import figure_png

from .race import Race, RuleFailed, _call_learner, _name
from .surfaces import Surface, surface as _surface

__all__ = ["plot_surface", "draw_race", "plot_losses", "plot_schedules", "new_figure", "figure_png"]

TINY = 1e-20  # floor of log-scale gaps: a run that hits the minimum exactly stays on the plot


def new_figure(**options):
    """A Figure that shows itself in Jupyter without pyplot, laid out with constrained layout."""
    options.setdefault("layout", "constrained")
    return plots.new_figure(**options)


def _contours(ax, s: Surface, n_levels: int = 20):
    X, Y, Z = s.value_grid(200)
    levels = s.levels(n_levels, Z)
    if s.log_levels:
        from matplotlib.colors import LogNorm

        gap = levels - s.min_value
        ax.contour(X, Y, np.maximum(Z - s.min_value, TINY), levels=gap, norm=LogNorm(gap[0], gap[-1]),
                   cmap="viridis", linewidths=0.8, alpha=0.7)
    else:
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8, alpha=0.7)
    for i, m in enumerate(s.minima):
        ax.plot(*m, marker="*", color="gold", markeredgecolor="black", markersize=14, linestyle="none",
                zorder=5, label=None if i else ("minimum" if len(s.minima) == 1 else "minima"))
    for i, p in enumerate(s.saddle_points):
        ax.plot(*p, marker="X", color="white", markeredgecolor="black", markersize=9, linestyle="none",
                zorder=5, label=None if i else "saddle point")
    ax.set_xlim(*s.xlim)
    ax.set_ylim(*s.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def _mark_start(ax, start):
    ax.plot(*start, marker="o", color="black", markersize=7, linestyle="none", zorder=6, label="start")


def plot_surface(surface, *, start=None, n_levels: int = 20, figsize=(5.0, 4.2)):
    """Contours of a surface (a key of ``SURFACE_KEYS`` or a Surface), start and minima marked."""
    s = _surface(surface)
    fig = new_figure(figsize=figsize)
    ax = fig.add_subplot(1, 1, 1)
    _contours(ax, s, n_levels)
    _mark_start(ax, s.start if start is None else np.asarray(start, dtype=float))
    ax.set_title(f"{s.label}\n{s.formula}", fontsize=9)
    ax.legend(loc="best", fontsize=8)
    return fig


def _run_label(run) -> str:
    if run.status == "finished":
        return run.name
    if run.status == "diverged":
        return f"{run.name} (diverged at step {run.diverged_at})"
    return f"{run.name} ({run.status})"


def _loss_curves(ax, runs, floor: float):
    """Draw f − floor against step on a log axis; returns the runs that have no curve."""
    silent = []
    # below ~1e-16 |f*| a gap is rounding, not progress: draw it at that floor
    lowest = max(TINY, 1e-16 * abs(floor))
    for i, run in enumerate(runs):
        if run.losses is None or len(run.losses) < 2:
            silent.append(run)
            continue
        ax.plot(np.arange(len(run.losses)), np.maximum(run.losses - floor, lowest), color=f"C{i}",
                label=_run_label(run), linewidth=1.4)
        if run.diverged_at is not None:
            ax.plot(len(run.losses) - 1, max(run.losses[-1] - floor, lowest), marker="x", color="red",
                    markersize=8, linestyle="none")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.grid(True, which="major", alpha=0.3)
    return silent


def _note_silent(ax, runs):
    """Runs with nothing to draw (not written yet, failed at once) still get a legend entry."""
    for run in runs:
        ax.plot([], [], linestyle="none", marker="o", fillstyle="none", color="#8a1c1c", label=_run_label(run))


def draw_race(result: Race, *, n_levels: int = 20, figsize=(10.5, 4.4), title=None):
    """A race as one Figure: trajectories over the contours (left), f − f* against step (right).

    Each rule keeps one colour in both panels. A diverged run is drawn up to its last good
    point, which carries a red ×; a run that raised or is not written yet is named in a note.
    Returns a Figure with two axes.
    """
    if not isinstance(result, Race):
        raise TypeError(f"draw_race takes the Race that race(...) returns, got {type(result).__name__}")
    s = result.surface
    # fixed margins, not constrained layout: measuring every tick label on a log axis
    # costs more than the rest of the drawing, and the widget redraws this on every change
    fig = new_figure(figsize=figsize, layout=None)
    fig.subplots_adjust(left=0.065, right=0.985, bottom=0.12, top=0.85, wspace=0.22)
    ax_path, ax_loss = fig.subplots(1, 2)
    _contours(ax_path, s, n_levels)
    runs = list(result.runs.values())
    for i, run in enumerate(runs):
        if run.steps_taken < 1:
            _note_silent(ax_path, [run])
            continue
        ax_path.plot(run.path[:, 0], run.path[:, 1], color=f"C{i}", marker=".", markersize=3,
                     linewidth=1.3, label=_run_label(run), zorder=4)
        if run.diverged_at is not None:
            ax_path.plot(*run.path[-1], marker="x", color="red", markersize=9, linestyle="none", zorder=6)
    _mark_start(ax_path, result.start)
    ax_path.legend(loc="best", fontsize=7)
    ax_path.set_title(s.formula, fontsize=9)
    _note_silent(ax_loss, _loss_curves(ax_loss, runs, s.min_value))
    ax_loss.set_ylabel("f(w) − f(w*)")
    ax_loss.set_title("loss against step (log scale)", fontsize=9)
    ax_loss.legend(loc="best", fontsize=7)
    fig.suptitle(title or f"{s.label}: {result.steps} steps from ({result.start[0]:g}, {result.start[1]:g})",
                 fontsize=10)
    return fig


def plot_losses(runs, *, floor: float = 0.0, figsize=(6.0, 4.0), title: str = "loss against step"):
    """Loss against step, log y, for a :class:`Race` or a dict/list of :class:`Run` with losses.

    ``floor`` is subtracted first (a race uses its surface's minimum value).
    """
    if isinstance(runs, Race):
        floor, runs = runs.surface.min_value, list(runs.runs.values())
    elif isinstance(runs, dict):
        runs = list(runs.values())
    fig = new_figure(figsize=figsize)
    ax = fig.add_subplot(1, 1, 1)
    _note_silent(ax, _loss_curves(ax, runs, floor))
    ax.set_ylabel("loss" if floor == 0 else "loss − minimum")
    ax.set_title(title, fontsize=10)
    if len(ax.lines):
        ax.legend(fontsize=8)
    return fig


def plot_schedules(schedules: dict, steps: int, *, losses: dict | None = None, log_lr: bool = False,
                   figsize=None, title: str = "learning-rate schedules"):
    """The learner's schedules against step; with ``losses``, the loss each gave beside them.

    Args:
        schedules: ``{name: schedule}``, each ``schedule(t) -> learning rate`` for t = 0 ... steps − 1
            (t counts updates, so a per-step schedule changes at every t).
        steps: how many steps to draw.
        losses: optional ``{name: losses}``, each an array (n,) or a :class:`Run` with losses.
        log_lr: draw the learning rate on a log axis (exponential decay becomes a straight line).
    Returns: a Figure with one axis (learning rate) or two (learning rate, loss). A schedule that
    raises is named in a note, the others are drawn.
    """
    if not isinstance(schedules, dict) or not schedules:
        raise TypeError("schedules must be a non-empty dict {name: schedule}, each schedule(t) -> learning rate")
    if losses is not None and not isinstance(losses, dict):
        raise TypeError("losses must be a dict {name: array of losses per step}")
    fig = new_figure(figsize=figsize or ((10.5, 4.0) if losses else (6.0, 4.0)))
    axes = fig.subplots(1, 2 if losses else 1)
    ax_lr = axes[0] if losses else axes
    t = np.arange(int(steps))
    problems = []
    for i, (name, schedule) in enumerate(schedules.items()):
        try:
            lr = [float(np.asarray(_call_learner(schedule, int(k), what=f"{_name(schedule, name)}({k})"),
                                   dtype=float).reshape(())) for k in t]
        except (NotReady, RuleFailed, TypeError, ValueError) as exc:
            problems.append(f"{name}: {str(exc).splitlines()[0]}")
            continue
        ax_lr.plot(t, lr, color=f"C{i}", label=name, linewidth=1.5, drawstyle="steps-post")
    if log_lr:
        ax_lr.set_yscale("log")
    ax_lr.set_xlabel("step t")
    ax_lr.set_ylabel("learning rate")
    ax_lr.set_title("learning rate against step", fontsize=9)
    ax_lr.grid(True, alpha=0.3)
    if ax_lr.lines:
        ax_lr.legend(fontsize=8)
    if problems:
        ax_lr.text(0.02, 0.02, "\n".join(problems), transform=ax_lr.transAxes, fontsize=7, va="bottom",
                   color="#8a1c1c", wrap=True)
    if losses:
        ax_loss = axes[1]
        names = list(schedules)
        for name, curve in losses.items():
            values = getattr(curve, "losses", curve)
            if values is None:
                continue
            values = np.asarray(values, dtype=float)
            colour = f"C{names.index(name)}" if name in names else None
            ax_loss.plot(np.arange(len(values)), values, color=colour, label=name, linewidth=1.2)
        ax_loss.set_yscale("log")
        ax_loss.set_xlabel("step t")
        ax_loss.set_ylabel("loss")
        ax_loss.set_title("loss against step (log scale)", fontsize=9)
        ax_loss.grid(True, alpha=0.3)
        if ax_loss.lines:
            ax_loss.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    return fig
