"""The one registry of diagnoses: every tag nbkit can emit is registered once, with its meaning."""
import ast
import re
from pathlib import Path

from nbkit import diagnoses
from nbkit.shapes import DIAGNOSES as SHAPE_DIAGNOSES

NBKIT = Path(__file__).resolve().parents[1] / "nbkit"


def _literal_tags(tree: ast.AST, findings: bool = True):
    """Tags written as literals: diagnosis="tag", ex.fail(message, "tag"), Mistake("tag", ...),
    and (with ``findings``, in nbkit.shapes) Finding("tag", ...)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        for kw in node.keywords:
            if kw.arg == "diagnosis" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                yield kw.value.value
        if (name == "Mistake" or (name == "Finding" and findings)) and node.args and isinstance(node.args[0], ast.Constant):
            yield node.args[0].value
        if name == "fail" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
            yield node.args[1].value


def test_every_literal_tag_in_nbkit_is_registered():
    unregistered = {}
    for path in NBKIT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for tag in _literal_tags(tree, findings="shapes" in path.parts):
            if not diagnoses.is_registered(tag):
                unregistered.setdefault(tag, path.relative_to(NBKIT.parent).as_posix())
    assert not unregistered, f"register these in nbkit/diagnoses.py: {unregistered}"


def test_the_scan_sees_every_form_of_a_tag():
    source = ('fail("m", diagnosis="a-1"); ex.fail("m", "b-2"); Mistake("c-3", f, "why"); '
              'Finding("d-4", "what"); ex.fail(f"m {x}", "e-5")')
    assert set(_literal_tags(ast.parse(source))) == {"a-1", "b-2", "c-3", "d-4", "e-5"}


def test_shape_checker_vocabulary_is_registered():
    assert set(diagnoses.SHAPE_TAGS) == set(SHAPE_DIAGNOSES)
    for tag in diagnoses.SHAPE_TAGS:
        assert diagnoses.is_registered(tag)


def test_every_registered_tag_has_a_sentence():
    for tag, text in diagnoses.DIAGNOSES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", tag), tag
        assert len(text) > 20 and text.endswith("."), (tag, text)


def test_exception_families_and_unknown_tags():
    assert diagnoses.is_registered("raised-TypeError")
    assert "TypeError" in diagnoses.meaning("raised-TypeError")
    assert not diagnoses.is_registered("raised-")
    assert not diagnoses.is_registered("no-such-mistake")


def test_check_failed_notes_an_unregistered_tag():
    from nbkit.feedback import CheckFailed

    diagnoses.UNREGISTERED_SEEN.discard("no-such-mistake")
    CheckFailed("a message long enough to be a sentence", diagnosis="no-such-mistake")
    assert "no-such-mistake" in diagnoses.UNREGISTERED_SEEN
    diagnoses.UNREGISTERED_SEEN.discard("no-such-mistake")  # keep the autouse guard quiet
