"""Autograde N synthetic submissions with plain nbgrader (serially) and with `nbkit grade`
(in parallel), and print submissions per minute and the speed-up.

    .venv/bin/python benchmarks/grade_throughput.py [--n 24] [--jobs 2] [--assignment 01_chain_rule]
                                                    [--sandbox] [--no-pool] [--no-breakdown]

Each synthetic student answers a random subset of the exercises with the reference solution
(the rest keep the release's stub), seeded, so scores differ from student to student. Both
runs use the course's nbgrader_config.py, hardening included, on two copies of the same
course. Timed: `nbgrader autograde ASSIGNMENT --create` alone (after an untimed
`nbgrader generate_assignment`), against the whole `nbkit grade` command, which records the
assignment in the gradebook itself. The two gradebooks must agree, score for score.
Both run student code unconfined unless ``--sandbox`` (nbkit grade in bubblewrap, what it
does by default where bubblewrap works; plain nbgrader has no sandbox to compare with).
``--no-pool``: nbkit grade without starting each next kernel ahead (nbkit.grading.kernel_pool),
to see what that gains. The machine's load average (1 minute) is printed next to each
figure: on a shared machine other jobs take CPU from one run and not the other.

Then, unless ``--no-breakdown``, where the time of one submission goes: starting Python and
nbgrader (paid once per nbgrader command), starting and stopping a kernel (paid per
submission; with ``--sandbox`` also in bubblewrap), running the graded notebook's cells,
and the rest of nbgrader's work per submission (sanitizing, writing, the gradebook).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbkit.build import nbgrader_env  # noqa: E402
from nbkit.grading.batch import default_jobs, grade  # noqa: E402
from nbkit.grading.cells import exercises  # noqa: E402
from nbkit.grading.submissions import build_submission, reference_answers, submit  # noqa: E402


def make_course(folder: Path, assignment: str, n: int, seed: int) -> None:
    import nbformat

    folder.mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", folder / "nbgrader_config.py")
    for part in ("solutions", "notebooks"):
        shutil.copytree(ROOT / part / assignment, folder / part / assignment)
    release = nbformat.read(str(folder / "notebooks" / assignment / f"{assignment}.ipynb"), as_version=4)
    answers = reference_answers(folder, assignment)
    solution_ids = [sid for e in exercises(release) for sid in e.solution_ids]
    rng = random.Random(seed)
    for i in range(n):
        chosen = {sid: answers[sid] for sid in solution_ids if rng.random() < 0.7}
        submit(folder, f"student{i:03d}", assignment, build_submission(release, chosen))


def scores(course: Path, assignment: str) -> dict:
    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        return {s.student.id: s.score for s in gb.find_assignment(assignment).submissions}


def nbgrader(course: Path, *args: str) -> None:
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}", "--log-level=ERROR"]
    proc = subprocess.run(cmd, cwd=course, env=nbgrader_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader {args[0]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def _cpu(own: bool = False) -> float:
    """CPU seconds used so far by this process and every finished child (nbgrader, and the
    kernels nbgrader waited for): unlike wall time, not stretched by other jobs on the machine.
    ``own``: this process only (in the nbkit run: merging, copying, the journal)."""
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + (0 if own else children.ru_utime + children.ru_stime)


def _seconds(fn, repeat: int = 3) -> float:
    """Median wall time of ``fn()``."""
    import statistics

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def breakdown(course: Path, assignment: str, serial_per_submission: float, sandbox: bool) -> list:
    """Lines saying where the time of one submission goes (see the module docstring)."""
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    from nbkit.grading.submissions import reference_submission

    startup = _seconds(lambda: subprocess.run([sys.executable, "-m", "nbgrader", "--version"], env=nbgrader_env(),
                                              capture_output=True, check=True))

    def kernel():
        km = KernelManager(kernel_name="python3")
        km.start_kernel()
        client = km.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        client.stop_channels()
        km.shutdown_kernel(now=False)

    kernel_seconds = _seconds(kernel)
    nb = reference_submission(course, assignment)
    scratch = Path(tempfile.mkdtemp(prefix="grade-breakdown-"))

    def run_notebook():
        NotebookClient(nbformat.from_dict(nb), timeout=120, allow_errors=True,
                       resources={"metadata": {"path": str(scratch)}}).execute()

    notebook_seconds = _seconds(run_notebook) - kernel_seconds
    shutil.rmtree(scratch, ignore_errors=True)
    rest = serial_per_submission - kernel_seconds - notebook_seconds
    lines = ["  where one submission's time goes (plain nbgrader, serial):",
             f"    start Python + nbgrader (once per command)  : {startup:5.2f} s",
             f"    start + stop a kernel (every submission)    : {kernel_seconds:5.2f} s",
             f"    run the notebook's cells (full answers)     : {notebook_seconds:5.2f} s",
             f"    nbgrader's own work per submission (rest)   : {rest:5.2f} s  "
             f"(of {serial_per_submission:.2f} s per submission)"]
    if sandbox:
        from nbkit.grading.sandbox import SandboxedKernelManager

        def sandboxed():
            import asyncio

            scratch = tempfile.mkdtemp(prefix="grade-breakdown-")  # handed to the kernel's uid

            async def start_stop():
                km = SandboxedKernelManager(kernel_name="python3")
                await km.start_kernel(cwd=scratch)
                client = km.client()
                client.start_channels()
                await client.wait_for_ready(timeout=60)
                client.stop_channels()
                await km.shutdown_kernel(now=False)

            asyncio.run(start_stop())
            shutil.rmtree(scratch, ignore_errors=True)

        lines.append(f"    start + stop a kernel in bubblewrap         : {_seconds(sandboxed):5.2f} s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=24, help="synthetic submissions (default 24)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="nbkit grade workers (default: cores)")
    parser.add_argument("--assignment", default="01_chain_rule")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sandbox", action="store_true", help="nbkit grade in bubblewrap (default: unconfined, "
                                                               "like plain nbgrader)")
    parser.add_argument("--no-pool", action="store_true", help="nbkit grade without kernels started ahead")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the per-submission breakdown")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="grade-throughput-") as tmp:
        plain, mine = Path(tmp) / "plain", Path(tmp) / "nbkit"
        for course in (plain, mine):
            make_course(course, args.assignment, args.n, args.seed)

        nbgrader(plain, "generate_assignment", args.assignment, "--force")
        load = [os.getloadavg()[0]]
        cpu = [_cpu()]
        start = time.perf_counter()
        nbgrader(plain, "autograde", args.assignment, "--create")
        serial = time.perf_counter() - start
        load.append(os.getloadavg()[0])
        cpu.append(_cpu())

        own = _cpu(own=True)
        start = time.perf_counter()
        summary = grade(mine, [args.assignment], jobs=args.jobs, progress=False, sandbox=args.sandbox,
                        pool=not args.no_pool)
        parallel = time.perf_counter() - start
        load.append(os.getloadavg()[0])
        cpu.append(_cpu())
        assert len(summary.graded) == args.n and not summary.failed, summary.lines()
        same = scores(plain, args.assignment) == scores(mine, args.assignment)
        details = [] if args.no_breakdown else breakdown(plain, args.assignment, serial / args.n, args.sandbox)

    per_minute = lambda seconds: args.n / seconds * 60  # noqa: E731
    print(f"{args.n} submissions of {args.assignment} on {os.cpu_count()} cores")
    print(f"  plain nbgrader autograde, serial : {serial:6.1f} s  {per_minute(serial):6.1f} submissions/min"
          f"  (load average {load[0]:.1f} -> {load[1]:.1f})")
    how = " (sandbox)" if args.sandbox else " (no pool)" if args.no_pool else ""
    print(f"  nbkit grade, {args.jobs} worker{'s' if args.jobs != 1 else ''}{how:10}: "
          f"{parallel:6.1f} s  "
          f"{per_minute(parallel):6.1f} submissions/min  (load average {load[1]:.1f} -> {load[2]:.1f}; "
          "includes recording the assignment in the gradebook)")
    print(f"  speed-up: {serial / parallel:.2f}x; gradebooks agree score for score: {'yes' if same else 'NO'}")
    plain_cpu, nbkit_cpu = cpu[1] - cpu[0], cpu[2] - cpu[1]
    print(f"  CPU time (user + sys, kernels included): plain {plain_cpu:.1f} s, nbkit grade {nbkit_cpu:.1f} s "
          f"(its own process: {own:.1f} s); "
          f"plain's CPU time / (nbkit's / {args.jobs} cores) = {plain_cpu / (nbkit_cpu / args.jobs):.2f}x "
          "(what a machine with nothing else to do could reach at best, waits aside)")
    print("\n".join(details))
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
