"""nbkit.ner: data, scoring and tooling for named-entity recognition (notebooks 06 and 07).

- ``corpus``: :func:`read_conll` (2/4-column CoNLL files, IO/IOB1/IOB2 -> IOB2, errors naming
  file and line), the shipped Wikigold corpus (:func:`load_wikigold`, split by document),
  CoNLL-2003 from a folder (:func:`load_conll2003`).
- ``vocab``: :class:`Vocabulary` (``<pad>`` 0, ``<unk>`` 1), casing features, index arrays,
  :func:`minibatches`, GloVe vectors (:func:`load_glove`, :func:`load_glove_wikigold`) and
  :func:`embedding_matrix` with a coverage report.
- ``metrics``: :func:`entity_scores` (exact-span micro and per-type P/R/F1, equal to seqeval),
  :func:`token_accuracy`, :func:`confusion_matrix`, :func:`labels_to_tags`.
- ``analysis``: :func:`error_table` (each wrong token in its context, filterable) and
  :func:`error_browser` (an ipywidgets UI over it).
- ``plots``: confusion matrix, per-type F1 bars, loss and dev-F1 curves (matplotlib Figures).
- ``harness``: :func:`train`, a harness that runs the learner's own loss/gradient function and
  update rule with a tqdm bar, and keeps the best parameters when stopped with Ctrl-C.

What notebook 06 grades is not here: window extraction, the model's forward and backward,
the embedding scatter-add, the max-margin and softmax-cross-entropy gradients, the update step.

Names resolve lazily (PEP 562): ``import nbkit.ner`` loads no data, matplotlib, tqdm or widgets.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "corpus": ("DataFormatError", "CoNLLFormatError", "read_conll", "read_conll_documents",
               "detect_scheme", "to_iob2", "tag_type", "split_documents", "load_wikigold",
               "wikigold_documents", "load_conll2003", "LABELS", "SCHEMES", "WIKIGOLD_ATTRIBUTION"),
    "vocab": ("PAD", "UNK", "CASING", "Vocabulary", "casing", "casing_ids", "SentenceArrays",
              "encode_sentences", "minibatches", "WordVectors", "load_glove", "load_glove_wikigold",
              "embedding_matrix", "CoverageReport"),
    "metrics": ("entity_spans", "entity_scores", "EntityScores", "token_accuracy", "confusion_matrix",
                "ConfusionMatrix", "labels_to_tags"),
    "analysis": ("error_table", "ErrorTable", "error_browser"),
    "plots": ("plot_confusion", "plot_f1_by_type", "plot_history"),
    "harness": ("train", "TrainResult", "History", "per_parameter", "copy_params"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    if name in _EXPORTS:  # the submodules themselves
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'nbkit.ner' has no attribute {name!r}")


def __dir__():
    return __all__ + sorted(_EXPORTS)
