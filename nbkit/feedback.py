"""What a learner sees when a check passes or fails.

A failed check raises :class:`CheckFailed`. It is an ``AssertionError`` (so nbgrader
counts the test cell as failed) that renders in Jupyter as its message alone, without a
traceback through nbkit's internals: IPython calls ``_render_traceback_`` when an
exception defines it, and nbgrader's feedback shows the same lines.
"""
from __future__ import annotations

import sys

_PASS = "\u2714"  # heavy check mark
_FAIL = "\u2718"  # heavy ballot x


class CheckFailed(AssertionError):
    """A check found a mistake. ``str(err)`` is the message for the learner.

    ``diagnosis`` is a short machine-readable tag for the mistake (e.g. ``"transposed"``,
    ``"own-value"``), registered in :mod:`nbkit.diagnoses`, that grading reports count across a class; ``exercise`` names the
    exercise being checked.
    """

    def __init__(self, message: str, *, diagnosis: str = "wrong-values", exercise: str = ""):
        super().__init__(message)
        from nbkit import diagnoses  # every tag must be registered there; a stray one is noted for the tests

        diagnoses.note(diagnosis)
        self.message = message
        self.diagnosis = diagnosis
        self.exercise = exercise

    def _render_traceback_(self):  # noqa: D401 - IPython hook
        head = f"{_FAIL} {self.exercise}: " if self.exercise else f"{_FAIL} "
        # The learner reads the sentence; the diagnosis tag is for the grader and the class report,
        # which read it from the error's evalue (str(self)), never shown where a traceback is.
        return [head + "not yet."] + ["  " + line for line in wrap_message(self.message)]

    def __str__(self):
        prefix = f"{self.exercise}: " if self.exercise else ""
        return f"{prefix}{self.message} [diagnosis: {self.diagnosis}]"


#: Feedback lines are wrapped here, at spaces, so that a notebook never wraps them itself
#: (browsers break a long output line anywhere, even inside a number like -0.1366).
WIDTH = 86


def wrap_message(message: str, width: int = WIDTH) -> list:
    """The lines of ``message``, each at most ``width`` characters where spaces allow.

    Breaks only at spaces, never inside a word or a number (``-0.1366`` is not split at its
    minus sign); a longer unbreakable token stays whole on its own line. A line's
    indentation is kept for its continuation lines, and blank lines are kept.
    """
    import textwrap

    out = []
    for line in message.splitlines() or [""]:
        indent = line[: len(line) - len(line.lstrip(" "))]
        if len(line) <= width:
            out.append(line)
            continue
        out.extend(textwrap.wrap(line, width=width, initial_indent="", subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False) or [line])
    return out


# Error names a cell shows when it only ran into unfinished exercises (expected in a release).
UNFINISHED_ERRORS = ("NotImplementedError", "NotReady")


class NotReady(RuntimeError):
    """A demo or tool reached learner code that is not written yet.

    Renders in Jupyter as one friendly line instead of a traceback through nbkit.
    """

    def _render_traceback_(self):  # noqa: D401 - IPython hook
        return [f"\u23f8 {self}"]  # pause sign: not an error in the learner's logic, just unfinished


def fail(message: str, *, diagnosis: str = "wrong-values", exercise: str = "") -> None:
    """Raise :class:`CheckFailed` with a learner-facing ``message``."""
    raise CheckFailed(message, diagnosis=diagnosis, exercise=exercise)


def passed(message: str, *, file=None) -> None:
    """Print a success line, e.g. ``passed("MulGate: 4 cases agree")``."""
    print(f"{_PASS} {message}", file=file or sys.stdout)


def format_array(a, precision: int = 4) -> str:
    """A compact one-line rendering of a scalar or array for messages."""
    import numpy as np

    arr = np.asarray(a)
    if arr.ndim == 0:
        return f"{float(arr):.{precision}g}"
    with np.printoptions(precision=precision, suppress=True, threshold=12, edgeitems=2):
        return np.array2string(arr, separator=", ").replace("\n", "")


def shape_of(a) -> str:
    """``"(3, 5)"`` for an array, ``"scalar"`` for a number, the type name otherwise."""
    import numpy as np

    if isinstance(a, (int, float, np.number)):
        return "scalar"
    shape = getattr(a, "shape", None)
    if shape is None:
        return type(a).__name__
    return str(tuple(shape)) if len(shape) != 1 else f"({shape[0]},)"
