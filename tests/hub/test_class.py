"""A class on a real JupyterHub: release, fetch, work, submit, collect, grade, feedback.

One hub (deploy/hub/'s configuration), real unix accounts, nbgrader's exchange. The tests
are the steps of one assignment's life and run in file order; a step whose predecessor
failed is skipped, naming the step it needed.

- the instructor (the grader account) releases 01_chain_rule with nbgrader;
- Alice works in JupyterLab through the hub, driven in headless Chromium: Nbgrader menu >
  Assignment List > Fetch, types answers (the catalogue's correct alternatives), saves,
  Submit; later Fetch Feedback;
- Bob uses the command line: fetches, submits full answers, then resubmits with two classic
  mistakes (the later submission is the one graded);
- Carol meets an inbound directory with wrong permissions (a clear message, her work kept),
  then submits after the due date (graded, flagged late);
- Dave never fetched: submitting tells him so, and he gets no grade and no feedback;
- the instructor collects, grades with `nbkit grade --feedback`, writes the class report,
  releases feedback; each student fetches feedback and sees their own grade, nobody else's;
- the formgrader runs as a hub service that the instructor can open and students cannot.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from browser.labpage import NotebookPage
from nbkit.grading.cells import exercises, grade_id, is_solution_code
from nbkit.grading.submissions import build_submission, reference_answers
from test_mistakes import answer, load_catalogue

from . import accounts
from .conftest import ALICE, BOB, CAROL, DAVE, GRADER, INSTRUCTOR
from .hubserver import COURSE_ID, REPO, HubUserServer

pytestmark = [pytest.mark.hub, pytest.mark.timeout(900)]

ASSIGNMENT = "01_chain_rule"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"   # where fetching puts it, relative to a home
BOB_MISTAKES = {"add_gate": "forgot-upstream", "neuron": "sigmoid-derivative"}

_done: set[str] = set()


def need(*steps: str) -> None:
    missing = [s for s in steps if s not in _done]
    if missing:
        pytest.skip(f"needs the earlier step(s) {', '.join(missing)}, which did not pass")


# -- the course and its answers ----------------------------------------------------------------
def points() -> dict[str, float]:
    """``{solution grade id: points of its exercise}`` for the assignment."""
    release = nbformat.read(str(REPO / "notebooks" / NOTEBOOK), as_version=4)
    return {sid: e.points for e in exercises(release) for sid in e.solution_ids}


CATALOGUE = load_catalogue(ASSIGNMENT)
REFERENCE = reference_answers(REPO, ASSIGNMENT)
FULL_MARKS = sum(e.points for e in exercises(nbformat.read(str(REPO / "notebooks" / NOTEBOOK), as_version=4)))


def mistake(solution_id: str, diagnosis: str) -> str:
    for name, entry in CATALOGUE.MISTAKES[solution_id]:
        if name == diagnosis:
            return answer(entry, REFERENCE[solution_id])
    raise KeyError(f"tests/mistakes/{ASSIGNMENT}.py has no {diagnosis!r} for {solution_id}")


def work_on(student: str, answers: dict[str, str]) -> Path:
    """The student edits their fetched notebook: the given answers in its answer cells."""
    path = accounts.home(student) / NOTEBOOK
    fetched = nbformat.read(str(path), as_version=4)
    nbformat.write(build_submission(fetched, answers), str(path))
    shutil.chown(path, student, student)
    return path


# -- the exchange and the people ----------------------------------------------------------------
def inbound(hub) -> Path:
    return hub.exchange / COURSE_ID / "inbound"


def submissions_in_exchange(hub, student: str) -> list[Path]:
    return sorted(p for p in inbound(hub).iterdir() if p.name.startswith(f"{student}+{ASSIGNMENT}+"))


def nbgrader(user: str, *args, check: bool = True, cwd=None):
    return accounts.as_user(user, [accounts.BIN / "nbgrader", *args], check=check, cwd=cwd)


def course_dir() -> Path:
    return accounts.home(GRADER) / COURSE_ID


def instructor(*args, check: bool = True):
    """A command in the course directory, as the grader account (what the instructor types)."""
    program = accounts.BIN / args[0] if (accounts.BIN / args[0]).exists() else args[0]
    return accounts.as_user(GRADER, [program, *args[1:]], cwd=course_dir(), check=check)


# -- the browser ---------------------------------------------------------------------------------
def log_in(page, hub, name: str, role: str = "student") -> None:
    page.goto(f"{hub.base_url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.password_for(role))
    page.click("#login_submit")


def open_lab(page, hub, name: str) -> None:
    """Log in and wait for the user's JupyterLab (the hub starts it on first login)."""
    log_in(page, hub, name)
    page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=240_000)
    page.locator("li.lm-MenuBar-item", has_text=re.compile(r"^\s*Nbgrader\s*$")).wait_for(timeout=120_000)


def open_assignment_list(page):
    """Nbgrader menu > Assignment List; returns the list's node once it has loaded."""
    page.locator("li.lm-MenuBar-item", has_text=re.compile(r"^\s*Nbgrader\s*$")).click()
    page.locator(".lm-Menu-item[data-command='nbgrader:open-assignment-list']").click()
    panel = page.locator("#assignments")
    panel.wait_for()
    for section in ("released", "fetched", "submitted"):
        panel.locator(f"#{section}_assignments_list_loading").wait_for(state="hidden", timeout=60_000)
    return panel


def row(panel, section: str, text: str = ASSIGNMENT):
    return panel.locator(f"#{section}_assignments_list > .list_item", has_text=text)


# -- the steps -------------------------------------------------------------------------------------
def test_instructor_releases_the_assignment(hub, timings):
    started = time.monotonic()
    # notebooks/ is nbgrader's release folder, generated by `nbkit build` and kept in the
    # repository, so releasing needs no generate_assignment.
    instructor("nbgrader", "release_assignment", ASSIGNMENT)
    timings["release"] = round(time.monotonic() - started, 1)
    released = hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert released.is_file(), f"nothing released at {released}"
    assert released.stat().st_uid == accounts.pwd.getpwnam(GRADER).pw_uid
    # students may drop submissions into inbound but not list it
    assert inbound(hub).stat().st_mode & 0o7777 == 0o2733, oct(inbound(hub).stat().st_mode)
    listed = nbgrader(BOB, "list")
    assert ASSIGNMENT in listed.stdout, listed.stdout
    _done.add("release")


def test_student_fetches_works_and_submits_in_jupyterlab(hub, new_page, timings):
    need("release")
    page = new_page()
    started = time.monotonic()
    open_lab(page, hub, ALICE)
    timings["alice_login_and_spawn"] = round(time.monotonic() - started, 1)

    panel = open_assignment_list(page)
    released = row(panel, "released")
    released.wait_for()
    released.get_by_role("button", name="Fetch").click()
    row(panel, "fetched").wait_for(timeout=60_000)
    assert (accounts.home(ALICE) / NOTEBOOK).is_file(), "Fetch put no notebook in Alice's home"

    notebook = NotebookPage(page, HubUserServer(hub, ALICE), NOTEBOOK).open(timeout=180)
    for solution_id, entry in CATALOGUE.ALTERNATIVES.items():  # correct, in her own style
        notebook.set_source(notebook.find_cell(solution_id).index, answer(entry, REFERENCE[solution_id]))
    page.keyboard.press("Control+s")
    saved = accounts.home(ALICE) / NOTEBOOK
    deadline = time.monotonic() + 60
    while True:
        on_disk = {grade_id(c): c.source for c in nbformat.read(str(saved), as_version=4).cells
                   if is_solution_code(c)}
        if all(on_disk.get(s) == answer(e, REFERENCE[s]) for s, e in CATALOGUE.ALTERNATIVES.items()):
            break
        assert time.monotonic() < deadline, f"Ctrl+S did not save Alice's answers to {saved}"
        time.sleep(0.5)

    panel = open_assignment_list(page)
    row(panel, "fetched").get_by_role("button", name="Submit").click()
    row(panel, "submitted").wait_for(timeout=60_000)
    timings["alice_total"] = round(time.monotonic() - started, 1)
    mine = submissions_in_exchange(hub, ALICE)
    assert len(mine) == 1, mine
    assert mine[0].stat().st_uid == accounts.pwd.getpwnam(ALICE).pw_uid, "the submission must be Alice's"
    _done.add("alice submitted")


def test_second_student_resubmits_on_the_command_line_and_the_later_one_counts(hub):
    need("release")
    nbgrader(BOB, "fetch_assignment", ASSIGNMENT)
    work_on(BOB, REFERENCE)                      # everything right ...
    nbgrader(BOB, "submit", ASSIGNMENT)
    time.sleep(1.1)                              # nbgrader's timestamps: one submission per second
    work_on(BOB, {sid: mistake(sid, diagnosis) for sid, diagnosis in BOB_MISTAKES.items()})
    nbgrader(BOB, "submit", ASSIGNMENT)          # ... then "improved" into two classic mistakes
    assert len(submissions_in_exchange(hub, BOB)) == 2
    _done.add("bob submitted")


def test_student_who_never_fetched_is_told_so(hub):
    need("release")
    result = nbgrader(DAVE, "submit", ASSIGNMENT, check=False)
    assert result.returncode != 0, result.stdout
    assert "not found" in result.stdout.lower() and ASSIGNMENT in result.stdout, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    assert submissions_in_exchange(hub, DAVE) == []


def test_wrong_exchange_permissions_give_a_clear_message_and_lose_nothing(hub):
    need("release")
    nbgrader(CAROL, "fetch_assignment", ASSIGNMENT)
    work = work_on(CAROL, REFERENCE)
    before = work.read_bytes()
    mode = inbound(hub).stat().st_mode & 0o7777
    instructor("chmod", "0755", inbound(hub))    # e.g. the exchange restored from a backup as 0755
    try:
        result = nbgrader(CAROL, "submit", ASSIGNMENT, check=False)
    finally:
        instructor("chmod", oct(mode)[2:], inbound(hub))
    assert result.returncode != 0, result.stdout
    assert f"You don't have write permissions to the directory: {inbound(hub)}" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    assert work.read_bytes() == before, "a failed submit must leave the student's notebook as it was"
    assert submissions_in_exchange(hub, CAROL) == []

    # The exchange itself without its 1777 mode: nbgrader says so; setup-class.sh puts it right.
    contents = sorted(hub.exchange.rglob("*"))
    hub.exchange.chmod(0o755)
    try:
        result = nbgrader(CAROL, "submit", ASSIGNMENT, check=False)
    finally:
        rerun = hub.setup_class()
    assert result.returncode != 0, result.stdout
    assert f"Unwritable directory, please contact your instructor: {hub.exchange}" in result.stdout, result.stdout
    assert hub.exchange.stat().st_mode & 0o7777 == 0o1777, oct(hub.exchange.stat().st_mode)
    assert "0 account(s) created" in rerun, rerun       # run again, it keeps every account
    assert work.read_bytes() == before and submissions_in_exchange(hub, CAROL) == []
    assert sorted(hub.exchange.rglob("*")) == contents, "the exchange lost or gained files"
    _done.add("carol fetched")


def test_late_submission_is_accepted_and_flagged(hub):
    need("carol fetched", "bob submitted")
    # The deadline passes after Bob's and Alice's submissions and before Carol's: the instructor
    # records it in the gradebook, where nbgrader looks when it grades.
    due = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    instructor("nbgrader", "db", "assignment", "add", ASSIGNMENT, f"--duedate={due:%Y-%m-%d %H:%M:%S} UTC")
    time.sleep(1.1)
    nbgrader(CAROL, "submit", ASSIGNMENT)
    assert len(submissions_in_exchange(hub, CAROL)) == 1
    _done.add("carol submitted")


def _gradebook(student: str):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course_dir() / 'gradebook.db'}", COURSE_ID) as gb:
        try:
            submission = gb.find_submission(ASSIGNMENT, student)
        except MissingEntry:
            return None
        return {"score": submission.score, "late": submission.total_seconds_late,
                "timestamp": submission.timestamp}


def test_instructor_collects_grades_and_releases_feedback(hub, timings):
    need("alice submitted", "bob submitted", "carol submitted")
    started = time.monotonic()
    collected = instructor("nbgrader", "collect", ASSIGNMENT)
    submitted = course_dir() / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted([ALICE, BOB, CAROL]), collected.stdout
    timings["collect"] = round(time.monotonic() - started, 1)
    graded = instructor("nbkit", "grade", ASSIGNMENT, "--feedback", "--quiet")
    timings["grade"] = round(time.monotonic() - started - timings["collect"], 1)
    report = instructor("nbkit", "report", ASSIGNMENT)
    written = re.search(r"class report written to (\S+)", report.stdout)
    assert written and Path(course_dir(), written.group(1)).is_file(), report.stdout
    instructor("nbgrader", "release_feedback", ASSIGNMENT)
    timings["collect_grade_report_release"] = round(time.monotonic() - started, 1)

    worth = points()
    expected_bob = FULL_MARKS - sum(worth[sid] for sid in BOB_MISTAKES)
    grades = {name: _gradebook(name) for name in (ALICE, BOB, CAROL, DAVE)}
    assert grades[ALICE]["score"] == FULL_MARKS, (grades, graded.stdout)
    assert grades[BOB]["score"] == expected_bob, (
        f"Bob's later submission (two mistakes) should count: {expected_bob} points", grades)
    assert grades[CAROL]["score"] == FULL_MARKS, grades
    assert grades[CAROL]["late"] > 0, f"Carol submitted after the due date: {grades}"
    assert grades[ALICE]["late"] == 0 and grades[BOB]["late"] == 0, grades
    assert grades[DAVE] is None, "Dave never submitted: no grade"
    _done.add("feedback released")


def _feedback_files(student: str) -> list[Path]:
    return sorted((accounts.home(student) / ASSIGNMENT / "feedback").glob("*/*.html"))


def test_students_fetch_their_own_feedback_and_nobody_elses(hub, new_page):
    need("feedback released")
    page = new_page()
    open_lab(page, hub, ALICE)
    panel = open_assignment_list(page)
    submitted = row(panel, "submitted")
    submitted.get_by_role("button", name="Fetch Feedback").click()
    submitted.get_by_text("(view feedback)").first.wait_for(timeout=60_000)

    for student in (BOB, CAROL, DAVE):
        nbgrader(student, "fetch_feedback", ASSIGNMENT, check=student != DAVE)

    released = course_dir() / "feedback"
    seen = {}
    for student in (ALICE, BOB, CAROL):
        files = _feedback_files(student)
        assert len(files) == 1, f"{student} should have one feedback file, has {files}"
        own = released / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert files[0].read_bytes() == own.read_bytes(), f"{student} received someone else's feedback"
        assert files[0].stat().st_uid == accounts.pwd.getpwnam(student).pw_uid
        seen[student] = files[0].read_text()
    assert _feedback_files(DAVE) == [], "Dave submitted nothing and must receive no feedback"
    assert len(set(seen.values())) == 3

    worth = points()
    expected_bob = FULL_MARKS - sum(worth[sid] for sid in BOB_MISTAKES)
    assert f"{FULL_MARKS:g}" in seen[ALICE] and "not yet" not in seen[ALICE]
    assert seen[BOB].count("not yet.") >= len(BOB_MISTAKES), "Bob's feedback should show each failed check"
    assert all("[diagnosis:" not in page for page in seen.values()), "internal tags are for the grader only"
    assert f"{expected_bob:g}" in seen[BOB]

    # Nobody can browse the released feedback or another student's home.
    listing = accounts.as_user(BOB, ["ls", hub.exchange / COURSE_ID / "feedback"], check=False)
    assert listing.returncode != 0 and "Permission denied" in listing.stdout, listing.stdout
    peek = accounts.as_user(BOB, ["cat", _feedback_files(ALICE)[0]], check=False)
    assert peek.returncode != 0 and "Permission denied" in peek.stdout, peek.stdout


def test_formgrader_is_a_hub_service_for_instructors_only(hub, new_page):
    need("feedback released")
    url = f"{hub.base_url}/services/{COURSE_ID}/formgrader"
    page = new_page()
    log_in(page, hub, INSTRUCTOR, role="instructor")
    page.wait_for_url(re.compile(r"/hub/"), timeout=60_000)
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.get_by_text(ASSIGNMENT).first.wait_for(timeout=120_000)  # Manage Assignments lists it
    assert f"/services/{COURSE_ID}/formgrader" in page.url, page.url

    student = new_page()
    open_lab(student, hub, ALICE)
    reply = student.goto(url, wait_until="domcontentloaded", timeout=120_000)
    assert reply is not None and reply.status == 403, (reply and reply.status, student.url)
