"""The shared helpers: numerics of rnn_utils and the checks of check_utils."""

import numpy as np
import pytest

import check_utils
import rnn_utils
from check_utils import (
    CheckFailure,
    check_calls,
    check_close,
    check_gradients,
    check_keys,
    check_shape,
    numerical_gradient,
    rel_error,
)

# --- rnn_utils ---------------------------------------------------------------


def test_softmax_columns_are_distributions_and_stable():
    z = np.array([[1000.0, -5.0], [1001.0, -6.0], [999.0, -7.0]])
    p = rnn_utils.softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=0), [1.0, 1.0])
    np.testing.assert_allclose(p[:, 1], np.exp([-5, -6, -7]) / np.exp([-5, -6, -7]).sum())


def test_sigmoid_matches_definition_without_overflow():
    x = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(rnn_utils.sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-12, atol=1e-15)
    with np.errstate(all="raise"):
        rnn_utils.sigmoid(np.array([-1e4, 1e4]))


def test_derivatives_through_outputs():
    z = np.linspace(-3, 3, 13)
    h = 1e-6
    num_s = (rnn_utils.sigmoid(z + h) - rnn_utils.sigmoid(z - h)) / (2 * h)
    num_t = (np.tanh(z + h) - np.tanh(z - h)) / (2 * h)
    np.testing.assert_allclose(rnn_utils.sigmoid_derivative(rnn_utils.sigmoid(z)), num_s, rtol=1e-7)
    np.testing.assert_allclose(rnn_utils.tanh_derivative(np.tanh(z)), num_t, rtol=1e-7)


def test_seeded_examples_draw_in_the_documented_order():
    xt, a_prev, p = rnn_utils.rnn_cell_example(seed=1)
    np.random.seed(1)
    expect = [
        np.random.randn(3, 10),
        np.random.randn(5, 10),
        np.random.randn(5, 5),
        np.random.randn(5, 3),
        np.random.randn(2, 5),
        np.random.randn(5, 1),
        np.random.randn(2, 1),
    ]
    for got, want in zip([xt, a_prev, p["Waa"], p["Wax"], p["Wya"], p["ba"], p["by"]], expect):
        np.testing.assert_array_equal(got, want)
    x, a0, p = rnn_utils.lstm_sequence_example(seed=1)
    np.random.seed(1)
    expect = [np.random.randn(3, 10, 7), np.random.randn(5, 10)]
    for _ in "fioc":
        expect += [np.random.randn(5, 8), np.random.randn(5, 1)]
    expect += [np.random.randn(2, 5), np.random.randn(2, 1)]
    got = [x, a0] + [p[k + g] for g in "fioc" for k in ("W", "b")] + [p["Wy"], p["by"]]
    for g_, w in zip(got, expect):
        np.testing.assert_array_equal(g_, w)


def test_initialisers_shapes():
    p = rnn_utils.initialize_rnn_parameters(4, 6, 3)
    assert {k: v.shape for k, v in p.items()} == {
        "Wax": (6, 4),
        "Waa": (6, 6),
        "Wya": (3, 6),
        "ba": (6, 1),
        "by": (3, 1),
    }
    q = rnn_utils.initialize_lstm_parameters(4, 6, 3)
    assert q["Wf"].shape == (6, 10) and q["Wy"].shape == (3, 6) and np.all(q["bf"] == 1.0)


# --- check_utils ---------------------------------------------------------------


def test_check_shape_message_names_both_shapes():
    with pytest.raises(CheckFailure, match=r"a_next has shape \(10, 5\), expected \(5, 10\)"):
        check_shape("a_next", np.zeros((10, 5)), (5, 10))
    with pytest.raises(CheckFailure, match="is None"):
        check_shape("a_next", None, (5, 10))
    check_shape("a_next", np.zeros((5, 10)), (5, 10))


def test_check_close_visible_message_shows_values():
    with pytest.raises(CheckFailure) as exc:
        check_close("y[1]", [1.0, 2.5], [1.0, 2.0], hint="look at the bias")
    msg = str(exc.value)
    assert "expected: [1., 2.]" in msg and "got:      [1. , 2.5]" in msg and "hint: look at the bias" in msg
    assert "2.5" in msg and "look at the bias" in msg and "index (1,)" in msg


def test_check_close_hidden_message_hides_reference_values():
    secret = [0.123456789, 9.87654321]
    with pytest.raises(CheckFailure) as exc:
        check_close("a", [0.0, 0.0], secret, hidden=True)
    msg = str(exc.value)
    assert "hidden example" in msg
    assert "0.1234" not in msg and "9.876" not in msg


def test_check_close_accepts_tolerance_and_rejects_nan():
    check_close("a", [1.0 + 1e-9], [1.0])
    with pytest.raises(CheckFailure, match="NaN"):
        check_close("a", [np.nan], [1.0])
    with pytest.raises(CheckFailure, match="shape"):
        check_close("a", [1.0, 2.0], [1.0])


def test_checks_ignore_a_replaced_numpy(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "abs", lambda x: x * 0)
    monkeypatch.setattr(np.testing, "assert_allclose", lambda *a, **k: None)
    with pytest.raises(CheckFailure):
        check_close("a", np.zeros(3), np.ones(3))


def test_check_keys():
    check_keys("grads", {"dx": 1, "da0": 2}, ["dx", "da0"])
    with pytest.raises(CheckFailure, match="missing 'dWax'.*unexpected 'dW'"):
        check_keys("grads", {"dx": 1, "dW": 2}, ["dx", "dWax"])


def _outer_calls(x):
    return _inner(x) + 1


def _outer_inlines(x):
    return x * 2 + 1


def _inner(x):
    return x * 2


def test_check_calls_detects_a_missing_call():
    check_calls(_outer_calls, "_inner", 3)
    assert _inner(1) == 2  # restored
    with pytest.raises(CheckFailure, match="should call _inner"):
        check_calls(_outer_inlines, "_inner", 3)


def test_rel_error():
    assert rel_error(np.ones(3), np.ones(3)) == 0
    assert rel_error([1.0], [3.0]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        rel_error(np.ones(2), np.ones(3))


def _tanh_layer(seed=0):
    rng = np.random.default_rng(seed)
    W, x, dout = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5))

    def loss():
        return np.sum(np.tanh(W @ x) * dout)

    g = (1 - np.tanh(W @ x) ** 2) * dout
    return W, x, loss, {"W": g @ x.T, "x": W.T @ g}


def test_numerical_gradient_and_check_gradients_accept_a_correct_gradient(capsys):
    W, x, loss, grads = _tanh_layer()
    before = W.copy()
    errors = check_gradients(loss, {"W": W, "x": x}, grads)
    assert max(errors.values()) < 1e-7
    np.testing.assert_array_equal(W, before)  # perturbations undone
    assert "relative error" in capsys.readouterr().out
    np.testing.assert_allclose(numerical_gradient(loss, W), grads["W"], rtol=1e-6)


def test_check_gradients_rejects_a_wrong_gradient():
    W, x, loss, grads = _tanh_layer()
    wrong = dict(grads, W=grads["W"] * 1.01)
    with pytest.raises(CheckFailure, match="gradient check failed.*W"):
        check_gradients(loss, {"W": W, "x": x}, wrong, verbose=False)
    missing_tanh = {"W": 0 * grads["W"] + (np.ones((4, 5)) @ x.T), "x": grads["x"]}
    with pytest.raises(CheckFailure):
        check_gradients(loss, {"W": W, "x": x}, missing_tanh, verbose=False)


def test_numerical_gradient_requires_float64():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_module_exports_exist():
    for name in check_utils.__all__:
        assert hasattr(check_utils, name)
    for name in rnn_utils.__all__:
        assert hasattr(rnn_utils, name)


# --- the cell pictures of rnn_utils ------------------------------------------


def _figure_text(fig):
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


@pytest.mark.parametrize(
    "draw, labels",
    [
        ("draw_rnn_cell", ["a_prev", "xt", "Waa", "Wax", "ba", "tanh", "a_next", "Wya", "by", "softmax", "yt_pred"]),
        (
            "draw_lstm_cell",
            [
                "c_prev",
                "c_next",
                "a_prev",
                "a_next",
                "xt",
                "[a_prev; xt]",
                "Wf, bf",
                "Wi, bi",
                "Wc, bc",
                "Wo, bo",
                "ft",
                "it",
                "cct",
                "ot",
                "Wy, by",
                "yt_pred",
            ],
        ),
        (
            "draw_lstm_cell_backward",
            [
                "da_next",
                "dc_next",
                "da_prev",
                "dc_prev",
                "dxt",
                "dc",
                "dft",
                "dit",
                "dcct",
                "dot",
                "dzf",
                "dzi",
                "dzc",
                "dzo",
                "dWf",
                "dbf",
                "dWi",
                "dbi",
                "dWc",
                "dbc",
                "dWo",
                "dbo",
            ],
        ),
    ],
)
def test_cell_pictures_carry_the_course_names(draw, labels):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = getattr(rnn_utils, draw)()
    try:
        assert isinstance(fig, matplotlib.figure.Figure)
        assert draw in rnn_utils.__all__
        words = _figure_text(fig)
        missing = [label for label in labels if label not in words]
        assert not missing, f"{draw} lacks the labels {missing}"
        fig.canvas.draw()  # renders (the mathtext labels parse) without a network or a display
    finally:
        plt.close(fig)
