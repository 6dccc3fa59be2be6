"""An IPython extension: a NameError says which cell to run first.

After a kernel restart, or when a notebook is opened and a cell far down is run first,
learners meet ``NameError: name 'ch01' is not defined`` (the locked set-up cell has not
run) or ``name 'MulGate' is not defined`` (the exercise cell above has not run). The
error is right but says nothing about what to do. This extension keeps the error (a
check cell still fails, and nbgrader still sees a NameError) and adds one line under it
that names the fix.

Loaded by every kernel of the course's environment (see :mod:`nbkit.labsetup`), or by hand
with ``%load_ext nbkit.kernel_hints``.
"""
from __future__ import annotations

import re

# Names the locked set-up cell of every notebook defines.
_SETUP_NAMES = re.compile(r"^(ch\d\d|np|plt|nbkit|math)$")
_NAME = re.compile(r"name '([^']+)' is not defined")


def hint_for(message: str) -> str:
    """The advice for a NameError ``message`` ("name 'x' is not defined"), or "" if none fits."""
    found = _NAME.search(message)
    if not found:
        return ""
    name = found.group(1)
    if _SETUP_NAMES.match(name):
        return (f"Hint: `{name}` comes from the set-up cell at the top of the notebook, which has not run since "
                f"the kernel started. Run it first (or Run \u25b8 Run All Above Selected Cell), then this cell.")
    return (f"Hint: `{name}` is defined in an earlier cell that has not run since the kernel started (an "
            f"exercise answer or a demo above). Run the cells above in order (Run \u25b8 Run All Above Selected "
            f"Cell), then this cell. If `{name}` is a name you wrote, check its spelling.")


def _show_name_error(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: the usual traceback plus one line of advice.

    IPython leaves the display to the handler; ``_showtraceback`` is the hook ipykernel
    overrides to send the error to the notebook (ename, evalue, traceback), so the cell
    still fails for nbgrader.
    """
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    hint = hint_for(str(value))
    shell._showtraceback(etype, value, list(stb) + ([hint] if hint else []))


def load_ipython_extension(ipython) -> None:
    ipython.set_custom_exc((NameError,), _show_name_error)


def unload_ipython_extension(ipython) -> None:
    ipython.set_custom_exc((), None)
