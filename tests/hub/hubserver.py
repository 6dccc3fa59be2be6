"""Start and stop one JupyterHub for a test class, from deploy/hub/'s configuration.

The hub's configuration is deploy/hub/jupyterhub_config.py itself: the test's config file
loads it with ``load_subconfig`` and changes only what a test must (free ports on 127.0.0.1,
state in a temporary directory, a shared test password instead of PAM, the exchange in a
temporary directory, and JupyterLab exposing its app object so tests can read cell models).
Likewise every account's nbgrader configuration is deploy/hub/nbgrader_config.py with only
``Exchange.root`` changed. The hub runs from the course's environment (``sys.executable``),
as root, like a real one; user servers run as their unix users.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from browser.labserver import free_port

from .accounts import BIN

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy" / "hub"
COURSE_ID = "backprop-by-hand"

_HUB_OVERRIDES = """\
# tests/hub: the deployed configuration, then only what a test run must change.
c = get_config()  # noqa: F821
load_subconfig({deployed!r})  # noqa: F821

c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
# A shared password per role instead of PAM (the accounts have no passwords).
c.JupyterHub.authenticator_class = "jupyterhub.authenticators.shared.SharedPasswordAuthenticator"
c.SharedPasswordAuthenticator.user_password = {user_password!r}
c.SharedPasswordAuthenticator.admin_password = {admin_password!r}
# Every account reads the test's global nbgrader config (deployed file, temporary exchange).
c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": {etc_jupyter!r}}}
# window.jupyterapp lets the tests read cell models; students' actions still go through the UI.
c.Spawner.args = ["--LabApp.expose_app_in_browser=True",
                  "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
for service in c.JupyterHub.services:
    service.setdefault("environment", {{}})["JUPYTER_CONFIG_PATH"] = {etc_jupyter!r}
"""

_NBGRADER_OVERRIDES = """\
# tests/hub: the deployed global nbgrader config, with the exchange in a temporary directory.
c = get_config()  # noqa: F821
load_subconfig({deployed!r})  # noqa: F821
c.Exchange.root = {exchange!r}
"""


class HubServer:
    """One JupyterHub serving the class named in ``roster`` (``[(role, user), ...]``)."""

    def __init__(self, root: Path, roster: list[tuple[str, str]]):
        self.root = Path(root)              # world-traversable: the exchange lives below it
        self.state_dir = self.root / "hub-state"
        self.etc_jupyter = self.root / "etc-jupyter"   # stands for /etc/jupyter
        self.exchange = self.root / "exchange"
        self.roster = roster
        self.roster_path = self.root / "roster.txt"
        self.port = free_port()
        self.formgrader_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.user_password = secrets.token_hex(16)
        self.admin_password = secrets.token_hex(16)
        self.log_path = self.state_dir / "jupyterhub.log"
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    # -- set-up --------------------------------------------------------------------------
    def write_config(self) -> Path:
        """The roster, the global nbgrader config and the hub config, as a test installs them."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        self.state_dir.mkdir(mode=0o700, exist_ok=True)
        self.etc_jupyter.mkdir(mode=0o755, exist_ok=True)
        self.roster_path.write_text("".join(f"{role} {name}\n" for role, name in self.roster))
        (self.etc_jupyter / "nbgrader_config.py").write_text(_NBGRADER_OVERRIDES.format(
            deployed=str(DEPLOY / "nbgrader_config.py"), exchange=str(self.exchange)))
        config = self.state_dir / "jupyterhub_config.py"
        config.write_text(_HUB_OVERRIDES.format(
            deployed=str(DEPLOY / "jupyterhub_config.py"), port=self.port, hub_port=free_port(),
            proxy_api_port=free_port(), proxy_pid=str(self.state_dir / "proxy.pid"),
            user_password=self.user_password, admin_password=self.admin_password,
            etc_jupyter=str(self.etc_jupyter)))
        return config

    def setup_class(self) -> str:
        """deploy/hub/setup-class.sh: accounts from the roster, the exchange (mode 1777)."""
        result = subprocess.run(["bash", str(DEPLOY / "setup-class.sh"), str(self.roster_path),
                                 str(self.exchange)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"setup-class.sh failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def environment(self) -> dict:
        env = dict(os.environ)
        env.update({
            "BACKPROP_HUB_ROSTER": str(self.roster_path),
            "BACKPROP_HUB_STATE_DIR": str(self.state_dir),
            "BACKPROP_HUB_FORMGRADER_PORT": str(self.formgrader_port),
            "PATH": f"{BIN}:{env.get('PATH', '/usr/local/bin:/usr/bin:/bin')}",
            "PYTHONUNBUFFERED": "1",
        })
        return env

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, timeout: float = 180.0) -> "HubServer":
        config = self.write_config()
        started = time.monotonic()
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(config)], cwd=self.state_dir,
            env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with status {self.process.returncode} while "
                                   f"starting; its log says:\n{self.log_tail()}")
            try:
                self.get("/hub/api/", timeout=2)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.5)
                continue
            self.startup_seconds = time.monotonic() - started
            return self
        self.stop()
        raise RuntimeError(f"JupyterHub did not answer /hub/api/ within {timeout:.0f} s; "
                           f"log:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM: the hub stops every user server and its services, then exits."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    # -- helpers ---------------------------------------------------------------------------
    def get(self, path: str, timeout: float = 10):
        with urllib.request.urlopen(f"{self.base_url}{path}", timeout=timeout) as reply:
            raw = reply.read()
        return json.loads(raw) if raw else None

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def password_for(self, role: str) -> str:
        return self.admin_password if role == "instructor" else self.user_password


class HubUserServer:
    """A hub user's JupyterLab as ``labpage.NotebookPage`` sees a server (the browser holds
    the hub's login cookie, so addresses carry no token)."""

    def __init__(self, hub: HubServer, name: str):
        self.hub, self.name = hub, name
        self.base_url = f"{hub.base_url}/user/{name}"

    def url(self, path: str = "lab") -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def lab_url(self, notebook_path: str, workspace: str | None = None) -> str:
        prefix = f"lab/workspaces/{workspace}" if workspace else "lab"
        return self.url(f"{prefix}/tree/{notebook_path}")
