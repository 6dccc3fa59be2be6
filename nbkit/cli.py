"""The ``nbkit`` command for instructors and authors.

    nbkit build [--check]      regenerate notebooks/ from solutions/ with nbgrader (or only report staleness)
    nbkit validate [NAME ...]  run solution notebooks top to bottom and report every test cell
    nbkit lab [--instructor]   start JupyterLab on notebooks/ (what `make lab` runs); --instructor shows nbgrader's tools
    nbkit grade [NAME ...]     autograde collected submissions with nbgrader, in parallel
    nbkit report               class report: scores, pass rate per exercise, most frequent mistakes

Run it from the course repository (or pass --course-dir). ``nbkit COMMAND --help`` explains each.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from nbkit.course import CourseNotFound, assignments, find_course_dir, release_notebook, source_notebook


def _course(args) -> Path:
    return find_course_dir(args.course_dir)


def cmd_build(args) -> int:
    from nbkit import build

    course = _course(args)
    if args.check and args.names:
        print("nbkit build --check always checks every assignment; drop the names.", file=sys.stderr)
        return 2
    if args.check:
        diff = build.check(course)
        if diff.up_to_date:
            print(f"notebooks/ is up to date with solutions/ ({len(assignments(course))} assignments).")
            return 0
        print("notebooks/ is out of date; run `nbkit build` and commit the result:")
        for line in diff.lines():
            print("  " + line)
        return 1
    diff = build.build(course, args.names)
    changed = diff.changed + diff.missing + diff.extra
    built = len(args.names) if args.names else len(assignments(course))
    print(f"built notebooks/ from solutions/ with nbgrader: {built} assignment{'s' if built != 1 else ''}, "
          f"{len(changed)} file(s) changed.")
    for line in diff.lines(built=True):
        print("  " + line)
    return 0


def cmd_validate(args) -> int:
    from nbkit.feedback import UNFINISHED_ERRORS
    from nbkit.validate import run_notebook

    course = _course(args)
    names = args.names or assignments(course)
    unknown = sorted(set(names) - set(assignments(course)))
    if unknown:
        print(f"unknown assignment(s): {', '.join(unknown)}; the course has: {', '.join(assignments(course))}",
              file=sys.stderr)
        return 2
    failures = 0
    for name in names:
        path = release_notebook(course, name) if args.release else source_notebook(course, name)
        run = run_notebook(path, timeout=args.timeout)
        print(f"{name}  ({run.seconds:.1f} s)")
        for cell in run.tests:
            mark = "\u2714" if cell.ok else "\u2718"
            print(f"  {mark} {cell.grade_id} [{cell.points:g} pt]")
            if not cell.ok and not args.release:
                print("      " + cell.message.replace("\n", "\n      "))
        errors = [c for c in run.errors if not (args.release and c.ename in UNFINISHED_ERRORS)]
        for cell in errors:
            print(f"  ! cell {cell.index} (not a test) raised {cell.ename}:")
            print("      " + cell.message.replace("\n", "\n      "))
        expected_fail = args.release
        failures += len(errors) + (0 if expected_fail else sum(not c.ok for c in run.tests))
    if failures:
        print(f"{failures} problem(s) found.")
        return 1
    print("all notebooks ran; " + ("release stubs behave as expected." if args.release else "every test cell passed."))
    return 0


def cmd_lab(args) -> int:
    import os
    import secrets
    import subprocess
    import tempfile

    from nbkit import labsetup

    course = _course(args)
    notebooks = course / "notebooks"
    # A self-learner works in notebooks/; an instructor sees the whole course (solutions/, formgrader).
    root = course if args.instructor else notebooks
    first = sorted(p.relative_to(root).as_posix() for p in notebooks.glob("*/*.ipynb"))
    token = os.environ.get("NBKIT_LAB_TOKEN") or secrets.token_hex(24)
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
           f"--ip={args.ip}", f"--port={args.port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}"]
    if first:  # a browser opened by JupyterLab lands on the first notebook
        cmd.append(f"--ServerApp.default_url=/lab/tree/{first[0]}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI machines often run as root
        cmd.append("--allow-root")
    if args.no_browser:
        cmd.append("--no-browser")
    labsetup.install_kernel_hints(sys.prefix)
    url = f"http://{args.ip}:{args.port}/lab/tree/{first[0] if first else ''}?token={token}"
    who = "the instructor's view (nbgrader tools shown)" if args.instructor else "the course notebooks"
    print(f"Starting JupyterLab on {who}. When it is up, open:\n\n"
          f"    {url}\n\n(press Ctrl-C twice to stop)", flush=True)
    with tempfile.TemporaryDirectory(prefix="nbkit-lab-") as config:
        labsetup.write_page_config(Path(config), instructor=args.instructor)
        env = labsetup.lab_environment(Path(config), os.environ)
        try:
            # cwd = the course, so nbgrader's lab extension finds nbgrader_config.py.
            return subprocess.call(cmd, cwd=course, env=env)
        except KeyboardInterrupt:
            return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nbkit", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course-dir", default=None, help="the course repository (default: found from cwd)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", help="regenerate notebooks/ from solutions/ with nbgrader")
    p.add_argument("names", nargs="*", help="assignments to build (default: all)")
    p.add_argument("--check", action="store_true", help="only report stale notebooks; exit 1 if any")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="run solution notebooks and report every test cell")
    p.add_argument("names", nargs="*", help="assignments (default: all)")
    p.add_argument("--release", action="store_true",
                   help="run the release notebooks instead (test cells are expected to fail; other cells must not)")
    p.add_argument("--timeout", type=int, default=120, help="per-cell timeout in seconds")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("lab", help="start JupyterLab on notebooks/")
    p.add_argument("--ip", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--no-browser", action="store_true")
    p.add_argument("--instructor", action="store_true",
                   help="show nbgrader's instructor tools (Create Assignment, Formgrader, ...) and the whole course")
    p.set_defaults(func=cmd_lab)

    try:  # `nbkit grade` and `nbkit report` live with the grading code
        from nbkit.grading.commands import add_commands
    except ModuleNotFoundError as err:
        if err.name not in ("nbkit.grading", "nbkit.grading.commands"):
            raise
    else:
        add_commands(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except CourseNotFound as err:
        print(f"nbkit: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - one clear line, not a traceback
        from nbkit.build import BuildError

        if isinstance(err, BuildError):
            print(f"nbkit: {err}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
