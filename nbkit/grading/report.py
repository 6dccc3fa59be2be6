"""``nbkit report``: the class report, one self-contained HTML file with plots.

For every assignment with grades in the gradebook:

- the score distribution (histogram) with count, mean and median;
- the pass rate of every autograded exercise (the share of submissions with full marks);
- the most frequent mistakes per exercise, as named by the checks' diagnoses in the
  autograded notebooks (``own-value``, ``transposed``, ``missing-batch-sum``, ...); an
  exercise left as the stub (``not-implemented``) is counted apart, as "not attempted",
  so unfinished work does not crowd the mistakes out;
- a table per student: the score of every exercise and the diagnoses of those that failed;
- submissions to look at: graded as the blank release (unreadable, kernel died), syntax
  errors, timeouts, edited locked cells, code that reaches into the grader.

Scores come from nbgrader's gradebook (so manual grades count); diagnoses and flags from
the autograded notebooks (:mod:`nbkit.grading.results`). ``class_report(course)`` returns
the numbers, ``render_html(report)`` the page, ``write_report`` both.
"""
from __future__ import annotations

import base64
import html
import io
import statistics
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from nbkit.grading.cells import exercises
from nbkit.grading.journal import BLANK, Journal
from nbkit.grading.folders import AUTOGRADED, GRADEBOOK, db_url
from nbkit.grading.results import NOT_IMPLEMENTED, needs_a_look, read_autograded

DEFAULT_OUTPUT = Path(AUTOGRADED) / "class_report.html"


@dataclass
class ExerciseStats:
    name: str
    points: float
    submissions: int = 0
    passed: int = 0
    not_attempted: int = 0                                           # still the stub
    mistakes: Counter = field(default_factory=Counter)              # diagnosis -> submissions

    @property
    def pass_rate(self) -> float:
        return self.passed / self.submissions if self.submissions else 0.0


@dataclass
class AssignmentReport:
    name: str
    max_score: float
    scores: Dict[str, float] = field(default_factory=dict)          # student -> total score
    exercises: Dict[str, ExerciseStats] = field(default_factory=dict)
    flags: List[str] = field(default_factory=list)                  # one line per thing to look at
    # student -> exercise -> (score, diagnosis or "" when full marks)
    students: Dict[str, Dict[str, tuple]] = field(default_factory=dict)

    @property
    def mistakes(self) -> Counter:
        total = Counter()
        for stats in self.exercises.values():
            total.update({(stats.name, tag): n for tag, n in stats.mistakes.items()})
        return total


@dataclass
class ClassReport:
    course_id: str
    assignments: List[AssignmentReport] = field(default_factory=list)
    generated: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M"))


def class_report(course: Path, names: Sequence[str] = ()) -> ClassReport:
    """Collect the numbers of the report from the gradebook and the autograded notebooks."""
    from nbgrader.api import Gradebook, MissingEntry

    from nbkit.grading.merge import course_id_of

    course = Path(course)
    if not (course / GRADEBOOK).is_file():
        raise ValueError(f"no {GRADEBOOK} in {course}: grade the submissions first (`nbkit grade`)")
    course_id = course_id_of(course)
    journal = Journal.load(course)
    report = ClassReport(course_id=course_id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(db_url(course / GRADEBOOK), course_id) as gb:
            wanted = list(names) or [a.name for a in gb.assignments]
            for name in wanted:
                try:
                    assignment = gb.find_assignment(name)
                except MissingEntry:
                    raise ValueError(f"the gradebook has no assignment {name!r}") from None
                if assignment.submissions:
                    report.assignments.append(_assignment(course, assignment, journal))
    return report


def _autograded_ids(course: Path, name: str) -> Optional[set]:
    """Grade ids of the autograded test cells, from the release notebook."""
    import nbformat

    from nbkit.course import release_notebook

    path = release_notebook(course, name)
    if not path.is_file():
        return None
    return {e.test_id for e in exercises(nbformat.read(str(path), as_version=4))}


def _assignment(course: Path, assignment, journal: Journal) -> AssignmentReport:
    result = AssignmentReport(name=assignment.name, max_score=float(assignment.max_score))
    test_ids = _autograded_ids(course, assignment.name)
    for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
        student = submission.student.id
        result.scores[student] = float(submission.score)
        entry = journal.entries.get(f"{student}/{assignment.name}")
        blank = entry is not None and entry.status == BLANK
        if blank:
            result.flags.append(f"{student}: graded as the blank release (0 points): {entry.note}")
        graded = read_autograded(course, student, assignment.name)
        outcomes = graded.tests if graded and not blank else {}  # a blank release's failures are no mistakes
        row = result.students.setdefault(student, {})
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.name not in (test_ids if test_ids is not None else outcomes):
                    continue  # a manually graded answer: not an autograded exercise
                stats = result.exercises.setdefault(grade.name, ExerciseStats(grade.name, float(grade.max_score)))
                stats.submissions += 1
                full = grade.score is not None and float(grade.score) >= float(grade.max_score)
                if full:
                    stats.passed += 1
                outcome = outcomes.get(grade.name)
                diagnosis = outcome.diagnosis if outcome is not None and not outcome.passed else ""
                if diagnosis == NOT_IMPLEMENTED:
                    stats.not_attempted += 1
                elif diagnosis:
                    stats.mistakes[diagnosis] += 1
                row[grade.name] = (float(grade.score or 0), "blank" if blank and not full else diagnosis)
        if graded and not blank:
            result.flags += [f"{student}: {why}" for why in needs_a_look(graded)]
    return result


# -- rendering ----------------------------------------------------------------------------

def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _plots(assignment: AssignmentReport) -> List[str]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.5, 3))
    ax = fig.add_subplot()
    scores = list(assignment.scores.values())
    bins = max(1, min(20, int(assignment.max_score) or 1))
    ax.hist(scores, bins=bins, range=(0, assignment.max_score or 1), color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"score (of {assignment.max_score:g})")
    ax.set_ylabel("submissions")
    ax.set_title(f"{assignment.name}: score distribution")
    hist = _png(fig)

    names = list(assignment.exercises)
    fig = Figure(figsize=(5.5, 0.35 * len(names) + 1.2))
    ax = fig.add_subplot()
    rates = [100 * assignment.exercises[n].pass_rate for n in names]
    ax.barh(range(len(names)), rates, color="#55a868")
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions with full marks (%)")
    ax.set_title("pass rate per exercise")
    return [hist, _png(fig)]


def _table(header: Sequence[str], rows: List[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: ClassReport, top: int = 5) -> str:
    parts = [f"<h1>Class report: {html.escape(report.course_id)}</h1>",
             f"<p>Generated {report.generated} by <code>nbkit report</code> from gradebook.db and autograded/.</p>"]
    if not report.assignments:
        parts.append("<p>No graded submissions yet: run <code>nbkit grade</code>.</p>")
    for a in report.assignments:
        scores = list(a.scores.values())
        parts.append(f"<h2>{html.escape(a.name)}</h2>")
        parts.append(f"<p>{len(scores)} submissions; mean {statistics.mean(scores):.1f}, median "
                     f"{statistics.median(scores):.1f} of {a.max_score:g} points "
                     "(written answers count once they are graded by hand).</p>")
        parts.append("".join(f'<img alt="plot" src="{src}">' for src in _plots(a)))
        rows = []
        for stats in a.exercises.values():
            common = ", ".join(f"{tag} ({n})" for tag, n in stats.mistakes.most_common(top)) or "-"
            rows.append((stats.name, f"{stats.points:g}", f"{100 * stats.pass_rate:.0f}%", common,
                         str(stats.not_attempted)))
        parts.append("<h3>Exercises</h3>" + _table(("exercise", "points", "pass rate", "most frequent mistakes",
                                                    "not attempted"), rows))
        from nbkit.diagnoses import meaning  # each tag's registered sentence, for instructors

        overall = [(f"{tag}", meaning(tag), ex, n) for (ex, tag), n in a.mistakes.most_common(top)]
        if overall:
            parts.append("<h3>Most frequent mistakes</h3>"
                         + _table(("diagnosis", "meaning", "exercise", "submissions"), overall))
        if a.flags:
            parts.append("<h3>Submissions to look at</h3><ul>"
                         + "".join(f"<li>{html.escape(flag)}</li>" for flag in a.flags) + "</ul>")
        names = list(a.exercises)
        students = []
        for student, row in sorted(a.students.items()):
            cells = [f"{row[n][0]:g}" if n in row else "-" for n in names]
            wrong = "; ".join(f"{n}: {row[n][1]}" for n in names if n in row and row[n][1]) or "-"
            students.append((student, f"{a.scores.get(student, 0):g}", *cells, wrong))
        parts.append("<h3>Students</h3>" + _table(("student", f"total (of {a.max_score:g})", *names, "diagnoses"),
                                                  students))
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;"
             "text-align:left}th{background:#f3f3f3}img{max-width:48%;margin-right:1%}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Class report</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")


def write_report(course: Path, names: Sequence[str] = (), output: Optional[Path] = None, top: int = 5) -> Path:
    """Write the report (default ``autograded/class_report.html``) and return its path."""
    course = Path(course)
    path = Path(output) if output else course / DEFAULT_OUTPUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(class_report(course, names), top=top))
    return path
