"""What a learner reads when a check fails: lines short enough that a notebook never wraps
them itself, broken only at spaces (never inside a number or a word)."""
import re

from nbkit.feedback import WIDTH, CheckFailed, wrap_message

LONG = ("backward is wrong (case x=-2, y=5, upstream=1). Your backward gave (dx, dy) = (-0.1366025, "
        "0.7071067811865476); the right answer is (-0.4, 0.3). Each downstream gradient is upstream "
        "× the local gradient d out / d input, evaluated at the inputs of the last forward call.\n"
        "Try: dW = x.T @ dout, shaped like W (5, 3).")


def _tokens(text):
    return re.findall(r"\S+", text)


def test_rendered_lines_fit_and_break_only_at_spaces():
    lines = CheckFailed(LONG, diagnosis="wrong-values", exercise="MulGate")._render_traceback_()
    body = [line[2:] for line in lines[1:] if not line.startswith("  [diagnosis")]
    assert all(len(line) <= WIDTH + 2 for line in lines), [len(x) for x in lines]
    assert _tokens(" ".join(body)) == _tokens(LONG)  # nothing split, lost or joined
    assert any(line.strip().startswith("Try:") for line in body)  # the message's own line breaks stay


def test_short_lines_and_blank_lines_are_kept_as_they_are():
    assert wrap_message("one\n\n  indented") == ["one", "", "  indented"]


def test_a_long_unbreakable_token_stays_whole():
    token = "x" * (WIDTH + 10)
    assert wrap_message(f"see {token} here") == ["see", token, "here"]
