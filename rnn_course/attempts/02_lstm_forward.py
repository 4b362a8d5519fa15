"""Wrong answers for 02_lstm_forward, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake that the test suite grades to prove the tests take points away.
Each edit is (grade_id, old text, new text); an edit whose old text is not in
the reference solution is an error, so these stay in step with source/.
"""

WRONG = [
    # The memory is started from the initial hidden state instead of from zeros:
    # the cell itself is right, the sequence is not.
    ("lstm_forward", "c_next = np.zeros((n_a, m))", "c_next = a0"),
]

BUGS = {
    # [xt; a_prev] instead of [a_prev; xt]: the shapes still fit, the blocks of W do not
    "concat_order_swapped": [
        ("lstm_cell_forward", "np.concatenate((a_prev, xt), axis=0)", "np.concatenate((xt, a_prev), axis=0)"),
    ],
    # a sigmoid where the candidate needs a tanh (the candidate must be able to be negative)
    "candidate_sigmoid": [
        ("lstm_cell_forward", "cct = np.tanh(Wc @ concat + bc)", "cct = sigmoid(Wc @ concat + bc)"),
    ],
    # the hidden state computed from the old memory
    "a_next_from_c_prev": [
        ("lstm_cell_forward", "a_next = ot * np.tanh(c_next)", "a_next = ot * np.tanh(c_prev)"),
    ],
    # the forget and update gates stored in the wrong order in the cache
    "cache_gates_swapped": [
        (
            "lstm_cell_forward",
            "cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)",
            "cache = (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, parameters)",
        ),
    ],
    # the cell state starts from a0 instead of zeros
    "cell_state_from_a0": [
        ("lstm_forward", "c_next = np.zeros((n_a, m))", "c_next = a0"),
    ],
    # the memory is not passed on: every step starts again from an empty memory
    "cell_state_not_carried": [
        (
            "lstm_forward",
            "lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)",
            "lstm_cell_forward(x[:, :, t], a_next, np.zeros((n_a, m)), parameters)",
        ),
    ],
    # the cell computation repeated inside lstm_forward instead of calling the cell
    "forward_reimplements_cell": [
        (
            "lstm_forward",
            "a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)",
            "p = parameters\n"
            "        concat = np.concatenate((a_next, x[:, :, t]), axis=0)\n"
            "        ft = sigmoid(p['Wf'] @ concat + p['bf'])\n"
            "        it = sigmoid(p['Wi'] @ concat + p['bi'])\n"
            "        cct = np.tanh(p['Wc'] @ concat + p['bc'])\n"
            "        ot = sigmoid(p['Wo'] @ concat + p['bo'])\n"
            "        a_prev, c_prev = a_next, c_next\n"
            "        c_next = ft * c_prev + it * cct\n"
            "        a_next = ot * np.tanh(c_next)\n"
            "        yt = softmax(p['Wy'] @ a_next + p['by'])\n"
            "        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, x[:, :, t], p)",
        ),
    ],
    # an answer that only works for the visible example's sizes
    "hard_coded_example": [
        (
            "lstm_cell_forward",
            "    c_next = ft * c_prev + it * cct ",
            "    if xt.shape != (3, 10):\n        cct = np.zeros_like(cct)\n    c_next = ft * c_prev + it * cct ",
        ),
    ],
}
