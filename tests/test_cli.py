"""The `nbkit` command on a temporary copy of the course: build, build --check, validate."""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NB01 = "01_chain_rule"


def nbkit(*args, cwd):
    return subprocess.run([sys.executable, "-m", "nbkit.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def course(tmp_path):
    shutil.copy2(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    for folder in ["solutions", "notebooks"]:
        (tmp_path / folder / NB01).mkdir(parents=True)
        shutil.copy2(ROOT / folder / NB01 / f"{NB01}.ipynb", tmp_path / folder / NB01 / f"{NB01}.ipynb")
    return tmp_path


@pytest.mark.slow
def test_build_check_names_stale_notebooks_and_build_repairs_them(course):
    assert nbkit("build", "--check", cwd=course).returncode == 0
    src = course / "solutions" / NB01 / f"{NB01}.ipynb"
    nb = nbformat.read(src, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("A new paragraph for the students."))
    nbformat.write(nb, src)
    stale = nbkit("build", "--check", cwd=course)
    assert stale.returncode == 1
    assert f"stale:   notebooks/{NB01}/{NB01}.ipynb" in stale.stdout
    (course / "solutions" / "02_new").mkdir()
    shutil.copy2(src, course / "solutions" / "02_new" / "02_new.ipynb")
    stale = nbkit("build", "--check", cwd=course)
    assert "missing: notebooks/02_new/02_new.ipynb" in stale.stdout

    built = nbkit("build", cwd=course)
    assert built.returncode == 0, built.stderr
    assert f"updated: notebooks/{NB01}/{NB01}.ipynb" in built.stdout    # what the build did, not "stale"
    assert "added:   notebooks/02_new/02_new.ipynb" in built.stdout and "stale" not in built.stdout
    assert nbkit("build", "--check", cwd=course).returncode == 0
    assert "A new paragraph" in (course / "notebooks" / NB01 / f"{NB01}.ipynb").read_text()


def test_build_failure_leaves_notebooks_untouched(course):
    before = (course / "notebooks" / NB01 / f"{NB01}.ipynb").read_bytes()
    (course / "solutions" / NB01 / f"{NB01}.ipynb").write_text("{ this is not json")
    result = nbkit("build", cwd=course)
    assert result.returncode == 1
    assert "generate_assignment" in result.stderr
    assert (course / "notebooks" / NB01 / f"{NB01}.ipynb").read_bytes() == before


def test_outside_a_course_says_so(tmp_path):
    result = nbkit("build", "--check", cwd=tmp_path)
    assert result.returncode == 2
    assert "no course found" in result.stderr


@pytest.mark.slow
def test_validate_reports_the_failing_test_cell(course):
    src = course / "solutions" / NB01 / f"{NB01}.ipynb"
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "mul_gate":
            cell.source = cell.source.replace("return upstream * self.y, upstream * self.x",
                                              "return upstream * self.x, upstream * self.y")
    nbformat.write(nb, src)
    result = nbkit("validate", NB01, cwd=course)
    assert result.returncode == 1
    assert "\u2718 mul_gate_tests" in result.stdout
    assert "own-value" in result.stdout and "mul gate swaps" in result.stdout.lower()
    assert "\u2714 add_gate_tests" in result.stdout


def test_grade_and_report_help_name_the_new_options_and_the_real_output_path(tmp_path):
    from nbkit.grading.report import DEFAULT_OUTPUT

    grade_help = nbkit("grade", "--help", cwd=tmp_path).stdout
    for option in ("--student", "--sandbox", "--no-sandbox", "--feedback", "--force"):
        assert option in grade_help
    report_help = " ".join(nbkit("report", "--help", cwd=tmp_path).stdout.split())
    assert f"default: {DEFAULT_OUTPUT}" in report_help and str(DEFAULT_OUTPUT) == "autograded/class_report.html"
