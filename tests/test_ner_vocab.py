"""nbkit.ner.vocab: vocabulary, casing, index arrays, minibatches, GloVe vectors (shipped and
from a path) and the embedding matrix with its coverage report."""
import numpy as np
import pytest

from nbkit.ner import corpus, vocab
from nbkit.ner.corpus import DataFormatError
from nbkit.ner.vocab import CASING, Vocabulary

TRAIN = [(["Paris", "is", "big", "."], ["B-LOC", "O", "O", "O"]),
         (["paris", "and", "NATO", "."], ["B-LOC", "O", "B-ORG", "O"])]


def test_vocabulary_from_training_sentences():
    v = Vocabulary.build(TRAIN)
    assert v.words[:2] == ["<pad>", "<unk>"]
    assert v.words[2:4] == ["paris", "."]  # by falling count, lower-cased
    assert len(v) == 2 + 6
    assert v["PARIS"] == v["paris"] == 2 and v["london"] == 1
    assert "Paris" in v and "london" not in v
    np.testing.assert_array_equal(v.encode(["Paris", "in", "."]), [2, 1, 3])
    assert v.encode(["x"]).dtype == np.int64
    assert v.decode([2, 1]) == ["paris", "<unk>"]
    assert len(Vocabulary.build(TRAIN, min_count=2)) == 4
    assert len(Vocabulary.build(TRAIN, max_size=3)) == 5
    cased = Vocabulary.build(TRAIN, lower=False)
    assert cased["Paris"] != cased["paris"]
    # token lists are accepted as well as (tokens, tags) pairs
    assert Vocabulary.build([t for t, _ in TRAIN]).words == v.words


@pytest.mark.parametrize("token,expected", [
    ("paris", "lower"), ("NATO", "upper"), ("Paris", "title"), ("iPhone", "mixed"), ("McDonald", "mixed"),
    ("1996", "digit"), ("A4", "digit"), (".", "other"), ("--", "other"), ("É", "upper"), ("I", "upper"),
])
def test_casing(token, expected):
    assert CASING[vocab.casing(token)] == expected


def test_encode_sentences_and_padding_index():
    v = Vocabulary.build(TRAIN)
    arrays = vocab.encode_sentences(TRAIN, v)
    first = arrays[0]
    np.testing.assert_array_equal(first.words, v.encode(TRAIN[0][0]))
    np.testing.assert_array_equal(first.casing, [3, 1, 1, 6])
    np.testing.assert_array_equal(arrays[1].labels, [3, 0, 2, 0])  # LOC, O, ORG, O in O/PER/ORG/LOC/MISC
    assert v["<pad>"] == 0 and CASING[0] == "<pad>"
    with pytest.raises(ValueError, match="sentence 0: type 'LOC' is not among label_names"):
        vocab.encode_sentences(TRAIN, v, label_names=("O", "PER"))


def test_minibatches_cover_every_row_once_per_epoch_and_reshuffle():
    X = np.arange(10)[:, None] * np.ones((1, 5), int)
    y = np.arange(10)
    batches = vocab.minibatches(X, y, batch_size=4, seed=0)
    assert len(batches) == 3
    first = [b for b in batches]
    second = [b for b in batches]
    for epoch in (first, second):
        assert [len(yb) for _, yb in epoch] == [4, 4, 2]
        rows = np.concatenate([yb for _, yb in epoch])
        assert sorted(rows) == list(range(10))
        for xb, yb in epoch:
            np.testing.assert_array_equal(xb[:, 0], yb)  # rows stay aligned
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(first, second))
    ordered = list(vocab.minibatches(y, batch_size=3, shuffle=False))
    np.testing.assert_array_equal(ordered[0], [0, 1, 2])  # one array -> arrays, not tuples
    with pytest.raises(ValueError, match="share their first dimension"):
        vocab.minibatches(X, y[:5])
    with pytest.raises(ValueError, match="batch_size"):
        vocab.minibatches(y, batch_size=0)


def test_shipped_glove_rows_load_close_to_the_text_values():
    vectors = vocab.load_glove_wikigold()
    assert len(vectors) == 7225 and vectors.dim == 50 and vectors.vectors.dtype == np.float32
    assert vectors.words[:3] == ["the", ",", "."]
    # GloVe's "the" row begins 0.418 0.24968 -0.41242: float16 storage keeps it within 2e-3
    np.testing.assert_allclose(vectors["the"][:3], [0.418, 0.24968, -0.41242], atol=2e-3)
    notice = corpus.data_file("glove", "NOTICE.md").read_text()
    assert "PDDL" in notice and "Pennington" in notice


def test_load_glove_from_a_path(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("400 3\nthe 0.1 0.2 0.3\nparis -1 0.5 2e-3\nnew york 1 2 3\n", encoding="utf-8")
    vectors = vocab.load_glove(path)
    assert vectors.words == ["the", "paris", "new york"]  # word2vec header skipped; spaces in a word kept
    np.testing.assert_allclose(vectors["paris"], [-1, 0.5, 0.002])
    assert vocab.load_glove(path, only={"paris"}).words == ["paris"]
    path.write_text("the 0.1 0.2 0.3\nparis 0.1 0.2\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"line 2: 2 values where the first row has 3"):
        vocab.load_glove(path)
    path.write_text("the 0.1 0.2 0.3\nparis 0.1 0.2 0.3 0.4\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"line 2: more than 3 values"):
        vocab.load_glove(path)
    path.write_text("the 0.1 0.2 0.3\nparis 0.1 x 0.2\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"line 2: not a number"):
        vocab.load_glove(path)
    path.write_bytes(b"\x00\x01")
    with pytest.raises(DataFormatError, match="binary"):
        vocab.load_glove(path)


def test_embedding_matrix_and_coverage(tmp_path):
    v = Vocabulary.build(TRAIN)
    vectors = vocab.WordVectors(["paris", ".", "nato"], np.arange(6, dtype=np.float32).reshape(3, 2) + 1)
    L, report = vocab.embedding_matrix(v, vectors, seed=0)
    assert L.shape == (len(v), 2) and L.dtype == np.float64
    np.testing.assert_array_equal(L[0], [0, 0])                  # <pad>
    np.testing.assert_array_equal(L[v["paris"]], [1, 2])
    np.testing.assert_array_equal(L[v["NATO"]], [5, 6])
    assert report.n_words == 6 and report.n_found == 3
    assert report.n_tokens == 8 and report.n_tokens_found == 5    # paris x2, . x2, nato x1
    assert report.missing[0] in {"is", "big", "and"}
    assert "3 of 6 vocabulary words (50.0%)" in str(report) and "62.5% of training tokens" in str(report)
    L2, _ = vocab.embedding_matrix(v, vectors, seed=0)
    np.testing.assert_array_equal(L, L2)                         # seeded
    random_L, random_report = vocab.embedding_matrix(v, None, dim=4, seed=1)
    assert random_L.shape == (len(v), 4) and random_report.n_found == 0
    with pytest.raises(ValueError, match="dim="):
        vocab.embedding_matrix(v, None)


def test_wikigold_coverage_report():
    v = Vocabulary.build(corpus.load_wikigold("train"))
    _, report = vocab.embedding_matrix(v, vocab.load_glove_wikigold())
    assert report.n_words == len(v) - 2 and 0.9 < report.word_coverage < 1.0
    assert report.token_coverage > 0.97
