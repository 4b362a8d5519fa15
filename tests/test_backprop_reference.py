"""The reference solutions of 02_lstm_forward and 03_backprop, checked without nbgrader.

* every backward pass of the 03 reference passes a centred-difference gradient
  check (float64) on the cases its hidden tests use, with a margin (< 1e-8,
  the tests ask < 1e-7): a correct student differs from the reference by
  rounding only, so these cases cannot fail a correct submission by bad luck;
* the figures published in the curriculum spec are reproduced where they are
  right, and where they are wrong the disagreement is confirmed by a centred
  difference of the loss for that single entry (the instructor notes in the
  hidden cell ``test_published_figures`` of 03 explain each one).

The solutions are executed from the source notebooks themselves.
"""

import numpy as np
import pytest

from check_utils import check_gradients
from rnn_course import grading, layout
from rnn_utils import lstm_cell_example, lstm_sequence_example, rnn_cell_example, rnn_sequence_example

REPO = layout.REPO
needs_notebooks = pytest.mark.skipif(
    not {"02_lstm_forward", "03_backprop"} <= set(grading.available_assignments()),
    reason="02_lstm_forward / 03_backprop not selected",
)
LSTM_PARAMS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")


def _namespace(assignment, extra_ids=()):
    """The imports cell, the given locked cells and the solution cells of a source notebook, executed."""
    return layout.reference_namespace(assignment, REPO, tuple(extra_ids))


@pytest.fixture(scope="module")
def bp():
    return _namespace("03_backprop", ("forward_passes",))


@pytest.fixture(scope="module")
def lstm02():
    return _namespace("02_lstm_forward")


# --- gradient checks of the reference ----------------------------------------


def _rnn_cell_errors(ns, seed, n_x, n_a, m):
    xt, a_prev, p = rnn_cell_example(seed=seed, n_x=n_x, n_a=n_a, n_y=2, m=m)
    p = {k: 0.5 * v for k, v in p.items()}
    da = np.random.randn(n_a, m)
    g = ns["rnn_cell_backward"](da, ns["rnn_cell_forward"](xt, a_prev, p)[2])
    return check_gradients(
        lambda: np.sum(ns["rnn_cell_forward"](xt, a_prev, p)[0] * da),
        {"xt": xt, "a_prev": a_prev, "Wax": p["Wax"], "Waa": p["Waa"], "ba": p["ba"]},
        {"xt": g["dxt"], "a_prev": g["da_prev"], "Wax": g["dWax"], "Waa": g["dWaa"], "ba": g["dba"]},
        verbose=False,
    )


def _rnn_seq_errors(ns, seed, n_x, n_a, m, T):
    x, a0, p = rnn_sequence_example(seed=seed, n_x=n_x, n_a=n_a, n_y=2, m=m, T_x=T)
    p = {k: 0.5 * v for k, v in p.items()}
    da = np.random.randn(n_a, m, T)
    g = ns["rnn_backward"](da, ns["rnn_forward"](x, a0, p)[2])
    return check_gradients(
        lambda: np.sum(ns["rnn_forward"](x, a0, p)[0] * da),
        {"x": x, "a0": a0, "Wax": p["Wax"], "Waa": p["Waa"], "ba": p["ba"]},
        {"x": g["dx"], "a0": g["da0"], "Wax": g["dWax"], "Waa": g["dWaa"], "ba": g["dba"]},
        verbose=False,
    )


def _lstm_cell_errors(ns, seed, n_x, n_a, m):
    xt, a_prev, c_prev, p = lstm_cell_example(seed=seed, n_x=n_x, n_a=n_a, n_y=2, m=m)
    p = {k: 0.5 * v for k, v in p.items()}
    da, dc = np.random.randn(n_a, m), np.random.randn(n_a, m)
    g = ns["lstm_cell_backward"](da, dc, ns["lstm_cell_forward"](xt, a_prev, c_prev, p)[3])

    def loss():
        a_next, c_next, _, _ = ns["lstm_cell_forward"](xt, a_prev, c_prev, p)
        return np.sum(a_next * da) + np.sum(c_next * dc)

    inputs = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev}
    analytic = {"xt": g["dxt"], "a_prev": g["da_prev"], "c_prev": g["dc_prev"]}
    for k in LSTM_PARAMS:
        inputs[k], analytic[k] = p[k], g["d" + k]
    return check_gradients(loss, inputs, analytic, verbose=False)


def _lstm_seq_errors(ns, seed, n_x, n_a, m, T):
    x, a0, p = lstm_sequence_example(seed=seed, n_x=n_x, n_a=n_a, n_y=2, m=m, T_x=T)
    p = {k: 0.5 * v for k, v in p.items()}
    da = np.random.randn(n_a, m, T)
    g = ns["lstm_backward"](da, ns["lstm_forward"](x, a0, p)[3])
    inputs, analytic = {"x": x, "a0": a0}, {"x": g["dx"], "a0": g["da0"]}
    for k in LSTM_PARAMS:
        inputs[k], analytic[k] = p[k], g["d" + k]
    return check_gradients(lambda: np.sum(ns["lstm_forward"](x, a0, p)[0] * da), inputs, analytic, verbose=False)


# (seed, n_x, n_a, m[, T_x]) of the hidden tests and of the notebook's self-check cells
CASES = [
    (_rnn_cell_errors, [(4, 3, 4, 2), (5, 4, 4, 3), (7, 1, 3, 2), (1, 3, 4, 2)]),
    (_rnn_seq_errors, [(3, 3, 4, 2, 3), (4, 4, 4, 3, 2), (5, 1, 3, 2, 4), (2, 3, 4, 2, 3)]),
    (_lstm_cell_errors, [(9, 3, 4, 2), (0, 4, 4, 3), (1, 1, 3, 2), (1, 2, 5, 3), (8, 3, 4, 2)]),
    (_lstm_seq_errors, [(0, 3, 4, 2, 3), (1, 1, 3, 2, 4), (2, 2, 5, 3, 3), (6, 4, 4, 3, 2), (6, 3, 4, 2, 3)]),
]


def _assert_published(grads, published, rel):
    """Every published figure {(key, i, j): value} matches the gradients within rel."""
    for (name, i, j), value in published.items():
        assert grads[name][i][j] == pytest.approx(value, rel=rel), name


@needs_notebooks
@pytest.mark.parametrize("fn,cases", CASES, ids=[c[0].__name__.strip("_") for c in CASES])
def test_reference_backward_passes_pass_the_gradient_check_with_margin(bp, fn, cases):
    for case in cases:
        errors = fn(bp, *case)
        worst = max(errors.values())
        assert worst < 1e-8, f"{fn.__name__}{case}: {errors}"


# --- the published figures ---------------------------------------------------


def _entry_derivative(loss, array, index, h=1e-5):
    old = array[index]
    array[index] = old + h
    plus = loss()
    array[index] = old - h
    minus = loss()
    array[index] = old
    return (plus - minus) / (2 * h)


@needs_notebooks
def test_published_forward_figures_of_examples_c_and_d(lstm02):
    xt, a_prev, c_prev, p = lstm_cell_example(seed=1)
    a_next, c_next, yt, cache = lstm02["lstm_cell_forward"](xt, a_prev, c_prev, p)
    np.testing.assert_allclose(a_next[4][:3], [-0.66408471, 0.0036921, 0.02088357], atol=1e-8)
    np.testing.assert_allclose(c_next[2][:3], [0.63267805, 1.00570849, 0.35504474], atol=1e-8)
    np.testing.assert_allclose(yt[1][:3], [0.79913913, 0.15986619, 0.22412122], atol=1e-8)
    assert len(cache) == 10
    x, a0, p = lstm_sequence_example(seed=1)
    a, y, c, caches = lstm02["lstm_forward"](x, a0, p)
    assert a[4][3][6] == pytest.approx(0.17211776753291672, rel=1e-12)
    assert y[1][4][3] == pytest.approx(0.9508734618501101, rel=1e-12)
    assert c[1][2][1] == pytest.approx(-0.8555449167181981, rel=1e-12)
    np.testing.assert_allclose(caches[1][1][1][:3], [0.82797464, 0.23009474, 0.76201118], atol=1e-8)


def _spec_rnn_parameters():
    """The RNN parameters of the published examples, drawn next from numpy's global generator."""
    return {
        "Wax": np.random.randn(5, 3),
        "Waa": np.random.randn(5, 5),
        "Wya": np.random.randn(2, 5),
        "ba": np.random.randn(5, 1),
        "by": np.random.randn(2, 1),
    }


def _spec_rnn_cell_inputs():
    np.random.seed(1)
    xt, a_prev = np.random.randn(3, 10), np.random.randn(5, 10)
    p = _spec_rnn_parameters()
    return xt, a_prev, p, np.random.randn(5, 10)


@needs_notebooks
def test_rnn_cell_published_figures_come_from_the_bias_of_example_b(bp):
    xt, a_prev, p, da = _spec_rnn_cell_inputs()
    g = bp["rnn_cell_backward"](da, bp["rnn_cell_forward"](xt, a_prev, p)[2])
    # with the stated inputs the published dxt[1][2] = -0.4605641030588796 is wrong ...
    assert g["dxt"][1][2] == pytest.approx(-1.3872130506020928, rel=1e-12)
    loss = lambda: np.sum(bp["rnn_cell_forward"](xt, a_prev, p)[0] * da)  # noqa: E731
    assert _entry_derivative(loss, xt, (1, 2)) == pytest.approx(-1.3872130506020928, rel=1e-8)
    # ... and every published figure is right for the leftover `ba` of example B
    p["ba"] = rnn_sequence_example(seed=1)[2]["ba"]
    g = bp["rnn_cell_backward"](da, bp["rnn_cell_forward"](xt, a_prev, p)[2])
    published = {
        ("dxt", 1, 2): -0.4605641030588796,
        ("da_prev", 2, 3): 0.08429686538067671,
        ("dWax", 3, 1): 0.3930818739219304,
        ("dWaa", 1, 2): -0.2848395578696066,
        ("dba", 4, 0): 0.80517166,
    }
    _assert_published(g, published, rel=1e-8)


@needs_notebooks
def test_rnn_sequence_published_figures_are_right(bp):
    np.random.seed(1)
    x, a0 = np.random.randn(3, 10, 4), np.random.randn(5, 10)
    p = _spec_rnn_parameters()
    g = bp["rnn_backward"](np.random.randn(5, 10, 4), bp["rnn_forward"](x, a0, p)[2])
    np.testing.assert_allclose(g["dx"][1][2], [-2.07101689, -0.59255627, 0.02466855, 0.01483317], atol=1e-8)
    assert g["da0"][2][3] == pytest.approx(-0.3149423751266499, rel=1e-12)
    assert g["dWax"][3][1] == pytest.approx(11.264104496527777, rel=1e-12)
    assert g["dWaa"][1][2] == pytest.approx(2.3033331265798926, rel=1e-12)
    assert g["dba"][4][0] == pytest.approx(-0.74747722, abs=1e-8)


@needs_notebooks
def test_lstm_cell_published_dxt_is_wrong_and_the_rest_right(bp):
    xt, a_prev, c_prev, p = lstm_cell_example(seed=1)
    da, dc = np.random.randn(5, 10), np.random.randn(5, 10)
    g = bp["lstm_cell_backward"](da, dc, bp["lstm_cell_forward"](xt, a_prev, c_prev, p)[3])

    def loss():
        a_next, c_next, _, _ = bp["lstm_cell_forward"](xt, a_prev, c_prev, p)
        return np.sum(a_next * da) + np.sum(c_next * dc)

    numeric = _entry_derivative(loss, xt, (1, 2))
    assert numeric == pytest.approx(3.2305591151091875, rel=1e-8)
    assert g["dxt"][1][2] == pytest.approx(3.2305591151091875, rel=1e-12)
    assert abs(numeric - 1.6671905750683789) > 1.5  # the published value
    published = {
        ("da_prev", 2, 3): -0.06396214197109239,
        ("dc_prev", 2, 3): 0.7975220387970015,
        ("dWf", 3, 1): -0.14795483816449725,
        ("dWi", 1, 2): 1.0574980552259903,
        ("dWc", 3, 1): 2.3045621636876668,
        ("dWo", 1, 2): 0.3313115952892108,
        ("dbf", 4, 0): 0.18864637,
        ("dbi", 4, 0): -0.40142491,
        ("dbc", 4, 0): 0.25587763,
        ("dbo", 4, 0): 0.13893342,
    }
    _assert_published(g, published, rel=1e-7)


@needs_notebooks
def test_lstm_sequence_published_figures_come_from_a_backward_pass_that_carries_nothing(bp):
    np.random.seed(1)
    x, a0 = np.random.randn(3, 10, 7), np.random.randn(5, 10)
    p = {}
    for gate in "fioc":
        p["W" + gate], p["b" + gate] = np.random.randn(5, 8), np.random.randn(5, 1)
    p["Wy"], p["by"] = np.zeros((2, 5)), np.zeros((2, 1))
    da = np.random.randn(5, 10, 4)
    steps, _ = bp["lstm_forward"](x, a0, p)[3]
    window = (steps[:4], x[:, :, :4])
    g = bp["lstm_backward"](da, window)
    loss = lambda: np.sum(bp["lstm_forward"](x[:, :, :4], a0, p)[0] * da)  # noqa: E731
    assert _entry_derivative(loss, a0, (2, 3)) == pytest.approx(0.3127703102572603, rel=1e-8)
    assert g["da0"][2][3] == pytest.approx(0.3127703102572603, rel=1e-12)
    np.testing.assert_allclose(g["dx"][1][2], [0.00218254, 0.28205375, -0.48292508, -0.43281115], atol=1e-8)

    # the published da0 and dWf: each step fed da[:, :, t] alone, nothing carried back
    no_carry = {k: 0.0 for k in ("da0", "dWf")}
    dx = np.zeros((3, 10, 4))
    for t in reversed(range(4)):
        step = bp["lstm_cell_backward"](da[:, :, t], np.zeros((5, 10)), steps[t])
        no_carry["dWf"] = no_carry["dWf"] + step["dWf"]
        no_carry["da0"] = step["da_prev"]
        dx[:, :, t] = step["dxt"]
    assert no_carry["da0"][2][3] == pytest.approx(-0.09591150195400472, rel=1e-10)
    assert no_carry["dWf"][3][1] == pytest.approx(-0.06981985612744011, rel=1e-10)
    # the published dx[1][2] cannot come from these inputs: the last step of the window
    # receives nothing from later steps, so every backward pass gives the same last entry
    assert dx[1][2][3] == pytest.approx(g["dx"][1][2][3], rel=1e-12)
    assert abs(g["dx"][1][2][3] - 0.14211684) > 0.5


# --- the plotting helpers added to rnn_utils for 02 and 03 ---------------------


def test_plot_helpers_draw_from_lstm_caches_and_norms():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnn_utils import plot_gradient_norms, plot_lstm_gates

    rng = np.random.default_rng(0)
    steps = []
    for _ in range(6):
        gates = [rng.uniform(0, 1, (4, 2)) for _ in range(4)]
        steps.append(
            (
                rng.standard_normal((4, 2)),
                rng.standard_normal((4, 2)),
                None,
                None,
                gates[0],
                gates[1],
                np.tanh(rng.standard_normal((4, 2))),
                gates[3],
                None,
                None,
            )
        )
    fig = plot_lstm_gates((steps, None), example=1)
    assert len(fig.axes) == 10  # five heatmaps and their colour bars
    assert fig.axes[0].images[0].get_array().shape == (4, 6)
    ax = plot_gradient_norms({"a": np.geomspace(1, 1e-6, 20), "b": np.ones(20)})
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    plt.close("all")
