"""`nbkit grade --sandbox`: adversarial submissions graded in bubblewrap with a well-behaved class.

Every adversary answers all exercises correctly (so it deserves full marks) and, in a cell of
its own, attacks the grader:

- ``a_rewriter`` rewrites nbkit's installed check modules (and drops a ``.pth`` file into
  site-packages) so that the students graded after it would pass anything; ``b_wrong``, graded
  right after it in the same nbgrader command, has a wrong MulGate and must still lose it;
- ``c_reader`` looks for other students' submissions (its batch-mates' and the course's);
- ``d_network`` opens a network connection (to a listener this test runs on the host);
- ``e_forkbomb`` forks until it is refused;
- ``f_memhog`` allocates far more memory than the machine has.

Each attack fails inside the sandbox, each submission gets what its answers deserve, and
everyone else's grade is unaffected. The fork bomb and the memory hog check, before they
start, that the sandbox's limits are in force, and do nothing otherwise: a broken sandbox
fails this test instead of hurting the machine. For the same reason the check modules are
restored from a copy if anything changed them.
"""
from __future__ import annotations

import hashlib
import shutil
import site
import socket
import threading
import warnings
from pathlib import Path

import nbformat
import pytest

from nbkit.grading.batch import grade
from nbkit.grading.cells import exercises, grade_id
from nbkit.grading.sandbox import bwrap_problem
from nbkit.grading.submissions import reference_submission, submit

ROOT = Path(__file__).resolve().parents[1]
A = "01_chain_rule"
MEMORY_LIMIT = 3 << 30   # the test course's c.SandboxedKernelManager.memory_limit
PROCESS_LIMIT = 48
PROBLEM = bwrap_problem()
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(PROBLEM is not None, reason=f"no working bubblewrap here: {PROBLEM}")]

REWRITER = '''import glob, os, site, nbkit.checks.ch01 as _c
_targets = glob.glob(os.path.join(os.path.dirname(_c.__file__), "*.py"))
for _path in _targets:
    try:
        with open(_path, "a") as _f:
            _f.write("\\ndef check_mul_gate(*a, **k):\\n    print('patched')\\n")
        print("REWROTE", _path)
    except OSError as _e:
        print("rewrite refused:", type(_e).__name__)
for _dir in site.getsitepackages():
    try:
        with open(os.path.join(_dir, "zz_pass_everything.pth"), "w") as _f:
            _f.write("import nbkit.checks.ch01\\n")
        print("WROTE .pth")
    except OSError as _e:
        print(".pth refused:", type(_e).__name__)
'''

# Walks the whole file system it can see (not following links, skipping /proc and the system)
# for notebooks of other submissions and gradebooks, and tries the paths of the nbgrader layout.
READER = '''import glob, os, resource
_mine = os.path.realpath(os.getcwd())
_seen, _books = set(), set()
for _top in os.listdir("/"):
    if _top in ("proc", "sys", "dev", "usr", "etc", "lib", "lib64", "bin", "sbin"):
        continue
    for _dir, _subs, _files in os.walk("/" + _top):
        if "site-packages" in _dir:   # packages' own examples (nbgrader ships some) are no submissions
            continue
        for _name in _files:
            _path = os.path.join(_dir, _name)
            if _name.endswith(".ipynb") and ("submitted" in _path or "autograded" in _path) \\
                    and not _path.startswith(_mine):
                _seen.add(_path)
            if _name.endswith(".db"):
                _books.add(_path)
for _pattern in ["../../../submitted/*/*/*.ipynb", "../../*/*/*.ipynb", "{course}/submitted/*/*/*.ipynb",
                 "{course}/gradebook.db"]:
    for _path in glob.glob(_pattern):
        if not os.path.realpath(_path).startswith(_mine):
            (_books if _path.endswith(".db") else _seen).add(_path)
print(f"found {{len(_seen)}} other submissions", sorted(_seen)[:3])
print(f"gradebooks: {{len(_books)}}", sorted(_books)[:3])
print("limits", resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0],
      resource.getrlimit(resource.RLIMIT_NPROC)[0])
'''

NETWORK = '''import socket
for _address in [("127.0.0.1", {port}), ("1.1.1.1", 53)]:
    try:
        socket.create_connection(_address, timeout=3).close()
        print("CONNECTED", _address)
    except OSError as _e:
        print("connection refused:", type(_e).__name__)
'''

# Forks (children fork too) until the kernel refuses. Only where the sandbox's process limit
# is in force: a small RLIMIT_NPROC and an unprivileged uid outside (root ignores the limit).
FORK_BOMB = '''import os, resource, time
_soft = resource.getrlimit(resource.RLIMIT_NPROC)[0]
_uid = os.getuid()
_outside = None   # our uid as the machine sees it (through a user namespace, if any)
for _line in open("/proc/self/uid_map"):
    _inside, _out, _count = map(int, _line.split())
    if _inside <= _uid < _inside + _count:
        _outside = _out + _uid - _inside
if _soft == resource.RLIM_INFINITY or _soft > 256 or _outside in (None, 0):
    print("fork bomb NOT started: no process limit in force", _soft, _uid, _outside)
else:
    _child, _made = False, 0
    for _ in range(10_000):
        try:
            _pid = os.fork()
        except OSError:
            break
        if _pid == 0:
            _child = True      # children go on forking too
        else:
            _made += 1
    if _child:
        time.sleep(2)
        os._exit(0)
    print(f"fork refused after {{_made}} forks")
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
'''

# Asks for 64 GiB, a gigabyte at a time, more than the machine has. Only under an address-space limit.
MEMORY_HOG = '''import resource
_soft = resource.getrlimit(resource.RLIMIT_AS)[0]
if _soft == resource.RLIM_INFINITY or _soft > 8 << 30:
    print("memory hog NOT started: no memory limit in force", _soft)
else:
    _blocks = []
    try:
        for _ in range(64):
            _blocks.append(bytearray(1 << 30))
    except MemoryError:
        print(f"MemoryError after {{len(_blocks)}} GiB")
    del _blocks
'''

MUL_OWN_VALUE = '''class MulGate:
    label = "*"
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y
    def backward(self, upstream):
        return upstream * self.x, upstream * self.y
'''


def _with_cell(course, code):
    nb = reference_submission(course, A)
    setup = next(i for i, c in enumerate(nb.cells) if grade_id(c) == "setup")
    nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(code))
    return nb


def _printed(course, student):
    nb = nbformat.read(str(course / "autograded" / student / A / f"{A}.ipynb"), as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")


def _checks():
    import nbkit.checks

    folder = Path(nbkit.checks.__file__).parent
    return {p: p.read_bytes() for p in folder.glob("*.py")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("sandbox") / "course"
    course.mkdir()
    config = (ROOT / "nbgrader_config.py").read_text()
    config += (f"\nc.NbkitGrade.sandbox = True\nc.SandboxedKernelManager.memory_limit = {MEMORY_LIMIT}\n"
               f"c.SandboxedKernelManager.process_limit = {PROCESS_LIMIT}\n")
    (course / "nbgrader_config.py").write_text(config)
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / A, course / folder / A)

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connections.append(listener.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]

    submit(course, "a_rewriter", A, _with_cell(course, REWRITER))
    submit(course, "b_wrong", A, reference_submission(course, A, {"mul_gate": MUL_OWN_VALUE}))
    submit(course, "c_reader", A, _with_cell(course, READER.format(course=course)))
    submit(course, "d_network", A, _with_cell(course, NETWORK.format(port=port)))
    submit(course, "e_forkbomb", A, _with_cell(course, FORK_BOMB.format()))
    submit(course, "f_memhog", A, _with_cell(course, MEMORY_HOG.format()))
    for student in ("x_ref", "y_ref"):
        submit(course, student, A, reference_submission(course, A))

    checks = _checks()
    try:
        summary = grade(course, jobs=2, timeout=30, progress=False)  # sandbox from the course's config
    finally:
        changed = {p: data for p, data in checks.items() if p.read_bytes() != data}
        for path, data in changed.items():   # never leave a damaged nbkit behind
            path.write_bytes(data)
        for folder in site.getsitepackages():   # nor the .pth the rewriter writes when the sandbox fails
            pth = Path(folder) / "zz_pass_everything.pth"
            if pth.is_file():
                changed[pth] = b""
                pth.unlink()
        stop.set()
        listener.close()
    return course, summary, changed, connections


def _scores(course):
    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore", module="nbgrader")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        return {s.student.id: {g.name: g.auto_score for g in s.notebooks[0].grades}
                for s in gb.find_assignment(A).submissions}


def test_everyone_gets_what_their_answers_deserve(graded):
    course, summary, _, _ = graded
    assert summary.sandbox.startswith("bubblewrap") and not summary.failed and not summary.blank, summary.lines()
    release = nbformat.read(str(course / "notebooks" / A / f"{A}.ipynb"), as_version=4)
    full = {e.test_id: e.points for e in exercises(release)}
    scores = _scores(course)
    for student in ("a_rewriter", "c_reader", "d_network", "e_forkbomb", "f_memhog", "x_ref", "y_ref"):
        assert {g: scores[student][g] for g in full} == full, student
    assert {g: scores["b_wrong"][g] for g in full} == dict(full, mul_gate_tests=0.0)


def test_the_check_modules_cannot_be_rewritten(graded):
    course, _, changed, _ = graded
    assert not changed, f"the sandbox let a submission rewrite {sorted(map(str, changed))}"
    printed = _printed(course, "a_rewriter")
    assert "REWROTE" not in printed and "WROTE .pth" not in printed
    assert "rewrite refused: OSError" in printed or "rewrite refused: PermissionError" in printed
    assert ".pth refused" in printed


def test_other_students_submissions_and_the_gradebook_are_invisible(graded):
    course = graded[0]
    printed = _printed(course, "c_reader")
    assert "found 0 other submissions" in printed, printed
    assert "gradebooks: 0" in printed


def test_limits_are_in_force(graded):
    printed = _printed(graded[0], "c_reader")
    assert f"limits {MEMORY_LIMIT} 600 {PROCESS_LIMIT}" in printed, printed


def test_no_network(graded):
    course, _, _, connections = graded
    printed = _printed(course, "d_network")
    assert "CONNECTED" not in printed and printed.count("connection refused") == 2, printed
    assert not connections, "a submission reached a port on the grading machine"


def test_a_fork_bomb_is_refused(graded):
    printed = _printed(graded[0], "e_forkbomb")
    assert "fork refused after" in printed, printed
    forks = int(printed.split("fork refused after ")[1].split()[0])
    assert forks < PROCESS_LIMIT


def test_a_memory_hog_gets_memory_error(graded):
    printed = _printed(graded[0], "f_memhog")
    assert "MemoryError after" in printed, printed
    assert int(printed.split("MemoryError after ")[1].split()[0]) < MEMORY_LIMIT >> 30
