"""Generate the student release (notebooks/) from the instructor source (solutions/) with nbgrader.

nbgrader's ``generate_assignment`` does the work (it strips solutions and hidden tests,
locks test cells and records their checksums). We run it on a copy of solutions/ in a
temporary course, then compare or copy the result, so a failed run never leaves
notebooks/ half-written.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Sequence

from nbkit.course import CONFIG_FILE, RELEASE_DIR, SOURCE_DIR, assignments


class BuildError(RuntimeError):
    """nbgrader could not generate the release; the message holds its log."""


def nbgrader_env() -> dict:
    """Environment for nbgrader subprocesses: the interpreter's own bin/ first on PATH
    (nbgrader calls helper executables such as alembic by name)."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def generate(course_dir: Path, workdir: Path, names: Sequence[str] = ()) -> Path:
    """Run nbgrader generate_assignment on a copy of ``course_dir``'s source in ``workdir``.

    Returns the generated release folder (``workdir/notebooks``).
    """
    course_dir, workdir = Path(course_dir), Path(workdir)
    shutil.copy2(course_dir / CONFIG_FILE, workdir / CONFIG_FILE)
    shutil.copytree(course_dir / SOURCE_DIR, workdir / SOURCE_DIR,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    targets = list(names) or ["*"]
    for target in targets:
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", target, "--force", "--no-db",
               f"--CourseDirectory.root={workdir}", "--log-level=WARN"]
        proc = subprocess.run(cmd, cwd=workdir, env=nbgrader_env(), capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"nbgrader generate_assignment {target} failed:\n{proc.stdout}\n{proc.stderr}")
    return workdir / RELEASE_DIR


def _files(root: Path) -> List[str]:
    if not root.exists():
        return []
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
    )


@dataclass
class Staleness:
    """How notebooks/ differs from what nbgrader generates: changed, missing, extra files."""

    changed: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    extra: List[str] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return not (self.changed or self.missing or self.extra)

    def lines(self, *, built: bool = False) -> List[str]:
        """One line per file: what is out of date (``nbkit build --check``), or, with ``built``,
        what a build just did to it (updated, added, removed)."""
        if built:
            return ([f"updated: {RELEASE_DIR}/{p}" for p in self.changed]
                    + [f"added:   {RELEASE_DIR}/{p}" for p in self.missing]
                    + [f"removed: {RELEASE_DIR}/{p} (no source in {SOURCE_DIR}/)" for p in self.extra])
        return ([f"stale:   {RELEASE_DIR}/{p}" for p in self.changed]
                + [f"missing: {RELEASE_DIR}/{p}" for p in self.missing]
                + [f"extra:   {RELEASE_DIR}/{p} (no source in {SOURCE_DIR}/)" for p in self.extra])


def compare(generated: Path, release: Path) -> Staleness:
    """Compare a freshly generated release folder with the committed one, file by file."""
    new, old = set(_files(generated)), set(_files(release))
    result = Staleness(missing=sorted(new - old), extra=sorted(old - new))
    for rel in sorted(new & old):
        if not filecmp.cmp(generated / rel, release / rel, shallow=False):
            result.changed.append(rel)
    return result


def check(course_dir: Path) -> Staleness:
    """Is notebooks/ exactly what nbgrader generates from solutions/?"""
    with tempfile.TemporaryDirectory(prefix="nbkit-build-") as tmp:
        generated = generate(course_dir, Path(tmp))
        return compare(generated, Path(course_dir) / RELEASE_DIR)


def _unknown(course_dir: Path, names: Sequence[str]) -> List[str]:
    return sorted(set(names) - set(assignments(course_dir)))


def build(course_dir: Path, names: Sequence[str] = ()) -> Staleness:
    """Regenerate notebooks/ from solutions/ (all assignments, or only ``names``). Returns what changed.

    Only assignment folders that exist in solutions/ are replaced; the write happens after
    nbgrader succeeded for every assignment.
    """
    course_dir = Path(course_dir)
    if _unknown(course_dir, names):
        raise BuildError(f"no such assignment in solutions/: {', '.join(_unknown(course_dir, names))}")
    release = course_dir / RELEASE_DIR
    with tempfile.TemporaryDirectory(prefix="nbkit-build-") as tmp:
        generated = generate(course_dir, Path(tmp), names)
        diff = compare(generated, release)
        if names:  # a partial build says nothing about other assignments' folders
            keep = tuple(f"{n}/" for n in names)
            diff = Staleness(changed=[p for p in diff.changed if p.startswith(keep)],
                             missing=[p for p in diff.missing if p.startswith(keep)], extra=[])
        for name in names or assignments(course_dir):
            target = release / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated / name, target)
        for rel in diff.extra:  # release notebooks whose source is gone
            top = release / Path(rel).parts[0]
            if top.exists() and top.name not in assignments(course_dir):
                shutil.rmtree(top)
    return diff
