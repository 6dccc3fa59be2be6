"""Cap the size of a cell's outputs, so that one runaway ``print`` cannot bloat the gradebook's
files or the feedback a student downloads.

nbgrader's own LimitOutput counts *lines*; a single line of 100 MB passes it. Here every
code cell gets a budget of characters across all its outputs. Error outputs are always
kept (they decide the grade), shortened if needed; text is truncated with a note saying
how much was cut; images and other rich outputs over the budget are replaced by a note.
"""
from __future__ import annotations

MAX_CHARS = 100_000
NOTE = "\n... [output truncated by the grader: {cut} more characters] ...\n"


def _size(output) -> int:
    kind = output.get("output_type")
    if kind == "stream":
        return len(output.get("text", ""))
    if kind == "error":
        return sum(len(line) for line in output.get("traceback", [])) + len(output.get("evalue", ""))
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in output.get("data", {}).values())


def _shorten_error(output, budget: int) -> None:
    budget = max(budget, 2000)
    output["evalue"] = output.get("evalue", "")[:budget]
    lines, used = [], 0
    for line in output.get("traceback", []):
        if used + len(line) > budget:
            lines.append(NOTE.format(cut="some").strip())
            break
        lines.append(line)
        used += len(line)
    output["traceback"] = lines


def cap_outputs(cell, max_chars: int = MAX_CHARS) -> bool:
    """Shorten ``cell``'s outputs to about ``max_chars`` characters in total. Returns whether
    anything was cut."""
    outputs = cell.get("outputs") or []
    if sum(_size(o) for o in outputs) <= max_chars:
        return False
    kept, left = [], max_chars
    for output in outputs:
        size, kind = _size(output), output.get("output_type")
        if kind == "error":
            if size > max(left, 2000):
                _shorten_error(output, left)
            kept.append(output)
            left -= _size(output)
        elif size <= left:
            kept.append(output)
            left -= size
        elif kind == "stream":
            text = output.get("text", "")
            room = max(left, 0)
            output["text"] = text[:room] + NOTE.format(cut=len(text) - room)
            kept.append(output)
            left = 0
        else:  # a rich output (image, HTML) larger than what is left
            output["data"] = {"text/plain": NOTE.format(cut=size).strip()}
            output.pop("metadata", None)
            output["metadata"] = {}
            kept.append(output)
    cell["outputs"] = kept
    return True
