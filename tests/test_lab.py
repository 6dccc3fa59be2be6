"""`nbkit lab`: a self-learner sees no instructor tools or news pop-up, an instructor sees
everything, and the course kernel turns a NameError into advice on which cell to run first."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from nbkit import kernel_hints, labsetup

ROOT = Path(__file__).resolve().parents[1]


# -- the kernel extension --------------------------------------------------------------

def test_hint_names_the_setup_cell_for_set_up_names():
    for name in ("ch01", "ch07", "np", "plt"):
        assert "set-up cell" in kernel_hints.hint_for(f"name '{name}' is not defined")


def test_hint_names_the_cells_above_for_other_names():
    hint = kernel_hints.hint_for("name 'MulGate' is not defined")
    assert "`MulGate`" in hint and "cells above" in hint and "spelling" in hint
    assert kernel_hints.hint_for("something else entirely") == ""


def _run_in_kernel(source: str, extra_arguments):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    client = NotebookClient(nb, timeout=60, kernel_name="python3", extra_arguments=extra_arguments)
    with pytest.raises(CellExecutionError):
        client.execute()
    return [o for o in nb.cells[0].outputs if o.output_type == "error"][0]


def test_a_check_cell_after_a_restart_fails_with_advice():
    error = _run_in_kernel("ch01.check_add_gate(AddGate)", ["--ext=nbkit.kernel_hints"])
    assert error.ename == "NameError"           # still an error: the check cell still fails for nbgrader
    assert "set-up cell" in error.traceback[-1]


def test_install_kernel_hints_merges_into_existing_config(tmp_path):
    path = tmp_path / "etc" / "ipython" / "ipython_kernel_config.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"IPKernelApp": {"extensions": ["other"]}, "InlineBackend": {"x": 1}}))
    labsetup.install_kernel_hints(str(tmp_path))
    labsetup.install_kernel_hints(str(tmp_path))  # idempotent
    config = json.loads(path.read_text())
    assert config["IPKernelApp"]["extensions"] == ["other", "nbkit.kernel_hints"]
    assert config["InlineBackend"] == {"x": 1}


# -- what JupyterLab shows --------------------------------------------------------------

def test_page_config_for_each_audience(tmp_path):
    learner = json.loads((labsetup.write_page_config(tmp_path / "a", instructor=False)
                          / "labconfig" / "page_config.json").read_text())
    assert set(learner["disabledExtensions"]) == set(labsetup.SELF_LEARNER_DISABLED)
    assert "@jupyter/nbgrader:validate-assignment" not in learner["disabledExtensions"]
    teacher = json.loads((labsetup.write_page_config(tmp_path / "b", instructor=True)
                          / "labconfig" / "page_config.json").read_text())
    assert teacher["disabledExtensions"] == {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _served_page_config(*flags) -> dict:
    """Start `nbkit lab` for real and read the page config JupyterLab sends to the browser."""
    port, token = _free_port(), "t" + os.urandom(8).hex()
    env = dict(os.environ, NBKIT_LAB_TOKEN=token)
    proc = subprocess.Popen([sys.executable, "-m", "nbkit.cli", "lab", "--no-browser", f"--port={port}", *flags],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.time() + 120
        while True:
            try:
                html = urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5).read().decode()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise AssertionError("nbkit lab did not start:\n" + proc.stdout.read().decode(errors="replace"))
                time.sleep(0.5)
        data = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
        return json.loads(data.group(1))
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


@pytest.mark.slow
def test_self_learner_lab_hides_instructor_tools_and_news():
    disabled = set(_served_page_config()["disabledExtensions"])
    assert set(labsetup.SELF_LEARNER_DISABLED) <= disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled


@pytest.mark.slow
def test_instructor_lab_shows_them():
    disabled = set(_served_page_config("--instructor")["disabledExtensions"])
    assert not disabled & set(labsetup.SELF_LEARNER_DISABLED)
