"""The reference solutions of 03_backprop, checked without nbgrader.

Every backward pass of the 03 reference passes a centred-difference gradient
check (float64) on the cases its hidden tests use, with a margin (< 1e-8, the
notebook's gradient checks ask < 1e-7). The hidden tests compare a student's
gradients with the reference's on these very cases, so a correct student
differs from the reference by rounding only and cannot fail by bad luck.

The figures published in the course's source material are audited in
``tests/test_published_figures.py``. The solutions are executed from the
source notebooks themselves.
"""

import numpy as np
import pytest

from check_utils import check_gradients
from rnn_course import grading, layout
from rnn_utils import lstm_cell_example, lstm_sequence_example, rnn_cell_example, rnn_sequence_example

REPO = layout.REPO
needs_notebooks = pytest.mark.skipif(
    "03_backprop" not in grading.available_assignments(), reason="03_backprop not selected"
)
LSTM_PARAMS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")


def _namespace(assignment, extra_ids=()):
    """The imports cell, the given locked cells and the solution cells of a source notebook, executed."""
    return layout.reference_namespace(assignment, REPO, tuple(extra_ids))


@pytest.fixture(scope="module")
def bp():
    return _namespace("03_backprop", ("forward_passes",))


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


@needs_notebooks
@pytest.mark.parametrize("fn,cases", CASES, ids=[c[0].__name__.strip("_") for c in CASES])
def test_reference_backward_passes_pass_the_gradient_check_with_margin(bp, fn, cases):
    for case in cases:
        errors = fn(bp, *case)
        worst = max(errors.values())
        assert worst < 1e-8, f"{fn.__name__}{case}: {errors}"


# --- the inputs of the hidden tests ---------------------------------------------

# The hidden tests of 03 build their forward caches themselves (a small function,
# deleted before the student's code runs), so that no student code makes them.
HIDDEN_INPUTS = (
    "test_rnn_cell_backward_hidden",
    "test_rnn_backward_hidden",
    "test_rnn_backward_calls_cell",
    "test_lstm_cell_backward_hidden",
    "test_lstm_backward_hidden",
    "test_lstm_backward_calls_cell",
)


def _hidden_inputs(gid):
    """The (upstream gradients..., cache) a hidden test cell of 03 passes to the student's function, and the
    (upstream gradients..., cache) it passes to the cell that function calls, when it checks that cell first."""
    cell = layout.cells_by_id(layout.source_notebook("03_backprop", REPO))[gid]
    code, sep, _ = cell.source.partition("del _make_inputs")
    assert sep, f"{gid} should build its inputs with _make_inputs and delete it"
    ns = layout.reference_namespace("03_backprop", REPO)  # the imports: numpy and the seeded examples
    exec(compile(code, f"<03_backprop: {gid}>", "exec"), ns)  # noqa: S102  (the course's own notebook)
    cases = [case[1:] for case in ns["_cases"]] if "_cases" in ns else [(ns["_da"], ns["_caches"])]
    return cases, ns.get("_cell_case")  # (the inputs of the cell a sequence test checks first, or None)


def _assert_same(got, want, where):
    if isinstance(want, dict):
        assert set(got) == set(want), where
        for k in want:
            _assert_same(got[k], want[k], f"{where}[{k!r}]")
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same(g, w, f"{where}[{i}]")
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15, err_msg=where)


@needs_notebooks
@pytest.mark.parametrize("gid", HIDDEN_INPUTS)
def test_hidden_tests_build_the_caches_of_the_given_forward_passes(bp, gid):
    cases, cell_case = _hidden_inputs(gid)
    if cell_case is not None:  # a sequence test checks the cell it calls first
        cache = cell_case[-1]
        if "lstm" in gid:
            want = bp["lstm_cell_forward"](cache[8], cache[2], cache[3], cache[9])[3]
        else:
            want = bp["rnn_cell_forward"](cache[2], cache[1], cache[3])[2]
        _assert_same(cache, want, f"{gid}: the cell's inputs")
    for case in cases:
        cache = case[-1]
        if "lstm_cell" in gid:  # (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
            want = bp["lstm_cell_forward"](cache[8], cache[2], cache[3], cache[9])[3]
        elif "rnn_cell" in gid:  # (a_next, a_prev, xt, parameters)
            want = bp["rnn_cell_forward"](cache[2], cache[1], cache[3])[2]
        elif "lstm" in gid:  # ([step caches], x): a0 is the a_prev of the first step
            steps, x = cache
            assert not np.any(steps[0][3]), "the memory starts at 0"
            want = bp["lstm_forward"](x, steps[0][2], steps[0][9])[3]
        else:
            steps, x = cache
            want = bp["rnn_forward"](x, steps[0][1], steps[0][3])[2]
        _assert_same(cache, want, gid)


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
