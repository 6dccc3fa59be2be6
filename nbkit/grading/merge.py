"""Copy one submission's autograde results from a batch's gradebook into the course's.

Both are nbgrader gradebooks and both are read and written with nbgrader's own API
(:class:`nbgrader.api.Gradebook`). The batch gradebook started as a copy of the course
gradebook, so nbgrader computed everything there exactly as it would have here (due
dates, extensions, earlier manual grades). We copy back precisely the fields that
``nbgrader autograde`` writes and nothing else:

- the submission's timestamp;
- per notebook, the late-submission penalty;
- per graded cell, ``auto_score`` and ``needs_manual_grade``;
- per solution or task cell, ``auto_comment``.

Manual scores and comments in the course gradebook are left as they are.
"""
from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

from nbkit.grading.folders import db_url


def course_id_of(course: Path) -> str:
    """``CourseDirectory.course_id`` from the course's nbgrader_config.py (nbgrader's default if unset)."""
    from traitlets.config.loader import PyFileConfigLoader

    from nbkit.course import CONFIG_FILE

    config = PyFileConfigLoader(CONFIG_FILE, path=str(course)).load_config()
    return config.CourseDirectory.get("course_id", "") or "default_course"


def copy_database(source: Path, dest: Path) -> None:
    """A consistent copy of an sqlite file, even while another process uses it."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(dest) as dst:
        src.backup(dst)


class WorkerGradebooks:
    """Open batch gradebooks, one per batch for all its merges: opening an nbgrader Gradebook
    (an SQLAlchemy engine, a look at every table) costs more than a merge itself."""

    def __init__(self, course_id: str):
        self.course_id = course_id
        self.open: dict = {}

    def get(self, worker_db: Path):
        from nbgrader.api import Gradebook

        if worker_db not in self.open:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.open[worker_db] = Gradebook(db_url(worker_db), self.course_id)
        return self.open[worker_db]

    def close(self, worker_db: Path) -> None:
        gradebook = self.open.pop(worker_db, None)
        if gradebook is not None:
            gradebook.close()

    def close_all(self) -> None:
        for path in list(self.open):
            self.close(path)


def merge_submission(main, worker, course_id: str, assignment: str, student: str) -> float:
    """Copy ``student``'s autograded ``assignment`` from the batch gradebook ``worker`` (an open
    nbgrader Gradebook, or the path of one) into the open gradebook ``main``. Returns the
    submission's total score in the course gradebook."""
    from nbgrader.api import Gradebook

    with warnings.catch_warnings():
        # nbgrader's add_submission triggers SQLAlchemy "not in session" warnings; harmless.
        warnings.simplefilter("ignore")
        if isinstance(worker, (str, Path)):
            with Gradebook(db_url(worker), course_id) as opened:
                return _merge(main, opened, assignment, student)
        try:
            return _merge(main, worker, assignment, student)
        finally:
            worker.db.remove()  # a fresh session next time: nbgrader goes on writing this file


def _merge(main, worker, assignment: str, student: str) -> float:
    graded = worker.find_submission(assignment, student)
    person = graded.student
    main.update_or_create_student(student, first_name=person.first_name, last_name=person.last_name,
                                  email=person.email, lms_user_id=person.lms_user_id)
    main.update_or_create_submission(assignment, student, timestamp=graded.timestamp)
    for notebook in graded.notebooks:
        target = main.find_submission_notebook(notebook.name, assignment, student)
        target.late_submission_penalty = notebook.late_submission_penalty
        # the notebook's grades and comments by cell name, loaded once (not one query per cell)
        grades = {grade.name: grade for grade in target.grades}
        comments = {comment.name: comment for comment in target.comments}
        for grade in notebook.grades:
            mine = grades[grade.name]
            mine.auto_score = grade.auto_score
            mine.needs_manual_grade = grade.needs_manual_grade
        for comment in notebook.comments:
            mine = comments[comment.name]
            mine.auto_comment = comment.auto_comment
    main.db.commit()
    return float(main.find_submission(assignment, student).score)
