"""The browser harness itself, proved on a small notebook written for the purpose.

The notebook holds one of everything the course's notebooks produce: a passing and a
failing nbkit check, a real error, a line on stderr, an answer stub raising
NotImplementedError, and an ipywidgets slider redrawing an inline matplotlib plot in an
Output widget. If these tests pass, a failure in the course tests is about the course.
"""
from __future__ import annotations

import pytest

from .expectations import problems_in_release_run, problems_in_solution_run

pytestmark = pytest.mark.browser

HARNESS = "_harness/harness.ipynb"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

SLIDER_CELL = '''\
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

frequency = widgets.FloatSlider(value=1.0, min=0.5, max=3.0, step=0.25, description="frequency")
picture = widgets.Output()

def redraw(change=None):
    with picture:
        picture.clear_output(wait=True)
        fig, ax = plt.subplots(figsize=(3, 2))
        t = np.linspace(0, 6.3, 200)
        ax.plot(t, np.sin(frequency.value * t))
        plt.show()

frequency.observe(redraw, names="value")
redraw()
widgets.VBox([frequency, picture])'''


def _harness_cells():
    import nbformat.v4 as v4

    def graded(source, grade_id, solution=False, points=1):
        cell = v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {
            "grade": not solution, "solution": solution, "locked": not solution,
            "grade_id": grade_id, "points": 0 if solution else points, "schema_version": 3}
        return cell

    return [
        v4.new_markdown_cell("# Harness\nA notebook with one of everything."),           # 0
        graded("def answer():\n    # YOUR CODE HERE\n    raise NotImplementedError()",
               "answer", solution=True),                                                    # 1
        graded("print('\\u2714 add gate: 3 cases agree')", "check_pass"),                  # 2
        graded("from nbkit.feedback import fail\n"
               "fail('dx has the wrong sign', diagnosis='sign', exercise='mul_backward')",
               "check_fail"),                                                               # 3
        v4.new_code_cell("ratio = 1 / 0"),                                                  # 4
        v4.new_code_cell("import sys\nprint('a warning', file=sys.stderr)"),                # 5
        graded("# YOUR CODE HERE\nraise NotImplementedError()", "top_level_stub",
               solution=True),                                                              # 6
        v4.new_code_cell(SLIDER_CELL),                                                      # 7
        v4.new_code_cell("x = 41\nx + 1"),                                                  # 8
        v4.new_code_cell("answer()  # a demonstration calling the unwritten answer"),       # 9
        v4.new_code_cell("from nbkit.feedback import NotReady\n"
                         "raise NotReady('answer is not written yet')"),                        # 10
    ]


@pytest.fixture(scope="module")
def harness(course_root):
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=_harness_cells())
    notebook.metadata["kernelspec"] = KERNELSPEC
    path = course_root / HARNESS
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return HARNESS


def test_run_all_does_not_get_past_the_first_error(harness, executed_notebook):
    """Why release notebooks need run_all_continuing: after an error the kernel aborts the
    queued cells. (Only those queued at that moment: a cell near the end sometimes still
    runs, out of order, so this asserts that cells were skipped, not which.)"""
    cells = executed_notebook(harness).snapshot()
    assert cells[2].execution_count is not None and cells[3].errors
    skipped = [cell.index for cell in cells[4:] if cell.runnable and cell.execution_count is None]
    assert skipped, [cell.describe() for cell in cells[4:]]


def test_continuing_run_reaches_every_cell_and_reads_what_it_shows(harness, executed_notebook):
    cells = executed_notebook(harness, continue_after_errors=True).snapshot()
    assert all(c.execution_count is not None for c in cells if c.runnable)
    assert cells[2].text.startswith("\u2714 add gate") and not cells[2].errors
    assert [e["ename"] for e in cells[3].errors] == ["CheckFailed"]
    assert cells[3].text.startswith("\u2718 mul_backward: not yet.\n  dx has the wrong sign")
    assert [e["ename"] for e in cells[4].errors] == ["ZeroDivisionError"]
    assert "division by zero" in cells[4].text
    # stderr and a traceback share a mime type in the DOM; the model tells them apart
    assert cells[5].stderr and not cells[5].errors and "a warning" in cells[5].text
    assert [e["ename"] for e in cells[6].errors] == ["NotImplementedError"]
    assert cells[8].text.strip() == "42"
    assert [e["ename"] for e in cells[9].errors] == ["NotImplementedError"]
    assert [e["ename"] for e in cells[10].errors] == ["NotReady"]
    assert cells[10].text.strip() == "\u23f8 answer is not written yet"
    assert cells[7].widgets == 1 and cells[7].images and cells[7].images[0]["width"] > 0


def test_solution_expectations_fail_on_a_real_error_and_show_its_text(harness, executed_notebook):
    cells = executed_notebook(harness, continue_after_errors=True).snapshot()
    problems = "\n\n".join(problems_in_solution_run(cells))
    assert "raised ZeroDivisionError: division by zero" in problems
    assert "ratio = 1 / 0" in problems                     # the cell's source is quoted
    assert "check_fail" in problems and "check cell showing a failure" in problems
    assert "raised NotImplementedError" in problems        # stubs are errors in solutions
    assert "raised NotReady" in problems
    assert "wrote to stderr" in problems
    assert "check_pass" not in problems


def test_release_expectations_accept_check_failures_and_stubs_only(harness, executed_notebook):
    cells = executed_notebook(harness, continue_after_errors=True).snapshot()
    problems = problems_in_release_run(cells)
    text = "\n\n".join(problems)
    assert "raised ZeroDivisionError" in text
    assert "check_pass" in text and "passes in the untouched release" in text
    assert "check_fail" not in text and "top_level_stub" not in text
    assert "raised NotImplementedError" not in text   # unwritten answers, and cells calling them
    assert "raised NotReady" not in text
    assert len(problems) == 2, text


def test_slider_redraws_the_inline_plot(harness, executed_notebook):
    notebook = executed_notebook(harness, continue_after_errors=True)
    sliders = notebook.sliders(7)
    assert sliders.count() == 1
    readout = sliders.first.locator(".widget-readout")
    before_value = readout.inner_text()
    before = notebook.output_image_src(7)
    assert len(before) == 1 and before[0].startswith("data:image/png")
    picture = notebook.cell_locator(7).locator(".widget-output")
    shot_before = picture.screenshot()
    notebook.press_slider(sliders.first, "ArrowRight", times=2)
    after = notebook.wait_for_image_change(7, before)
    assert readout.inner_text() != before_value
    assert len(after) == 1 and after != before
    assert picture.screenshot() != shot_before
