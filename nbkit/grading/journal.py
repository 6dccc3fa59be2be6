"""Which submissions are already graded, so that ``nbkit grade`` resumes after an interruption.

The journal is a small JSON file, ``autograded/.nbkit-grade.json``, rewritten atomically
(write a temporary file, then rename) after every merged grade: a crash or Ctrl-C at any
moment leaves either the old or the new journal, never half of one. A submission counts
as done when its entry names the same submission fingerprint and the same source
fingerprint (solutions + nbgrader config) and its autograded notebook exists.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from nbkit.grading.layout import AUTOGRADED, Submission, autograded_folder

JOURNAL = ".nbkit-grade.json"

# Outcomes a journal entry can record.
GRADED = "graded"            # nbgrader autograded the submission as it is
BLANK = "graded-as-blank"    # nbgrader could not grade it as submitted (unreadable, kernel died):
                             # the untouched release was graded in its place (zero), flagged
FAILED = "failed"            # nbgrader could not grade it even as the blank release; see the note


@dataclass
class Entry:
    fingerprint: str
    source: str
    status: str
    score: Optional[float] = None
    max_score: Optional[float] = None
    note: str = ""
    graded_at: float = field(default_factory=time.time)


class Journal:
    """``journal.done(sub, fp, src)``, ``journal.record(sub, entry)``; saved on every record."""

    def __init__(self, path: Path, entries: Dict[str, Entry], sources: Optional[Dict[str, str]] = None):
        self.path = Path(path)
        self.entries = entries
        # assignment -> source fingerprint last recorded in the gradebook (nbgrader generate_assignment)
        self.sources: Dict[str, str] = dict(sources or {})

    @classmethod
    def load(cls, course: Path) -> "Journal":
        path = Path(course) / AUTOGRADED / JOURNAL
        entries: Dict[str, Entry] = {}
        sources: Dict[str, str] = {}
        if path.is_file():
            try:
                raw = json.loads(path.read_text())
                entries = {k: Entry(**v) for k, v in raw.get("submissions", {}).items()}
                sources = dict(raw.get("sources", {}))
            except (ValueError, TypeError, AttributeError):
                entries, sources = {}, {}  # a damaged journal only costs a regrade
        return cls(path, entries, sources)

    def done(self, submission: Submission, fingerprint: str, source: str, course: Path) -> bool:
        entry = self.entries.get(submission.key)
        if entry is None or entry.fingerprint != fingerprint or entry.source != source:
            return False
        if entry.status == FAILED:
            return False  # always try again
        folder = autograded_folder(course, submission.student, submission.assignment)
        return (folder / f"{submission.assignment}.ipynb").is_file()

    def record(self, submission: Submission, entry: Entry) -> None:
        self.entries[submission.key] = entry
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        data = {"version": 1, "sources": dict(sorted(self.sources.items())),
                "submissions": {k: vars(v) for k, v in sorted(self.entries.items())}}
        tmp.write_text(json.dumps(data, indent=1))
        os.replace(tmp, self.path)
