"""Time each solution notebook: one top-to-bottom run (nbclient) and one nbgrader autograde
of the solution submitted as a student's work. Also times `import nbkit`.

    .venv/bin/python benchmarks/course_times.py [NAME ...]

Prints a table; the figures recorded in docs/benchmarks.md come from this script.
"""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbkit.build import nbgrader_env  # noqa: E402
from nbkit.course import assignments, source_notebook  # noqa: E402
from nbkit.validate import run_notebook  # noqa: E402


def import_time(repeats: int = 5) -> float:
    """Best of `repeats` fresh interpreters running `import nbkit` (seconds)."""
    best = float("inf")
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c",
                              "import time; t = time.perf_counter(); import nbkit; print(time.perf_counter() - t)"],
                             capture_output=True, text=True, check=True)
        best = min(best, float(out.stdout))
    return best


def autograde_time(name: str) -> float:
    """Seconds for `nbgrader autograde NAME` of the solution as one student's submission
    (the whole command, including nbgrader's start-up)."""
    with tempfile.TemporaryDirectory(prefix="nbkit-bench-") as tmp:
        course = Path(tmp)
        shutil.copy2(ROOT / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "solutions" / name, course / "solutions" / name)
        run = lambda *a: subprocess.run([sys.executable, "-m", "nbgrader", *a, f"--CourseDirectory.root={course}"],  # noqa: E731
                                        cwd=course, env=nbgrader_env(), capture_output=True, text=True, check=True)
        run("generate_assignment", name, "--force")
        target = course / "submitted" / "bench" / name
        target.mkdir(parents=True)
        shutil.copy2(source_notebook(ROOT, name), target / f"{name}.ipynb")
        start = time.perf_counter()
        run("autograde", name, "--create", "--force")
        return time.perf_counter() - start


def main(argv):
    names = argv or assignments(ROOT)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"import nbkit: {import_time() * 1000:.0f} ms (best of 5 fresh interpreters)\n")
    print(f"{'notebook':28s} {'run (s)':>8s} {'autograde (s)':>14s} {'tests':>6s}")
    for name in names:
        run = run_notebook(source_notebook(ROOT, name))
        status = "ok" if run.ok else "FAIL"
        grade = autograde_time(name)
        print(f"{name:28s} {run.seconds:8.1f} {grade:14.1f} {len(run.tests):4d} {status}")


if __name__ == "__main__":
    main(sys.argv[1:])
