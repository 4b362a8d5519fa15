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
