"""nbkit.optim: surfaces, the race harness, pictures, the interactive race and the training comparison.

The update rules below are test fixtures written as a learner would (CS231n's interface and
config keys); nbkit.optim itself contains none.
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import nbkit.optim as optim
from nbkit.feedback import NotReady
from nbkit.gradcheck import numerical_gradient, rel_error
from nbkit.optim import (
    SURFACE_KEYS, SURFACES, Comparison, Race, RuleFailed, compare_rules, race, run_rule, surface, with_config,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# -- reference rules (fixtures), CS231n style --------------------------------------------

def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w -= config["learning_rate"] * dw  # in place, as CS231n's sgd does
    return w, config


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config


def rmsprop(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    config["cache"] = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw ** 2
    return w - config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"]), config


def adam(w, dw, config=None):
    config = {} if config is None else config
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config["t"] += 1
    config["m"] = config["beta1"] * config["m"] + (1 - config["beta1"]) * dw
    config["v"] = config["beta2"] * config["v"] + (1 - config["beta2"]) * dw ** 2
    m_hat = config["m"] / (1 - config["beta1"] ** config["t"])
    v_hat = config["v"] / (1 - config["beta2"] ** config["t"])
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


def nesterov(w, dw, config=None):
    raise NotImplementedError()


# -- surfaces ----------------------------------------------------------------------------

@pytest.mark.parametrize("key", SURFACE_KEYS)
def test_analytic_gradients_agree_with_numerical_ones(key):
    s = SURFACES[key]
    rng = np.random.default_rng(0)
    points = [s.start, *rng.uniform([s.xlim[0], s.ylim[0]], [s.xlim[1], s.ylim[1]], size=(8, 2))]
    for w in points:
        w = np.array(w, dtype=float)
        numerical = numerical_gradient(s.value, w.copy())
        assert rel_error(numerical, s.grad(w)) < 1e-6, (key, w)
    for m in s.minima:  # a zero gradient: compare absolutely (truncation error is ~1e-8 there)
        np.testing.assert_allclose(numerical_gradient(s.value, m.copy()), s.grad(m), atol=1e-6)


@pytest.mark.parametrize("key", SURFACE_KEYS)
def test_minimisers_are_minima_with_the_stated_value(key):
    s = SURFACES[key]
    rng = np.random.default_rng(1)
    for m in s.minima:
        assert s.value(m) == pytest.approx(s.min_value, abs=1e-12)
        np.testing.assert_allclose(s.grad(m), 0.0, atol=1e-12)
        for d in rng.normal(size=(20, 2)) * 1e-3:
            assert s.value(m + d) > s.min_value
    assert s.xlim[0] < s.start[0] < s.xlim[1] and s.ylim[0] < s.start[1] < s.ylim[1]
    assert s.value(s.start) > s.min_value + 1e-3
    np.testing.assert_array_equal(s.minimum, s.minima[0])


def test_the_saddle_point_is_stationary_but_not_a_minimum():
    s = surface("saddle")
    (p,) = s.saddle_points
    np.testing.assert_allclose(s.grad(p), 0.0)
    assert s.value(p + [0.1, 0]) > s.value(p) > s.value(p + [0, 0.1])
    assert len(s.minima) == 2 and s.minimum[1] > 0  # the start (y > 0) leads to (0, 1)


def test_quadratic_condition_number_and_grid():
    s = optim.ill_conditioned_quadratic(50)
    np.testing.assert_allclose(s.grad([1.0, 1.0]), [1.0, 50.0])
    X, Y, Z = s.value_grid(30)
    assert X.shape == Y.shape == Z.shape == (30, 30)
    levels = s.levels(12, Z)
    assert len(levels) == 12 and np.all(np.diff(levels) > 0) and levels[0] > s.min_value
    assert levels[-1] / levels[-2] == pytest.approx(levels[1] / levels[0])  # log spaced


def test_surface_bad_input():
    with pytest.raises(ValueError, match="unknown surface 'himmelblau'"):
        surface("himmelblau")
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        surface("beale").value(np.ones(3))
    with pytest.raises(ValueError):
        optim.ill_conditioned_quadratic(0.5)


# -- race --------------------------------------------------------------------------------

def test_correct_rules_reach_the_minimum_of_the_quadratic():
    result = race("quadratic", {"SGD": (sgd, {"learning_rate": 0.09}),
                                "Momentum": (sgd_momentum, {"learning_rate": 0.01, "momentum": 0.9}),
                                "RMSProp": (rmsprop, {"learning_rate": 0.02}),
                                "Adam": (adam, {"learning_rate": 0.1})}, steps=300)
    assert isinstance(result, Race) and list(result.runs) == ["SGD", "Momentum", "RMSProp", "Adam"]
    for name, run in result.runs.items():
        assert run.status == "finished", name
        assert run.path.shape == (301, 2) and run.losses.shape == (301,)
        np.testing.assert_array_equal(run.path[0], SURFACES["quadratic"].start)
        assert np.linalg.norm(run.final) < 0.05, (name, run.final)
        assert run.losses[-1] == pytest.approx(SURFACES["quadratic"].value(run.final))
    assert "from the nearest minimum" in result.summary()


def test_path_is_the_rules_path_even_when_it_updates_w_in_place():
    lr, h = 0.05, np.array([1.0, 20.0])
    run = run_rule(sgd, {"learning_rate": lr}, lambda w: h * w, np.array([-4.0, 1.5]), 10)
    expected = np.array([(1 - lr * h) ** k * np.array([-4.0, 1.5]) for k in range(11)])
    np.testing.assert_allclose(run.path, expected)  # a path of 11 copies of the last w would fail
    assert run.losses is None and run.learning_rates is None


def test_configs_do_not_leak_between_rules_or_back_to_the_caller():
    shared = {"learning_rate": 0.01, "momentum": 0.9}
    result = race("rosenbrock", {"A": (sgd_momentum, shared), "B": (sgd_momentum, shared)}, steps=50)
    assert shared == {"learning_rate": 0.01, "momentum": 0.9}  # no velocity written into the caller's dict
    np.testing.assert_array_equal(result.runs["A"].path, result.runs["B"].path)  # B did not start with A's velocity
    assert "velocity" in result.runs["A"].config
    assert result.runs["A"].config["velocity"] is not result.runs["B"].config["velocity"]


def test_state_is_carried_between_steps():
    calls = []

    def counting(w, dw, config=None):
        config = {"n": 0} if config is None else config
        config["n"] += 1
        calls.append(config["n"])
        return w - 0.1 * dw, config

    run_rule(counting, None, lambda w: w, np.ones(2), 5)
    assert calls == [1, 2, 3, 4, 5]


def test_a_diverging_rule_stops_cleanly_and_the_others_finish():
    result = race("quadratic", {"too fast": (sgd, {"learning_rate": 0.2}),  # |1 - 0.2 * 20| = 3 > 1
                                "fine": (sgd, {"learning_rate": 0.05})}, steps=200)
    bad, good = result.runs["too fast"], result.runs["fine"]
    assert bad.status == "diverged" and 1 < bad.diverged_at < 200
    assert len(bad.path) == bad.diverged_at == len(bad.losses)  # w_0 ... w_{k-1}: the bad point is dropped
    assert np.all(np.isfinite(bad.path)) and np.all(np.isfinite(bad.losses))
    assert good.status == "finished" and len(good.path) == 201
    assert "diverged at step" in result.summary()


def test_nan_counts_as_divergence_at_its_step():
    def breaks_at_3(w, dw, config=None):
        config = {"t": 0} if config is None else config
        config["t"] += 1
        return (w * np.nan if config["t"] == 3 else w - 0.1 * dw), config

    run = run_rule(breaks_at_3, None, lambda w: 2 * w, np.ones(2), 10, loss_fn=lambda w: float(w @ w))
    assert run.diverged_at == 3 and run.path.shape == (3, 2) and run.status == "diverged"


def test_unwritten_and_crashing_rules_become_one_line():
    def broken(w, dw, config=None):
        return w + {}["learning_rate"], config

    result = race("beale", {"Nesterov": nesterov, "Broken": broken, "Adam": (adam, {"learning_rate": 0.05})}, 20)
    runs = result.runs
    assert runs["Nesterov"].status == "not written yet" and len(runs["Nesterov"].path) == 1
    assert "nesterov(w, dw, config) is not written yet" in runs["Nesterov"].error
    assert runs["Broken"].status == "failed" and "broken(w, dw, config) raised KeyError" in runs["Broken"].error
    assert "{}[\"learning_rate\"]" in runs["Broken"].error  # the learner's own line
    assert runs["Adam"].status == "finished"
    summary = result.summary().splitlines()
    assert len(summary) == 3 and "Traceback" not in result.summary() and "nbkit" not in result.summary()

    with pytest.raises(NotReady) as info:
        run_rule(nesterov, None, lambda w: w, np.ones(2), 3)
    assert info.value._render_traceback_() == [f"\u23f8 {info.value}"]
    with pytest.raises(RuleFailed, match="KeyError") as info:
        run_rule(broken, None, lambda w: w, np.ones(2), 3)
    shown = info.value._render_traceback_()
    assert shown[0].startswith("\u2718 broken(w, dw, config) raised KeyError") and "nbkit/" not in "".join(shown)


@pytest.mark.parametrize("bad, message", [
    (lambda w, dw, config=None: w - dw, "returns the pair"),
    (lambda w, dw, config=None: (None, config), "next_w = None"),
    (lambda w, dw, config=None: (np.outer(w, dw), config), r"shape \(2, 2\)"),
    (lambda w, dw, config=None: (w, config, 1), "3 values"),
])
def test_unusable_returns_are_named(bad, message):
    with pytest.raises(RuleFailed, match=message):
        run_rule(bad, None, lambda w: w, np.ones(2), 2)


def test_a_gradient_of_the_wrong_shape_is_the_callers_error():
    with pytest.raises(ValueError, match=r"gradient of shape \(1, 2\)"):
        run_rule(sgd, None, lambda w: w[None, :], np.ones(2), 2)


def test_schedule_sets_the_learning_rate_before_every_step():
    seen = []

    def recording(w, dw, config=None):
        seen.append(config["learning_rate"])
        return w - config["learning_rate"] * dw, config

    def halve_every_2(t):
        return 0.1 * 0.5 ** (t // 2)

    run = run_rule(recording, {"learning_rate": 99.0}, lambda w: w, np.ones(2), 5, schedule=halve_every_2)
    np.testing.assert_allclose(seen, [0.1, 0.1, 0.05, 0.05, 0.025])
    np.testing.assert_allclose(run.learning_rates, seen)
    result = race("quadratic", {"scheduled": (recording, None, halve_every_2)}, steps=4)
    assert result.runs["scheduled"].learning_rates.shape == (4,)

    def not_yet(t):
        raise NotImplementedError

    with pytest.raises(NotReady, match=r"not_yet\(0\) is not written yet"):
        run_rule(recording, None, lambda w: w, np.ones(2), 3, schedule=not_yet)
    with pytest.raises(RuleFailed, match="finite number"):
        run_rule(recording, None, lambda w: w, np.ones(2), 3, schedule=lambda t: -1.0)


def test_with_config_and_bad_rule_specs():
    rules = with_config({"SGD": sgd, "Adam": (adam, {"learning_rate": 1.0, "beta1": 0.5})}, learning_rate=0.3)
    assert rules["SGD"] == (sgd, {"learning_rate": 0.3})
    assert rules["Adam"] == (adam, {"learning_rate": 0.3, "beta1": 0.5})
    with pytest.raises(TypeError, match="non-empty dict"):
        race("quadratic", {})
    with pytest.raises(TypeError, match=r"rules\['x'\]"):
        race("quadratic", {"x": "sgd"})
    with pytest.raises(TypeError, match="config must be a dict"):
        race("quadratic", {"x": (sgd, 0.1)})
    with pytest.raises(ValueError, match="steps"):
        race("quadratic", {"x": sgd}, steps=0)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        race("quadratic", {"x": sgd}, start=[1.0, 2.0, 3.0])


# -- pictures ----------------------------------------------------------------------------

def _drawn_lines(ax):
    return [line for line in ax.lines if len(line.get_xdata()) > 0]


def _legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_race_figure_has_contours_paths_and_log_losses():
    from matplotlib.contour import ContourSet
    from matplotlib.figure import Figure

    result = race("rosenbrock", {"SGD": (sgd, {"learning_rate": 1e-3}), "Adam": (adam, {"learning_rate": 0.05}),
                                 "Nesterov": nesterov}, steps=40)
    fig = result.figure()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    ax_path, ax_loss = fig.axes
    assert any(isinstance(c, ContourSet) for c in ax_path.collections) or ax_path.collections
    paths = {line.get_label(): line for line in _drawn_lines(ax_path)}
    np.testing.assert_allclose(paths["SGD"].get_xydata(), result.runs["SGD"].path)
    assert {"start", "minimum"} <= set(paths)
    np.testing.assert_allclose(paths["minimum"].get_xydata()[0], [1.0, 1.0])
    assert ax_loss.get_yscale() == "log" and len(_drawn_lines(ax_loss)) == 2
    assert "Nesterov (not written yet)" in _legend_texts(ax_path)
    assert "Nesterov (not written yet)" in _legend_texts(ax_loss)
    assert "Rosenbrock" in fig._suptitle.get_text()
    assert fig._repr_png_().startswith(PNG_MAGIC)


def test_a_diverged_run_is_drawn_to_its_last_good_point():
    result = race("quadratic", {"too fast": (sgd, {"learning_rate": 0.2})}, steps=50)
    ax_path = result.figure().axes[0]
    labels = [line.get_label() for line in _drawn_lines(ax_path)]
    assert f"too fast (diverged at step {result.runs['too fast'].diverged_at})" in labels


def test_surface_losses_and_saddle_pictures():
    fig = optim.plot_surface("saddle")
    labels = [line.get_label() for line in _drawn_lines(fig.axes[0])]
    assert {"start", "minima", "saddle point"} <= set(labels)
    result = race("saddle", {"SGD": (sgd, {"learning_rate": 0.05})}, steps=30)
    ax = optim.plot_losses(result).axes[0]
    assert ax.get_yscale() == "log"
    (line,) = _drawn_lines(ax)
    np.testing.assert_allclose(line.get_ydata(), result.runs["SGD"].losses + 0.5)  # f - f*, f* = -1/2


def test_schedule_plot_draws_the_learners_schedules_and_losses():
    def step_decay(t):
        return 0.1 * 0.5 ** (t // 10)

    def unfinished(t):
        raise NotImplementedError()

    losses = {"step_decay": np.linspace(2.0, 0.1, 30)}
    fig = optim.plot_schedules({"step_decay": step_decay, "exp": lambda t: 0.1 * np.exp(-0.05 * t),
                                "mine": unfinished}, 30, losses=losses, log_lr=True)
    ax_lr, ax_loss = fig.axes
    lines = {line.get_label(): line for line in _drawn_lines(ax_lr)}
    assert set(lines) == {"step_decay", "exp"}
    np.testing.assert_allclose(lines["step_decay"].get_ydata(), [step_decay(t) for t in range(30)])
    assert ax_lr.get_yscale() == "log" and ax_loss.get_yscale() == "log"
    assert any("unfinished(0) is not written yet" in t.get_text() for t in ax_lr.texts)
    assert len(_drawn_lines(ax_loss)) == 1
    assert len(optim.plot_schedules({"s": step_decay}, 5).axes) == 1
    with pytest.raises(TypeError):
        optim.plot_schedules([step_decay], 5)


# -- the interactive race ----------------------------------------------------------------

RULES = {"SGD": sgd, "Momentum": sgd_momentum, "Adam": adam, "Nesterov": nesterov}


def test_race_widget_builds_headless_and_redraws_on_a_slider_change():
    pytest.importorskip("ipywidgets")
    explorer = optim.explore_race(RULES, "quadratic", steps=30)
    assert explorer.redraw_count == 1
    first = bytes(explorer.image.value)
    assert first.startswith(PNG_MAGIC)
    assert list(explorer.sliders) == ["learning_rate", "momentum", "beta1", "beta2"]
    assert [s.description for s in explorer.sliders.values()] == list(explorer.sliders)
    assert "nbkit-optim-learning-rate" in explorer.sliders["learning_rate"]._dom_classes
    assert "nbkit-optim-race" in explorer.widget._dom_classes
    assert "nbkit-optim-figure" in explorer.image._dom_classes

    explorer.sliders["learning_rate"].value = 0.03
    assert explorer.redraw_count == 2 and bytes(explorer.image.value) != first
    for name in ("SGD", "Momentum", "Adam"):
        assert explorer.result.runs[name].config["learning_rate"] == pytest.approx(0.03)
    assert explorer.result.runs["Momentum"].config["momentum"] == pytest.approx(0.9)
    assert "Nesterov: nesterov(w, dw, config) is not written yet" in explorer.status.value

    before = bytes(explorer.image.value)
    explorer.sliders["momentum"].value = 0.5
    assert bytes(explorer.image.value) != before
    assert explorer.result.runs["Momentum"].config["momentum"] == pytest.approx(0.5)

    explorer.dropdown.value = "beale"
    assert explorer.redraw_count == 4 and explorer.result.surface.key == "beale"


def test_headless_race_figure_matches_the_widget_settings():
    fig = optim.race_figure({"SGD": sgd}, "saddle", steps=20, learning_rate=0.05)
    assert len(fig.axes) == 2 and "saddle" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="unknown settings"):
        optim.race_figure({"SGD": sgd}, "saddle", lr=0.05)


def test_race_widget_arguments():
    pytest.importorskip("ipywidgets")
    explorer = optim.RaceExplorer({"RMSProp": rmsprop}, "saddle", steps=10, controls=("learning_rate", "decay_rate"),
                                  surfaces=("saddle", "quadratic"), decay_rate=0.9)
    assert list(explorer.sliders) == ["learning_rate", "decay_rate"]
    assert explorer.result.runs["RMSProp"].config["decay_rate"] == pytest.approx(0.9)
    assert "momentum" not in explorer.result.runs["RMSProp"].config  # only the shown controls are written
    assert [key for _, key in explorer.dropdown.options] == ["saddle", "quadratic"]
    with pytest.raises(ValueError, match="unknown controls"):
        optim.RaceExplorer({"SGD": sgd}, controls=("lr",))
    with pytest.raises(ValueError, match="not among"):
        optim.RaceExplorer({"SGD": sgd}, "beale", surfaces=("saddle",))
    with pytest.raises(TypeError):
        optim.RaceExplorer({})


# -- training comparison -----------------------------------------------------------------

def _linear_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    seen = []

    def loss_and_grads(params, batch):
        idx = batch
        seen.append(tuple(idx))
        err = X[idx] @ params["W"] + params["b"] - y[idx]
        n = len(idx)
        return float(np.mean(err ** 2)), {"W": 2 * X[idx].T @ err / n, "b": 2 * err.sum(axis=0) / n}

    def batches(epoch):
        order = np.random.default_rng(epoch).permutation(len(X))
        return [order[i:i + 16] for i in range(0, len(X), 16)]

    def evaluate(params):
        return float(np.mean((X @ params["W"] + params["b"] - y) ** 2))

    params = {"W": np.zeros((3, 1)), "b": np.zeros(1)}
    return loss_and_grads, params, batches, evaluate, seen


def test_comparison_trains_each_rule_from_the_same_start_on_the_same_batches():
    loss_and_grads, params, batches, evaluate, seen = _linear_problem()
    rules = {"SGD": (sgd, {"learning_rate": 0.05}), "Adam": (adam, {"learning_rate": 0.2}),
             "Adam again": (adam, {"learning_rate": 0.2})}
    result = compare_rules(loss_and_grads, params, batches, rules, epochs=5, evaluate=evaluate,
                           metric_name="train MSE", progress=False)
    assert isinstance(result, Comparison)
    np.testing.assert_array_equal(params["W"], 0.0)  # the caller's initial parameters are untouched
    assert len(seen) == 3 * 5 * 4 and seen[:20] == seen[20:40] == seen[40:]  # same batches, same order
    for run in result.runs.values():
        assert run.status == "finished" and run.losses.shape == (20,) and run.evals.shape == (5,)
        assert run.evals[-1] < 0.1 * evaluate(params), run.name  # it learned
        assert run.seconds > 0
        assert run.final_metric == run.evals[-1]
    np.testing.assert_array_equal(result.runs["Adam"].losses, result.runs["Adam again"].losses)  # no shared state
    table = result.table()
    assert "train MSE" in table and all(name in table for name in rules)
    assert "nbkit-optim-comparison" in result._repr_html_()
    fig = result.figure(smooth=3)
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log"
    assert len(_drawn_lines(fig.axes[1])) == 3


def test_comparison_survives_unwritten_diverging_and_scheduled_rules():
    loss_and_grads, params, batches, evaluate, _ = _linear_problem()
    result = compare_rules(loss_and_grads, params, batches, {
        "Nesterov": nesterov,
        "huge": (sgd, {"learning_rate": 50.0}),
        "scheduled": (sgd, None, lambda t: 0.05 / (1 + t)),
    }, epochs=3, evaluate=evaluate, progress=False)
    assert result.runs["Nesterov"].status == "not written yet" and result.runs["Nesterov"].final_metric is None
    assert result.runs["huge"].status == "diverged" and np.all(np.isfinite(result.runs["huge"].losses))
    assert result.runs["scheduled"].status == "finished" and len(result.runs["scheduled"].evals) == 3
    assert "not written yet" in result.table()
    result.figure()  # draws what there is


def test_comparison_rejects_gradients_that_do_not_match_the_parameters():
    _, params, batches, _, _ = _linear_problem()
    with pytest.raises(ValueError, match=r"grads\['W'\] has shape \(1, 3\)"):
        compare_rules(lambda p, b: (1.0, {"W": np.zeros((1, 3)), "b": np.zeros(1)}), params, batches,
                      {"SGD": sgd}, progress=False)
    with pytest.raises(TypeError):
        compare_rules(lambda p, b: (1.0, {}), [], batches, {"SGD": sgd}, progress=False)


# -- promises ----------------------------------------------------------------------------

def test_import_nbkit_optim_stays_light():
    code = "import nbkit.optim, sys; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert not {"matplotlib", "ipywidgets", "tqdm", "IPython"} & loaded


def test_nbkit_optim_contains_no_update_rule_or_schedule():
    graded = {"sgd", "sgd_momentum", "nesterov", "nesterov_momentum", "adagrad", "rmsprop", "adam",
              "step_decay", "exponential_decay", "inverse_time_decay"}
    import nbkit.optim.compare, nbkit.optim.draw, nbkit.optim.explorer, nbkit.optim.race, nbkit.optim.surfaces  # noqa

    for module in (optim, optim.compare, optim.draw, optim.explorer, optim.race, optim.surfaces):
        assert not graded & set(vars(module)), module.__name__
