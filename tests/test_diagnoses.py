"""The one registry of diagnoses: every tag nbkit can emit is registered once, with its meaning."""
import re
from pathlib import Path

from nbkit import diagnoses
from nbkit.shapes import DIAGNOSES as SHAPE_DIAGNOSES

NBKIT = Path(__file__).resolve().parents[1] / "nbkit"
# Tags written as literals: diagnosis="tag", Mistake("tag", ...); Finding("tag", ...) in nbkit.shapes.
_LITERAL = re.compile(r'(?:diagnosis=|Mistake\()\s*"([a-z0-9-]+)"(?!\s*\+)')
_SHAPES_FINDING = re.compile(r'Finding\(\s*"([a-z0-9-]+)"')


def test_every_literal_tag_in_nbkit_is_registered():
    unregistered = {}
    for path in NBKIT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _LITERAL.findall(text) + (_SHAPES_FINDING.findall(text) if "shapes" in path.parts else [])
        for tag in found:
            if not diagnoses.is_registered(tag):
                unregistered.setdefault(tag, path.relative_to(NBKIT.parent).as_posix())
    assert not unregistered, f"register these in nbkit/diagnoses.py: {unregistered}"


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
