"""What a student must (and must not) see after running a whole notebook.

Each function takes the cells of a finished run (labpage.Cell) and returns a list of
problems, each a paragraph naming the cell and quoting what it shows; an empty list means
the notebook looks right. Tests assert ``not problems`` and print them all.
"""
from __future__ import annotations

import re

from .labpage import FAIL_MARK, PASS_MARK, Cell

# nbkit.feedback.CheckFailed renders as "✘ <exercise>: not yet." followed by the message.
CHECK_FAILED = re.compile(rf"^{FAIL_MARK} (\S.*?): not yet\.$", re.MULTILINE)
CHECK_PASSED = re.compile(rf"^{PASS_MARK} \S", re.MULTILINE)
# nbkit.feedback.NotReady: a demonstration reached code the student has not written yet.
NOT_READY_MARK = "\u23f8"
UNFINISHED = {"NotImplementedError", "NotReady"}


def _never_ran(cells: list[Cell]) -> list[str]:
    return [f"{cell.describe()}\n  -> never ran (Run All stopped before it)"
            for cell in cells if cell.runnable and cell.execution_count is None]


def problems_in_solution_run(cells: list[Cell]) -> list[str]:
    """The instructor's notebook after Run All: every cell ran, no errors, every check passed."""
    problems = _never_ran(cells)
    for cell in cells:
        for error in cell.errors:
            problems.append(f"{cell.describe()}\n  -> raised {error['ename']}: {error['evalue']}")
        if cell.stderr:
            problems.append(f"{cell.describe()}\n  -> wrote to stderr (students see a red box)")
        if cell.is_check and cell.execution_count is not None:
            if not CHECK_PASSED.search(cell.text):
                problems.append(f"{cell.describe()}\n  -> a check cell that printed no "
                                f"'{PASS_MARK} ...' success line")
            if FAIL_MARK in cell.text:
                problems.append(f"{cell.describe()}\n  -> a check cell showing a failure")
    if not any(cell.is_check for cell in cells):
        problems.append("no check cells found (no cell has nbgrader grade=true, solution=false)")
    return problems


def problems_in_release_run(cells: list[Cell]) -> list[str]:
    """The untouched student notebook after running everything (continuing past failures).

    Every check cell shows nbkit's failure message, not a raw traceback. The only other
    errors allowed say "not written yet": NotImplementedError from the answer stubs (or a
    cell calling one), and nbkit's NotReady ("\u23f8 ..."), with which a demonstration says
    which exercise to finish first. Anything else (a NameError cascading from an earlier
    cell, a crash in nbkit) fails.
    """
    problems = _never_ran(cells)
    for cell in cells:
        for error in cell.errors:
            expected = (error["ename"] == "CheckFailed" if cell.is_check
                        else error["ename"] in UNFINISHED)
            if not expected:
                problems.append(f"{cell.describe()}\n  -> raised {error['ename']}: "
                                f"{error['evalue']} (an untouched release should only show "
                                f"check failures, and NotImplementedError or NotReady from "
                                f"unwritten answers)")
            if error["ename"] == "NotReady" and not re.search(rf"^{NOT_READY_MARK} ", cell.text,
                                                              re.MULTILINE):
                problems.append(f"{cell.describe()}\n  -> NotReady shown without its "
                                f"'{NOT_READY_MARK} ...' line (a raw traceback?)")
        if cell.is_check and cell.execution_count is not None:
            if not cell.errors:
                problems.append(f"{cell.describe()}\n  -> a check cell that passes in the "
                                f"untouched release: does it test the student's code?")
            elif not CHECK_FAILED.search(cell.text):
                problems.append(f"{cell.describe()}\n  -> a failing check that does not show "
                                f"'{FAIL_MARK} <exercise>: not yet.'")
    if not any(cell.is_check for cell in cells):
        problems.append("no check cells found (no cell has nbgrader grade=true, solution=false)")
    return problems


def report(path: str, problems: list[str]) -> str:
    return f"{path}: {len(problems)} problem(s)\n\n" + "\n\n".join(problems)


def assert_pictures_rendered(notebook, cell, min_width: int = 200, min_height: int = 100) -> None:
    """Every image under ``cell`` loaded with real pixels and takes room on screen.

    A drawn graph or plot is a few hundred pixels wide; a broken image is 0 x 0 and an
    icon is tiny.
    """
    where = f"{notebook.path}, cell {cell.index} ({cell.source.strip().splitlines()[-1]})"
    assert cell.images, f"{where}: no picture under the cell\n{cell.describe()}"
    for image in cell.images:
        assert image["complete"] and image["width"] >= min_width and image["height"] >= min_height, \
            f"{where}: a picture did not render: {image}"
    box = notebook.cell_locator(cell.index).locator(".jp-Cell-outputArea img").first.bounding_box()
    assert box and box["width"] >= min_width / 2, f"{where}: the picture takes no room on screen: {box}"


def assert_drawing_cells_render(notebook, *calls: str, at_least: int = 1, skip_starting: tuple = (),
                                min_width: int = 200, min_height: int = 100) -> None:
    """Every code cell whose source contains one of ``calls`` (e.g. ``"plt.show()"``,
    ``"draw_product("``) renders its pictures (:func:`assert_pictures_rendered`), and there are
    at least ``at_least`` such cells. Cells starting with one of ``skip_starting`` (the set-up
    cell's ``from ...``/``import ...``, a ``def`` that only defines) are not drawings.
    """
    cells = [c for c in notebook.snapshot() if c.type == "code" and any(call in c.source for call in calls)
             and not (skip_starting and c.source.lstrip().startswith(skip_starting))]
    assert len(cells) >= at_least, \
        f"{notebook.path}: expected at least {at_least} cell(s) calling {' or '.join(calls)}, found {len(cells)}"
    for cell in cells:
        assert_pictures_rendered(notebook, cell, min_width=min_width, min_height=min_height)
