"""Every course notebook, run in JupyterLab as a student runs it.

Notebooks are found by globbing ``solutions/NN_topic/NN_topic.ipynb`` and
``notebooks/NN_topic/NN_topic.ipynb``, so a new notebook is tested as soon as it lands.

- Instructor version (solutions/): Run All reaches every cell, nothing raises or writes to
  stderr, and every check cell prints nbkit's "✔ ..." success line.
- Student release (notebooks/), untouched: running every cell (resuming below each
  failure, as Run All stops at the first) shows "✘ <exercise>: not yet." under every check
  cell, and no errors but those and NotImplementedError from the answer stubs.
"""
from __future__ import annotations

import pytest

from .coursefiles import RELEASE, SOLUTIONS, course_notebooks
from .expectations import problems_in_release_run, problems_in_solution_run, report

pytestmark = pytest.mark.browser


def _params(kind: str):
    found = course_notebooks(kind)
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no notebooks in {kind}/ yet"),
                             id="none")]
    return [pytest.param(path, id=path.split("/")[1]) for path in found]


@pytest.mark.parametrize("path", _params(SOLUTIONS))
def test_solution_notebook_runs_clean_and_every_check_passes(path, executed_notebook):
    cells = executed_notebook(path).snapshot()
    problems = problems_in_solution_run(cells)
    assert not problems, report(path, problems)


@pytest.mark.parametrize("path", _params(RELEASE))
def test_untouched_release_shows_a_failure_message_under_every_check(path, executed_notebook):
    cells = executed_notebook(path, continue_after_errors=True).snapshot()
    problems = problems_in_release_run(cells)
    assert not problems, report(path, problems)
