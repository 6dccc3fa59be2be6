"""The embedding gradient of a window model: scatter-add of rows for repeated words.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scatter_add.py [--vocab 20000] [--dim 50] [--batch 256 4096] [--window 5]

A batch of B windows of W word indices ``idx`` (B, W) looks up rows of L (V, d); the backward
pass has the gradient of every looked-up row, ``g`` (B*W, d), and must *add* the rows of
repeated words into dL (V, d). Printed: the time per call of each way to do it, all
checked against ``np.add.at``. Times are the best of 7 rounds (the least disturbed by other
work on a shared machine):

- ``np.add.at(dL, idx, g)``: unbuffered, the obvious one;
- sort + ``np.add.reduceat``: sum each word's rows after sorting, then add the unique rows;
- ``np.bincount`` per column (d calls), and one call over flattened (row, column) pairs;
- a sparse product ``S @ g`` with S the (V, B*W) one-hot matrix (scipy.sparse; skipped when
  scipy is not installed);
- a Python loop over the B*W rows.

"dense" variants fill a zeroed (V, d) dL (zeroing it is timed separately: it is part of
every dense variant); the "rows only" variant returns (unique ids, summed rows), which is all
an SGD step on L needs. nbkit does not compute this gradient: it is notebook 06's exercise.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np


def best_time(fn, repeat: int = 7, min_time: float = 0.05) -> float:
    """Best seconds per call over ``repeat`` rounds of enough calls to last ``min_time``."""
    fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= min_time or calls >= 1 << 16:
            break
        calls *= 2
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) / calls)
    return min(rounds)


def methods(V, d):
    def add_at(ids, g):
        dL = np.zeros((V, d))
        np.add.at(dL, ids, g)
        return dL

    def sort_reduceat(ids, g):
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        dL = np.zeros((V, d))
        dL[sorted_ids[starts]] = np.add.reduceat(g[order], starts, axis=0)
        return dL

    def sort_reduceat_rows(ids, g):
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        return sorted_ids[starts], np.add.reduceat(g[order], starts, axis=0)

    def bincount_columns(ids, g):
        return np.stack([np.bincount(ids, weights=g[:, j], minlength=V) for j in range(d)], axis=1)

    def bincount_flat(ids, g):
        flat = (ids[:, None] * d + np.arange(d)).ravel()
        return np.bincount(flat, weights=g.ravel(), minlength=V * d).reshape(V, d)

    def python_loop(ids, g):
        dL = np.zeros((V, d))
        for k, i in enumerate(ids):
            dL[i] += g[k]
        return dL

    found = [("np.add.at", add_at), ("sort + np.add.reduceat", sort_reduceat),
             ("sort + np.add.reduceat, rows only", sort_reduceat_rows),
             ("np.bincount per column", bincount_columns),
             ("np.bincount, one call (row*d + column)", bincount_flat)]
    try:
        import scipy.sparse as sparse
    except ImportError:
        print("sparse product: skipped (scipy is not installed)")
    else:
        def sparse_product(ids, g):
            n = len(ids)
            S = sparse.csr_matrix((np.ones(n), (ids, np.arange(n))), shape=(V, n))
            return np.asarray(S @ g)
        found.append(("sparse one-hot product (scipy.sparse)", sparse_product))
    found.append(("Python loop over rows", python_loop))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="scatter-add of embedding gradients")
    parser.add_argument("--vocab", type=int, default=20000)
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--batch", type=int, nargs="+", default=[256, 4096])
    parser.add_argument("--window", type=int, default=5)
    args = parser.parse_args(argv)
    V, d = args.vocab, args.dim
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}; "
          f"V = {V:,}, d = {d}, windows of {args.window}")
    rng = np.random.default_rng(0)
    # Zipf-like word frequencies: a few words (the, of, <pad>) repeat within a batch, as in text
    probabilities = 1.0 / np.arange(1, V + 1)
    probabilities /= probabilities.sum()
    zeros = best_time(lambda: np.zeros((V, d)))
    print(f"np.zeros((V, d)) alone: {zeros * 1e6:,.0f} us (part of every dense variant)")
    for batch in args.batch:
        ids = rng.choice(V, size=batch * args.window, p=probabilities)
        g = rng.normal(size=(len(ids), d))
        reference = methods(V, d)[0][1](ids, g)
        print(f"\nbatch {batch} windows -> {len(ids):,} rows, {len(np.unique(ids)):,} distinct words")
        # for scale: the three products of one hidden layer (H = 200) forward and backward
        x, w, upstream = rng.normal(size=(batch, args.window * d)), rng.normal(size=(200, args.window * d)), \
            rng.normal(size=(batch, 200))
        products = best_time(lambda: (x @ w.T, upstream.T @ x, upstream @ w))
        print(f"(for scale: x @ W.T, dH.T @ x and dH @ W with H = 200 take {products * 1e6:,.0f} us)")
        print(f"{'method':42} {'time per call':>14} {'vs np.add.at':>13}")
        base = None
        for name, fn in methods(V, d):
            out = fn(ids, g)
            if isinstance(out, tuple):  # rows only: scatter into a dense copy to compare
                dense = np.zeros((V, d))
                dense[out[0]] = out[1]
                out = dense
            assert np.allclose(out, reference, atol=1e-10), name
            seconds = best_time(lambda: fn(ids, g), repeat=3 if "loop" in name else 7)
            base = base or seconds
            print(f"{name:42} {seconds * 1e6:11,.0f} us {base / seconds:12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
