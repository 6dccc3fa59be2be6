"""Fixtures for the class-on-a-hub tests: one JupyterHub, one class, one Chromium per session.

Run with ``make test-hub`` (it installs jupyterhub, configurable-http-proxy and Chromium).
The tests need root (they create unix accounts), configurable-http-proxy and Chromium; without
them they skip with the reason, except in CI (CI=true), where they fail instead.
A failing test leaves screenshots and the hub's log in ``test-artifacts/hub/``.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from browser.artefacts import save_failure_artefacts
from browser.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORT
from browser.coursefiles import copy_course

from . import accounts
from .hubserver import COURSE_ID, REPO, HubServer

ARTIFACTS = REPO / "test-artifacts" / "hub"

# The class. Names start with nbkt- (accounts.remove refuses any other).
GRADER = "nbkt-grader"           # owns the course directory, runs the formgrader service
INSTRUCTOR = "nbkt-instructor"   # reaches the formgrader through the hub
ALICE = "nbkt-alice"             # works in JupyterLab through the hub (headless Chromium)
BOB = "nbkt-bob"                 # command line; classic mistakes; submits twice
CAROL = "nbkt-carol"             # command line; meets a broken exchange; submits late
DAVE = "nbkt-dave"               # never fetches the assignment
ROSTER = [("grader", GRADER), ("instructor", INSTRUCTOR),
          ("student", ALICE), ("student", BOB), ("student", CAROL), ("student", DAVE)]

_PAGES = pytest.StashKey[list]()


def _missing() -> list[str]:
    """What this machine lacks for the hub tests, in words."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (the tests create unix accounts for the class)")
    if not shutil.which("configurable-http-proxy"):
        missing.append("configurable-http-proxy (run `bash deploy/hub/install-proxy.sh`)")
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (run `bash .ci/install-chromium.sh`)")
    if not (accounts.BIN / "jupyterhub").is_file():
        missing.append(f"the class environment {accounts.ENV} "
                       f"(run `bash deploy/hub/install-env.sh {accounts.ENV}`; make test-hub does)")
    if not shutil.which("useradd"):
        missing.append("useradd")
    return missing


@pytest.fixture(scope="session")
def requirements():
    missing = _missing()
    if missing:
        message = "the hub tests need " + "; ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: not skipping)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def timings():
    measured: dict = {}
    started = time.monotonic()
    yield measured
    measured["session_seconds"] = round(time.monotonic() - started, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(__import__("json").dumps(measured, indent=2, sort_keys=True))


def _readable_by_others(path: Path) -> str | None:
    """Why a student account could not use ``path`` (None when it can)."""
    for folder in [*reversed(path.parents), path]:
        mode = folder.stat().st_mode
        if not mode & 0o001:
            return f"{folder} is not searchable by other users (mode {oct(mode & 0o777)})"
    return None


@pytest.fixture(scope="session")
def hub(requirements, timings):
    """The running hub with its class: accounts made, the course cloned for the grader."""
    problem = _readable_by_others(accounts.BIN / "python")
    if problem:  # user servers and kernels run the class environment as the students
        pytest.fail(f"the students' servers run {accounts.BIN}, but {problem}: install the class "
                    f"environment with deploy/hub/install-env.sh", pytrace=False)
    for _, name in ROSTER:  # a fresh class: leftovers of an interrupted run go first
        accounts.remove(name)
    root = Path(tempfile.mkdtemp(prefix="nbkit-hub-"))
    server = HubServer(root, ROSTER)
    try:
        server.write_config()
        accounts.SESSION_ENV["JUPYTER_CONFIG_PATH"] = str(server.etc_jupyter)
        started = time.monotonic()
        server.setup_class()
        # The grader's course directory: a copy of the course, as `git clone` would give.
        course = accounts.home(GRADER) / COURSE_ID
        copy_course(course)
        shutil.chown(course, GRADER, GRADER)
        for path in course.rglob("*"):
            shutil.chown(path, GRADER, GRADER)
        # JupyterLab's news pop-up covers the lower right of the page (see browser-testing notes).
        settings = (accounts.home(ALICE) / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
                    / "apputils-extension")
        accounts.as_user(ALICE, ["mkdir", "-p", settings])
        accounts.as_user(ALICE, ["sh", "-c", f"echo '{{\"fetchNews\": \"false\"}}' > "
                                             f"'{settings}/notification.jupyterlab-settings'"])
        timings["class_setup"] = round(time.monotonic() - started, 1)
        server.start()
        timings["hub_start"] = round(server.startup_seconds, 1)
        yield server
    finally:
        server.stop()
        for _, name in ROSTER:
            accounts.remove(name)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium(requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(request, chromium):
    """``new_page()`` -> a page in a fresh browser context (its own cookies: one person)."""
    contexts = []

    def make():
        context = chromium.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        request.node.stash.setdefault(_PAGES, []).append(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    pages = [(f"page {n}", page) for n, page in enumerate(item.stash.get(_PAGES, []))]
    server = item.funcargs.get("hub") if hasattr(item, "funcargs") else None
    save_failure_artefacts(item, outcome.get_result(), pages, folder=ARTIFACTS,
                           log=server.log_path if server is not None else None, log_name="jupyterhub.log",
                           section="hub artefacts")
