"""The check functions that the notebooks' test cells call, one sub-module per notebook.

``from nbkit.checks.ch01 import check_mul_gate`` and so on. A check runs the learner's
own code, compares it with numerical gradients, mathematical properties and, in hidden
test cells, with cases that exist only in solutions/. It prints one line on success and
raises :class:`nbkit.feedback.CheckFailed` with a specific message on failure.
"""
