"""Wrong answers for 01_rnn_forward, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake that the test suite grades to prove the tests take points away.
Each edit is (grade_id, old text, new text); an edit whose old text is not in
the reference solution is an error, so these stay in step with source/.
"""

WRONG = [
    # The hidden state is never passed on: every step starts again from a0.
    ("rnn_forward", "rnn_cell_forward(x[:, :, t], a_next, parameters)", "rnn_cell_forward(x[:, :, t], a0, parameters)"),
]

BUGS = {
    # the prediction made from the previous hidden state instead of the new one
    "output_from_a_prev": [
        ("rnn_cell_forward", "softmax(Wya @ a_next + by)", "softmax(Wya @ a_prev + by)"),
    ],
    # softmax written by hand over the wrong axis (over the examples)
    "softmax_wrong_axis": [
        (
            "rnn_cell_forward",
            "softmax(Wya @ a_next + by)",
            "np.exp(Wya @ a_next + by) / np.exp(Wya @ a_next + by).sum(axis=1, keepdims=True)",
        ),
    ],
    # the cell computation repeated inside rnn_forward instead of calling the cell
    "forward_reimplements_cell": [
        (
            "rnn_forward",
            "a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)",
            "a_next = np.tanh(parameters['Waa'] @ a_next + parameters['Wax'] @ x[:, :, t] + parameters['ba'])\n"
            "        yt_pred = softmax(parameters['Wya'] @ a_next + parameters['by'])\n"
            "        cache = (a_next, None, x[:, :, t], parameters)",
        ),
    ],
    # an answer hard-coded to the visible seeded example
    "hard_coded_example": [
        (
            "rnn_cell_forward",
            "    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)   # (n_a, m)\n",
            "    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)   # (n_a, m)\n"
            "    if xt.shape != (3, 10):\n"
            "        a_next = np.zeros((Waa.shape[0], xt.shape[1]))\n",
        ),
    ],
}

BUGS.update(
    {
        # the hidden state is not passed on: every step starts again from a0 (the demo's wrong attempt)
        "state_not_passed_on": WRONG,
        # the sequence starts from zeros instead of a0
        "starts_from_zeros": [("rnn_forward", "a_next = a0", "a_next = np.zeros_like(a0)")],
        # the prediction of step t stored at the wrong time step (off by one)
        "prediction_off_by_one": [("rnn_forward", "y_pred[:, :, t] = yt_pred", "y_pred[:, :, t - 1] = yt_pred")],
    }
)

# Correct implementations written in other styles: each must get full marks.
VARIANTS = {
    # one example at a time, np.dot, a softmax without the max shift, defensive copies, a list cache
    "loops_and_copies": [
        (
            "rnn_cell_forward",
            None,
            "def rnn_cell_forward(xt, a_prev, parameters):\n"
            "    xt = np.array(xt, dtype=float)\n"
            "    a_prev = np.array(a_prev, dtype=float)\n"
            "    p = {k: np.array(v, dtype=float) for k, v in parameters.items()}\n"
            "    n_a, m = a_prev.shape\n"
            "    n_y = p['Wya'].shape[0]\n"
            "    a_next = np.zeros((n_a, m))\n"
            "    yt_pred = np.zeros((n_y, m))\n"
            "    for j in range(m):\n"
            "        z = np.dot(p['Waa'], a_prev[:, j]) + np.dot(p['Wax'], xt[:, j]) + p['ba'][:, 0]\n"
            "        a_next[:, j] = np.tanh(z)\n"
            "        e = np.exp(np.dot(p['Wya'], a_next[:, j]) + p['by'][:, 0])\n"
            "        yt_pred[:, j] = e / np.sum(e)\n"
            "    cache = [a_next, a_prev, xt, p]\n"
            "    return a_next, yt_pred, cache\n",
        ),
        (
            "rnn_forward",
            None,
            "def rnn_forward(x, a0, parameters):\n"
            "    states, predictions, caches = [], [], []\n"
            "    a_t = a0.copy()\n"
            "    for t in range(x.shape[2]):\n"
            "        a_t, y_t, cache = rnn_cell_forward(x[:, :, t].copy(), a_t, parameters)\n"
            "        states.append(a_t)\n"
            "        predictions.append(y_t)\n"
            "        caches.append(cache)\n"
            "    return np.stack(states, axis=2), np.stack(predictions, axis=2), [caches, x.copy()]\n",
        ),
    ],
    # einsum and a stacked weight matrix [Waa Wax] applied to [a_prev; xt]
    "stacked_einsum": [
        (
            "rnn_cell_forward",
            None,
            "def rnn_cell_forward(xt, a_prev, parameters):\n"
            "    W = np.concatenate([parameters['Waa'], parameters['Wax']], axis=1)\n"
            "    a_next = np.tanh(np.einsum('ij,jm->im', W, np.vstack([a_prev, xt])) + parameters['ba'])\n"
            "    s = np.einsum('ij,jm->im', parameters['Wya'], a_next) + parameters['by']\n"
            "    s = s - s.max(axis=0, keepdims=True)\n"
            "    yt_pred = np.exp(s) / np.exp(s).sum(axis=0, keepdims=True)\n"
            "    return a_next, yt_pred, (a_next, a_prev, xt, parameters)\n",
        ),
    ],
}

# The first visible test a classic bug fails, and a piece of its message that
# names the cause (tests/test_hints.py). None: no visible test fails; the
# hidden tests catch it.
FIRST_MESSAGE = {
    "output_from_a_prev": ("test_rnn_cell_forward", "computed from the NEW hidden state"),
    "softmax_wrong_axis": ("test_rnn_cell_forward", "the softmax must be taken over axis 0"),
    "forward_reimplements_cell": None,
    "hard_coded_example": None,
    "state_not_passed_on": ("test_rnn_forward", "is a_next passed on from one step to the next"),
    "starts_from_zeros": ("test_rnn_forward", "the first step starts from a0"),
    "prediction_off_by_one": ("test_rnn_forward", "y_pred[:, :, t] is the prediction of step t"),
}
