"""Scoring NER the way the field does: entity-level precision, recall and F1; token accuracy;
a token-level confusion matrix.

Entity scores (:func:`entity_scores`) count **exact spans**: a predicted entity is correct only
if its type, first token and last token all equal those of a gold entity. Micro precision =
correct / predicted entities, recall = correct / gold entities, F1 their harmonic mean
(= 2 correct / (predicted + gold)); per-type figures the same within one type. A quantity
with a zero denominator is 0 (seqeval's ``zero_division=0``).

How spans are read from tags (``mode``):

- ``"conlleval"`` (default; seqeval's default mode, which follows the conlleval script): an
  entity starts at ``B-X``, at an ``I-X`` after ``O``, or at an ``I-X`` whose type differs from
  the previous token's; it continues over ``I-X`` of its type. So a model's invalid IOB2
  (``O I-PER``) still yields an entity, and a type change inside a run (``B-PER I-LOC``)
  splits it in two.
- ``"strict"`` (seqeval's ``mode="strict", scheme=IOB2``): only ``B-X I-X*`` is an entity;
  an ``I-X`` that does not continue one is ignored, so ``O I-PER`` scores nothing.

Results equal seqeval's on both modes (``tests/test_ner_metrics.py`` compares them on
CoNLL-2003 dev and on random tag sequences). Entities never cross a sentence boundary.
Tags must be ``O``, ``B-X`` or ``I-X``; IO-tagged gold (Wikigold's file) is converted to IOB2
when read, and an IO corpus cannot separate two adjacent entities of one type.
"""
from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import numpy as np

from .corpus import LABELS, _split_tag, _unknown_tag_message, tag_type

__all__ = ["entity_spans", "entity_scores", "EntityScores", "token_accuracy", "confusion_matrix",
           "ConfusionMatrix", "labels_to_tags", "MODES"]

MODES = ("conlleval", "strict")


def _check_mode(mode):
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def entity_spans(tags, *, mode: str = "conlleval") -> list[tuple[str, int, int]]:
    """The entities of one tag sequence as ``(type, start, end)`` with ``end`` exclusive.

    Example: ``["B-PER", "I-PER", "O", "I-LOC"] -> [("PER", 0, 2), ("LOC", 3, 4)]`` (conlleval
    mode); in strict mode the lone ``I-LOC`` is not an entity.
    """
    _check_mode(mode)
    spans, kind, start = [], None, 0
    for i, tag in enumerate(tags):
        split = _split_tag(tag)
        if split is None:
            raise ValueError(_unknown_tag_message(tag))
        prefix, new_kind = split
        if prefix == "I" and new_kind == kind:
            continue  # the entity goes on
        if kind is not None:
            spans.append((kind, start, i))
        kind, start = None, i
        if prefix == "B" or (prefix == "I" and mode == "conlleval"):
            kind = new_kind
    if kind is not None:
        spans.append((kind, start, len(tags)))
    return spans


def _as_sequences(gold, pred):
    """Lists of tag sequences of matching lengths; one flat sequence is allowed for each."""
    def nested(seqs):
        seqs = list(seqs)
        return [seqs] if seqs and isinstance(seqs[0], str) else [list(s) for s in seqs]

    gold, pred = nested(gold), nested(pred)
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted ones")
    for i, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise ValueError(f"sentence {i}: {len(g)} gold tags but {len(p)} predicted tags")
    return gold, pred


class EntityScores(dict):
    """A dict: ``precision``, ``recall``, ``f1`` (micro), ``n_gold``, ``n_pred``, ``n_correct``,
    ``mode``, and ``per_type``: ``{type: {precision, recall, f1, n_gold, n_pred, n_correct}}``
    (types sorted by name). ``report()`` formats it as a table."""

    def report(self, digits: int = 3) -> str:
        rows = [(name, s) for name, s in self["per_type"].items()] + [("micro", self)]
        width = max([len(name) for name, _ in rows] + [5])
        lines = [f"{'':{width}}  precision  recall     f1   gold   pred correct"]
        for name, s in rows:
            lines.append(f"{name:>{width}}  {s['precision']:9.{digits}f} {s['recall']:7.{digits}f} "
                         f"{s['f1']:6.{digits}f} {s['n_gold']:6d} {s['n_pred']:6d} {s['n_correct']:7d}")
        return "\n".join(lines)

    def __str__(self):
        return self.report()


def _prf(n_correct, n_pred, n_gold):
    precision = n_correct / n_pred if n_pred else 0.0
    recall = n_correct / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "n_gold": n_gold, "n_pred": n_pred, "n_correct": n_correct}


def entity_scores(gold, pred, *, mode: str = "conlleval") -> EntityScores:
    """Entity-level (exact span) micro and per-type precision, recall and F1.

    ``gold``, ``pred``: lists of tag sequences (one list of tags per sentence, e.g.
    ``[["B-PER", "I-PER", "O"], ...]``), or one flat sequence each. ``mode``: 'conlleval'
    (default, = seqeval's default) or 'strict' (= seqeval ``mode='strict', scheme=IOB2``).
    Returns an :class:`EntityScores` dict; ``scores["f1"]`` is the headline number.
    """
    _check_mode(mode)
    gold, pred = _as_sequences(gold, pred)
    gold_set, pred_set = set(), set()
    for i, (g, p) in enumerate(zip(gold, pred)):
        gold_set.update((kind, i, start, end) for kind, start, end in entity_spans(g, mode=mode))
        pred_set.update((kind, i, start, end) for kind, start, end in entity_spans(p, mode=mode))
    correct = gold_set & pred_set
    n_gold, n_pred, n_correct = (Counter(e[0] for e in s) for s in (gold_set, pred_set, correct))
    scores = EntityScores(_prf(len(correct), len(pred_set), len(gold_set)))
    scores["mode"] = mode
    scores["per_type"] = {kind: _prf(n_correct[kind], n_pred[kind], n_gold[kind])
                          for kind in sorted(set(n_gold) | set(n_pred))}
    return scores


def token_accuracy(gold, pred) -> float:
    """Fraction of tokens whose predicted tag equals the gold tag (= seqeval's accuracy_score).

    Not the headline number: predicting ``O`` everywhere already scores over 0.8 on CoNLL-2003.
    """
    gold, pred = _as_sequences(gold, pred)
    total = sum(len(g) for g in gold)
    same = sum(a == b for g, p in zip(gold, pred) for a, b in zip(g, p))
    return same / total if total else 0.0


class ConfusionMatrix(NamedTuple):
    """``matrix[i, j]``: tokens whose gold type is ``labels[i]`` and predicted type ``labels[j]``."""
    matrix: np.ndarray  # (K, K) int64, rows gold, columns predicted
    labels: tuple

    def normalized(self) -> np.ndarray:
        """Each row divided by its sum (rows with no tokens stay 0): (K, K) float."""
        sums = self.matrix.sum(axis=1, keepdims=True)
        return np.divide(self.matrix, sums, out=np.zeros(self.matrix.shape), where=sums > 0)


def confusion_matrix(gold, pred, labels=None) -> ConfusionMatrix:
    """Token-level confusion of entity *types* (B-/I- dropped: 'B-PER' and 'I-PER' are PER).

    ``labels``: the order of rows and columns (default: O, PER, ORG, LOC, MISC, then any other
    type present, sorted). Returns :class:`ConfusionMatrix` ``(matrix (K, K), labels)``.
    """
    gold, pred = _as_sequences(gold, pred)
    pairs = Counter((tag_type(a), tag_type(b)) for g, p in zip(gold, pred) for a, b in zip(g, p))
    if labels is None:
        present = {kind for pair in pairs for kind in pair}
        labels = tuple(LABELS) + tuple(sorted(present - set(LABELS)))
    labels = tuple(labels)
    index = {label: i for i, label in enumerate(labels)}
    missing = {kind for pair in pairs for kind in pair} - set(index)
    if missing:
        raise ValueError(f"types {sorted(missing)} occur but are not among labels {labels}")
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for (a, b), count in pairs.items():
        matrix[index[a], index[b]] += count
    return ConfusionMatrix(matrix, labels)


def labels_to_tags(labels, label_names=LABELS) -> list[str]:
    """Per-token classes of one sentence -> IOB2 tags (a run of one type becomes one entity).

    ``labels``: class ids (ints indexing ``label_names``) or type names, shape (T,). Example:
    ``[1, 1, 0, 3] -> ["B-PER", "I-PER", "O", "B-LOC"]``. Like IO tags, five classes cannot
    separate two adjacent entities of one type: they merge, in predictions as in any gold
    converted this way, so score against the corpus's own IOB2 gold tags.
    """
    out, previous = [], "O"
    for label in labels:
        kind = label if isinstance(label, str) else label_names[int(label)]
        if kind == "O":
            out.append("O")
        else:
            out.append(("I-" if kind == previous else "B-") + kind)
        previous = kind
    return out
