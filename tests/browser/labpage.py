"""Drive one notebook in JupyterLab the way a student does, and read back what they see.

Every action goes through the user interface: the Run menu, clicks on cells, arrow keys on
a slider handle, the nbgrader Validate toolbar button. To *read* the result, a snapshot
combines the rendered DOM (the text a student reads under each cell, the images drawn)
with the cell models behind it (``window.jupyterapp``, exposed by the server's
``--LabApp.expose_app_in_browser``), because in the DOM a Python traceback and a line
printed to stderr look the same: only the model says which outputs are errors.
"""
from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field

PASS_MARK = "\u2714"   # what nbkit.feedback.passed prints
FAIL_MARK = "\u2718"   # how nbkit.feedback.CheckFailed renders
IDLE_TEXT = "(ipykernel) | Idle"

# One dict per cell of the notebook panel showing `path`, in notebook order.
_SNAPSHOT_JS = r"""
(path) => {
  const app = window.jupyterapp;
  if (!app) { return {error: 'window.jupyterapp is missing (server not started with expose_app_in_browser)'}; }
  const panel = Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === path);
  if (!panel) { return {error: 'no open notebook panel for ' + path}; }
  const cells = panel.content.widgets.map((cell, index) => {
    const model = cell.model;
    const node = cell.node;
    const prompt = node.querySelector('.jp-InputArea-prompt');
    const outputs = model.type === 'code' ? model.outputs.toJSON() : [];
    const shown = Array.from(node.querySelectorAll(
        '.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output'));
    const images = Array.from(node.querySelectorAll('.jp-Cell-outputArea img')).map(img => ({
        src: img.src.slice(0, 64) + '#' + img.src.length + ':' + img.src.slice(-64),
        width: img.naturalWidth, height: img.naturalHeight, complete: img.complete}));
    return {
      index: index,
      type: model.type,
      source: model.sharedModel.getSource(),
      prompt: prompt ? prompt.textContent : '',
      execution_count: model.type === 'code' ? model.executionCount : null,
      outputs: outputs.map(o => ({output_type: o.output_type, name: o.name || null,
                                  ename: o.ename || null, evalue: o.evalue || null})),
      shown: shown.map(el => ({mime: el.getAttribute('data-mime-type'), text: el.textContent})),
      images: images,
      widgets: node.querySelectorAll('.jp-Cell-outputArea .widget-slider').length,
      nbgrader: model.getMetadata('nbgrader') || null,
    };
  });
  return {cells: cells};
}
"""

_PANEL_ID_JS = r"""
(path) => {
  const app = window.jupyterapp;
  const panel = app && Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === path);
  return panel ? panel.id : null;
}
"""

_ACTIVE_JS = r"""
(path) => {
  const app = window.jupyterapp;
  const panel = app && Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === path);
  return panel ? panel.content.activeCellIndex : -1;
}
"""

_BUSY_JS = r"""
(path) => {
  const app = window.jupyterapp;
  const panel = app && Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === path);
  if (!panel) { return null; }
  const cells = panel.content.widgets;
  const busy = cells.some(c => c.model.type === 'code' &&
      (c.node.querySelector('.jp-InputArea-prompt')?.textContent || '').includes('*'));
  const status = document.querySelector('#jp-main-statusbar')?.textContent || '';
  const counts = cells.map(c => c.model.type === 'code' ? c.model.executionCount : null);
  return {busy: busy, status: status, counts: counts};
}
"""


@dataclass
class Cell:
    """What one cell shows after a run (see _SNAPSHOT_JS for the fields' origin)."""

    index: int
    type: str
    source: str
    prompt: str
    execution_count: int | None
    outputs: list = field(default_factory=list)
    shown: list = field(default_factory=list)
    images: list = field(default_factory=list)
    widgets: int = 0
    nbgrader: dict | None = None

    @property
    def text(self) -> str:
        """All output text a student reads under this cell."""
        return "\n".join(item["text"] for item in self.shown)

    @property
    def errors(self) -> list[dict]:
        return [o for o in self.outputs if o["output_type"] == "error"]

    @property
    def stderr(self) -> bool:
        return any(o["output_type"] == "stream" and o["name"] == "stderr" for o in self.outputs)

    @property
    def is_check(self) -> bool:
        """An autograded test cell: nbgrader ``grade`` without ``solution``."""
        meta = self.nbgrader or {}
        return self.type == "code" and bool(meta.get("grade")) and not meta.get("solution")

    @property
    def is_solution(self) -> bool:
        return bool((self.nbgrader or {}).get("solution"))

    @property
    def runnable(self) -> bool:
        """JupyterLab sends only non-blank code cells to the kernel."""
        return self.type == "code" and bool(self.source.strip())

    def describe(self, limit: int = 1200) -> str:
        """A readable account of the cell for assertion messages."""
        name = (self.nbgrader or {}).get("grade_id")
        head = f"cell {self.index}" + (f" ({name})" if name else "") + f" {self.prompt}"
        source = "\n".join("    " + line for line in self.source.splitlines()[:8])
        shown = self.text.strip()
        if len(shown) > limit:
            shown = shown[:limit] + " ..."
        shown = "\n".join("  | " + line for line in shown.splitlines()) or "  | (no output)"
        return f"{head}\n{source}\n  shows:\n{shown}"


class NotebookPage:
    """One notebook open in JupyterLab in one browser page."""

    def __init__(self, page, server, path: str):
        self.page = page
        self.server = server
        self.path = path  # relative to the server's root_dir
        self.timings: dict[str, float] = {}
        self.panel_selector = ".jp-NotebookPanel"  # narrowed to this notebook's panel id on open

    # -- opening -------------------------------------------------------------------------
    def open(self, timeout: float = 90.0) -> "NotebookPage":
        """Open the notebook and wait until its kernel reports Idle in the status bar."""
        started = time.monotonic()
        workspace = "browser-test-" + uuid.uuid4().hex[:12]
        self.page.goto(self.server.lab_url(self.path, workspace), wait_until="domcontentloaded",
                       timeout=timeout * 1000)
        self.page.locator(".jp-NotebookPanel-notebook .jp-Notebook-cell").first.wait_for(
            timeout=timeout * 1000)
        panel_id = self.page.evaluate(_PANEL_ID_JS, self.path)
        if not panel_id:
            raise AssertionError(f"{self.path}: JupyterLab opened no notebook panel for it")
        self.panel_selector = f"[id='{panel_id}']"
        # The toolbar's kernel indicator says idle before the kernel can take work;
        # the status bar's "Python 3 (ipykernel) | Idle" is the reliable signal.
        deadline = time.monotonic() + timeout
        while IDLE_TEXT not in self.status_bar():
            self.fail_on_dialog()
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.path}: the kernel never became idle; status bar reads "
                                     f"{self.status_bar()!r}")
            time.sleep(0.2)
        self.timings["open"] = time.monotonic() - started
        return self

    def status_bar(self) -> str:
        return self.page.evaluate(
            "() => document.querySelector('#jp-main-statusbar')?.textContent || ''")

    def fail_on_dialog(self) -> None:
        """A modal dialog (kernel chooser, kernel died, ...) blocks the page: say what it says."""
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count() and dialog.first.is_visible():
            raise AssertionError(f"{self.path}: JupyterLab shows a dialog: "
                                 f"{dialog.first.inner_text()!r}")

    # -- running -------------------------------------------------------------------------
    def _run_menu(self, *commands: str) -> None:
        """Open the Run menu and click the first enabled item bound to one of ``commands``."""
        self.page.locator("li.lm-MenuBar-item", has_text=re.compile(r"^\s*Run\s*$")).click()
        self.page.locator(", ".join(
            f".lm-Menu-item[data-command='{command}']:not(.lm-mod-disabled)" for command in commands
        )).first.click()

    def _busy_state(self) -> dict:
        state = self.page.evaluate(_BUSY_JS, self.path)
        if state is None:
            raise AssertionError(f"{self.path}: the notebook panel is gone")
        return state

    def _wait_for_run(self, before: list, timeout: float) -> None:
        """Wait until the kernel has started the requested cells and then finished them."""
        deadline = time.monotonic() + 15
        while True:  # 1. the click must have had an effect
            state = self._busy_state()
            if state["busy"] or state["counts"] != before:
                break
            if time.monotonic() > deadline:
                self.fail_on_dialog()
                raise AssertionError(f"{self.path}: the Run menu command started nothing "
                                     f"(status bar: {state['status']!r})")
            time.sleep(0.05)
        deadline = time.monotonic() + timeout
        quiet = 0
        # 2. no "[*]" prompt (queued cells keep theirs until they run) and an idle kernel,
        # on two polls in a row
        while quiet < 2:
            time.sleep(0.15)
            state = self._busy_state()
            quiet = quiet + 1 if (not state["busy"] and IDLE_TEXT in state["status"]) else 0
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.path}: cells still running after {timeout:.0f} s "
                                     f"(status bar: {state['status']!r})")
        self.fail_on_dialog()

    def run_all(self, timeout: float = 240.0) -> None:
        """Run > Run All Cells, as a student does, and wait until the kernel is done."""
        started = time.monotonic()
        before = self._busy_state()["counts"]
        self.page.locator(f"{self.panel_selector} .jp-NotebookPanel-notebook").click(
            position={"x": 5, "y": 5})
        self.page.keyboard.press("Escape")
        self._run_menu("runmenu:run-all")
        self._wait_for_run(before, timeout)
        self.timings["run_all"] = time.monotonic() - started

    def run_from(self, index: int, timeout: float = 240.0) -> None:
        """Select code cell ``index`` and use Run > Run Selected Cell and All Below."""
        before = self._busy_state()["counts"]
        self.select_cell(index)
        if index == len(before) - 1:  # "... and All Below" is greyed out on the last cell
            self._run_menu("notebook:run-cell")         # Run Selected Cell and Do not Advance
        else:
            self._run_menu("notebook:run-all-below")    # Run Selected Cell and All Below
        self._wait_for_run(before, timeout)

    def active_cell_index(self) -> int:
        return self.page.evaluate(_ACTIVE_JS, self.path)

    def select_cell(self, index: int) -> None:
        """Make cell ``index`` the active cell: click its prompt, then step with arrow keys.

        Off-screen cells are laid out lazily (content-visibility), so the page can shift
        while Playwright scrolls and the click land on a neighbour; the arrow keys of
        command mode correct that, as a student would.
        """
        prompt = self.cell_locator(index).locator(".jp-InputArea-prompt")
        prompt.scroll_into_view_if_needed()
        prompt.click()
        self.page.keyboard.press("Escape")  # command mode: arrows move between cells
        for _ in range(5):
            active = self.active_cell_index()
            if active == index:
                return
            key = "ArrowDown" if active < index else "ArrowUp"
            for _ in range(abs(index - active)):
                self.page.keyboard.press(key)
        raise AssertionError(f"{self.path}: could not select cell {index} "
                             f"(cell {self.active_cell_index()} stays active)")

    def run_all_continuing(self, timeout: float = 240.0, max_rounds: int = 200) -> list[Cell]:
        """Run all cells, carrying on below each cell that raised.

        JupyterLab's Run All stops at the first error (the kernel aborts the queued cells).
        In an untouched release every check fails, so, like a student reading the failures
        one by one, resume with "Run Selected Cell and All Below" after each.
        """
        started = time.monotonic()
        self.run_all(timeout)
        rounds = 0
        while True:
            cells = self.snapshot()
            runnable = [c for c in cells if c.runnable]
            # The kernel aborts the queue only for a moment after an error, so a cell far
            # below can still run out of order (with NameErrors): resume at the first
            # cell that never ran; "and All Below" re-runs everything after it in order.
            pending = [n for n, c in enumerate(runnable) if c.execution_count is None]
            if not pending:
                break
            first = pending[0]
            if first > 0 and not runnable[first - 1].errors:
                previous = runnable[first - 1]
                raise AssertionError(f"{self.path}: the run stopped after cell {previous.index}, "
                                     f"which raised no error; cell {runnable[first].index} never "
                                     f"ran.\n" + previous.describe())
            rounds += 1
            if rounds > max_rounds:
                raise AssertionError(f"{self.path}: still not through the notebook after "
                                     f"{max_rounds} restarts")
            self.run_from(runnable[first].index, timeout)
        self.timings["run_all_continuing"] = time.monotonic() - started
        self.timings["resumes"] = rounds
        return cells

    # -- editing, as a student types -------------------------------------------------------
    def set_source(self, index: int, source: str) -> None:
        """Replace the text of cell ``index`` by typing into its editor (select all, insert)."""
        editor = self.cell_locator(index).locator(".jp-InputArea-editor .cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        self.page.keyboard.press("Control+A")
        # insert_text is one input event: no auto-indent or bracket closing on the way in
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Escape")
        typed = self.snapshot()[index].source
        if typed != source:
            raise AssertionError(f"{self.path}: typing into cell {index} gave\n{typed}\n"
                                 f"instead of\n{source}")

    def run_cell(self, index: int, timeout: float = 120.0):
        """Select cell ``index`` and press Shift+Enter; return the cell once it has run."""
        before = self._busy_state()["counts"]
        self.select_cell(index)
        self.page.keyboard.press("Shift+Enter")
        self._wait_for_run(before, timeout)
        return self.snapshot()[index]

    def find_cell(self, grade_id: str):
        """The cell whose nbgrader grade_id is ``grade_id``."""
        for cell in self.snapshot():
            if (cell.nbgrader or {}).get("grade_id") == grade_id:
                return cell
        raise AssertionError(f"{self.path}: no cell with grade_id {grade_id!r}")

    # -- reading -------------------------------------------------------------------------
    def snapshot(self) -> list[Cell]:
        """Every cell, with what it shows and what its model holds."""
        result = self.page.evaluate(_SNAPSHOT_JS, self.path)
        if "error" in result:
            raise AssertionError(f"{self.path}: {result['error']}")
        return [Cell(**cell) for cell in result["cells"]]

    def cell_locator(self, index: int):
        return self.page.locator(
            f"{self.panel_selector} .jp-NotebookPanel-notebook .jp-Notebook-cell").nth(index)

    def output_image_src(self, index: int) -> list[str]:
        """Full ``src`` of each image in cell ``index``'s outputs (inline plots are data: URLs)."""
        return self.cell_locator(index).locator(".jp-Cell-outputArea img").evaluate_all(
            "imgs => imgs.map(img => img.src)")

    # -- widgets -------------------------------------------------------------------------
    def sliders(self, index: int):
        """The ipywidgets sliders rendered in cell ``index``'s outputs."""
        return self.cell_locator(index).locator(".jp-Cell-outputArea .widget-slider")

    def press_slider(self, slider, key: str = "ArrowRight", times: int = 1) -> None:
        """Focus a slider's handle and press an arrow key, as a keyboard user would."""
        handle = slider.locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def wait_for_image_change(self, index: int, before: list[str], timeout: float = 30.0) -> list[str]:
        """Wait until the images in cell ``index`` differ from ``before``; return the new srcs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.output_image_src(index)
            if now and now != before and all(self._image_loaded(index, i) for i in range(len(now))):
                return now
            time.sleep(0.2)
        raise AssertionError(f"{self.path}: the picture in cell {index} did not change within "
                             f"{timeout:.0f} s of moving the slider")

    def _image_loaded(self, index: int, nth: int) -> bool:
        img = self.cell_locator(index).locator(".jp-Cell-outputArea img").nth(nth)
        return bool(img.evaluate("img => img.complete && img.naturalWidth > 0"))

    # -- nbgrader --------------------------------------------------------------------------
    def validate(self, timeout: float = 180.0) -> "ValidationResult":
        """Click nbgrader's Validate toolbar button and read the dialog it opens."""
        started = time.monotonic()
        self.page.locator(f"{self.panel_selector} jp-button.validate-button").click()
        dialog = self.page.locator(".nbgrader-ErrorDialog, .nbgrader-SuccessDialog").first
        dialog.wait_for(timeout=timeout * 1000)
        body = dialog.locator(".jp-Dialog-body")
        message = dialog.locator("#validation-message")  # nbgrader's body; its class says the verdict
        kinds = message.evaluate(
            "el => Array.from(el.classList).filter(c => c.startsWith('validation-'))"
        ) if message.count() else []
        result = ValidationResult(
            success="nbgrader-SuccessDialog" in (dialog.get_attribute("class") or ""),
            title=dialog.locator(".jp-Dialog-header").inner_text().strip(),
            text=body.inner_text(),
            kinds=kinds,
            failed_cells=body.get_by_text("The following cell failed:", exact=True).count(),
            seconds=time.monotonic() - started,
        )
        self.timings["validate"] = result.seconds
        return result

    def close_dialog(self) -> None:
        self.page.locator(".jp-Dialog button.jp-Dialog-button").last.click()
        self.page.locator(".jp-Dialog").first.wait_for(state="detached", timeout=10000)


@dataclass
class ValidationResult:
    """What nbgrader's "Validation Results" dialog told the student."""

    success: bool
    title: str
    text: str
    kinds: list
    failed_cells: int
    seconds: float
