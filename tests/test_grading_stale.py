"""Grades that never go stale, one student at a time, and a stopped `--force` run.

One small class (three students of notebook 01) is graded once and then, in order:

1. nbkit's checks for notebook 01 change: every submission is regraded, and the run says
   it is because ``nbkit/checks/ch01.py`` changed; a change to the course's source notebook
   likewise names the notebook;
2. ``nbkit grade --student NAME --force`` regrades that student alone: the others' files,
   journal entries and gradebook rows are untouched;
3. ``nbkit grade --force`` is stopped with SIGTERM after it finished one submission: the
   next plain ``nbkit grade`` regrades exactly the ones the stopped run did not reach.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest

from nbkit.grading import fingerprint
from nbkit.grading.batch import grade
from nbkit.grading.submissions import reference_submission, submit

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"
STUDENTS = ["ann", "ben", "cat"]
pytestmark = pytest.mark.slow


def _journal(course):
    try:
        return json.loads((course / "autograded" / ".nbkit-grade.json").read_text())["submissions"]
    except (OSError, ValueError, KeyError):
        return {}


def _files(course, student):
    """Hashes of a student's autograded and feedback files."""
    out = {}
    for part in ("autograded", "feedback"):
        folder = course / part / student
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                out[str(path.relative_to(course))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _gradebook_rows(course):
    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore", module="nbgrader")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        return {s.student.id: (str(s.timestamp), [(g.name, g.auto_score, g.id) for g in s.notebooks[0].grades])
                for s in gb.find_assignment(A).submissions}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("stale") / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / A, course / folder / A)
    for student in STUDENTS:
        submit(course, student, A, reference_submission(course, A))
    first = grade(course, jobs=2, feedback=True, progress=False)
    assert sorted(first.graded) == [f"{s}/{A}" for s in STUDENTS], first.lines()
    assert first.reasons == {"not graded yet": [f"{s}/{A}" for s in STUDENTS]}
    return course


def test_a_changed_check_regrades_and_says_why(course, monkeypatch, capsys):
    real = fingerprint.nbkit_files

    def fixed_checks(used):
        files = real(used)
        files["nbkit/checks/ch01.py"] += b"\n# a fixed check\n"
        return files

    monkeypatch.setattr(fingerprint, "nbkit_files", fixed_checks)
    summary = grade(course, jobs=2, progress=True)
    assert sorted(summary.graded) == [f"{s}/{A}" for s in STUDENTS]
    assert list(summary.reasons) == ["nbkit/checks/ch01.py changed"]
    printed = capsys.readouterr().out
    assert f"grading 3 submissions (ann/{A}, ben/{A}, cat/{A}): nbkit/checks/ch01.py changed" in printed

    again = grade(course, jobs=2, progress=False)  # same inputs: nothing to do
    assert not again.graded and len(again.skipped) == 3
    monkeypatch.setattr(fingerprint, "nbkit_files", real)
    back = grade(course, jobs=2, progress=False)   # the check reverted: a change as well
    assert len(back.graded) == 3 and list(back.reasons) == ["nbkit/checks/ch01.py changed"]


def test_a_changed_source_notebook_regrades_and_names_it(course):
    path = course / "solutions" / A / f"{A}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A last remark."))
    nbformat.write(nb, str(path))
    summary = grade(course, students=["ann"], jobs=1, progress=False)
    assert list(summary.graded) == [f"ann/{A}"]
    assert list(summary.reasons) == [f"solutions/{A}/{A}.ipynb changed"]


def test_one_student_is_regraded_alone(course):
    grade(course, jobs=2, progress=False)  # everyone up to date first
    before = {s: _files(course, s) for s in STUDENTS}
    rows = _gradebook_rows(course)
    journal = _journal(course)
    summary = grade(course, students=["ben"], force=True, feedback=True, jobs=2, progress=False)
    assert list(summary.graded) == [f"ben/{A}"] and summary.reasons == {"--force": [f"ben/{A}"]}
    after = _journal(course)
    for other in ("ann", "cat"):
        assert _files(course, other) == before[other], f"{other}'s files were touched"
        assert after[f"{other}/{A}"] == journal[f"{other}/{A}"]
        assert _gradebook_rows(course)[other] == rows[other]
    assert after[f"ben/{A}"]["graded_at"] > journal[f"ben/{A}"]["graded_at"]
    with pytest.raises(ValueError, match="no submission .* by nobody"):
        grade(course, students=["nobody"], progress=False)


def test_sigterm_during_force_leaves_the_rest_to_the_next_run(course, tmp_path):
    grade(course, jobs=2, progress=False)
    start = time.time()
    env = dict(os.environ, TMPDIR=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "nbkit.cli", "grade", "--force", "-j", "1", "--batch-size", "3",
                             "--quiet"], cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    deadline = time.monotonic() + 900  # a loaded machine grades slowly
    fresh = lambda: [k for k, v in _journal(course).items() if v["graded_at"] > start]  # noqa: E731
    while not fresh() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, out + err
    done = fresh()
    assert 1 <= len(done) < len(STUDENTS), "SIGTERM came too late to test anything"

    summary = grade(course, jobs=2, progress=False)
    assert sorted(summary.graded) == sorted(f"{s}/{A}" for s in STUDENTS if f"{s}/{A}" not in done)
    assert sorted(summary.skipped) == sorted(done)
    assert all(v["graded_at"] > start for v in _journal(course).values())
