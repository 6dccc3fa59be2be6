"""Find the course's notebooks and prepare the temporary copy the browser tests serve.

The server never serves the repository itself: running cells in JupyterLab saves outputs
and checkpoints, and the Validate button saves the notebook first. So the session copies
``notebooks/`` and ``solutions/`` (and ``nbgrader_config.py``) into a temporary directory
that becomes the server's root and working directory.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = "solutions"   # nbgrader "source": instructor notebooks with solutions and hidden tests
RELEASE = "notebooks"     # nbgrader "release": what students open

_NOTEBOOK = re.compile(r"^(\d\d)_[A-Za-z0-9_]+$")


def course_notebooks(kind: str, repo: Path = REPO) -> list[str]:
    """Paths like ``solutions/01_chain_rule/01_chain_rule.ipynb`` (relative to the repo).

    ``kind`` is ``"solutions"`` or ``"notebooks"``. Only ``NN_topic/NN_topic.ipynb`` counts,
    the course's one-notebook-per-assignment convention, so scratch files are ignored.
    """
    if kind not in (SOLUTIONS, RELEASE):
        raise ValueError(f"kind must be {SOLUTIONS!r} or {RELEASE!r}, not {kind!r}")
    found = []
    for folder in sorted((repo / kind).glob("*")):
        notebook = folder / f"{folder.name}.ipynb"
        if folder.is_dir() and _NOTEBOOK.match(folder.name) and notebook.is_file():
            found.append(notebook.relative_to(repo).as_posix())
    return found


def topic(path: str) -> str:
    """``"01_chain_rule"`` for ``"notebooks/01_chain_rule/01_chain_rule.ipynb"``."""
    return Path(path).parent.name


def copy_course(destination: Path, repo: Path = REPO) -> Path:
    """Copy the release and source notebooks (and nbgrader's config) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    for kind in (SOLUTIONS, RELEASE):
        if (repo / kind).is_dir():
            shutil.copytree(repo / kind, destination / kind, ignore=ignore, dirs_exist_ok=True)
    config = repo / "nbgrader_config.py"
    if config.is_file():  # the Validate handler reads it from the server's working directory
        shutil.copy2(config, destination / "nbgrader_config.py")
    return destination


_MARKERS = re.compile(r"^[ \t]*#+[ \t]*(BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def filled_release(release_path: Path, solution_path: Path, out_path: Path) -> int:
    """Write a copy of the release notebook whose answer cells hold the instructor's answers.

    This is the notebook of a student who solved everything: locked cells are untouched
    (their checksums still match), each ``solution`` cell takes the source of the cell with
    the same ``grade_id`` in the instructor's notebook, minus the solution markers.
    Returns the number of cells filled.
    """
    import nbformat

    release = nbformat.read(release_path, as_version=4)
    source = nbformat.read(solution_path, as_version=4)
    answers = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            answers[meta["grade_id"]] = _MARKERS.sub("", cell.source)
    filled = 0
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell.source = answers[meta["grade_id"]]
            filled += 1
    out_path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(release, out_path)
    return filled
