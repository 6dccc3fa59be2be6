"""nbkit.ner.corpus: the CoNLL reader on good and bad files (synthetic fixtures only: no
CoNLL-2003 text is ever committed), the shipped Wikigold corpus with its licence, the split."""
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from nbkit.ner import corpus
from nbkit.ner.corpus import CoNLLFormatError, read_conll, read_conll_documents

CONLL = Path("/work/shared/data/conll2003")

FOUR_COLUMNS_IOB1 = """-DOCSTART- -X- -X- O

Alice NNP I-NP I-PER
Smith NNP I-NP I-PER
visited VBD I-VP O
Paris NNP I-NP I-LOC
. . O O

Bob NNP I-NP I-PER
Jones NNP I-NP B-PER
met VBD I-VP O

-DOCSTART- -X- -X- O

Acme NNP I-NP I-ORG
"""


def write(tmp_path, text, name="data.txt", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_four_columns_iob1_to_iob2_with_documents(tmp_path):
    path = write(tmp_path, FOUR_COLUMNS_IOB1)
    documents = read_conll_documents(path)
    assert len(documents) == 2
    assert documents[0][0] == (["Alice", "Smith", "visited", "Paris", "."],
                               ["B-PER", "I-PER", "O", "B-LOC", "O"])
    # IOB1: B-PER separates two adjacent PER entities, which IOB2 keeps apart
    assert documents[0][1] == (["Bob", "Jones", "met"], ["B-PER", "B-PER", "O"])
    assert documents[1] == [(["Acme"], ["B-ORG"])]
    assert read_conll(path) == documents[0] + documents[1]


def test_two_columns_io_like_wikigold(tmp_path):
    # documents closed (not opened) by DOCSTART, IO tags, adjacent same-type entities merge
    text = "010 I-MISC\nis O\nParis I-LOC\nFrance I-LOC\n\n-DOCSTART- O\n\nOslo I-LOC\n\n-DOCSTART- O\n"
    documents = read_conll_documents(write(tmp_path, text))
    assert documents == [[(["010", "is", "Paris", "France"], ["B-MISC", "O", "B-LOC", "I-LOC"])],
                         [(["Oslo"], ["B-LOC"])]]
    assert corpus.detect_scheme([["I-LOC", "I-LOC"]]) == "IO"


def test_iob2_file_is_kept(tmp_path):
    text = "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n"
    assert read_conll(write(tmp_path, text), scheme="IOB2") == [
        (["EU", "rejects", "German", "call"], ["B-ORG", "O", "B-MISC", "O"]),
        (["Peter", "Blackburn"], ["B-PER", "I-PER"])]
    assert corpus.detect_scheme([["B-PER", "I-PER"]]) == "IOB2"
    assert corpus.detect_scheme([["I-PER", "B-PER"]]) == "IOB1"


def test_harmless_variations_are_accepted(tmp_path):
    text = "\ufeffA\tB-PER\r\nb  \t O\r\n\r\n\r\n  \nC I-PER\r\n\r\n\r\n\r\n"  # BOM, tabs, CRLF, blank runs
    assert read_conll(write(tmp_path, text)) == [(["A", "b"], ["B-PER", "O"]), (["C"], ["B-PER"])]


def test_no_break_space_inside_a_token_is_kept(tmp_path):
    assert read_conll(write(tmp_path, "10\u00a0000 O\n"))[0][0] == ["10\u00a0000"]


@pytest.mark.parametrize("text,scheme,line,pattern", [
    ("a O\nb NNP O\n", "auto", 2, r"3 columns where 2 are expected \(as on line 1\)"),
    ("a NNP I-NP O\nb O\n", "auto", 2, "2 columns where 4 are expected"),
    ("justonetoken\n", "auto", 1, "1 column"),
    ("a O\nb B_PER\n", "auto", 2, r"unknown tag 'B_PER'.*joined with '-'"),
    ("a O\n\nb E-PER\n", "auto", 3, "unknown tag 'E-PER'.*IOBES"),
    ("a O\nb PER\n", "auto", 2, "unknown tag 'PER'"),
    ("a O\nb I-PER\n", "IOB2", 2, "I-PER follows O, but under IOB2 an entity starts with B-PER"),
    ("a B-LOC\nb I-PER\n", "IOB2", 2, "I-PER follows B-LOC"),
    ("\na I-PER\n", "IOB2", 2, "I-PER follows the start of a sentence"),
    ("a I-PER\nb B-PER\n", "IO", 2, "B-PER in a file read as IO"),
])
def test_bad_lines_are_named(tmp_path, text, scheme, line, pattern):
    path = write(tmp_path, text)
    with pytest.raises(CoNLLFormatError, match=pattern) as info:
        read_conll(path, scheme=scheme)
    assert info.value.line == line and info.value.path == str(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line {line}: ") and "\n" not in message


def test_binary_and_non_utf8_files(tmp_path):
    with pytest.raises(CoNLLFormatError, match=r"line 2: a NUL byte: this is a binary file"):
        read_conll(write(tmp_path, b"a O\n\x00\x01\x02\n", "bin.txt"))
    with pytest.raises(CoNLLFormatError, match=r"line 2: not UTF-8 text \(byte 0xe9 at column 4\)"):
        read_conll(write(tmp_path, "a O\nCaf\u00e9 O\n", "latin1.txt", encoding="latin-1"))
    with pytest.raises(CoNLLFormatError, match="no tokens found"):
        read_conll(write(tmp_path, "\n\n-DOCSTART- O\n\n", "empty.txt"))
    with pytest.raises(ValueError, match="scheme must be"):
        read_conll(write(tmp_path, "a O\n"), scheme="BIO")


def test_to_iob2_conversions():
    assert corpus.to_iob2(["I-PER", "I-PER", "O", "I-LOC"], "IO") == ["B-PER", "I-PER", "O", "B-LOC"]
    assert corpus.to_iob2(["I-PER", "B-PER", "I-LOC"], "IOB1") == ["B-PER", "B-PER", "B-LOC"]
    assert corpus.tag_type("B-MISC") == "MISC" and corpus.tag_type("O") == "O"


# ----------------------------------------------------------------------------- shipped data

def test_wikigold_is_shipped_with_licence_and_attribution():
    folder = corpus.data_file("wikigold")
    data = folder.joinpath("wikigold.conll.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "c797a64d0cf73ed058363f77671486bcfd413e70fda1726ad4a6ba624455225f"
    assert "CC-BY 4.0" in folder.joinpath("LICENSE").read_text()
    attribution = folder.joinpath("ATTRIBUTION.md").read_text()
    assert "Balasuriya" in attribution and "creativecommons.org/licenses/by/4.0" in attribution
    assert "unchanged" in attribution.lower()
    assert "Balasuriya" in corpus.WIKIGOLD_ATTRIBUTION and "PDDL" in corpus.WIKIGOLD_ATTRIBUTION


def test_wikigold_counts_and_split():
    documents = corpus.wikigold_documents()
    assert len(documents) == 145
    every = corpus.load_wikigold("all")
    assert len(every) == 1696 and sum(len(t) for t, _ in every) == 39007
    sizes = {}
    for name in ("train", "dev", "test"):
        sentences = corpus.load_wikigold(name)
        entities = sum(tag.startswith("B-") for _, tags in sentences for tag in tags)
        sizes[name] = (len(sentences), sum(len(t) for t, _ in sentences), entities)
    assert sizes == {"train": (1023, 23379, 2109), "dev": (376, 8779, 795), "test": (297, 6849, 654)}
    by_type = {name: Counter(tag[2:] for _, tags in corpus.load_wikigold(name) for tag in tags if tag[0] == "B")
               for name in ("train", "dev", "test", "all")}
    assert by_type == {  # the figures docs/ner.md quotes
        "train": {"LOC": 622, "ORG": 579, "PER": 539, "MISC": 369},
        "dev": {"PER": 240, "LOC": 211, "ORG": 198, "MISC": 146},
        "test": {"MISC": 197, "LOC": 181, "PER": 155, "ORG": 121},
        "all": {"LOC": 1014, "PER": 934, "ORG": 898, "MISC": 712}}
    assert [len(d) for d in corpus.split_documents(documents).values()] == [1023, 376, 297]
    split = corpus.split_documents(documents)
    assert split["dev"] == [s for i, d in enumerate(documents) if i % 5 == 3 for s in d]
    # the loader hands out fresh lists: changing one does not change the next load
    corpus.load_wikigold("dev")[0][0][0] = "changed"
    assert corpus.load_wikigold("dev")[0][0][0] != "changed"
    with pytest.raises(ValueError, match="split must be"):
        corpus.load_wikigold("validation")


@pytest.mark.skipif(not CONLL.is_dir(), reason="CoNLL-2003 is not shipped; its folder is absent here")
def test_conll2003_from_a_path():
    counts = {}
    for split in ("train", "dev", "test"):
        sentences = corpus.load_conll2003(CONLL, split)
        counts[split] = (len(sentences), sum(len(t) for t, _ in sentences),
                         sum(tag.startswith("B-") for _, tags in sentences for tag in tags))
    assert counts == {"train": (14041, 203621, 23499), "dev": (3250, 51362, 5942), "test": (3453, 46435, 5648)}


def test_conll2003_missing_folder_says_why(tmp_path):
    with pytest.raises(FileNotFoundError, match="not shipped"):
        corpus.load_conll2003(tmp_path, "dev")


def test_installed_package_carries_the_data_and_its_notices(tmp_path):
    """What setuptools installs (build_py, the step a wheel is made from) holds the corpus, the
    vectors and their licence/attribution files, and nbkit.ner loads them from there."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
                    "--build-lib", str(tmp_path)], cwd=root, check=True, capture_output=True)
    data = tmp_path / "nbkit" / "data"
    for name in ("wikigold/wikigold.conll.txt", "wikigold/LICENSE", "wikigold/ATTRIBUTION.md",
                 "wikigold/README.rst", "glove/glove50_wikigold.f16.npy", "glove/glove50_wikigold.words.txt",
                 "glove/NOTICE.md"):
        assert (data / name).is_file(), f"{name} is not installed"
    code = ("import nbkit.ner as ner; assert ner.corpus.__file__.startswith(%r); "
            "print(len(ner.load_wikigold('all')), len(ner.load_glove_wikigold()))" % str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(tmp_path)}).stdout.split()
    assert out == ["1696", "7225"]
