"""Reading a course notebook the way the grader sees it: exercises, test cells, hidden regions.

An *exercise* is one autograded test cell (a locked code cell with points) together with
the solution code cells it grades: those between the previous test cell and itself.
Its name is the test cell's grade id (``add_gate_tests``); its solution cells have their
own grade ids (``add_gate``).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", flags=re.M)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell):
    return nbgrader_meta(cell).get("grade_id")


def is_test_cell(cell) -> bool:
    """An autograded test cell: code, graded (``grade: true``), not a solution."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_solution_code(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_written_answer(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "markdown" and bool(meta.get("grade")) and bool(meta.get("solution"))


@dataclass
class Exercise:
    """``test_id``: grade id of the test cell; ``solution_ids``: grade ids of the cells it grades."""

    test_id: str
    points: float
    solution_ids: List[str] = field(default_factory=list)
    test_index: int = -1


def exercises(nb) -> List[Exercise]:
    """The autograded exercises of a notebook, in order."""
    found, pending = [], []
    for i, cell in enumerate(nb["cells"]):
        if is_solution_code(cell):
            pending.append(grade_id(cell))
        elif is_test_cell(cell):
            found.append(Exercise(grade_id(cell), float(nbgrader_meta(cell).get("points", 0) or 0), pending, i))
            pending = []
    return found


def split_hidden(source: str) -> Tuple[str, str, str]:
    """``(before, hidden, after)`` around the hidden-test region (markers dropped).
    Without a region: ``(source, "", "")``."""
    if BEGIN_HIDDEN not in source:
        return source, "", ""
    before, rest = source.split(BEGIN_HIDDEN, 1)
    hidden, _, after = rest.partition(END_HIDDEN)
    return before, hidden.strip("\n"), after.split("\n", 1)[1] if "\n" in after else ""


def strip_solution_markers(source: str) -> str:
    """A solution cell as a student would have written it: the code without nbgrader's markers."""
    return _SOLUTION_MARKERS.sub("", source)


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes (IPython colours its tracebacks)."""
    return _ANSI.sub("", text)


def parse_cell(source: str) -> Optional[ast.Module]:
    """A code cell as a Python syntax tree, IPython magics and shell escapes (``%``, ``!``)
    replaced by ``pass`` so line numbers stay; None if it is not valid Python."""
    lines = ["pass" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None
