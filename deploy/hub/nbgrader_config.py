"""nbgrader settings every account on the hub shares: install as /etc/jupyter/nbgrader_config.py.

Students' Assignment List and the `nbgrader fetch_assignment / submit / fetch_feedback`
commands read it; the grader account reads it too, then the course's own nbgrader_config.py
(in the course directory) on top. tests/hub/ loads this file and changes only Exchange.root.
"""
c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

# The course students see in their Assignment List (= the hub service running the formgrader).
c.CourseDirectory.course_id = "backprop-by-hand"

# Released assignments, submissions and feedback pass through this directory. It must exist,
# be writable by every account and carry the sticky bit (mode 1777): setup-class.sh makes it.
# On several machines (Kubernetes) it is a shared ReadWriteMany volume: see deploy/k8s/.
c.Exchange.root = "/srv/nbgrader/exchange"
