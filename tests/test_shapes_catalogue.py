"""A catalogue of wrong gradients: each must get its own diagnosis from nbkit.shapes.

The fixtures are the classic mistakes of a batched affine layer y = x W + b
(x: N x D, W: D x H, b: H) and of a few other nodes, built from one random case.
"""
import numpy as np
import pytest

from nbkit.shapes import DIAGNOSES, diagnose, snapshot

N, D, H = 4, 3, 5


def make_layer():
    rng = np.random.default_rng(3)
    x, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H)
    upstream = rng.normal(size=(N, H))
    return dict(x=x, W=W, b=b, upstream=upstream,
                dW=x.T @ upstream, db=upstream.sum(axis=0), dx=upstream @ W.T)


@pytest.fixture
def layer():
    return make_layer()


def wrong_gradients(L):
    """(expected tag, grad, reference, keyword arguments) for each classic mistake."""
    x, W, up = L["x"], L["W"], L["upstream"]
    dW, db, dx = L["dW"], L["db"], L["dx"]
    column = db.reshape(-1, 1)
    square = x.T @ x + np.triu(np.ones((D, D)))  # not symmetric
    return [
        ("wrong-shape", np.ones((D, H + 1)), dW, {}),
        ("wrong-shape", dW.reshape(1, -1), dW, {}),                    # Jacobian form, not reshaped
        ("wrong-shape", dW.T.reshape(-1), dW, {}),                     # column-major flattening
        ("wrong-shape", np.float64(db.sum()), db, dict(batch_size=N)),  # summed over every axis
        ("wrong-shape", dW.T + 1, dW, {}),                             # reversed shape, values off too
        ("transposed", up.T @ x, dW, {}),                              # dW = delta^T x
        ("transposed", square.T, square, {}),                          # square: shapes cannot warn
        ("missing-batch-sum", up, db, dict(batch_size=N)),
        ("missing-batch-sum", up, db, {}),                             # found from values alone
        ("missing-batch-sum", up, db.reshape(1, -1), dict(batch_size=N)),  # bias kept as (1, H)
        ("missing-batch-sum", up.T, column, dict(batch_size=N)),       # examples as columns
        ("missing-batch-sum", up + 1, db, dict(batch_size=N)),         # per-example and wrong too
        ("wrong-axis", up.sum(axis=1), db, dict(batch_size=N)),
        ("wrong-axis", up.sum(axis=1, keepdims=True), db.reshape(1, -1), dict(batch_size=N)),
        ("wrong-axis", up.T.sum(axis=0), column, dict(batch_size=N)),  # examples as columns
        ("row-vs-column", db.reshape(1, -1), column, {}),
        ("row-vs-column", column, db.reshape(1, -1), {}),
        ("row-vs-column", db, column, {}),
        ("row-vs-column", column, db, {}),
        ("scaled-by-2", 2 * dW, dW, {}),
        ("scaled-by-half", 0.5 * dW, dW, {}),
        ("scaled-by-batch", dW / N, dW, dict(batch_size=N)),
        ("scaled-by-batch", dW * N, dW, dict(batch_size=N)),
        ("sign-flipped", -dx, dx, {}),
        ("sign-flipped", -np.array([0.7]), np.array([0.7]), {}),
        ("wrong-values", dx + 0.1, dx, {}),
        ("wrong-values", 3.7 * dW, dW, {}),                            # an unexplained factor
        ("wrong-values", np.zeros_like(dW), dW, {}),
        ("wrong-values", np.ones(H), np.zeros(H), {}),                 # zero reference
        ("wrong-values", np.array([0.3]), np.array([0.7]), {}),        # 1-element
        ("nan", np.full_like(dW, np.nan), dW, {}),
        ("nan", np.where(dW > 0, np.inf, dW), dW, {}),
        ("not-an-array", None, dW, {}),
        ("not-an-array", (dx, dW), dW, {}),
        ("not-an-array", "dW", dW, {}),
        ("not-an-array", [[1.0, 2.0], [3.0]], dW, {}),
    ]


CATALOGUE = wrong_gradients(make_layer())


@pytest.mark.parametrize("tag, grad, reference, kwargs", CATALOGUE, ids=[case[0] for case in CATALOGUE])
def test_each_wrong_gradient_gets_its_diagnosis(tag, grad, reference, kwargs):
    result = diagnose(grad, reference, name="dW", **kwargs)
    assert not result.ok
    assert result.diagnosis == tag, result.message
    assert result.diagnosis in DIAGNOSES
    assert result.message and "dW" in result.message


def test_every_tag_has_a_fixture():
    covered = {tag for tag, *_ in CATALOGUE}
    covered |= {"ok", "aliased-input", "input-modified", "rebound"}  # tested below
    assert covered == set(DIAGNOSES)


def test_dx_as_W_times_upstream_is_transposed(layer):
    # For y = x W, "dx = W dL/dy" only multiplies as W @ upstream.T: (D, N), the transpose of dx.
    result = diagnose(layer["W"] @ layer["upstream"].T, layer["dx"], name="dx")
    assert result.diagnosis == "transposed"
    assert "(3, 4)" in result.message and "(4, 3)" in result.message


def test_returned_input_is_aliased(layer):
    up = layer["upstream"]
    result = diagnose(up, up.copy(), name="dx", inputs={"upstream": up})
    assert result.diagnosis == "aliased-input" and "upstream" in result.message
    view = diagnose(up[:], up.copy(), name="dx", inputs=[up])
    assert view.diagnosis == "aliased-input" and "view" in view.message


def test_input_modified_in_place(layer):
    up = layer["upstream"]
    inputs = {"upstream": up, "x": layer["x"]}
    before = snapshot(inputs)
    up *= 2  # what a careless backward does
    result = diagnose(up.sum(axis=0), 2 * layer["db"], name="db", inputs=inputs, snapshots=before)
    assert result.diagnosis == "input-modified"
    assert "upstream" in result.message and result.index is not None


def test_specific_diagnoses_carry_their_details(layer):
    assert diagnose(layer["upstream"], layer["db"], name="db", batch_size=N).axis == 0
    assert diagnose(2 * layer["dW"], layer["dW"]).factor == pytest.approx(2)
    wrong = layer["dW"].copy()
    wrong[2, 1] += 1
    result = diagnose(wrong, layer["dW"])
    assert result.index == (2, 1) and "dW[2, 1]" in result.message and "1 of 15" in result.message


def test_messages_name_the_shapes_and_the_parameter(layer):
    result = diagnose(layer["dW"].T, layer["dW"], name="dW")
    assert "(5, 3)" in result.message and "(3, 5)" in result.message
    assert "shaped like W" in result.message and "Try:" in result.message
    db = diagnose(layer["upstream"], layer["db"], name="db", batch_size=N)
    assert "b is (5,)" in db.message and "axis=0" in db.message


def test_shape_only_mode_without_reference(layer):
    assert diagnose(layer["upstream"], None, param=layer["b"], name="db", batch_size=N).diagnosis \
        == "missing-batch-sum"
    assert diagnose(layer["upstream"].sum(1), None, param=layer["b"], name="db", batch_size=N).diagnosis \
        == "wrong-axis"
    assert diagnose(np.zeros(H), None, param=layer["b"], name="db").ok


def test_grads_slot_rebound_instead_of_written_into(layer):
    from nbkit.shapes import diagnose_slot

    grads = [np.zeros_like(layer["W"])]
    held_by_optimizer = grads[0]
    grads[0] = layer["dW"].copy()  # the bug: rebinding the slot
    result = diagnose_slot(grads[0], held_by_optimizer, layer["dW"], name="grads[0]")
    assert result.diagnosis == "rebound" and "grads[0][...] = new_values" in result.message

    grads = [np.zeros_like(layer["W"])]
    held_by_optimizer = grads[0]
    grads[0][...] = layer["dW"]  # right: written into
    assert diagnose_slot(grads[0], held_by_optimizer, layer["dW"], name="grads[0]").ok
    # Written into, but with wrong values: the values are diagnosed as usual.
    grads[0][...] = 2 * layer["dW"]
    assert diagnose_slot(grads[0], held_by_optimizer, layer["dW"]).diagnosis == "scaled-by-2"
