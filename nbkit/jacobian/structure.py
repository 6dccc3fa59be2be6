"""Recognise the structure of a Jacobian numerically: zero, identity, diagonal, a row,
rank one, full; symmetric; rows summing to zero; constant in the input.

Every test compares entries with a tolerance scaled to the largest entry, because a
numerical Jacobian carries errors of about 1e-10 where the exact one has zeros.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .numerical import numerical_jacobian

__all__ = ["JacobianStructure", "describe_structure", "is_constant_jacobian"]


@dataclass(frozen=True)
class JacobianStructure:
    """What :func:`describe_structure` found in an m x n Jacobian.

    ``kind`` is one of "zero", "identity", "diagonal", "row", "rank one", "full",
    "rank-deficient"; ``constant`` is None when it was not tested.
    """

    shape: tuple[int, int]
    kind: str
    rank: int
    symmetric: bool
    rows_sum_to_zero: bool
    constant: bool | None = None

    def summary(self) -> str:
        """One line for a learner, e.g. ``"diagonal 4\u00d74, rank 4; changes with the input"``."""
        m, n = self.shape
        size = f"{m}\u00d7{n}"
        text = {
            "zero": f"all zeros ({size})",
            "identity": f"identity ({size})",
            "diagonal": f"diagonal {size}, rank {self.rank}",
            "row": f"a single row (1\u00d7{n}): the transposed gradient",
            "rank one": f"rank one {size}: an outer product",
            "full": f"full {size}, rank {self.rank}",
            "rank-deficient": f"full {size} but rank {self.rank} < {min(m, n)}",
        }[self.kind]
        extras = []
        if self.symmetric and self.kind not in ("zero", "identity", "diagonal"):
            extras.append("symmetric")
        if self.rows_sum_to_zero and self.kind != "zero":
            extras.append("rows sum to 0")
        if extras:
            text += " (" + ", ".join(extras) + ")"
        if self.constant is True:
            text += "; constant: the same at every input"
        elif self.constant is False:
            text += "; changes with the input"
        return text


def _tolerance(J: np.ndarray, rtol: float) -> float:
    return rtol * max(1.0, float(np.max(np.abs(J))) if J.size else 1.0)


def describe_structure(J, *, rtol: float = 1e-6, constant: bool | None = None) -> JacobianStructure:
    """Classify a numerator-layout Jacobian J of shape (m, n).

    Entries smaller than ``rtol * max(1, max|J|)`` count as zero (the rank uses the same
    threshold on singular values). ``constant`` is passed through (see
    :func:`is_constant_jacobian`, which needs the map, not just one J).
    """
    J = np.asarray(J, dtype=float)
    if J.ndim != 2:
        raise ValueError(f"J must be an m x n matrix, got shape {J.shape}")
    m, n = J.shape
    tol = _tolerance(J, rtol)
    rank = int(np.linalg.matrix_rank(J, tol=tol)) if J.size else 0
    square = m == n
    symmetric = bool(square and np.allclose(J, J.T, rtol=0, atol=tol))
    rows_sum_to_zero = bool(n > 1 and np.allclose(J.sum(axis=1), 0, rtol=0, atol=tol * n))

    if rank == 0:
        kind = "zero"
    elif square and np.allclose(J, np.eye(n), rtol=0, atol=tol):
        kind = "identity"
    elif square and np.allclose(J - np.diag(np.diag(J)), 0, rtol=0, atol=tol):
        kind = "diagonal"
    elif m == 1:
        kind = "row"
    elif rank == 1:
        kind = "rank one"
    elif rank == min(m, n):
        kind = "full"
    else:
        kind = "rank-deficient"
    return JacobianStructure((m, n), kind, rank, symmetric, rows_sum_to_zero, constant)


def is_constant_jacobian(f: Callable, x, *, probes: int = 3, scale: float = 2.0, seed: int = 0,
                         h: float = 1e-5, rtol: float = 1e-6, jacobian: Callable | None = None) -> bool:
    """Whether the Jacobian of ``f`` looks the same everywhere, judged at x and a few probes.

    The probes are -x (which flips every sign, so a ReLU's mask changes) and ``probes``
    points x + N(0, scale^2). ``jacobian(v)``, if given, is used instead of the numerical
    Jacobian. A numerical test: "True" means no difference was found at these points.
    """
    x = np.array(x, dtype=float)
    jac = jacobian if jacobian is not None else (lambda v: numerical_jacobian(f, v, h=h))
    reference = np.asarray(jac(x.copy()), dtype=float)
    rng = np.random.default_rng(seed)
    points = [-x] + [x + scale * rng.normal(size=x.shape) for _ in range(probes)]
    tol = _tolerance(reference, rtol) + 1e-7  # numerical Jacobians differ by ~1e-10 even when exact ones agree
    for point in points:
        other = np.asarray(jac(point), dtype=float)
        if other.shape != reference.shape or not np.allclose(other, reference, rtol=0, atol=tol):
            return False
    return True
