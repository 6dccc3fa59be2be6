"""Reading NER corpora: CoNLL files, tag schemes, the shipped Wikigold corpus and its split.

One reader, :func:`read_conll`, for the CoNLL family of files:

- one token per line, columns separated by spaces or tabs, the token first and the NER tag
  last (2 columns ``token TAG`` as in Wikigold, 4 columns ``token POS chunk TAG`` as in
  CoNLL-2003; any count of 2 or more, the same on every line);
- a blank line between sentences; ``-DOCSTART-`` lines between documents (optional; they
  may open documents, as in CoNLL-2003, or close them, as in Wikigold);
- UTF-8 (a byte-order mark is skipped), LF or CRLF line ends, any number of blank lines.

Tag schemes, kept explicit. Every sentence comes back in **IOB2** (``B-X`` opens every
entity, ``I-X`` continues it, ``O`` is outside), whatever the file used:

- ``IO``: only ``I-X`` and ``O``; an entity is a maximal run of one type. IO cannot mark
  where one entity ends and the next begins when both have the same type ("[Paris]
  [France]" tagged ``I-LOC I-LOC`` reads as one entity), so such neighbours merge.
- ``IOB1`` (original CoNLL-2003): ``I-X`` opens an entity too; ``B-X`` appears only to
  separate two adjacent entities of one type.
- ``IOB2``: ``B-X`` opens every entity; an ``I-X`` that does not follow ``B-X``/``I-X`` of
  its type is an error in an IOB2 file.

``scheme="auto"`` (the default) decides from the file: no ``B-`` tag means IO (IO and IOB1
read identically then); an ``I-X`` that could not continue an entity means IOB1; else IOB2.

Bad input raises :class:`CoNLLFormatError` with a one-line message naming the file and the
line: a line with the wrong number of columns, an unknown tag (``B_PER``, ``E-PER``: IOBES
must be converted first), an ``I-`` tag that breaks IOB2 in a file declared IOB2, a ``B-`` tag
in a file declared IO, a binary or non-UTF-8 file.

Shipped data: Wikigold (Balasuriya et al. 2009, CC-BY 4.0; see ``nbkit/data/wikigold/``),
145 documents. It has no official split, so :func:`split_documents` makes a deterministic
one by document: counting documents from 0 in file order, document ``i`` goes to **dev**
if ``i % 5 == 3``, to **test** if ``i % 5 == 4``, and to **train** otherwise (87 / 29 / 29
documents). Splitting by document, not by sentence, keeps a document's repeated names out
of two splits. CoNLL-2003 cannot be redistributed: :func:`load_conll2003` reads it from a
folder the user gives.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "DataFormatError", "CoNLLFormatError", "read_conll", "read_conll_documents", "detect_scheme", "to_iob2",
    "split_documents", "load_wikigold", "wikigold_documents", "load_conll2003",
    "WIKIGOLD_ATTRIBUTION", "SCHEMES", "LABELS", "tag_type", "data_file",
]

SCHEMES = ("IO", "IOB1", "IOB2")
LABELS = ("O", "PER", "ORG", "LOC", "MISC")  # the five classes of a window classifier, O first
DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"^(?:O|([BI])-(\S+))$")
_COLUMN_SEP = re.compile(r"[ \t]+")  # not str.split(): a token may contain a no-break space

WIKIGOLD_ATTRIBUTION = (
    "Wikigold (nbkit/data/wikigold/wikigold.conll.txt, unchanged): Balasuriya, Ringland, "
    "Nothman, Murphy and Curran (2009), \"Named entity recognition in Wikipedia\", Proceedings "
    "of the 2009 Workshop on The People's Web Meets NLP, ACL; licensed under CC-BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/). GloVe 6B 50d rows for its words: "
    "Pennington, Socher and Manning (2014), public-domain dedication PDDL 1.0."
)


class DataFormatError(ValueError):
    """A data file that cannot be read; ``path`` and ``line`` (1-based, or None) say where.
    The message is one line: ``"<file>, line <n>: <what is wrong and what to do>"``."""

    def __init__(self, path, line, message: str):
        self.path, self.line = str(path), line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class CoNLLFormatError(DataFormatError):
    """A CoNLL file that cannot be read (see :class:`DataFormatError`)."""


# ----------------------------------------------------------------------------- tag schemes

@lru_cache(maxsize=4096)  # a corpus has a handful of distinct tags and hundreds of thousands of lines
def _split_tag(tag: str):
    """'B-PER' -> ('B', 'PER'); 'O' -> ('O', None); anything else -> None."""
    match = _TAG.match(tag)
    if match is None:
        return None
    return ("O", None) if tag == "O" else (match.group(1), match.group(2))


def tag_type(tag: str) -> str:
    """The entity type of a tag, or 'O': ``'B-PER' -> 'PER'``, ``'I-PER' -> 'PER'``, ``'O' -> 'O'``."""
    split = _split_tag(tag)
    if split is None:
        raise ValueError(_unknown_tag_message(tag))
    return split[1] or "O"


def _unknown_tag_message(tag: str) -> str:
    hint = ""
    if re.match(r"^[ESLU]-", tag):
        hint = " (IOBES/BILOU tags are not read: convert the file to IOB2 first)"
    elif re.match(r"^[BI]_", tag):
        hint = " (the prefix is joined with '-', e.g. B-PER)"
    return f"unknown tag {tag!r}: expected O, B-TYPE or I-TYPE (e.g. B-PER, I-PER){hint}"


def detect_scheme(tag_sequences) -> str:
    """'IO', 'IOB1' or 'IOB2' for a list of tag sequences (each a list of valid tags).

    No ``B-`` anywhere -> 'IO'; some ``I-X`` not continuing an entity of type X -> 'IOB1';
    otherwise 'IOB2' (an IOB2-valid sequence reads the same under IOB1).
    """
    any_b = False
    for tags in tag_sequences:
        previous_type = None
        for tag in tags:
            prefix, kind = _split_tag(tag) or ("O", None)
            if prefix == "B":
                any_b = True
            elif prefix == "I" and kind != previous_type:
                return "IOB1" if any_b or _has_b(tag_sequences) else "IO"
            previous_type = kind
    return "IOB2" if any_b else "IO"


def _has_b(tag_sequences) -> bool:
    return any(tag.startswith("B-") for tags in tag_sequences for tag in tags)


def to_iob2(tags, scheme: str) -> list[str]:
    """The tags of one sentence converted from ``scheme`` ('IO', 'IOB1', 'IOB2') to IOB2.

    ``I-X`` that does not continue an entity of type X opens one (becomes ``B-X``). Under IO
    that is the definition; under IOB1 it is too; under IOB2 such a tag is invalid and
    :func:`read_conll` reports it, so here it is repaired the conlleval way. Example, IO:
    ``["I-PER", "I-PER", "O", "I-LOC"] -> ["B-PER", "I-PER", "O", "B-LOC"]``.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    out = []
    previous_type = None
    for tag in tags:
        split = _split_tag(tag)
        if split is None:
            raise ValueError(_unknown_tag_message(tag))
        prefix, kind = split
        if prefix == "I" and kind != previous_type:
            out.append("B-" + kind)
        else:
            out.append(tag)
        previous_type = kind
    return out


# ----------------------------------------------------------------------------- the reader

def read_bytes(path) -> bytes:
    """The bytes of a file given as a path or an importlib.resources Traversable."""
    return _read_bytes(path)


def decode_text(path, data: bytes) -> str:
    """UTF-8 text of a data file; a binary or non-UTF-8 file raises :class:`DataFormatError`."""
    return _decode(path, data, DataFormatError)


def _read_bytes(path) -> bytes:
    if hasattr(path, "read_bytes") and not isinstance(path, (str, Path)):
        return path.read_bytes()  # an importlib.resources Traversable
    return Path(path).read_bytes()


def _decode(path, data: bytes, error_class=CoNLLFormatError) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise error_class(path, line, "a NUL byte: this is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise error_class(
            path, line, f"not UTF-8 text (byte 0x{data[error.start]:02x} at column {column}); "
            "re-save the file as UTF-8, e.g. iconv -f latin1 -t utf-8") from None


def _parse(path, columns):
    """-> documents: list of documents, each a list of sentences [(tokens, tags, line_numbers)]."""
    text = _decode(path, _read_bytes(path))
    documents, document, tokens, tags, lines = [], [], [], [], []
    first_token_line = None

    def end_sentence():
        if tokens:
            document.append((tokens[:], tags[:], lines[:]))
            tokens.clear(), tags.clear(), lines.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r")
        if not line:
            end_sentence()
            continue
        # one-space separators are the common case; the regex handles tabs and runs of spaces
        fields = line.split(" ") if "\t" not in line and "  " not in line else _COLUMN_SEP.split(line)
        if fields[0] == DOCSTART:
            end_sentence()
            if document:
                documents.append(document)
                document = []
            continue
        if columns is None:
            if len(fields) < 2:
                raise CoNLLFormatError(path, number, f"1 column ({line!r}): each line needs a token "
                                       "and a tag at least, separated by spaces or tabs")
            columns, first_token_line = len(fields), number
        elif len(fields) != columns:
            first = f" (as on line {first_token_line})" if first_token_line else ""
            raise CoNLLFormatError(path, number, f"{len(fields)} columns where {columns} are expected"
                                   f"{first}: {line!r}")
        tag = fields[-1]
        if _split_tag(tag) is None:
            raise CoNLLFormatError(path, number, _unknown_tag_message(tag))
        tokens.append(fields[0]), tags.append(tag), lines.append(number)
    end_sentence()
    if document:
        documents.append(document)
    if not documents:
        raise CoNLLFormatError(path, None, "no tokens found (an empty file?)")
    return documents


def _validate_scheme(path, sentence, scheme):
    tokens, tags, lines = sentence
    previous_type, previous_tag = None, None
    for tag, number in zip(tags, lines):
        prefix, kind = _split_tag(tag)
        if scheme == "IO" and prefix == "B":
            raise CoNLLFormatError(path, number, f"{tag} in a file read as IO (IO has only I- and O "
                                   "tags); read it with scheme='IOB1', 'IOB2' or 'auto'")
        if scheme == "IOB2" and prefix == "I" and kind != previous_type:
            after = "the start of a sentence" if previous_tag is None else previous_tag
            raise CoNLLFormatError(path, number, f"{tag} follows {after}, but under IOB2 an entity "
                                   f"starts with B-{kind}; is the file IOB1? (read it with scheme='IOB1' "
                                   "or 'auto')")
        previous_type, previous_tag = kind, tag


def read_conll_documents(path, *, scheme: str = "auto", columns: int | None = None):
    """Documents of a CoNLL file: a list of documents, each a list of ``(tokens, tags)``.

    ``tokens`` and ``tags`` are lists of str of one length; tags are converted to IOB2.
    ``scheme``: 'auto', 'IO', 'IOB1' or 'IOB2' (see the module docstring). ``columns``:
    the number of columns every token line has (default: that of the first token line).
    Documents are separated by ``-DOCSTART-`` lines; a file without them is one document.
    Raises :class:`CoNLLFormatError` naming the file and line for bad input.
    """
    if scheme != "auto" and scheme not in SCHEMES:
        raise ValueError(f"scheme must be 'auto' or one of {SCHEMES}, got {scheme!r}")
    documents = _parse(path, columns)
    if scheme == "auto":
        scheme = detect_scheme([tags for document in documents for _, tags, _ in document])
    else:
        for document in documents:
            for sentence in document:
                _validate_scheme(path, sentence, scheme)
    return [[(tokens, to_iob2(tags, scheme)) for tokens, tags, _ in document] for document in documents]


def read_conll(path, *, scheme: str = "auto", columns: int | None = None):
    """The sentences of a CoNLL file: a list of ``(tokens, tags)`` pairs, tags in IOB2.

    Example: ``[(["EU", "rejects", "German", "call"], ["B-ORG", "O", "B-MISC", "O"]), ...]``.
    Same arguments as :func:`read_conll_documents`; document boundaries are dropped.
    """
    return [sentence for document in read_conll_documents(path, scheme=scheme, columns=columns)
            for sentence in document]


# ----------------------------------------------------------------------------- shipped data and splits

def data_file(*parts: str):
    """A file of nbkit's package data (``nbkit/data/...``) as an importlib.resources Traversable."""
    return resources.files("nbkit").joinpath("data", *parts)


SPLITS = ("train", "dev", "test")


def split_documents(documents, *, folds: int = 5, dev_fold: int = 3, test_fold: int = 4) -> dict:
    """Deterministic split by document: ``{'train': [...], 'dev': [...], 'test': [...]}``.

    Document ``i`` (0-based, in order) goes to dev if ``i % folds == dev_fold``, to test if
    ``i % folds == test_fold``, else to train. Each value is a list of sentences.
    """
    out = {name: [] for name in SPLITS}
    for i, document in enumerate(documents):
        fold = i % folds
        name = "dev" if fold == dev_fold else "test" if fold == test_fold else "train"
        out[name].extend(document)
    return out


@lru_cache(maxsize=1)
def _wikigold_cached():
    documents = read_conll_documents(data_file("wikigold", "wikigold.conll.txt"), scheme="IO")
    return tuple(tuple((tuple(tokens), tuple(tags)) for tokens, tags in doc) for doc in documents)


def wikigold_documents():
    """The 145 Wikigold documents, each a list of ``(tokens, tags)`` sentences (IOB2 tags,
    converted from the file's IO tags: adjacent same-type entities are one entity)."""
    return [[(list(tokens), list(tags)) for tokens, tags in doc] for doc in _wikigold_cached()]


def load_wikigold(split: str = "train"):
    """Sentences of the shipped Wikigold corpus: ``split`` is 'train', 'dev', 'test' or 'all'.

    Returns a list of ``(tokens, tags)`` pairs (IOB2 tags). The split is by document (see the
    module docstring): train 87 documents, dev 29, test 29. Licence: CC-BY 4.0, see
    :data:`WIKIGOLD_ATTRIBUTION`.
    """
    documents = wikigold_documents()
    if split == "all":
        return [sentence for document in documents for sentence in document]
    if split not in SPLITS:
        raise ValueError(f"split must be 'train', 'dev', 'test' or 'all', got {split!r}")
    return split_documents(documents)[split]


def load_conll2003(folder, split: str = "train", *, scheme: str = "auto"):
    """Sentences of CoNLL-2003 English from ``folder`` (``train.txt``, ``dev.txt``, ``test.txt``).

    CoNLL-2003 is Reuters text and cannot be shipped; point this at your own copy. Files may
    be IOB1 (the original) or IOB2; tags come back in IOB2. Returns ``(tokens, tags)`` pairs.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be 'train', 'dev' or 'test', got {split!r}")
    path = Path(folder) / f"{split}.txt"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: CoNLL-2003 is not shipped with the course (Reuters text); give the "
            "folder of your copy holding train.txt, dev.txt and test.txt")
    return read_conll(path, scheme=scheme)
