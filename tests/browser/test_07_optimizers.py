"""Notebook 07: the optimizer race on screen.

- The interactive race (``optim.explore_race(...)``) renders its surface dropdown, the sliders
  named after the config keys they set (learning rate first) and the picture, as a PNG in an
  ipywidgets Image. Moving the learning-rate slider with the arrow keys changes its readout, the
  picture and the status line, in the instructor's version and in the untouched release (where
  every rule is still a stub and the race lists them as not written yet).
- The static races, the schedule plot and the NER race's figure are pictures that loaded.
- The classic Adam slip (no bias correction) typed into the adam cell makes the check say
  ``no-bias-correction``; typing the right lines back turns it to "✔".
"""
from __future__ import annotations

import pytest

from .coursefiles import REPO
from .expectations import assert_pictures_rendered
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "07_optimizers"
VERSIONS = {
    "solutions": (f"solutions/{TOPIC}/{TOPIC}.ipynb", False),
    "release": (f"notebooks/{TOPIC}/{TOPIC}.ipynb", True),  # run past its failing checks
}


@pytest.mark.parametrize("version", list(VERSIONS))
def test_race_widget_redraws_when_the_learning_rate_slider_moves(version, executed_notebook):
    path, continuing = VERSIONS[version]
    if not (REPO / path).is_file():
        pytest.skip(f"{path} does not exist yet")
    notebook = executed_notebook(path, continue_after_errors=continuing)
    races = [c for c in notebook.snapshot() if c.type == "code" and "explore_race(" in c.source]
    assert races, f"{path}: no cell calls explore_race(...)"
    for cell in races:
        where = f"{path}, cell {cell.index} ({cell.source.strip().splitlines()[0]})"
        out = notebook.cell_locator(cell.index).locator(".jp-Cell-outputArea")
        widget = out.locator(".nbkit-optim-race")
        widget.wait_for(timeout=30_000)
        for part in ("nbkit-optim-figure", "nbkit-optim-status", "nbkit-optim-surface",
                     "nbkit-optim-learning-rate", "nbkit-optim-momentum"):
            assert out.locator(f".{part}").count() >= 1, f"{where}: the race shows no .{part}\n{cell.describe()}"
        sliders = notebook.sliders(cell.index)
        assert sliders.count() >= 2, f"{where}: the race shows too few sliders\n{cell.describe()}"
        before = notebook.output_image_src(cell.index)
        assert len(before) == 1 and before[0].startswith(("blob:", "data:image/png")), \
            f"{where}: expected one picture, found {before}"
        picture = out.locator(".nbkit-optim-figure").first
        shot_before = picture.screenshot()
        status = out.locator(".nbkit-optim-status").first
        status_before = status.inner_text()
        learning_rate = out.locator(".nbkit-optim-learning-rate").first
        readout = learning_rate.locator(".widget-readout")
        value_before = readout.inner_text()

        notebook.press_slider(learning_rate, "ArrowRight", times=3)

        if version == "release":   # every rule is a stub: the same contours at any rate, and the status says why
            notebook.page.wait_for_function("([el, old]) => el.innerText !== old",
                                            arg=[readout.element_handle(), value_before], timeout=30_000)
            assert "not written yet" in status.inner_text(), f"{where}: {status.inner_text()!r}"
            assert len(notebook.output_image_src(cell.index)) == 1, f"{where}: the picture went away"
            continue
        after = notebook.wait_for_image_change(cell.index, before)
        assert readout.inner_text() != value_before, f"{where}: the learning-rate readout did not move"
        assert len(after) == 1
        assert picture.screenshot() != shot_before, f"{where}: the picture looks the same"
        notebook.page.wait_for_function("([el, old]) => el.innerText !== old",
                                        arg=[status.element_handle(), status_before], timeout=30_000)


def test_races_schedules_and_ner_figures_render(solved):
    for marker in ('optim.race("rosenbrock"', "optim.plot_schedules(", "ner_race.figure("):
        cells = [c for c in solved.snapshot() if c.type == "code" and marker in c.source]
        assert cells, f"no cell containing {marker!r}"
        assert_pictures_rendered(solved, cells[0], min_width=300, min_height=150)


def test_adam_without_bias_correction_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "adam", "adam_tests",
        correct_line='m_hat = config["m"] / (1 - b1 ** t)',
        wrong_line='m_hat = config["m"]',
        exercise="adam", diagnosis="no-bias-correction")
    assert "m is not bias-corrected" in failure
