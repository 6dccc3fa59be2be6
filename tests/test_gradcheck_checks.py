"""sparse_check, directional_check and check_gradients against planted bugs."""
import numpy as np
import pytest

from test_gradcheck_models import BUGS, TinyNet, plant
from nbkit.feedback import CheckFailed
from nbkit.gradcheck import (THRESHOLDS, check_gradients, directional_check, numerical_gradient,
                             rel_error, sparse_check)

WRONG64 = THRESHOLDS["float64"].wrong
OK64 = THRESHOLDS["float64"].ok


@pytest.fixture
def net():
    return TinyNet()


def loss_of(net):
    return lambda _: net.loss()


def test_tinynet_gradients_are_right(net):
    # the fixture itself must be right, or every test below is meaningless
    g = net.grads()
    for name, p in net.params.items():
        assert rel_error(numerical_gradient(loss_of(net), p), g[name]) < 1e-7


# --- the full check catches every planted bug -------------------------------------

@pytest.mark.parametrize("bug", BUGS)
def test_full_check_catches(net, bug):
    wrong = plant(bug, net.grads()["W1"])
    report = check_gradients(net.loss, net.params, {**net.grads(), "W1": wrong})
    assert not report.ok
    assert [r.name for r in report.failures] == ["W1"]


def test_full_check_passes_correct(net):
    report = check_gradients(net.loss, net.params, net.grads())
    assert report.ok
    assert all(r.verdict == "ok" for r in report.rows)
    assert report.evaluations == 1 + 2 * sum(p.size for p in net.params.values())


# --- directional: same bugs, several seeds ----------------------------------------

@pytest.mark.parametrize("bug", ["transposed", "factor2", "sign", "one-entry"])
def test_directional_catches_same_bugs_for_every_seed(net, bug):
    wrong = plant(bug, net.grads()["W1"])
    W1 = net.params["W1"]
    for seed in range(25):
        result = directional_check(loss_of(net), W1, wrong, seed=seed)
        assert result.max_error > WRONG64, (bug, seed, result.errors)
        assert result.evaluations == 6


def test_directional_small_single_entry_bug_is_caught_with_high_probability(net):
    # One entry wrong by 3.7e-4 while |grad| = 0.44: the error seen along a random
    # direction is proportional to that entry's component of v. With 3 directions the
    # verdict is "wrong" for ~99% of seeds and never "ok" (measured: 0.6% of 1000 seeds
    # are only "suspicious"); the full check always says "wrong".
    wrong = plant("small-one-entry", net.grads()["W1"])
    errors = np.array([directional_check(loss_of(net), net.params["W1"], wrong, seed=s).max_error
                       for s in range(200)])
    assert np.all(errors > OK64)
    assert np.mean(errors > WRONG64) >= 0.95
    one_direction = np.array([directional_check(loss_of(net), net.params["W1"], wrong, seed=s,
                                                num_directions=1).max_error for s in range(200)])
    assert np.mean(one_direction > WRONG64) < np.mean(errors > WRONG64)  # more directions help


def test_directional_single_direction_catches_gross_bugs(net):
    # one direction (2 evaluations) suffices for bugs spread over all entries
    for bug in ["transposed", "factor2", "sign"]:
        wrong = plant(bug, net.grads()["W1"])
        for seed in range(25):
            res = directional_check(loss_of(net), net.params["W1"], wrong, num_directions=1, seed=seed)
            assert res.max_error > WRONG64 and res.evaluations == 2


def test_directional_no_false_alarms(net):
    g = net.grads()
    for seed in range(50):
        for name in ("W1", "b2"):
            res = directional_check(loss_of(net), net.params[name], g[name], seed=seed)
            assert res.max_error <= OK64, (name, seed, res.errors)


def test_directional_robust_when_direction_is_orthogonal_to_gradient():
    # Worst case for a plain relative error: grad . v = 0, so both slopes are pure
    # rounding noise and |num - ana| / (|num| + |ana|) is ~1 for a CORRECT gradient.
    # The ||grad|| / sqrt(n) term in the denominator must keep this "ok". We rebuild the
    # first direction exactly as directional_check draws it (standard normal, normalised).
    n = 50
    rng = np.random.default_rng(123)
    w, x = rng.standard_normal(n), rng.standard_normal(n)
    v = np.random.default_rng(0).standard_normal(n)
    v /= np.linalg.norm(v)
    a = w - (w @ v) * v  # a is orthogonal to v
    res = directional_check(lambda z: float(a @ z), x, a, num_directions=1, seed=0)
    assert abs(res.analytic[0]) < 1e-9  # rounding of the stored step only
    assert res.max_error <= OK64, res.errors


def test_directional_restores_x_and_detects_mutation(net):
    W1 = net.params["W1"]
    before = W1.copy()
    directional_check(loss_of(net), W1, net.grads()["W1"], seed=0)
    assert np.array_equal(W1, before)

    def mutating(a):
        a += 1.0
        return float(np.sum(a))

    x = np.ones(3)
    with pytest.raises(ValueError, match="modified its input"):
        directional_check(mutating, x, np.ones(3), seed=0)
    assert x.tolist() == [1.0, 1.0, 1.0]

    def boom(a):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        directional_check(boom, x, np.ones(3), seed=0)
    assert x.tolist() == [1.0, 1.0, 1.0]


def test_directional_shape_mismatch():
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        directional_check(lambda a: float(np.sum(a)), np.ones((2, 3)), np.ones((3, 2)))


# --- sparse: catches what it samples ---------------------------------------------

@pytest.mark.parametrize("bug", ["transposed", "factor2", "sign"])
def test_sparse_catches_spread_bugs(net, bug):
    wrong = plant(bug, net.grads()["W1"])
    for seed in range(10):
        res = sparse_check(loss_of(net), net.params["W1"], wrong, num_checks=5, seed=seed)
        assert res.max_error > WRONG64
        assert res.evaluations == 10


def test_sparse_catches_one_entry_bug_exactly_when_sampled(net):
    g = net.grads()["W1"]
    wrong = plant("one-entry", g)
    bad = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(g)), g.shape))
    caught = missed = 0
    for seed in range(40):
        res = sparse_check(loss_of(net), net.params["W1"], wrong, num_checks=3, seed=seed)
        assert (res.max_error > WRONG64) == (bad in res.indices)
        if bad in res.indices:
            assert res.worst_index == bad
            caught += 1
        else:
            missed += 1
    assert caught and missed  # 3 of 25 entries: it sometimes misses, as documented


def test_sparse_distinct_indices_and_cap(net):
    res = sparse_check(loss_of(net), net.params["b2"], net.grads()["b2"], num_checks=100, seed=0)
    assert sorted(res.indices) == [(0,), (1,), (2,)]
    assert res.max_error <= OK64


# --- the report ------------------------------------------------------------------

def test_report_names_parameter_and_index(net):
    g = net.grads()
    g["b1"] = g["b1"].copy()
    g["b1"][2] += 0.05
    report = check_gradients(net.loss, net.params, g)
    assert not report.ok
    row = report.failures[0]
    assert row.name == "b1" and row.index == (2,)
    assert row.analytic == pytest.approx(g["b1"][2])
    assert row.numerical == pytest.approx(net.grads()["b1"][2], rel=1e-6)
    assert row.verdict == "wrong"
    text = str(report)
    assert "b1" in text and "[2]" in text and "WRONG" in text
    assert "b1" in report._repr_html_()


@pytest.mark.parametrize("bug,diagnosis", [("transposed", "transposed"), ("sign", "sign-flipped"),
                                           ("factor2", "scaled-by-2"), ("one-entry", "some-entries")])
def test_report_diagnoses_kind_of_bug(net, bug, diagnosis):
    g = {**net.grads(), "W1": plant(bug, net.grads()["W1"])}
    report = check_gradients(net.loss, net.params, g)
    assert report["W1"].diagnosis == diagnosis
    with pytest.raises(CheckFailed) as info:
        report.assert_ok(exercise="two-layer net")
    assert info.value.diagnosis == diagnosis and "W1" in info.value.message


def test_report_worst_index_of_one_entry_bug(net):
    g = net.grads()
    wrong = plant("one-entry", g["W1"])
    bad = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(g["W1"])), g["W1"].shape))
    assert check_gradients(net.loss, net.params, {**g, "W1": wrong})["W1"].index == bad


def test_report_missing_and_misshaped_gradients(net):
    g = net.grads()
    del g["b2"]
    g["W2"] = g["W2"].T
    g["extra"] = np.zeros(2)
    report = check_gradients(net.loss, net.params, g)
    assert report["b2"].diagnosis == "missing"
    assert report["W2"].diagnosis == "wrong-shape" and "(3, 5)" in report["W2"].hint
    assert report.unused_grads == ["extra"]
    assert {r.name for r in report.failures} == {"b2", "W2"}


@pytest.mark.parametrize("method", ["sparse", "directional"])
def test_report_other_methods(net, method):
    good = check_gradients(net.loss, net.params, net.grads(), method=method, seed=0)
    assert good.ok
    g = {**net.grads(), "W2": -net.grads()["W2"]}
    bad = check_gradients(net.loss, net.params, g, method=method, seed=0)
    assert [r.name for r in bad.failures] == ["W2"]
    assert bad.evaluations < good.evaluations * 1.01 + 1
    assert good.evaluations < 2 * sum(p.size for p in net.params.values())


def test_report_restores_params(net):
    before = {k: v.copy() for k, v in net.params.items()}
    check_gradients(net.loss, net.params, net.grads())
    for k in before:
        assert np.array_equal(before[k], net.params[k])


def test_report_bad_arguments(net):
    with pytest.raises(ValueError, match="method"):
        check_gradients(net.loss, net.params, net.grads(), method="fast")
    with pytest.raises(TypeError, match="float ndarray"):
        check_gradients(net.loss, {"w": [1.0]}, {"w": [1.0]})
    with pytest.raises(TypeError, match="integer"):
        check_gradients(lambda: 0.0, {"w": np.arange(3)}, {"w": np.zeros(3)})


# --- float32 ---------------------------------------------------------------------

def test_float32_correct_passes_and_gross_bugs_fail():
    net = TinyNet(dtype=np.float32)
    good = check_gradients(net.loss, net.params, net.grads())
    assert good.ok, str(good)
    assert good["W1"].thresholds == THRESHOLDS["float32"]
    for bug in ["transposed", "factor2", "sign"]:
        bad = check_gradients(net.loss, net.params, {**net.grads(), "W1": plant(bug, net.grads()["W1"])})
        assert [r.name for r in bad.failures] == ["W1"], bug


def test_report_noise_floor_for_tiny_entries():
    # Entries of ~1e-5 under a loss of 2.3: central differences carry ~5e-11 of rounding
    # noise, a plain relative error of ~1e-6 although the gradient is right.
    rng = np.random.default_rng(0)
    x, c = rng.standard_normal((4, 5)), rng.uniform(0.5, 1.0, (4, 5))
    f = lambda: float(2.3 + np.sum(1e-5 * c * np.sin(x)))  # noqa: E731
    exact = 1e-5 * c * np.cos(x)
    assert rel_error(numerical_gradient(lambda _: f(), x), exact) > OK64  # the plain measure cries wolf
    assert check_gradients(f, {"x": x}, {"x": exact}).ok
    assert check_gradients(f, {"x": x}, {"x": exact})["x"].verdict == "ok"
    assert not check_gradients(f, {"x": x}, {"x": 1.5 * exact}).ok  # a real bug still shows
