"""`nbkit grade` from the command line: interrupted with Ctrl-C, it keeps every finished grade,
and the next run grades only the rest."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import nbformat

from nbkit.grading.cells import exercises
from nbkit.grading.submissions import reference_submission, submit

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"
STUDENTS = [f"s{i}" for i in range(4)]


def nbkit(*args, cwd, tmp):
    env = dict(os.environ, TMPDIR=str(tmp))  # so that leftovers would show
    # SIGINT back to its default: a test run in the background (no job control) inherits it ignored
    return subprocess.Popen([sys.executable, "-m", "nbkit.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _journal(course):
    path = course / "autograded" / ".nbkit-grade.json"
    try:
        return json.loads(path.read_text())["submissions"]
    except (OSError, ValueError, KeyError):
        return {}


@pytest.mark.slow
def test_interrupted_run_keeps_finished_grades_and_the_next_run_grades_the_rest(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / A, course / folder / A)
    for student in STUDENTS:
        submit(course, student, A, reference_submission(course, A))

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    first = nbkit("grade", "-j", "1", "--batch-size", "4", "--quiet", cwd=course, tmp=tmp)
    deadline = time.monotonic() + 240
    while len(_journal(course)) < 1 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    first.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = first.communicate(timeout=60)
    assert first.returncode == 130, out + err
    assert "interrupted" in out
    kept = _journal(course)
    assert 1 <= len(kept) < len(STUDENTS), "interrupt came too late to test anything"
    for key in kept:
        student = key.split("/")[0]
        assert (course / "autograded" / student / A / f"{A}.ipynb").is_file()

    second = nbkit("grade", "-j", "2", cwd=course, tmp=tmp)
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, out + err
    assert f"{len(kept)} already graded" in out
    assert f"graded {len(STUDENTS) - len(kept)} submissions" in out
    assert "nbkit grade" in err and "submission" in err  # the progress bar

    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore", module="nbgrader")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        scores = {s.student.id: s.score for s in gb.find_assignment(A).submissions}
    # the reference answers earn every autograded point; written answers wait for a human grader
    release = nbformat.read(str(course / "notebooks" / A / f"{A}.ipynb"), as_version=4)
    autograded = sum(e.points for e in exercises(release))
    assert autograded > 0
    assert scores == {student: autograded for student in STUDENTS}
    assert not list(tmp.glob("nbkit-grade-*")), "temporary courses were left behind"
