"""What `nbkit lab` prepares before JupyterLab starts: the learner's view and the course kernel.

Two audiences open the same course. A self-learner (the default) sees the notebooks and
nothing of nbgrader's instructor tools: the Create Assignment sidebar, the Formgrader,
Course List and Assignment List menu entries are switched off, and so is JupyterLab's news
pop-up. Only nbgrader's Validate button stays: it runs every check of a notebook, which is
useful without a grader. An instructor (``nbkit lab --instructor``) gets everything.

The switch is a JupyterLab page config (``labconfig/page_config.json`` with
``disabledExtensions``) in a folder added to ``JUPYTER_CONFIG_PATH`` for this server only,
so a learner's own Jupyter configuration is neither read-modified nor needed.

The course kernel loads :mod:`nbkit.kernel_hints` (friendly NameErrors after a restart)
through ``<prefix>/etc/ipython/ipython_kernel_config.json``, which IPython reads for every
kernel of this environment (and of no other).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict

#: JupyterLab plugins a self-learner does not need (nbgrader's instructor and exchange tools,
#: and the news announcements that pop up on first start).
SELF_LEARNER_DISABLED = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",
    "@jupyterlab/apputils-extension:announcements",
)

KERNEL_EXTENSION = "nbkit.kernel_hints"


def write_page_config(folder: Path, *, instructor: bool) -> Path:
    """Write ``folder/labconfig/page_config.json`` for the audience; return ``folder``."""
    labconfig = Path(folder) / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    disabled: Dict[str, bool] = {} if instructor else {name: True for name in SELF_LEARNER_DISABLED}
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}, indent=2) + "\n")
    return Path(folder)


def lab_environment(config_folder: Path, base: Dict[str, str]) -> Dict[str, str]:
    """``base`` with ``config_folder`` first on JUPYTER_CONFIG_PATH (the learner's own paths kept)."""
    env = dict(base)
    rest = env.get("JUPYTER_CONFIG_PATH")
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(config_folder)] + ([rest] if rest else []))
    return env


def install_kernel_hints(prefix: str) -> Path:
    """Make every IPython kernel of the environment at ``prefix`` load the course's hints.

    Merges into an existing ``ipython_kernel_config.json`` rather than replacing it.
    """
    path = Path(prefix) / "etc" / "ipython" / "ipython_kernel_config.json"
    config = {}
    if path.exists():
        try:
            config = json.loads(path.read_text() or "{}")
        except json.JSONDecodeError:
            config = {}
    app = config.setdefault("IPKernelApp", {})
    extensions = app.setdefault("extensions", [])
    if KERNEL_EXTENSION not in extensions:
        extensions.append(KERNEL_EXTENSION)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, indent=2) + "\n")
    return path


if __name__ == "__main__":  # `python -m nbkit.labsetup`: run by `make` when it sets up the environment
    import sys

    print(f"course kernel hints: {install_kernel_hints(sys.prefix)}")
