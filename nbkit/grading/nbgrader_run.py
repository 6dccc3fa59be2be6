"""Running nbgrader commands in subprocesses, the way the rest of nbkit does.

nbgrader is started as ``python -m nbkit.grading.nbgrader_run`` (nbgrader's own command line,
see :func:`main`) with :func:`nbkit.build.nbgrader_env` (the venv's bin/ on PATH, for the
alembic helper). Each command runs in its own process group
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
    cmd = [sys.executable, "-m", __name__, step, target, f"--CourseDirectory.root={root}", "--log-level=INFO"]
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


def main() -> None:
    """``python -m nbgrader``, started about 2 CPU seconds quicker.

    nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is
    installed (jupyter's packages pull it in), and that builds some forty lark grammars at
    import: about 60% of nbgrader's start-up, paid by every nbgrader command. Those checkers
    only serve the ``"format": "iri"`` keywords of a schema, and neither nbformat's notebook
    schema nor nbgrader validates with a format checker, so blocking the import changes no
    validation. ``nbkit grade`` starts one nbgrader command per batch, per retry and for
    recording the assignment, so this is paid several times per run.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules: the import raises ImportError
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    sys.exit(nbgrader_main())


if __name__ == "__main__":
    main()
