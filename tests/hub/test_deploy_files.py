"""The deployment files agree with the course and with each other (fast; no hub, no cluster).

The hub configuration itself is exercised end to end by test_class.py (make test-hub); these
checks cover what no test here can run: the Binder files (built on mybinder.org) and the
Kubernetes files (no cluster here), and the hub configuration's reading of the roster.
"""
from __future__ import annotations

import re
import shlex
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from traitlets.config.loader import PyFileConfigLoader

from test_environment import _normalise

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BINDER = ROOT / "binder"


def _config(path: Path):
    """A traitlets config file loaded the way Jupyter applications load it."""
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def _course_id() -> str:
    return _config(ROOT / "nbgrader_config.py").CourseDirectory.course_id


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


# -- Binder ---------------------------------------------------------------------------------------
def test_binder_link_opens_the_first_notebook():
    readme = (BINDER / "README.md").read_text()
    paths = re.findall(r"urlpath=lab/tree/([^)\s&]+)", readme)
    assert paths == ["notebooks/01_chain_rule/01_chain_rule.ipynb"], paths
    assert (ROOT / paths[0]).is_file()


def test_binder_environment_lists_the_runtime_dependencies():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    listed = dict(_normalise(s) for s in specs if not s.startswith(("python", "pip")))
    wanted = dict(_normalise(s) for s in _pyproject()["project"]["dependencies"])
    assert listed == wanted, "binder/environment.yml and pyproject.toml list different dependencies"
    python = next(s for s in specs if s.startswith("python")).replace("python=", "")
    assert python in SpecifierSet(_pyproject()["project"]["requires-python"]), python
    assert "pip" in specs
    # Binder installs environment.yml before the repository is copied in: no `-e .` there.
    assert not any(isinstance(d, dict) for d in env["dependencies"]), "postBuild installs nbkit"


def test_binder_postbuild_installs_nbkit_and_hides_the_instructor_tools():
    post = BINDER / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    text = post.read_text()
    assert "pip install --no-deps -e ." in text
    # the plugins it disables must exist in the nbgrader that pyproject.toml installs
    static = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"
    defined = set(re.findall(r'"@jupyter/nbgrader:([a-z-]+)"', "".join(
        p.read_text(errors="replace") for p in static.glob("*.js"))))
    loop = re.search(r"for plugin in ([a-z -]+); do", text)
    assert loop and set(loop.group(1).split()) <= defined, (loop and loop.group(1), defined)


# -- the single-machine hub -----------------------------------------------------------------------
def test_hub_config_reads_the_roster(tmp_path, monkeypatch):
    roster = tmp_path / "roster.txt"
    roster.write_text("# the class\ngrader grader-x\ninstructor prof\nstudent ann  # first\nstudent ben\n")
    monkeypatch.setenv("BACKPROP_HUB_ROSTER", str(roster))
    c = _config(DEPLOY / "hub" / "jupyterhub_config.py")
    assert c.Authenticator.allowed_users == {"prof", "ann", "ben"}
    assert c.Authenticator.admin_users == {"prof"}
    (service,) = c.JupyterHub.services
    assert service["name"] == _course_id(), "nbgrader expects the formgrader service named after the course"
    assert service["user"] == "grader-x" and service["cwd"] == f"/home/grader-x/{_course_id()}"
    assert c.JupyterHub.load_groups[f"formgrade-{_course_id()}"] == {"users": ["prof"]}
    assert service["url"].startswith("http://127.0.0.1:")
    assert c.JupyterHub.bind_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("roster, message", [
    ("student ann\n", "exactly one grader"),
    ("grader g\nteacher t\n", "line 2"),
])
def test_hub_config_explains_a_bad_roster(tmp_path, monkeypatch, roster, message):
    path = tmp_path / "roster.txt"
    path.write_text(roster)
    monkeypatch.setenv("BACKPROP_HUB_ROSTER", str(path))
    with pytest.raises(ValueError, match=message):
        _config(DEPLOY / "hub" / "jupyterhub_config.py")


def test_global_nbgrader_config_names_the_course():
    c = _config(DEPLOY / "hub" / "nbgrader_config.py")
    assert c.CourseDirectory.course_id == _course_id()
    assert c.Exchange.root == "/srv/nbgrader/exchange"


# -- Kubernetes (not run here: these only check the files agree) ------------------------------------
def test_k8s_values_mount_the_exchange_where_nbgrader_looks():
    values = yaml.safe_load((DEPLOY / "k8s" / "config.yaml").read_text())
    exchange = _config(DEPLOY / "hub" / "nbgrader_config.py").Exchange.root
    mounts = values["singleuser"]["storage"]["extraVolumeMounts"]
    assert [m["mountPath"] for m in mounts] == [exchange]
    claims = {v["persistentVolumeClaim"]["claimName"] for v in values["singleuser"]["storage"]["extraVolumes"]}
    pvcs = {d["metadata"]["name"]: d for d in yaml.safe_load_all((DEPLOY / "k8s" / "exchange-pvc.yaml").read_text())}
    assert claims <= set(pvcs) and all(p["spec"]["accessModes"] == ["ReadWriteMany"] for p in pvcs.values())
    extra = values["hub"]["extraConfig"]["backprop-course.py"]
    assert f'COURSE_ID = "{_course_id()}"' in extra and "backprop-course" in pvcs
    compile(extra, "backprop-course.py", "exec")


def test_dockerfile_copies_only_files_that_exist():
    dockerfile = (DEPLOY / "k8s" / "Dockerfile").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            words = [w for w in shlex.split(line)[1:] if not w.startswith("--")]
            for source in words[:-1]:
                assert (ROOT / source).exists(), f"Dockerfile copies {source}, which does not exist"
    assert '"/tmp/backprop-by-hand[hub]"' in dockerfile, "the image needs jupyterhub-singleuser (hub extra)"
    assert "hub" in _pyproject()["project"]["optional-dependencies"]
