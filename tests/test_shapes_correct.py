"""Correct gradients must never be flagged by nbkit.shapes, however they were computed."""
import numpy as np
import pytest

from nbkit.shapes import diagnose


def random_shape(rng):
    return tuple(int(d) for d in rng.integers(1, 6, size=rng.integers(0, 4)))


def correct_variants(reference, rng):
    """The same gradient as it might come back from correct code."""
    scale = float(np.abs(reference).max()) if reference.size else 0.0
    yield reference.copy()
    yield reference + 1e-9 * scale * rng.standard_normal(reference.shape)  # rounding noise
    yield reference.astype(np.float32)
    yield reference.copy(order="F")  # other memory order, same values
    if reference.ndim:
        yield reference.tolist()


def test_random_correct_gradients_are_never_flagged():
    rng = np.random.default_rng(0)
    for trial in range(400):
        shape = random_shape(rng)
        kind = trial % 4
        if kind == 0:
            reference = rng.standard_normal(shape)
        elif kind == 1:
            reference = np.zeros(shape)  # zero reference
        elif kind == 2:
            reference = rng.standard_normal(shape) * 10.0 ** rng.integers(-6, 7)  # any scale
        else:
            reference = rng.integers(-3, 4, size=shape).astype(float)  # repeated values, zeros
        batch_size = int(rng.integers(1, 6))
        for grad in correct_variants(reference, rng):
            result = diagnose(grad, reference, name="dW", batch_size=batch_size,
                              inputs={"x": rng.standard_normal(shape)})
            assert result.ok, (shape, result.message)
            assert result.diagnosis == "ok"


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_square_and_symmetric_references(n):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n))
    symmetric = a + a.T
    for reference in (a, symmetric, np.eye(n), np.zeros((n, n))):
        assert diagnose(reference.copy(), reference).ok
        assert diagnose(reference.T.copy(), reference).ok == np.allclose(reference, reference.T)


@pytest.mark.parametrize("shape", [(), (1,), (1, 1), (1, 1, 1)])
def test_one_element_arrays(shape):
    reference = np.full(shape, -0.25)
    assert diagnose(np.full(shape, -0.25), reference).ok
    assert diagnose(np.float32(-0.25) * np.ones(shape, np.float32), reference).ok
    assert diagnose(np.zeros(shape), np.zeros(shape)).ok
    if shape == ():
        assert diagnose(-0.25, reference).ok  # a Python float for a scalar parameter


def affine_backward_loops(x, W, upstream):
    """dW and db of y = x W + b with explicit loops (a correct alternative)."""
    N, D = x.shape
    H = W.shape[1]
    dW, db = np.zeros((D, H)), np.zeros(H)
    for n in range(N):
        for d in range(D):
            for h in range(H):
                dW[d, h] += x[n, d] * upstream[n, h]
        db += upstream[n]
    return dW, db


def affine_backward_vectorised(x, W, upstream):
    return x.T @ upstream, upstream.sum(axis=0)


def affine_backward_einsum_float32(x, W, upstream):
    x32, up32 = x.astype(np.float32), upstream.astype(np.float32)
    return np.einsum("nd,nh->dh", x32, up32), np.add.reduce(up32, axis=0)


@pytest.mark.parametrize("implementation", [affine_backward_loops, affine_backward_vectorised,
                                            affine_backward_einsum_float32])
@pytest.mark.parametrize("N, D, H", [(4, 3, 5), (3, 3, 3), (1, 2, 1), (16, 8, 8)])
def test_correct_alternatives_pass(implementation, N, D, H):
    rng = np.random.default_rng(N * 100 + D * 10 + H)
    x, W, upstream = rng.standard_normal((N, D)), rng.standard_normal((D, H)), rng.standard_normal((N, H))
    dW_ref, db_ref = affine_backward_vectorised(x, W, upstream)
    dW, db = implementation(x, W, upstream)
    assert diagnose(dW, dW_ref, param=W, name="dW", batch_size=N, inputs=[x, W, upstream]).ok
    assert diagnose(db, db_ref, name="db", batch_size=N, inputs=[x, W, upstream]).ok


def test_correct_gradient_passes_with_unchanged_inputs_and_snapshots():
    from nbkit.shapes import snapshot

    rng = np.random.default_rng(1)
    x, upstream = rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
    inputs = {"x": x, "upstream": upstream}
    before = snapshot(inputs)
    dW = x.T @ upstream
    assert diagnose(dW, x.T @ upstream, name="dW", inputs=inputs, snapshots=before).ok


def test_numerical_gradients_as_references_pass_correct_code():
    # The notebook checks compare learners' gradients with numerical ones: their O(h^2)
    # and rounding error must stay inside the checker's tolerance.
    from nbkit.gradcheck import numerical_gradient_upstream

    rng = np.random.default_rng(7)
    for N, D, H in [(4, 3, 5), (3, 3, 3), (8, 6, 2)]:
        x, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
        upstream = rng.standard_normal((N, H))
        affine = lambda: x @ W + b  # noqa: E731 - reads x, W, b as they are nudged
        for name, param, analytic in (("dW", W, x.T @ upstream), ("db", b, upstream.sum(axis=0)),
                                      ("dx", x, upstream @ W.T)):
            reference = numerical_gradient_upstream(lambda _: affine(), param, upstream)
            assert diagnose(analytic, reference, param=param, name=name, batch_size=N).ok
            assert diagnose(analytic.astype(np.float32), reference, param=param, name=name).ok
