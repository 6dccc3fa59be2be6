"""The notebook side of :mod:`nbkit.grading.guard`: add it to the notebook before autograding,
check its markers afterwards, and leave the autograded notebook as if it had never been there.

Three steps, each run by an nbgrader preprocessor (:mod:`nbkit.grading.preprocessors`):

1. :func:`add_guard` (sanitize step, after nbgrader restored the locked cells): insert a
   first cell that calls ``guard.install(...)`` with the imports of the locked set-up
   cells, a cell ``__nbkit_guard__.before_test(globals())`` before every test cell (a cell
   of its own, so that an input transformer the student's code added is removed before the
   test cell's source goes through it), and wrap every test cell::

       <visible checks>
       ### BEGIN HIDDEN TESTS
       __nbkit_guard__.hidden_tests(globals())           # clean state again, marker
       <hidden tests>
       ### END HIDDEN TESTS
       __nbkit_guard__.after_test("<nonce>", "<grade id>")

2. :func:`arm` (autograde step, in memory, just before execution): put a fresh random
   nonce into the last line. It never reaches the notebook file the kernel could read.
3. :func:`confirm` (autograde step, after execution): a test cell without an error whose
   ``after_test`` marker (right nonce, right cell) is missing did not really run to its end
   (for instance an input transformer blanked it): it gets an error output, so nbgrader
   scores it zero. Markers are removed, the original source is put back, the index where
   hidden-test output starts is kept in the cell's metadata for the feedback filter.
"""
from __future__ import annotations

import ast
import secrets
from typing import List, Optional, Tuple

from nbkit.grading.cells import BEGIN_HIDDEN, grade_id, is_test_cell, nbgrader_meta, parse_cell
from nbkit.grading.guard import MARK_MIME

TAG = "# nbkit-guard"
NAME = "__nbkit_guard__"
PLACEHOLDER = "@@NBKIT-NONCE@@"
NOT_CONFIRMED = "check-not-confirmed"


def setup_bindings(nb) -> List[Tuple[str, str, Optional[str]]]:
    """``(variable, module, name)`` for every import in the locked, ungraded code cells."""
    bindings = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or not meta.get("locked") or meta.get("grade") or meta.get("solution"):
            continue
        tree = parse_cell(cell.source)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        bindings.append((alias.asname, alias.name, None))
                    else:
                        top = alias.name.split(".")[0]
                        bindings.append((top, top, None))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name != "*":
                        bindings.append((alias.asname or alias.name, node.module, alias.name))
    return bindings


def _meta(cell) -> dict:
    return cell.metadata.setdefault("nbkit", {})


def _injected(source: str, number: int):
    import nbformat

    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbkit"] = {"injected": True}
    cell["id"] = f"nbkit-guard-{number}"
    return cell


def install_cell(nb):
    return _injected(f"import nbkit.grading.guard as {NAME}  {TAG}\n{NAME}.install({setup_bindings(nb)!r})  {TAG}", 0)


def before_test_cell(number: int):
    return _injected(f"{NAME}.before_test(globals())  {TAG}", number)


def wrap_test(source: str, test_id: str) -> str:
    """A test cell's source with the guard calls in it (see the module docstring)."""
    out = []
    for line in source.split("\n"):
        out.append(line)
        if line.strip().startswith(BEGIN_HIDDEN):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{NAME}.hidden_tests(globals())  {TAG}")
    out.append(f"{NAME}.after_test({PLACEHOLDER!r}, {test_id!r})  {TAG}")
    return "\n".join(out)


def add_guard(nb):
    """Sanitize step: the install cell first, every test cell wrapped. Idempotent."""
    if any(cell.metadata.get("nbkit", {}).get("injected") for cell in nb.cells):
        return nb
    cells = [install_cell(nb)]
    for cell in nb.cells:
        if is_test_cell(cell):
            _meta(cell)["source"] = cell.source
            cell.source = wrap_test(cell.source, grade_id(cell))
            cells.append(before_test_cell(len(cells)))
        cells.append(cell)
    nb.cells = cells
    return nb


def arm(nb) -> str:
    """Autograde step, before execution: a fresh nonce in every wrapped test cell. Returns it."""
    nonce = secrets.token_hex(16)
    for cell in nb.cells:
        if cell.cell_type == "code" and PLACEHOLDER in cell.source:
            cell.source = cell.source.replace(repr(PLACEHOLDER), repr(nonce))
    return nonce


def _marker(output) -> Optional[dict]:
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    data = output.get("data", {}).get(MARK_MIME)
    return data if isinstance(data, dict) else None


def not_confirmed_output():
    import nbformat

    return nbformat.v4.new_output(
        "error", ename="CheckNotConfirmed",
        evalue=f"the test cell did not run to its end [diagnosis: {NOT_CONFIRMED}]",
        traceback=["\u2718 The grader could not confirm that this test cell ran to its end, so it counts as failed.",
                   "  Something stopped or replaced the checks before they finished; do not change how cells run."])


def confirm(nb, nonce: str):
    """Autograde step, after execution: fail unconfirmed test cells, strip everything the
    guard added, record where hidden-test output starts."""
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbkit", {})
        if meta.get("injected"):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:  # a guard cell failed (e.g. the student deleted the guard): note it
                nb.metadata.setdefault("nbkit", {}).setdefault("guard_errors", []).append(
                    f"{errors[0].get('ename')}: {errors[0].get('evalue')}")
            continue
        if "source" in meta:
            outputs, confirmed, hidden_from = [], False, None
            for output in cell.get("outputs", []):
                mark = _marker(output)
                if mark is None:
                    outputs.append(output)
                elif mark.get("event") == "hidden" and hidden_from is None:
                    hidden_from = len(outputs)
                elif mark.get("event") == "done":
                    confirmed = mark.get("nonce") == nonce and mark.get("grade_id") == grade_id(cell)
            if not confirmed and not any(o.get("output_type") == "error" for o in outputs):
                outputs.append(not_confirmed_output())
            cell.outputs = outputs
            cell.source = meta.pop("source")
            if hidden_from is not None:
                meta["hidden_from"] = hidden_from
            if not meta:
                del cell.metadata["nbkit"]
        cells.append(cell)
    nb.cells = cells
    return nb
