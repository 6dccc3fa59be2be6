"""The ``grade`` and ``report`` subcommands of ``nbkit`` (nbkit/cli.py adds them when present).

    nbkit grade [ASSIGNMENT ...] [--student NAME ...] [-j JOBS] [--timeout S] [--feedback] [--force]
                [--sandbox | --no-sandbox]
    nbkit report [ASSIGNMENT ...] [-o autograded/class_report.html]
"""
from __future__ import annotations

import sys
from pathlib import Path


def cmd_grade(args) -> int:
    from nbkit.course import find_course_dir
    from nbkit.grading.batch import grade
    from nbkit.grading.nbgrader_run import NbgraderError

    course = find_course_dir(args.course_dir)
    try:
        summary = grade(course, args.names, students=args.student or (), jobs=args.jobs, batch_size=args.batch_size,
                        timeout=args.timeout, feedback=args.feedback, force=args.force, sandbox=args.sandbox,
                        progress=not args.quiet, keep_workdir=args.keep_workdir)
    except ValueError as err:  # also SandboxUnavailable: says which package to install
        print(f"nbkit grade: {err}", file=sys.stderr)
        return 2
    except NbgraderError as err:  # e.g. the assignment could not be recorded in the gradebook
        print(f"nbkit grade: {err}", file=sys.stderr)
        return 1
    if summary.interrupted:  # stopped and cleaned up: a second Ctrl-C must not cut the summary or the exit short
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
    for line in summary.lines():
        print(line)
    if summary.interrupted:
        return 130
    return 1 if summary.failed else 0


def _default_report() -> str:
    from nbkit.grading.report import DEFAULT_OUTPUT

    return str(DEFAULT_OUTPUT)


def cmd_report(args) -> int:
    from nbkit.course import find_course_dir
    from nbkit.grading.report import write_report

    course = find_course_dir(args.course_dir)
    try:
        path = write_report(course, args.names, Path(args.output) if args.output else None, top=args.top)
    except ValueError as err:
        print(f"nbkit report: {err}", file=sys.stderr)
        return 2
    print(f"class report written to {path}")
    return 0


def add_commands(subparsers) -> None:
    """Add ``grade`` and ``report`` to the ``nbkit`` argument parser."""
    p = subparsers.add_parser(
        "grade", help="autograde collected submissions with nbgrader, in parallel",
        description="Autograde every submitted/<student>/<assignment>/ with nbgrader, in parallel, with a "
                    "progress bar. Grades go to gradebook.db and autograded/ as with `nbgrader autograde`. "
                    "Resumes where an interrupted run stopped; a submission that cannot be graded never "
                    "stops the others.")
    p.add_argument("names", nargs="*", help="assignments to grade (default: all)")
    p.add_argument("--student", action="append", metavar="NAME",
                   help="grade only this student's submissions (repeatable); other students are not touched")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel nbgrader processes (default: cores)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="submissions per nbgrader command (default: an even share per worker, at most 25)")
    p.add_argument("--timeout", type=int, default=None,
                   help="per-cell timeout in seconds (default: nbgrader_config.py's Execute.timeout)")
    p.add_argument("--feedback", action="store_true", help="also generate feedback/ (nbgrader generate_feedback)")
    p.add_argument("--force", action="store_true", help="regrade submissions that are already graded")
    sandbox = p.add_mutually_exclusive_group()
    sandbox.add_argument("--sandbox", dest="sandbox", action="store_true", default=None,
                         help="run student code in a bubblewrap sandbox (read-only course and environment, no "
                              "network, memory/process/CPU limits); fail if bubblewrap is missing. Default: the "
                              "config's c.NbkitGrade.sandbox ('auto': sandboxed wherever bubblewrap works)")
    sandbox.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                         help="run student code with the grader's rights (trusted submissions only)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--keep-workdir", action="store_true", help="keep the temporary courses and logs")
    p.set_defaults(func=cmd_grade)

    p = subparsers.add_parser(
        "report", help="class report: scores, pass rate per exercise, most frequent mistakes",
        description="Write an HTML class report from gradebook.db and autograded/: the score distribution per "
                    "assignment, the pass rate of every exercise, the most frequent mistakes named by the "
                    "checks' diagnoses, and submissions flagged for a closer look.")
    p.add_argument("names", nargs="*", help="assignments (default: all that have grades)")
    p.add_argument("-o", "--output", default=None, help=f"output file (default: {_default_report()})")
    p.add_argument("--top", type=int, default=5, help="mistakes listed per exercise")
    p.set_defaults(func=cmd_report)
