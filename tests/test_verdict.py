"""The grader's side of the verdict (rnn_course.verdict), on records made by hand.

Records are what ``check_utils`` publishes under grading; here they are
built with ``check_utils.encode``, as the kernel builds them.
"""

from __future__ import annotations

import numpy as np
import pytest

from check_utils import encode
from rnn_course.verdict import calls_in_source, evaluate, judge, same


def rec(kind, name, value, **params):
    return {"kind": kind, "name": name, "value": encode(value), "params": encode(params)}


A = np.arange(6.0).reshape(2, 3) / 7


# --- comparing by value --------------------------------------------------------


@pytest.mark.parametrize(
    "got",
    [
        A.copy(),
        A.tolist(),  # a list of lists where the reference has an array
        A + 1e-12,  # round-off of another order of operations
        A.astype(np.float64, order="F"),
    ],
)
def test_equal_values_pass_whatever_their_container(got):
    assert same(got, A, 1e-6, 1e-8) is None


def test_a_tuple_and_a_list_are_the_same_sequence():
    ref = (A, A * 2, {"W": A})
    assert same([A.copy(), A * 2, {"W": A.copy()}], ref, 1e-6, 1e-8) is None


@pytest.mark.parametrize(
    "got",
    [A.T, A + 1e-3, np.full_like(A, np.nan), None, "A", [A, A], {"W": A}],
)
def test_different_values_fail(got):
    assert same(got, A, 1e-6, 1e-8) is not None


def test_dicts_need_the_same_keys():
    assert same({"a": 1.0}, {"a": 1.0, "b": 2.0}, 1e-6, 1e-8) is not None
    assert same({"a": 1.0, "b": 2.0}, {"b": 2.0, "a": 1.0}, 1e-6, 1e-8) is None


# --- each kind of check --------------------------------------------------------


def test_the_reference_record_decides_tolerance_and_message():
    ref = rec("reference", "a_next", A, rtol=1e-6, atol=1e-8, hint="the hint")
    assert evaluate(ref, rec("reference", "a_next", A.copy()), []) is None
    # the submission's own record cannot loosen the tolerance
    forged = rec("reference", "a_next", A + 1, rtol=1e9, atol=1e9)
    message = evaluate(ref, forged, [])
    assert message is not None and "a_next" in message and "the hint" in message


def test_close_uses_the_expected_value_of_the_reference_record():
    ref = rec("close", "x[0]", [1.0, 2.0], expected=[1.0, 2.0], rtol=1e-6, atol=1e-8, hidden=False, hint=None)
    assert evaluate(ref, rec("close", "x[0]", [1.0, 2.0], expected=[9.0, 9.0]), []) is None
    assert evaluate(ref, rec("close", "x[0]", [9.0, 9.0], expected=[9.0, 9.0]), []) is not None


def test_shapes_are_read_from_the_recorded_array():
    ref = rec("shape", "a", np.zeros((2, 3)), expected=[2, 3])
    assert evaluate(ref, rec("shape", "a", np.ones((2, 3))), []) is None
    assert evaluate(ref, rec("shape", "a", np.ones((3, 2)), expected=[3, 2]), []) is not None
    assert evaluate(ref, rec("shape", "a", [[0, 0, 0], [0, 0, 0]]), []) is not None  # not an array


def test_gradients_are_compared_with_the_reference_backward():
    g = {"dW": A, "db": np.ones((2, 1))}
    ref = rec("gradients", "the gradients of W, b", g, tol=1e-7)
    assert (
        evaluate(ref, rec("gradients", "the gradients of W, b", {k: v * (1 + 1e-12) for k, v in g.items()}), []) is None
    )
    message = evaluate(ref, rec("gradients", "the gradients of W, b", {"dW": A.T.reshape(2, 3), "db": g["db"]}), [])
    assert message is not None and "dW" in message and "db" not in message


def test_a_bound_is_checked_against_the_reference_records_bound():
    ref = rec("below", "loss", 0.1, bound=0.5, hint=None)
    assert evaluate(ref, rec("below", "loss", 0.4, bound=99), []) is None
    assert evaluate(ref, rec("below", "loss", 0.6, bound=99), []) is not None


SOURCES = [
    "def rnn_forward(x, a0, p):\n    for t in range(3):\n        a, y, c = rnn_cell_forward(x[:, :, t], a0, p)\n",
]


def test_a_structure_test_needs_the_call_in_the_students_source():
    ref = rec("calls", "rnn_forward calls rnn_cell_forward", True, outer="rnn_forward", inner="rnn_cell_forward")
    assert calls_in_source(SOURCES, "rnn_forward", "rnn_cell_forward")
    assert evaluate(ref, rec("calls", ref["name"], True), SOURCES) is None
    # a forged "it called the helper" does not help code that never calls it
    inline = ["def rnn_forward(x, a0, p):\n    return np.tanh(p['Waa'] @ a0)\n"]
    assert evaluate(ref, rec("calls", ref["name"], True), inline) is not None
    assert evaluate(ref, rec("calls", ref["name"], False), SOURCES) is not None


# --- a whole test cell -----------------------------------------------------------

REFERENCE = [
    rec("shape", "a", A, expected=[2, 3]),
    rec("close", "a[0]", A[0], expected=A[0].tolist(), rtol=1e-6, atol=1e-8, hidden=False, hint=None),
    rec("reference", "a", A, rtol=1e-6, atol=1e-8, hint=None),
]


def test_matching_records_pass():
    got = [rec("shape", "a", A), rec("close", "a[0]", A[0]), rec("reference", "a", A)]
    assert judge("t", REFERENCE, got, []).passed


def test_a_wrong_value_fails_without_a_flag():
    got = [rec("shape", "a", A), rec("close", "a[0]", A[0]), rec("reference", "a", A * 2)]
    v = judge("t", REFERENCE, got, [], stopped_by=None)
    assert not v.passed and not v.tampered


def test_a_cell_that_stopped_with_an_error_fails_without_a_flag():
    v = judge("t", REFERENCE, [rec("shape", "a", A)], [], stopped_by="TypeError")
    assert not v.passed and not v.tampered and "TypeError" in v.message


def test_no_records_and_no_error_is_flagged():
    v = judge("t", REFERENCE, [], [], stopped_by=None)
    assert not v.passed and v.tampered


def test_going_on_after_a_failed_check_is_flagged():
    got = [rec("shape", "a", A), rec("close", "a[0]", A[0] + 1), rec("reference", "a", A)]
    v = judge("t", REFERENCE, got, [], stopped_by=None)
    assert not v.passed and "went on" in v.tampered


def test_records_the_test_does_not_make_are_flagged():
    extra = [rec("shape", "a", A), rec("close", "a[0]", A[0]), rec("reference", "a", A), rec("reference", "b", 0)]
    assert judge("t", REFERENCE, extra, []).tampered
    renamed = [rec("shape", "b", A), rec("close", "a[0]", A[0]), rec("reference", "a", A)]
    assert judge("t", REFERENCE, renamed, []).tampered


def test_a_malformed_record_fails():
    from rnn_course.verdict import take_records

    cell = {
        "outputs": [
            {"output_type": "display_data", "data": {"application/vnd.rnn-course.record+json": "{not json"}},
            {"output_type": "stream", "name": "stdout", "text": "hello"},
        ]
    }
    records = take_records(cell)
    assert records == [{"kind": "malformed", "name": ""}] and len(cell["outputs"]) == 1
    assert not judge("t", REFERENCE[:1], records, []).passed


def test_every_check_makes_exactly_one_record(monkeypatch):
    """A failed check followed by a second record of the same call would look like tampering."""
    import check_utils

    made = []
    monkeypatch.setattr(check_utils, "record", lambda *a, **k: made.append(a[0]))
    calls = [
        lambda: check_utils.check_keys("g", {"a": 1}, ["a", "b"]),
        lambda: check_utils.check_keys("g", [1], ["a"]),
        lambda: check_utils.check_shape("a", np.zeros(2), (3,)),
        lambda: check_utils.check_type("c", [], tuple),
        lambda: check_utils.check_close("x", [1.0], [2.0]),
        lambda: check_utils.check_finite("x", [np.nan]),
        lambda: check_utils.check_below("loss", 3.0, 1.0),
        lambda: check_utils.check_true("cache", False, "cache should hold 4 entries"),
    ]
    for call in calls:
        made.clear()
        with pytest.raises(check_utils.CheckFailure):
            call()
        assert len(made) == 1, made


def test_a_true_check_shows_the_reference_message():
    ref = rec("true", "cache length", True, message="cache should hold 4 entries")
    assert evaluate(ref, rec("true", "cache length", True, message="forged"), []) is None
    assert evaluate(ref, rec("true", "cache length", False, message="forged"), []) == "cache should hold 4 entries"
