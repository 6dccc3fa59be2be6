"""Fast checks of what a class's grades and feedback are made of, without running nbgrader:
the grade fingerprint and the reasons for regrading, the journal after a stopped run,
diagnoses (syntax errors, timeouts, tags in ``evalue``), readable feedback (timeouts in one
sentence, no grader paths, undone edits) and the sandbox's command line."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nbkit.grading import feedback, fingerprint, results, sandbox
from nbkit.grading.journal import GRADED, Entry, Journal
from nbkit.grading.folders import Submission

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"


# ---------------------------------------------------------------- what a grade is made of

def test_grade_inputs_hash_the_checks_the_notebook_uses_and_not_the_others():
    inputs = fingerprint.grade_inputs(ROOT, A)
    ch01 = (ROOT / "nbkit" / "checks" / "ch01.py").read_bytes()
    assert inputs["nbkit/checks/ch01.py"] == hashlib.sha256(ch01).hexdigest()
    assert "nbkit/checks/ch02.py" not in inputs               # notebook 02's checks do not grade 01
    assert "nbkit/checks/runner.py" in inputs and "nbkit/grading/guard.py" in inputs
    assert "nbkit/cli.py" not in inputs                       # cannot change a grade
    assert f"solutions/{A}/{A}.ipynb" in inputs and "nbgrader_config.py" in inputs
    assert {"version nbkit", "version nbgrader", "version numpy", "version python"} <= set(inputs)
    assert "nbkit/checks/ch02.py" in fingerprint.grade_inputs(ROOT, "02_jacobians")


def test_what_changed_names_files_and_versions():
    before = {"nbkit/checks/ch01.py": "a", "nbgrader_config.py": "b", "version nbkit": "0.1.0"}
    now = {"nbkit/checks/ch01.py": "c", "nbgrader_config.py": "b", "version nbkit": "0.2.0", "x.py": "d"}
    assert fingerprint.what_changed(before, now) == ["nbkit/checks/ch01.py changed", "nbkit 0.1.0 -> 0.2.0",
                                                      "x.py is new"]
    assert fingerprint.combined(before) != fingerprint.combined(now)


def _graded(tmp_path, journal, inputs):
    folder = tmp_path / "submitted" / "ann" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text("{}")
    (tmp_path / "autograded" / "ann" / A).mkdir(parents=True)
    (tmp_path / "autograded" / "ann" / A / f"{A}.ipynb").write_text("{}")
    sub = Submission("ann", A, folder)
    journal.record(sub, Entry(fingerprint=sub.fingerprint(), source=fingerprint.combined(inputs), status=GRADED),
                   inputs=inputs)
    return sub


def test_journal_says_why_a_grade_is_stale(tmp_path):
    journal = Journal.load(tmp_path)
    old = {"nbkit/checks/ch01.py": "a", "version nbgrader": "0.9.6"}
    sub = _graded(tmp_path, journal, old)
    journal = Journal.load(tmp_path)  # from disk: the inputs were saved with the grade
    same = journal.why_regrade(sub, sub.fingerprint(), fingerprint.combined(old), tmp_path, old)
    assert same is None
    new = dict(old, **{"nbkit/checks/ch01.py": "b"})
    why = journal.why_regrade(sub, sub.fingerprint(), fingerprint.combined(new), tmp_path, new)
    assert why == "nbkit/checks/ch01.py changed"
    assert journal.why_regrade(sub, "other", fingerprint.combined(old), tmp_path, old) == "resubmitted"


def test_forgotten_entries_are_not_taken_for_done_after_a_stopped_run(tmp_path):
    """What `nbkit grade --force` does before regrading: if it is stopped (SIGTERM) before it
    reaches a submission, the next run must grade it, not keep the old grade."""
    journal = Journal.load(tmp_path)
    inputs = {"a": "1"}
    sub = _graded(tmp_path, journal, inputs)
    journal.forget([sub.key])
    again = Journal.load(tmp_path)
    assert again.why_regrade(sub, sub.fingerprint(), fingerprint.combined(inputs), tmp_path, inputs) == \
        "not graded yet"


# ---------------------------------------------------------------- diagnoses

def test_diagnosis_is_read_from_evalue_as_well_as_from_the_traceback():
    in_trace = {"ename": "CheckFailed", "evalue": "", "traceback": ["\x1b[31mwrong\x1b[0m", "[diagnosis: own-value]"]}
    in_evalue = {"ename": "CheckFailed", "evalue": "MulGate is wrong. [diagnosis: own-value]",
                 "traceback": ["CheckFailed: MulGate is wrong."]}
    assert results.diagnosis_of(in_trace) == results.diagnosis_of(in_evalue) == "own-value"
    assert results.diagnosis_of({"ename": "NotImplementedError", "traceback": []}) == results.NOT_IMPLEMENTED
    assert results.diagnosis_of({"ename": "KeyboardInterrupt", "traceback": []}) == "timeout"


def _executed(solution_error=None, test_error=None):
    nb = nbformat.v4.new_notebook()
    sol = nbformat.v4.new_code_cell("def f(:", metadata={"nbgrader": {"grade_id": "f", "solution": True}})
    test = nbformat.v4.new_code_cell("check(f)", metadata={"nbgrader": {"grade_id": "f_tests", "grade": True,
                                                                        "points": 2}})
    sol.outputs = [nbformat.v4.new_output("error", **solution_error)] if solution_error else []
    test.outputs = [nbformat.v4.new_output("error", **test_error)] if test_error else []
    nb.cells = [sol, test]
    return nb


def test_a_syntax_error_is_named_as_such_not_as_the_name_error_it_causes():
    syntax = {"ename": "SyntaxError", "evalue": "invalid syntax (3094478443.py, line 1)",
              "traceback": ['  Cell In[3], line 1', '    def f(:', '          ^', 'SyntaxError: invalid syntax']}
    name = {"ename": "NameError", "evalue": "name 'f' is not defined", "traceback": ["NameError: ..."]}
    (outcome,) = results.outcomes(_executed(syntax, name)).values()
    assert outcome.diagnosis == results.SYNTAX and "SyntaxError: invalid syntax" in outcome.message
    assert "line 1" in outcome.message and "3094478443" not in outcome.message
    graded = results.AutogradedNotebook(path=Path("x"), tests={"f_tests": outcome})
    (why,) = results.needs_a_look(graded)
    assert why.startswith("syntax error in f_tests") and results.kind_of(why) == "syntax error"
    (plain,) = results.outcomes(_executed(None, name)).values()
    assert plain.diagnosis == "error-NameError"
    stub = {"ename": "NotImplementedError", "evalue": "", "traceback": ["NotImplementedError: "]}
    (unfinished,) = results.outcomes(_executed(stub, name)).values()
    assert unfinished.diagnosis == results.NOT_IMPLEMENTED  # not attempted: no mistake to count


# ---------------------------------------------------------------- readable feedback

GRADER_TRACE = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mKeyboardInterrupt\x1b[0m                         Traceback (most recent call last)",
    "File \x1b[0;32m/tmp/nbkit-grade-x1/batch001/autograded/ann/01_chain_rule/x.py:3\x1b[0m",
    "File \x1b[0;32m/work/course/nbkit/checks/ch01.py:88\x1b[0m, in \x1b[0;36mcheck_mul_gate\x1b[0;34m(MulGate)",
    "\x1b[0;31mKeyboardInterrupt\x1b[0m: ",
]


def _feedback_nb(ename, trace, evalue=""):
    nb = nbformat.v4.new_notebook()
    test = nbformat.v4.new_code_cell("ch01.check_mul_gate(MulGate)", metadata={
        "nbgrader": {"grade_id": "mul_gate_tests", "grade": True, "points": 2, "locked": True}})
    test.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=trace)]
    other = nbformat.v4.new_code_cell("import numpy", metadata={})
    other.outputs = [nbformat.v4.new_output("stream", name="stderr", text=(
        "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/numpy/core/x.py:5: RuntimeWarning: overflow\n"))]
    nb.cells = [other, test]
    nb.metadata["nbkit"] = {"timeout": 6, "integrity": [
        {"kind": "edited-locked-cell", "cell": "mul_gate_tests", "detail": "...", "severity": "review"}]}
    return nb


def _page_text(nb) -> str:
    return "\n".join(cell.source + "".join(str(o) for o in cell.get("outputs", [])) for cell in nb.cells)


def test_a_timeout_is_one_sentence_with_the_exercise_and_the_limit():
    nb = feedback.filter_feedback(_feedback_nb("KeyboardInterrupt", GRADER_TRACE))
    (error,) = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert error.traceback == [feedback.timeout_sentence("Exercise `mul_gate`", 6)]
    sentence = error.traceback[0]
    assert "mul_gate" in sentence and "6 seconds" in sentence and "loop that never ends" in sentence
    assert "KeyboardInterrupt" not in _page_text(nb) and "Traceback" not in _page_text(nb)


def test_feedback_shows_no_path_of_the_grading_machine():
    nb = feedback.filter_feedback(_feedback_nb("ValueError", [ln.replace("KeyboardInterrupt", "ValueError")
                                                              for ln in GRADER_TRACE], evalue="bad /tmp/a/b.txt"))
    text = _page_text(nb)
    for path in ("/tmp/", "/work/", "/root/", "site-packages", "nbkit-grade"):
        assert path not in text, path
    assert "nbkit/checks/ch01.py:88" in text and "numpy/core/x.py:5" in text and "x.py:3" in text
    assert feedback.scrub_paths("1/2 and https://a.org/b/c stay") == "1/2 and https://a.org/b/c stay"


def test_a_tamperers_feedback_says_the_locked_cell_edit_was_undone():
    nb = feedback.filter_feedback(_feedback_nb("KeyboardInterrupt", GRADER_TRACE))
    notes = [c for c in nb.cells if c.cell_type == "markdown"]
    assert len(notes) == 1 and "undid the edit" in notes[0].source and "mul_gate_tests" in notes[0].source
    assert nb.cells.index(notes[0]) == 1  # right above the restored cell
    assert "nbkit" not in nb.metadata


# ---------------------------------------------------------------- sandbox

def test_sandbox_command_confines_the_kernel(tmp_path):
    cmd = sandbox.sandbox_command(["python", "-m", "ipykernel_launcher", "-f", "k.json"], tmp_path / "s",
                                  tmp_path / "k", uid=200123, memory=2 << 30, cpu=100, processes=32,
                                  file_size=1 << 20, tmp_size=1 << 20)
    line = " ".join(cmd)
    assert cmd[0] == "prlimit" and "--as=2147483648" in cmd and "--cpu=100" in cmd and "--fsize=1048576" in cmd
    assert "bwrap" in cmd and "--unshare-net" in cmd and "--unshare-pid" in cmd and "--die-with-parent" in cmd
    assert f"--bind {tmp_path / 's'} {tmp_path / 's'}" in line
    import nbkit

    package = str(Path(nbkit.__file__).resolve().parent)
    assert f"--ro-bind {package} {package}" in line
    course = str(ROOT)
    binds = [cmd[i + 1] for i, a in enumerate(cmd) if a in ("--bind", "--ro-bind")]
    assert course not in binds and not any(b in (course + "/solutions", course + "/submitted") for b in binds)
    if os.geteuid() == 0:  # RLIMIT_NPROC does not bind root: the kernel gets a uid of its own
        assert "--reuid=200123" in cmd and "--nproc=32" in cmd and "--no-new-privs" in cmd


def test_without_bubblewrap_the_message_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.decide(ROOT, True)
    assert sandbox.decide(ROOT, False) is None


def test_cli_grade_sandbox_without_bwrap_says_what_to_install(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # no bwrap on this PATH
    proc = subprocess.run([sys.executable, "-m", "nbkit.cli", "grade", "--sandbox", A], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "bubblewrap" in proc.stderr and "apt-get install bubblewrap" in proc.stderr


def test_the_time_limit_given_on_the_command_line_is_recorded_for_the_feedback():
    from traitlets.config import Config
    from traitlets.config.loader import DeferredConfigString

    from nbkit.grading.preprocessors import ConfirmTestCells

    nb = nbformat.v4.new_notebook()
    config = Config({"Execute": {"timeout": DeferredConfigString("6")}})  # what `--Execute.timeout=6` gives
    nb, _ = ConfirmTestCells(config=config).preprocess(nb, {})
    assert nb.metadata["nbkit"]["timeout"] == 6.0
