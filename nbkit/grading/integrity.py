"""What a student changed in the cells nbgrader protects, recorded before nbgrader repairs it.

nbgrader already repairs a submission before running it: edited locked cells get their
source back (found by checksum), retyped cells their type, and duplicated ids are dropped
(``DeduplicateIds``); deleted test cells come back with ``OverwriteCells.add_missing_cells``.
So none of these changes a grade. But they are worth knowing about, so
:func:`integrity_findings` compares the submission with the release the student received
and returns one finding per change, stored in the autograded notebook's metadata
(``metadata.nbkit.integrity``) and listed by ``nbkit report``.

An edited locked cell is detected exactly as nbgrader does it: ``nbgrader.utils.compute_checksum``
of the submitted cell against the checksum nbgrader recorded in the release.
"""
from __future__ import annotations

from collections import Counter
from typing import Dict, List

from nbkit.grading.cells import grade_id, is_solution_code, nbgrader_meta
from nbkit.grading.scan import bound_names, module_names, scan_source

REVIEW, INFO = "review", "info"


def finding(kind: str, cell: str, detail: str, severity: str = INFO) -> dict:
    return {"kind": kind, "cell": cell, "detail": detail, "severity": severity}


def _structure(nb, release) -> List[dict]:
    from nbgrader.utils import compute_checksum

    found = []
    ids = [grade_id(c) for c in nb.cells if grade_id(c)]
    for gid, n in sorted(Counter(ids).items()):
        if n > 1:
            found.append(finding("duplicated-cell", gid, f"cell {gid} appears {n} times; nbgrader grades the last copy"))
    released = {grade_id(c): c for c in release.cells if grade_id(c)}
    present = {grade_id(c): c for c in nb.cells if grade_id(c)}  # the last copy, like nbgrader
    for gid, original in released.items():
        if gid not in present:
            found.append(finding("deleted-cell", gid, f"cell {gid} was deleted (or its nbgrader metadata removed)"
                                 + ("; nbgrader put it back" if nbgrader_meta(original).get("grade") else "")))
            continue
        cell = present[gid]
        if cell.cell_type != original.cell_type:
            found.append(finding("retyped-cell", gid, f"cell {gid} was changed from {original.cell_type} to "
                                 f"{cell.cell_type}; nbgrader changed it back"))
        if nbgrader_meta(original).get("locked"):
            expected = nbgrader_meta(original).get("checksum") or compute_checksum(original)
            try:
                actual = compute_checksum(cell)
            except (KeyError, ValueError, TypeError):
                actual = "unreadable metadata"
            if actual != expected:
                found.append(finding("edited-locked-cell", gid,
                                     f"locked cell {gid} was edited (nbgrader checksum {actual[:8]} instead of "
                                     f"{expected[:8]}); nbgrader graded the original", REVIEW))
    order = [gid for gid in dict.fromkeys(ids) if gid in released]
    expected_order = [gid for gid in released if gid in order]
    if order != expected_order:
        moved = [gid for gid, want in zip(order, expected_order) if gid != want]
        found.append(finding("reordered-cells", moved[0] if moved else "",
                             "graded cells are out of the release's order; the grader put them back in order"))
    return found


def _suspicious_code(nb, release) -> List[dict]:
    released_sources = {c.source for c in release.cells if c.cell_type == "code"}
    locked = [c for c in release.cells if c.cell_type == "code" and nbgrader_meta(c).get("locked")
              and not nbgrader_meta(c).get("grade")]
    protected = set().union(*[bound_names(c.source) for c in locked]) if locked else set()
    modules = module_names(c.source for c in release.cells if c.cell_type == "code")
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or nbgrader_meta(cell).get("locked"):
            continue
        if not is_solution_code(cell) and cell.source in released_sources:
            continue  # an untouched demo cell of the release
        label = grade_id(cell) or f"cell {index}"
        for item in scan_source(cell.source, modules, protected):
            found.append(finding("suspicious-code", label, f"line {item.line}: {item.reason}", item.severity))
    return found


def integrity_findings(nb, release) -> List[Dict]:
    """Findings for submission ``nb`` against the ``release`` notebook, structural ones first."""
    return _structure(nb, release) + _suspicious_code(nb, release)
