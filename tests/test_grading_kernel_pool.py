"""Kernels started ahead (nbkit/grading/kernel_pool.py): every kernel runs one notebook only,
in a folder of its own; files end up where they did without the pool; a kernel started ahead
and not used is shut down when grading stops (SIGTERM, Ctrl-C), and nothing is left behind."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import nbformat
import pytest

from nbkit.grading.batch import grade
from nbkit.grading.cells import exercises
from nbkit.grading.kernel_pool import POOLED_EXECUTE, autograde_options
from nbkit.grading.submissions import reference_answers, reference_submission, submit

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"
STUDENTS = ["ana", "ben", "cy", "dee"]

# Appended to the first answer: says which kernel runs it, what its folder holds, whether an
# earlier student's state is visible, and leaves a file and a mark behind for the next one.
PROBE = '''
import json, os
_args = open("/proc/self/cmdline").read().split("\\0")
print("PROBE " + json.dumps({"kernel": [os.getpid(), _args[_args.index("-f") + 1]], "cwd": os.getcwd(),
                             "host": os.uname().nodename,
                             "files": sorted(os.listdir(".")), "before": os.environ.get("PROBE_OWNER")}))
os.environ["PROBE_OWNER"] = "{student}"
with open("written-by-{student}.txt", "w") as f:
    f.write("mine")
'''


def _course(tmp_path: Path, students, probe: bool = True) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / A, course / folder / A)
    first = reference_answers(course, A)["add_gate"]
    for student in students:
        changes = {"add_gate": first + PROBE.replace("{student}", student)} if probe else None
        submit(course, student, A, reference_submission(course, A, changes))
    return course


def _probe(course: Path, student: str) -> dict:
    nb = nbformat.read(str(course / "autograded" / student / A / f"{A}.ipynb"), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for line in out.get("text", "").splitlines():
                if line.startswith("PROBE "):
                    return json.loads(line[len("PROBE "):])
    raise AssertionError(f"{student}'s probe did not run")


def _scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore", module="nbgrader")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        return {s.student.id: s.score for s in gb.find_assignment(A).submissions}


def test_the_pool_replaces_only_nbgraders_execute(tmp_path):
    course = _course(tmp_path, [], probe=False)
    options = autograde_options(course, 4)
    pipeline = [o.split("=", 1)[1] for o in options if o.startswith("--Autograde.autograde_preprocessors=")]
    from traitlets.config.loader import PyFileConfigLoader

    configured = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    expected = [POOLED_EXECUTE if p == "nbgrader.preprocessors.Execute" else p
                for p in configured.Autograde.autograde_preprocessors]
    assert pipeline == expected and POOLED_EXECUTE in pipeline
    assert "--PooledExecute.kernels=4" in options
    assert autograde_options(course, 1) == []   # one notebook: nothing to start ahead
    (course / "nbgrader_config.py").write_text("c = get_config()\n")  # nbgrader's default pipeline
    assert autograde_options(course, 4) == []


@pytest.mark.slow
@pytest.mark.parametrize("sandbox", [False, None], ids=["unconfined", "course-default"])
def test_every_kernel_runs_one_notebook_in_a_folder_of_its_own(tmp_path, sandbox):
    course = _course(tmp_path, STUDENTS)
    summary = grade(course, [A], jobs=1, sandbox=sandbox, progress=False)
    assert sorted(summary.graded) == sorted(f"{s}/{A}" for s in STUDENTS) and not summary.failed

    probes = {s: _probe(course, s) for s in STUDENTS}
    if summary.sandbox:   # every kernel, those started ahead included, ran in bubblewrap (its hostname)
        assert all(p["host"] == "sandbox" for p in probes.values()), probes
    else:
        assert all(p["host"] != "sandbox" for p in probes.values()), probes
    kernels = [tuple(p["kernel"]) for p in probes.values()]
    assert len(set(kernels)) == len(STUDENTS), f"a kernel ran two submissions: {probes}"
    assert all(p["before"] is None for p in probes.values()), f"a student saw the one before: {probes}"
    folders = [p["cwd"] for p in probes.values()]
    assert len(set(folders)) == len(STUDENTS)
    assert all(".nbkit-kernel-" in f for f in folders), f"kernels were not started ahead: {folders}"
    for student, probe in probes.items():
        assert not [f for f in probe["files"] if f.startswith("written-by-")], (student, probe)
        # what student code wrote is in the autograded folder, as without the pool
        assert (course / "autograded" / student / A / f"written-by-{student}.txt").read_text() == "mine"
        assert not [p for p in (course / "autograded" / student / A).iterdir() if p.name.startswith(".nbkit")]

    release = nbformat.read(str(course / "notebooks" / A / f"{A}.ipynb"), as_version=4)
    full = sum(e.points for e in exercises(release))
    assert _scores(course) == {s: full for s in STUDENTS}


def _processes_with(marker: str) -> list:
    """PIDs of processes whose environment holds ``marker`` (TMPDIR=<a test's folder>)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _kernels_with(marker: str) -> list:
    out = []
    for pid in _processes_with(marker):
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(pid)
        except OSError:
            continue
    return out


@pytest.mark.slow
def test_a_kernel_started_ahead_is_shut_down_on_sigterm_and_nothing_is_left(tmp_path):
    course = _course(tmp_path, [], probe=False)
    first = reference_answers(course, A)["add_gate"]
    asleep = first + "\nimport time\ntime.sleep(600)\n"
    submit(course, "asleep", A, reference_submission(course, A, {"add_gate": asleep}))
    submit(course, "zed", A, reference_submission(course, A))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    marker = f"TMPDIR={tmp}"
    proc = subprocess.Popen([sys.executable, "-m", "nbkit.cli", "grade", "-j", "1", "--no-sandbox", "--quiet",
                             "--timeout", "900"], cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, TMPDIR=str(tmp)))
    try:
        deadline = time.monotonic() + 300
        while len(_kernels_with(marker)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)   # the sleeping student's kernel, and the next one, started ahead
        assert len(_kernels_with(marker)) == 2, "expected a running kernel and one started ahead"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out + err
    deadline = time.monotonic() + 30
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _processes_with(marker), "kernels (or nbgrader) outlived nbkit grade"
    assert not list(tmp.iterdir()), f"left in TMPDIR: {sorted(p.name for p in tmp.iterdir())}"


POOL_ALONE = textwrap.dedent('''
    import shutil, sys, time
    from pathlib import Path
    from jupyter_core.utils import run_sync
    from nbkit.grading.kernel_pool import PooledExecute, _pool
    base = Path(sys.argv[1])
    pool = _pool(base, 3)
    pp = PooledExecute(kernels=3)
    first = pool.take(pp, "python3")
    second = pool.take(pp, "python3")
    spare = pool.ready[0]
    for k in (first, second):   # PooledExecute runs a notebook in them, then they stop; here, by hand
        run_sync(k.km.shutdown_kernel)(now=True)
        shutil.rmtree(k.folder.parent)
    print(first.km.kernel_id, first.folder, second.km.kernel_id, second.folder, spare.folder,
          spare.km.provisioner.process.pid, flush=True)
    time.sleep(600)
''')


@pytest.mark.slow
def test_the_pool_hands_each_kernel_out_once_and_stops_the_spare_on_sigterm(tmp_path):
    base = tmp_path / "autograded"
    base.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", POOL_ALONE, str(base)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().split()
        assert len(line) == 6, proc.stderr.read() if proc.poll() is not None else line
        first_id, first_dir, second_id, second_dir, spare_dir, spare_pid = line
        assert first_id != second_id and len({first_dir, second_dir, spare_dir}) == 3
        assert Path(spare_dir).is_dir() and not list(Path(spare_dir).iterdir())
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    # the budget of 3 is spent: 2 handed out, 1 ahead, which the exit shut down with its folder
    assert not list(base.iterdir()), sorted(p.name for p in base.iterdir())
    status = Path(f"/proc/{spare_pid}/status")
    assert not status.exists() or "zombie" in status.read_text(), "the kernel started ahead is still running"
