"""Grading you can trust: nbgrader's autograder, run in parallel, hardened and reported.

Everything here builds on nbgrader rather than beside it: submissions are graded by
``nbgrader autograde`` and ``nbgrader generate_feedback``, grades live in nbgrader's
gradebook, and the hardening runs as nbgrader preprocessors named in
``nbgrader_config.py``. See docs/grading.md for the whole picture.

Modules, one idea each:

- ``folders``      the course folders nbgrader uses and the submissions found in them
- ``journal``      which submissions are already graded (so ``nbkit grade`` resumes)
- ``nbgrader_run`` running an nbgrader command in a subprocess
- ``workspace``    a temporary course (own gradebook) for one batch of submissions
- ``merge``        copying a batch's grades into the course gradebook (nbgrader's API)
- ``batch``        ``nbkit grade``: plan batches, run them in parallel, merge, resume
- ``kernel_pool``  nbgrader's Execute with the next kernel started ahead (one notebook per kernel)
- ``cells``        reading a notebook's exercises, test cells and hidden-test regions
- ``submissions``  building student submissions from the release (tests, benchmarks)
- ``results``      what an autograded notebook says: each test cell's outcome and diagnosis
- ``scan``         static look at student code for attempts to tamper with grading
- ``integrity``    nbgrader preprocessor: records what a student changed in locked cells
- ``order``        nbgrader preprocessor: puts reordered graded cells back in order
- ``guard``        runs inside the kernel: clean checks before every test cell
- ``guard_cells``  nbgrader preprocessors that install the guard and confirm test cells ran
- ``outputs``      nbgrader preprocessor: caps the size of cell outputs
- ``feedback``     nbgrader preprocessor: feedback without hidden tests' code or values
- ``report``       ``nbkit report``: the class report (HTML with plots)
- ``commands``     the ``grade`` and ``report`` subcommands of ``nbkit``

Nothing heavy is imported here: nbgrader and matplotlib load inside the functions that use them.
"""
