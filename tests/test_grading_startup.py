"""nbgrader as `nbkit grade` starts it (nbkit.grading.nbgrader_run): nbgrader's own command line,
without building rfc3987_syntax's grammars at start-up, and notebooks still validated."""
from __future__ import annotations

import subprocess
import sys

from nbkit.build import nbgrader_env
from nbkit.grading.nbgrader_run import command


def test_nbgrader_starts_without_the_iri_grammars():
    cmd = command("autograde", "x", root="/nonexistent")
    assert cmd[:3] == [sys.executable, "-m", "nbkit.grading.nbgrader_run"] and cmd[3:5] == ["autograde", "x"]
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "nbkit.grading.nbgrader_run", "--version"],
                          capture_output=True, text=True, env=nbgrader_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "nbgrader version" in proc.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time")}
    assert "nbformat.validator" in imported and "jsonschema" in imported   # so the block is what kept it out
    assert "lark" not in imported   # rfc3987_syntax builds its grammars with lark; its import failed at once


def test_notebooks_are_still_validated_without_them():
    code = ("import sys; sys.modules['rfc3987_syntax'] = None\n"
            "import nbformat\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
            "nbformat.validate(nb)\n"
            "nb.cells[0]['outputs'] = 'not a list'\n"
            "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('rejected')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.stdout.strip() == "rejected", proc.stderr[-2000:]
