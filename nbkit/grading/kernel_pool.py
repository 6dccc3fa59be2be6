"""Kernels started one submission ahead: the next student's kernel boots while this one's cells run.

nbgrader's ``Execute`` starts a kernel for a notebook, waits until it answers, runs the cells
and shuts it down, one submission after another: every submission waits for a Python process
to start and import IPython (and, in the sandbox, for bubblewrap), with the CPU partly idle.
``nbkit grade`` names :class:`PooledExecute` in place of nbgrader's ``Execute`` (nothing else
changes in nbgrader's pipeline). It keeps one kernel started ahead: when a notebook takes its
kernel, the next one is launched at once, so it boots while the notebook runs.

Isolation is kept: **every kernel runs exactly one notebook** and is shut down after it
(nbclient does that, as for any kernel it started), never reused. A kernel is started in a
fresh, empty folder of its own (its working directory, and the only writable folder of a
sandboxed kernel); when it is handed to a submission, the submission's files (what nbgrader
put beside the notebook: data files; the notebook itself is off the disk while student code
runs, see ``ArmGuard``) move into that folder, and after the run everything in it moves back
into ``autograded/<student>/<assignment>/``, where nbgrader then writes the graded notebook:
the same files end up where they did without the pool. The folder sits at the depth of
``autograded/<student>/<assignment>`` (``autograded/.nbkit-kernel-N/work``), so relative paths
reach what they reached before. A kernel whose folder was removed or replaced before it was
used (a previous submission's code can do that without the sandbox) is discarded, not used.

At most ``PooledExecute.kernels`` kernels are started in one nbgrader command (``nbkit grade``
passes the number of notebooks of the batch), so no kernel is started that no notebook needs.
A kernel started ahead and not used (the command is stopped: Ctrl-C, SIGTERM, an error) is
shut down and its folder removed when the process exits (``atexit``; SIGTERM is turned into
an exit for that). Kernels also stop on their own if nbgrader dies (ipykernel watches its
parent; bubblewrap's ``--die-with-parent``).

``PooledExecute.kernels = 0`` (the default) is nbgrader's ``Execute`` unchanged.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from nbgrader.preprocessors import Execute
from traitlets import Integer

FOLDER_PREFIX = ".nbkit-kernel-"


@dataclass
class PooledKernel:
    """A started kernel (its manager) and the folder it was started in (its working directory)."""

    km: object
    kernel_name: str
    folder: Path
    inode: int

    def intact(self) -> bool:
        """Is the kernel's folder still the empty one it was started in (not removed, replaced or
        written to: without the sandbox, the code of the submission before could have)?"""
        try:
            return (not self.folder.is_symlink() and os.stat(self.folder).st_ino == self.inode
                    and not os.listdir(self.folder))
        except OSError:
            return False


class KernelPool:
    """Kernels started ahead for one nbgrader process, at most ``budget`` in all, each handed out once."""

    def __init__(self, base: Path, budget: int):
        self.base = base            # <course>/autograded: kernel folders go to base/.nbkit-kernel-N/work
        self.budget = budget
        self.started = 0
        self.ready: List[PooledKernel] = []
        self.lock = threading.Lock()

    def start(self, preprocessor: "PooledExecute", kernel_name: str) -> Optional[PooledKernel]:
        """Launch one kernel (without waiting for it to answer); None once the budget is spent."""
        from jupyter_core.utils import run_sync

        with self.lock:
            if self.started >= self.budget:
                return None
            self.started += 1
            number = self.started
        folder = self.base / f"{FOLDER_PREFIX}{os.getpid()}-{number}" / "work"
        folder.mkdir(parents=True)
        km = preprocessor.kernel_manager_class(kernel_name=kernel_name, config=preprocessor.config)
        _own_uid(km, number)
        arguments = list(preprocessor.extra_arguments)
        if getattr(km, "ipykernel", False) and preprocessor.ipython_hist_file and \
                not any(a.startswith("--HistoryManager.hist_file") for a in arguments):
            arguments.append(f"--HistoryManager.hist_file={preprocessor.ipython_hist_file}")  # as nbclient does
        try:
            run_sync(km.start_kernel)(extra_arguments=arguments, cwd=str(folder))
        except BaseException:
            _remove_folder(folder)
            raise
        return PooledKernel(km, kernel_name, folder, os.stat(folder).st_ino)

    def take(self, preprocessor: "PooledExecute", kernel_name: str) -> Optional[PooledKernel]:
        """A kernel for one notebook (started ahead if one is ready), and the next one launched.
        None if the budget is spent (the caller then starts a kernel the usual way)."""
        kernel = None
        while self.ready and kernel is None:
            candidate = self.ready.pop(0)
            if candidate.kernel_name == kernel_name and candidate.intact():
                kernel = candidate
            else:
                discard(candidate)
        if kernel is None:
            kernel = self.start(preprocessor, kernel_name)
        if kernel is not None:
            ahead = self.start(preprocessor, kernel_name)
            if ahead is not None:
                self.ready.append(ahead)
        return kernel

    def close(self) -> None:
        """Shut down the kernels started ahead that no notebook took."""
        while self.ready:
            discard(self.ready.pop())


def discard(kernel: PooledKernel) -> None:
    """Shut a kernel down now and remove its folder."""
    _shut_down(kernel)
    _remove_folder(kernel.folder)


def _shut_down(kernel: PooledKernel) -> None:
    from jupyter_core.utils import run_sync

    try:
        run_sync(kernel.km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - already dead, or never came up: nothing left to stop
        pass


def _remove_folder(folder: Path) -> None:
    shutil.rmtree(folder.parent, ignore_errors=True)


def _move_contents(source: Path, dest: Path) -> None:
    """Move everything in ``source`` into ``dest`` (same file system: renames)."""
    dest.mkdir(parents=True, exist_ok=True)
    if not source.is_dir() or source.is_symlink():
        return
    for entry in os.listdir(source):
        target = dest / entry
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        shutil.move(str(source / entry), str(target))


_POOL: Optional[KernelPool] = None


def _pool(base: Path, budget: int) -> KernelPool:
    global _POOL
    if _POOL is None:
        _POOL = KernelPool(base, budget)
        atexit.register(_POOL.close)
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            # SIGTERM would end the process without atexit: exit instead, so kernels started ahead stop
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
    return _POOL


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


class PooledExecute(Execute):
    """nbgrader's ``Execute`` with the notebook's kernel started ahead (see the module docstring)."""

    kernels = Integer(0, help="kernels this nbgrader command may start ahead in all, one per notebook it "
                              "executes (0: start each kernel when its notebook comes, as nbgrader does)"
                      ).tag(config=True)

    _pooled: Optional[PooledKernel] = None
    _folder: Optional[Path] = None

    def preprocess(self, nb, resources=None, km=None):
        path = (resources or {}).get("metadata", {}).get("path")
        if self.kernels <= 0 or km is not None or not path:
            return super().preprocess(nb, resources, km)
        self._folder = Path(path).resolve()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            kernel, self._pooled, folder, self._folder = self._pooled, None, self._folder, None
            if kernel is not None:
                if kernel.km.has_kernel:   # nbclient shuts its kernel down; this is for an error before that
                    _shut_down(kernel)
                _move_contents(kernel.folder, folder)
                _remove_folder(kernel.folder)

    def create_kernel_manager(self):
        """The kernel started ahead for this notebook (nbclient calls this from ``preprocess``,
        after it has applied the configuration again: ``Execute.kernel_manager_class``, the
        sandbox's, is in force only from then on, so the pool is used only from here)."""
        if self._folder is None:
            return super().create_kernel_manager()
        if not self.kernel_name:
            self.kernel_name = self.nb.metadata.get("kernelspec", {}).get("name") or ""
        kernel = _pool(self._folder.parent.parent, self.kernels).take(self, self.kernel_name or "python3")
        if kernel is None:
            return super().create_kernel_manager()
        self.log.info("nbkit: running %s in kernel %s (%s), started ahead in %s", self._folder,
                      kernel.km.kernel_id, type(kernel.km).__name__, kernel.folder)
        self._pooled = kernel
        _move_contents(self._folder, kernel.folder)
        _hand_over(kernel)
        self.km = kernel.km   # nbclient owns it from here: it shuts it down after this notebook
        return self.km


def _own_uid(km, number: int) -> None:
    """Sandboxed as root, kernels run as unprivileged uids whose process limit (RLIMIT_NPROC)
    counts all their processes: the kernel started ahead boots while the current one runs, so
    the two take turns between two uids, and a fork bomb in one cannot starve the other."""
    from nbkit.grading.sandbox import SandboxedKernelManager

    if isinstance(km, SandboxedKernelManager):
        km.uid = km.uid + number % 2


def _hand_over(kernel: PooledKernel) -> None:
    """A sandboxed kernel runs as a uid of its own when grading as root: the moved files become its."""
    from nbkit.grading.sandbox import SandboxedKernelManager, _chown_tree

    if isinstance(kernel.km, SandboxedKernelManager) and os.geteuid() == 0:
        _chown_tree(kernel.folder, kernel.km.uid)


NBGRADER_EXECUTE = "nbgrader.preprocessors.Execute"
POOLED_EXECUTE = f"{__name__}.PooledExecute"


def autograde_options(course: Path, notebooks: int) -> List[str]:
    """Options for ``nbgrader autograde`` that run the course's own autograde pipeline with
    :class:`PooledExecute` in place of nbgrader's ``Execute``, for a command that executes
    ``notebooks`` notebooks. Empty (nbgrader's way) if the course's config does not name
    ``Execute`` in ``c.Autograde.autograde_preprocessors`` or there is only one notebook."""
    from traitlets.config.loader import PyFileConfigLoader

    from nbkit.course import CONFIG_FILE

    if notebooks < 2:
        return []
    try:
        config = PyFileConfigLoader(CONFIG_FILE, path=str(course)).load_config()
    except Exception:  # noqa: BLE001 - nbgrader reports a config it cannot read, with its own message
        return []
    names = [p if isinstance(p, str) else f"{p.__module__}.{p.__name__}"
             for p in config.Autograde.get("autograde_preprocessors", [])]
    if names.count(NBGRADER_EXECUTE) != 1:
        return []
    return ([f"--Autograde.autograde_preprocessors={POOLED_EXECUTE if n == NBGRADER_EXECUTE else n}" for n in names]
            + [f"--PooledExecute.kernels={notebooks}"])
