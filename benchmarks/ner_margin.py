"""Notebook 06's max-margin window scorer on Wikigold and on CoNLL-2003: how often it ranks right.

    .venv/bin/python benchmarks/ner_margin.py [--conll DATA_DIR] [--epochs 20] [--lr 0.05] [--hidden 100]

The scorer s = u^T h of section 9 is trained as the notebook trains it (its own ``forward``,
``backward``, ``max_margin``, ``run_epoch``, ``sgd_step`` and the ``model`` cells ``corrupt`` and
``margin_loss_and_grads``, executed from ``solutions/06_ner_window``): on the training windows
centred on a location (words only, no casing), each paired with a copy whose centre is a random
vocabulary word, plain SGD, batches of 64. The settings of the notebook's cell are the defaults.
It prints, per corpus, how often a dev window centred on a location (and one centred on an
ordinary O word) scores above its corrupted copy (mean and range over 5 draws of the corruption;
the notebook prints the first draw), the same on the training windows, and the 12 favourite
centre words for "museums in ___ are amazing". CoNLL-2003 is used only when its folder is given
(or /work/shared/data/conll2003 exists), with GloVe rows from ``glove50_conll.txt`` beside it.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ner_conll import notebook_namespace  # noqa: E402  (runs the notebook's cells)

DEFAULT_CONLL = Path("/work/shared/data/conll2003")


def scorer_figures(nb, train, dev, vectors, args) -> str:
    """Train the notebook's scorer on `train` (sentences); -> one line of figures on `dev`."""
    import numpy as np

    nb["glove"] = vectors
    nb["vocab"] = vocab = nb["build_vocab"](train, vectors)
    nb["V"] = nb["CASING_ROW"] = V = len(vocab)
    Xw_train, yw_train = nb["featurize"](train, use_casing=False)
    Xw_dev, yw_dev = nb["featurize"](dev, use_casing=False)
    LOC = nb["LABELS"].index("LOC")
    loc_windows = Xw_train[yw_train == LOC]
    scorer = nb["init_params"](nb["initial_L"]()[0][:V], n_features=5, hidden=args.hidden, seed=1)
    scorer["U"], scorer["c"] = scorer["U"][:1], np.zeros(1)
    rng = np.random.default_rng(0)
    started = time.process_time()
    for _ in range(args.epochs):
        nb["run_epoch"](scorer, loc_windows, np.zeros(len(loc_windows), dtype=int),
                        lambda p, w, y: nb["margin_loss_and_grads"](p, w, rng),
                        lambda p, g: nb["sgd_step"](p, g, args.lr), 64, rng)
    cpu = time.process_time() - started

    def ranks(windows, seed):
        score = nb["forward"](scorer, windows)[0][:, 0]
        return float(np.mean(score > nb["forward"](scorer, nb["corrupt"](windows, np.random.default_rng(seed)))[0][:, 0]))

    def summary(windows):
        rates = [ranks(windows, seed) for seed in range(1, 6)]
        return f"{np.mean(rates):.1%} ({min(rates):.1%}-{max(rates):.1%})"

    museum = vocab.encode(["museums", "in", "paris", "are", "amazing"])
    candidates = np.repeat(museum[None, :], V - 2, axis=0)
    candidates[:, 2] = np.arange(2, V)
    best = np.argsort(-nb["forward"](scorer, candidates)[0][:, 0])[:12] + 2
    return (f"{len(loc_windows):,} training windows centred on LOC, {args.epochs} epochs in {cpu:.1f} s CPU\n"
            f"  dev LOC windows above their corrupted copy: {summary(Xw_dev[yw_dev == LOC])}; "
            f"dev O windows: {summary(Xw_dev[yw_dev == 0])}; training LOC windows: {summary(loc_windows)}\n"
            f"  museums in ___ are amazing: {', '.join(vocab.words[i] for i in best)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conll", type=Path, default=DEFAULT_CONLL if (DEFAULT_CONLL / "train.txt").is_file() else None)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--hidden", type=int, default=100)
    args = parser.parse_args(argv)
    nb = notebook_namespace()
    ner = nb["ner"]
    print("wikigold:", scorer_figures(nb, ner.load_wikigold("train"), ner.load_wikigold("dev"),
                                      ner.load_glove_wikigold(), args), flush=True)
    if args.conll is not None:
        if not (args.conll / "train.txt").is_file():
            sys.exit(f"{args.conll}: no train.txt here; give the folder of your CoNLL-2003 copy.")
        glove_path = args.conll.parent / "glove50_conll.txt"
        vectors = ner.load_glove(glove_path) if glove_path.is_file() else ner.load_glove_wikigold()
        print("conll2003:", scorer_figures(nb, ner.load_conll2003(args.conll, "train"),
                                           ner.load_conll2003(args.conll, "dev"), vectors, args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
