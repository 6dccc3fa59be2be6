"""Autograde N synthetic submissions with plain nbgrader (serially) and with `nbkit grade`
(in parallel), and print submissions per minute and the speed-up.

    .venv/bin/python benchmarks/grade_throughput.py [--n 24] [--jobs 2] [--assignment 01_chain_rule]

Each synthetic student answers a random subset of the exercises with the reference solution
(the rest keep the release's stub), seeded, so scores differ from student to student. Both
runs use the course's nbgrader_config.py, hardening included, on two copies of the same
course. Timed: `nbgrader autograde ASSIGNMENT --create` alone (after an untimed
`nbgrader generate_assignment`), against the whole `nbkit grade` command, which records the
assignment in the gradebook itself. The two gradebooks must agree, score for score.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=24, help="synthetic submissions (default 24)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="nbkit grade workers (default: cores)")
    parser.add_argument("--assignment", default="01_chain_rule")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="grade-throughput-") as tmp:
        plain, mine = Path(tmp) / "plain", Path(tmp) / "nbkit"
        for course in (plain, mine):
            make_course(course, args.assignment, args.n, args.seed)

        nbgrader(plain, "generate_assignment", args.assignment, "--force")
        start = time.perf_counter()
        nbgrader(plain, "autograde", args.assignment, "--create")
        serial = time.perf_counter() - start

        start = time.perf_counter()
        summary = grade(mine, [args.assignment], jobs=args.jobs, progress=False)
        parallel = time.perf_counter() - start
        assert len(summary.graded) == args.n and not summary.failed, summary.lines()
        same = scores(plain, args.assignment) == scores(mine, args.assignment)

    per_minute = lambda seconds: args.n / seconds * 60  # noqa: E731
    print(f"{args.n} submissions of {args.assignment} on {os.cpu_count()} cores")
    print(f"  plain nbgrader autograde, serial : {serial:6.1f} s  {per_minute(serial):6.1f} submissions/min")
    print(f"  nbkit grade, {args.jobs} worker{'s' if args.jobs != 1 else ''}         : {parallel:6.1f} s  "
          f"{per_minute(parallel):6.1f} submissions/min  (includes recording the assignment in the gradebook)")
    print(f"  speed-up: {serial / parallel:.2f}x; gradebooks agree score for score: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
