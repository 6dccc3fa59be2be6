"""Notebook 02: the Jacobian explorer answers a student who moves a slider.

Every cell calling ``explore_jacobian(...)`` renders a dropdown of maps, one slider per input
entry and the two Jacobians as a picture (an ipywidgets Image holding a PNG). Moving the
first slider with the arrow keys must change the slider's readout and the picture, both in
the instructor's version and in the untouched release (where the second explorer draws the
numerical Jacobian only, because the student's analytic Jacobian is still a stub).
"""
from __future__ import annotations

import pytest

from .coursefiles import REPO
from .expectations import assert_pictures_rendered
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "02_jacobians"
VERSIONS = {
    "solutions": (f"solutions/{TOPIC}/{TOPIC}.ipynb", False),
    "release": (f"notebooks/{TOPIC}/{TOPIC}.ipynb", True),  # run past its failing checks
}


@pytest.mark.parametrize("version", list(VERSIONS))
def test_jacobian_explorer_redraws_when_a_slider_moves(version, executed_notebook):
    path, continuing = VERSIONS[version]
    if not (REPO / path).is_file():
        pytest.skip(f"{path} does not exist yet")
    notebook = executed_notebook(path, continue_after_errors=continuing)
    explorers = [c for c in notebook.snapshot()
                 if c.type == "code" and "explore_jacobian(" in c.source]
    assert explorers, f"{path}: no cell calls explore_jacobian(...)"
    for cell in explorers:
        where = f"{path}, cell {cell.index} ({cell.source.strip().splitlines()[0]})"
        sliders = notebook.sliders(cell.index)
        assert sliders.count() >= 1, f"{where}: the explorer shows no slider\n{cell.describe()}"
        before = notebook.output_image_src(cell.index)
        # an ipywidgets Image shows its PNG through a blob: URL, renewed on every redraw;
        # the screenshots below are what proves the picture itself changed
        assert len(before) == 1 and before[0].startswith(("blob:", "data:image/png")), \
            f"{where}: expected one picture, found {before}"
        picture = notebook.cell_locator(cell.index).locator(".jp-Cell-outputArea img").first
        shot_before = picture.screenshot()
        readout = sliders.first.locator(".widget-readout")
        value_before = readout.inner_text()

        notebook.press_slider(sliders.first, "ArrowRight", times=3)

        after = notebook.wait_for_image_change(cell.index, before)
        assert readout.inner_text() != value_before, f"{where}: the slider's readout did not move"
        assert len(after) == 1
        assert picture.screenshot() != shot_before, f"{where}: the picture looks the same"


def test_vector_graph_renders_and_a_forgotten_batch_mean_is_named_then_fixed(solved):
    graphs = [c for c in solved.snapshot() if c.type == "code" and "draw_chain(" in c.source]
    assert graphs, "no cell draws the vector graph of s = u^T f(Wx + b)"
    for cell in graphs:
        assert_pictures_rendered(solved, cell, min_width=300, min_height=60)
    failure = mistake_then_fix(
        solved, "softmax_ce_grad", "softmax_ce_grad_tests",
        correct_line="return (P - Y) / N", wrong_line="return P - Y",
        exercise="softmax_ce_grad", diagnosis="scaled-by-batch")
    assert "divided by N" in failure
