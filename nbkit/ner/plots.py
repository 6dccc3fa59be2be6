"""Pictures of a NER model: confusion matrix, per-type F1 bars, loss and dev-score curves.

Each function returns a ``matplotlib.figure.Figure`` built without pyplot (no global state;
in Jupyter the figure shows once, as the cell's result). matplotlib is imported inside the
functions, so ``import nbkit.ner`` stays light.
"""
from __future__ import annotations

import numpy as np

__all__ = ["plot_confusion", "plot_f1_by_type", "plot_history"]


def plot_confusion(cm, *, normalize: bool = True, title: str | None = None):
    """The token-level confusion matrix (a :class:`nbkit.ner.ConfusionMatrix`): rows gold,
    columns predicted. ``normalize``: colour by the fraction of each gold row (each cell also
    shows its count), so rare types are as visible as O."""
    from matplotlib.figure import Figure

    matrix, labels = np.asarray(cm.matrix), list(cm.labels)
    shown = cm.normalized() if normalize else matrix
    k = len(labels)
    fig = Figure(figsize=(1.2 + 0.8 * k, 1.0 + 0.75 * k), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=1 if normalize else max(matrix.max(), 1))
    for i in range(k):
        for j in range(k):
            dark = shown[i, j] > (0.55 if normalize else 0.55 * matrix.max())
            text = f"{matrix[i, j]:,}" + (f"\n{shown[i, j]:.0%}" if normalize else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title or ("confusion (row fractions)" if normalize else "confusion (tokens)"), fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def plot_f1_by_type(scores, *, title: str | None = None):
    """Bars of F1 per entity type and micro, for one :func:`nbkit.ner.entity_scores` result or
    a mapping ``{name: scores}`` to compare models (e.g. with / without GloVe)."""
    from matplotlib.figure import Figure

    runs = {"model": scores} if "per_type" in scores else dict(scores)
    types = sorted({t for s in runs.values() for t in s["per_type"]})
    groups = types + ["micro"]
    fig = Figure(figsize=(1.5 + 1.1 * len(groups), 3.2), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / len(runs)
    for n, (name, s) in enumerate(runs.items()):
        values = [s["per_type"].get(t, {"f1": 0.0})["f1"] for t in types] + [s["f1"]]
        x = np.arange(len(groups)) + (n - (len(runs) - 1) / 2) * width
        bars = ax.bar(x, values, width * 0.95, label=name)
        for bar, v in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, v + 0.01, f"{v:.2f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("entity F1 (exact span)")
    ax.set_title(title or "F1 by entity type", fontsize=10)
    if len(runs) > 1:
        ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def plot_history(history, *, metric: str = "dev F1", title: str | None = None):
    """Loss (per step, faint, and per-epoch mean) and dev score per evaluation, side by side.

    ``history``: a :class:`nbkit.ner.History`, a :class:`nbkit.ner.TrainResult`, or a mapping
    ``{name: history or result}`` to overlay runs (notebook 07's optimiser race). The x axis is
    epochs.
    """
    from matplotlib.figure import Figure

    def as_history(h):
        return getattr(h, "history", h)

    runs = {"": as_history(history)} if hasattr(as_history(history), "loss") else {
        name: as_history(h) for name, h in history.items()}
    fig = Figure(figsize=(9, 3.2), dpi=100)
    ax_loss, ax_dev = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for n, (name, h) in enumerate(runs.items()):
        color = f"C{n}"
        if h.loss:
            ax_loss.plot(h.loss_epoch, h.loss, color=color, alpha=0.25, linewidth=0.7)
        if h.epoch_loss:
            ax_loss.plot(np.arange(1, len(h.epoch_loss) + 1), h.epoch_loss, "o-", color=color,
                         label=name or "mean per epoch", markersize=3)
        if h.dev:
            ax_dev.plot(h.dev_epoch, h.dev, "o-", color=color, label=name or None, markersize=3)
            best = int(np.argmax(h.dev))
            ax_dev.plot([h.dev_epoch[best]], [h.dev[best]], "*", color=color, markersize=10)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_title("loss (faint: every step)", fontsize=10)
    ax_dev.set_xlabel("epoch")
    ax_dev.set_ylabel(metric)
    ax_dev.set_title(f"{metric} (star: best)", fontsize=10)
    if any(h.dev for h in runs.values()):
        if min(min(h.dev) for h in runs.values() if h.dev) >= 0:
            ax_dev.set_ylim(bottom=0)  # F1 from 0: small gains should look small
    else:
        ax_dev.text(0.5, 0.5, "no evaluation", ha="center", va="center", transform=ax_dev.transAxes)
    if len(runs) > 1 or any(h.epoch_loss for h in runs.values()):
        ax_loss.legend(fontsize=8)
    if len(runs) > 1:
        ax_dev.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig
