"""Grading in a sandbox: every kernel that runs student code starts inside bubblewrap.

nbgrader runs a submission by starting a Jupyter kernel and sending it the cells. With
``nbkit grade --sandbox`` (or ``c.NbkitGrade.sandbox`` in nbgrader_config.py) that kernel
is started by :class:`SandboxedKernelManager` (nbgrader's ``Execute.kernel_manager_class``)
as::

    prlimit --as=4GiB --cpu=600 --nproc=64 --fsize=1GiB --        resource limits (setrlimit)
      bwrap --unshare-net --unshare-pid --unshare-ipc ...         bubblewrap (Debian: bubblewrap)
        --ro-bind /usr /usr --ro-bind <python> --ro-bind <venv> --ro-bind <nbkit package> ...
        --bind <the submission's scratch folder> --bind <the kernel's socket folder>
        --tmpfs /tmp (size-capped) --proc /proc --dev /dev --clearenv --die-with-parent
        setpriv --reuid=<unprivileged uid> --no-new-privs ...     (when grading as root)
          python -m ipykernel_launcher -f <connection file>

So inside the sandbox the kernel sees the operating system, Python, the environment and
nbkit's package (all read-only: the checks cannot be rewritten for the students graded
next), the scratch folder of its own submission (the only writable place besides a small
private /tmp) and nothing else: not the course (solutions, gradebook), not the batch's other
submissions, not the grader's temporary folders. It has no network (a network namespace
with only loopback; the kernel talks to nbgrader over Unix sockets, ZeroMQ's ``ipc``
transport, in a folder bound into the sandbox). Its process tree lives in a PID namespace
that dies with it.

Limits (``c.SandboxedKernelManager.<name>`` in nbgrader_config.py): address space
(``memory_limit``, RLIMIT_AS), CPU seconds per process (``cpu_limit``, RLIMIT_CPU),
processes and threads (``process_limit``, RLIMIT_NPROC), size of a written file
(``file_limit``, RLIMIT_FSIZE), the private /tmp (``tmp_size``).

RLIMIT_NPROC counts the processes of a *user* and never applies to root. So when
``nbkit grade`` runs as root, the kernel is switched (``setpriv``, inside the sandbox) to an
unprivileged uid of its own, one per batch, that owns nothing on the machine; the scratch
and socket folders are handed to that uid. Run as an ordinary user, bubblewrap uses a user
namespace instead and the process limit counts that user's processes (the limit is raised
by the number already running). See docs/grading.md for what is and is not enforced.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from jupyter_client import AsyncKernelManager
from traitlets import Int, Unicode

PACKAGE = "bubblewrap"
INSTALL_HINT = (f"the grading sandbox needs bubblewrap (`bwrap`): install Debian's `{PACKAGE}` package "
                f"(`sudo apt-get install {PACKAGE}`), or grade without a sandbox (`nbkit grade --no-sandbox`)")
BASE_UID = 200_000  # sandboxed kernels run as BASE_UID + n when grading as root: uids no one uses
GiB = 1 << 30
SOCKET_BASE_MAX = 70  # longest folder for the kernels' socket folders (+ "/nbk-xxxxxxxx/kernel-NN")


class SandboxUnavailable(ValueError):
    """``--sandbox`` was asked for, and bubblewrap is missing or does not work here."""


def _sandbox_setting(course: Path):
    """``c.NbkitGrade.sandbox`` from the course's nbgrader_config.py: True, False or "auto" (default)."""
    from traitlets.config.loader import PyFileConfigLoader

    from nbkit.course import CONFIG_FILE

    try:
        config = PyFileConfigLoader(CONFIG_FILE, path=str(course)).load_config()
    except Exception:  # noqa: BLE001 - a config nbgrader cannot read fails later, with nbgrader's message
        return "auto"
    return config.NbkitGrade.get("sandbox", "auto")


def bwrap_problem() -> Optional[str]:
    """None if bubblewrap can start a sandbox here; otherwise what is wrong, in one sentence."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return INSTALL_HINT
    try:
        proc = subprocess.run([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net",
                               "--unshare-pid", "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap is installed but could not start a sandbox ({err})"
    if proc.returncode != 0:
        return (f"bubblewrap is installed but could not start a sandbox here ({proc.stderr.strip()[:200]}); "
                "it needs user namespaces or root")
    return None


@dataclass
class Sandbox:
    """The sandbox ``nbkit grade`` asks nbgrader to use (limits come from the config)."""

    def autograde_options(self, private: Path, batch: int) -> List[str]:
        """Options for ``nbgrader autograde`` that start every kernel in the sandbox."""
        # even uids: a batch's kernels alternate between uid and uid + 1 (nbkit.grading.kernel_pool)
        uid = BASE_UID + (os.getpid() % 4000) * 100 + (batch % 50) * 2
        return ["--Execute.kernel_manager_class=nbkit.grading.sandbox.SandboxedKernelManager",
                f"--SandboxedKernelManager.socket_root={Path(private) / 'kernels'}",
                f"--SandboxedKernelManager.uid={uid}"]

    @staticmethod
    def describe() -> str:
        return ("bubblewrap: course, environment and nbkit read-only, only the submission's folder writable, "
                "no network; memory, process and CPU limits")


def decide(course: Path, asked: Optional[bool]) -> Optional[Sandbox]:
    """The sandbox to grade with, or None. ``asked``: True (``--sandbox``: it must work, else
    :class:`SandboxUnavailable`), False (``--no-sandbox``), None (the course's setting; its
    default "auto" uses the sandbox wherever bubblewrap works)."""
    wanted = _sandbox_setting(course) if asked is None else asked
    if wanted in (False, "no", "off", "never"):
        return None
    problem = bwrap_problem()
    if problem is None:
        return Sandbox()
    if wanted == "auto":
        print(f"nbkit grade: grading WITHOUT a sandbox: {problem}", file=sys.stderr)
        return None
    raise SandboxUnavailable(problem)


# -- inside nbgrader: the kernel manager ---------------------------------------------------

def _readonly_binds() -> List[str]:
    """bwrap arguments that show the system, Python, the environment and nbkit, read-only."""
    import nbkit

    args: List[str] = []
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    paths = ["/usr", "/etc", sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable)),
             str(Path(nbkit.__file__).resolve().parent)]
    seen: List[str] = []
    for path in paths:
        path = os.path.realpath(path)
        if os.path.isdir(path) and not any(path == s or path.startswith(s + os.sep) for s in seen):
            seen.append(path)
            args += _open_parents([path]) + ["--ro-bind", path, path]
    return args


def _open_parents(paths: List[str]) -> List[str]:
    """bwrap creates the folders on the way to a mount point as root-only (0700) when running
    as root: open them (0755) so that the kernel's unprivileged uid reaches what is bound."""
    args, done = [], set()
    for path in paths:
        for parent in reversed(Path(path).parents):
            if str(parent) != "/" and parent not in done:
                done.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _user_processes(uid: int) -> int:
    """How many processes (threads included) ``uid`` runs now: RLIMIT_NPROC counts them all."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(entry / "task"))
            except OSError:
                continue
    return count


def _chown_tree(path: Path, uid: int) -> None:
    os.chown(path, uid, uid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, uid)


def sandbox_command(cmd: List[str], scratch: Path, sockets: Path, *, uid: int, memory: int, cpu: int,
                    processes: int, file_size: int, tmp_size: int) -> List[str]:
    """``cmd`` (a kernel's command line) wrapped in prlimit, bubblewrap and, as root, setpriv."""
    root = os.geteuid() == 0
    nproc = processes if root else processes + _user_processes(os.getuid())
    python_bin = os.path.dirname(sys.executable)
    wrapped = ["prlimit", f"--as={memory}", f"--cpu={cpu}", f"--nproc={nproc}", f"--fsize={file_size}",
               "--core=0", "--",
               "bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--hostname", "sandbox",
               "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(tmp_size), "--tmpfs", "/tmp",
               *_readonly_binds(),
               *_open_parents([str(scratch), str(sockets)]),
               "--bind", str(scratch), str(scratch), "--bind", str(sockets), str(sockets), "--chdir", str(scratch),
               "--clearenv", "--setenv", "PATH", f"{python_bin}:/usr/bin:/bin", "--setenv", "HOME", "/tmp",
               "--setenv", "TMPDIR", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
               "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
               "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1"]
    if root:
        wrapped += ["--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                    "--inh-caps=-all", "--bounding-set=-all"]
    else:
        wrapped += ["--unshare-user", "--"]
    return wrapped + list(cmd)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside bubblewrap (see the module docstring).

    Named by ``nbkit grade --sandbox`` as ``Execute.kernel_manager_class``; nbgrader creates
    one per notebook with the notebook's folder as the kernel's working directory."""

    socket_root = Unicode("", help="folder for the kernels' socket folders (default: the temp folder)").tag(config=True)
    uid = Int(BASE_UID, help="unprivileged uid the kernel runs as when grading as root").tag(config=True)
    memory_limit = Int(4 * GiB, help="address space per process, bytes (RLIMIT_AS)").tag(config=True)
    cpu_limit = Int(600, help="CPU seconds per process (RLIMIT_CPU)").tag(config=True)
    process_limit = Int(64, help="processes and threads of the kernel's uid (RLIMIT_NPROC)").tag(config=True)
    file_limit = Int(GiB, help="largest file the kernel may write, bytes (RLIMIT_FSIZE)").tag(config=True)
    tmp_size = Int(256 << 20, help="size of the kernel's private /tmp, bytes").tag(config=True)

    _scratch: Optional[Path] = None
    _sockets: Optional[Path] = None

    async def _async_pre_start_kernel(self, **kw):
        self._scratch = Path(kw.get("cwd") or os.getcwd()).resolve()
        base = Path(self.socket_root or tempfile.gettempdir())
        if len(str(base)) > SOCKET_BASE_MAX:  # a Unix socket's path has at most 107 bytes
            base = Path("/tmp")
        base.mkdir(parents=True, exist_ok=True)
        self._sockets = Path(tempfile.mkdtemp(prefix="nbk-", dir=base))
        self.transport = "ipc"  # no network inside: ZeroMQ over Unix sockets in a bound folder
        self.ip = str(self._sockets / "kernel")
        self.connection_file = str(self._sockets / "kernel.json")
        # Interrupt (a cell's timeout) by message: ipykernel then signals itself inside the sandbox.
        # A signal from out here would reach bwrap's own processes, not the kernel.
        self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None) -> List[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if os.geteuid() == 0:  # the kernel's uid must be able to use its folders, and only those
            _chown_tree(self._scratch, self.uid)
            _chown_tree(self._sockets, self.uid)
        return sandbox_command(cmd, self._scratch, self._sockets, uid=self.uid, memory=self.memory_limit,
                               cpu=self.cpu_limit, processes=self.process_limit, file_size=self.file_limit,
                               tmp_size=self.tmp_size)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart and self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)
