"""The shared check kit: closeness, the catalogue matcher, and an Exercise's wording."""
import numpy as np
import pytest

from nbkit.checks.kit import Exercise, Mistake, close, find_mistake


def test_close_is_relative_for_large_values_and_absolute_near_zero():
    assert close(1e6, 1e6 + 0.5)
    assert not close(1e6, 1e6 + 5.0)
    assert close(0.0, 5e-7) and not close(0.0, 5e-6)
    assert close(np.ones((2, 3)), np.ones((2, 3)) + 1e-9)


def test_close_treats_shape_as_part_of_the_answer():
    assert not close(np.ones((3, 1)), np.ones(3))
    assert not close(np.ones((2, 3)), np.ones((3, 2)))
    assert not close(None, 1.0) and not close("x", 1.0)
    assert close([1.0, np.zeros(2)], (1.0, np.zeros(2)))       # a tuple of results, item by item
    assert not close((1.0, np.zeros(2)), (1.0, np.zeros(3)))


def test_close_with_nan_only_equal_to_the_same_nan():
    assert not close(np.array([np.nan]), np.array([0.0]))


MISTAKES = [
    Mistake("own-value", lambda x, y, u: (u * x, u * y), "Each input got its own value."),
    Mistake("sign-flipped", lambda x, y, u: (-u * y, -u * x), "The signs are flipped."),
    Mistake("add-rule", lambda x, y, u: None, "Cannot be told apart here."),
]


def test_find_mistake_names_the_matching_entry():
    assert find_mistake((6.0, 10.0), MISTAKES, (3.0, 5.0, 2.0), reference=(10.0, 6.0)).tag == "own-value"
    assert find_mistake((-10.0, -6.0), MISTAKES, (3.0, 5.0, 2.0)).tag == "sign-flipped"
    assert find_mistake((1.0, 2.0), MISTAKES, (3.0, 5.0, 2.0)) is None


def test_find_mistake_skips_an_entry_that_equals_the_right_answer_here():
    # x == y: "own value" gives the right answer, so it cannot be the diagnosis.
    assert find_mistake((8.0, 8.0), MISTAKES, (4.0, 4.0, 2.0), reference=(8.0, 8.0)) is None


def test_exercise_wording_visible_and_hidden():
    visible, hidden = Exercise("MulGate"), Exercise("MulGate", hidden=True)
    assert visible.case(0, "x=3") == "x=3" and hidden.case(1, "x=3") == "hidden case 2"
    assert visible.count(1) == "1 case" and hidden.count(3) == "3 hidden cases"
    assert visible.show(" got 3.") == " got 3." and hidden.show(" got 3.") == ""


def test_judge_names_a_catalogued_mistake_and_hides_values_in_hidden_cases(rejects):
    ex = Exercise("MulGate", hidden=True)
    err = rejects(ex.judge, (6.25, 10.5), (10.5, 6.25), name="(dx, dy)", case="hidden case 1",
                  mistakes=MISTAKES, args=(3.125, 5.25, 2.0), diagnosis="own-value",
                  says=("own value",), hidden_values=("3.125", "5.25", "10.5", "6.25"))
    assert err.exercise == "MulGate"


def test_judge_falls_back_to_the_shape_checker_for_arrays(rejects):
    ex = Exercise("affine_backward")
    reference = np.arange(6.0).reshape(2, 3)
    rejects(ex.judge, reference.T, reference, name="dW", case="case 1", diagnosis="transposed",
            says=("(3, 2)", "(2, 3)"))
    rejects(ex.judge, 2 * reference, reference, name="dW", case="case 1", diagnosis="scaled-by-2")


def test_judge_reports_wrong_values_with_the_idea_to_revisit(rejects):
    ex = Exercise("neuron")
    rejects(ex.judge, (1.0, 2.0), (1.5, 2.5), name="(dw, dx)", case="case 1", diagnosis="wrong-values",
            otherwise="Work backwards from df/dz.", says=("work backwards", "right answer is"))


def test_judge_accepts_a_right_answer_in_another_container(accepts):
    accepts(Exercise("MulGate").judge, [np.float64(10.0), 6], (10.0, 6.0), name="(dx, dy)", case="c")


def test_call_turns_not_implemented_and_crashes_into_messages(rejects):
    ex = Exercise("relu_forward")

    def unfinished(z):
        raise NotImplementedError()

    def crashes(z):
        return z.nosuchattribute

    rejects(ex.call, unfinished, 1.0, what="relu_forward(z)", diagnosis="not-implemented",
            says=("not written yet",))
    rejects(ex.call, crashes, 1.0, what="relu_forward(z)", diagnosis="raised-AttributeError",
            says=("relu_forward(z)",))


def test_array_and_returned_validate_shapes_and_counts(rejects):
    ex = Exercise("affine_forward")
    rejects(ex.array, None, what="out", diagnosis="returned-none")
    rejects(ex.array, np.zeros((3, 2)), what="out", shape=(2, 3), diagnosis="wrong-shape", says=("(2, 3)", "(3, 2)"))
    rejects(ex.returned, np.zeros(3), 2, what="affine_forward(x, W, b)", names="(out, cache)",
            diagnosis="wrong-count", says=("(out, cache)",))
    assert ex.returned((1, 2), 2, what="f", names="(a, b)") == (1, 2)


def test_passed_prints_one_line(capsys):
    Exercise("MulGate").passed("4 cases agree.")
    assert capsys.readouterr().out == "\u2714 MulGate: 4 cases agree.\n"


def test_method_names_a_misspelt_method_and_require_class_a_missing_class(rejects):
    class Gate:
        def foward(self, x):
            return x

    ex = Exercise("MulGate")
    rejects(ex.method, Gate(), "forward", diagnosis="missing-method", says=("`foward`", "misspelling"))
    rejects(ex.method, Gate(), "backward", diagnosis="missing-method", says=("def backward",))
    rejects(ex.require_class, Gate(), diagnosis="not-a-class")
    assert ex.method(Gate(), "foward")(3) == 3


def test_gradients_names_a_missing_return_and_a_wrong_count(rejects):
    ex = Exercise("MulGate")
    err = rejects(ex.gradients, object(), None, 2, what="MulGate.backward", diagnosis="returned-none",
                  says=("return",))
    assert "single value" not in err.message
    rejects(ex.gradients, object(), 3.0, 2, what="MulGate.backward", diagnosis="wrong-count")
    assert ex.gradients(object(), [1.0, 2.0], 2, what="b") == (1.0, 2.0)


def test_a_mistake_may_explain_itself_with_the_case_and_judge_may_skip_the_shape_checker(rejects):
    sized = Mistake("diagonal-as-vector", lambda z: np.diag(np.diag(z)).diagonal(),
                    lambda z: f"the diagonal of a {z.shape[0]} x {z.shape[0]} matrix")
    assert sized.explain(np.eye(3)) == "the diagonal of a 3 x 3 matrix"
    ex = Exercise("numerical_gradient")
    ref = np.arange(1.0, 7.0).reshape(2, 3)
    err = rejects(ex.judge, 2 * ref, ref, name="grad", case="case 1", shapes=False, diagnosis="wrong-values")
    assert "factor" not in err.message
