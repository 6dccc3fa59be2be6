"""``nbkit grade``: autograde every collected submission with nbgrader, in parallel, resumably.

How a run goes:

1. Find ``submitted/<student>/<assignment>/`` folders (of the students asked for, if any)
   and drop those the journal says are graded and up to date: same submission, same inputs
   (:mod:`nbkit.grading.fingerprint`: source notebook, config, nbkit's grading code,
   versions), autograded notebook present. Say why the others are (re)graded, and take
   their old journal entries out first, so that a run stopped half-way regrades the rest.
2. Make sure the course gradebook knows each assignment (``nbgrader generate_assignment``
   with the course gradebook; the release it writes goes to a temporary folder). This runs
   while the first batches' nbgrader commands start up: they wait (a pre-convert hook)
   until their copy of the gradebook has the assignment.
3. Split the rest into batches, one per worker by default, and autograde each batch with
   one ``nbgrader autograde`` command in its own temporary course with its own copy of
   the gradebook (sqlite does not take concurrent writers). ``jobs`` batches run at once.
4. While they run, every submission whose autograded notebook appears is merged into the
   course gradebook (:mod:`nbkit.grading.merge`), copied to ``autograded/`` and written to
   the journal: an interruption loses only the submissions being graded at that moment.
5. A submission its batch could not grade is retried alone; if nbgrader still cannot
   grade it (unreadable notebook, dead kernel), the untouched release is graded in its
   place, which scores zero, and the journal and summary say why. One bad submission never
   stops the others.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Deque, Dict, List, Optional, Sequence

from nbkit.course import CONFIG_FILE, SOURCE_DIR, assignments
from nbkit.grading import nbgrader_run
from nbkit.grading.journal import BLANK, FAILED, GRADED, Entry, Journal
from nbkit.grading.folders import (AUTOGRADED, GRADEBOOK, SUBMITTED, Submission, autograded_folder, db_url,
                                  feedback_folder, find_submissions)
from nbkit.grading.workspace import (POST_CONVERT_HOOK, PRE_CONVERT_HOOK, RunFolders, Workspace, make_workspace,
                                     unreadable_reason)

MAX_BATCH = 25  # bounds the work one crashed nbgrader command can take with it


@dataclass
class GradeSummary:
    """What a run did. Keys are ``student/assignment``."""

    graded: Dict[str, float] = field(default_factory=dict)     # key -> total score
    skipped: List[str] = field(default_factory=list)           # already graded (resumed)
    blank: Dict[str, str] = field(default_factory=dict)        # graded as the blank release, with why
    failed: Dict[str, str] = field(default_factory=dict)       # not graded at all, with why
    look_at: Dict[str, List[str]] = field(default_factory=dict)  # graded, but a person should look: why
    reasons: Dict[str, List[str]] = field(default_factory=dict)  # why (re)graded -> keys
    sandbox: str = ""                                          # how student code was confined
    seconds: float = 0.0
    jobs: int = 1
    interrupted: bool = False

    def lines(self) -> List[str]:
        n = len(self.graded)
        rate = n / self.seconds * 60 if self.seconds > 0 and n else 0.0
        out = [f"graded {n} submission{'s' if n != 1 else ''} in {self.seconds:.1f} s with {self.jobs} "
               f"worker{'s' if self.jobs != 1 else ''} ({rate:.1f} per minute)"
               + (f"; {len(self.skipped)} already graded" if self.skipped else "")
               + (f"; to look at: {self.attention_counts()}" if self.look_at else "") + "."]
        if self.sandbox:
            out.append(f"  sandbox: {self.sandbox}")
        out += [f"  look at {k}: {'; '.join(why)}" for k, why in sorted(self.look_at.items())]
        out += [f"  could not be graded as submitted, so the blank release was graded (0 points): {k}: {why}"
                for k, why in sorted(self.blank.items())]
        out += [f"  NOT graded: {k}: {why}" for k, why in sorted(self.failed.items())]
        if self.interrupted:
            out.append("interrupted: finished grades are kept; run `nbkit grade` again to grade the rest.")
        return out

    def attention_counts(self) -> str:
        """``1 syntax error, 2 timed out, 1 tampering`` (submissions, by kind)."""
        from collections import Counter

        from nbkit.grading.results import kind_of

        counts = Counter(kind for why in self.look_at.values() for kind in dict.fromkeys(map(kind_of, why)))
        order = ("syntax error", "timed out", "tampering")
        return ", ".join(f"{counts[k]} {k}" for k in order if counts[k])

    def reason_lines(self) -> List[str]:
        """Why submissions are (re)graded, one line per reason (printed before grading)."""
        out = []
        for why, keys in sorted(self.reasons.items(), key=lambda kv: -len(kv[1])):
            shown = ", ".join(keys[:4]) + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")
            out.append(f"grading {len(keys)} submission{'s' if len(keys) != 1 else ''} ({shown}): {why}")
        return out


@dataclass
class _Batch:
    submissions: List[Submission]
    blank: Dict[str, str] = field(default_factory=dict)


@dataclass
class _Running:
    workspace: Workspace
    proc: object
    log: IO
    phase: str = "autograde"   # then "feedback" when asked for
    merged: set = field(default_factory=set)


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def _pending(course: Path, names: Sequence[str], students: Sequence[str], journal: Journal,
             sources: Dict[str, str], inputs: Dict[str, Dict[str, str]], force: bool,
             summary: GradeSummary) -> List[Submission]:
    pending = []
    for sub in find_submissions(course, names, students):
        why = journal.why_regrade(sub, sub.fingerprint(), sources[sub.assignment], course, inputs[sub.assignment])
        if force and why is None:
            why = "--force"
        if why is None:
            summary.skipped.append(sub.key)
        else:
            pending.append(sub)
            summary.reasons.setdefault(why, []).append(sub.key)
    return pending


def _gradebook_assignments(path: Path) -> set:
    import sqlite3

    if not path.is_file():
        return set()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        try:
            return {row[0] for row in conn.execute("select name from assignment")}
        except sqlite3.OperationalError:
            return set()


@dataclass
class _Recording:
    """``nbgrader generate_assignment`` into the course gradebook, running in the background."""

    proc: object
    log: Path


def _start_recording(course: Path, names: Sequence[str], scratch: Path) -> _Recording:
    """Start ``nbgrader generate_assignment`` into the course gradebook; the release goes to ``scratch``."""
    work = scratch / "generate"
    work.mkdir()
    shutil.copy2(course / CONFIG_FILE, work / CONFIG_FILE)
    for name in names:
        shutil.copytree(course / SOURCE_DIR / name, work / SOURCE_DIR / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    cmd = nbgrader_run.command("generate_assignment", "*", root=work, db=db_url(course / GRADEBOOK),
                               options=["--force"])
    log = scratch / "generate.log"
    with open(log, "w") as out:
        return _Recording(nbgrader_run.start(cmd, cwd=work, log=out), log)


def _recording_done(recording: Optional[_Recording]) -> bool:
    """Has the recording finished? Raises :class:`NbgraderError` if it failed."""
    if recording is None:
        return True
    code = recording.proc.poll()
    if code is None:
        return False
    if code != 0:
        tail = recording.log.read_text(errors="replace")[-4000:]
        raise nbgrader_run.NbgraderError(f"`nbgrader generate_assignment` failed (exit {code}):\n{tail}")
    return True


def _batches(pending: List[Submission], jobs: int, batch_size: Optional[int]) -> Deque[_Batch]:
    size = batch_size or min(MAX_BATCH, max(1, math.ceil(len(pending) / jobs)))
    return deque(_Batch(pending[i:i + size]) for i in range(0, len(pending), size))


def _notebooks(course: Path, submissions: Sequence[Submission]) -> int:
    """How many notebooks a batch executes (one kernel each): the release's, per submission."""
    from nbkit.course import RELEASE_DIR

    per = {a: max(1, len(list((course / RELEASE_DIR / a).glob("*.ipynb"))))
           for a in {s.assignment for s in submissions}}
    return sum(per[s.assignment] for s in submissions)


def _readable(path: Path) -> bool:
    try:
        json.loads(path.read_text())
        return True
    except (OSError, ValueError):
        return False


def _failure_reason(log_path: Path, sub: Submission) -> str:
    """The last exception nbgrader logged, in one line."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return "nbgrader failed (no log)"
    errors = [m.group(1) for m in map(_EXCEPTION_LINE.match, lines) if m]
    return errors[-1][-300:] if errors else "nbgrader could not grade it (see `nbkit grade --keep-workdir` logs)"


_EXCEPTION_LINE = re.compile(r"^\s*((?:[\w.]+)(?:Error|Exception|Exit|Interrupt)\b.*)$")


def grade(course: Path, names: Sequence[str] = (), *, students: Sequence[str] = (), jobs: Optional[int] = None,
          batch_size: Optional[int] = None, timeout: Optional[int] = None, feedback: bool = False,
          force: bool = False, sandbox: Optional[bool] = None, progress: bool = True, keep_workdir: bool = False,
          out: Optional[IO] = None, pool: bool = True) -> GradeSummary:
    """Autograde every collected submission of ``names`` (default: all assignments) by
    ``students`` (default: everyone; other students' grades and files are not touched).

    ``jobs`` parallel nbgrader commands (default: the number of cores), each grading a batch
    of at most ``batch_size`` submissions (default: an even share, at most 25). ``timeout``
    overrides the per-cell timeout of nbgrader_config.py. ``feedback`` also runs
    ``nbgrader generate_feedback``. ``force`` regrades submissions already graded.
    ``sandbox``: run every kernel in bubblewrap (:mod:`nbkit.grading.sandbox`); None takes
    the course's setting (``c.NbkitGrade.sandbox`` in nbgrader_config.py).
    ``pool``: start each batch's next kernel while the current notebook runs
    (:mod:`nbkit.grading.kernel_pool`; every kernel still runs one notebook only).
    """
    from nbkit.grading import sandbox as sandboxing
    from nbkit.grading.fingerprint import combined, grade_inputs

    out = out or sys.stdout  # at call time, so that redirected output is honoured
    course = Path(course).resolve()
    known = assignments(course)
    names = list(names) or known
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"unknown assignment(s): {', '.join(unknown)}; the course has: {', '.join(known)}")
    if students:
        present = {s.student for s in find_submissions(course, names)}
        missing = sorted(set(students) - present)
        if missing:
            raise ValueError(f"no submission of {', '.join(names)} by {', '.join(missing)} in {SUBMITTED}/")
    confine = sandboxing.decide(course, sandbox)  # raises SandboxUnavailable with what to install
    jobs = jobs or default_jobs()
    summary = GradeSummary(jobs=jobs, sandbox=confine.describe() if confine else "")
    start = time.perf_counter()
    journal = Journal.load(course)
    inputs = {name: grade_inputs(course, name) for name in names}
    sources = {name: combined(inputs[name]) for name in names}
    pending = _pending(course, names, students, journal, sources, inputs, force, summary)
    if not pending:
        if feedback:
            _fill_feedback(course, names, students)
        summary.seconds = time.perf_counter() - start
        return summary
    if progress:
        for line in summary.reason_lines():
            print(line, file=out)
    journal.forget(s.key for s in pending)

    folders = RunFolders.create()
    try:
        recorded = _gradebook_assignments(course / GRADEBOOK)
        stale = sorted({s.assignment for s in pending
                        if journal.sources.get(s.assignment) != sources[s.assignment] or s.assignment not in recorded})

        def recorded_now():
            journal.sources.update({name: sources[name] for name in stale})
            journal.save()

        try:
            with _sigterm_as_interrupt():
                recording = _start_recording(course, stale, folders.private) if stale else None
                _run_batches(course, pending, jobs, batch_size, timeout, feedback, journal, sources, inputs,
                             summary, folders, progress, confine, recording, recorded_now, pool)
        except KeyboardInterrupt:
            summary.interrupted = True
            return summary
        if feedback:
            _fill_feedback(course, names, students)
    finally:
        if keep_workdir:
            print(f"work folders kept: {folders.courses} (batches) and {folders.private} (gradebooks, logs)",
                  file=out)
        else:
            folders.remove()
        summary.seconds = time.perf_counter() - start
    return summary


@contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM (a CI job cancelled, `kill`) like Ctrl-C, so that the batches' nbgrader
    processes, which run in sessions of their own, are stopped and finished grades kept."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _fill_feedback(course: Path, names: Sequence[str], students: Sequence[str] = ()) -> None:
    """Feedback for graded submissions that have none yet (e.g. after an interrupted run)."""
    for name in names:
        root = course / "autograded"
        missing = sorted(p.parent.name for p in root.glob(f"*/{name}") if p.is_dir()
                         and (not students or p.parent.name in students)
                         and not feedback_folder(course, p.parent.name, name).is_dir())
        for student in missing:
            nbgrader_run.run(nbgrader_run.command("generate_feedback", name, root=course,
                                                  options=[f"--student={student}"]), cwd=course)


def _run_batches(course: Path, pending: List[Submission], jobs: int, batch_size: Optional[int],
                 timeout: Optional[int], feedback: bool, journal: Journal, sources: Dict[str, str],
                 inputs: Dict[str, Dict[str, str]], summary: GradeSummary, folders: RunFolders, progress: bool,
                 confine=None, recording: Optional[_Recording] = None, recorded_now=lambda: None,
                 pool: bool = True) -> None:
    from nbgrader.api import Gradebook
    from tqdm import tqdm

    from nbkit.grading.kernel_pool import autograde_options as kernels_ahead
    from nbkit.grading.merge import WorkerGradebooks, copy_database, course_id_of, merge_submission
    from nbkit.grading.results import needs_a_look, read_notebook

    main_db = course / GRADEBOOK
    course_id = course_id_of(course)
    template = folders.private / "template.db"
    ready = folders.private / "ready"
    options = [f"--Execute.timeout={int(timeout)}"] if timeout else []

    def when_recorded() -> None:
        """The course gradebook knows the assignments: every batch gets a copy, then may go on."""
        copy_database(main_db, template)
        for job in running:   # still waiting in their pre-convert hook: the gradebook is not open yet
            shutil.copy2(template, job.workspace.db)
        ready.touch()
        recorded_now()

    if recording is None:
        when_recorded_pending = False
        copy_database(main_db, template)
        ready.touch()
    else:
        when_recorded_pending = True
        template.touch()      # a placeholder until the assignment is recorded

    queue = _batches(pending, jobs, batch_size)
    for batch in queue:  # unreadable notebooks are graded as the blank release from the start
        for sub in batch.submissions:
            reason = unreadable_reason(sub)
            if reason:
                batch.blank[sub.key] = reason
    running: List[_Running] = []
    counter = 0
    bar = tqdm(total=len(pending), unit="submission", desc="nbkit grade", disable=not progress,
               file=sys.stderr, dynamic_ncols=True)
    main = None            # opened once the assignment is recorded (generate_assignment writes it first)
    workers = WorkerGradebooks(course_id)

    def harvest(job: _Running) -> None:
        ws = job.workspace
        for sub in ws.submissions:
            if sub.key in job.merged or not ws.finished(sub):
                continue
            if not _readable(ws.autograded(sub) / sub.notebook.name):
                continue  # finished, then damaged by a batch-mate: it will be regraded alone
            score = merge_submission(main, workers.get(ws.db), course_id, sub.assignment, sub.student)
            dest = autograded_folder(course, sub.student, sub.assignment)
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(ws.autograded(sub), dest, symlinks=True)
            job.merged.add(sub.key)
            blank = ws.blank.get(sub.key)
            journal.record(sub, Entry(fingerprint=sub.fingerprint(), source=sources[sub.assignment],
                                      status=BLANK if blank else GRADED, score=score, note=blank or ""),
                           inputs=inputs[sub.assignment])
            summary.graded[sub.key] = score
            if blank:
                summary.blank[sub.key] = blank
            else:
                why = needs_a_look(read_notebook(dest / sub.notebook.name))
                if why:
                    summary.look_at[sub.key] = why
            bar.update(1)

    def copy_feedback(job: _Running) -> None:
        ws = job.workspace
        for sub in ws.submissions:
            made = ws.root / "feedback" / sub.student / sub.assignment
            if sub.key in job.merged and made.is_dir():
                dest = feedback_folder(course, sub.student, sub.assignment)
                if dest.exists():
                    shutil.rmtree(dest)
                shutil.copytree(made, dest)

    def finish(job: _Running) -> None:
        ws = job.workspace
        job.log.close()
        workers.close(ws.db)
        for sub in ws.submissions:
            if sub.key in job.merged:
                continue
            if len(ws.submissions) > 1:      # retry alone: its batch-mates are not to blame
                queue.append(_Batch([sub], blank={k: v for k, v in ws.blank.items() if k == sub.key}))
            elif sub.key not in ws.blank:    # alone it failed too: grade the blank release instead
                why = f"nbgrader could not grade the notebook as submitted: {_failure_reason(ws.log, sub)}"
                queue.append(_Batch([sub], blank={sub.key: why}))
            else:
                why = _failure_reason(ws.log, sub)
                journal.record(sub, Entry(fingerprint=sub.fingerprint(), source=sources[sub.assignment],
                                          status=FAILED, note=why), inputs=inputs[sub.assignment])
                summary.failed[sub.key] = why
                bar.update(1)
        shutil.rmtree(ws.root, ignore_errors=True)

    try:
        while queue or running:
            while queue and len(running) < jobs:
                batch = queue.popleft()
                counter += 1
                ws = make_workspace(folders, f"batch{counter:03d}", course, batch.submissions, template,
                                    blank=batch.blank)
                log = open(ws.log, "w")
                confined = confine.autograde_options(folders.private, counter) if confine else []
                ahead = kernels_ahead(course, _notebooks(course, batch.submissions)) if pool else []
                proc = nbgrader_run.start(nbgrader_run.command("autograde", "*", root=ws.root, db=ws.db_url,
                                                               options=["--create", PRE_CONVERT_HOOK,
                                                                        POST_CONVERT_HOOK, *options, *confined,
                                                                        *ahead]),
                                          cwd=ws.root, log=log, env=ws.env())
                running.append(_Running(ws, proc, log))
            time.sleep(0.2)
            if when_recorded_pending:
                if not _recording_done(recording):
                    continue
                when_recorded_pending = False
                when_recorded()
            if main is None:
                main = Gradebook(db_url(main_db), course_id)
            for job in list(running):
                if job.phase == "autograde":
                    harvest(job)
                    if job.proc.poll() is None:
                        continue
                    harvest(job)
                    if feedback and job.merged:
                        job.phase = "feedback"
                        ws = job.workspace
                        shutil.copy2(course / CONFIG_FILE, ws.root / CONFIG_FILE)  # in case a submission wrote over it
                        shutil.rmtree(ws.root / AUTOGRADED, ignore_errors=True)
                        for sub in ws.submissions:
                            if sub.key in job.merged:
                                ws.unvault(sub)
                        job.proc = nbgrader_run.start(
                            nbgrader_run.command("generate_feedback", "*", root=job.workspace.root,
                                                 db=job.workspace.db_url),
                            cwd=job.workspace.root, log=job.log)
                        continue
                elif job.proc.poll() is None:
                    continue
                else:
                    copy_feedback(job)
                running.remove(job)
                finish(job)
    except BaseException:  # Ctrl-C, SIGTERM, or the recording failed: stop the batches, keep what is done
        if recording is not None:
            nbgrader_run.stop(recording.proc)
        for job in running:
            nbgrader_run.stop(job.proc)
            if job.phase == "autograde" and main is not None:
                harvest(job)
            job.log.close()
        raise
    finally:
        bar.close()
        workers.close_all()
        if main is not None:
            main.close()
