"""Running nbgrader commands in subprocesses, the way the rest of nbkit does.

nbgrader is started as ``python -m nbgrader`` with :func:`nbkit.build.nbgrader_env` (the
venv's bin/ on PATH, for the alembic helper). Each command runs in its own process group
(``start_new_session``) so that stopping a batch also stops the kernels nbgrader started.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO, Dict, List, Optional, Sequence

from nbkit.build import nbgrader_env


class NbgraderError(RuntimeError):
    """An nbgrader command that must succeed did not; the message holds the end of its log."""


def command(step: str, target: str, *, root: Path, db: Optional[str] = None,
            options: Sequence[str] = ()) -> List[str]:
    """``python -m nbgrader <step> <target> --CourseDirectory.root=<root> [...]``."""
    cmd = [sys.executable, "-m", "nbgrader", step, target, f"--CourseDirectory.root={root}", "--log-level=INFO"]
    if db:
        cmd.append(f"--CourseDirectory.db_url={db}")
    return cmd + list(options)


def start(cmd: List[str], *, cwd: Path, log: IO, env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    """Start an nbgrader command in the background, output to ``log``, ``env`` added to its environment."""
    return subprocess.Popen(cmd, cwd=cwd, env=dict(nbgrader_env(), **(env or {})), stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def run(cmd: List[str], *, cwd: Path) -> subprocess.CompletedProcess:
    """Run an nbgrader command to completion; raise :class:`NbgraderError` if it fails."""
    proc = subprocess.run(cmd, cwd=cwd, env=nbgrader_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-4000:]
        raise NbgraderError(f"`nbgrader {' '.join(cmd[3:5])}` failed (exit {proc.returncode}):\n{tail}")
    return proc


def stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop a background command. SIGINT first: nbgrader then shuts its kernel down cleanly
    (kernels run in their own session, so killing nbgrader's group would orphan them)."""
    if proc.poll() is not None:
        return
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
