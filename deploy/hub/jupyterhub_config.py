"""JupyterHub for a class taking "Backpropagation by hand" (docs/teaching-a-class.md).

One machine, one course, real unix accounts:

- every person on the roster logs in with their unix password (PAM, JupyterHub's default)
  and gets their own JupyterLab, started as their own unix user (LocalProcessSpawner), so
  nbgrader's exchange can rely on unix ownership and permissions;
- students use nbgrader's Assignment List (Nbgrader menu) to fetch, submit and fetch feedback;
- the course directory (a clone of the course repository) belongs to a grader account, which
  runs nbgrader's formgrader as a hub service at /services/<course id>/; instructors reach it
  through the hub, students cannot;
- the exchange is a directory every account can write to (see setup-class.sh), its location
  set in the global nbgrader configuration (deploy/hub/nbgrader_config.py, installed as
  /etc/jupyter/nbgrader_config.py).

Start it as root with the course's environment:

    /opt/backprop-by-hand/.venv/bin/jupyterhub -f /opt/backprop-by-hand/deploy/hub/jupyterhub_config.py

tests/hub/ starts a hub from this very file: its own config loads this one and changes only
ports, state files, the authenticator (a shared test password instead of PAM), the roster and
the exchange directory. Settings that can differ per installation are read from the
environment, with the defaults below.
"""
import os
import sys

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file

# -- who is in the class ------------------------------------------------------------------
COURSE_ID = "backprop-by-hand"  # = CourseDirectory.course_id in the course's nbgrader_config.py
# One person per line: "<role> <unix user name>", role one of grader, instructor, student.
# deploy/hub/setup-class.sh creates the unix accounts from the same file.
ROSTER = os.environ.get("BACKPROP_HUB_ROSTER", "/etc/jupyterhub/roster.txt")
FORMGRADER_PORT = int(os.environ.get("BACKPROP_HUB_FORMGRADER_PORT", "9999"))
STATE_DIR = os.environ.get("BACKPROP_HUB_STATE_DIR", "/srv/jupyterhub")
# The environment this hub runs from has the course (nbkit, nbgrader, JupyterLab) installed;
# user servers, their kernels and the formgrader run from it too.
BIN = os.path.dirname(os.path.abspath(sys.executable))


def read_roster(path):
    """``{role: [user, ...]}`` from the roster file; blank lines and ``#`` comments skipped."""
    people = {"grader": [], "instructor": [], "student": []}
    with open(path) as roster:
        for number, line in enumerate(roster, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            role, _, name = line.partition(" ")
            if role not in people or not name.strip():
                raise ValueError(f"{path}, line {number}: expected '<grader|instructor|student> <user>', "
                                 f"got {line!r}")
            people[role].append(name.strip())
    if len(people["grader"]) != 1:
        raise ValueError(f"{path}: name exactly one grader account (the owner of the course directory), "
                         f"found {people['grader'] or 'none'}")
    return people


people = read_roster(ROSTER)
GRADER = people["grader"][0]
COURSE_DIR = os.environ.get("BACKPROP_HUB_COURSE_DIR", f"/home/{GRADER}/{COURSE_ID}")

# -- the hub ---------------------------------------------------------------------------------
c.JupyterHub.bind_url = "http://127.0.0.1:8000"  # put TLS in front (nginx, traefik) or set ssl_cert/ssl_key
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{STATE_DIR}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{STATE_DIR}/jupyterhub.pid"

c.Authenticator.allowed_users = set(people["instructor"] + people["student"])
c.Authenticator.admin_users = set(people["instructor"])

# -- one JupyterLab per person, as that person's unix user -------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [os.path.join(BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120  # the first start of JupyterLab on a busy server is slow
c.Spawner.http_timeout = 120

# -- the formgrader: a shared server of the grader account, for instructors only --------------
FORMGRADERS = f"formgrade-{COURSE_ID}"  # nbgrader's naming convention for the group
c.JupyterHub.load_groups = {
    FORMGRADERS: {"users": people["instructor"]},
    f"nbgrader-{COURSE_ID}": {"users": people["student"]},
}
c.JupyterHub.load_roles = [
    # By default every user may use every service; students get only their own server.
    {"name": "user", "scopes": ["self"]},
    {"name": "formgrader", "groups": [FORMGRADERS], "scopes": [f"access:services!service={COURSE_ID}"]},
]
c.JupyterHub.services = [
    {
        # nbgrader expects the service to be named after the course.
        "name": COURSE_ID,
        "url": f"http://127.0.0.1:{FORMGRADER_PORT}",
        "command": [os.path.join(BIN, "jupyterhub-singleuser"), "--ServerApp.default_url=/formgrader"],
        "user": GRADER,
        # nbgrader reads the course's own nbgrader_config.py from the working directory.
        "cwd": COURSE_DIR,
        "oauth_no_confirm": True,
    },
]
