"""nbkit.jacobian: numerical Jacobians, layouts, the standard maps, structure detection."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nbkit.gradcheck import numerical_gradient, rel_error
from nbkit.jacobian import (
    STANDARD_MAP_KEYS,
    as_matrix,
    as_tensor,
    describe_structure,
    is_constant_jacobian,
    jacobian_shape,
    numerical_jacobian,
    sigmoid,
    softmax,
    standard_map,
    to_denominator_layout,
    to_numerator_layout,
)


# --- numerical_jacobian ------------------------------------------------------------

def test_linear_map_gives_its_matrix_in_numerator_layout():
    A = np.arange(12, dtype=float).reshape(3, 4) - 5.0  # 3 outputs, 4 inputs
    J = numerical_jacobian(lambda x: A @ x, np.ones(4))
    assert J.shape == (3, 4)  # m x n, not n x m
    np.testing.assert_allclose(J, A, atol=1e-8)


def test_nonlinear_map_against_hand_derivatives():
    # f(x) = [x0 * x1, sin(x1), x0^2] -> J = [[x1, x0], [0, cos x1], [2 x0, 0]]
    x = np.array([0.7, -1.3])
    J = numerical_jacobian(lambda v: np.array([v[0] * v[1], np.sin(v[1]), v[0] ** 2]), x)
    expected = np.array([[-1.3, 0.7], [0.0, np.cos(-1.3)], [1.4, 0.0]])
    np.testing.assert_allclose(J, expected, atol=1e-9)


def test_rows_agree_with_gradcheck_numerical_gradient():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 5))
    f = lambda v: np.tanh(W @ v)  # noqa: E731
    x = rng.normal(size=5)
    J = numerical_jacobian(f, x)
    for i in range(3):
        row = numerical_gradient(lambda v: f(v)[i], x)
        assert rel_error(J[i], row) < 1e-8


def _sig(z):
    return 1 / (1 + np.exp(-z))


# Each standard map's Jacobian, written here from its formula (nbkit has none: they are exercises).
FORMULAS = {
    "sigmoid": lambda sm, z: np.diag(_sig(z) * (1 - _sig(z))),
    "tanh": lambda sm, z: np.diag(1 - np.tanh(z) ** 2),
    "relu": lambda sm, z: np.diag((z > 0) * 1.0),
    "affine_x": lambda sm, x: sm.params["W"],
    "affine_b": lambda sm, b: np.eye(b.size),
    "inner_u": lambda sm, u: sm.params["h"].reshape(1, -1),
    "softmax": lambda sm, z: _softmax_jacobian(z),
    "squared_norm_x": lambda sm, x: 2 * (sm.params["W"] @ x).reshape(1, -1) @ sm.params["W"],
}


@pytest.mark.parametrize("key", STANDARD_MAP_KEYS)
def test_numerical_jacobian_of_every_standard_map_matches_its_formula(key):
    rng = np.random.default_rng(42)
    for n in (1, 3, 5):
        sm = standard_map(key, n=n, seed=n)
        for _ in range(3):
            x = rng.normal(size=n) * 2
            J_num = numerical_jacobian(sm.forward, x.copy())
            J_formula = FORMULAS[key](sm, x)
            assert J_num.shape == J_formula.shape
            assert rel_error(J_num, J_formula) < 1e-7, (key, n, x)


def test_matrix_input_flattened_in_c_order():
    v = np.array([1.0, -2.0, 3.0])
    X = np.arange(6, dtype=float).reshape(2, 3)
    J = numerical_jacobian(lambda M: M @ v, X)  # R^(2x3) -> R^2
    assert J.shape == (2, 6)
    # d(Xv)_i / dX[a, b] = [i == a] v_b; column a*3 + b in C order
    expected = np.zeros((2, 6))
    expected[0, 0:3] = v
    expected[1, 3:6] = v
    np.testing.assert_allclose(J, expected, atol=1e-9)
    T = as_tensor(J, (2,), X.shape)
    np.testing.assert_allclose(T[1, 1], v, atol=1e-9)
    np.testing.assert_allclose(T[0, 1], 0, atol=1e-9)


def test_scalar_output_of_matrix_is_a_row_that_reshapes_like_the_matrix():
    X = np.array([[1.0, -2.0], [0.5, 3.0], [2.0, 0.0]])
    J = numerical_jacobian(lambda M: np.sum(M ** 2), X)
    assert J.shape == (1, 6)
    np.testing.assert_allclose(as_tensor(J, (), X.shape), 2 * X, atol=1e-8)


def test_matrix_output_and_scalar_inputs():
    J = numerical_jacobian(lambda t: np.array([[t, t ** 2], [t ** 3, 1.0]]), 2.0)
    assert J.shape == (4, 1)
    np.testing.assert_allclose(J[:, 0], [1, 4, 12, 0], atol=1e-8)
    zero_d = np.array(3.0)
    J0 = numerical_jacobian(lambda t: np.array([2 * t, t * t]), zero_d)
    np.testing.assert_allclose(J0, [[2.0], [6.0]], atol=1e-8)
    assert zero_d == 3.0


def test_identity_map_returning_its_input_still_works():
    # f returns x itself (a view): the output must be copied before x is perturbed again
    J = numerical_jacobian(lambda v: v, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(J, np.eye(3), atol=1e-9)


def test_entries_are_restored_and_closures_see_the_perturbation():
    W = np.array([[0.3, -1.2], [2.0, 0.5]])
    before = W.copy()
    x = np.array([1.0, -1.0])
    J = numerical_jacobian(lambda _: W @ x, W)  # f reads W through the closure
    assert np.array_equal(W, before)  # bitwise restored
    # d(Wx)_i / dW[a, b] = [i == a] x_b
    np.testing.assert_allclose(J, [[1, -1, 0, 0], [0, 0, 1, -1]], atol=1e-9)


def test_entries_restored_when_f_raises():
    x = np.array([1.0, 2.0])
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("boom")
        return v * 2

    with pytest.raises(RuntimeError):
        numerical_jacobian(f, x)
    assert np.array_equal(x, [1.0, 2.0])


def test_list_input_and_float32():
    np.testing.assert_allclose(numerical_jacobian(lambda v: v * 3, [1, 2]), 3 * np.eye(2), atol=1e-8)
    J32 = numerical_jacobian(lambda v: v ** 2, np.array([1.0, 2.0], dtype=np.float32), h=1e-2)
    np.testing.assert_allclose(J32, np.diag([2.0, 4.0]), rtol=1e-3)


@pytest.mark.parametrize("bad_x, error", [
    (np.array([1, 2, 3]), TypeError),  # integers would truncate x[j] + h
    ("abc", TypeError),
    (None, TypeError),
])
def test_bad_inputs_raise_clear_errors(bad_x, error):
    with pytest.raises(error):
        numerical_jacobian(lambda v: v, bad_x)


def test_integer_error_message_names_the_fix():
    with pytest.raises(TypeError, match="astype"):
        numerical_jacobian(lambda v: v, np.array([1, 2]))


def test_read_only_bad_step_non_callable_and_changing_output():
    x = np.array([1.0, 2.0])
    x.setflags(write=False)
    with pytest.raises(ValueError, match="read-only"):
        numerical_jacobian(lambda v: v, x)
    with pytest.raises(ValueError):
        numerical_jacobian(lambda v: v, np.ones(2), h=0)
    with pytest.raises(TypeError):
        numerical_jacobian("not a function", np.ones(2))
    sizes = iter([3, 3, 2, 2, 2])
    with pytest.raises(ValueError, match="fixed size"):
        numerical_jacobian(lambda v: np.zeros(next(sizes)), np.ones(2))


def test_f_that_modifies_its_input_is_reported_and_x_restored():
    x = np.array([1.0, 2.0])

    def sneaky(v):
        v[1] += 1.0  # writes into the input
        return v.copy()

    with pytest.raises(ValueError, match="modified its input"):
        numerical_jacobian(sneaky, x)
    assert np.array_equal(x, [1.0, 2.0])


def test_non_finite_output_is_an_error():
    with pytest.raises(ValueError, match="nan or inf"), np.errstate(all="ignore"):
        numerical_jacobian(lambda v: np.log(v), np.array([0.0, 1.0]))


# --- layout -----------------------------------------------------------------------------

def test_layout_conversion_is_a_transpose_and_round_trips():
    J = np.arange(6.0).reshape(2, 3)
    D = to_denominator_layout(J)
    assert D.shape == (3, 2)
    assert D[2, 1] == J[1, 2]
    np.testing.assert_array_equal(to_numerator_layout(D), J)


def test_denominator_gradient_of_a_scalar_is_a_column_like_x():
    x = np.array([0.5, -1.0, 2.0])
    J = numerical_jacobian(lambda v: v @ v, x)  # 1 x 3 row in numerator layout
    assert J.shape == (1, 3)
    D = to_denominator_layout(J)
    assert D.shape == (3, 1)
    np.testing.assert_allclose(D[:, 0], 2 * x, atol=1e-8)


def test_layout_rejects_non_matrices():
    with pytest.raises(ValueError, match="2-D"):
        to_denominator_layout(np.ones(3))
    with pytest.raises(ValueError):
        to_numerator_layout(np.ones((2, 2, 2)))


def test_jacobian_shape():
    assert jacobian_shape((3,), (4,)) == (3, 4)
    assert jacobian_shape((), (2, 5)) == (1, 10)
    assert jacobian_shape((2, 2), (3,), layout="denominator") == (3, 4)
    with pytest.raises(ValueError):
        jacobian_shape((3,), (4,), layout="sideways")


def test_as_tensor_and_as_matrix_round_trip_and_check_shapes():
    J = np.arange(24.0).reshape(4, 6)
    T = as_tensor(J, (2, 2), (3, 2))
    assert T.shape == (2, 2, 3, 2)
    np.testing.assert_array_equal(as_matrix(T, (2, 2), (3, 2)), J)
    with pytest.raises(ValueError, match="numerator layout"):
        as_tensor(J.T, (2, 2), (3, 2))  # a denominator-layout matrix is the wrong shape
    with pytest.raises(ValueError):
        as_matrix(T, (4,), (6,))


# --- standard maps, against independent hand values -----------------------------------

def test_standard_maps_bring_formulas_and_answer_no_exercise():
    """Every standard map's Jacobian is an exercise (02's sigmoid/ReLU/affine/score/softmax/
    squared-norm Jacobians, 05's derivatives): nbkit has no function for any of them, only the
    formula as text; the explorer shows the numerical Jacobian."""
    import nbkit.jacobian
    import nbkit.jacobian.standard_maps as maps

    for name in ("sigmoid_jacobian", "tanh_jacobian", "relu_jacobian", "softmax_jacobian", "affine_jacobian_x",
                 "affine_jacobian_b", "inner_product_jacobian_u", "squared_norm_jacobian",
                 "squared_norm_of_product_grads"):
        assert not hasattr(nbkit.jacobian, name) and not hasattr(maps, name)
    for key in STANDARD_MAP_KEYS:
        sm = standard_map(key)
        assert not hasattr(sm, "jacobian") and sm.formula


def test_elementwise_maps_numerical_jacobians_have_the_hand_values():
    z = np.array([1.0, -2.0, 0.0])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(numerical_jacobian(standard_map("sigmoid").forward, z), np.diag(s * (1 - s)), atol=1e-9)
    np.testing.assert_allclose(numerical_jacobian(standard_map("tanh").forward, np.zeros(2)), np.eye(2), atol=1e-9)
    np.testing.assert_allclose(numerical_jacobian(standard_map("relu").forward, np.array([-1.0, 2.0])),
                               np.diag([0.0, 1.0]), atol=1e-9)


def test_sigmoid_is_stable_and_softmax_sums_to_one():
    with np.errstate(over="raise"):
        np.testing.assert_allclose(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])
        p = softmax(np.array([1000.0, 1000.0]))
    np.testing.assert_allclose(p, [0.5, 0.5])


def _softmax_jacobian(z):
    """Written here, independently of nbkit: diag(p) - p p^T."""
    p = np.exp(z - z.max())
    p /= p.sum()
    return np.diag(p) - np.outer(p, p)


def test_softmax_map_jacobian_at_uniform_input_and_its_properties():
    n = 4
    J0 = numerical_jacobian(standard_map("softmax", n=n).forward, np.zeros(n))
    np.testing.assert_allclose(J0, np.eye(n) / n - 1 / n ** 2, atol=1e-9)
    z = np.array([0.3, -1.0, 2.0, 0.1])
    J = numerical_jacobian(standard_map("softmax", n=n).forward, z)
    np.testing.assert_allclose(J, _softmax_jacobian(z), atol=1e-9)
    np.testing.assert_allclose(J, J.T, atol=1e-9)
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-9)
    assert np.abs(J - np.diag(np.diag(J))).max() > 0.01  # not diagonal
    with pytest.raises(ValueError, match=r"\(n,\)"):
        softmax(np.ones((2, 2)))


def test_affine_and_inner_product_maps():
    sm = standard_map("affine_x", n=3, m=2)
    np.testing.assert_allclose(numerical_jacobian(sm.forward, np.ones(3)), sm.params["W"], atol=1e-9)
    sm = standard_map("affine_b", n=2)
    np.testing.assert_allclose(numerical_jacobian(sm.forward, np.ones(2)), np.eye(2), atol=1e-9)
    sm = standard_map("inner_u", n=3)
    row = numerical_jacobian(sm.forward, np.ones(3))
    assert row.shape == (1, 3)
    np.testing.assert_allclose(row[0], sm.params["h"], atol=1e-9)


def test_syllabus_squared_norm_example():
    W = np.array([[0.1, 0.5], [-0.3, 0.8]])
    x = np.array([0.2, 0.4])
    q = W @ x
    np.testing.assert_allclose(q, [0.22, 0.26])
    np.testing.assert_allclose(q @ q, 0.116)
    # grad_W = 2 q x^T and grad_x = 2 W^T q, the syllabus's hand values, numerically in both variables
    np.testing.assert_allclose(numerical_jacobian(lambda M: np.sum((M @ x) ** 2), W.copy()).reshape(2, 2),
                               [[0.088, 0.176], [0.104, 0.208]], atol=1e-9)
    np.testing.assert_allclose(numerical_jacobian(lambda v: np.sum((W @ v) ** 2), x.copy())[0], [-0.112, 0.636],
                               atol=1e-9)
    np.testing.assert_allclose(numerical_jacobian(lambda v: np.array([v @ v]), q.copy()), [[0.44, 0.52]], atol=1e-9)


def test_standard_map_shapes_and_errors():
    assert standard_map("affine_x", n=4, m=3).forward(np.ones(4)).shape == (3,)
    assert standard_map("affine_b", n=4).forward(np.ones(4)).shape == (4,)
    assert standard_map("inner_u", n=5).forward(np.ones(5)).shape == (1,)
    a, b = standard_map("affine_x", seed=1), standard_map("affine_x", seed=1)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])  # reproducible
    with pytest.raises(ValueError, match="unknown map"):
        standard_map("cosine")
    with pytest.raises(ValueError):
        standard_map("sigmoid", n=0)


# --- structure --------------------------------------------------------------------------

@pytest.mark.parametrize("J, kind", [
    (np.zeros((3, 3)), "zero"),
    (np.eye(3), "identity"),
    (np.diag([0.2, 0.0, 1.5]), "diagonal"),
    (np.array([[1.0, -2.0, 0.5]]), "row"),
    (np.outer([1.0, 2.0], [3.0, -1.0, 0.5]), "rank one"),
    (np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]]), "full"),
    (_softmax_jacobian(np.array([0.1, 0.2, -0.3])), "rank-deficient"),
])
def test_structure_kinds(J, kind):
    assert describe_structure(J).kind == kind


def test_structure_tolerates_numerical_noise():
    sm = standard_map("sigmoid", n=4)
    J = numerical_jacobian(sm.forward, np.array([0.3, -1.0, 2.0, 0.5]))
    noisy = np.diag([0.2, 0.1, 0.3, 0.15]) + 1e-11 * np.random.default_rng(0).normal(size=(4, 4))
    assert describe_structure(noisy).kind == "diagonal"
    assert describe_structure(J).kind == "diagonal"
    assert describe_structure(np.diag([0.2, 0.1]) + [[0, 1e-3], [0, 0]]).kind != "diagonal"


def test_structure_flags_and_summary():
    S = describe_structure(_softmax_jacobian(np.array([1.0, 0.0, -1.0])), constant=False)
    assert S.symmetric and S.rows_sum_to_zero and S.rank == 2
    text = S.summary()
    assert "rank 2" in text and "symmetric" in text and "rows sum to 0" in text and "changes" in text
    assert "constant" in describe_structure(np.eye(2), constant=True).summary()
    with pytest.raises(ValueError):
        describe_structure(np.ones(3))


def test_constant_detection():
    rng = np.random.default_rng(3)
    x = rng.normal(size=4)
    for key, constant in [("affine_x", True), ("affine_b", True), ("inner_u", True),
                          ("sigmoid", False), ("softmax", False), ("squared_norm_x", False)]:
        assert is_constant_jacobian(standard_map(key).forward, x) is constant, key
    # ReLU with every input positive: the probe at -x flips the mask
    assert is_constant_jacobian(standard_map("relu").forward, np.array([1.0, 2.0, 0.5, 3.0])) is False


def test_import_is_light():
    code = ("import sys, nbkit.jacobian; "
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
