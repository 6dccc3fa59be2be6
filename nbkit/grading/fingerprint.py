"""What a grade is made from, so that a grade is redone when any of it changes.

A submission's grade depends on more than the submission: the assignment's source notebook
(its tests and hidden tests), ``nbgrader_config.py`` (the pipeline, the timeout), the code
of nbkit that runs while it is graded (the checks, the guard, the preprocessors) and the
versions of nbkit, nbgrader, numpy and Python. :func:`grade_inputs` hashes each of these
separately: ``{name: sha256}``, for example ``{"nbkit/checks/ch01.py": "9f2c...",
"version nbgrader": "0.9.6", ...}``. Its :func:`combined` hash goes into the journal with
every grade; when it differs, :func:`what_changed` names the inputs that changed, which is
what ``nbkit grade`` prints as the reason for regrading.

Only the checks module(s) an assignment's notebook imports count for it (a fixed
``nbkit/checks/ch01.py`` regrades notebook 01, not 02), and the few nbkit modules that
cannot change a grade (the command line, the report, ...) do not count at all.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Dict, List

from nbkit.course import CONFIG_FILE, SOURCE_DIR
from nbkit.grading.folders import IGNORED

# nbkit modules that run only in the instructor's process and never while a submission is
# graded; changing them changes no grade. Paths relative to the nbkit package.
NOT_GRADE_INPUTS = {
    "cli.py", "build.py", "validate.py", "authoring.py",
    "grading/report.py", "grading/commands.py", "grading/batch.py", "grading/journal.py",
    "grading/submissions.py", "grading/fingerprint.py", "grading/sandbox.py", "grading/merge.py",
    "grading/workspace.py", "grading/nbgrader_run.py",
}
VERSIONS = ("nbkit", "nbgrader", "numpy")
_CHECKS_IMPORT = re.compile(r"nbkit\.checks(?:\.|\s+import\s+\(?\s*)((?:ch\d+\s*,?\s*)+)")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checks_used(notebook: Path) -> set:
    """Names of the ``nbkit.checks.chNN`` modules a notebook imports (from its code cells)."""
    try:
        cells = json.loads(notebook.read_text()).get("cells", [])
    except (OSError, ValueError):
        return set()
    code = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
    return {name for match in _CHECKS_IMPORT.finditer(code) for name in re.findall(r"ch\d+", match.group(1))}


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def nbkit_files(used_checks: set) -> Dict[str, bytes]:
    """``{"nbkit/<path>": content}`` of the nbkit modules that can change a grade."""
    import nbkit

    package = Path(nbkit.__file__).resolve().parent
    found = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel in NOT_GRADE_INPUTS or IGNORED.intersection(path.parts):
            continue
        if re.fullmatch(r"checks/ch\d+\.py", rel) and path.stem not in used_checks:
            continue  # another notebook's checks
        found[f"nbkit/{rel}"] = path.read_bytes()
    return found


def grade_inputs(course: Path, assignment: str) -> Dict[str, str]:
    """``{input name: hash or version}`` of everything grading ``assignment`` depends on."""
    course = Path(course)
    inputs: Dict[str, str] = {}
    folder = course / SOURCE_DIR / assignment
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not IGNORED.intersection(p.parts)):
        inputs[f"{SOURCE_DIR}/{assignment}/{path.relative_to(folder).as_posix()}"] = _sha(path.read_bytes())
    if (course / CONFIG_FILE).is_file():
        inputs[CONFIG_FILE] = _sha((course / CONFIG_FILE).read_bytes())
    used = _checks_used(folder / f"{assignment}.ipynb")
    inputs.update({name: _sha(data) for name, data in nbkit_files(used).items()})
    for package in VERSIONS:
        inputs[f"version {package}"] = _version(package)
    inputs["version python"] = "%d.%d.%d" % sys.version_info[:3]
    return inputs


def combined(inputs: Dict[str, str]) -> str:
    """One hash for a set of inputs (what the journal stores with each grade)."""
    return _sha(json.dumps(sorted(inputs.items())).encode())


def what_changed(before: Dict[str, str], now: Dict[str, str]) -> List[str]:
    """Human-readable differences, e.g. ``["nbkit/checks/ch01.py changed", "nbgrader 0.9.5 -> 0.9.6"]``."""
    out = []
    for name in sorted(set(before) | set(now)):
        old, new = before.get(name), now.get(name)
        if old == new:
            continue
        if name.startswith("version "):
            out.append(f"{name[len('version '):]} {old or '?'} -> {new or '?'}")
        elif old is None:
            out.append(f"{name} is new")
        elif new is None:
            out.append(f"{name} was removed")
        else:
            out.append(f"{name} changed")
    return out
