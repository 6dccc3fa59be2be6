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
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.allow_errors = True
