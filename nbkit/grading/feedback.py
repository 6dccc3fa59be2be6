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

For every cell, so that feedback reads well:

- a cell that ran out of time shows one sentence (which exercise, the limit, what usually
  causes it) instead of a ``KeyboardInterrupt`` traceback through the grader's code;
- no path of the grading machine appears: absolute paths in outputs are shortened to what
  names the file (``nbkit/checks/ch01.py``, ``numpy/linalg/...``, ``your code``);
- a locked cell the student had edited gets a note above it saying that the edit was undone
  and the original was graded;
- long lines wrap on the page (:data:`WRAP_CSS`) at spaces, so numbers stay whole.
"""
from __future__ import annotations

import ast
import re
from typing import List, Set

from nbkit.grading.cells import BEGIN_HIDDEN, END_HIDDEN, grade_id, is_test_cell, strip_ansi

GUARD_TAG = "# nbkit-guard"  # lines the grader added (nbkit.grading.guard_cells.TAG)

HIDDEN_NOTE = "# [hidden tests: the grader ran more cases here; they are not shown]"
REDACTED = "\u2026"
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])")
_PROTECTED = re.compile(r"(?:case|cases|graph|graphs|test|tests|line|cell)\s*(?:#\s*)?$", re.I)
_CHECK_LINE = ("\u2714", "\u2718")  # the first character of a check's own lines
TIMEOUT_ERRORS = ("CellTimeoutError", "KeyboardInterrupt")
# An absolute path: starts at a slash that does not follow a word, a dot, a colon or another
# slash (so URLs and fractions are left alone), with at least two components.
_PATH = re.compile(r"(?<![\w.~:/])/(?:[\w.@+~-]+/)+[\w.@+~-]*")
# Feedback pages wrap long output and code lines at spaces; a word longer than the whole line
# (rare) may break, nothing else does, so numbers stay whole.
WRAP_CSS = """
div.output_area pre, div.output_subarea pre, div.output_text pre, div.input_area pre, div.highlight pre {
    white-space: pre-wrap;
    word-break: normal;
    overflow-wrap: break-word;
}
div.output_subarea { max-width: 100%; min-width: 0; }
"""


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


def filter_test_cell(cell, limit=None) -> None:
    """Hide a test cell's hidden tests and their values (see the module docstring).
    ``limit``: the per-cell time limit, for the sentence a timeout becomes."""
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
            elif from_hidden and output.get("ename") in TIMEOUT_ERRORS:
                trace = [timeout_sentence(exercise_name(cell), limit)
                         + " It happened on one of the hidden cases: try cases of your own beyond the visible check."]
                output["ename"], output["evalue"] = "Timeout", ""
            elif from_hidden:
                ename = output.get("ename", "an error")
                trace = [f"\u2718 A hidden test failed: your code raised {ename} on one of the hidden cases.",
                         "  Try cases of your own beyond the visible check (other values, signs, shapes) to find it."]
                output["evalue"] = ""
            trace = [ln for ln in trace if not _quotes_hidden(ln, hidden_lines)]
            output["traceback"] = trace
            output["evalue"] = redact(output.get("evalue", ""), values) if from_hidden else output.get("evalue", "")
            outputs.append(output)
        elif not from_hidden:
            outputs.append(output)
    cell.outputs = outputs


def short_path(path: str) -> str:
    """What to show of an absolute path of the grading machine: the part that names the file."""
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.rsplit(marker, 1)[1]
    if "/nbkit/" in path:
        return "nbkit/" + path.rsplit("/nbkit/", 1)[1]
    if "/ipykernel_" in path:
        return "your code"
    return path.rstrip("/").rsplit("/", 1)[-1] or path


_ANSI_SPLIT = re.compile(r"(\x1b\[[0-9;]*[A-Za-z])")


def scrub_paths(text: str) -> str:
    """``text`` with every absolute path replaced by :func:`short_path` (colour codes kept)."""
    parts = _ANSI_SPLIT.split(text)
    return "".join(part if i % 2 else _PATH.sub(lambda m: short_path(m.group()), part) for i, part in enumerate(parts))


def timeout_sentence(name: str, limit) -> str:
    """The one sentence a learner reads when ``name`` (an exercise's cell) ran out of time."""
    seconds = f"after {limit:g} seconds" if isinstance(limit, (int, float)) and limit else "at its time limit"
    return (f"\u2718 {name} ran out of time: the grader stopped this cell {seconds}. This usually means a loop "
            "that never ends (a `while` whose condition never becomes false, or a loop over the wrong range).")


def exercise_name(cell) -> str:
    """How a learner knows the exercise of a cell: ``exercise `mul_gate```, from its grade id."""
    gid = grade_id(cell)
    if not gid:
        return "This cell"
    return f"Exercise `{gid[:-len('_tests')] if gid.endswith('_tests') else gid}`"


def _readable_outputs(cell, limit) -> None:
    """Timeouts as one sentence, and no grader paths, in every output of ``cell``."""
    name = exercise_name(cell)
    outputs = []
    timed_out = False
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "error" and (output.get("ename") in TIMEOUT_ERRORS or output.get("ename") == "Timeout"):
            if timed_out:
                continue  # nbclient adds CellTimeoutError after the KeyboardInterrupt: say it once
            timed_out = True
            if output.get("ename") != "Timeout":  # (a hidden case's timeout already has its sentence)
                output["traceback"] = [timeout_sentence(name, limit)]
            output["ename"], output["evalue"] = "Timeout", ""
        elif kind == "error":
            output["traceback"] = [scrub_paths(line) for line in output.get("traceback", [])]
            output["evalue"] = scrub_paths(str(output.get("evalue", "")))
        elif kind == "stream":
            output["text"] = scrub_paths(output.get("text", ""))
        elif "text/plain" in output.get("data", {}):
            output["data"]["text/plain"] = scrub_paths(output["data"]["text/plain"])
        outputs.append(output)
    cell.outputs = outputs


def _edit_notes(nb) -> None:
    """A note above each locked cell the student had edited: the edit was undone."""
    from nbformat.v4 import new_markdown_cell

    edited = {item.get("cell") for item in nb.metadata.get("nbkit", {}).get("integrity", [])
              if item.get("kind") == "edited-locked-cell"}
    cells = []
    for cell in nb.cells:
        if grade_id(cell) in edited:
            cells.append(new_markdown_cell(
                f"**Note from the grader:** your copy of the locked cell `{grade_id(cell)}` below had been "
                "edited. Locked cells cannot be changed, so the grader **undid the edit**: it put the original "
                "cell back and graded your answers with it."))
        cells.append(cell)
    nb.cells = cells


def filter_feedback(nb, timeout=None):
    """Apply :func:`filter_test_cell` to every test cell, make every output readable (see the
    module docstring; ``timeout``: the per-cell limit, else the one recorded at autograding),
    note undone edits; drop any leftover grader metadata."""
    limit = timeout if timeout is not None else nb.metadata.get("nbkit", {}).get("timeout")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if is_test_cell(cell) or hidden_region(cell.get("source", "")):
            filter_test_cell(cell, limit)
        _readable_outputs(cell, limit)
    _edit_notes(nb)
    nb.metadata.pop("nbkit", None)
    return nb
