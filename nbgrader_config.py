"""nbgrader configuration: this repository *is* an nbgrader course.

solutions/NN_topic/NN_topic.ipynb  -> nbgrader's "source" step (instructor version)
notebooks/NN_topic/NN_topic.ipynb  -> nbgrader's "release" step (what students open)

Everything else (submitted/, autograded/, feedback/, gradebook.db) is created by nbgrader
when an instructor collects and grades, and is ignored by git.
"""
import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = here
c.CourseDirectory.course_id = "backprop-by-hand"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# Notebooks read no data files beside them; keep generated folders clean.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Stubs the learner sees in place of solutions.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding: one runaway exercise must not stop the rest of the notebook being graded.
# (nbgrader's Execute always continues after an error; a timeout interrupts the cell.)
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# `nbkit grade` runs every kernel in a bubblewrap sandbox (nbkit/grading/sandbox.py): "auto"
# wherever bubblewrap works, True to insist (grading stops if it is missing), False never.
# Limits: c.SandboxedKernelManager.memory_limit / cpu_limit / process_limit / file_limit.
c.NbkitGrade.sandbox = "auto"

# Grading you can trust (docs/grading.md): nbgrader's own steps, in nbgrader's order, with
# nbkit's hardening in between. Plain `nbgrader autograde` and `nbkit grade` grade alike.
c.OverwriteCells.add_missing_cells = True  # a deleted test cell is put back and run
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbkit.grading.preprocessors.RecordIntegrity",    # what was edited/deleted/moved, before repairs
    "nbgrader.preprocessors.DeduplicateIds",
    "nbkit.grading.preprocessors.DropEmptyMetadata",  # nbgrader 0.9.6 KeyError on duplicated cells
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",          # locked cells restored (checksums), hidden tests in
    "nbkit.grading.preprocessors.RestoreCellOrder",   # graded cells back in the release's order
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbkit.grading.preprocessors.GuardTestCells",     # clean checks before every test cell
]
c.Autograde.autograde_preprocessors = [
    "nbkit.grading.preprocessors.ArmGuard",           # nonce; notebook file off the disk while it runs
    "nbgrader.preprocessors.Execute",
    "nbkit.grading.preprocessors.ConfirmTestCells",   # a test cell must run to its end to pass
    "nbkit.grading.preprocessors.LimitOutputSize",    # huge outputs cut (characters, not lines)
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Feedback names the hidden case that failed and why, never its code or values.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbkit.grading.preprocessors.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbkit.grading.preprocessors.WrapLongLines",      # long check messages wrap, numbers stay whole
]
