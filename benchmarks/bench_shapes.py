"""How long nbkit.shapes.diagnose takes: it runs inside every notebook-03 check cell.

Run: .venv/bin/python benchmarks/bench_shapes.py
Prints microseconds per call for a correct gradient and for a few diagnosed mistakes,
at a notebook-sized and a larger layer.
"""
from __future__ import annotations

import timeit

import numpy as np

from nbkit.shapes import diagnose


def main() -> None:
    rng = np.random.default_rng(0)
    for N, D, H in [(4, 3, 5), (64, 1000, 100)]:
        x, upstream = rng.standard_normal((N, D)), rng.standard_normal((N, H))
        dW, db = x.T @ upstream, upstream.sum(axis=0)
        cases = {
            "ok": lambda: diagnose(dW.copy(), dW, batch_size=N),
            "transposed": lambda: diagnose(dW.T, dW, batch_size=N),
            "missing-batch-sum": lambda: diagnose(upstream, db, name="db", batch_size=N),
            "scaled-by-batch": lambda: diagnose(dW / N, dW, batch_size=N),
            "wrong-values": lambda: diagnose(dW + np.eye(D, H), dW, batch_size=N),
        }
        print(f"layer N={N}, D={D}, H={H} (dW {D}x{H}):")
        for label, run in cases.items():
            assert run().diagnosis == label
            number = 200 if D * H < 1000 else 20
            seconds = min(timeit.repeat(run, number=number, repeat=3)) / number
            print(f"  {label:<18} {seconds * 1e6:9.1f} us per diagnose()")


if __name__ == "__main__":
    main()
