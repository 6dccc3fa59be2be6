"""Error analysis: every token whose predicted type is wrong, shown in its context, filterable.

    table = error_table(dev_sentences, predicted_tags)       # one row per wrong token
    table.filter(gold="ORG", pred="LOC")                     # ORG read as LOC
    table.filter(kind="missed")                              # entities predicted O
    error_browser(table)                                     # the same with dropdowns (ipywidgets)

Types are compared per token with B-/I- dropped (a window classifier predicts types). The
context words come from the sentence itself (``context`` words either side), so no windows are
built here. The table prints as text and shows as HTML in Jupyter; the browser is optional and
imports ipywidgets only when called.
"""
from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

from .corpus import LABELS, tag_type

__all__ = ["error_table", "ErrorTable", "ErrorRow", "error_browser", "KINDS"]

KINDS = ("missed", "spurious", "wrong type")


@dataclass(frozen=True)
class ErrorRow:
    sentence: int   # index of the sentence in the list given
    position: int   # index of the token in its sentence
    word: str
    left: tuple     # up to `context` words before it
    right: tuple    # up to `context` words after it
    gold: str       # gold type (O, PER, ...)
    pred: str       # predicted type

    @property
    def kind(self) -> str:
        """'missed' (gold entity, predicted O), 'spurious' (gold O), or 'wrong type'."""
        if self.pred == "O":
            return "missed"
        return "spurious" if self.gold == "O" else "wrong type"


def _types(sequence, label_names):
    out = []
    for item in sequence:
        if isinstance(item, str):
            out.append(item if item in label_names else tag_type(item))
        else:
            out.append(label_names[int(item)])
    return out


def _matches(value, wanted):
    return wanted is None or (value == wanted if isinstance(wanted, str) else value in wanted)


class ErrorTable:
    """Rows of :class:`ErrorRow` plus ``n_tokens`` (tokens compared). ``len()``, iteration and
    indexing give the rows; :meth:`filter` narrows them; :meth:`counts` tallies (gold, pred)."""

    def __init__(self, rows, n_tokens: int):
        self.rows, self.n_tokens = list(rows), n_tokens

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def filter(self, *, gold=None, pred=None, kind=None, word=None) -> "ErrorTable":
        """Rows whose gold type / predicted type / kind match (a name or a collection of names;
        ``kind`` in 'missed', 'spurious', 'wrong type'); ``word``: case-insensitive substring."""
        if kind is not None and (kind if not isinstance(kind, str) else {kind}) - set(KINDS):
            raise ValueError(f"kind must be among {KINDS}, got {kind!r}")
        rows = [r for r in self.rows if _matches(r.gold, gold) and _matches(r.pred, pred)
                and _matches(r.kind, kind) and (word is None or word.lower() in r.word.lower())]
        return ErrorTable(rows, self.n_tokens)

    def counts(self) -> Counter:
        """How often each (gold, pred) confusion occurs, most common first via ``.most_common()``."""
        return Counter((r.gold, r.pred) for r in self.rows)

    def summary(self) -> str:
        text = f"{len(self):,} wrong tokens of {self.n_tokens:,}"
        common = self.counts().most_common(4)
        if common:
            text += "; most often " + ", ".join(f"{g} read as {p} ({n})" for (g, p), n in common)
        return text

    def to_text(self, limit: int = 20) -> str:
        lines = [self.summary()]
        for r in self.rows[:limit]:
            lines.append(f"{' '.join(r.left):>30} [{r.word}] {' '.join(r.right):<30} gold {r.gold:<5} pred {r.pred}")
        if len(self) > limit:
            lines.append(f"... {len(self) - limit:,} more")
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        return f"<ErrorTable: {self.summary()}>"

    def to_html(self, limit: int = 50) -> str:
        esc = html.escape
        cells = []
        for r in self.rows[:limit]:
            cells.append(
                f"<tr><td>{r.sentence}:{r.position}</td><td style='text-align:right'>{esc(' '.join(r.left))}</td>"
                f"<td><b>{esc(r.word)}</b></td><td style='text-align:left'>{esc(' '.join(r.right))}</td>"
                f"<td>{esc(r.gold)}</td><td>{esc(r.pred)}</td><td>{esc(r.kind)}</td></tr>")
        more = f"<p>... {len(self) - limit:,} more</p>" if len(self) > limit else ""
        return (f"<p>{esc(self.summary())}</p><table><thead><tr><th>sentence:token</th><th>before</th>"
                f"<th>word</th><th>after</th><th>gold</th><th>predicted</th><th>kind</th></tr></thead>"
                f"<tbody>{''.join(cells)}</tbody></table>{more}")

    def _repr_html_(self):
        return self.to_html()


def error_table(sentences, predictions, *, context: int = 2, label_names=LABELS) -> ErrorTable:
    """Every token whose predicted type differs from its gold type, with its context words.

    ``sentences``: ``(tokens, gold_tags)`` pairs; ``predictions``: one sequence per sentence of
    predicted tags (``B-PER``), type names (``PER``) or class ids (indices into ``label_names``).
    ``context``: words shown either side. Returns an :class:`ErrorTable`.
    """
    sentences = list(sentences)
    predictions = list(predictions)
    if len(sentences) != len(predictions):
        raise ValueError(f"{len(sentences)} sentences but {len(predictions)} predicted sequences")
    rows, n_tokens = [], 0
    for s, ((tokens, tags), predicted) in enumerate(zip(sentences, predictions)):
        gold, pred = _types(tags, label_names), _types(predicted, label_names)
        if len(pred) != len(tokens):
            raise ValueError(f"sentence {s}: {len(tokens)} tokens but {len(pred)} predictions")
        n_tokens += len(tokens)
        for i, (g, p) in enumerate(zip(gold, pred)):
            if g != p:
                rows.append(ErrorRow(s, i, tokens[i], tuple(tokens[max(0, i - context):i]),
                                     tuple(tokens[i + 1:i + 1 + context]), g, p))
    return ErrorTable(rows, n_tokens)


def error_browser(table: ErrorTable, *, limit: int = 30):
    """An ipywidgets UI over ``table``: dropdowns for gold type, predicted type and kind, a word
    filter, and the matching rows as an HTML table. Returns the widget (a VBox); its
    ``.table_html`` child holds the current table, so it can be driven headless too."""
    import ipywidgets as widgets

    types = sorted({r.gold for r in table} | {r.pred for r in table})
    everything = [("all", None)]
    gold = widgets.Dropdown(options=everything + [(t, t) for t in types], description="gold")
    pred = widgets.Dropdown(options=everything + [(t, t) for t in types], description="predicted")
    kind = widgets.Dropdown(options=everything + [(k, k) for k in KINDS], description="kind")
    word = widgets.Text(description="word", placeholder="part of a word")
    out = widgets.HTML()

    def redraw(_=None):
        shown = table.filter(gold=gold.value, pred=pred.value, kind=kind.value, word=word.value or None)
        out.value = shown.to_html(limit=limit)

    for control in (gold, pred, kind, word):
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([gold, pred, kind, word]), out])
    box.table_html = out
    box.controls = {"gold": gold, "pred": pred, "kind": kind, "word": word}
    return box
