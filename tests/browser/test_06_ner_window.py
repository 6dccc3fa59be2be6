"""Notebook 06: the capstone on screen — the error-analysis table, its browser, the plots,
and the embedding-gradient mistake caught by its check.

- The error-analysis table (``errors.filter(kind="wrong type")``) renders as an HTML table
  with its columns and rows whose kind is "wrong type" and whose gold and predicted types differ.
- The error browser (``ner.error_browser(errors)``): choosing a gold type in its dropdown
  redraws the table with only that type's rows.
- The confusion matrix and the ablation's F1 bars are pictures that loaded.
- The classic scatter-add mistake (``dL[ids] = rows`` instead of ``np.add.at``) typed into
  the backward cell makes the check say ``embedding-assigned``; typing the right line back
  turns it to "✔".
"""
from __future__ import annotations

import pytest

from .expectations import assert_pictures_rendered
from .student import mistake_then_fix

pytestmark = pytest.mark.browser

TOPIC = "06_ner_window"
SOLUTION = f"solutions/{TOPIC}/{TOPIC}.ipynb"


def _cell(notebook, starts_with: str):
    cells = [c for c in notebook.snapshot() if c.type == "code" and starts_with in c.source]
    assert cells, f"{SOLUTION}: no cell containing {starts_with!r}"
    return cells[0]


def test_error_table_renders_wrong_type_rows(solved):
    cell = _cell(solved, 'errors.filter(kind="wrong type")')
    solved.cell_locator(cell.index).scroll_into_view_if_needed()
    rows = solved.cell_locator(cell.index).locator(".jp-Cell-outputArea table tbody tr")
    assert rows.count() > 5, f"too few rows in the error table:\n{cell.describe()}"
    header = solved.cell_locator(cell.index).locator(".jp-Cell-outputArea table thead").text_content()
    for column in ("word", "gold", "predicted", "kind"):
        assert column in header, f"the error table has no {column!r} column: {header!r}"
    for i in range(min(rows.count(), 10)):
        gold, pred, kind = (rows.nth(i).locator("td").nth(j).text_content().strip() for j in (4, 5, 6))
        assert kind == "wrong type" and gold != pred and "O" not in (gold, pred), (gold, pred, kind)


def test_error_browser_filters_by_gold_type(solved):
    cell = _cell(solved, "ner.error_browser(errors)")
    solved.cell_locator(cell.index).scroll_into_view_if_needed()
    out = solved.cell_locator(cell.index).locator(".jp-Cell-outputArea")
    dropdown = out.locator(".widget-dropdown select").first
    dropdown.wait_for(timeout=30_000)
    dropdown.select_option(label="PER")
    rows = out.locator("table tbody tr")
    solved.page.wait_for_function(
        """(el) => { const rows = el.querySelectorAll('table tbody tr');
                     return rows.length > 0 && [...rows].every(r => r.children[4].textContent.trim() === 'PER'); }""",
        arg=out.element_handle(), timeout=30_000)
    assert rows.count() > 0


def test_confusion_matrix_and_ablation_plots_render(solved):
    for marker in ("ner.plot_confusion(", "ner.plot_f1_by_type("):
        assert_pictures_rendered(solved, _cell(solved, marker))


def test_assigned_embedding_gradient_is_named_then_fixed(solved):
    failure = mistake_then_fix(
        solved, "backward", "backward_tests",
        correct_line="np.add.at(dL.reshape(-1), (windows.reshape(-1, 1) * d + np.arange(d)).ravel(), dx.ravel())",
        wrong_line="dL[windows.ravel()] = dx.reshape(-1, d)",
        exercise="backward", diagnosis="embedding-assigned")
    assert "accumulate" in failure
