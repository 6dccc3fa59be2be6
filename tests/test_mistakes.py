"""The mistake catalogue (tests/mistakes/, see its README), graded end to end with `nbkit grade`.

For every autograded exercise of every notebook in solutions/: at least three classic wrong
answers, each submitted as its own student submission (the reference answers with that one
cell replaced). Each must lose the points of its exercise and no others, and the feedback
must name its diagnosis. The correct alternative answers, all in one submission per
notebook, must get full marks.

Run ``python tests/test_mistakes.py`` for the catalogue's size and kill rate (docs/grading.md).
"""
from __future__ import annotations

import importlib.util
import math
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for `python tests/test_mistakes.py` from anywhere

from nbkit.course import assignments, release_notebook  # noqa: E402
from nbkit.grading.cells import exercises  # noqa: E402
from nbkit.grading.submissions import drop_demo_cells, reference_answers, reference_submission, submit  # noqa: E402

CATALOGUE = ROOT / "tests" / "mistakes"
ASSIGNMENTS = assignments(ROOT)
MIN_MISTAKES = 3


def load_catalogue(name: str):
    path = CATALOGUE / f"{name}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"mistakes_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answer(entry, reference: str) -> str:
    """A catalogue entry as cell code: full code, or ("swap", ((old, new), ...)) on the reference."""
    if isinstance(entry, str):
        return entry
    code = reference
    for old, new in entry[1]:
        if code.count(old) != 1:
            raise ValueError(f"swap no longer applies: {old!r} occurs {code.count(old)} times in the reference answer")
        code = code.replace(old, new)
    return code


@dataclass
class Case:
    assignment: str
    student: str
    test_id: str                       # the exercise (its test cell), "" for the alternatives
    diagnosis: Optional[str]           # what the check must say; None: must pass everything
    answers: Dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.assignment}/{self.student}"


def _exercise_of(name: str) -> Dict[str, str]:
    release = nbformat.read(str(release_notebook(ROOT, name)), as_version=4)
    return {sid: e.test_id for e in exercises(release) for sid in e.solution_ids}


def cases() -> List[Case]:
    found = []
    for name in ASSIGNMENTS:
        catalogue = load_catalogue(name)
        if catalogue is None:
            continue
        references = reference_answers(ROOT, name)
        exercise_of = _exercise_of(name)
        for sid, entries in catalogue.MISTAKES.items():
            for k, (diagnosis, entry) in enumerate(entries, 1):
                found.append(Case(name, f"{sid}-{k}", exercise_of.get(sid, "?"), diagnosis,
                                  {sid: answer(entry, references[sid])}))
        found.append(Case(name, "alternatives", "", None,
                          {sid: answer(e, references[sid]) for sid, e in catalogue.ALTERNATIVES.items()}))
    return found


# ---------------------------------------------------------------- coverage (fast)

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_exercise_is_catalogued(name):
    catalogue = load_catalogue(name)
    assert catalogue is not None, f"tests/mistakes/{name}.py is missing: every notebook needs a mistake catalogue"
    exercise_of = _exercise_of(name)
    unknown = (set(catalogue.MISTAKES) | set(catalogue.ALTERNATIVES)) - set(exercise_of)
    assert not unknown, f"{name}: no solution cell named {sorted(unknown)}"
    counts = {test_id: 0 for test_id in exercise_of.values()}
    for sid, entries in catalogue.MISTAKES.items():
        counts[exercise_of[sid]] += len(entries)
        references = reference_answers(ROOT, name)
        for diagnosis, entry in entries:
            assert isinstance(diagnosis, str) and diagnosis, f"{name}/{sid}: an entry has no diagnosis"
            answer(entry, references[sid])  # raises if a swap no longer applies
    thin = {t: n for t, n in counts.items() if n < MIN_MISTAKES}
    assert not thin, f"{name}: exercises with fewer than {MIN_MISTAKES} catalogued mistakes: {thin}"
    missing = set(exercise_of) - set(catalogue.ALTERNATIVES)
    assert not missing, f"{name}: no correct alternative for {sorted(missing)}"


# ---------------------------------------------------------------- graded with nbgrader (slow)

def grade_catalogue(workdir: Path, all_cases: List[Case], jobs: Optional[int] = None):
    """Submit every case to a copy of the course and grade them all with `nbkit grade --feedback`.
    Returns ``{case id: (scores, outcomes, feedback text)}``."""
    from nbgrader.api import Gradebook

    from nbkit.grading.batch import default_jobs, grade
    from nbkit.grading.results import read_autograded

    course = workdir / "course"
    course.mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    names = sorted({c.assignment for c in all_cases})
    for folder in ("solutions", "notebooks"):
        for name in names:
            shutil.copytree(ROOT / folder / name, course / folder / name)
    for case in all_cases:
        nb = reference_submission(course, case.assignment, case.answers)
        # Without the demo cells a student may delete (those the answers need stay): same grades, less time.
        submit(course, case.student, case.assignment, drop_demo_cells(nb, case.answers.values()))
    jobs = jobs or default_jobs()
    # one batch per worker: the fewest nbgrader start-ups (about 4 s each)
    summary = grade(course, names, jobs=jobs, batch_size=math.ceil(len(all_cases) / jobs), feedback=True,
                    progress=False)
    assert not summary.failed and not summary.blank, summary.lines()

    results = {}
    warnings.filterwarnings("ignore", module="nbgrader")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        for case in all_cases:
            submission = gb.find_submission(case.assignment, case.student)
            scores = {g.name: g.score for g in submission.notebooks[0].grades}
            outcomes = read_autograded(course, case.student, case.assignment).tests
            page = course / "feedback" / case.student / case.assignment / f"{case.assignment}.html"
            results[case.id] = (scores, outcomes, page.read_text() if page.is_file() else "")
    return results


def verdict(case: Case, result) -> List[str]:
    """What is wrong with how ``case`` was graded (empty: graded as it should be)."""
    scores, outcomes, feedback_page = result
    problems = []
    for test_id, outcome in outcomes.items():
        lost = scores[test_id] < outcome.points
        if test_id == case.test_id:
            if not lost:
                problems.append(f"{test_id} kept its {outcome.points:g} points")
            if outcome.diagnosis != case.diagnosis:
                problems.append(f"{test_id} was diagnosed {outcome.diagnosis!r}, not {case.diagnosis!r}")
            if "not yet." not in feedback_page:
                problems.append("the feedback does not show the check's failure")
            if "[diagnosis:" in feedback_page:
                problems.append("the feedback shows an internal [diagnosis: ...] tag to the student")
        elif lost:
            problems.append(f"{test_id} lost points too ({outcome.diagnosis}: {outcome.message[:200]})")
    return problems


CASES = cases()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_catalogue(tmp_path_factory.mktemp("mistakes"), CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c.diagnosis], ids=lambda c: f"{c.id}:{c.diagnosis}")
def test_mistake_loses_its_exercise_only_and_is_named(case, graded):
    assert not verdict(case, graded[case.id])


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if not c.diagnosis], ids=lambda c: c.assignment)
def test_correct_alternatives_get_full_marks(case, graded):
    assert not verdict(case, graded[case.id])


def kill_table(all_cases: List[Case], results) -> List[str]:
    """Catalogue size and kill rate per notebook, as a Markdown table."""
    lines = ["| notebook | exercises | mistakes | killed | named | alternatives at full marks |",
             "|---|---|---|---|---|---|"]
    totals = [0, 0, 0, 0]
    for name in sorted({c.assignment for c in all_cases}):
        mine = [c for c in all_cases if c.assignment == name]
        mistakes = [c for c in mine if c.diagnosis]
        killed = [c for c in mistakes if not any("kept its" in p or "lost points too" in p
                                                 for p in verdict(c, results[c.id]))]
        named = [c for c in killed if not verdict(c, results[c.id])]
        alternatives = [c for c in mine if not c.diagnosis and not verdict(c, results[c.id])]
        n_exercises = len(set(_exercise_of(name).values()))
        lines.append(f"| {name} | {n_exercises} | {len(mistakes)} | {len(killed)} | {len(named)} | "
                     f"{'yes' if alternatives else 'NO'} |")
        for i, n in enumerate((n_exercises, len(mistakes), len(killed), len(named))):
            totals[i] += n
    lines.append(f"| all | {totals[0]} | {totals[1]} | {totals[2]} ({100 * totals[2] / max(totals[1], 1):.0f}%) "
                 f"| {totals[3]} ({100 * totals[3] / max(totals[1], 1):.0f}%) | |")
    return lines


if __name__ == "__main__":
    import tempfile
    import time

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = grade_catalogue(Path(tmp), CASES)
    print("\n".join(kill_table(CASES, results)))
    print(f"({len(CASES)} submissions graded with nbkit grade --feedback in {time.perf_counter() - start:.0f} s; "
          "killed = lost exactly its exercise's points; named = and the feedback names the catalogued diagnosis)")
