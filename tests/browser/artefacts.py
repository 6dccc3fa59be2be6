"""What a failing browser test leaves behind, for tests/browser and tests/hub alike.

A screenshot of every page the test looked at (and, for a notebook, its cells as text) and
a copy of the server's log, written to ``test-artifacts/<suite>/`` and listed in the test's
report, so that a failure in CI can be read without running it again.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional, Sequence


def artefact_stem(nodeid: str) -> str:
    """A file-name-safe stem for a test id: ``test_x.py::test_y[a/b]`` -> ``test_y_a_b_``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")[:120]


def save_failure_artefacts(item, report, pages: Sequence[tuple], *, folder: Path, log: Optional[Path],
                           log_name: str, section: str,
                           describe: Optional[Callable[[int], str]] = None) -> None:
    """On a failed set-up or call, save artefacts and list them in ``report`` (section ``section``).

    ``pages``: (what, playwright page) pairs, ``what`` naming the page in a failed screenshot's
    note; ``describe(n)``: optional text saved next to page ``n``'s screenshot (a notebook's
    cells); ``log``: the server's log file, copied as ``<stem>-<log_name>``. Nothing an
    artefact does wrong hides the test's own failure.
    """
    if not report.failed or report.when not in ("setup", "call"):
        return
    folder.mkdir(parents=True, exist_ok=True)
    stem = artefact_stem(item.nodeid)
    saved = []
    for n, (what, page) in enumerate(pages):
        if page.is_closed():
            continue
        base = folder / f"{stem}-{n}"
        try:
            page.screenshot(path=f"{base}.png", timeout=15_000)
            saved.append(f"{base}.png")
        except Exception as exc:  # noqa: BLE001 - a broken page must not hide the failure
            saved.append(f"(screenshot of {what} failed: {exc})")
        if describe is not None:
            try:
                Path(f"{base}-cells.txt").write_text(describe(n))
                saved.append(f"{base}-cells.txt")
            except Exception:  # noqa: BLE001
                pass
    if log is not None and log.is_file():  # the server's side of the story (kernel deaths, errors)
        copy = folder / f"{stem}-{log_name}"
        copy.write_text(log.read_text(errors="replace"))
        saved.append(str(copy))
    if saved:
        listing = "\n".join(saved)
        report.sections.append((section, listing))
        reporter = item.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"\n{section} for {item.nodeid}:\n{listing}")
