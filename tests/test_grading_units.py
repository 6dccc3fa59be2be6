"""The pieces of nbkit.grading on their own, without running nbgrader (fast)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nbkit.course import assignments, release_notebook, source_notebook
from nbkit.grading import feedback, guard, guard_cells, order, outputs, results, scan
from nbkit.grading.cells import exercises, grade_id, split_hidden, strip_solution_markers
from nbkit.grading.journal import GRADED, Entry, Journal
from nbkit.grading.folders import Submission
from nbkit.grading.submissions import build_submission, reference_answers

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"


def release(name=A):
    return nbformat.read(str(release_notebook(ROOT, name)), as_version=4)


# ---------------------------------------------------------------- cells and submissions

def test_exercises_pair_each_test_cell_with_the_solutions_above_it():
    ex = exercises(release())
    assert [e.test_id for e in ex][:2] == ["add_gate_tests", "mul_gate_tests"]
    assert ex[0].solution_ids == ["add_gate"] and ex[0].points == 2.0


def test_split_hidden_and_solution_markers():
    before, hidden, after = split_hidden("a()\n### BEGIN HIDDEN TESTS\nb()\n### END HIDDEN TESTS\nc()")
    assert (before, hidden, after) == ("a()\n", "b()", "c()")
    assert strip_solution_markers("x = 1\n    ### BEGIN SOLUTION\n    y\n    ### END SOLUTION\n") == "x = 1\n    y\n"


def test_build_submission_fills_only_named_cells_and_rejects_unknown_ids():
    nb = build_submission(release(), {"add_gate": "class AddGate: pass"})
    sources = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
    assert sources["add_gate"] == "class AddGate: pass"
    assert "raise NotImplementedError()" in sources["mul_gate"]
    assert sources["branch_answer"] != "YOUR ANSWER HERE"
    with pytest.raises(ValueError, match="no_such_cell"):
        build_submission(release(), {"no_such_cell": ""})


@pytest.mark.parametrize("name", assignments(ROOT))
def test_reference_answers_cover_every_solution_cell_without_markers(name):
    answers = reference_answers(ROOT, name)
    solution_ids = {sid for e in exercises(release(name)) for sid in e.solution_ids}
    assert solution_ids <= set(answers)
    assert not any("BEGIN SOLUTION" in code for code in answers.values())


# ---------------------------------------------------------------- journal and fingerprints

def test_fingerprint_follows_the_files_and_the_journal_survives_a_reload(tmp_path):
    folder = tmp_path / "submitted" / "ada" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text("{}")
    sub = Submission("ada", A, folder)
    first = sub.fingerprint()
    (folder / f"{A}.ipynb").write_text("{ }")
    assert sub.fingerprint() != first

    journal = Journal.load(tmp_path)
    journal.record(sub, Entry(fingerprint=sub.fingerprint(), source="s1", status=GRADED, score=3.0))
    again = Journal.load(tmp_path)
    assert not again.done(sub, sub.fingerprint(), "s1", tmp_path)  # no autograded notebook yet
    graded = tmp_path / "autograded" / "ada" / A
    graded.mkdir(parents=True)
    (graded / f"{A}.ipynb").write_text("{}")
    assert again.done(sub, sub.fingerprint(), "s1", tmp_path)
    assert not again.done(sub, sub.fingerprint(), "s2", tmp_path)  # the assignment changed
    assert not again.done(sub, "other", "s1", tmp_path)          # a resubmission
    journal.path.write_text("{ damaged")
    assert Journal.load(tmp_path).entries == {}


# ---------------------------------------------------------------- static scan

def test_scan_flags_tampering():
    src = ("import builtins\nch01.check_add_gate = lambda *a, **k: None\nnp.allclose = lambda *a, **k: True\n"
           "get_ipython().set_custom_exc((Exception,), None)\nexec('x = 1')\nch01 = None\n"
           "open('../../../gradebook.db')\n")
    found = scan.scan_source(src, {"np", "ch01"}, {"np", "ch01"})
    lines = {f.line for f in found if f.severity == "review"}
    assert lines == {1, 2, 3, 4, 5, 6, 7}


@pytest.mark.parametrize("name", assignments(ROOT))
def test_scan_does_not_flag_the_reference_answers(name):
    source = nbformat.read(str(source_notebook(ROOT, name)), as_version=4)
    modules = scan.module_names(c.source for c in source.cells if c.cell_type == "code")
    protected = set().union(*[scan.bound_names(c.source) for c in source.cells if c.cell_type == "code"
                              and c.metadata.get("nbgrader", {}).get("locked")
                              and not c.metadata.get("nbgrader", {}).get("grade")])
    for gid, code in reference_answers(ROOT, name).items():
        flagged = [f for f in scan.scan_source(code, modules, protected) if f.severity == "review"]
        assert not flagged, f"{name}/{gid}: {flagged}"


# ---------------------------------------------------------------- cell order

def test_restore_order_puts_graded_cells_back_and_keeps_companions():
    nb = release()
    ids = [grade_id(c) for c in nb.cells if grade_id(c)]
    shuffled = copy.deepcopy(nb)
    i = next(k for k, c in enumerate(shuffled.cells) if grade_id(c) == "mul_gate_tests")
    j = next(k for k, c in enumerate(shuffled.cells) if grade_id(c) == "mul_gate")
    shuffled.cells[i], shuffled.cells[j] = shuffled.cells[j], shuffled.cells[i]
    mine = nbformat.v4.new_code_cell("helper = 1")
    shuffled.cells.insert(j + 1, mine)  # the student's own cell, right after the (moved) test cell
    assert order.restore_order(shuffled, ids)
    assert [grade_id(c) for c in shuffled.cells if grade_id(c)] == ids
    k = next(k for k, c in enumerate(shuffled.cells) if c is mine)
    assert grade_id(shuffled.cells[k - 1]) == "mul_gate_tests"
    assert not order.restore_order(shuffled, ids)


# ---------------------------------------------------------------- guard cells

def _test_cell(nb, gid="add_gate_tests"):
    return next(c for c in nb.cells if grade_id(c) == gid)


def test_add_guard_wraps_every_test_cell_and_confirm_restores_it():
    nb = nbformat.read(str(source_notebook(ROOT, A)), as_version=4)
    original = _test_cell(nb).source
    guard_cells.add_guard(nb)
    assert nb.cells[0].metadata["nbkit"]["injected"]
    assert "('ch01', 'nbkit.checks', 'ch01')" in nb.cells[0].source
    wrapped = _test_cell(nb).source
    assert wrapped.splitlines()[-1].startswith("__nbkit_guard__.after_test('@@NBKIT-NONCE@@', 'add_gate_tests')")
    assert "__nbkit_guard__.hidden_tests(globals())" in wrapped.split("### BEGIN HIDDEN TESTS")[1]
    n_tests = len(exercises(nb))
    assert sum(bool(c.metadata.get("nbkit", {}).get("injected")) for c in nb.cells) == n_tests + 1
    nonce = guard_cells.arm(nb)
    assert nonce in _test_cell(nb).source and "@@NBKIT" not in _test_cell(nb).source

    mark = lambda data: nbformat.v4.new_output("display_data", data={guard.MARK_MIME: data})  # noqa: E731
    ok = lambda text: nbformat.v4.new_output("stream", name="stdout", text=text)  # noqa: E731
    cell = _test_cell(nb)
    cell.outputs = [ok("visible\n"), mark({"event": "hidden"}), ok("hidden\n"),
                    mark({"event": "done", "nonce": nonce, "grade_id": "add_gate_tests"})]
    forged = _test_cell(nb, "mul_gate_tests")
    forged.outputs = [mark({"event": "done", "nonce": "0" * 32, "grade_id": "mul_gate_tests"})]
    blanked = _test_cell(nb, "max_gate_tests")
    blanked.outputs = []
    guard_cells.confirm(nb, nonce)
    assert not any(c.metadata.get("nbkit", {}).get("injected") for c in nb.cells)
    assert cell.source == original and cell.metadata["nbkit"] == {"hidden_from": 1}
    assert [o.output_type for o in cell.outputs] == ["stream", "stream"]
    for failed in (forged, blanked):
        (error,) = failed.outputs
        assert error.ename == "CheckNotConfirmed"
        assert results.diagnosis_of(error) == guard_cells.NOT_CONFIRMED


def test_guard_restores_what_student_code_patched():
    from nbkit.checks import ch01
    from nbkit.checks import runner

    guard.install([("ch01", "nbkit.checks", "ch01"), ("np", "numpy", None)])
    namespace = {"ch01": ch01, "np": np}
    real = (ch01.check_add_gate, np.allclose, runner.close, runner.close.__code__, ch01.ADD_MISTAKES[:])
    try:
        ch01.check_add_gate = lambda *a, **k: None
        np.allclose = lambda *a, **k: True
        runner.close.__code__ = (lambda a, b, tol=0: True).__code__
        ch01.ADD_MISTAKES.clear()
        namespace["ch01"] = None
        guard.before_test(namespace)
        assert (ch01.check_add_gate, np.allclose, runner.close, runner.close.__code__, ch01.ADD_MISTAKES) == real
        assert namespace["ch01"] is ch01 and namespace["np"] is np
    finally:
        ch01.check_add_gate, np.allclose, runner.close.__code__ = real[0], real[1], real[3]
        ch01.ADD_MISTAKES[:] = real[4]
        guard._state = None


# ---------------------------------------------------------------- outputs, feedback, results

def test_cap_outputs_keeps_errors_and_cuts_text():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 50_000),
                    nbformat.v4.new_output("display_data", data={"image/png": "A" * 80_000}),
                    nbformat.v4.new_output("error", ename="CheckFailed", evalue="e", traceback=["t"] * 3)]
    assert outputs.cap_outputs(cell, max_chars=10_000)
    kinds = [o.output_type for o in cell.outputs]
    assert kinds == ["stream", "display_data", "error"]
    assert "truncated by the grader" in cell.outputs[0].text and len(cell.outputs[0].text) < 11_000
    assert "image/png" not in cell.outputs[1].data
    small = nbformat.v4.new_code_cell("y")
    small.outputs = [nbformat.v4.new_output("stream", name="stdout", text="fine\n")]
    assert not outputs.cap_outputs(small, max_chars=10_000) and small.outputs[0].text == "fine\n"


def test_redact_hides_values_that_could_be_hidden_cases():
    values = feedback.hidden_numbers("check(cases=[(0.5, -1.25, 3.0), (10.0, 10.5, -7.0)], hidden=True)")
    text = "backward is wrong (hidden case 2): forward(10, 10.5) gave 0.4378 for -7 and 2 inputs"
    out = feedback.redact(text, values)
    assert "hidden case 2" in out and "2 inputs" in out
    for secret in ("10.5", "0.4378", "-7", "(10,"):
        assert secret not in out


def test_filter_feedback_hides_code_and_hidden_outputs():
    cell = nbformat.v4.new_code_cell(
        "ch01.check_add_gate(AddGate)\n### BEGIN HIDDEN TESTS\nch01.check_add_gate(AddGate, cases=[(0.5, -1.25, 3.0)], "
        "hidden=True)\n### END HIDDEN TESTS",
        metadata={"nbgrader": {"grade": True, "grade_id": "t", "locked": True, "points": 1, "solution": False},
                  "nbkit": {"hidden_from": 1}})
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="\u2714 AddGate: fine on 2 cases.\n"),
        nbformat.v4.new_output("stream", name="stdout", text="student print -1.25 0.5\n\u2714 AddGate: ok\n"),
        nbformat.v4.new_output("error", ename="CheckFailed", evalue="x", traceback=[
            "\u2718 AddGate: not yet.", "  AddGate.forward(0.5, -1.25) raised ValueError: x=0.5",
            "  [diagnosis: raised-ValueError]"])]
    nb = nbformat.v4.new_notebook(cells=[cell])
    feedback.filter_feedback(nb)
    text = json.dumps(nb, ensure_ascii=False)
    assert "-1.25" not in text and "cases=[" not in text and "student print" not in text
    assert "BEGIN HIDDEN" not in text and feedback.HIDDEN_NOTE in cell.source
    assert "[diagnosis: raised-ValueError]" in text and "\u2714 AddGate: fine on 2 cases." in text


def test_outcomes_read_diagnoses():
    nb = nbformat.read(str(source_notebook(ROOT, A)), as_version=4)
    cell = _test_cell(nb)
    cell.outputs = [nbformat.v4.new_output("error", ename="CheckFailed", evalue="",
                                           traceback=["\u2718 AddGate: not yet.", "  msg", "  [diagnosis: split-gradient]"])]
    timeout = _test_cell(nb, "mul_gate_tests")
    timeout.outputs = [nbformat.v4.new_output("error", ename="CellTimeoutError", evalue="", traceback=["x"])]
    found = results.outcomes(nb)
    assert found["add_gate_tests"].diagnosis == "split-gradient" and not found["add_gate_tests"].passed
    assert found["mul_gate_tests"].diagnosis == "timeout"
    assert found["max_gate_tests"].passed
