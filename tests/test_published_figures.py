"""The figures the course's source material published for its examples, audited.

The curriculum spec (``../shared/spec/curriculum.md``) lists figures published
in third-party source material for the seeded examples A to D and warns that
the backward ones are not trustworthy. This file checks each of them against
the course's reference solutions, and where one is wrong it finds out why.

Until 2026-12-02 this audit was a graded hidden test of 03_backprop
(``test_published_figures``, 1 point), which ran the *student's* functions on
these inputs. It protects the course, not a student's grade: a student's
gradients are compared with the reference solution's (whose backward passes
pass the gradient checks of ``tests/test_backprop_reference.py``), and the
reference is audited here. The grade id is retired (``tests/grade_ids.txt``).

What the audit found (every claim is asserted below):

1. RNN cell (published dxt[1][2] = -0.4605641030588796, da_prev[2][3] =
   0.08429686538067671, dWax[3][1] = 0.3930818739219304, dWaa[1][2] =
   -0.2848395578696066, dba[4] = [0.80517166], "inputs drawn as xt, a_prev,
   Wax, Waa, Wya, ba, by, then da_next"). With exactly those inputs the correct
   figures are dxt[1][2] = -1.3872130506020928, da_prev[2][3] =
   -0.1523994937739543, dWax[3][1] = 0.41077282493545836, dWaa[1][2] =
   1.1503450668497135, dba[4] = [0.20023491] (a centred difference of the loss
   confirms dxt[1][2]). CAUSE (ill-defined inputs): the source's test drew the
   bias into a variable ``b`` but built the parameters from ``ba``, a leftover
   global of the sequence example B. With that ``ba`` the reference reproduces
   all five published figures: they are correct gradients of other inputs.
2. RNN sequence: all five published figures are reproduced with the stated
   draw order x, a0, Wax, Waa, Wya, ba, by, da. That order (Wax before Waa)
   differs from example B's, so the notebook's visible test, which uses example
   B itself, has other values.
3. LSTM cell (example C, then da_next, dc_next): 10 of the 11 published
   figures are right. dxt[1][2] is wrong: published 1.6671905750683789, correct
   3.2305591151091875 (the centred difference of the loss says 3.23055911...;
   later copies of the source material print 3.23055911511). CAUSE (buggy code;
   "unknown" in earlier notes): the source's own lstm_cell_backward sliced
   ``Wf[:, n_a]`` and ``Wc[:, n_a]`` (ONE column) where dxt needs the blocks
   ``Wf[:, n_a:]`` and ``Wc[:, n_a:]``. ``W[:, n_a].T @ dz`` is then a vector
   of m entries that numpy broadcasts over the n_x rows of dxt, so the shape
   stays (n_x, m) and nothing fails. A copy of the reference with that slip
   gives dxt[1][2] = 1.667190575068379, one unit in the 17th digit (1 ulp)
   from the published 1.6671905750683789: the same figure up to the order of
   floating-point sums. Of the 15 ways to slip on some of the four gates, only
   this pair (Wf and Wc) gives the published value. dxt feeds no other output,
   so the other 10 figures are unchanged by the slip.
4. LSTM sequence (inputs: seed 1, x (3,10,7), a0, Wf, bf, Wi, bi, Wo, bo, Wc,
   bc, then da (5,10,4); Wy and by are NOT drawn before da, unlike example D,
   which would change da). The source's lstm_backward took T_x from da, so it
   backpropagated through the first 4 of the 7 steps. CAUSE (buggy code, two
   bugs): its lstm_backward carried nothing from step t+1 (each step got
   da[:, :, t] alone and a zero cell-state gradient), and it called the
   lstm_cell_backward of item 3, with the single-column slip. With both bugs
   the three figures the spec lists reproduce: dx[1][2] = [-0.00720326,
   -0.41485675, -0.47430604, 0.14211684] to all 8 printed decimals, da0[2][3]
   = -0.09591150195400473 and dWf[3][1] = -0.0698198561274401 (published
   -0.09591150195400472 and -0.06981985612744011: 1 ulp apart). Neither bug
   alone does: without the slip, dx[1][2] is [-0.00173313, 0.08287442,
   -0.30545663, -0.43281115] (the figure printed by other copies of the source
   material, whose lstm_cell_backward slices correctly); without the missing
   carry, da0 and dWf are the correct ones. The correct figures (both carried,
   full-column slices): dx[1][2] = [0.00218254, 0.28205375, -0.48292508,
   -0.43281115], da0[2][3] = 0.3127703102572603, dWf[3][1] =
   -0.08098023109383466, dWi[1][2] = 0.40512433092981825, dWc[3][1] =
   -0.07937467355121496, dWo[1][2] = 0.038948775762986915, dbf[4] =
   [-0.15745657], dbi[4] = [-0.50848333], dbc[4] = [-0.42510818], dbo[4] =
   [-0.17958196].
   NOT VERIFIED HERE: the source material printed ten LSTM-sequence figures
   (dx, da0 and the eight weight and bias gradients), but the spec lists only
   the first three ("..."), so only those three are asserted. With both bugs
   the seven others would be dWi[1][2] = 0.1023718202485477, dWc[3][1] =
   -0.06249837949274524, dWo[1][2] = 0.048438913144430086, dbf[4] =
   [-0.0565788], dbi[4] = [-0.15399065], dbc[4] = [-0.29691142], dbo[4] =
   [-0.29798344] (the slip changes dx only). A copy of the source material's
   expected-output table found elsewhere (the version without the slip: its
   dx is the no-carry one above) agrees for dWi, dWc, dWo and dbf but prints
   dbi [-0.06997391], dbc [-0.27441821], dbo [0.16532821], which neither the
   two bugs nor a correct pass give; their cause is unknown.
   Ill-defined interface: with the spec's signature, da of 4 steps beside
   caches of 7 is the source's accident, not an example to copy; the
   well-defined equivalent is lstm_backward(da, (caches[:4], x[:, :, :4])).
5. The forward figures of examples C and D (02_lstm_forward) are all right.
"""

import itertools

import numpy as np
import pytest

from rnn_course import grading, layout, submissions
from rnn_utils import lstm_cell_example, lstm_sequence_example, rnn_sequence_example

REPO = layout.REPO
needs_02 = pytest.mark.skipif(
    "02_lstm_forward" not in grading.available_assignments(), reason="02_lstm_forward not selected"
)
needs_03 = pytest.mark.skipif("03_backprop" not in grading.available_assignments(), reason="03_backprop not selected")
FORWARDS = ("rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward")
ULPS = 1e-15  # relative: a few units in the last place (the order of floating-point sums)

# The single-column slip of item 3, as an edit of the reference solution.
DXT_CORRECT = "    dxt = dconcat[n_a:]                                  # the rows of xt\n"


def _dxt_single_column(gates):
    terms = " + ".join(f"W{g}[:, n_a{'' if g in gates else ':'}].T @ dz{g}" for g in "fico")
    return ("lstm_cell_backward", DXT_CORRECT, f"    dxt = {terms}\n")


SLIP = _dxt_single_column("fc")  # Wf[:, n_a] and Wc[:, n_a]
NO_CARRY = (  # item 4: nothing carried from step t+1
    "lstm_backward",
    "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
    "lstm_cell_backward(da[:, :, t], np.zeros((n_a, m)), caches[t])",
)


@pytest.fixture(scope="module")
def ref():
    """The instructor's backward passes of 03 and the forward passes 03 gives its students."""
    given = layout.reference_namespace("03_backprop", REPO, ("forward_passes",))
    return {**vars(layout.reference("03_backprop")), **{k: given[k] for k in FORWARDS}}


def _bugged(ref, *edits):
    """The reference's backward passes with ``edits`` (grade_id, old, new) applied; the forwards untouched."""
    answers = submissions.apply_edits(
        layout.reference_solutions(layout.source_notebook("03_backprop", REPO)), edits, "published figures"
    )
    ns = dict(ref)
    for gid in ("rnn_cell_backward", "rnn_backward", "lstm_cell_backward", "lstm_backward"):
        exec(compile(answers[gid], f"<bugged {gid}>", "exec"), ns)  # noqa: S102  (the course's own solution)
    return ns


def _entry_derivative(loss, array, index, h=1e-5):
    old = array[index]
    array[index] = old + h
    plus = loss()
    array[index] = old - h
    minus = loss()
    array[index] = old
    return (plus - minus) / (2 * h)


def _assert_figures(grads, figures, rel):
    """Every figure {(key, i, j): value} matches the gradients within rel."""
    for (name, i, j), value in figures.items():
        assert grads[name][i][j] == pytest.approx(value, rel=rel), name


# --- item 5: forward figures of examples C and D ------------------------------


@needs_02
def test_published_forward_figures_of_examples_c_and_d():
    lstm02 = layout.reference("02_lstm_forward")
    xt, a_prev, c_prev, p = lstm_cell_example(seed=1)
    a_next, c_next, yt, cache = lstm02.lstm_cell_forward(xt, a_prev, c_prev, p)
    np.testing.assert_allclose(a_next[4][:3], [-0.66408471, 0.0036921, 0.02088357], atol=1e-8)
    np.testing.assert_allclose(c_next[2][:3], [0.63267805, 1.00570849, 0.35504474], atol=1e-8)
    np.testing.assert_allclose(yt[1][:3], [0.79913913, 0.15986619, 0.22412122], atol=1e-8)
    assert len(cache) == 10
    x, a0, p = lstm_sequence_example(seed=1)
    a, y, c, caches = lstm02.lstm_forward(x, a0, p)
    assert a[4][3][6] == pytest.approx(0.17211776753291672, rel=1e-12)
    assert y[1][4][3] == pytest.approx(0.9508734618501101, rel=1e-12)
    assert c[1][2][1] == pytest.approx(-0.8555449167181981, rel=1e-12)
    np.testing.assert_allclose(caches[1][1][1][:3], [0.82797464, 0.23009474, 0.76201118], atol=1e-8)


# --- items 1 and 2: the RNN ----------------------------------------------------


def _spec_rnn_parameters():
    """The RNN parameters of the published examples, drawn next from numpy's global generator."""
    return {
        "Wax": np.random.randn(5, 3),
        "Waa": np.random.randn(5, 5),
        "Wya": np.random.randn(2, 5),
        "ba": np.random.randn(5, 1),
        "by": np.random.randn(2, 1),
    }


@needs_03
def test_rnn_cell_published_figures_come_from_the_bias_of_example_b(ref):
    np.random.seed(1)
    xt, a_prev = np.random.randn(3, 10), np.random.randn(5, 10)
    p = _spec_rnn_parameters()
    da = np.random.randn(5, 10)
    g = ref["rnn_cell_backward"](da, ref["rnn_cell_forward"](xt, a_prev, p)[2])
    # with the stated inputs the published figures are wrong ...
    correct = {
        ("dxt", 1, 2): -1.3872130506020928,
        ("da_prev", 2, 3): -0.1523994937739543,
        ("dWax", 3, 1): 0.41077282493545836,
        ("dWaa", 1, 2): 1.1503450668497135,
        ("dba", 4, 0): 0.20023491,
    }
    _assert_figures(g, correct, rel=1e-7)
    loss = lambda: np.sum(ref["rnn_cell_forward"](xt, a_prev, p)[0] * da)  # noqa: E731
    assert _entry_derivative(loss, xt, (1, 2)) == pytest.approx(-1.3872130506020928, rel=1e-8)
    # ... and every one of them is right for the leftover `ba` of example B
    p["ba"] = rnn_sequence_example(seed=1)[2]["ba"]
    g = ref["rnn_cell_backward"](da, ref["rnn_cell_forward"](xt, a_prev, p)[2])
    published = {
        ("dxt", 1, 2): -0.4605641030588796,
        ("da_prev", 2, 3): 0.08429686538067671,
        ("dWax", 3, 1): 0.3930818739219304,
        ("dWaa", 1, 2): -0.2848395578696066,
        ("dba", 4, 0): 0.80517166,
    }
    _assert_figures(g, published, rel=1e-8)


@needs_03
def test_rnn_sequence_published_figures_are_right(ref):
    np.random.seed(1)
    x, a0 = np.random.randn(3, 10, 4), np.random.randn(5, 10)
    p = _spec_rnn_parameters()
    g = ref["rnn_backward"](np.random.randn(5, 10, 4), ref["rnn_forward"](x, a0, p)[2])
    np.testing.assert_allclose(g["dx"][1][2], [-2.07101689, -0.59255627, 0.02466855, 0.01483317], atol=1e-8)
    assert g["da0"][2][3] == pytest.approx(-0.3149423751266499, rel=1e-12)
    assert g["dWax"][3][1] == pytest.approx(11.264104496527777, rel=1e-12)
    assert g["dWaa"][1][2] == pytest.approx(2.3033331265798926, rel=1e-12)
    assert g["dba"][4][0] == pytest.approx(-0.74747722, abs=1e-8)


# --- item 3: the LSTM cell -----------------------------------------------------

LSTM_CELL_PUBLISHED_RIGHT = {
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
LSTM_CELL_PUBLISHED_DXT = 1.6671905750683789


def _lstm_cell_inputs(ref):
    xt, a_prev, c_prev, p = lstm_cell_example(seed=1)
    da, dc = np.random.randn(5, 10), np.random.randn(5, 10)
    return xt, a_prev, c_prev, p, da, dc, ref["lstm_cell_forward"](xt, a_prev, c_prev, p)[3]


@needs_03
def test_lstm_cell_published_dxt_is_wrong_and_the_rest_right(ref):
    xt, a_prev, c_prev, p, da, dc, cache = _lstm_cell_inputs(ref)
    g = ref["lstm_cell_backward"](da, dc, cache)

    def loss():
        a_next, c_next, _, _ = ref["lstm_cell_forward"](xt, a_prev, c_prev, p)
        return np.sum(a_next * da) + np.sum(c_next * dc)

    numeric = _entry_derivative(loss, xt, (1, 2))
    assert numeric == pytest.approx(3.2305591151091875, rel=1e-8)
    assert g["dxt"][1][2] == pytest.approx(3.2305591151091875, rel=1e-12)
    assert abs(numeric - LSTM_CELL_PUBLISHED_DXT) > 1.5
    _assert_figures(g, LSTM_CELL_PUBLISHED_RIGHT, rel=1e-7)


@needs_03
def test_lstm_cell_published_dxt_comes_from_single_columns_of_wf_and_wc(ref):
    *_, da, dc, cache = _lstm_cell_inputs(ref)
    g = _bugged(ref, SLIP)["lstm_cell_backward"](da, dc, cache)
    assert g["dxt"].shape == (3, 10)  # broadcast: the slip changes no shape
    assert g["dxt"][1][2] == pytest.approx(LSTM_CELL_PUBLISHED_DXT, rel=ULPS)
    assert g["dxt"][0][2] == pytest.approx(ref["lstm_cell_backward"](da, dc, cache)["dxt"][0][2], rel=1e-12)
    _assert_figures(g, LSTM_CELL_PUBLISHED_RIGHT, rel=1e-7)  # dxt feeds nothing else
    # of the 15 ways to take a single column for some of the gates, only Wf and Wc give the published value
    matching = []
    for k in range(1, 5):
        for gates in ("".join(c) for c in itertools.combinations("fico", k)):
            value = np.asarray(_bugged(ref, _dxt_single_column(gates))["lstm_cell_backward"](da, dc, cache)["dxt"])
            if value.ndim == 2 and abs(value[1][2] - LSTM_CELL_PUBLISHED_DXT) < 1e-9:
                matching.append(gates)
    assert matching == ["fc"]


# --- item 4: the LSTM sequence -------------------------------------------------

LSTM_SEQUENCE_PUBLISHED_DX = [-0.00720326, -0.41485675, -0.47430604, 0.14211684]  # 8 decimals
LSTM_SEQUENCE_PUBLISHED = {("da0", 2, 3): -0.09591150195400472, ("dWf", 3, 1): -0.06981985612744011}


def _lstm_sequence_inputs(ref):
    """The source's inputs: Wy and by are not drawn before da, and da covers 4 of the 7 steps."""
    np.random.seed(1)
    x, a0 = np.random.randn(3, 10, 7), np.random.randn(5, 10)
    p = {}
    for gate in "fioc":
        p["W" + gate], p["b" + gate] = np.random.randn(5, 8), np.random.randn(5, 1)
    p["Wy"], p["by"] = np.zeros((2, 5)), np.zeros((2, 1))  # read by no gradient
    da = np.random.randn(5, 10, 4)
    return x, a0, p, da, ref["lstm_forward"](x, a0, p)[3]


@needs_03
def test_lstm_sequence_correct_figures(ref):
    x, a0, p, da, (steps, _) = _lstm_sequence_inputs(ref)
    g = ref["lstm_backward"](da, (steps[:4], x[:, :, :4]))
    loss = lambda: np.sum(ref["lstm_forward"](x[:, :, :4], a0, p)[0] * da)  # noqa: E731
    assert _entry_derivative(loss, a0, (2, 3)) == pytest.approx(0.3127703102572603, rel=1e-8)
    correct = {
        ("da0", 2, 3): 0.3127703102572603,
        ("dWf", 3, 1): -0.08098023109383466,
        ("dWi", 1, 2): 0.40512433092981825,
        ("dWc", 3, 1): -0.07937467355121496,
        ("dWo", 1, 2): 0.038948775762986915,
        ("dbf", 4, 0): -0.15745657,
        ("dbi", 4, 0): -0.50848333,
        ("dbc", 4, 0): -0.42510818,
        ("dbo", 4, 0): -0.17958196,
    }
    _assert_figures(g, correct, rel=1e-7)
    np.testing.assert_allclose(g["dx"][1][2], [0.00218254, 0.28205375, -0.48292508, -0.43281115], atol=1e-8)
    # the source's call, da of 4 steps beside caches of 7, gives the same: T_x comes from da
    g7 = ref["lstm_backward"](da, ref["lstm_forward"](x, a0, p)[3])
    np.testing.assert_array_equal(g7["dx"], g["dx"])


@needs_03
def test_lstm_sequence_published_figures_come_from_no_carry_and_the_single_column_slip(ref):
    x, a0, p, da, caches = _lstm_sequence_inputs(ref)
    g = _bugged(ref, SLIP, NO_CARRY)["lstm_backward"](da, caches)
    np.testing.assert_array_equal(np.round(g["dx"][1][2], 8), LSTM_SEQUENCE_PUBLISHED_DX)  # the printed digits
    _assert_figures(g, LSTM_SEQUENCE_PUBLISHED, rel=ULPS)

    # neither bug alone: without the slip, dx is the figure other copies of the source print ...
    no_carry = _bugged(ref, NO_CARRY)["lstm_backward"](da, caches)
    _assert_figures(no_carry, LSTM_SEQUENCE_PUBLISHED, rel=ULPS)
    np.testing.assert_array_equal(
        np.round(no_carry["dx"][1][2], 8), [-0.00173313, 0.08287442, -0.30545663, -0.43281115]
    )
    assert np.max(np.abs(no_carry["dx"][1][2] - LSTM_SEQUENCE_PUBLISHED_DX)) > 0.5
    # ... and without the missing carry, da0 and dWf are the correct ones, not the published
    slip = _bugged(ref, SLIP)["lstm_backward"](da, caches)
    assert slip["da0"][2][3] == pytest.approx(0.3127703102572603, rel=1e-12)
    assert slip["dWf"][3][1] == pytest.approx(-0.08098023109383466, rel=1e-12)
    assert np.max(np.abs(slip["dx"][1][2] - LSTM_SEQUENCE_PUBLISHED_DX)) > 0.05

    # the seven figures the spec elides (not an audit: what the two bugs give; the slip changes dx only)
    elided = {
        ("dWi", 1, 2): 0.1023718202485477,
        ("dWc", 3, 1): -0.06249837949274524,
        ("dWo", 1, 2): 0.048438913144430086,
        ("dbf", 4, 0): -0.0565788,
        ("dbi", 4, 0): -0.15399065,
        ("dbc", 4, 0): -0.29691142,
        ("dbo", 4, 0): -0.29798344,
    }
    _assert_figures(g, elided, rel=1e-7)
    for key in ("dWi", "dWc", "dWo", "dbf", "dbi", "dbc", "dbo", "da0", "dWf"):
        np.testing.assert_array_equal(g[key], no_carry[key])
