"""Checks for notebook 03: matrix gradients and the shape convention.

Every check runs the learner's own function or class on seeded random inputs. The
oracles are numerical gradients of each node's *definition* (``x @ W``,
``np.repeat(x, N, axis=0)``, ``x.sum(axis=0)``, ``x @ W + b``, ``u^T sigmoid(W x + b)``),
computed with :mod:`nbkit.gradcheck`; a wrong answer is named by :mod:`nbkit.shapes`
(``transposed``, ``missing-batch-sum``, ``wrong-axis``, ``row-vs-column``, ``rebound``...)
with a sentence about the exercise's own formula: ``*_HINTS`` add a sentence to the
shape checker's, ``*_ADVICE`` replace its generic cause and remedy where those would
point at another exercise's idea (an SGD step is not told about the chain rule).

A case is a tuple of sizes and a seed, e.g. ``(N, D, H, seed)``: hidden test cells pass
their own. With ``hidden=True`` messages name the case by number and show no values.
"""
from __future__ import annotations

import re
from typing import Callable, Dict, Optional, Sequence

import numpy as np

from nbkit.checks.definitions import sigmoid
from nbkit.checks.kit import Exercise, close
from nbkit.checks.runner import learner_line
from nbkit.gradcheck import numerical_gradient, numerical_gradient_upstream
from nbkit.shapes import diagnose, diagnose_slot, snapshot

# -- shared helpers ----------------------------------------------------------------------

_OPERAND = r"([A-Za-z_][\w.]*(?:\[\d+\])?(?:\.T)?)"
_PRODUCT = re.compile(_OPERAND + r"\s*@\s*" + _OPERAND + r"|(?:np\.)?(?:dot|matmul)\(\s*" + _OPERAND
                      + r"\s*,\s*" + _OPERAND + r"\s*\)")
_UPSTREAM_NAMES = {"dout", "dy", "upstream", "dL_dy", "grad_out", "grad_y", "delta"}


def _products(N: int, D: int, H: int) -> Dict[str, str]:
    """The three products of y = x W with their shapes: what each must be written as."""
    return {
        "y": f"the forward product is y = x W: `x @ W`, ({N}, {D})({D}, {H}) = ({N}, {H}).",
        "dx": f"that product is dx's, which must come out ({N}, {D}) like x: dx = dL/dy W^T, `dout @ W.T`, "
              f"({N}, {H})({H}, {D}) = ({N}, {D}).",
        "dW": f"that product is dW's, which must come out ({D}, {H}) like W: dW = x^T dL/dy, `x.T @ dout`, "
              f"({D}, {N})({N}, {H}) = ({D}, {H}).",
    }


def _shape_error_hint(N: int, D: int, H: int, target: str = "") -> Callable[[BaseException], Optional[tuple]]:
    """Turn NumPy's shape errors in y = x W (+ b) code into a sentence about the product at fault.

    The learner's line (``dx = dout @ W``) is read from the traceback: its factors are named
    with their shapes, and whether it is the product for y, dx or dW, with the right one.
    ``target`` names an array written into in place (``grads[0]``): writing its transpose
    there is reported as ``transposed``.
    """
    sizes = {"x": (N, D), "W": (D, H), "dout": (N, H), "params[0]": (D, H)}
    products = _products(N, D, H)

    def operand(text: str):
        base = text[:-2] if text.endswith(".T") else text
        base = base.split(".")[-1] if not base.endswith("]") else base.split(".", 1)[-1]
        base = "dout" if base in _UPSTREAM_NAMES else {"params[0]": "W"}.get(base, base)
        if base not in sizes:
            return None
        return base, sizes[base][::-1] if text.endswith(".T") else sizes[base]

    def hint(exc: BaseException):
        text = str(exc)
        if not isinstance(exc, ValueError):
            return None
        written = re.search(r"from shape \((\d+),\s*(\d+)\) into shape \((\d+),\s*(\d+)\)", text)
        if target and written and written.group(1, 2) == written.group(4, 3) and written.group(1) != written.group(2):
            got, want = f"({written[1]}, {written[2]})", f"({written[3]}, {written[4]})"
            return (f"you wrote an array of shape {got} into {target}, which has shape {want}: the "
                    f"transpose. The shape convention wants the gradient shaped like the parameter: "
                    f"{products['dW']} (A B)^T = B^T A^T: swap and transpose the factors.", "transposed")
        if not any(word in text for word in ("mismatch", "not aligned", "broadcast")):
            return None
        line = learner_line(exc).split("#")[0].strip()
        found = _PRODUCT.search(line)
        if found:
            a, b = [g for g in found.groups() if g][:2]
            pa, pb = operand(a), operand(b)
            if pa and pb and pa[1][-1] != pb[1][0]:
                names = {pa[0], pb[0]}
                which = "y" if names == {"x", "W"} else ("dW" if "x" in names else "dx")
                return (f"`{line}` multiplies {a} {pa[1]} by {b} {pb[1]}: the inner sizes {pa[1][-1]} and "
                        f"{pb[1][0]} differ, so there is no such product. In y = x W, {products[which]}",
                        "wrong-shape")
        return (f"a product or sum in your code does not fit the shapes (x is ({N}, {D}), W ({D}, {H}), dout "
                f"({N}, {H})). Write the shape under every factor: {products['dx']} And {products['dW']}",
                "wrong-shape")
    return hint


def _check_forward(ex: Exercise, out, expected: np.ndarray, *, what: str, formula: str, case: str) -> None:
    """A node's forward output: the expected shape first, then the values."""
    try:
        array = None if out is None else np.asarray(out)
    except ValueError:  # ragged nested lists
        array = None
    if array is None or array.dtype.kind not in "iuf":
        ex.fail(f"{case}: {what} returned {type(out).__name__ if array is None else array.dtype}: it should "
                f"return {formula}.", "wrong-forward")
    if array.shape != expected.shape:
        squeezed = [tuple(d for d in shape if d != 1) for shape in (array.shape, expected.shape)]
        keep = " (`keepdims=True` keeps the summed axis)" if squeezed[0] == squeezed[1] else ""
        ex.fail(f"{case}: {what} returned shape {array.shape}, but {formula} has shape {expected.shape}{keep}.",
                "wrong-forward")
    if not close(array, expected):
        ex.fail(f"{case}: {what} has the right shape {expected.shape} but the wrong values: it should "
                f"compute {formula}.", "wrong-forward")


def _sizes(ex: Exercise, i: int, **sizes) -> str:
    return ex.case(i, "case " + ", ".join(f"{k}={v}" for k, v in sizes.items()))


# -- 1. one example, column vectors: s = u^T sigmoid(W x + b) -------------------------------

def _score(W, b, u, x) -> float:
    """s = u^T sigmoid(W x + b): the definition the check differentiates."""
    return float((u.T @ sigmoid(W @ x + b)).item())


SCORE_HINTS = {
    "transposed": "ds/dW = delta^T x^T is (m x 1)(1 x n) = m x n, like W; x delta would be n x m.",
    "row-vs-column": "delta = (u o f'(z))^T is a row (Jacobian form); the shape convention wants "
                     "ds/db = delta^T, a column like b.",
    "wrong-shape": "With column vectors: W is m x n, x is n x 1, b, u and z are m x 1.",
    "wrong-values": "delta = (u o sigmoid'(z))^T with sigmoid'(z) = sigmoid(z)(1 - sigmoid(z)); "
                    "ds/dW = delta^T x^T and ds/db = delta^T.",
}


def check_score_grads(score_grads, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``score_grads(W, b, u, x) -> (dW, db)`` for s = u^T sigmoid(W x + b).

    Shapes: W (m, n), b (m, 1), u (m, 1), x (n, 1); dW (m, n), db (m, 1), as in notebook 02.
    A case is ``(m, n, seed)``.
    """
    ex = Exercise("score_grads", hidden=hidden)
    cases = cases or [(3, 4, 0), (2, 5, 1)]
    for i, (m, n, seed) in enumerate(cases):
        case = _sizes(ex, i, m=m, n=n)
        rng = np.random.default_rng(seed)
        W, b = rng.standard_normal((m, n)), rng.standard_normal((m, 1))
        u, x = rng.standard_normal((m, 1)), rng.standard_normal((n, 1))
        inputs = {"W": W, "b": b, "u": u, "x": x}
        before = snapshot(inputs)
        result = ex.returned(ex.call(score_grads, W, b, u, x, what="score_grads(W, b, u, x)"), 2,
                             what="score_grads", names="two arrays, (dW, db)")
        W0, b0, u0, x0 = (before[k] for k in ("W", "b", "u", "x"))
        ref_dW = numerical_gradient(lambda W_: _score(W_, b0, u0, x0), W0.copy())
        ref_db = numerical_gradient(lambda b_: _score(W0, b_, u0, x0), b0.copy())
        for grad, ref, name in ((result[0], ref_dW, "dW"), (result[1], ref_db, "db")):
            ex.require(diagnose(grad, ref, name=name, inputs=inputs, snapshots=before, hints=SCORE_HINTS,
                                show_values=not ex.hidden), case)
    ex.passed(f"dW (m x n) and db (m x 1) are shaped like W and b and match numerical gradients "
              f"on {ex.count(len(cases))}.")


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
    ex = Exercise("MatMul", hidden=hidden)
    ex.require_class(MatMul)
    cases = cases or [(4, 3, 5, 0), (2, 6, 3, 1)]
    for i, (N, D, H, seed) in enumerate(cases):
        case = _sizes(ex, i, N=N, D=D, H=H)
        rng = np.random.default_rng(seed)
        W, x, dout = rng.standard_normal((D, H)), rng.standard_normal((N, D)), rng.standard_normal((N, H))
        W0 = W.copy()
        layer = ex.call(MatMul, W, what="MatMul(W)")
        if not (isinstance(getattr(layer, "grads", None), list) and layer.grads
                and isinstance(layer.grads[0], np.ndarray) and layer.grads[0].shape == W.shape):
            ex.fail("MatMul(W) should set self.grads = [np.zeros_like(W)] (keep the __init__ you were given).",
                    "wrong-init")
        held = layer.grads[0]  # what a model-level list (and the optimizer) holds
        forward, backward = ex.method(layer, "forward"), ex.method(layer, "backward")
        y = ex.call(forward, x, what="MatMul.forward(x)", hint=_shape_error_hint(N, D, H))
        _check_forward(ex, y, x @ W0, what="forward(x)", formula="x @ W (N x H)", case=case)
        inputs = {"dout": dout, "x": x, "W": W}
        before = snapshot(inputs)
        dx = ex.call(backward, dout, what="MatMul.backward(dout)", hint=_shape_error_hint(N, D, H, "grads[0]"))
        x0, dout0 = before["x"], before["dout"]
        ref_dx = numerical_gradient_upstream(lambda x_: x_ @ W0, x0.copy(), dout0)
        ref_dW = numerical_gradient_upstream(lambda W_: x0 @ W_, W0.copy(), dout0)
        ex.require(diagnose(dx, ref_dx, param=x0, name="dx", inputs=inputs, snapshots=before,
                            hints=MATMUL_DX_HINTS, show_values=not ex.hidden), case)
        ex.require(diagnose_slot(layer.grads[0], held, ref_dW, name="grads[0]", param_name="W", batch_size=N,
                                 hints=MATMUL_DW_HINTS, show_values=not ex.hidden), case)
        # A second backward must leave this call's gradient in grads[0], not add to the last one.
        dout2 = rng.standard_normal((N, H))
        ex.call(backward, dout2, what="MatMul.backward(dout)")
        ref_dW2 = numerical_gradient_upstream(lambda W_: x0 @ W_, W0.copy(), dout2)
        if close(layer.grads[0], ref_dW + ref_dW2, 1e-5) and not close(ref_dW, 0 * ref_dW):
            ex.fail(f"{case}: after a second backward, grads[0] holds the sum of both calls' dW. "
                    f"Each backward call overwrites the gradient (`self.grads[0][...] = dW`); adding "
                    f"(`+=`) keeps the previous step's gradient in it.", "accumulated")
        ex.require(diagnose_slot(layer.grads[0], held, ref_dW2, name="grads[0]", param_name="W", batch_size=N,
                                 hints=MATMUL_DW_HINTS, show_values=not ex.hidden), case)
    ex.passed(f"forward is x @ W, backward returns dx = dout W^T and writes dW = x^T dout into "
              f"grads[0] in place, on {ex.count(len(cases))}.")


# -- 3. Repeat and Sum: each other's mirror ---------------------------------------------------

REPEAT_HINTS = {
    "missing-batch-sum": "Repeat copies x to N rows; in backward the N copies' gradients add up (a Sum).",
    "row-vs-column": "x is a row (1, D), so dx must be a row too: np.sum(dout, axis=0, keepdims=True).",
    "wrong-axis": "Sum over axis 0, the N copies, not axis 1, the D features.",
}
_REPEAT_FACTOR = ("Each of the N copies passes its gradient back with local gradient exactly +1, so dx is the plain "
                  "sum of dout's rows, with no sign or factor.\nTry: np.sum(dout, axis=0, keepdims=True).")
REPEAT_ADVICE = {
    "sign-flipped": _REPEAT_FACTOR, "scaled-by-2": _REPEAT_FACTOR, "scaled-by-half": _REPEAT_FACTOR,
    "scaled-by-batch": "Each of the N copies passes its gradient on with local gradient 1, so the copies' "
                       "gradients add up: a mean divides their sum by N, which Repeat's forward never did.\n"
                       "Try: np.sum(dout, axis=0, keepdims=True), not np.mean.",
}
SUM_HINTS = {
    "wrong-shape": "Sum's backward is a Repeat: each of the N rows of x entered the sum with local gradient 1, "
                   "so every row of dx is a copy of dout: np.repeat(dout, N, axis=0).",
}
_SUM_FACTOR = ("Every row of x enters the sum with local gradient exactly +1, so every row of dx is dout itself, "
               "with no sign or factor.\nTry: np.repeat(dout, N, axis=0).")
SUM_ADVICE = {
    "sign-flipped": _SUM_FACTOR, "scaled-by-2": _SUM_FACTOR, "scaled-by-half": _SUM_FACTOR,
    "scaled-by-batch": "The local gradient of a sum is 1 for every term, not 1/N (that would be a mean, which "
                       "Sum's forward does not take).\nTry: every row of dx is dout itself: np.repeat(dout, N, axis=0).",
    "aliased-input": "A writeable view of dout lets a later in-place update of either array change the other. "
                     "(A read-only view such as np.broadcast_to(dout, x.shape) is fine.)\n"
                     "Try: np.repeat(dout, N, axis=0), or np.broadcast_to(dout, x.shape).",
}


def _check_mirror(ex: Exercise, node_class, make_node, cases, *, x_shape, dout_shape, definition, formula,
                  hints, advice) -> None:
    """Repeat and Sum: forward against its definition, backward against a numerical gradient."""
    ex.require_class(node_class)
    for i, (N, D, seed) in enumerate(cases):
        case = _sizes(ex, i, N=N, D=D)
        rng = np.random.default_rng(seed)
        x, dout = rng.standard_normal(x_shape(N, D)), rng.standard_normal(dout_shape(N, D))
        node = ex.call(make_node, N, what=f"{ex.name}(...)")
        y = ex.call(ex.method(node, "forward"), x, what=f"{ex.name}.forward(x)")
        _check_forward(ex, y, definition(x, N), what="forward(x)", formula=formula(N), case=case)
        before = snapshot({"dout": dout})
        dx = ex.call(ex.method(node, "backward"), dout, what=f"{ex.name}.backward(dout)")
        ref = numerical_gradient_upstream(lambda x_: definition(x_, N), x.copy(), before["dout"])
        ex.require(diagnose(dx, ref, param=x, name="dx", batch_size=N, inputs={"dout": dout}, snapshots=before,
                            hints=hints, advice=advice, show_values=not ex.hidden), case)


def check_repeat(Repeat, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``Repeat(N)``: ``forward(x)`` copies a row x (1, D) into N rows (N, D);
    ``backward(dout)`` takes (N, D) and returns dx (1, D). A case is ``(N, D, seed)``."""
    ex = Exercise("Repeat", hidden=hidden)
    cases = cases or [(4, 3, 0), (5, 2, 1)]
    _check_mirror(ex, Repeat, lambda N: Repeat(N), cases, x_shape=lambda N, D: (1, D), dout_shape=lambda N, D: (N, D),
                  definition=lambda x, N: np.repeat(x, N, axis=0), formula=lambda N: f"x copied into N = {N} rows (N x D)",
                  hints=REPEAT_HINTS, advice=REPEAT_ADVICE)
    ex.passed(f"forward copies the row N times and backward sums the N gradients (keeping shape "
              f"(1, D)) on {ex.count(len(cases))}.")


def check_sum(Sum, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``Sum()``: ``forward(x)`` sums x (N, D) over axis 0 into a row (1, D);
    ``backward(dout)`` takes (1, D) and returns dx (N, D), a new array or a read-only view
    (``np.broadcast_to``), never a writeable view of dout. A case is ``(N, D, seed)``."""
    ex = Exercise("Sum", hidden=hidden)
    cases = cases or [(4, 3, 0), (2, 5, 1)]
    _check_mirror(ex, Sum, lambda N: Sum(), cases, x_shape=lambda N, D: (N, D), dout_shape=lambda N, D: (1, D),
                  definition=lambda x, N: x.sum(axis=0, keepdims=True),
                  formula=lambda N: "the sum over the N rows, a row (1 x D)", hints=SUM_HINTS, advice=SUM_ADVICE)
    ex.passed(f"forward sums the N rows and backward repeats dout N times on {ex.count(len(cases))}.")


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
    ex = Exercise("affine_backward", hidden=hidden)
    cases = cases or [(4, 3, 5, 0), (6, 2, 3, 1)]
    for i, (N, D, H, seed) in enumerate(cases):
        case = _sizes(ex, i, N=N, D=D, H=H)
        rng = np.random.default_rng(seed)
        x, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
        dout = rng.standard_normal((N, H))
        inputs = {"dout": dout, "x": x, "W": W, "b": b}
        before = snapshot(inputs)
        result = ex.returned(ex.call(affine_backward, dout, (x, W, b), what="affine_backward(dout, cache)",
                                     hint=_shape_error_hint(N, D, H)), 3,
                             what="affine_backward", names="three arrays, (dx, dW, db)")
        x0, W0, b0, dout0 = (before[k] for k in ("x", "W", "b", "dout"))
        refs = {
            "dx": numerical_gradient_upstream(lambda x_: x_ @ W0 + b0, x0.copy(), dout0),
            "dW": numerical_gradient_upstream(lambda W_: x0 @ W_ + b0, W0.copy(), dout0),
            "db": numerical_gradient_upstream(lambda b_: x0 @ W0 + b_, b0.copy(), dout0),
        }
        for grad, (name, ref) in zip(result, refs.items()):
            # dx is per example (no batch sum): batch_size only for the shared parameters.
            ex.require(diagnose(grad, ref, name=name, batch_size=None if name == "dx" else N, inputs=inputs,
                                snapshots=before, hints=AFFINE_HINTS[name], show_values=not ex.hidden), case)
    ex.passed(f"dx (N x D), dW (D x H) and db (H,) are shaped like x, W, b and match numerical "
              f"gradients on {ex.count(len(cases))}.")


# -- 5. an SGD step that the layers can see ---------------------------------------------------------

_SGD_STEP = ("The step of every entry is exactly -lr * grad: param_new - param_old = -lr * grad, with lr "
             "as given (no clipping or rescaling) and the gradient as given.\nTry: `param -= lr * grad`.")
SGD_HINTS = {
    "rebound": "Here the layers hold W and b themselves: they never see a new array put into the list. "
               "Update in place: `param -= lr * grad`.",
}
SGD_ADVICE = {
    "sign-flipped": "Gradient descent steps against the gradient: param <- param - lr * grad.\n"
                    "Try: `param -= lr * grad` (not `+=`).",
    "input-modified": "sgd_step only reads the gradients: changing them (zeroing them, say) is not its job. "
                      "The next backward overwrites them, and the caller may still want to read them.\n"
                      "Try: leave grads as they are; only the params move.",
    "scaled-by-2": _SGD_STEP, "scaled-by-half": _SGD_STEP, "scaled-by-batch": _SGD_STEP, "wrong-values": _SGD_STEP,
}


def check_sgd_step(sgd_step, cases: Optional[Sequence] = None, hidden: bool = False) -> None:
    """Check ``sgd_step(params, grads, lr)``: updates every array in ``params`` in place,
    ``param <- param - lr * grad``, leaving ``grads`` unchanged. A case is ``(lr, seed)``."""
    ex = Exercise("sgd_step", hidden=hidden)
    cases = cases or [(0.1, 0), (0.01, 1)]
    for i, (lr, seed) in enumerate(cases):
        case = _sizes(ex, i, lr=lr)
        rng = np.random.default_rng(seed)
        W, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
        params, grads = [W, b], [rng.standard_normal((3, 4)), rng.standard_normal(4)]
        held = list(params)  # the arrays the layers hold
        old = [p.copy() for p in params]
        grad_inputs = {"grads[0]": grads[0], "grads[1]": grads[1]}
        before = snapshot(grad_inputs)
        ex.call(sgd_step, params, grads, lr, what="sgd_step(params, grads, lr)")
        for k in range(2):
            name = f"params[{k}]"
            ex.require(diagnose_slot(params[k], held[k], None, param=old[k], name=name, param_name=name,
                                     inputs=grad_inputs, snapshots=before, hints=SGD_HINTS,
                                     advice=SGD_ADVICE), case)
            if params[k] is held[k] and np.array_equal(held[k], old[k]):
                ex.fail(f"{case}: {name} did not move: it holds the same values as before the call. "
                        f"`p = p - lr * g` inside the loop makes the loop variable p name a new array and "
                        f"leaves the array in the list (the one the layer holds) untouched.\n"
                        f"Try: update in place: `p -= lr * g` (or `p[...] = p - lr * g`).", "rebound")
            ex.require(diagnose(held[k] - old[k], -lr * before[f"grads[{k}]"], name=f"the step of {name}",
                                param_name=name, advice=SGD_ADVICE, show_values=not ex.hidden), case)
    ex.passed(f"every parameter moved by -lr * grad, in place (the layers see it), on {ex.count(len(cases))}.")
