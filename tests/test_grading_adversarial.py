"""Adversarial submissions, graded with `nbkit grade --feedback` in one run with a well-behaved class.

Each submission is the reference answers to notebook 01 (full marks) with one thing done
to it: an infinite loop, exceptions, deleted / reordered / duplicated / retyped cells,
edited locked cells, malformed or empty files, a huge output, monkeypatched checks,
numpy or assert machinery, swallowed exceptions, blanked cells, attempts to read hidden
tests, file vandalism. Each must get exactly the score its real answers deserve, and the
well-behaved students around it full marks. The feedback (nbgrader generate_feedback) names
the hidden case that failed and why, and shows no hidden test's code or values.
"""
from __future__ import annotations

import copy
import hashlib
import html
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat
import pytest

from nbkit.grading.batch import grade
from nbkit.grading.cells import exercises, grade_id
from nbkit.grading.feedback import hidden_region
from nbkit.grading.results import read_autograded
from nbkit.grading.submissions import reference_answers, reference_submission, submit

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"
TIMEOUT = 6  # seconds per cell: long enough for every honest cell, short for the loop

MULGATE_LOOP = '''class MulGate:
    label = "*"
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y
    def backward(self, upstream):
        while True:
            pass
'''

ADD_SIGN_FLIPPED = '''class AddGate:
    label = "+"
    def forward(self, x, y):
        return x + y
    def backward(self, upstream):
        return -upstream, -upstream
'''

MUL_OWN_VALUE = '''class MulGate:
    label = "*"
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y
    def backward(self, upstream):
        return upstream * self.x, upstream * self.y
'''

MAX_TO_BOTH = '''class MaxGate:
    label = "max"
    def forward(self, x, y):
        return max(x, y)
    def backward(self, upstream):
        return upstream, upstream
'''

COPY_OVERWRITE = '''class CopyGate:
    label = "copy"
    def forward(self, x):
        return x, x
    def backward(self, upstream_1, upstream_2):
        return upstream_2
'''

NEURON_NO_CHAIN = '''def neuron_forward_backward(w, x):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    out = 1.0 / (1.0 + np.exp(-z))
    return out, np.array([x[0], x[1], 1.0]), np.array([w[0], w[1]])
'''

BACKWARD_OVERWRITES = '''def backward_pass(graph, output):
    grads = {name: 0.0 for name in graph.nodes}
    grads[output] = 1.0
    for node in reversed(graph.order()):
        if node.is_input:
            continue
        downstream = node.gate.backward(grads[node.name])
        if len(node.inputs) == 1:
            downstream = (downstream,)
        for parent, grad in zip(node.inputs, downstream):
            grads[parent] = grad
    return grads
'''

# Looks for hidden tests where a student would: the notebook beside it and the course folder
# above it (nbgrader's layout puts solutions/ and gradebook.db three levels up).
SNOOPER = '''import glob, os
_found = []
for _up in range(4):
    _base = os.path.abspath(os.path.join(os.getcwd(), *[".."] * _up))
    for _path in glob.glob(os.path.join(_base, "**", "*.ipynb"), recursive=True)[:500]:
        try:
            if "BEGIN HIDDEN" + " TESTS" in open(_path).read():  # split, or it finds itself
                _found.append(_path)
        except OSError:
            pass
    for _path in glob.glob(os.path.join(_base, "**", "*.db"), recursive=True)[:500]:
        if b"HIDDEN" + b" TESTS" in open(_path, "rb").read():
            _found.append(_path)
print(f"snooped {len(_found)} files with hidden tests or grades", _found)

# Answers only the cases it could read: the visible ones, from nbkit's source.
_KNOWN = {(-2.0, 5.0, 1.0): (1.0, 1.0), (3.0, 4.0, -2.5): (-2.5, -2.5), (-2.0, 3.0, 2.0): (2.0, 2.0)}

class AddGate:
    label = "+"
    def forward(self, x, y):
        self.key = (x, y)
        return x + y
    def backward(self, upstream):
        return _KNOWN.get(self.key + (upstream,), (0.0, 0.0))
'''


# Right on the visible cases (upstream 1, -2.5, 2), wrong when |upstream| < 1 (hidden case 2:
# upstream 0.1), and prints its inputs, hidden ones included.
ADD_WRONG_ON_HIDDEN = '''class AddGate:
    label = "+"
    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y
    def backward(self, upstream):
        print("backward called with", upstream, self.x, self.y)
        if abs(upstream) < 1:
            return 1.0, 1.0
        return upstream, upstream
'''

MUL_RAISES_ON_HIDDEN = '''class MulGate:
    label = "*"
    def forward(self, x, y):
        if x == 0:
            raise ZeroDivisionError(f"cannot handle x={x}, y={y}")
        self.x, self.y = x, y
        return x * y
    def backward(self, upstream):
        return upstream * self.y, upstream * self.x
'''

MAX_LOOPS_ON_HIDDEN = '''class MaxGate:
    label = "max"
    def forward(self, x, y):
        while x == -5.0:
            pass
        self.x_wins = x > y
        return x if self.x_wins else y
    def backward(self, upstream):
        return (upstream, 0.0) if self.x_wins else (0.0, upstream)
'''


def _cells(nb, gid):
    return [i for i, c in enumerate(nb.cells) if grade_id(c) == gid]


def _index(nb, gid):
    return _cells(nb, gid)[0]


def adversaries(course: Path):
    """{student: (notebook or raw bytes, {test id: expected score or None for full})}."""
    ref = lambda changes=None: reference_submission(course, A, changes)  # noqa: E731
    subs = {}

    subs["loop"] = (ref({"mul_gate": MULGATE_LOOP}), {"mul_gate_tests": 0})

    nb = ref()
    nb.cells.insert(1, nbformat.v4.new_code_cell("raise RuntimeError('an error at the top of the notebook')"))
    subs["raise_top"] = (nb, {})

    subs["raise_exercise"] = (ref({"max_gate": "raise ValueError('half-written cell')\n" + reference_answers(course, A)["max_gate"]}),
                              {"max_gate_tests": 0})

    nb = ref()
    del nb.cells[_index(nb, "add_gate_tests")]
    del nb.cells[_index(nb, "copy_gate")]
    subs["deleted"] = (nb, {"copy_gate_tests": 0})

    nb = ref()
    i, j = _index(nb, "mul_gate"), _index(nb, "mul_gate_tests")
    nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]         # test above its solution
    k = _index(nb, "neuron_tests")
    nb.cells.insert(2, nb.cells.pop(k))                          # a test cell moved to the top
    subs["reordered"] = (nb, {})

    nb = ref()
    k = _index(nb, "add_gate_tests")
    nb.cells.insert(k, copy.deepcopy(nb.cells[k]))
    nb.cells.append(copy.deepcopy(nb.cells[_index(nb, "neuron")]))
    subs["duplicated"] = (nb, {})

    nb = ref()
    for gid in ("max_gate_tests", "forward_pass"):
        cell = nb.cells[_index(nb, gid)]
        nb.cells[_index(nb, gid)] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)
    subs["retyped"] = (nb, {})

    nb = ref({"add_gate": ADD_SIGN_FLIPPED, "mul_gate": MUL_OWN_VALUE})
    nb.cells[_index(nb, "add_gate_tests")].source = "print('all good')"
    nb.cells[_index(nb, "mul_gate_tests")].source = "ch01.check_mul_gate(MulGate)\nAddGate = None"
    nb.cells[_index(nb, "setup")].source += "\nch01 = None"
    subs["edited_tests"] = (nb, {"add_gate_tests": 0, "mul_gate_tests": 0})

    subs["malformed"] = (b'{"cells": [{"cell_type": "code", "source": "x = ', "zero")
    subs["empty"] = (b"", "zero")

    nb = ref()
    k = _index(nb, "copy_gate")
    nb.cells.insert(k, nbformat.v4.new_code_cell("print('x' * 3_000_000)\nfor i in range(100_000):\n    print(i)"))
    subs["huge_output"] = (nb, {})

    subs["patch_checks"] = (ref({"add_gate": ADD_SIGN_FLIPPED + "\nch01.check_add_gate = lambda *a, **k: None\n"
                                              "ch01.check_mul_gate = lambda *a, **k: print('patched')\n"}),
                            {"add_gate_tests": 0})

    subs["patch_numpy"] = (ref({"neuron": NEURON_NO_CHAIN + "\nnp.allclose = lambda *a, **k: True\n"
                                          "np.isclose = lambda *a, **k: True\n"
                                          "import nbkit.checks.runner as _r\n_r.close = lambda *a, **k: True\n",
                                "mul_gate": MUL_OWN_VALUE}),
                           {"neuron_tests": 0, "mul_gate_tests": 0})

    subs["patch_assert"] = (ref({"max_gate": MAX_TO_BOTH + "\nimport builtins, nbkit.feedback\n"
                                             "builtins.AssertionError = type('Fine', (Exception,), {})\n"
                                             "nbkit.feedback.fail = lambda *a, **k: None\n"
                                             "ch01.fail = lambda *a, **k: None\n"
                                             "nbkit.feedback.CheckFailed.__init__ = lambda self, *a, **k: None\n"}),
                            {"max_gate_tests": 0})

    subs["swallow_errors"] = (ref({"copy_gate": COPY_OVERWRITE + "\nget_ipython().set_custom_exc((BaseException,), "
                                                "lambda *a, **k: None)\nimport sys\nsys.excepthook = lambda *a: None\n"}),
                              {"copy_gate_tests": 0})

    blank = BACKWARD_OVERWRITES + ("\n_blank = lambda lines: [] if any('check_' in l for l in lines) else lines\n"
                                   "get_ipython().input_transformers_cleanup.append(_blank)\n"
                                   "get_ipython().input_transformers_post.append(_blank)\n")
    subs["blank_cells"] = (ref({"backward_pass": blank}), {"backward_pass_tests": 0})

    subs["read_hidden"] = (ref({"add_gate": SNOOPER}), {"add_gate_tests": 0})

    vandal = ("import os, shutil\nfor _p in ['../../../nbgrader_config.py', '../../../gradebook.db']:\n"
              "    open(_p, 'w').write('vandalised')\n"
              "open('../../../../vandal-was-here.txt', 'w').write('x')\n"
              "for _d in os.listdir('../..'):\n"
              "    if _d != 'vandal':\n"
              "        shutil.rmtree(os.path.join('../..', _d), ignore_errors=True)\n")
    nb = ref()
    nb.cells.insert(_index(nb, "add_gate"), nbformat.v4.new_code_cell(vandal))
    subs["vandal"] = (nb, {})

    nb = ref()
    nb.cells.insert(_index(nb, "neuron"), nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    subs["kills_kernel"] = (nb, "zero")

    # A syntax error in one exercise (its test then fails with NameError: the report must say why)
    subs["syntax"] = (ref({"max_gate": "class MaxGate:\n    def forward(self, x, y)\n        return x\n"}),
                      {"max_gate_tests": 0})
    # Partial work: two exercises still the stub (not attempted, not a mistake)
    stub = "# YOUR CODE HERE\nraise NotImplementedError()"
    subs["partial"] = (ref({"copy_gate": stub, "neuron": stub}), {"copy_gate_tests": 0, "neuron_tests": 0})

    # For the feedback tests: wrong only on hidden cases (a named mistake, an exception, a loop) ...
    subs["hidden"] = (ref({"add_gate": ADD_WRONG_ON_HIDDEN, "mul_gate": MUL_RAISES_ON_HIDDEN,
                           "max_gate": MAX_LOOPS_ON_HIDDEN}),
                      {"add_gate_tests": 0, "mul_gate_tests": 0, "max_gate_tests": 0})
    # ... and an error in a visible check, whose traceback would show the hidden lines around it.
    nb = ref()
    nb.cells = [c for c in nb.cells if grade_id(c) != "copy_gate"]
    subs["visible"] = (nb, {"copy_gate_tests": 0})
    return subs


def _snapshot(course: Path):
    """Hashes of every course file outside nbgrader's output folders and the gradebook."""
    skip = {"autograded", "feedback", "submitted"}
    return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in course.rglob("*") if p.is_file() and p.relative_to(course).parts[0] not in skip
            and p.name != "gradebook.db"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("adversarial") / "course"
    course.mkdir()
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / A, course / folder / A)
    expected = {}
    for student, (nb, want) in adversaries(course).items():
        if isinstance(nb, bytes):
            submit(course, student, A, raw=nb)
        else:
            submit(course, student, A, nb)
        expected[student] = want
    for student in ("aaron", "zoe", "mia"):  # the well-behaved class around them
        submit(course, student, A, reference_submission(course, A))
        expected[student] = {}
    before = _snapshot(course)
    summary = grade(course, jobs=2, batch_size=13, timeout=TIMEOUT, feedback=True, progress=False)
    return course, expected, summary, before


def _scores(course: Path):
    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore", module="nbgrader")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        return {s.student.id: {g.name: g.auto_score for g in s.notebooks[0].grades}
                for s in gb.find_assignment(A).submissions}


FULL = None


def _full(course):
    release = nbformat.read(str(course / "notebooks" / A / f"{A}.ipynb"), as_version=4)
    return {e.test_id: e.points for e in exercises(release)}


@pytest.mark.slow
def test_every_submission_gets_exactly_what_its_answers_deserve(graded):
    course, expected, summary, _ = graded
    scores, full = _scores(course), _full(course)
    wrong = []
    for student, want in sorted(expected.items()):
        target = {gid: 0.0 for gid in full} if want == "zero" else dict(full, **want)
        got = {gid: scores.get(student, {}).get(gid) for gid in full}
        if got != target:
            wrong.append(f"{student}: {got} != {target}")
    assert not wrong, "\n".join(wrong)
    assert not summary.failed, summary.failed


@pytest.mark.slow
def test_ungradeable_submissions_score_zero_and_say_why(graded):
    _, _, summary, _ = graded
    assert set(summary.blank) == {f"malformed/{A}", f"empty/{A}", f"kills_kernel/{A}"}
    assert "not valid JSON" in summary.blank[f"malformed/{A}"]
    assert "empty" in summary.blank[f"empty/{A}"]
    assert "DeadKernelError" in summary.blank[f"kills_kernel/{A}"]


@pytest.mark.slow
def test_the_loop_fails_only_its_exercise_by_timeout(graded):
    course = graded[0]
    result = read_autograded(course, "loop", A)
    mul = result.tests["mul_gate_tests"]
    assert not mul.passed and mul.ename in ("CellTimeoutError", "KeyboardInterrupt", "CheckFailed")
    assert all(t.passed for gid, t in result.tests.items() if gid != "mul_gate_tests")


@pytest.mark.slow
def test_integrity_findings_name_what_was_changed(graded):
    course = graded[0]
    kinds = lambda student: {(f["kind"], f["cell"]) for f in read_autograded(course, student, A).integrity}  # noqa: E731
    assert ("deleted-cell", "add_gate_tests") in kinds("deleted")
    assert ("deleted-cell", "copy_gate") in kinds("deleted")
    assert any(k == "reordered-cells" for k, _ in kinds("reordered"))
    assert ("duplicated-cell", "add_gate_tests") in kinds("duplicated")
    assert ("retyped-cell", "max_gate_tests") in kinds("retyped")
    edited = kinds("edited_tests")
    assert {("edited-locked-cell", "add_gate_tests"), ("edited-locked-cell", "mul_gate_tests"),
            ("edited-locked-cell", "setup")} <= edited
    for student in ("patch_checks", "patch_numpy", "patch_assert", "swallow_errors", "blank_cells", "read_hidden"):
        flagged = [f for f in read_autograded(course, student, A).integrity
                   if f["kind"] == "suspicious-code" and f["severity"] == "review"]
        assert flagged, f"{student}'s tampering was not flagged"
    assert not read_autograded(course, "aaron", A).integrity


@pytest.mark.slow
def test_hidden_tests_were_out_of_reach(graded):
    course = graded[0]
    nb = nbformat.read(str(course / "autograded" / "read_hidden" / A / f"{A}.ipynb"), as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if grade_id(c) == "add_gate" for o in c.get("outputs", []))
    assert "snooped 0 files" in printed


@pytest.mark.slow
def test_huge_output_is_capped(graded):
    course = graded[0]
    path = course / "autograded" / "huge_output" / A / f"{A}.ipynb"
    assert path.stat().st_size < 1_000_000
    assert "truncated by the grader" in path.read_text()


@pytest.mark.slow
def test_vandalism_stays_in_the_temporary_course(graded):
    course, _, _, before = graded
    assert _snapshot(course) == before
    assert not (course.parent / "vandal-was-here.txt").exists()
    assert (course / "gradebook.db").read_bytes()[:15] == b"SQLite format 3"


@pytest.mark.slow
def test_rerun_resumes_without_regrading(graded):
    course = graded[0]
    summary = grade(course, jobs=2, timeout=TIMEOUT, progress=False)
    assert not summary.graded and len(summary.skipped) == len(graded[1])


@pytest.mark.slow
def test_no_grader_code_is_left_in_the_autograded_notebooks(graded):
    course = graded[0]
    text = (course / "autograded" / "aaron" / A / f"{A}.ipynb").read_text()
    assert "__nbkit_guard__" not in text and "nbkit-guard" not in text
    source = nbformat.read(str(course / "solutions" / A / f"{A}.ipynb"), as_version=4)
    graded_nb = nbformat.read(str(course / "autograded" / "aaron" / A / f"{A}.ipynb"), as_version=4)
    tests = {grade_id(c): c.source for c in source.cells if grade_id(c) and grade_id(c).endswith("_tests")}
    assert {grade_id(c): c.source for c in graded_nb.cells if grade_id(c) in tests} == tests


@pytest.mark.slow
def test_class_report_counts_mistakes_and_flags_submissions(graded):
    from nbkit.grading.report import class_report, write_report

    course = graded[0]
    report = class_report(course)
    (a,) = report.assignments
    assert a.name == A and len(a.scores) == len(graded[1])
    mul = a.exercises["mul_gate_tests"]
    assert mul.mistakes["own-value"] == 2 and mul.mistakes["timeout"] == 1
    assert a.exercises["copy_gate_tests"].mistakes["overwrote-branch"] == 1
    assert a.exercises["neuron_tests"].mistakes["forgot-local-gradient"] == 1
    assert mul.submissions == len(graded[1]) and mul.passed == mul.submissions - 7  # 4 wrong + 3 blank
    assert mul.mistakes["raised-ZeroDivisionError"] == 1
    flags = "\n".join(a.flags)
    assert "kills_kernel: graded as the blank release" in flags
    assert "edited_tests: add_gate_tests: locked cell add_gate_tests was edited" in flags
    assert "aaron" not in flags
    page = write_report(course).read_text()
    assert page.count("<img") == 2 and "own-value (2)" in page and "pass rate" in page


@pytest.mark.slow
def test_cli_report_and_grade_help(graded):
    import subprocess
    import sys

    course = graded[0]
    out = course / "report.html"
    proc = subprocess.run([sys.executable, "-m", "nbkit.cli", "report", "-o", str(out)], cwd=course,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "class report written to" in proc.stdout and out.read_text().startswith("<!DOCTYPE html>")
    help_text = subprocess.run([sys.executable, "-m", "nbkit.cli", "grade", "--help"], capture_output=True,
                               text=True).stdout
    assert "--jobs" in help_text and "--feedback" in help_text and "Resumes" in help_text


# ---------------------------------------------------------------- feedback

def _text(path: Path) -> str:
    """The feedback page as a reader sees it: tags removed, entities decoded."""
    page = path.read_text()
    page = re.sub(r"<style.*?</style>|<script.*?</script>|data:image/[^\"']+", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def feedback(graded):
    """Hidden-test regions of the source, and the feedback pages as a reader sees them."""
    course = graded[0]
    source = nbformat.read(str(course / "solutions" / A / f"{A}.ipynb"), as_version=4)
    hidden = [hidden_region(c.source) for c in source.cells if hidden_region(c.source)]
    pages = {s: _text(course / "feedback" / s / A / f"{A}.html") for s in ("aaron", "hidden", "visible")}
    return hidden, pages


@pytest.mark.slow
def test_feedback_shows_no_hidden_code(feedback):
    hidden, pages = feedback
    lines = {ln.strip() for code in hidden for ln in code.splitlines() if len(ln.strip()) >= 12}
    for student, text in pages.items():
        shown = [ln for ln in lines if ln in text]
        assert not shown, f"{student}'s feedback shows hidden test code: {shown[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text and "__nbkit_guard__" not in text


@pytest.mark.slow
def test_feedback_shows_no_hidden_values(feedback):
    _, pages = feedback
    # Values of the hidden cases of the three broken exercises, as the checks or prints would show them.
    secrets = ["-1.25", "10.5", "0.1 ", "-7.0", "7.0", "-0.4", "-5.0", "-5 ", "0.3", "-0.2"]  # not in visible cases
    text = pages["hidden"]
    assert "backward called with 1" in text        # the student's prints during the visible check stay
    for hidden_call in ("with 3.0 0.5 -1.25", "with 0.1 -7.0 2.0", "with -1.0 10.0 10.5"):
        assert f"backward called {hidden_call}" not in text  # ... those during hidden cases go
    leaked = [s for s in secrets if s in text and s not in pages["aaron"]]
    assert not leaked, f"hidden values in the feedback: {leaked}"


@pytest.mark.slow
def test_feedback_names_the_failed_hidden_case_and_mistake(feedback):
    _, pages = feedback
    text = pages["hidden"]
    assert "hidden case 2" in text and "multiply each by upstream" in text
    assert "ZeroDivisionError" in text
    assert "[diagnosis:" not in text  # tags are for the grader and the report, not the student
    assert "ran out of time" in text
    assert "\u2714 CopyGate" in text  # passing exercises still say so


@pytest.mark.slow
def test_visible_failures_keep_their_values_but_not_the_hidden_lines_around_them(feedback):
    _, pages = feedback
    text = pages["visible"]
    assert "NameError" in text and "CopyGate" in text


# ---------------------------------------------------------------- what a person should look at

@pytest.mark.slow
def test_summary_counts_syntax_errors_timeouts_and_tampering(graded):
    _, _, summary, _ = graded
    assert summary.look_at[f"syntax/{A}"][0].startswith("syntax error in max_gate_tests (SyntaxError")
    assert f"ran out of time in mul_gate_tests" in summary.look_at[f"loop/{A}"]
    assert any("locked cell add_gate_tests was edited" in why for why in summary.look_at[f"edited_tests/{A}"])
    assert f"aaron/{A}" not in summary.look_at and f"partial/{A}" not in summary.look_at
    assert re.search(r"to look at: 1 syntax error, 2 timed out, \d+ tampering", summary.lines()[0]), summary.lines()
    assert any(line.startswith(f"  look at syntax/{A}: syntax error") for line in summary.lines())


@pytest.mark.slow
def test_report_names_syntax_errors_and_timeouts_and_keeps_stubs_apart(graded):
    from nbkit.grading.report import class_report, render_html

    course = graded[0]
    (a,) = class_report(course).assignments
    assert a.exercises["max_gate_tests"].mistakes["syntax-error"] == 1
    flags = "\n".join(a.flags)
    assert "syntax: syntax error in max_gate_tests (SyntaxError" in flags
    assert "loop: ran out of time in mul_gate_tests" in flags
    assert a.exercises["copy_gate_tests"].not_attempted == 1 and a.exercises["neuron_tests"].not_attempted == 1
    assert not any("not-implemented" in s.mistakes for s in a.exercises.values())
    assert all(tag != "not-implemented" for (_, tag) in a.mistakes)
    page = render_html(class_report(course))
    frequent = page.split("<h3>Most frequent mistakes</h3>")[1].split("</table>")[0]
    assert "not-implemented" not in frequent and "own-value" in frequent
    students = page.split("<h3>Students</h3>")[1].split("</table>")[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr><td>(\w+)</td>.*?</tr>", students)}
    assert set(rows) == set(graded[1])
    assert "max_gate_tests: syntax-error" in rows["syntax"]
    assert "copy_gate_tests: not-implemented" in rows["partial"]
    assert "<td>0</td>" in rows["loop"] and "mul_gate_tests: timeout" in rows["loop"]
    assert rows["aaron"].endswith("<td>-</td></tr>")


@pytest.fixture(scope="module")
def all_pages(graded):
    course = graded[0]
    return {p.parts[-3]: _text(p) for p in (course / "feedback").glob(f"*/{A}/{A}.html")}


@pytest.mark.slow
def test_a_timeout_reads_as_one_sentence(all_pages):
    text = all_pages["loop"]
    assert "Exercise `mul_gate` ran out of time: the grader stopped this cell after 6 seconds" in text
    assert "loop that never ends" in text
    assert "KeyboardInterrupt" not in text and "Traceback" not in text and "CellTimeoutError" not in text


@pytest.mark.slow
def test_no_feedback_page_shows_a_path_of_the_grading_machine(graded, all_pages):
    course = graded[0]
    assert len(all_pages) >= len(graded[1]) - 3   # all but the three graded as the blank release
    machine = {str(course), str(ROOT), sys.prefix, sys.base_prefix, tempfile.gettempdir() + "/", "site-packages",
               "nbkit-grade", "/root/", "/home/"}
    leaks = {student: [m for m in machine if m in text] for student, text in all_pages.items()}
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}


@pytest.mark.slow
def test_a_tamperers_feedback_says_the_edit_was_undone(all_pages):
    assert "undid the edit" in all_pages["edited_tests"] and "add_gate_tests" in all_pages["edited_tests"]
    assert "undid the edit" not in all_pages["aaron"]
