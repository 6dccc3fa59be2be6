"""The course as a whole, for every notebook in solutions/ (new notebooks are picked up
automatically):

(a) notebooks/ is exactly what nbgrader generates from solutions/;
(b) no solution code, model answer or hidden-test text reaches notebooks/;
(c) every solution notebook runs top to bottom and every test cell passes; every release
    notebook runs with only its exercises failing;
(d) an nbgrader autograde round trip: the solution scores full marks, the untouched release
    scores zero, and a submission with exactly one exercise broken loses exactly its points.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nbkit import build
from nbkit.course import assignments, release_notebook, source_notebook
from nbkit.feedback import UNFINISHED_ERRORS
from nbkit.grading.cells import exercises
from nbkit.grading.submissions import build_submission, reference_answers, submit
from nbkit.validate import run_notebook

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = assignments(ROOT)


def test_course_has_notebooks():
    assert ASSIGNMENTS and ASSIGNMENTS[0] == "01_chain_rule"
    for name in ASSIGNMENTS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+", name), f"assignment folders are named NN_topic, not {name!r}"


# ---------------------------------------------------------------- (a) release is nbgrader's output

def test_release_is_exactly_what_nbgrader_generates():
    diff = build.check(ROOT)
    assert diff.up_to_date, "notebooks/ is stale; run `nbkit build`:\n" + "\n".join(diff.lines())


# ---------------------------------------------------------------- (b) nothing secret leaks

def _regions(source: str, begin: str, end: str):
    return re.findall(rf"{re.escape(begin)}\n(.*?){re.escape(end)}", source, flags=re.S)


def _meaningful_lines(block: str):
    for line in block.splitlines():
        line = line.strip()
        if len(line) >= 12 and not line.startswith("#"):
            yield line


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_contains_no_solutions_or_hidden_tests(name):
    source = nbformat.read(source_notebook(ROOT, name), as_version=4)
    release_text = release_notebook(ROOT, name).read_text()
    release = nbformat.reads(release_text, as_version=4)

    for marker in ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME"]:
        assert marker not in release_text, f"{marker!r} found in the release of {name}"

    release_sources = "\n".join(c.source for c in release.cells)
    secret_lines = []
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            for block in _regions(cell.source, "### BEGIN SOLUTION", "### END SOLUTION"):
                secret_lines += list(_meaningful_lines(block))
            for block in _regions(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"):
                secret_lines += list(_meaningful_lines(block))
        elif meta.get("solution"):  # a written answer: the model answer stays in solutions/
            secret_lines += list(_meaningful_lines(cell.source))
    # A line of solution code may legitimately also appear in the release (e.g. in a demo);
    # hidden-test lines and model answers never may.
    visible = {line for c in source.cells if not c.metadata.get("nbgrader", {}).get("solution")
               for line in _meaningful_lines(re.sub(r"### BEGIN (SOLUTION|HIDDEN TESTS).*?### END \1", "",
                                                    c.source, flags=re.S))}
    leaked = [line for line in secret_lines if line in release_sources and line not in visible]
    assert not leaked, f"solution or hidden-test lines found in the release of {name}: {leaked[:5]}"

    for cell in release.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{name}: release cells carry no outputs"
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_exercise_has_visible_check_and_hidden_tests(name):
    source = nbformat.read(source_notebook(ROOT, name), as_version=4)
    graded_code = [c for c in source.cells
                   if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    written = [c for c in source.cells
               if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
    assert graded_code, f"{name} has no autograded exercises"
    assert written, f"{name} has no manually graded written answer"
    for cell in graded_code:
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{name}: {cell.metadata.nbgrader.grade_id} has no hidden tests"
        assert re.search(r"check\w*\(", visible), f"{name}: {cell.metadata.nbgrader.grade_id} has no visible check"
        assert cell.metadata.nbgrader.get("points", 0) > 0


# ---------------------------------------------------------------- (c) notebooks run

@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_notebook_runs_and_every_test_cell_passes(name, tmp_path):
    run = run_notebook(source_notebook(ROOT, name), workdir=tmp_path)
    problems = [f"cell {c.index} ({c.grade_id or 'not a test'}): {c.message}" for c in run.cells if not c.ok]
    assert not problems, f"{name}:\n" + "\n\n".join(problems)
    assert run.tests


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_notebook_fails_only_its_exercises(name, tmp_path):
    run = run_notebook(release_notebook(ROOT, name), workdir=tmp_path)
    for cell in run.tests:
        assert not cell.ok, f"{name}: test {cell.grade_id} passes on the untouched release"
        assert "not written yet" in cell.message or "NotImplementedError" in cell.message, cell.message
    unexpected = [c for c in run.errors if c.ename not in UNFINISHED_ERRORS]
    assert not unexpected, "\n".join(f"cell {c.index}: {c.message}" for c in unexpected)


# ---------------------------------------------------------------- (d) autograde round trip

def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"],
                          cwd=course, env=build.nbgrader_env(), capture_output=True, text=True)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def graded_course(course: Path, name: str):
    """A temporary nbgrader course for one notebook with submissions: the release with every answer
    filled in, the untouched release, and one submission per exercise with only that exercise left
    unanswered. Autograded once, with plain nbgrader (one notebook per test, so that pytest-xdist
    can spread the notebooks over the cores)."""
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / name, course / "solutions" / name)
    _nbgrader(course, "generate_assignment", name, "--force")  # records the assignment and its cells in the gradebook

    expected = {}  # student -> {grade_id: expected score}
    release = nbformat.read(release_notebook(ROOT, name), as_version=4)
    answers = reference_answers(ROOT, name)
    found = exercises(release)
    full = {ex.test_id: ex.points for ex in found}

    # The release with every answer filled in, as a student would submit it.
    submit(course, "solution", name, build_submission(release, answers))
    expected["solution"] = dict(full)
    submit(course, "release", name, release)
    expected["release"] = {gid: 0.0 for gid in full}
    for k, ex in enumerate(found):  # every answer but this exercise's
        others = {gid: code for gid, code in answers.items() if gid not in ex.solution_ids}
        submit(course, f"broken{k:02d}", name, build_submission(release, others))
        expected[f"broken{k:02d}"] = dict(full, **{ex.test_id: 0.0})

    _nbgrader(course, "autograde", name, "--create", "--force")
    return expected


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_autograde_round_trip(name, tmp_path):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    expected = graded_course(course, name)
    wrong = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, want in sorted(expected.items()):
            submission = gb.find_submission(name, student)
            got = {g.name: float(g.score) for g in submission.notebooks[0].grades if g.auto_score is not None}
            for gid, score in want.items():
                if got.get(gid) != score:
                    wrong.append(f"{name} / {student}: {gid} scored {got.get(gid)}, expected {score}")
    assert not wrong, "\n".join(wrong)
