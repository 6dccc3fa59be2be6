"""Fixtures shared by the whole suite.

``rejects`` and ``accepts`` are how every check test says "this check rejects that answer
with this diagnosis and a helpful message" or "this correct alternative passes".
Every test also fails if any check emitted a diagnosis tag not registered in
:mod:`nbkit.diagnoses`.
"""
from __future__ import annotations

import re

import pytest

from nbkit import diagnoses
from nbkit.feedback import CheckFailed

# Things a learner must never read in a check's message.
_INTERNAL = re.compile(r"\[diagnosis:|Traceback|File \".*nbkit/|site-packages|/nbkit/checks/")


def _rejects(check, *args, diagnosis: str, says=(), hidden_values=(), **kwargs) -> CheckFailed:
    """Run ``check(*args, **kwargs)``; assert it fails with ``diagnosis`` and a helpful message.

    ``says``: strings the message must contain (case-insensitive), e.g. the shapes involved.
    ``hidden_values``: strings that must NOT appear (hidden-case inputs and expected values).
    Returns the :class:`CheckFailed` for further assertions.
    """
    with pytest.raises(CheckFailed) as info:
        check(*args, **kwargs)
    err = info.value
    assert err.diagnosis == diagnosis, f"expected diagnosis {diagnosis!r}, got {err.diagnosis!r}: {err.message}"
    assert len(err.message) > 40, f"a sentence, not a bare tag: {err.message!r}"
    assert not _INTERNAL.search(err.message), f"internal detail in a learner's message: {err.message}"
    for text in says:
        assert text.lower() in err.message.lower(), f"message should mention {text!r}: {err.message}"
    for value in hidden_values:
        assert value not in err.message, f"hidden value {value!r} shown: {err.message}"
    return err


def _accepts(check, *args, **kwargs) -> None:
    """Run ``check(*args, **kwargs)``; assert it passes (a CheckFailed shows its message)."""
    try:
        check(*args, **kwargs)
    except CheckFailed as err:  # pragma: no cover - the assertion message is the point
        pytest.fail(f"a correct answer was rejected ({err.diagnosis}): {err.message}")


@pytest.fixture
def rejects():
    """``rejects(check, answer, ..., diagnosis="tag", says=("(3, 5)",))`` -> CheckFailed."""
    return _rejects


@pytest.fixture
def accepts():
    """``accepts(check, answer, ...)``: the check passes."""
    return _accepts


@pytest.fixture(autouse=True)
def _only_registered_diagnoses():
    """Fail any test during which a check emitted an unregistered diagnosis tag."""
    before = set(diagnoses.UNREGISTERED_SEEN)
    yield
    new = diagnoses.UNREGISTERED_SEEN - before
    assert not new, (f"diagnosis tags not registered in nbkit/diagnoses.py: {sorted(new)}; "
                     f"register each once with its meaning")
