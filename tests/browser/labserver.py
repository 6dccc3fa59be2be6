"""Start and stop one JupyterLab server for the browser tests.

The server runs from the course's own environment (``sys.executable -m jupyterlab``, not a
``jupyter`` found on PATH), listens on 127.0.0.1 with a random token, and keeps all of its
state (settings, workspaces, runtime files, IPython profile) in a temporary directory so a
developer's own Jupyter configuration cannot change what the tests see. It is started
directly, never through a shell: a shell would leave the real server as a grandchild that
outlives a kill of the shell.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    """All processes below ``pid`` (kernels run in their own sessions, so killpg misses them)."""
    try:
        import psutil
    except ImportError:  # psutil comes with jupyter_server; fall back to the group kill only
        return []
    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class LabServer:
    """One JupyterLab process serving ``root_dir``, with its state kept under ``state_dir``.

    ``cwd`` is the server's working directory; nbgrader's Validate handler looks for
    ``nbgrader_config.py`` there.
    """

    def __init__(self, root_dir: Path, state_dir: Path, cwd: Path | None = None):
        self.root_dir = Path(root_dir)
        self.state_dir = Path(state_dir)
        self.cwd = Path(cwd or root_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.state_dir / "jupyterlab.log"
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    # -- settings written before start -------------------------------------------------
    def _write_user_settings(self) -> Path:
        """Lab settings that keep pop-ups from covering the page."""
        settings = self.state_dir / "lab-settings"
        news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True, exist_ok=True)
        # The "would you like news?" toast covers the lower right of the page.
        news.write_text(json.dumps({"fetchNews": "false"}))
        return settings

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            path = self.state_dir / name.lower()
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_CONFIG_PATH", None)
        env.pop("MPLBACKEND", None)  # let ipykernel pick the inline backend, as for students
        env["PYTHONUNBUFFERED"] = "1"
        return env

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, timeout: float = 90.0) -> "LabServer":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        settings = self._write_user_settings()
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--allow-root",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={self.state_dir / 'workspaces'}",
            # window.jupyterapp lets the tests *read* cell models (output types, ename);
            # every action a student takes still goes through menus, keys and clicks.
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        started = time.monotonic()
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            command, cwd=self.cwd, env=self._environment(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with status {self.process.returncode} while starting; "
                    f"its log says:\n{self.log_tail()}"
                )
            try:
                self.api("GET", "/api/status", timeout=2)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.25)
                continue
            self.startup_seconds = time.monotonic() - started
            return self
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer /api/status within {timeout:.0f} s; "
                           f"log:\n{self.log_tail()}")

    def stop(self) -> None:
        """Shut kernels down, then end the server and everything it started."""
        if self.process is None or self.process.poll() is not None:
            return
        pids = _descendants(self.process.pid)
        try:
            for session in self.api("GET", "/api/sessions", timeout=5) or []:
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=10)
        except Exception:  # noqa: BLE001 - best effort; the signals below finish the job
            pass
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        for pid in pids:  # kernels live in their own sessions; end any survivor
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    # -- helpers ---------------------------------------------------------------------------
    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def lab_url(self, notebook_path: str, workspace: str | None = None) -> str:
        """The address a student would open for ``notebook_path`` (relative to root_dir).

        JupyterLab restores the last layout of a workspace, tabs and all; giving each page
        its own fresh ``workspace`` keeps notebooks opened by earlier tests out of it.
        """
        prefix = f"lab/workspaces/{workspace}" if workspace else "lab"
        return self.url(f"{prefix}/tree/{notebook_path}")

    def api(self, method: str, path: str, body=None, timeout: float = 10):
        """Call the server's REST API; returns decoded JSON (or None for an empty reply)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base_url}{path}", data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            raw = reply.read()
        return json.loads(raw) if raw else None

    def shutdown_sessions_for(self, notebook_path: str) -> None:
        """End the kernel behind ``notebook_path`` (closing a browser tab leaves it running)."""
        for session in self.api("GET", "/api/sessions") or []:
            if session.get("path") == notebook_path:
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=20)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
