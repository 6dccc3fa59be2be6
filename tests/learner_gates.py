"""Learner-style gate classes built from two functions, for the check tests.

``make_gate(forward, backward)`` is how a test writes "a gate whose forward is x * y and whose
backward returns (u * x, u * y)" in one line; tests/test_checks_ch01.py and
tests/test_checks_hidden.py both use it.
"""


def make_gate(forward, backward):
    """A gate class with forward(x, y) -> forward(x, y) and backward(upstream) -> backward(x, y, upstream)."""

    class Gate:
        def forward(self, x, y):
            self.x, self.y = x, y
            return forward(x, y)

        def backward(self, upstream):
            return backward(self.x, self.y, upstream)

    return Gate
