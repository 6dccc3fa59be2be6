"""Feedback that tells a student which hidden case failed and why, without its code or values.

nbgrader's ``generate_feedback`` renders the autograded notebook, hidden tests included.
:func:`filter_feedback` (run by a preprocessor in ``GenerateFeedback.preprocessors``)
changes each test cell that has a hidden-test region:

- the region's code becomes one comment line saying hidden tests ran there;
- no output line may quote a line of the hidden code (IPython tracebacks show context);
- outputs produced by the hidden tests (after the marker the guard left, see
  :mod:`nbkit.grading.guard_cells`) keep only the checks' own lines (``✔``/``✘`` and the
  message of a failed check), with every number that could be one of the hidden cases'
  values replaced by ``…``; other errors become one sentence naming the exception;
  prints from the student's code and plots are dropped.

The checks' messages for hidden cases are written to name the case ("hidden case 2") and
the mistake in words; this filter is the second line of defence.
"""
from __future__ import annotations

import ast
import re
from typing import List, Set

from nbkit.grading.cells import BEGIN_HIDDEN, END_HIDDEN, is_test_cell, strip_ansi

GUARD_TAG = "# nbkit-guard"  # lines the grader added (nbkit.grading.guard_cells.TAG)

HIDDEN_NOTE = "# [hidden tests: the grader ran more cases here; they are not shown]"
REDACTED = "\u2026"
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
_PROTECTED = re.compile(r"(?:case|cases|graph|graphs|test|tests|line|cell)\s*(?:#\s*)?$", re.I)
_CHECK_LINE = ("\u2714", "\u2718")  # the first character of a check's own lines


def hidden_region(source: str) -> str:
    if BEGIN_HIDDEN not in source:
        return ""
    return source.split(BEGIN_HIDDEN, 1)[1].split(END_HIDDEN, 1)[0]


def hidden_numbers(code: str) -> Set[float]:
    """Numeric literals in hidden-test code (negated ones as written)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # fall back to every number-looking token
        return {float(m.group()) for m in _NUMBER.finditer(code)}
    numbers = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            numbers.add(float(node.value))
            numbers.add(-float(node.value))
    return numbers


def _decimals(token: str) -> int:
    mantissa = token.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def _could_be(token: str, values: Set[float]) -> bool:
    try:
        value = float(token)
    except ValueError:
        return False
    if "e" in token.lower():
        return any(abs(value - v) <= 1e-3 * max(abs(v), 1e-300) for v in values)
    half_step = 0.5 * 10 ** (-_decimals(token)) * (1 + 1e-9)
    return any(abs(value - v) <= half_step for v in values)


def redact(text: str, values: Set[float]) -> str:
    """Replace numbers that could be hidden values (at the precision printed) by ``…``.
    Small integers (|n| <= 3) and numbers that count cases or lines stay."""
    def repl(match):
        token = match.group()
        if _PROTECTED.search(text[: match.start()]):
            return token
        if _decimals(token) == 0 and "e" not in token.lower() and abs(float(token)) <= 3:
            return token
        return REDACTED if _could_be(token, values) or _decimals(token) > 0 else token
    return _NUMBER.sub(repl, text)


def _quotes_hidden(line: str, hidden_lines: List[str]) -> bool:
    plain = strip_ansi(line)
    return (BEGIN_HIDDEN in plain or END_HIDDEN in plain or GUARD_TAG in plain
            or any(h in plain for h in hidden_lines))


def filter_test_cell(cell) -> None:
    """Hide a test cell's hidden tests and their values (see the module docstring)."""
    code = hidden_region(cell.source)
    if not code:
        return
    hidden_lines = [ln.strip() for ln in code.splitlines() if len(ln.strip()) >= 8]
    values = hidden_numbers(code)
    before, rest = cell.source.split(BEGIN_HIDDEN, 1)
    indent = before.rsplit("\n", 1)[-1]
    after = rest.split(END_HIDDEN, 1)[1]
    cell.source = before.rstrip(" \t") + indent + HIDDEN_NOTE + after
    start = cell.get("metadata", {}).get("nbkit", {}).pop("hidden_from", None)
    if "nbkit" in cell.get("metadata", {}) and not cell.metadata["nbkit"]:
        del cell.metadata["nbkit"]
    outputs = []
    for i, output in enumerate(cell.get("outputs", [])):
        from_hidden = start is not None and i >= start
        kind = output.get("output_type")
        if kind == "stream":
            lines = output.get("text", "").splitlines(keepends=True)
            if from_hidden:
                lines = [redact(ln, values) for ln in lines if ln.startswith(_CHECK_LINE)]
            lines = [ln for ln in lines if not _quotes_hidden(ln, hidden_lines)]
            if lines:
                output["text"] = "".join(lines)
                outputs.append(output)
        elif kind == "error":
            trace = [strip_ansi(ln) for ln in output.get("traceback", [])]
            if from_hidden and output.get("ename") == "CheckFailed":
                trace = [redact(ln, values) for ln in trace]
            elif from_hidden:
                ename = output.get("ename", "an error")
                what = ("ran out of time (the cell's time limit)" if ename in ("CellTimeoutError", "KeyboardInterrupt")
                        else f"raised {ename}")
                trace = [f"\u2718 A hidden test failed: your code {what} on one of the hidden cases.",
                         "  Try cases of your own beyond the visible check (other values, signs, shapes) to find it."]
                output["evalue"] = ""
            trace = [ln for ln in trace if not _quotes_hidden(ln, hidden_lines)]
            output["traceback"] = trace
            output["evalue"] = redact(output.get("evalue", ""), values) if from_hidden else output.get("evalue", "")
            outputs.append(output)
        elif not from_hidden:
            outputs.append(output)
    cell.outputs = outputs


def filter_feedback(nb):
    """Apply :func:`filter_test_cell` to every test cell; drop any leftover grader metadata."""
    for cell in nb.cells:
        if is_test_cell(cell) or hidden_region(cell.get("source", "")):
            if cell.cell_type == "code":
                filter_test_cell(cell)
    nb.metadata.pop("nbkit", None)
    return nb
