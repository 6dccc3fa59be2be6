"""numerical_gradient, numerical_gradient_upstream, rel_error: accuracy and bad input."""
import numpy as np
import pytest

from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream, rel_error

rng = np.random.default_rng(0)


# --- accuracy on functions with known gradients -----------------------------------

def test_python_float_input_returns_float():
    g = numerical_gradient(lambda t: t ** 3, 2.0)
    assert isinstance(g, float)
    assert abs(g - 12.0) < 1e-8


def test_python_int_input_is_treated_as_float():
    g = numerical_gradient(lambda t: 3 * t * t, 2)
    assert isinstance(g, float)
    assert abs(g - 12.0) < 1e-8


def test_zero_d_array():
    x = np.array(0.7)
    g = numerical_gradient(lambda a: float(np.sin(a)), x)
    assert g.shape == ()
    assert abs(float(g) - np.cos(0.7)) < 1e-9


def test_one_d_array_quadratic_form():
    A = rng.standard_normal((5, 5))
    x = rng.standard_normal(5)
    g = numerical_gradient(lambda v: v @ A @ v, x)
    assert g.shape == (5,)
    assert rel_error(g, (A + A.T) @ x) < 1e-8


def test_three_d_array():
    x = rng.standard_normal((2, 3, 4))
    g = numerical_gradient(lambda a: np.sum(np.tanh(a) * a), x)
    expected = np.tanh(x) + x * (1 - np.tanh(x) ** 2)
    assert g.shape == (2, 3, 4)
    assert rel_error(g, expected) < 1e-8


def test_closure_over_parameter_sees_the_nudges():
    # f ignores its argument and reads W through a closure, as a model reads its params
    W = rng.standard_normal((3, 2))
    x = rng.standard_normal(3)
    g = numerical_gradient(lambda _: float(np.sum((x @ W) ** 2)), W)
    assert rel_error(g, np.outer(x, 2 * (x @ W))) < 1e-8


def test_size_one_array_output_is_accepted():
    x = rng.standard_normal(4)
    g = numerical_gradient(lambda a: np.array([[np.sum(a ** 2)]]), x)
    assert rel_error(g, 2 * x) < 1e-8


def test_float32_input_is_accurate_to_float32_level():
    x64 = rng.standard_normal(6)
    x = x64.astype(np.float32)
    g = numerical_gradient(lambda a: np.sum(a.astype(np.float32) ** 3), x, h=1e-3)
    assert g.shape == (6,)
    assert rel_error(g, 3 * x.astype(np.float64) ** 2) < 1e-3


def test_upstream_matches_vector_jacobian_product():
    W = rng.standard_normal((4, 3))
    x = rng.standard_normal((5, 4))
    upstream = rng.standard_normal((5, 3))
    g = numerical_gradient_upstream(lambda a: np.tanh(a @ W), x, upstream)
    y = np.tanh(x @ W)
    expected = ((1 - y ** 2) * upstream) @ W.T
    assert g.shape == x.shape
    assert rel_error(g, expected) < 1e-8


def test_upstream_with_a_buffer_reusing_layer():
    # a layer that returns the same output buffer each call must not corrupt y_plus
    buf = np.empty(3)

    def layer(a):
        np.multiply(a, a, out=buf)
        return buf

    x = rng.standard_normal(3)
    upstream = rng.standard_normal(3)
    assert rel_error(numerical_gradient_upstream(layer, x, upstream), 2 * x * upstream) < 1e-8


def test_upstream_scalar_output():
    x = rng.standard_normal(3)
    g = numerical_gradient_upstream(lambda a: np.sum(a ** 2), x, np.array(2.0))
    assert rel_error(g, 4 * x) < 1e-8


# --- x is restored ------------------------------------------------------------------

def test_x_unchanged_after_sweep():
    x = rng.standard_normal((3, 3))
    before = x.copy()
    numerical_gradient(lambda a: np.sum(np.exp(a)), x)
    assert np.array_equal(x, before)


@pytest.mark.parametrize("fn", [numerical_gradient, "upstream"])
def test_restores_entry_when_f_raises(fn):
    x = np.arange(6, dtype=float).reshape(2, 3)
    before = x.copy()
    calls = {"n": 0}

    def f(a):
        calls["n"] += 1
        if calls["n"] == (4 if fn != "upstream" else 5):  # raise mid-sweep, entry 1 nudged
            raise RuntimeError("boom")
        return np.sum(a ** 2) if fn != "upstream" else a ** 2

    with pytest.raises(RuntimeError, match="boom"):
        if fn == "upstream":
            numerical_gradient_upstream(f, x, np.ones((2, 3)))
        else:
            numerical_gradient(f, x)
    assert np.array_equal(x, before)


def test_restores_when_f_raises_on_plus_side():
    x = np.array([1.0, 2.0])

    def f(a):
        if a[0] != 1.0:
            raise KeyError("nudged")
        return 0.0

    with pytest.raises(KeyError):
        numerical_gradient(f, x)
    assert x.tolist() == [1.0, 2.0]


# --- bad input ----------------------------------------------------------------------

def test_integer_array_raises_typeerror_with_advice():
    with pytest.raises(TypeError, match=r"astype\(float\)") as info:
        numerical_gradient(lambda a: np.sum(a), np.arange(3))
    assert "truncat" in str(info.value)


def test_integer_array_upstream_raises_typeerror():
    with pytest.raises(TypeError, match="integer"):
        numerical_gradient_upstream(lambda a: a, np.arange(3), np.ones(3))


def test_list_input_raises_typeerror():
    with pytest.raises(TypeError, match="numpy array"):
        numerical_gradient(lambda a: sum(a), [1.0, 2.0])


def test_non_scalar_output_points_to_upstream_version():
    with pytest.raises(ValueError, match=r"\(2, 3\).*numerical_gradient_upstream"):
        numerical_gradient(lambda a: a * 2, np.ones((2, 3)))


def test_nan_output_names_index():
    x = np.array([1.0, -1.0, 2.0])
    with pytest.raises(ValueError, match=r"x\[1\]"):
        with np.errstate(invalid="ignore"):
            numerical_gradient(lambda a: np.sum(np.sqrt(a + 1.0)), x)  # sqrt(-h) at index 1
    assert x.tolist() == [1.0, -1.0, 2.0]


def test_inf_output_in_upstream_names_index():
    x = np.array([[0.1, 0.5]])
    with pytest.raises(ValueError, match=r"x\[0, 1\] was nudged by \+h"):
        numerical_gradient_upstream(lambda a: np.where(a > 0.5, np.inf, a), x, np.ones((1, 2)))
    assert x.tolist() == [[0.1, 0.5]]


def test_upstream_non_finite_at_x_itself():
    with pytest.raises(ValueError, match="at x itself"):
        with np.errstate(divide="ignore"):
            numerical_gradient_upstream(lambda a: a / 0.0, np.ones(2), np.ones(2))


def test_f_modifying_input_is_detected_and_undone():
    x = np.array([1.0, 2.0, 3.0])

    def f(a):
        a *= 1.0001  # writes into x
        return np.sum(a)

    with pytest.raises(ValueError, match="modified its input"):
        numerical_gradient(f, x)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_upstream_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        numerical_gradient_upstream(lambda a: a, np.ones((2, 3)), np.ones((3, 2)))


@pytest.mark.parametrize("h", [0.0, -1e-5, float("nan")])
def test_bad_step_raises(h):
    with pytest.raises(ValueError, match="step h"):
        numerical_gradient(lambda a: float(np.sum(a)), np.ones(2), h=h)


def test_step_too_small_for_dtype():
    with pytest.raises(ValueError, match="too small"):
        numerical_gradient(lambda a: float(np.sum(a)), np.ones(2, dtype=np.float32), h=1e-12)


def test_non_numeric_output_raises_typeerror():
    with pytest.raises(TypeError, match="must return a number"):
        numerical_gradient(lambda a: "loss", np.ones(2))


# --- rel_error ------------------------------------------------------------------

def test_rel_error_basic_values():
    assert rel_error(1.0, 3.0) == pytest.approx(0.5)
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(np.array([1.0, 10.0]), np.array([1.0, 12.0])) == pytest.approx(2 / 22)
    assert isinstance(rel_error(1.0, 2.0), float)


def test_rel_error_two_zeros_is_zero_even_without_floor():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(0.0, 0.0, floor=0) == 0.0


def test_rel_error_symmetric_and_scale_invariant_above_floor():
    a, b = rng.standard_normal(10), rng.standard_normal(10)
    assert rel_error(a, b) == rel_error(b, a)
    assert rel_error(1e3 * a, 1e3 * b) == pytest.approx(rel_error(a, b))


def test_rel_error_floor_treats_rounding_noise_as_small():
    assert rel_error(1e-12, 0.0) < 1e-3
    assert rel_error(1e-12, 0.0, floor=0) == 1.0


def test_rel_error_shape_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"\(3,\).*\(3, 1\)"):
        rel_error(np.ones(3), np.ones((3, 1)))


def test_rel_error_nan_propagates():
    assert np.isnan(rel_error(np.array([1.0, np.nan]), np.array([1.0, 1.0])))
