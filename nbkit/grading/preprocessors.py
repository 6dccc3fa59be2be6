"""nbgrader preprocessors: nbkit's hardening, plugged into nbgrader's own pipeline.

``nbgrader_config.py`` names them in ``Autograde.sanitize_preprocessors``,
``Autograde.autograde_preprocessors`` and ``GenerateFeedback.preprocessors``, so plain
``nbgrader autograde`` and ``nbkit grade`` grade the same way. Each class is a thin
wrapper around a function of its own module, where the logic and its reasons live.

Sanitize step (the submission as the student left it -> the notebook to run):
  ``RecordIntegrity``   first: what the student changed in protected cells (integrity.py)
  ``DropEmptyMetadata`` after nbgrader's DeduplicateIds: works around an nbgrader KeyError
  ``RestoreCellOrder``  after nbgrader's OverwriteCells: graded cells back in order (order.py)
  ``GuardTestCells``    last: install the in-kernel guard, wrap test cells (guard_cells.py)
Autograde step (run it, grade it):
  ``ArmGuard``          before Execute: fresh nonce; the notebook file leaves the disk
  ``ConfirmTestCells``  after Execute: unconfirmed test cells fail; guard removed
  ``LimitOutputSize``   after Execute: outputs capped in characters (outputs.py)
Feedback:
  ``HideHiddenTests``   hidden tests' code and values out; timeouts, paths, undone edits (feedback.py)
  ``WrapLongLines``     after nbconvert's CSSHTMLHeaderPreprocessor: long lines wrap on the page

These run inside nbgrader processes; the modules they wrap do not import nbgrader at
import time, so nbkit stays quick to import.
"""
from __future__ import annotations

import os
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from nbkit.course import RELEASE_DIR
from nbkit.grading import feedback, guard_cells, integrity, order, outputs

NONCE_KEY = "nbkit_nonce"


def _release(resources):
    """The release notebook the student received (nbgrader runs with the course root as cwd)."""
    import nbformat

    info = resources.get("nbgrader", {})
    path = Path(os.getcwd()) / RELEASE_DIR / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
    if not path.is_file():
        return None
    return nbformat.read(str(path), as_version=4)


class RecordIntegrity(NbGraderPreprocessor):
    """Record edited, deleted, duplicated, retyped, reordered cells and suspicious code."""

    def preprocess(self, nb, resources):
        release = _release(resources)
        if release is None:
            self.log.warning("nbkit: no release notebook in %s/ to compare the submission with", RELEASE_DIR)
            return nb, resources
        findings = integrity.integrity_findings(nb, release)
        for item in findings:
            if item["severity"] == integrity.REVIEW:
                self.log.warning("nbkit integrity: %s: %s", item["cell"], item["detail"])
        nb.metadata.setdefault("nbkit", {})["integrity"] = findings
        return nb, resources


class DropEmptyMetadata(NbGraderPreprocessor):
    """After nbgrader's DeduplicateIds: remove the empty ``nbgrader: {}`` it leaves on the extra
    copies of a duplicated cell. (OverwriteCells with ``add_missing_cells`` reads ``grade_id``
    from every cell that has nbgrader metadata and fails with KeyError on those: nbgrader 0.9.6.)"""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if "nbgrader" in cell.metadata and not cell.metadata["nbgrader"]:
                del cell.metadata["nbgrader"]
        return nb, resources


class RestoreCellOrder(NbGraderPreprocessor):
    """Put cells with grade ids back into the release's order."""

    def preprocess(self, nb, resources):
        release = _release(resources)
        if release is not None:
            ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in release.cells]
            if order.restore_order(nb, [gid for gid in ids if gid]):
                self.log.warning("nbkit: graded cells were out of order; restored the release's order")
        return nb, resources


class GuardTestCells(NbGraderPreprocessor):
    """Insert the guard's install cell and wrap every test cell."""

    def preprocess(self, nb, resources):
        return guard_cells.add_guard(nb), resources


class ArmGuard(NbGraderPreprocessor):
    """Put a fresh nonce into the test cells, in memory only, and take the notebook file off the
    disk while the student's code runs (it holds the hidden tests nbgrader restored)."""

    def preprocess(self, nb, resources):
        resources[NONCE_KEY] = guard_cells.arm(nb)
        folder = resources.get("metadata", {}).get("path")
        name = resources.get("unique_key")
        if folder and name:
            path = Path(folder) / f"{name}.ipynb"
            if path.is_file():
                path.unlink()  # nbgrader writes the graded notebook here afterwards
        return nb, resources


class ConfirmTestCells(NbGraderPreprocessor):
    """Fail test cells whose end-of-cell marker is missing; remove the guard from the notebook.
    Also records the per-cell time limit the notebook ran with, for the feedback's sentence."""

    def preprocess(self, nb, resources):
        timeout = self.config.get("Execute", {}).get("timeout")
        try:  # from the command line (--Execute.timeout=6) traitlets keeps it as a string
            nb.metadata.setdefault("nbkit", {})["timeout"] = float(str(timeout))
        except ValueError:
            pass
        nonce = resources.get(NONCE_KEY)
        if nonce is None:  # ArmGuard did not run: nothing was wrapped with a nonce
            return nb, resources
        return guard_cells.confirm(nb, nonce), resources


class LimitOutputSize(NbGraderPreprocessor):
    """Cap every code cell's outputs at ``max_chars`` characters."""

    max_chars = Integer(outputs.MAX_CHARS, help="characters of output kept per cell").tag(config=True)

    def preprocess(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and outputs.cap_outputs(cell, self.max_chars):
                self.log.warning("nbkit: output of cell %d truncated to %d characters", index, self.max_chars)
        return nb, resources


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback without hidden tests' code or values, readable (see nbkit.grading.feedback)."""

    def preprocess(self, nb, resources):
        return feedback.filter_feedback(nb), resources


class WrapLongLines(NbGraderPreprocessor):
    """After nbconvert's CSSHTMLHeaderPreprocessor: long lines in the feedback page wrap."""

    def preprocess(self, nb, resources):
        resources.setdefault("inlining", {}).setdefault("css", []).append(feedback.WRAP_CSS)
        return nb, resources
