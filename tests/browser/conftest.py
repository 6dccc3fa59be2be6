"""Fixtures for the browser suite: one JupyterLab, one Chromium, a fresh page per test.

Run with ``make test-browser`` (or ``.venv/bin/python -m pytest -m browser tests/browser``).
A failing test leaves a screenshot of each page it used, and a text dump of the notebook's
cells, in ``test-artifacts/browser/``; the paths are printed with the failure.
"""
from __future__ import annotations

import json
import os
import time
from collections import OrderedDict
from pathlib import Path

import pytest

from .artefacts import save_failure_artefacts
from .coursefiles import REPO, copy_course
from .labpage import NotebookPage
from .labserver import LabServer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts" / "browser"
VIEWPORT = {"width": 1400, "height": 1000}

_USED = pytest.StashKey[list]()   # NotebookPage objects (or bare pages) a test looked at


# -- session-wide pieces ----------------------------------------------------------------
@pytest.fixture(scope="session")
def timings():
    """Measured durations, written to test-artifacts/browser/timings.json at the end."""
    measured: dict = {"session_started": time.time()}
    yield measured
    measured["session_seconds"] = round(time.time() - measured.pop("session_started"), 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(measured, indent=2, sort_keys=True))


@pytest.fixture(scope="session")
def course_root(tmp_path_factory) -> Path:
    """A throwaway copy of the course: running cells must never write into the repo."""
    return copy_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="session")
def lab_server(course_root, tmp_path_factory, timings):
    server = LabServer(course_root, tmp_path_factory.mktemp("lab-state"), cwd=course_root)
    server.start()
    timings["jupyterlab_start"] = round(server.startup_seconds, 1)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `bash .ci/install-chromium.sh` "
                    f"(make test-browser does) or set CHROMIUM=/path/to/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    return context.new_page()


class _ExecutedNotebooks:
    """Notebooks already run in this session, so each is run once however many tests read it.

    At most ``keep`` stay open (each holds a browser page and a kernel); the oldest is
    closed and its kernel shut down when another is needed.
    """

    def __init__(self, browser, server, timings, keep: int = 3):
        self.browser, self.server, self.timings, self.keep = browser, server, timings, keep
        self.open: OrderedDict[tuple, NotebookPage] = OrderedDict()
        self.failures: dict[tuple, BaseException] = {}

    def get(self, path: str, continue_after_errors: bool, on_page=lambda notebook: None) -> NotebookPage:
        key = (path, continue_after_errors)
        if key in self.failures:
            raise AssertionError(f"running {path} failed earlier in this session") \
                from self.failures[key]
        if key in self.open:
            self.open.move_to_end(key)
            on_page(self.open[key])
            return self.open[key]
        while len(self.open) >= self.keep:
            self._close(*self.open.popitem(last=False))
        notebook = NotebookPage(_new_page(self.browser), self.server, path)
        self.open[key] = notebook
        on_page(notebook)  # registered before running, so a failed run still gets a screenshot
        try:
            notebook.open()
            if continue_after_errors:
                notebook.run_all_continuing()
            else:
                notebook.run_all()
        except BaseException as exc:
            self.failures[key] = exc
            raise
        finally:
            self.timings.setdefault("notebooks", {})[path] = {
                k: round(v, 1) for k, v in notebook.timings.items()}
        return notebook

    def _close(self, key, notebook: NotebookPage) -> None:
        notebook.page.context.close()
        try:
            self.server.shutdown_sessions_for(notebook.path)
        except Exception:  # noqa: BLE001 - the server's teardown ends every kernel anyway
            pass

    def close_all(self) -> None:
        while self.open:
            self._close(*self.open.popitem(last=False))


@pytest.fixture(scope="session")
def _executed_cache(chromium, lab_server, timings):
    cache = _ExecutedNotebooks(chromium, lab_server, timings)
    yield cache
    cache.close_all()


# -- per-test pieces ------------------------------------------------------------------------
@pytest.fixture
def executed_notebook(request, _executed_cache):
    """``executed_notebook(path, continue_after_errors=False)`` -> a NotebookPage after Run All.

    With ``continue_after_errors`` the run resumes below every cell that raised (what an
    untouched release needs). The page is shared with other tests that ask for the same run.
    """
    def get(path: str, continue_after_errors: bool = False) -> NotebookPage:
        return _executed_cache.get(path, continue_after_errors,
                                   on_page=request.node.stash.setdefault(_USED, []).append)

    return get


@pytest.fixture
def solved(request, executed_notebook):
    """The solutions notebook of the test module's ``TOPIC``, after Run All (skipped while it
    does not exist yet)."""
    topic = request.module.TOPIC
    path = f"solutions/{topic}/{topic}.ipynb"
    if not (REPO / path).is_file():
        pytest.skip(f"{path} does not exist yet")
    return executed_notebook(path)


@pytest.fixture
def open_notebook(request, chromium, lab_server):
    """``open_notebook(path)`` -> a NotebookPage in a fresh page, kernel idle, nothing run.

    The page is closed and the kernel shut down after the test.
    """
    opened: list[NotebookPage] = []

    def open_(path: str) -> NotebookPage:
        notebook = NotebookPage(_new_page(chromium), lab_server, path)
        opened.append(notebook)
        request.node.stash.setdefault(_USED, []).append(notebook)
        return notebook.open()

    yield open_
    for notebook in opened:
        notebook.page.context.close()
        try:
            lab_server.shutdown_sessions_for(notebook.path)
        except Exception:  # noqa: BLE001
            pass


# -- screenshots of failing tests ---------------------------------------------------------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    used = item.stash.get(_USED, [])
    if not used:
        return

    def cells(n: int) -> str:
        notebook = used[n]
        return f"{notebook.path}\n\n" + "\n\n".join(cell.describe(limit=4000) for cell in notebook.snapshot())

    save_failure_artefacts(item, outcome.get_result(), [(notebook.path, notebook.page) for notebook in used],
                           folder=ARTIFACTS, log=used[0].server.log_path, log_name="jupyterlab.log",
                           section="browser artefacts", describe=cells)


# -- test order: one notebook's tests together ------------------------------------------------
def _topic_of(item) -> str:
    """The NN_topic a test works on ('' for tests not about one course notebook)."""
    callspec = getattr(item, "callspec", None)
    path = callspec.params.get("path") if callspec else None
    if isinstance(path, str) and path.count("/") == 2:
        return path.split("/")[1]
    return getattr(item.module, "TOPIC", "") if hasattr(item, "module") else ""


def pytest_collection_modifyitems(session, config, items):
    """Run the tests of each notebook next to each other.

    Executed notebooks are shared between tests but only a few stay open at a time;
    grouping by notebook means each is run once. Within a notebook the generic checks
    (test_notebooks.py) read the fresh run before its own module moves sliders about.
    """
    slots = [n for n, item in enumerate(items) if item.get_closest_marker("browser")]
    if not slots:
        return
    browser_items = [items[n] for n in slots]

    def key(numbered):
        n, item = numbered
        own_module = hasattr(getattr(item, "module", None), "TOPIC")
        return (_topic_of(item), int(own_module), n)

    # only the browser tests move, among the places they already held
    for slot, (_, item) in zip(slots, sorted(enumerate(browser_items), key=key)):
        items[slot] = item
