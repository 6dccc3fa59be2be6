"""The unix accounts of the test class: run commands as them, remove them afterwards.

nbgrader's exchange is built on unix ownership and permissions (a submission belongs to the
student who made it; students cannot list the inbound directory or one another's feedback),
so the class is made of real accounts, created by deploy/hub/setup-class.sh from a roster,
exactly as on a real hub. Their names start with ``nbkt-`` so they cannot be mistaken for
anyone's real account; the session deletes them (homes included) when it ends.
"""
from __future__ import annotations

import os
import pwd
import signal
import subprocess
import time
from pathlib import Path

# The class's environment (deploy/hub/install-env.sh): jupyterhub, nbgrader, the course. Not the
# test's own .venv, whose Python may live where other accounts cannot run it (pyenv under /root).
ENV = Path(os.environ.get("NBKIT_HUB_ENV", "/opt/nbkit-hub-test/env"))
BIN = ENV / "bin"
# Set for the session by the hub fixture: what every account's shell would have (the global
# nbgrader configuration's directory, standing in for /etc/jupyter).
SESSION_ENV: dict = {}


def home(name: str) -> Path:
    return Path(pwd.getpwnam(name).pw_dir)


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def user_env(name: str, extra: dict | None = None) -> dict:
    """A clean login-like environment for ``name`` with the course's tools first on PATH."""
    env = {
        "HOME": str(home(name)), "USER": name, "LOGNAME": name, "SHELL": "/bin/bash",
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg",
    }
    env.update(SESSION_ENV)
    env.update(extra or {})
    return env


def as_user(name: str, args: list, *, cwd=None, env: dict | None = None, check: bool = True,
            timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``args`` as the unix user ``name`` (its own uid, gid, no extra groups, umask 022),
    from its home unless ``cwd`` is given; stdout and stderr together in ``.stdout``."""
    entry = pwd.getpwnam(name)
    result = subprocess.run(
        [str(a) for a in args], cwd=str(cwd or entry.pw_dir), env=user_env(name, env),
        user=entry.pw_uid, group=entry.pw_gid, extra_groups=[], umask=0o022,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"as {name}: `{' '.join(map(str, args))}` exited with "
                             f"{result.returncode}:\n{result.stdout}")
    return result


def processes_of(name: str) -> list[int]:
    """Pids of the processes running as ``name`` (its servers, kernels, commands)."""
    import psutil

    uid = pwd.getpwnam(name).pw_uid
    found = []
    for process in psutil.process_iter(["pid", "uids"]):
        uids = process.info.get("uids")
        if uids is not None and uids.real == uid:
            found.append(process.info["pid"])
    return found


def end_processes_of(name: str, grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL, each process of the test account ``name``, by pid."""
    pids = processes_of(name)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            pids = processes_of(name)
            if not pids:
                return
            time.sleep(0.2)


def remove(name: str) -> None:
    """Delete the test account ``name`` and its home (no-op when it does not exist)."""
    if not name.startswith("nbkt-"):
        raise ValueError(f"refusing to delete {name!r}: only the tests' own nbkt- accounts")
    if not exists(name):
        return
    end_processes_of(name)
    subprocess.run(["userdel", "--remove", name], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if exists(name):
        raise RuntimeError(f"could not delete the test account {name}")
