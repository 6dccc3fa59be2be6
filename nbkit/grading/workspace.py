"""A temporary nbgrader course in which one batch of submissions is autograded.

nbgrader's sqlite gradebook does not take concurrent writers, so each parallel batch gets
its own course folder and its own copy of the gradebook; :mod:`nbkit.grading.merge` copies
the results back into the course's gradebook, one submission at a time, in one process.

Student code runs with ``<courses>/<name>/autograded/<student>/<assignment>`` as its
working directory, so everything under ``<courses>/<name>`` is within its reach. That
folder therefore holds nothing secret::

    <courses>/<name>/nbgrader_config.py            the course's config (root = this folder)
    <courses>/<name>/solutions/<assignment>/...    the assignment's data files, not its notebook
    <courses>/<name>/notebooks/<assignment>/       the release (what students received)
    <courses>/<name>/submitted/<student>/<assignment>/

and what holds hidden tests lives in a separate temporary folder::

    <private>/db/<name>.db                          the batch's gradebook (source cells)
    <private>/vault/<name>/<student>/<assignment>/  each autograded notebook, moved here by
                                                   nbgrader's post-convert hook the moment
                                                   it is written, before the next student runs
    <private>/logs/<name>.log

See docs/grading.md for what this does and does not stop.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from nbkit.course import CONFIG_FILE, RELEASE_DIR, SOURCE_DIR, release_notebook
from nbkit.grading.folders import AUTOGRADED, IGNORED, SUBMITTED, Submission, db_url


def unreadable_reason(submission: Submission) -> Optional[str]:
    """Why nbgrader could not read this submission's notebook, or None if it can."""
    import nbformat

    path = submission.notebook
    if not path.is_file():
        return f"no notebook named {path.name} in the submission"
    raw = path.read_bytes()
    if not raw.strip():
        return "the notebook file is empty"
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        return f"the notebook file is not valid JSON ({err})"
    try:
        nbformat.reads(json.dumps(data), as_version=4)
    except Exception as err:  # noqa: BLE001 - any reason nbformat gives is the reason
        return f"the file is not a Jupyter notebook ({type(err).__name__}: {str(err)[:200]})"
    return None


@dataclass
class RunFolders:
    """The two temporary folders of one ``nbkit grade`` run (see the module docstring)."""

    courses: Path
    private: Path

    @classmethod
    def create(cls) -> "RunFolders":
        return cls(Path(tempfile.mkdtemp(prefix="nbkit-grade-")), Path(tempfile.mkdtemp(prefix="nbkit-grade-private-")))

    def remove(self) -> None:
        for folder in (self.courses, self.private):
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Workspace:
    """One batch's temporary course. ``blank`` maps submission keys graded as the blank
    release to the reason their own notebook could not be graded."""

    name: str
    root: Path
    private: Path
    submissions: List[Submission]
    blank: Dict[str, str] = field(default_factory=dict)

    @property
    def db(self) -> Path:
        return self.private / "db" / f"{self.name}.db"

    @property
    def db_url(self) -> str:
        return db_url(self.db)

    @property
    def vault(self) -> Path:
        return self.private / "vault" / self.name

    @property
    def log(self) -> Path:
        return self.private / "logs" / f"{self.name}.log"

    def env(self) -> Dict[str, str]:
        """Environment for the batch's nbgrader command: where the post-convert hook moves results,
        and the file whose existence says the batch gradebook is ready (see :func:`wait_until_ready`)."""
        return {VAULT_ENV: str(self.vault), READY_ENV: str(self.private / "ready")}

    def autograded(self, submission: Submission) -> Path:
        """Where the finished autograded folder is (in the vault, out of the students' reach)."""
        return self.vault / submission.student / submission.assignment

    def finished(self, submission: Submission) -> bool:
        """Has nbgrader finished this submission (grades saved, notebook written)? See :func:`mark_finished`."""
        return (self.vault / FINISHED / submission.student / submission.assignment).is_file()

    def unvault(self, submission: Submission) -> None:
        """Put a finished autograded folder back into the course folder (for generate_feedback,
        once no student code runs any more)."""
        dest = self.root / AUTOGRADED / submission.student / submission.assignment
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(self.autograded(submission), dest, symlinks=True)


FINISHED = ".finished"
VAULT_ENV = "NBKIT_GRADE_VAULT"
READY_ENV = "NBKIT_GRADE_READY"

# nbgrader runs this before each submission, before it opens the gradebook. While the
# assignment is still being recorded in the course gradebook, the batch's gradebook is a
# placeholder; the parent replaces it and then creates the file named by $NBKIT_GRADE_READY.
# So a batch's nbgrader starts up (seconds of imports) while the assignment is recorded.
PRE_CONVERT_HOOK = "--Autograde.pre_convert_hook=nbkit.grading.workspace.wait_until_ready"


def wait_until_ready(**_) -> None:
    """Pre-convert hook: return once ``$NBKIT_GRADE_READY`` exists (or the parent is gone)."""
    import time

    ready = os.environ.get(READY_ENV)
    parent = os.getppid()
    deadline = time.monotonic() + 3600
    while ready and not os.path.exists(ready) and os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.05)

# nbgrader runs this after each submission it graded successfully, with the paths of the
# submitted notebooks (``--Autograde.post_convert_hook=nbkit.grading.workspace.mark_finished``).
# The autograded notebook alone is no signal: nbgrader writes it twice, sanitized and then graded.
POST_CONVERT_HOOK = "--Autograde.post_convert_hook=nbkit.grading.workspace.mark_finished"


def mark_finished(assignment=None, student=None, notebooks=(), **_) -> None:
    """Post-convert hook: move ``autograded/<student>/<assignment>`` (relative to nbgrader's
    working directory, the course root) into the vault named by ``$NBKIT_GRADE_VAULT`` and
    leave a marker there. ``assignment``/``student`` may be globs, so the ids are read from
    the notebook paths ``.../submitted/<student>/<assignment>/<name>.ipynb``."""
    vault = Path(os.environ.get(VAULT_ENV, FINISHED))
    for student_id, assignment_id in {Path(p).resolve().parts[-3:-1] for p in notebooks}:
        graded = Path(AUTOGRADED) / student_id / assignment_id
        dest = vault / student_id / assignment_id
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(graded), str(dest))
        marker = vault / FINISHED / student_id / assignment_id
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()


def _copy_source_files(course: Path, assignment: str, dest: Path) -> None:
    source = course / SOURCE_DIR / assignment
    target = dest / SOURCE_DIR / assignment
    target.mkdir(parents=True, exist_ok=True)
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if path.is_file() and path.suffix != ".ipynb" and not IGNORED.intersection(rel.parts):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / rel)


def make_workspace(folders: RunFolders, name: str, course: Path, submissions: List[Submission],
                   template_db: Path, blank: Optional[Dict[str, str]] = None) -> Workspace:
    """Create the batch ``name`` for ``submissions``. Those in ``blank`` are replaced by the
    untouched release notebook (they score zero and are flagged with the reason)."""
    course = Path(course)
    root = folders.courses / name
    root.mkdir(parents=True)
    ws = Workspace(name=name, root=root, private=folders.private, submissions=list(submissions),
                   blank=dict(blank or {}))
    for folder in (ws.db.parent, ws.vault, ws.log.parent):
        folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(course / CONFIG_FILE, root / CONFIG_FILE)
    shutil.copy2(template_db, ws.db)
    for assignment in sorted({s.assignment for s in submissions}):
        _copy_source_files(course, assignment, root)
        release = root / RELEASE_DIR / assignment
        release.mkdir(parents=True)
        shutil.copy2(release_notebook(course, assignment), release / f"{assignment}.ipynb")
    for sub in submissions:
        dest = root / SUBMITTED / sub.student / sub.assignment
        if sub.key in ws.blank:
            dest.mkdir(parents=True)
            shutil.copy2(release_notebook(course, sub.assignment), dest / sub.notebook.name)
            if (sub.folder / "timestamp.txt").is_file():
                shutil.copy2(sub.folder / "timestamp.txt", dest / "timestamp.txt")
        else:
            shutil.copytree(sub.folder, dest, symlinks=True, ignore=shutil.ignore_patterns(*IGNORED))
    return ws
