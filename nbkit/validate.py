"""Run a notebook top to bottom with nbclient and report every graded test cell.

Used by ``nbkit validate``, by the test suite and by benchmarks/course_times.py.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from nbkit.grading.cells import strip_ansi


@dataclass
class CellResult:
    """One code cell after execution. ``grade_id``/``points`` are set for graded test cells."""

    index: int
    grade_id: Optional[str]
    points: float
    ok: bool
    message: str = ""  # the error's text (a check's learner-facing message) when not ok
    ename: str = ""


@dataclass
class NotebookRun:
    path: Path
    seconds: float
    cells: List[CellResult] = field(default_factory=list)

    @property
    def tests(self) -> List[CellResult]:
        return [c for c in self.cells if c.grade_id is not None]

    @property
    def errors(self) -> List[CellResult]:
        """Failed cells that are not graded tests (demos, set-up): these should never fail."""
        return [c for c in self.cells if c.grade_id is None and not c.ok]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.cells)


def _error_text(cell) -> tuple:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            lines = out.get("traceback") or []
            # CheckFailed renders as its message (no traceback); others keep the last line.
            text = "\n".join(lines[-8:]) if lines else f"{out.get('ename')}: {out.get('evalue')}"
            if out.get("ename") == "CheckFailed":  # authors see the tag the class report will count
                from nbkit.grading.results import diagnosis_of

                text += f"\n[diagnosis: {diagnosis_of(out)}]"
            return out.get("ename", ""), strip_ansi(text)
    return "", ""




def run_notebook(path, *, timeout: int = 120, kernel_name: str = "python3", workdir=None) -> NotebookRun:
    """Execute the notebook at ``path`` (not saved back) and return per-cell results.

    Every cell runs even after an error (like nbgrader's autograder), so one broken
    exercise does not hide the state of the others.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
                            resources={"metadata": {"path": str(workdir or path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    run = NotebookRun(path=path, seconds=seconds)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        graded = bool(meta.get("grade"))
        ename, text = _error_text(cell)
        run.cells.append(CellResult(index=i, grade_id=meta.get("grade_id") if graded else None,
                                    points=float(meta.get("points", 0) or 0), ok=not ename,
                                    message=text, ename=ename))
    return run
