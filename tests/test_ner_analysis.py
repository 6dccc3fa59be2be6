"""nbkit.ner: the error table (and its widget, headless), the plots, and the import-time promise."""
import subprocess
import sys

import pytest

from nbkit.ner import analysis, metrics, plots
from nbkit.ner.harness import History

SENTENCES = [
    (["Museums", "in", "Paris", "are", "amazing"], ["O", "O", "B-LOC", "O", "O"]),
    (["Apple", "hired", "Tim", "Cook", "today"], ["B-ORG", "O", "B-PER", "I-PER", "O"]),
]
PREDICTED = [["O", "O", "B-PER", "O", "O"], ["O", "O", "B-PER", "I-PER", "B-MISC"]]


def test_error_table_rows_context_and_filters():
    table = analysis.error_table(SENTENCES, PREDICTED)
    assert len(table) == 3 and table.n_tokens == 10
    paris, apple, today = table
    assert (paris.word, paris.left, paris.right, paris.gold, paris.pred) == (
        "Paris", ("Museums", "in"), ("are", "amazing"), "LOC", "PER")
    assert (apple.left, apple.kind) == ((), "missed")
    assert today.kind == "spurious" and paris.kind == "wrong type"
    assert [r.word for r in table.filter(gold="LOC")] == ["Paris"]
    assert [r.word for r in table.filter(pred=("PER", "MISC"))] == ["Paris", "today"]
    assert [r.word for r in table.filter(kind="missed")] == ["Apple"]
    assert [r.word for r in table.filter(word="TOD")] == ["today"]
    assert table.counts()[("LOC", "PER")] == 1
    assert "[Paris]" in str(table) and "3 wrong tokens of 10" in repr(table)
    assert "<b>Paris</b>" in table._repr_html_()
    with pytest.raises(ValueError, match="kind must be among"):
        table.filter(kind="wrong")


def test_error_table_accepts_class_ids_and_type_names_and_checks_lengths():
    by_ids = analysis.error_table(SENTENCES, [[0, 0, 1, 0, 0], [0, 0, 1, 1, 4]], context=1)
    by_names = analysis.error_table(SENTENCES, [["O", "O", "PER", "O", "O"], ["O", "O", "PER", "PER", "MISC"]])
    assert [r.word for r in by_ids] == [r.word for r in by_names] == ["Paris", "Apple", "today"]
    assert by_ids[0].left == ("in",)
    with pytest.raises(ValueError, match="sentence 0: 5 tokens but 4 predictions"):
        analysis.error_table(SENTENCES, [["O"] * 4, ["O"] * 5])


def test_error_browser_filters_headless():
    pytest.importorskip("ipywidgets")
    box = analysis.error_browser(analysis.error_table(SENTENCES, PREDICTED))
    assert "Paris" in box.table_html.value and "today" in box.table_html.value
    box.controls["gold"].value = "ORG"
    assert "Apple" in box.table_html.value and "Paris" not in box.table_html.value
    box.controls["gold"].value = None
    box.controls["kind"].value = "spurious"
    assert "today" in box.table_html.value and "Apple" not in box.table_html.value


def test_plots_return_figures_without_pyplot():
    from matplotlib.figure import Figure

    gold = [tags for _, tags in SENTENCES]
    cm = metrics.confusion_matrix(gold, PREDICTED)
    scores = metrics.entity_scores(gold, PREDICTED)
    figures = [plots.plot_confusion(cm), plots.plot_confusion(cm, normalize=False),
               plots.plot_f1_by_type(scores), plots.plot_f1_by_type({"a": scores, "b": metrics.entity_scores(gold, gold)})]
    history = History(loss=[3.0, 2.0, 1.5, 1.0], loss_epoch=[0.5, 1, 1.5, 2], epoch_loss=[2.5, 1.25],
                      dev=[0.3, 0.5], dev_epoch=[1, 2], dev_seconds=[0.1, 0.2])
    figures += [plots.plot_history(history), plots.plot_history({"sgd": history, "adam": history}),
                plots.plot_history(History())]
    for fig in figures:
        assert isinstance(fig, Figure)
        fig.canvas.draw()  # renders headless with Agg


def test_plots_leave_no_pyplot_state():
    # in a fresh interpreter: other tests may have imported pyplot in this one
    code = ("import sys, nbkit.ner as ner; g = [['B-PER', 'O']]; p = [['O', 'O']]; "
            "ner.plot_confusion(ner.confusion_matrix(g, p)); ner.plot_f1_by_type(ner.entity_scores(g, p)); "
            "ner.plot_history(ner.History()); print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False"]


def test_import_nbkit_ner_is_light():
    code = ("import sys, nbkit.ner; nbkit.ner.__all__; "
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'matplotlib', 'tqdm', 'ipywidgets', 'pandas', 'seqeval', 'scipy'} or m.startswith('nbkit.ner.'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == [], f"import nbkit.ner loads {loaded}"
    code = "import sys, nbkit.ner as ner; ner.read_conll; ner.entity_scores; print('matplotlib' in sys.modules, 'tqdm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
