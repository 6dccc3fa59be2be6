"""Call the learner's code from a check and turn what goes wrong into a clear message."""
from __future__ import annotations

import os
import traceback
from typing import Any, Callable, Optional

import numpy as np

from nbkit.feedback import CheckFailed, fail

_NBKIT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def learner_frames(exc: BaseException) -> str:
    """The traceback lines that point into the learner's notebook, not into nbkit."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if not os.path.abspath(f.filename).startswith(_NBKIT_DIR)]
    shown = own[-2:] if own else frames[-1:]
    return "\n".join(f"  in {f.name}(), line {f.lineno}: {f.line}" for f in shown if f.line)


def learner_line(exc: BaseException) -> str:
    """The source line of the learner's code where ``exc`` was raised ("" if none is theirs)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not os.path.abspath(f.filename).startswith(_NBKIT_DIR)]
    return (frames[-1].line or "").strip() if frames else ""


def call(fn: Callable, *args, what: str, exercise: str, hint: Optional[Callable] = None, **kwargs) -> Any:
    """Run ``fn(*args, **kwargs)``; if it raises, fail with a message about ``what``.

    ``what`` names the call in the learner's terms, e.g. ``"MulGate.backward(upstream=2.0)"``.
    ``hint(exc)`` may return ``(message, diagnosis)`` for an exception that signals a known
    mistake (e.g. a TypeError on None when nodes run out of order), or None.
    """
    try:
        return fn(*args, **kwargs)
    except CheckFailed:
        raise
    except NotImplementedError:
        fail(
            f"{what} is not written yet: it still raises NotImplementedError.\n"
            f"Replace the `raise NotImplementedError()` line in the exercise cell with your code, "
            f"run that cell, then run this check again.",
            diagnosis="not-implemented", exercise=exercise,
        )
    except Exception as exc:  # the learner's code crashed: show where, in their code
        known = hint(exc) if hint else None
        if known:
            fail(known[0], diagnosis=known[1], exercise=exercise)
        where = learner_frames(exc)
        fail(
            f"{what} raised {type(exc).__name__}: {exc}\n{where}".rstrip(),
            diagnosis="raised-" + type(exc).__name__, exercise=exercise,
        )


def as_float(value: Any, *, what: str, exercise: str) -> float:
    """Convert a learner's scalar answer to float, failing clearly on arrays or None."""
    if value is None:
        fail(f"{what} returned None: did you forget a `return` statement?",
             diagnosis="returned-none", exercise=exercise)
    arr = np.asarray(value)
    if arr.dtype == object or arr.size != 1:
        fail(f"{what} should be a single number, but it is {value!r} (shape {arr.shape}).",
             diagnosis="not-a-scalar", exercise=exercise)
    return float(arr.reshape(()))


def close(a: float, b: float, tol: float = 1e-6) -> bool:
    """|a - b| small relative to their size (absolute near zero): :func:`nbkit.checks.kit.close`,
    the one closeness rule (kept here for older callers)."""
    from nbkit.checks.kit import close as _close  # kit imports this module: import at call time

    return _close(a, b, tol)
