"""Step-size sweep, its plot, thresholds, and the lazy matplotlib import."""
import subprocess
import sys

import numpy as np
import pytest

from nbkit.gradcheck import THRESHOLDS, Thresholds, default_step, step_size_sweep, thresholds_for


@pytest.fixture(scope="module")
def sweeps():
    return {d: step_size_sweep(np.sin, 1.0, np.cos(1.0), dtype=d) for d in ("float64", "float32")}


def test_truncation_orders(sweeps):
    s = sweeps["float64"]
    big = (s.h >= 1e-3) & (s.h <= 1e-1)
    slope_fwd = np.polyfit(np.log10(s.h[big]), np.log10(s.forward[big]), 1)[0]
    slope_ctr = np.polyfit(np.log10(s.h[big]), np.log10(s.central[big]), 1)[0]
    assert slope_fwd == pytest.approx(1.0, abs=0.1)  # forward: error O(h)
    assert slope_ctr == pytest.approx(2.0, abs=0.1)  # central: error O(h^2)


def test_rounding_regime_rises_as_h_shrinks(sweeps):
    s = sweeps["float64"]
    assert s.central[s.h <= 1e-13].min() > 100 * s.best("central")[1]


def test_best_steps_float64_vs_float32(sweeps):
    h64f, e64f = sweeps["float64"].best("forward")
    h64c, e64c = sweeps["float64"].best("central")
    h32c, e32c = sweeps["float32"].best("central")
    assert 1e-10 <= h64f <= 1e-6 and e64f < 1e-6      # ~ sqrt(eps)
    assert 1e-7 <= h64c <= 1e-3 and e64c < 1e-9       # ~ eps^(1/3)
    assert 1e-4 <= h32c <= 1e-1 and 1e-9 < e32c < 1e-3
    assert h32c > h64c and e32c > e64c
    assert e64c < e64f


def test_pairs_and_validation(sweeps):
    pairs = sweeps["float64"].pairs("forward")
    assert len(pairs) == 61 and all(len(p) == 2 for p in pairs)
    with pytest.raises(ValueError, match="positive"):
        step_size_sweep(np.sin, 1.0, np.cos(1.0), hs=[1e-3, 0.0])
    with pytest.raises(TypeError, match="floating"):
        step_size_sweep(np.sin, 1.0, np.cos(1.0), dtype=np.int64)


def test_float32_sweep_computes_in_float32():
    seen = []

    def f(t):
        seen.append(np.asarray(t).dtype)
        return np.sin(t)

    step_size_sweep(f, 1.0, np.cos(1.0), hs=[1e-2], dtype=np.float32)
    assert set(seen) == {np.dtype(np.float32)}


def test_plot_draws_both_dtypes_and_methods():
    import matplotlib

    matplotlib.use("Agg")
    from nbkit.gradcheck import plot_step_size_sweep

    ax = plot_step_size_sweep()
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert set(labels) == {"forward, float64", "central, float64", "forward, float32", "central, float32"}
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_import_does_not_load_matplotlib():
    code = ("import sys, nbkit.gradcheck; "
            "print(any(m.startswith(('matplotlib', 'ipywidgets', 'scipy', 'nbgrader')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_thresholds():
    t64 = thresholds_for(np.float64)
    assert t64 is THRESHOLDS["float64"] and default_step("float64") == 1e-5
    assert t64.verdict(1e-9) == "ok" and t64.verdict(1e-6) == "suspicious" and t64.verdict(1e-2) == "wrong"
    assert t64.verdict(float("nan")) == "wrong"
    assert thresholds_for(np.float32).ok > t64.ok
    assert thresholds_for(np.float16) is THRESHOLDS["float32"]
    with pytest.raises(ValueError):
        Thresholds(ok=1e-3, wrong=1e-5, h=1e-5)
