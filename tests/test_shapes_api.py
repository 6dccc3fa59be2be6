"""The public surface of nbkit.shapes: results, feedback helpers, argument errors."""
import io
import subprocess
import sys

import numpy as np
import pytest

from nbkit.feedback import CheckFailed
from nbkit.shapes import DIAGNOSES, TAGS, ShapeDiagnosis, diagnose, explain, raise_for

REF = np.arange(6.0).reshape(2, 3) - 2.5


def test_result_is_a_frozen_dataclass_with_a_known_tag():
    result = diagnose(REF.T, REF)
    assert isinstance(result, ShapeDiagnosis)
    assert (result.ok, result.diagnosis, result.shape, result.expected_shape) == (False, "transposed", (3, 2), (2, 3))
    assert result.diagnosis in TAGS and str(result) == result.message
    with pytest.raises(AttributeError):
        result.ok = True


def test_raise_for_raises_checkfailed_with_tag_and_exercise():
    with pytest.raises(CheckFailed) as info:
        raise_for(diagnose(2 * REF, REF, name="db"), exercise="affine_backward")
    err = info.value
    assert err.diagnosis == "scaled-by-2" and err.exercise == "affine_backward"
    assert isinstance(err, AssertionError) and "db" in err.message
    assert diagnose(REF.copy(), REF).raise_if_failed().ok  # no raise, result returned


def test_explain_prints_verdict_message_and_tag_meaning():
    out = io.StringIO()
    explain(diagnose(-REF, REF, name="dW"), file=out)
    text = out.getvalue()
    assert "sign-flipped" in text and "opposite sign" in text and DIAGNOSES["sign-flipped"] in text
    out = io.StringIO()
    diagnose(REF.copy(), REF).explain(file=out)
    assert out.getvalue().startswith("\u2714")
    out = io.StringIO()
    explain("wrong-axis", file=out)
    assert out.getvalue().startswith("wrong-axis: ")
    with pytest.raises(ValueError, match="unknown diagnosis"):
        explain("off-by-one")


def test_hints_are_added_to_the_message_of_their_tag_only():
    hints = {"transposed": "For y = x W, dW = x^T (dL/dy)."}
    assert "x^T (dL/dy)" in diagnose(REF.T, REF, hints=hints).message
    assert "x^T (dL/dy)" not in diagnose(-REF, REF, hints=hints).message
    with pytest.raises(ValueError, match="unknown diagnosis tags"):
        diagnose(REF, REF, hints={"tranposed": "typo"})


def test_param_name_is_derived_or_given():
    assert diagnose(REF.T, REF, name="dW").param_name == "W"
    assert diagnose(REF.T, REF, name="grad_b").param_name == "b"
    assert diagnose(REF.T, REF, name="dL/dx").param_name == "x"
    assert diagnose(REF.T, REF, name="g", param_name="theta").param_name == "theta"


def test_caller_errors_are_clear():
    with pytest.raises(ValueError, match="reference gradient has shape"):
        diagnose(REF, REF, param=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="needs a reference gradient, a parameter"):
        diagnose(REF)
    with pytest.raises(ValueError, match="NaN"):
        diagnose(REF, REF * np.nan)
    with pytest.raises(ValueError, match="batch_size"):
        diagnose(REF, REF, batch_size=0)
    with pytest.raises(TypeError, match="inputs must be"):
        diagnose(REF, REF, inputs=5)
    with pytest.raises(ValueError, match="snapshots must mirror"):
        diagnose(REF, REF, inputs=[REF], snapshots=[])
    with pytest.raises(TypeError, match="ShapeDiagnosis"):
        raise_for("transposed")


def test_vocabulary_is_documented():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[1] / "docs" / "shapes.md"
    if not doc.exists():
        pytest.skip("docs/shapes.md not written yet")
    text = doc.read_text()
    assert all(f"`{tag}`" in text for tag in TAGS)


def test_importing_shapes_loads_no_plotting_or_widgets():
    code = ("import sys, nbkit.shapes; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'scipy', 'nbgrader') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_show_values_false_hides_expected_and_input_values():
    from nbkit.shapes import snapshot

    wrong = REF.copy()
    wrong[1, 2] = 123.0
    shown, hidden = diagnose(wrong, REF), diagnose(wrong, REF, show_values=False)
    assert "123" in shown.message and "2.5" in shown.message
    assert "123" not in hidden.message and "2.5" not in hidden.message and "dW[1, 2]" in hidden.message
    upstream = REF.copy()
    before = snapshot([upstream])
    upstream[0, 0] = 77.0
    modified = diagnose(REF.copy(), REF, inputs=[upstream], snapshots=before, show_values=False)
    assert modified.diagnosis == "input-modified" and "77" not in modified.message


def test_shapes_modules_import_each_other_without_a_cycle():
    """nbkit.shapes is a handful of modules, each importing only ones before it (no cycle)."""
    import ast
    from pathlib import Path

    import nbkit.shapes

    folder = Path(nbkit.shapes.__file__).parent
    deps = {p.stem: {n.module for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                     if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module}
            for p in folder.glob("*.py") if p.stem != "__init__"}
    done: set = set()
    while len(done) < len(deps):
        ready = {m for m, d in deps.items() if m not in done and d <= done}
        assert ready, f"import cycle among {sorted(set(deps) - done)}"
        done |= ready
    assert len(deps) <= 8 and "layout" not in deps


def test_no_module_is_named_after_the_math_word_layout():
    from pathlib import Path

    import nbkit

    root = Path(nbkit.__file__).parent
    named = {p.relative_to(root).as_posix() for p in root.rglob("layout.py")}
    assert not named, named
