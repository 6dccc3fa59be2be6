"""Checks for notebook 03: matrix gradients and the shape convention.

Every check runs the learner's own function or class on seeded random inputs. The
oracles are numerical gradients of each node's *definition* (``x @ W``,
``np.repeat(x, N, axis=0)``, ``x.sum(axis=0)``, ``x @ W + b``, ``u^T sigmoid(W x + b)``),
computed with :mod:`nbkit.gradcheck`; a wrong answer is named by :mod:`nbkit.shapes`
(``transposed``, ``missing-batch-sum``, ``wrong-axis``, ``row-vs-column``, ``rebound``...)
with a sentence about the exercise's own formula.

A case is a tuple of sizes and a seed, e.g. ``(N, D, H, seed)``: hidden test cells pass
their own. With ``hidden=True`` messages name the case by number and show no values.
"""
from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

import numpy as np

from nbkit.checks.runner import call
from nbkit.feedback import fail, passed
from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream
from nbkit.shapes import diagnose, diagnose_slot, snapshot


# -- shared helpers ----------------------------------------------------------------------

def _label(i: int, sizes: dict, hidden: bool) -> str:
    if hidden:
        return f"hidden case {i + 1}"
    return "case " + ", ".join(f"{k}={v}" for k, v in sizes.items())


def _require(result, *, label: str, exercise: str) -> None:
    """Fail with the shape checker's message when ``result`` is not ok."""
    if not result.ok:
        fail(f"{label}: {result.message}", diagnosis=result.diagnosis, exercise=exercise)


def _shape_error_hint(shapes: str, target: str = "", formula: str = "") -> Callable[[BaseException], Optional[tuple]]:
    """Turn NumPy's shape errors into shape-convention messages.

    ``target``/``formula`` name an array written into in place (``grads[0]``, ``x^T dL/dy``):
    writing its transpose there is reported as ``transposed``.
    """
    def hint(exc: BaseException):
        text = str(exc)
        if not isinstance(exc, ValueError):
            return None
        written = re.search(r"from shape \((\d+),\s*(\d+)\) into shape \((\d+),\s*(\d+)\)", text)
        if target and written and written.group(1, 2) == written.group(4, 3) and written.group(1) != written.group(2):
            got, want = f"({written[1]}, {written[2]})", f"({written[3]}, {written[4]})"
            return (f"you wrote an array of shape {got} into {target}, which has shape {want}: the "
                    f"transpose. The shape convention wants the gradient shaped like the parameter: "
                    f"{formula}. (A B)^T = B^T A^T: swap and transpose the factors.", "transposed")
        if any(word in text for word in ("mismatch", "not aligned", "broadcast")):
            return (f"a product or sum in your code does not fit the shapes: NumPy says \"{text}\".\n"
                    f"Write the shape under every factor ({shapes}) and order and transpose the factors "
                    f"so that the inner sizes agree and the result has the parameter's shape.",
                    "wrong-shape")
        return None
    return hint


def _check_forward(out, expected: np.ndarray, *, what: str, formula: str, label: str, exercise: str) -> None:
    """A node's forward output: the expected shape first, then the values."""
    try:
        array = None if out is None else np.asarray(out)
    except ValueError:  # ragged nested lists
        array = None
    if array is None or array.dtype.kind not in "iuf":
        fail(f"{label}: {what} returned {type(out).__name__ if array is None else array.dtype}: it should "
             f"return {formula}.", diagnosis="wrong-forward", exercise=exercise)
    out = array
    if out.shape != expected.shape:
        squeezed = [tuple(d for d in shape if d != 1) for shape in (out.shape, expected.shape)]
        keep = " (`keepdims=True` keeps the summed axis)" if squeezed[0] == squeezed[1] else ""
        fail(f"{label}: {what} returned shape {out.shape}, but {formula} has shape {expected.shape}{keep}.",
             diagnosis="wrong-forward", exercise=exercise)
    if not np.allclose(out, expected, rtol=1e-6, atol=1e-9):
        fail(f"{label}: {what} has the right shape {expected.shape} but the wrong values: it should "
             f"compute {formula}.", diagnosis="wrong-forward", exercise=exercise)


# -- 1. one example, column vectors: s = u^T sigmoid(W x + b) -------------------------------

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _score(W, b, u, x) -> float:
    """s = u^T sigmoid(W x + b): the definition the check differentiates."""
    return float((u.T @ _sigmoid(W @ x + b)).item())


SCORE_HINTS = {
    "transposed": "ds/dW = delta^T x^T is (n x 1)(1 x m) = n x m, like W; x delta would be m x n.",
    "row-vs-column": "delta = (u o f'(z))^T is a row (Jacobian form); the shape convention wants "
                     "ds/db = delta^T, a column like b.",
    "wrong-shape": "With column vectors: W is n x m, x is m x 1, b, u and z are n x 1.",
    "wrong-values": "delta = (u o sigmoid'(z))^T with sigmoid'(z) = sigmoid(z)(1 - sigmoid(z)); "
                    "ds/dW = delta^T x^T and ds/db = delta^T.",
}


def check_score_grads(score_grads, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``score_grads(W, b, u, x) -> (dW, db)`` for s = u^T sigmoid(W x + b).

    Shapes: W (n, m), b (n, 1), u (n, 1), x (m, 1); dW (n, m), db (n, 1).
    A case is ``(n, m, seed)``.
    """
    exercise = "score_grads"
    cases = cases or [(3, 4, 0), (2, 5, 1)]
    for i, (n, m, seed) in enumerate(cases):
        label = _label(i, dict(n=n, m=m), hidden)
        rng = np.random.default_rng(seed)
        W, b = rng.standard_normal((n, m)), rng.standard_normal((n, 1))
        u, x = rng.standard_normal((n, 1)), rng.standard_normal((m, 1))
        inputs = {"W": W, "b": b, "u": u, "x": x}
        before = snapshot(inputs)
        result = call(score_grads, W, b, u, x, what="score_grads(W, b, u, x)", exercise=exercise)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            fail("score_grads should return two arrays: (dW, db).", diagnosis="wrong-count", exercise=exercise)
        W0, b0, u0, x0 = (before[k] for k in ("W", "b", "u", "x"))
        ref_dW = numerical_gradient(lambda W_: _score(W_, b0, u0, x0), W0.copy())
        ref_db = numerical_gradient(lambda b_: _score(W0, b_, u0, x0), b0.copy())
        for grad, ref, name in ((result[0], ref_dW, "dW"), (result[1], ref_db, "db")):
            _require(diagnose(grad, ref, name=name, inputs=inputs, snapshots=before, hints=SCORE_HINTS,
                              show_values=not hidden), label=label, exercise=exercise)
    passed(f"{exercise}: dW (n x m) and db (n x 1) are shaped like W and b and match numerical gradients "
           f"on {len(cases)} {'hidden ' if hidden else ''}cases.")


# -- 2. the MatMul node y = x W, with params/grads lists ---------------------------------------

MATMUL_DX_HINTS = {
    "transposed": "For y = x W, dL/dx = dL/dy W^T: (N x H)(H x D) = N x D. W (dL/dy)^T gives the transpose.",
    "wrong-values": "dL/dx[n, i] = sum_j dL/dy[n, j] W[i, j], which is (dL/dy W^T)[n, i].",
}
MATMUL_DW_HINTS = {
    "transposed": "For y = x W, dL/dW = x^T dL/dy: (D x N)(N x H) = D x H. (dL/dy)^T x is its transpose.",
    "wrong-values": "dL/dW[i, j] = sum_n x[n, i] dL/dy[n, j], which is (x^T dL/dy)[i, j]; use the x stored "
                    "by the last forward call.",
    "rebound": "MatMul must write into the array it was created with: `self.grads[0][...] = dW`.",
}


def check_matmul(MatMul, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check a MatMul class: ``MatMul(W)`` with ``params = [W]``, ``grads = [zeros like W]``;
    ``forward(x) -> x @ W``; ``backward(dout) -> dx``, writing dW into ``grads[0]`` in place.

    Shapes: x (N, D), W (D, H), dout and y (N, H). A case is ``(N, D, H, seed)``.
    """
    exercise = "MatMul"
    cases = cases or [(4, 3, 5, 0), (2, 6, 3, 1)]
    shapes = "x is (N, D), W is (D, H), dout is (N, H)"
    for i, (N, D, H, seed) in enumerate(cases):
        label = _label(i, dict(N=N, D=D, H=H), hidden)
        rng = np.random.default_rng(seed)
        W, x, dout = rng.standard_normal((D, H)), rng.standard_normal((N, D)), rng.standard_normal((N, H))
        W0 = W.copy()
        layer = call(MatMul, W, what="MatMul(W)", exercise=exercise)
        if not (isinstance(getattr(layer, "grads", None), list) and layer.grads
                and isinstance(layer.grads[0], np.ndarray) and layer.grads[0].shape == W.shape):
            fail("MatMul(W) should set self.grads = [np.zeros_like(W)] (keep the __init__ you were given).",
                 diagnosis="wrong-init", exercise=exercise)
        held = layer.grads[0]  # what a model-level list (and the optimizer) holds
        y = call(layer.forward, x, what="MatMul.forward(x)", exercise=exercise, hint=_shape_error_hint(shapes))
        _check_forward(y, x @ W0, what="forward(x)", formula="x @ W (N x H)", label=label, exercise=exercise)
        inputs = {"dout": dout, "x": x, "W": W}
        before = snapshot(inputs)
        write_hint = _shape_error_hint(shapes, "grads[0]", "dL/dW = x^T dL/dy is (D x N)(N x H) = D x H")
        dx = call(layer.backward, dout, what="MatMul.backward(dout)", exercise=exercise, hint=write_hint)
        x0, dout0 = before["x"], before["dout"]
        ref_dx = numerical_gradient_upstream(lambda x_: x_ @ W0, x0.copy(), dout0)
        ref_dW = numerical_gradient_upstream(lambda W_: x0 @ W_, W0.copy(), dout0)
        _require(diagnose(dx, ref_dx, param=x0, name="dx", inputs=inputs, snapshots=before, hints=MATMUL_DX_HINTS,
                          show_values=not hidden), label=label, exercise=exercise)
        _require(diagnose_slot(layer.grads[0], held, ref_dW, name="grads[0]", param_name="W", batch_size=N,
                               hints=MATMUL_DW_HINTS, show_values=not hidden), label=label, exercise=exercise)
        # A second backward must leave this call's gradient in grads[0], not add to the last one.
        dout2 = rng.standard_normal((N, H))
        call(layer.backward, dout2, what="MatMul.backward(dout)", exercise=exercise)
        ref_dW2 = numerical_gradient_upstream(lambda W_: x0 @ W_, W0.copy(), dout2)
        if np.allclose(layer.grads[0], ref_dW + ref_dW2, rtol=1e-5, atol=1e-8) and \
                not np.allclose(ref_dW, 0):
            fail(f"{label}: after a second backward, grads[0] holds the sum of both calls' dW. "
                 f"Each backward call overwrites the gradient (`self.grads[0][...] = dW`); adding "
                 f"(`+=`) keeps the previous step's gradient in it.", diagnosis="accumulated", exercise=exercise)
        _require(diagnose_slot(layer.grads[0], held, ref_dW2, name="grads[0]", param_name="W", batch_size=N,
                               hints=MATMUL_DW_HINTS, show_values=not hidden), label=label, exercise=exercise)
    passed(f"{exercise}: forward is x @ W, backward returns dx = dout W^T and writes dW = x^T dout into "
           f"grads[0] in place, on {len(cases)} {'hidden ' if hidden else ''}cases.")


# -- 3. Repeat and Sum: each other's mirror ---------------------------------------------------

REPEAT_HINTS = {
    "missing-batch-sum": "Repeat copies x to N rows; in backward the N copies' gradients add up (a Sum).",
    "row-vs-column": "x is a row (1, D), so dx must be a row too: np.sum(dout, axis=0, keepdims=True).",
    "wrong-axis": "Sum over axis 0, the N copies, not axis 1, the D features.",
    "scaled-by-batch": "Each copy passes its gradient on with local gradient 1: add them, do not average.",
}
SUM_HINTS = {
    "wrong-shape": "Sum's backward is a Repeat: each of the N rows of x entered the sum with local gradient 1, "
                   "so every row of dx is a copy of dout: np.repeat(dout, N, axis=0).",
    "scaled-by-batch": "The local gradient of a sum is 1 for every term, not 1/N: that would be a mean.",
    "aliased-input": "(np.broadcast_to returns a read-only view of dout: build a real (N, D) array instead.)",
}


def check_repeat(Repeat, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``Repeat(N)``: ``forward(x)`` copies a row x (1, D) into N rows (N, D);
    ``backward(dout)`` takes (N, D) and returns dx (1, D). A case is ``(N, D, seed)``."""
    exercise = "Repeat"
    cases = cases or [(4, 3, 0), (5, 2, 1)]
    for i, (N, D, seed) in enumerate(cases):
        label = _label(i, dict(N=N, D=D), hidden)
        rng = np.random.default_rng(seed)
        x, dout = rng.standard_normal((1, D)), rng.standard_normal((N, D))
        node = call(Repeat, N, what=f"Repeat({N})", exercise=exercise)
        y = call(node.forward, x, what="Repeat.forward(x)", exercise=exercise)
        _check_forward(y, np.repeat(x, N, axis=0), what="forward(x)", formula=f"x copied into N = {N} rows (N x D)",
                       label=label, exercise=exercise)
        before = snapshot({"dout": dout})
        dx = call(node.backward, dout, what="Repeat.backward(dout)", exercise=exercise)
        ref = numerical_gradient_upstream(lambda x_: np.repeat(x_, N, axis=0), x.copy(), before["dout"])
        _require(diagnose(dx, ref, param=x, name="dx", batch_size=N, inputs={"dout": dout}, snapshots=before,
                          hints=REPEAT_HINTS, show_values=not hidden), label=label, exercise=exercise)
    passed(f"{exercise}: forward copies the row N times and backward sums the N gradients (keeping shape "
           f"(1, D)) on {len(cases)} {'hidden ' if hidden else ''}cases.")


def check_sum(Sum, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``Sum()``: ``forward(x)`` sums x (N, D) over axis 0 into a row (1, D);
    ``backward(dout)`` takes (1, D) and returns dx (N, D). A case is ``(N, D, seed)``."""
    exercise = "Sum"
    cases = cases or [(4, 3, 0), (2, 5, 1)]
    for i, (N, D, seed) in enumerate(cases):
        label = _label(i, dict(N=N, D=D), hidden)
        rng = np.random.default_rng(seed)
        x, dout = rng.standard_normal((N, D)), rng.standard_normal((1, D))
        node = call(Sum, what="Sum()", exercise=exercise)
        y = call(node.forward, x, what="Sum.forward(x)", exercise=exercise)
        _check_forward(y, x.sum(axis=0, keepdims=True), what="forward(x)",
                       formula="the sum over the N rows, a row (1 x D)", label=label, exercise=exercise)
        before = snapshot({"dout": dout})
        dx = call(node.backward, dout, what="Sum.backward(dout)", exercise=exercise)
        ref = numerical_gradient_upstream(lambda x_: x_.sum(axis=0, keepdims=True), x.copy(), before["dout"])
        _require(diagnose(dx, ref, param=x, name="dx", batch_size=N, inputs={"dout": dout}, snapshots=before,
                          hints=SUM_HINTS, show_values=not hidden), label=label, exercise=exercise)
    passed(f"{exercise}: forward sums the N rows and backward repeats dout N times on {len(cases)} "
           f"{'hidden ' if hidden else ''}cases.")


# -- 4. the batched affine layer y = x W + b ----------------------------------------------------

AFFINE_HINTS = {
    "dx": {
        "transposed": "dL/dx = dL/dy W^T: (N x H)(H x D) = N x D. W (dL/dy)^T is the transpose of that.",
        "wrong-values": "dL/dx = dL/dy W^T, one row per example.",
    },
    "dW": {
        "transposed": "dL/dW = x^T dL/dy: (D x N)(N x H) = D x H; (dL/dy)^T x is its transpose, H x D.",
        "scaled-by-batch": "dout already carries any 1/N of the loss: do not divide (or multiply) by N again.",
        "wrong-values": "dL/dW = x^T dL/dy: a sum over the batch of each example's outer product x_n^T dout_n.",
    },
    "db": {
        "missing-batch-sum": "b is added to every row of x W (a Repeat node), so db = np.sum(dout, axis=0).",
        "wrong-axis": "Sum dout over axis 0 (the N examples), not axis 1 (the H features).",
        "row-vs-column": "b has shape (H,), so db = np.sum(dout, axis=0) without keepdims.",
        "scaled-by-batch": "dout already carries any 1/N of the loss: sum over the batch, do not average.",
    },
}


def check_affine_backward(affine_backward, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``affine_backward(dout, cache) -> (dx, dW, db)`` for y = x @ W + b with
    ``cache = (x, W, b)``. Shapes: x (N, D), W (D, H), b (H,), dout (N, H).
    A case is ``(N, D, H, seed)``."""
    exercise = "affine_backward"
    cases = cases or [(4, 3, 5, 0), (6, 2, 3, 1)]
    shapes = "x is (N, D), W is (D, H), b is (H,), dout is (N, H)"
    for i, (N, D, H, seed) in enumerate(cases):
        label = _label(i, dict(N=N, D=D, H=H), hidden)
        rng = np.random.default_rng(seed)
        x, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
        dout = rng.standard_normal((N, H))
        inputs = {"dout": dout, "x": x, "W": W, "b": b}
        before = snapshot(inputs)
        result = call(affine_backward, dout, (x, W, b), what="affine_backward(dout, cache)", exercise=exercise,
                      hint=_shape_error_hint(shapes))
        if not (isinstance(result, (tuple, list)) and len(result) == 3):
            fail("affine_backward should return three arrays: (dx, dW, db).", diagnosis="wrong-count",
                 exercise=exercise)
        x0, W0, b0, dout0 = (before[k] for k in ("x", "W", "b", "dout"))
        refs = {
            "dx": numerical_gradient_upstream(lambda x_: x_ @ W0 + b0, x0.copy(), dout0),
            "dW": numerical_gradient_upstream(lambda W_: x0 @ W_ + b0, W0.copy(), dout0),
            "db": numerical_gradient_upstream(lambda b_: x0 @ W0 + b_, b0.copy(), dout0),
        }
        for grad, (name, ref) in zip(result, refs.items()):
            # dx is per example (no batch sum): batch_size only for the shared parameters.
            _require(diagnose(grad, ref, name=name, batch_size=None if name == "dx" else N, inputs=inputs,
                              snapshots=before, hints=AFFINE_HINTS[name], show_values=not hidden),
                     label=label, exercise=exercise)
    passed(f"{exercise}: dx (N x D), dW (D x H) and db (H,) are shaped like x, W, b and match numerical "
           f"gradients on {len(cases)} {'hidden ' if hidden else ''}cases.")


# -- 5. an SGD step that the layers can see ---------------------------------------------------------

SGD_HINTS = {
    "rebound": "Here the layers hold W and b themselves: they never see a new array put into the list. "
               "Update in place: `param -= lr * grad`.",
    "sign-flipped": "Gradient descent subtracts: param <- param - lr * grad.",
    "wrong-values": "The step is param_new - param_old = -lr * grad for every entry.",
}


def check_sgd_step(sgd_step, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``sgd_step(params, grads, lr)``: updates every array in ``params`` in place,
    ``param <- param - lr * grad``, leaving ``grads`` unchanged. A case is ``(lr, seed)``."""
    exercise = "sgd_step"
    cases = cases or [(0.1, 0), (0.01, 1)]
    for i, (lr, seed) in enumerate(cases):
        label = _label(i, dict(lr=lr), hidden)
        rng = np.random.default_rng(seed)
        W, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
        params, grads = [W, b], [rng.standard_normal((3, 4)), rng.standard_normal(4)]
        held = list(params)  # the arrays the layers hold
        old = [p.copy() for p in params]
        grad_inputs = {"grads[0]": grads[0], "grads[1]": grads[1]}
        before = snapshot(grad_inputs)
        call(sgd_step, params, grads, lr, what="sgd_step(params, grads, lr)", exercise=exercise)
        for k in range(2):
            name = f"params[{k}]"
            _require(diagnose_slot(params[k], held[k], None, param=old[k], name=name, param_name=name,
                                   inputs=grad_inputs, snapshots=before, hints=SGD_HINTS),
                     label=label, exercise=exercise)
            step = held[k] - old[k]
            _require(diagnose(step, -lr * before[f"grads[{k}]"], name=f"the step of {name}", param_name=name,
                              hints=SGD_HINTS, show_values=not hidden), label=label, exercise=exercise)
    passed(f"{exercise}: every parameter moved by -lr * grad, in place (the layers see it), on {len(cases)} "
           f"{'hidden ' if hidden else ''}cases.")
