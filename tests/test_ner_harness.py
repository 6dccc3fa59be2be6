"""nbkit.ner.train: the harness runs the learner's loss/gradient and update functions, keeps the
best parameters, survives Ctrl-C and NaN losses, and names bad gradients. The fake model is a
least-squares line fit (not the notebook's window classifier)."""
import numpy as np
import pytest

from nbkit.feedback import CheckFailed
from nbkit.ner import minibatches, per_parameter, train

RNG = np.random.default_rng(0)
X = RNG.normal(size=(200, 3))
W_TRUE = np.array([1.0, -2.0, 0.5])
Y = X @ W_TRUE + 0.3


def loss_and_grads(params, batch):
    x, y = batch
    residual = x @ params["w"] + params["b"] - y
    return float(np.mean(residual ** 2)), {"w": 2 * x.T @ residual / len(y), "b": np.array(2 * residual.mean())}


def sgd(w, dw, config):
    return w - config["learning_rate"] * dw, config


def in_place_sgd(params, grads):
    for name in params:
        params[name] -= 0.1 * grads[name]


def dev_score(params):
    return {"f1": -float(np.mean((X @ params["w"] + params["b"] - Y) ** 2))}


def init():
    return {"w": np.zeros(3), "b": np.array(0.0)}


def test_trains_and_keeps_the_callers_params():
    start = init()
    result = train(loss_and_grads, start, per_parameter(sgd, {"learning_rate": 0.1}),
                   minibatches(X, Y, batch_size=20, seed=0), epochs=6, evaluate=dev_score, progress=False)
    np.testing.assert_allclose(result.params["w"], W_TRUE, atol=1e-2)
    np.testing.assert_array_equal(start["w"], 0)  # the caller's dict is untouched
    h = result.history
    assert len(h.loss) == 60 and len(h.epoch_loss) == 6 and h.dev_epoch == [1, 2, 3, 4, 5, 6]
    assert h.loss_epoch[9] == 1.0 and h.loss_epoch[10] == pytest.approx(1.1)
    assert h.epoch_loss[-1] < h.epoch_loss[0] / 100
    assert result.best_score == max(h.dev) and not result.interrupted and result.stopped is None
    assert "60 steps" in str(result)


def test_update_in_place_or_returning_params_and_batches_as_a_function():
    def returning(params, grads):
        return {k: params[k] - 0.1 * grads[k] for k in params}

    def batches(epoch):
        return minibatches(X, Y, batch_size=50, seed=epoch)

    for update in (in_place_sgd, returning):
        result = train(loss_and_grads, init(), update, batches, epochs=10, progress=False)
        np.testing.assert_allclose(result.params["w"], W_TRUE, atol=0.05)
        assert result.best_score is None  # no evaluate: params are the last ones


def test_best_params_are_kept_not_the_last():
    scores = iter([0.5, 0.9, 0.2])  # the second epoch is the best

    def evaluate(params):
        return next(scores)

    result = train(loss_and_grads, init(), in_place_sgd, minibatches(X, Y, batch_size=20, seed=0),
                   epochs=3, evaluate=evaluate, progress=False)
    assert result.best_epoch == 2 and result.best_score == 0.9
    assert not np.array_equal(result.params["w"], result.last_params["w"])


def test_ctrl_c_returns_best_params_and_history(capsys):
    calls = {"n": 0}

    def interrupted_after_25_steps(params, batch):
        calls["n"] += 1
        if calls["n"] > 25:
            raise KeyboardInterrupt
        return loss_and_grads(params, batch)

    result = train(interrupted_after_25_steps, init(), in_place_sgd, minibatches(X, Y, batch_size=20, seed=0),
                   epochs=10, evaluate=dev_score, progress=True)
    assert result.interrupted and "Ctrl-C" in result.stopped
    assert len(result.history.loss) == 25 and len(result.history.dev) == 2
    assert result.best_score == max(result.history.dev)
    assert "training stopped" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_nan_loss_stops_with_the_step_named(capsys):
    def exploding(params, batch):
        loss, grads = loss_and_grads(params, batch)
        return loss, {k: g * 1e200 for k, g in grads.items()}

    result = train(exploding, init(), in_place_sgd, minibatches(X, Y, batch_size=20), epochs=3, progress=False)
    assert result.stopped and "smaller learning rate" in result.stopped and not result.interrupted
    assert all(np.isfinite(v).all() for v in result.params.values())


@pytest.mark.parametrize("bad,pattern", [
    (lambda p, b: (1.0, {"w": np.zeros((3, 1)), "b": np.array(0.0)}), r"grads\['w'\] has shape \(3, 1\) but params\['w'\] has shape \(3,\)"),
    (lambda p, b: (1.0, {"w": np.zeros(3)}), r"missing \['b'\]"),
    (lambda p, b: 1.0, "should return a pair"),
    (lambda p, b: (np.ones(2), {"w": np.zeros(3), "b": np.array(0.0)}), "should be a single number"),
])
def test_bad_learner_output_is_explained(bad, pattern):
    with pytest.raises(CheckFailed, match=pattern):
        train(bad, init(), in_place_sgd, minibatches(X, Y, batch_size=50), epochs=1, progress=False)


def test_unwritten_learner_code_and_used_up_iterators():
    def not_written(params, batch):
        raise NotImplementedError

    with pytest.raises(CheckFailed, match="not written yet"):
        train(not_written, init(), in_place_sgd, minibatches(X, Y), epochs=1, progress=False)
    with pytest.raises(TypeError, match="iterator"):
        train(loss_and_grads, init(), in_place_sgd, iter(list(minibatches(X, Y))), epochs=2, progress=False)


def test_per_parameter_keeps_one_config_per_parameter():
    def counting(w, dw, config):
        config["t"] = config.get("t", 0) + 1
        return w - config["learning_rate"] * dw, config

    update = per_parameter(counting, {"learning_rate": 0.1})
    params = init()
    update(params, {"w": np.ones(3), "b": np.array(1.0)})
    update(params, {"w": np.ones(3), "b": np.array(1.0)})
    assert update.configs["w"]["t"] == 2 and update.configs["b"]["t"] == 2
    np.testing.assert_allclose(params["w"], -0.2)
