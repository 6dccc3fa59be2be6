"""Which submissions are already graded, so that ``nbkit grade`` resumes after an interruption.

The journal is a small JSON file, ``autograded/.nbkit-grade.json``, rewritten atomically
(write a temporary file, then rename) after every merged grade: a crash or Ctrl-C at any
moment leaves either the old or the new journal, never half of one. A submission counts
as done when its entry names the same submission fingerprint and the same fingerprint of
what grades are made from (:mod:`nbkit.grading.fingerprint`: the source notebook, the config,
nbkit's grading code, versions) and its autograded notebook exists. The journal keeps those
inputs, hash by hash, for every fingerprint still in use, so a run can say *why* it regrades.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Optional

from nbkit.grading.folders import AUTOGRADED, Submission, autograded_folder

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

    def __init__(self, path: Path, entries: Dict[str, Entry], sources: Optional[Dict[str, str]] = None,
                 inputs: Optional[Dict[str, Dict[str, str]]] = None):
        self.path = Path(path)
        self.entries = entries
        # assignment -> source fingerprint last recorded in the gradebook (nbgrader generate_assignment)
        self.sources: Dict[str, str] = dict(sources or {})
        # fingerprint -> {input name: hash}: what the grades recorded with that fingerprint were made from
        self.inputs: Dict[str, Dict[str, str]] = dict(inputs or {})

    @classmethod
    def load(cls, course: Path) -> "Journal":
        path = Path(course) / AUTOGRADED / JOURNAL
        entries: Dict[str, Entry] = {}
        sources: Dict[str, str] = {}
        inputs: Dict[str, Dict[str, str]] = {}
        if path.is_file():
            try:
                raw = json.loads(path.read_text())
                entries = {k: Entry(**v) for k, v in raw.get("submissions", {}).items()}
                sources = dict(raw.get("sources", {}))
                inputs = {k: dict(v) for k, v in raw.get("inputs", {}).items()}
            except (ValueError, TypeError, AttributeError):
                entries, sources, inputs = {}, {}, {}  # a damaged journal only costs a regrade
        return cls(path, entries, sources, inputs)

    def done(self, submission: Submission, fingerprint: str, source: str, course: Path) -> bool:
        return self.why_regrade(submission, fingerprint, source, course, {}) is None

    def why_regrade(self, submission: Submission, fingerprint: str, source: str, course: Path,
                    inputs: Dict[str, str]) -> Optional[str]:
        """None if the submission is graded and up to date; otherwise why it must be graded
        (``inputs`` are the current grade inputs whose combined hash is ``source``)."""
        from nbkit.grading.fingerprint import what_changed

        entry = self.entries.get(submission.key)
        if entry is None:
            return "not graded yet"
        if entry.status == FAILED:
            return "could not be graded last time"  # always try again
        if entry.fingerprint != fingerprint:
            return "resubmitted"
        if entry.source != source:
            before = self.inputs.get(entry.source)
            if before is None:
                return "graded before nbkit recorded what grades are made from"
            changed = what_changed(before, inputs) if inputs else []
            return ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "") \
                if changed else "what grades are made from changed"
        folder = autograded_folder(course, submission.student, submission.assignment)
        if not (folder / f"{submission.assignment}.ipynb").is_file():
            return "its autograded notebook is missing"
        return None

    def forget(self, keys: Iterable[str]) -> None:
        """Drop entries before they are regraded: if the run stops before it regrades them, the
        next run must not take the old grades for finished ones."""
        keys = [k for k in keys if k in self.entries]
        for key in keys:
            del self.entries[key]
        if keys:
            self.save()

    def record(self, submission: Submission, entry: Entry, inputs: Optional[Dict[str, str]] = None) -> None:
        self.entries[submission.key] = entry
        if inputs is not None:
            self.inputs[entry.source] = dict(inputs)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        used = {e.source for e in self.entries.values()} | set(self.sources.values())
        data = {"version": 2, "sources": dict(sorted(self.sources.items())),
                "inputs": {k: v for k, v in sorted(self.inputs.items()) if k in used},
                "submissions": {k: vars(v) for k, v in sorted(self.entries.items())}}
        tmp.write_text(json.dumps(data, indent=1))
        os.replace(tmp, self.path)
