"""The folders of an nbgrader course and the submissions found in them.

nbgrader's convention, which the course follows::

    submitted/<student>/<assignment>/<assignment>.ipynb   collected submissions (+ timestamp.txt)
    autograded/<student>/<assignment>/                     nbgrader autograde's output
    feedback/<student>/<assignment>/                       nbgrader generate_feedback's output
    gradebook.db                                           nbgrader's gradebook (sqlite)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List

SUBMITTED = "submitted"
AUTOGRADED = "autograded"
FEEDBACK = "feedback"
GRADEBOOK = "gradebook.db"
IGNORED = {".ipynb_checkpoints", "__pycache__"}


def db_url(path: Path) -> str:
    """SQLAlchemy URL of an sqlite file (absolute path, as nbgrader expects)."""
    return f"sqlite:///{Path(path).resolve()}"


@dataclass(frozen=True)
class Submission:
    """One student's submission of one assignment: ``submitted/<student>/<assignment>/``."""

    student: str
    assignment: str
    folder: Path

    @property
    def key(self) -> str:
        return f"{self.student}/{self.assignment}"

    @property
    def notebook(self) -> Path:
        """The notebook nbgrader grades (assignments here hold one notebook named like the folder)."""
        return self.folder / f"{self.assignment}.ipynb"

    def files(self) -> List[Path]:
        return sorted(p for p in self.folder.rglob("*")
                      if p.is_file() and not IGNORED.intersection(p.relative_to(self.folder).parts))

    def fingerprint(self) -> str:
        """sha256 over the submission's file names and contents: a resubmission changes it."""
        digest = hashlib.sha256()
        for path in self.files():
            digest.update(str(path.relative_to(self.folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()


def find_submissions(course: Path, assignments: Iterable[str], students: Iterable[str] = ()) -> List[Submission]:
    """Every ``submitted/<student>/<assignment>/`` folder for the given assignments (and
    ``students``, if any are named), sorted."""
    wanted, who = set(assignments), set(students)
    root = Path(course) / SUBMITTED
    if not root.is_dir():
        return []
    found = []
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                              and (not who or p.name in who)):
        for folder in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if folder.name in wanted:
                found.append(Submission(student_dir.name, folder.name, folder))
    return found


def autograded_folder(course: Path, student: str, assignment: str) -> Path:
    return Path(course) / AUTOGRADED / student / assignment


def feedback_folder(course: Path, student: str, assignment: str) -> Path:
    return Path(course) / FEEDBACK / student / assignment
