"""Check several named parameters at once and say which one is wrong, and where.

    report = check_gradients(lambda: model.loss(X, y),
                             params={"W1": W1, "b1": b1}, grads={"W1": dW1, "b1": db1})
    print(report)          # one row per parameter: error, worst index, verdict
    report.ok              # False if any parameter is "wrong"
    report.assert_ok()     # raises nbkit.feedback.CheckFailed naming the culprit

``f`` takes no arguments: it recomputes the loss from the current contents of the
parameter arrays, which the check nudges in place (and restores).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from .directional import directional_check
from .numerical import as_scalar, numerical_gradient
from .relerror import DEFAULT_FLOOR, rel_error_array
from .sparse import sparse_check
from .thresholds import Thresholds, noise_floor, thresholds_for

__all__ = ["ParamCheck", "GradCheckReport", "check_gradients", "METHODS"]

METHODS = ("full", "sparse", "directional")


@dataclass
class ParamCheck:
    """One parameter's row of a :class:`GradCheckReport`.

    ``index`` is the worst entry (a tuple; None for the directional method, which
    has no single entry), ``numerical``/``analytic`` the two values there (for the
    directional method: the two slopes along the worst direction), ``error`` the
    relative error there, ``verdict`` one of "ok", "suspicious", "wrong".
    """

    name: str
    shape: tuple
    dtype: str
    method: str
    error: float
    verdict: str
    thresholds: Thresholds
    index: tuple | None = None
    numerical: float = float("nan")
    analytic: float = float("nan")
    evaluations: int = 0
    hint: str = ""
    diagnosis: str = ""
    floor: float = DEFAULT_FLOOR

    @property
    def where(self) -> str:
        if self.index is None:
            return "along a random direction" if self.method == "directional" else "-"
        return str(list(self.index))

    def sentence(self) -> str:
        """One learner-facing sentence about this parameter."""
        if self.verdict == "ok":
            return f"{self.name}: ok (max relative error {self.error:.1e})."
        if self.index is None and self.method != "directional":
            return f"{self.name}: {self.hint}"
        what = "slope" if self.method == "directional" else "value"
        at = "along a random direction" if self.index is None else f"at index {list(self.index)}"
        text = (
            f"{self.name} {at}: numerical {what} {self.numerical:.6g}, analytic "
            f"{self.analytic:.6g}, relative error {self.error:.1e} -> {self.verdict} "
            f"(ok <= {self.thresholds.ok:.0e}, wrong > {self.thresholds.wrong:.0e} for {self.dtype})."
        )
        return text + (f" {self.hint}" if self.hint else "")


@dataclass
class GradCheckReport:
    """Per-parameter results of :func:`check_gradients`; ``str()`` gives a table."""

    rows: list
    method: str
    unused_grads: list = field(default_factory=list)
    loss: float = float("nan")

    @property
    def ok(self) -> bool:
        """True when no parameter is "wrong" ("suspicious" passes, with a note)."""
        return all(r.verdict != "wrong" for r in self.rows)

    @property
    def failures(self) -> list:
        return [r for r in self.rows if r.verdict == "wrong"]

    @property
    def evaluations(self) -> int:
        """Calls of f: 1 for the loss at the unperturbed point, plus each row's."""
        return 1 + sum(r.evaluations for r in self.rows)

    def __getitem__(self, name: str) -> ParamCheck:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def _table(self):
        head = ["param", "shape", "rel. error", "worst at", "numerical", "analytic", "verdict"]
        body = [
            [r.name, str(r.shape), f"{r.error:.2e}", r.where,
             f"{r.numerical:.6g}", f"{r.analytic:.6g}", r.verdict]
            for r in self.rows
        ]
        return head, body

    def __str__(self):
        head, body = self._table()
        widths = [max(len(str(c)) for c in col) for col in zip(head, *body)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [f"gradient check ({self.method}, {self.evaluations} evaluations of f)",
                 fmt.format(*head)]
        lines += [fmt.format(*row) for row in body]
        lines += ["  " + r.sentence() for r in self.rows if r.verdict != "ok"]
        if self.unused_grads:
            lines.append(f"  grads has entries for no parameter: {', '.join(self.unused_grads)}")
        lines.append("verdict: " + ("OK" if self.ok else "WRONG: " + ", ".join(r.name for r in self.failures)))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        colour = {"ok": "#2e7d32", "suspicious": "#ef6c00", "wrong": "#c62828"}
        head, body = self._table()
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        trs = []
        for r, row in zip(self.rows, body):
            cells = "".join(f"<td>{html.escape(str(c))}</td>" for c in row[:-1])
            cells += f'<td style="color:{colour[r.verdict]};font-weight:bold">{r.verdict}</td>'
            trs.append(f"<tr>{cells}</tr>")
        notes = "".join(f"<li>{html.escape(r.sentence())}</li>" for r in self.rows if r.verdict != "ok")
        return (f"<div><b>gradient check</b> ({self.method}, {self.evaluations} evaluations of f)"
                f"<table><tr>{th}</tr>{''.join(trs)}</table>"
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")

    def assert_ok(self, exercise: str = "") -> None:
        """Raise :class:`nbkit.feedback.CheckFailed` naming the first wrong parameter."""
        if self.ok:
            return
        from ..feedback import fail

        message = "\n".join(r.sentence() for r in self.failures)
        fail(message, diagnosis=self.failures[0].diagnosis or "wrong-values", exercise=exercise)


def _hint(numerical: np.ndarray, analytic: np.ndarray, errors: np.ndarray, wrong: float, floor: float):
    """(diagnosis tag, sentence): a guess at the kind of mistake, from the full gradient."""
    def close(a, b):
        return a.shape == b.shape and np.max(rel_error_array(a, b, floor=floor)) <= wrong

    if not np.all(np.isfinite(analytic)):
        return "nan", "The analytic gradient contains nan or inf."
    if not np.any(analytic) and np.any(numerical):
        return "all-zero", "The analytic gradient is all zeros: was it ever written into?"
    if close(-analytic, numerical):
        return "sign-flipped", "It is the numerical gradient with the sign flipped."
    if numerical.ndim == 2 and numerical.shape[0] == numerical.shape[1] and close(analytic.T, numerical):
        return "transposed", "It is the transpose of the numerical gradient."
    mask = np.abs(numerical) > floor
    if mask.any():
        ratios = analytic[mask] / numerical[mask]
        ratio = float(np.median(ratios))
        if abs(ratio - 1) > 1e-3 and np.allclose(ratios, ratio, rtol=1e-3):
            tag = {2.0: "scaled-by-2", 0.5: "scaled-by-half"}.get(round(ratio, 3), "wrong-values")
            return tag, f"It is the numerical gradient times {ratio:.4g} (a missing or extra factor?)."
    bad = int(np.sum(~(errors <= wrong)))
    if 0 < bad < errors.size:
        return "some-entries", f"{bad} of {errors.size} entries disagree."
    return "wrong-values", ""


def check_gradients(f, params: dict, grads: dict, *, method: str = "full", h: float | None = None,
                    num_checks: int = 10, num_directions: int = 3, seed=None,
                    thresholds: Thresholds | None = None) -> GradCheckReport:
    """Check analytic gradients of several parameters against numerical ones.

    Args:
        f: callable with no arguments, returning the scalar loss computed from the
            current contents of the arrays in ``params`` (nudged in place, restored).
        params: name -> float ndarray (any shapes).
        grads: name -> analytic gradient, same shape as ``params[name]``.
        method: "full" (every entry, 2 * size evaluations per parameter), "sparse"
            (``num_checks`` random entries) or "directional" (``num_directions`` random
            directions, 2 evaluations each).
        h: step; default per dtype (1e-5 for float64, 1e-2 for float32).
        seed: for the sparse and directional methods.
        thresholds: override the per-dtype :data:`THRESHOLDS`.

    Entrywise errors are ``|num - ana| / max(|num| + |ana|, floor)`` with ``floor`` from
    :func:`noise_floor`: entries too small to be resolved through the rounding noise
    of f are judged by their absolute difference (costs one extra call of f).

    Returns:
        :class:`GradCheckReport`: a row per parameter with the relative error, worst
        index, numerical and analytic values there and a verdict; ``.ok``,
        ``.assert_ok()``, a text table via ``str`` and an HTML table in Jupyter.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not callable(f):
        raise TypeError(f"f must be a callable with no arguments returning the loss, got {type(f).__name__}")
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError("params and grads must be dicts mapping names to arrays")
    rng = np.random.default_rng(seed)
    loss = as_scalar(f(), "at the unperturbed parameters")  # sets the rounding-noise floor
    rows = []
    for name, p in params.items():
        if not isinstance(p, np.ndarray):
            raise TypeError(f"params[{name!r}] must be a float ndarray, got {type(p).__name__}")
        thr = thresholds or thresholds_for(p.dtype)
        step = thr.h if h is None else h
        floor = noise_floor(loss, step, p.dtype, thr.ok)
        base = dict(name=name, shape=p.shape, dtype=p.dtype.name, method=method, thresholds=thr,
                    floor=floor)
        g = grads.get(name)
        if g is None:
            rows.append(ParamCheck(**base, error=float("inf"), verdict="wrong", diagnosis="missing",
                                   hint=f"no gradient given for {name} (grads has no entry {name!r})"))
            continue
        g = np.asarray(g, dtype=np.float64)
        if g.shape != p.shape:
            rows.append(ParamCheck(**base, error=float("inf"), verdict="wrong", diagnosis="wrong-shape",
                                   hint=f"the gradient has shape {g.shape} but {name} has shape {p.shape}; "
                                        f"a gradient must have the shape of its parameter"))
            continue
        fx = lambda _: f()  # noqa: E731 - f reads p itself
        if method == "full":
            num = numerical_gradient(fx, p, h=step)
            errs = rel_error_array(num, g, floor=floor)
            pos = np.unravel_index(int(np.argmax(np.where(np.isnan(errs), np.inf, errs))), p.shape) if p.size else ()
            error = float(errs[pos]) if p.size else 0.0
            verdict = thr.verdict(error)
            diagnosis, hint = _hint(num, g, errs, thr.wrong, floor) if verdict != "ok" else ("", "")
            rows.append(ParamCheck(**base, error=error, verdict=verdict,
                                   index=tuple(int(i) for i in pos), numerical=float(num[pos]) if p.size else 0.0,
                                   analytic=float(g[pos]) if p.size else 0.0, evaluations=2 * p.size,
                                   hint=hint, diagnosis=diagnosis))
        elif method == "sparse":
            res = sparse_check(fx, p, g, num_checks=num_checks, seed=rng, h=step, floor=floor)
            i = res.worst_position
            rows.append(ParamCheck(**base, error=res.max_error, verdict=thr.verdict(res.max_error),
                                   index=res.indices[i], numerical=float(res.numerical[i]),
                                   analytic=float(res.analytic[i]), evaluations=res.evaluations))
        else:
            res = directional_check(fx, p, g, num_directions=num_directions, seed=rng, h=step)
            i = res.worst_position
            rows.append(ParamCheck(**base, error=res.max_error, verdict=thr.verdict(res.max_error),
                                   numerical=float(res.numerical[i]), analytic=float(res.analytic[i]),
                                   evaluations=res.evaluations))
    unused = [k for k in grads if k not in params]
    return GradCheckReport(rows, method, unused_grads=unused, loss=loss)
