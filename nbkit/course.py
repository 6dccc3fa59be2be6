"""Where the course lives on disk, and which assignments it has."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

SOURCE_DIR = "solutions"
RELEASE_DIR = "notebooks"
CONFIG_FILE = "nbgrader_config.py"


class CourseNotFound(RuntimeError):
    """No course directory (a folder with nbgrader_config.py and solutions/) was found."""


def find_course_dir(start: Optional[os.PathLike] = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding nbgrader_config.py and solutions/."""
    here = Path(start or os.getcwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / CONFIG_FILE).is_file() and (folder / SOURCE_DIR).is_dir():
            return folder
    raise CourseNotFound(
        f"no course found at or above {here}: run nbkit from the course repository (the folder with "
        f"{CONFIG_FILE} and {SOURCE_DIR}/), or pass --course-dir."
    )


def assignments(course_dir: Path) -> List[str]:
    """Assignment names (``01_chain_rule``, ...) in order: folders of solutions/ holding a notebook
    of the same name."""
    src = Path(course_dir) / SOURCE_DIR
    return sorted(p.name for p in src.iterdir() if p.is_dir() and (p / f"{p.name}.ipynb").is_file())


def source_notebook(course_dir: Path, assignment: str) -> Path:
    return Path(course_dir) / SOURCE_DIR / assignment / f"{assignment}.ipynb"


def release_notebook(course_dir: Path, assignment: str) -> Path:
    return Path(course_dir) / RELEASE_DIR / assignment / f"{assignment}.ipynb"
