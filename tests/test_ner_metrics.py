"""nbkit.ner.metrics against seqeval, the field's yardstick: random tag sequences (seeded, with
the IOB1/IOB2 edge cases), CoNLL-2003 dev when the data is present, and hand-made cases."""
import random
from pathlib import Path

import numpy as np
import pytest

seqeval_metrics = pytest.importorskip("seqeval.metrics")
from seqeval.scheme import IOB2  # noqa: E402

from nbkit.ner import metrics  # noqa: E402
from nbkit.ner.corpus import read_conll  # noqa: E402

# seqeval (through sklearn/numpy) warns about empty averages and undefined scores; 0 is what both report
pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning")]

CONLL = Path(__file__).resolve().parents[2] / "shared" / "data" / "conll2003"
if not CONLL.is_dir():
    CONLL = Path("/work/shared/data/conll2003")
TYPES = ("PER", "ORG", "LOC", "MISC")


def seqeval_scores(gold, pred, strict=False):
    kwargs = {"mode": "strict", "scheme": IOB2} if strict else {}
    report = seqeval_metrics.classification_report(gold, pred, output_dict=True, zero_division=0, **kwargs)
    micro = report["micro avg"]
    per_type = {k: v for k, v in report.items() if not k.endswith(" avg")}
    return micro, per_type


def assert_equal_to_seqeval(gold, pred, strict=False):
    ours = metrics.entity_scores(gold, pred, mode="strict" if strict else "conlleval")
    micro, per_type = seqeval_scores(gold, pred, strict)
    for key, theirs in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
        assert ours[key] == pytest.approx(micro[theirs], abs=1e-12), (key, gold, pred)
    assert ours["n_gold"] == micro["support"]
    # seqeval lists a type only when it has gold entities or predictions; so do we
    assert set(ours["per_type"]) == set(per_type), (gold, pred)
    for kind, theirs in per_type.items():
        mine = ours["per_type"][kind]
        assert mine["n_gold"] == theirs["support"]
        assert mine["precision"] == pytest.approx(theirs["precision"], abs=1e-12)
        assert mine["recall"] == pytest.approx(theirs["recall"], abs=1e-12)
        assert mine["f1"] == pytest.approx(theirs["f1-score"], abs=1e-12)
    if not strict:
        assert ours["f1"] == pytest.approx(seqeval_metrics.f1_score(gold, pred), abs=1e-12)
        assert metrics.token_accuracy(gold, pred) == pytest.approx(seqeval_metrics.accuracy_score(gold, pred))


def random_tags(rng, length, types=TYPES[:2], p_o=0.4):
    """Arbitrary (often invalid IOB2) tags: I- after O, type changes inside a run, B after I..."""
    tags = []
    for _ in range(length):
        if rng.random() < p_o:
            tags.append("O")
        else:
            tags.append(rng.choice("BI") + "-" + rng.choice(types))
    return tags


@pytest.mark.parametrize("strict", [False, True], ids=["conlleval", "strict"])
def test_random_sequences_equal_seqeval(strict):
    rng = random.Random(1234)
    for trial in range(300):
        n_sentences = rng.randint(1, 6)
        lengths = [rng.randint(1, 9) for _ in range(n_sentences)]
        types = TYPES[: rng.randint(1, 4)]
        gold = [random_tags(rng, n, types) for n in lengths]
        # predictions: the gold with some tags replaced, so that many entities match
        pred = [[t if rng.random() < 0.7 else random_tags(rng, 1, types)[0] for t in g] for g in gold]
        assert_equal_to_seqeval(gold, pred, strict)


@pytest.mark.parametrize("strict", [False, True], ids=["conlleval", "strict"])
@pytest.mark.parametrize("gold,pred", [
    (["O", "I-PER", "I-PER"], ["O", "B-PER", "I-PER"]),          # I- after O opens an entity (conlleval)
    (["B-PER", "I-LOC", "I-LOC"], ["B-PER", "B-LOC", "I-LOC"]),  # type change inside a run
    (["O", "B-LOC"], ["O", "I-LOC"]),                            # entity at the sentence end
    (["B-ORG", "I-ORG"], ["B-ORG", "I-ORG"]),                    # the whole sentence is one entity
    (["I-PER", "B-PER"], ["I-PER", "I-PER"]),                    # IOB1: B- between same-type neighbours
    (["O", "O"], ["O", "O"]),                                    # nothing to find: all zeros
    (["B-PER", "O"], ["O", "O"]),                                # no predictions: precision 0
])
def test_edge_cases_equal_seqeval(gold, pred, strict):
    assert_equal_to_seqeval([gold], [pred], strict)


def test_entities_do_not_cross_sentences():
    gold = [["O", "B-PER"], ["I-PER", "O"]]
    scores = metrics.entity_scores(gold, gold)
    assert scores["n_gold"] == 2 and scores["f1"] == 1.0


def test_known_values_and_span_rules():
    assert metrics.entity_spans(["B-PER", "I-PER", "O", "I-LOC"]) == [("PER", 0, 2), ("LOC", 3, 4)]
    assert metrics.entity_spans(["B-PER", "I-PER", "O", "I-LOC"], mode="strict") == [("PER", 0, 2)]
    assert metrics.entity_spans(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    pred = [["B-PER", "O", "O", "B-LOC"]]  # PER span too short: not an exact match
    scores = metrics.entity_scores(gold, pred)
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.5, 0.5, 0.5)
    assert scores["per_type"]["PER"]["f1"] == 0.0 and scores["per_type"]["LOC"]["f1"] == 1.0
    assert "micro" in scores.report() and "PER" in str(scores)
    # a flat sequence is accepted as one sentence
    assert metrics.entity_scores(gold[0], pred[0])["f1"] == 0.5


def test_all_o_prediction_has_high_accuracy_and_zero_f1():
    gold = [["B-PER", "O", "O", "O", "O", "O", "O", "O", "O", "O"]]
    pred = [["O"] * 10]
    assert metrics.token_accuracy(gold, pred) == 0.9
    assert metrics.entity_scores(gold, pred)["f1"] == 0.0


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="sentence 1: 2 gold tags but 3 predicted"):
        metrics.entity_scores([["O"], ["O", "O"]], [["O"], ["O", "O", "O"]])
    with pytest.raises(ValueError, match="2 gold sentences but 1 predicted"):
        metrics.entity_scores([["O"], ["O"]], [["O"]])
    with pytest.raises(ValueError, match="unknown tag 'PER'"):
        metrics.entity_scores([["PER"]], [["O"]])
    with pytest.raises(ValueError, match="mode"):
        metrics.entity_scores([["O"]], [["O"]], mode="lenient")


def test_confusion_matrix_counts_types():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG"]]
    pred = [["B-PER", "B-PER", "B-LOC", "O"], ["B-MISC"]]
    cm = metrics.confusion_matrix(gold, pred)
    assert cm.labels == ("O", "PER", "ORG", "LOC", "MISC")
    expected = np.zeros((5, 5), int)
    expected[1, 1] = 2  # B-/I- do not matter: both PER
    expected[0, 3] = 1
    expected[3, 0] = 1
    expected[2, 4] = 1
    np.testing.assert_array_equal(cm.matrix, expected)
    assert cm.matrix.sum() == 5
    np.testing.assert_allclose(cm.normalized().sum(axis=1), [1, 1, 1, 1, 0])
    with pytest.raises(ValueError, match="not among labels"):
        metrics.confusion_matrix(gold, pred, labels=("O", "PER"))


def test_labels_to_tags():
    assert metrics.labels_to_tags([1, 1, 0, 3, 3, 2]) == ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-ORG"]
    assert metrics.labels_to_tags(np.array([4, 1])) == ["B-MISC", "B-PER"]
    assert metrics.labels_to_tags(["PER", "PER", "O"]) == ["B-PER", "I-PER", "O"]


@pytest.mark.skipif(not CONLL.is_dir(), reason="CoNLL-2003 is not shipped; its folder is absent here")
@pytest.mark.parametrize("strict", [False, True], ids=["conlleval", "strict"])
def test_conll2003_dev_predictions_equal_seqeval(strict):
    dev = read_conll(CONLL / "dev.txt")
    gold = [tags for _, tags in dev]
    assert sum(len(t) for t in gold) == 51362
    # plausible predictions of a five-class tagger: types flipped, O swapped, runs merged by labels_to_tags
    rng = np.random.default_rng(7)
    pred = []
    for tags in gold:
        kinds = [t[2:] if t != "O" else "O" for t in tags]
        kinds = [("O", "PER", "ORG", "LOC", "MISC")[rng.integers(5)] if rng.random() < 0.08 else k for k in kinds]
        pred.append(metrics.labels_to_tags(kinds))
    assert_equal_to_seqeval(gold, pred, strict)
    assert metrics.entity_scores(gold, gold)["n_gold"] == 5942
