"""Notebook 06's window classifier on CoNLL-2003: entity F1 and training time.

    .venv/bin/python benchmarks/ner_conll.py DATA_DIR [--glove FILE] [--epochs 3] [--hidden 200]
        [--batch 256] [--lr 3e-3] [--decay 0.1] [--dtype float32] [--last-epoch] [--seed 0] [--vs-torch]

DATA_DIR holds CoNLL-2003 English (train.txt, dev.txt, test.txt; never shipped with the
course). ``--glove`` is a GloVe-format text file of 50-d vectors (default: glove50_conll.txt
next to DATA_DIR if present, else the Wikigold rows nbkit ships).

The model is the notebook's own code, not a copy: the set-up cell, every solution cell and
every cell tagged ``model`` of ``solutions/06_ner_window/06_ner_window.ipynb`` are executed
(make_windows, forward, softmax_loss, backward, run_epoch, init_params, featurize, predict,
and the notebook's Adam step). What the benchmark chooses: casing features, H = 200, batches
of 256, Adam lr 3e-3 cut to a tenth (``--decay``) for the last of 3 epochs, and parameters in
float32 (the notebook's code keeps the dtype it is given; ``--dtype float64`` is the notebook's
own). After each epoch it scores dev and keeps the parameters of the best epoch so far (early
stopping by epoch; ``--last-epoch`` keeps the last); test is scored with those. ``train_s``
counts only the time spent in the notebook's ``run_epoch``, for every epoch run (dev scoring
after each epoch is not training). Scores are entity-level, exact span (nbkit.ner, equal to
seqeval), against the corpus's own IOB2 gold tags. The last line printed is

    conll2003 dev_f1=F test_f1=F train_s=S

``--vs-torch`` also trains the same model (same initial parameters, same dtype, same
minibatches, Adam with the same hyper-parameters and schedule) in PyTorch on the CPU,
alternating one numpy epoch and one torch epoch, and prints ``numpy_over_torch=R``: total numpy
epoch time over total torch epoch time (below 1: numpy is faster; the ratio of CPU times is
printed too). Both run on one thread. PyTorch is not a course dependency and no extra of
pyproject.toml installs it: install it yourself (``pip install torch``; the CPU-only wheels of
download.pytorch.org/whl/cpu are much smaller).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "solutions" / "06_ner_window" / "06_ner_window.ipynb"
# The defaults: what the measurements in docs/benchmarks.md chose.
EPOCHS, HIDDEN, BATCH, LR, DECAY, DTYPE = 3, 200, 256, 3e-3, 0.1, "float32"


def notebook_namespace() -> dict:
    """Execute the notebook's set-up, solution and model cells; return their globals."""
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    namespace = {"__name__": "ner_window_notebook"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "setup" or meta.get("solution") or "model" in cell.metadata.get("tags", []):
            source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
            exec(compile(source, f"{NOTEBOOK.name}:{meta.get('grade_id', 'model cell')}", "exec"), namespace)
    return namespace


def torch_trainer(params, args):
    """The same model in PyTorch: returns (train_epoch(order, windows, labels), parameters, set_lr)."""
    try:
        import torch
    except ImportError:
        sys.exit("--vs-torch needs PyTorch, which is not a course dependency and is not installed here: "
                 "pip install torch (CPU is enough), then rerun.")
    torch.set_num_threads(1)   # as numpy: the notebook's set-up cell limits BLAS to one thread
    dtype = {"float64": torch.float64, "float32": torch.float32}[args.dtype]
    tp = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in params.items()}
    # The notebook's Adam updates only L's rows in the batch: SparseAdam for L, Adam for the rest.
    dense = torch.optim.Adam([tp[k] for k in ("W", "b", "U", "c")], lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    sparse = torch.optim.SparseAdam([tp["L"]], lr=args.lr, betas=(0.9, 0.999), eps=1e-8)

    def train_epoch(order, windows, labels):
        windows_t, labels_t = torch.from_numpy(windows), torch.from_numpy(labels)
        for start in range(0, len(order), args.batch):
            idx = torch.from_numpy(order[start:start + args.batch])
            x = torch.nn.functional.embedding(windows_t[idx], tp["L"], sparse=True).reshape(len(idx), -1)
            h = torch.relu(x @ tp["W"].T + tp["b"])
            loss = torch.nn.functional.cross_entropy(h @ tp["U"].T + tp["c"], labels_t[idx])
            dense.zero_grad()
            sparse.zero_grad()
            loss.backward()
            dense.step()
            sparse.step()

    def set_lr(lr):
        for optimizer in (dense, sparse):
            for group in optimizer.param_groups:
                group["lr"] = lr

    return train_epoch, tp, set_lr


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--glove", type=Path, default=None)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--lr", type=float, default=LR)
    parser.add_argument("--decay", type=float, default=DECAY,
                        help="multiply Adam's learning rate by this for the last epoch (1: no schedule)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default=DTYPE)
    parser.add_argument("--last-epoch", action="store_true",
                        help="score the parameters of the last epoch, not of the epoch best on dev")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vs-torch", action="store_true")
    return parser.parse_args(argv)


def prepare(args) -> dict:
    """Run the notebook's cells, read CoNLL-2003 and its GloVe rows, featurize; -> the notebook's namespace."""
    if not (args.data_dir / "train.txt").is_file():
        sys.exit(f"{args.data_dir}: no train.txt here. CoNLL-2003 is not shipped with the course (Reuters "
                 "text); give the folder of your copy holding train.txt, dev.txt and test.txt.")
    glove_path = args.glove or (args.data_dir.parent / "glove50_conll.txt")
    nb = notebook_namespace()
    ner = nb["ner"]
    started = time.perf_counter()
    nb["conll"] = data = {s: ner.load_conll2003(args.data_dir, s) for s in ("train", "dev", "test")}
    nb["glove"] = ner.load_glove(glove_path) if glove_path.is_file() else ner.load_glove_wikigold()
    nb["vocab"] = nb["build_vocab"](data["train"], nb["glove"])
    nb["V"] = nb["CASING_ROW"] = len(nb["vocab"])
    nb["X_train"], nb["y_train"] = nb["featurize"](data["train"])
    nb["X_dev"], _ = nb["featurize"](data["dev"])
    nb["X_test"], _ = nb["featurize"](data["test"])
    nb["L0"], coverage = nb["initial_L"]()
    print(f"data ready in {time.perf_counter() - started:.1f} s: {len(nb['y_train']):,} training windows, "
          f"L {nb['L0'].shape}, x of {nb['X_train'].shape[1] * nb['L0'].shape[1]}; {coverage}", flush=True)
    return nb


def train(nb, args) -> dict:
    """Train the notebook's model on nb's CoNLL arrays as args say; print one line per epoch; -> figures."""
    import numpy as np

    ner, data = nb["ner"], nb["conll"]
    X_train, y_train = nb["X_train"], nb["y_train"]
    params = nb["init_params"](nb["L0"], n_features=X_train.shape[1], hidden=args.hidden, seed=args.seed)
    params = {k: v.astype(args.dtype) for k, v in params.items()}   # the notebook's code keeps the dtype it is given
    print(f"H={args.hidden}, batch {args.batch}, Adam lr {args.lr:g} (x{args.decay:g} in the last epoch), "
          f"{args.epochs} epochs, {args.dtype}, seed {args.seed}", flush=True)
    step = nb["Adam"](params, lr=args.lr)
    dev_gold = [tags for _, tags in data["dev"]]
    rng = np.random.default_rng(args.seed)
    torch_side = None
    if args.vs_torch:
        torch_epoch, torch_params, torch_lr = torch_trainer(params, args)
        torch_side = {"seconds": 0.0, "cpu": 0.0}

    train_s = cpu_s = 0.0
    best = {"dev_f1": -1.0}
    for epoch in range(1, args.epochs + 1):
        if epoch == args.epochs and args.decay != 1.0:      # the schedule: a smaller step to settle at the end
            step.lr = args.lr * args.decay
            if torch_side is not None:
                torch_lr(args.lr * args.decay)
        state = rng.bit_generator.state
        t0, c0 = time.perf_counter(), time.process_time()
        loss = nb["run_epoch"](params, X_train, y_train, nb["loss_and_grads"], step, args.batch, rng)
        seconds = time.perf_counter() - t0
        cpu_s += time.process_time() - c0
        train_s += seconds
        if torch_side is not None:    # the same permutation run_epoch drew
            replay = np.random.default_rng()
            replay.bit_generator.state = state
            order = replay.permutation(len(y_train))
            t0, c0 = time.perf_counter(), time.process_time()
            torch_epoch(order, X_train, y_train)
            torch_side["seconds"] += time.perf_counter() - t0
            torch_side["cpu"] += time.process_time() - c0
        dev_f1 = ner.entity_scores(dev_gold, nb["predict"](params, nb["X_dev"], data["dev"]))["f1"]
        if dev_f1 > best["dev_f1"] or args.last_epoch:     # early stopping by epoch: keep the best on dev
            best = {"dev_f1": dev_f1, "epoch": epoch, "params": {k: v.copy() for k, v in params.items()}}
        print(f"epoch {epoch}: loss {loss:.4f}  dev F1 {dev_f1:.4f}  numpy epoch {seconds:.1f} s  "
              f"training so far {train_s:.1f} s (CPU {cpu_s:.1f} s)"
              + (f"  torch epochs so far {torch_side['seconds']:.1f} s" if torch_side else ""), flush=True)

    test_f1 = ner.entity_scores([t for _, t in data["test"]],
                                nb["predict"](best["params"], nb["X_test"], data["test"]))["f1"]
    result = {"dev_f1": best["dev_f1"], "epoch": best["epoch"], "test_f1": test_f1, "train_s": train_s,
              "cpu_s": cpu_s}
    if torch_side is not None:
        import torch

        with torch.no_grad():
            tp = torch_params
            w = torch.from_numpy(nb["X_dev"])
            h = torch.relu(tp["L"][w].reshape(len(w), -1) @ tp["W"].T + tp["b"])
            classes = (h @ tp["U"].T + tp["c"]).argmax(1).numpy()
        tags, start = [], 0
        for tokens, _ in data["dev"]:
            tags.append(ner.labels_to_tags(classes[start:start + len(tokens)]))
            start += len(tokens)
        torch_f1 = ner.entity_scores(dev_gold, tags)["f1"]
        result["numpy_over_torch"] = train_s / torch_side["seconds"]
        print(f"torch: dev F1 {torch_f1:.4f} after {args.epochs} epochs, {torch_side['seconds']:.1f} s of training")
        print(f"CPU time, numpy {cpu_s:.1f} s / torch {torch_side['cpu']:.1f} s = {cpu_s / torch_side['cpu']:.3f} "
              "(the steadier ratio on a busy machine)")
        print(f"numpy_over_torch={result['numpy_over_torch']:.3f}")
    if best["epoch"] != args.epochs:
        print(f"(scores of epoch {best['epoch']}, the best on dev; training time counts all {args.epochs} epochs)")
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    nb = prepare(args)
    r = train(nb, args)
    print(f"conll2003 dev_f1={r['dev_f1']:.4f} test_f1={r['test_f1']:.4f} train_s={r['train_s']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
