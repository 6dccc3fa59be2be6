"""From sentences to arrays: vocabulary, casing features, index arrays, minibatches, word vectors
and the embedding matrix.

- :class:`Vocabulary`: word -> row index, with ``<pad>`` at 0 and ``<unk>`` at 1, built from the
  *training* sentences only (dev/test words the model never saw map to ``<unk>``, as they would
  for new text). Words are lower-cased by default, like GloVe's; case lives in the casing feature.
- :func:`casing_ids`: one small integer per token (index into :data:`CASING`; 0 is padding), the
  cue that lower-cased vectors lose: "Paris" is title case, "NATO" upper case.
- :func:`encode_sentences`: each sentence as :class:`SentenceArrays` of word ids, casing ids and
  label ids, shape (T,) each. Building (N, 5) windows from them is the learner's exercise.
- :func:`minibatches`: shuffled minibatches over arrays that share a first dimension.
- :func:`load_glove` (any GloVe-format text file), :func:`load_glove_wikigold` (the shipped rows)
  and :func:`embedding_matrix` (V x d matrix from vectors, with a :class:`CoverageReport`).

Padding index 0 in both the vocabulary and :data:`CASING`, so a padded window is zeros in both.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .corpus import LABELS, DataFormatError, data_file, decode_text, read_bytes, tag_type

__all__ = ["PAD", "UNK", "CASING", "Vocabulary", "casing", "casing_ids", "SentenceArrays",
           "encode_sentences", "minibatches", "Minibatches", "WordVectors", "load_glove",
           "load_glove_wikigold", "embedding_matrix", "CoverageReport"]

PAD, UNK = "<pad>", "<unk>"
CASING = ("<pad>", "lower", "upper", "title", "mixed", "digit", "other")


def _tokens_of(sentence):
    """A sentence may be given as (tokens, tags) or as tokens alone."""
    if isinstance(sentence, tuple) and len(sentence) == 2 and not isinstance(sentence[0], str):
        return sentence[0]
    return sentence


class Vocabulary:
    """Words and their row indices: ``<pad>`` = 0, ``<unk>`` = 1, then words by falling count.

    ``vocab["paris"]`` -> index (``<unk>``'s for an unknown word), ``vocab.words[i]`` -> word,
    ``len(vocab)`` -> V (rows of the embedding matrix), ``vocab.counts`` -> training counts.
    """

    def __init__(self, words, counts=None, *, lower: bool = True):
        self.lower = lower
        self.words = [PAD, UNK] + [w for w in words if w not in (PAD, UNK)]
        self.index = {word: i for i, word in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("the vocabulary has a repeated word")
        self.counts = Counter(counts or {})

    @classmethod
    def build(cls, sentences, *, min_count: int = 1, max_size: int | None = None, lower: bool = True):
        """A vocabulary of the words in ``sentences`` (``(tokens, tags)`` pairs or token lists).

        Keeps words seen at least ``min_count`` times, the ``max_size`` most frequent if given
        (ties by first occurrence). Build it from the training split only.
        """
        counts = Counter(cls.normalize_word(token, lower) for sentence in sentences
                         for token in _tokens_of(sentence))
        kept = [w for w, c in sorted(counts.items(), key=lambda wc: -wc[1]) if c >= min_count]
        if max_size is not None:
            kept = kept[:max_size]
        return cls(kept, counts, lower=lower)

    @staticmethod
    def normalize_word(word: str, lower: bool = True) -> str:
        return word.lower() if lower else word

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return self.normalize_word(word, self.lower) in self.index

    def __getitem__(self, word: str) -> int:
        return self.index.get(self.normalize_word(word, self.lower), 1)

    def encode(self, tokens) -> np.ndarray:
        """Token list -> int64 array (T,) of row indices (unknown words -> 1)."""
        return np.array([self[token] for token in tokens], dtype=np.int64)

    def decode(self, ids) -> list[str]:
        return [self.words[int(i)] for i in ids]

    def __repr__(self):
        return f"Vocabulary({len(self):,} words incl. {PAD} and {UNK}, lower={self.lower})"


def casing(token: str) -> int:
    """Casing class of a token, an index into :data:`CASING`:
    'lower' (paris), 'upper' (NATO), 'title' (Paris), 'mixed' (iPhone, McDonald),
    'digit' (any digit: 1996, 3-2, A4), 'other' (no letters: punctuation, symbols)."""
    if any(ch.isdigit() for ch in token):
        return CASING.index("digit")
    letters = [ch for ch in token if ch.isalpha()]
    if not letters:
        return CASING.index("other")
    if all(ch.islower() for ch in letters):
        return CASING.index("lower")
    if all(ch.isupper() for ch in letters):
        return CASING.index("upper")
    if letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
        return CASING.index("title")
    return CASING.index("mixed")


def casing_ids(tokens) -> np.ndarray:
    """int64 array (T,) of :func:`casing` classes."""
    return np.array([casing(token) for token in tokens], dtype=np.int64)


class SentenceArrays(NamedTuple):
    """One sentence as arrays of shape (T,): ``words`` (vocabulary ids), ``casing`` (indices into
    :data:`CASING`), ``labels`` (indices into the label names, e.g. O, PER, ORG, LOC, MISC)."""
    words: np.ndarray
    casing: np.ndarray
    labels: np.ndarray


def encode_sentences(sentences, vocab: Vocabulary, label_names=LABELS) -> list[SentenceArrays]:
    """``(tokens, tags)`` sentences -> list of :class:`SentenceArrays` (B-/I- dropped from labels)."""
    label_index = {name: i for i, name in enumerate(label_names)}
    out = []
    for number, (tokens, tags) in enumerate(sentences):
        try:
            labels = np.array([label_index[tag_type(tag)] for tag in tags], dtype=np.int64)
        except KeyError as missing:
            raise ValueError(f"sentence {number}: type {missing} is not among label_names {tuple(label_names)}") from None
        out.append(SentenceArrays(vocab.encode(tokens), casing_ids(tokens), labels))
    return out


class Minibatches:
    """Re-iterable minibatches: every ``iter()`` (every epoch) draws a new shuffled order.

    Yields tuples of arrays (one per input array; a single array when one was given), each
    with first dimension ``batch_size`` (the last batch may be smaller). ``len()`` is the number
    of batches per epoch.
    """

    def __init__(self, arrays, batch_size: int, shuffle: bool, rng):
        self.arrays, self.batch_size, self.shuffle, self.rng = arrays, batch_size, shuffle, rng
        self.n = len(arrays[0])

    def __len__(self):
        return -(-self.n // self.batch_size)

    def __iter__(self):
        order = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)
        for start in range(0, self.n, self.batch_size):
            rows = order[start:start + self.batch_size]
            batch = tuple(a[rows] for a in self.arrays)
            yield batch if len(batch) > 1 else batch[0]


def minibatches(*arrays, batch_size: int = 256, shuffle: bool = True, seed=None) -> Minibatches:
    """Minibatches over arrays sharing their first dimension N, e.g. ``minibatches(X, y)`` with
    X (N, 5) windows and y (N,) labels. ``seed``: int or ``np.random.Generator``. Iterate it
    once per epoch: each pass reshuffles."""
    if not arrays:
        raise ValueError("give at least one array")
    arrays = tuple(np.asarray(a) for a in arrays)
    shapes = [a.shape for a in arrays]
    if any(a.ndim == 0 for a in arrays) or len({s[0] for s in shapes}) != 1:
        raise ValueError(f"the arrays must share their first dimension (N rows each); got shapes {shapes}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return Minibatches(arrays, int(batch_size), shuffle, rng)


# ----------------------------------------------------------------------------- word vectors

@dataclass
class WordVectors:
    """Pretrained vectors: ``words`` (list of n str), ``vectors`` (float32 array (n, d))."""
    words: list
    vectors: np.ndarray
    source: str = ""
    index: dict = field(init=False, repr=False)

    def __post_init__(self):
        self.index = {word: i for i, word in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.index

    def __getitem__(self, word) -> np.ndarray:
        return self.vectors[self.index[word]]

    def __repr__(self):
        return f"WordVectors({len(self):,} words x {self.dim} dims from {self.source or 'memory'})"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_glove(path, *, only=None) -> WordVectors:
    """Vectors from a GloVe-format text file: ``word v1 ... vd`` per line (UTF-8, spaces).

    A word2vec header line (``n d``) is skipped. ``only``: keep just these words (e.g. a
    :class:`Vocabulary`'s words; saves memory with the full 400,000-word files). A row with
    the wrong number of values raises :class:`DataFormatError` naming the line.
    """
    text = decode_text(path, read_bytes(path))
    keep = None if only is None else set(only)
    words, rows, dim = [], [], None
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r\n ")
        if not line:
            continue
        if dim is None:
            parts = line.split(" ")
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # word2vec header
            dim = len(parts) - 1
            if dim < 1:
                raise DataFormatError(path, number, "a GloVe line is a word followed by its values")
        parts = line.rsplit(" ", dim)  # from the right: a word may contain spaces
        if len(parts) != dim + 1 or not parts[0]:
            raise DataFormatError(path, number, f"{len(parts) - 1} values where the first row has {dim}")
        if " " in parts[0] and _is_number(parts[0].rsplit(" ", 1)[1]):
            raise DataFormatError(path, number, f"more than {dim} values (the first row has {dim})")
        if keep is not None and parts[0] not in keep:
            continue
        try:
            rows.append(np.array(parts[1:], dtype=np.float32))
        except ValueError:
            raise DataFormatError(path, number, f"not a number among the values of {parts[0]!r}") from None
        words.append(parts[0])
    if dim is None:
        raise DataFormatError(path, None, "no vectors found (an empty file?)")
    vectors = np.stack(rows) if rows else np.zeros((0, dim), np.float32)
    return WordVectors(words, vectors, source=str(path))


def load_glove_wikigold() -> WordVectors:
    """The shipped GloVe 6B 50d rows for Wikigold's words: 7,225 x 50 float32 (stored as float16:
    each value within 2e-3 of GloVe's; PDDL 1.0, see ``nbkit/data/glove/NOTICE.md``)."""
    import io

    words = data_file("glove", "glove50_wikigold.words.txt").read_text(encoding="utf-8").split("\n")[:-1]
    vectors = np.load(io.BytesIO(data_file("glove", "glove50_wikigold.f16.npy").read_bytes()))
    return WordVectors(words, vectors.astype(np.float32), source="nbkit/data/glove (GloVe 6B 50d, PDDL 1.0)")


@dataclass
class CoverageReport:
    """How much of a vocabulary the pretrained vectors cover."""
    n_words: int            # vocabulary words, <pad> and <unk> excluded
    n_found: int            # of them with a pretrained vector
    n_tokens: int           # training tokens of those words (vocabulary counts)
    n_tokens_found: int     # of them whose word has a vector
    missing: list           # the most frequent words without a vector
    dim: int

    @property
    def word_coverage(self) -> float:
        return self.n_found / self.n_words if self.n_words else 0.0

    @property
    def token_coverage(self) -> float:
        return self.n_tokens_found / self.n_tokens if self.n_tokens else 0.0

    def __str__(self):
        text = (f"{self.n_found:,} of {self.n_words:,} vocabulary words ({self.word_coverage:.1%}) have a "
                f"pretrained {self.dim}-d vector")
        if self.n_tokens:
            text += f", covering {self.token_coverage:.1%} of training tokens"
        if self.missing:
            text += f"; the others start random, e.g. {', '.join(self.missing[:8])}"
        return text

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def embedding_matrix(vocab: Vocabulary, vectors: WordVectors | None, *, dim: int | None = None,
                     seed=0, dtype=np.float64):
    """The embedding matrix L, shape (V, d): row i is the vector of ``vocab.words[i]``.

    A word's row is its pretrained vector (looked up as is, then lower-cased); words without
    one, and ``<unk>``, get normal random values with the pretrained vectors' standard
    deviation (0.1 when ``vectors`` is None: random initialisation, for an ablation);
    ``<pad>`` is zeros. Returns ``(L, report)`` with a :class:`CoverageReport`.
    """
    if vectors is None:
        if dim is None:
            raise ValueError("without pretrained vectors, give the dimension: dim=50")
        scale, dim = 0.1, int(dim)
    else:
        if dim is not None and dim != vectors.dim:
            raise ValueError(f"the vectors have {vectors.dim} dimensions, not dim={dim}")
        dim = vectors.dim
        scale = float(vectors.vectors.std()) if len(vectors) else 0.1
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    L = rng.normal(0.0, scale, size=(len(vocab), dim)).astype(dtype)
    L[0] = 0.0
    found, missing = 0, []
    n_tokens = n_tokens_found = 0
    for i, word in enumerate(vocab.words[2:], start=2):
        count = vocab.counts.get(word, 0)
        n_tokens += count
        row = None
        if vectors is not None:
            row = vectors.index.get(word, vectors.index.get(word.lower()))
        if row is None:
            missing.append((count, i, word))
            continue
        L[i] = vectors.vectors[row]
        found += 1
        n_tokens_found += count
    missing.sort(key=lambda c: (-c[0], c[1]))
    report = CoverageReport(len(vocab) - 2, found, n_tokens, n_tokens_found, [w for _, _, w in missing[:20]], dim)
    return L, report
