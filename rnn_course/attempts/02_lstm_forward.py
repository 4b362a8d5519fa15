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

BUGS.update(
    {
        # the hidden state shows the memory itself, without the tanh
        "a_next_missing_tanh": [
            ("lstm_cell_forward", "a_next = ot * np.tanh(c_next)", "a_next = ot * c_next"),
        ],
        # a copy-paste slip: the update gate computed with the forget gate's weights
        "update_gate_uses_Wf": [
            ("lstm_cell_forward", "it = sigmoid(Wi @ concat + bi)", "it = sigmoid(Wf @ concat + bi)"),
        ],
        # the roles of the gates swapped: the forget gate scales the candidate, the update gate the old memory
        "gate_roles_swapped": [
            ("lstm_cell_forward", "c_next = ft * c_prev + it * cct", "c_next = ft * cct + it * c_prev"),
        ],
        # softmax written by hand over the wrong axis (over the examples)
        "softmax_wrong_axis": [
            (
                "lstm_cell_forward",
                "softmax(Wy @ a_next + by)",
                "np.exp(Wy @ a_next + by) / np.exp(Wy @ a_next + by).sum(axis=1, keepdims=True)",
            ),
        ],
        # the prediction made from the memory instead of the hidden state
        "prediction_from_c_next": [
            ("lstm_cell_forward", "softmax(Wy @ a_next + by)", "softmax(Wy @ c_next + by)"),
        ],
        # the hidden state is not passed on: every step starts again from a0
        "hidden_state_not_passed_on": [
            (
                "lstm_forward",
                "lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)",
                "lstm_cell_forward(x[:, :, t], a0, c_next, parameters)",
            ),
        ],
        # the sequence starts from a zero hidden state instead of a0
        "hidden_state_starts_from_zeros": [
            ("lstm_forward", "a_next = a0", "a_next = np.zeros_like(a0)"),
        ],
        # the prediction of step t stored at the wrong time step (off by one)
        "prediction_off_by_one": [
            ("lstm_forward", "y[:, :, t] = yt", "y[:, :, t - 1] = yt"),
        ],
        # the caches returned without x
        "caches_without_x": [
            ("lstm_forward", "    caches = (caches, x)\n", ""),
        ],
    }
)

# Correct implementations written in other styles: each must get full marks.
VARIANTS = {
    # one block of columns per input, np.dot, one example at a time, a sigmoid and a softmax written out,
    # defensive copies, lists for the cache and the caches
    "blocks_loops_and_copies": [
        (
            "lstm_cell_forward",
            None,
            "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n"
            "    xt, a_prev, c_prev = np.array(xt, float), np.array(a_prev, float), np.array(c_prev, float)\n"
            "    p = {k: np.array(v, dtype=float) for k, v in parameters.items()}\n"
            "    n_a, m = a_prev.shape\n"
            "\n"
            "    def gate(name, j):\n"
            "        W, b = p['W' + name], p['b' + name]\n"
            "        return np.dot(W[:, :n_a], a_prev[:, j]) + np.dot(W[:, n_a:], xt[:, j]) + b[:, 0]\n"
            "\n"
            "    def logistic(z):\n"
            "        return np.exp(-np.logaddexp(0.0, -z))\n"
            "\n"
            "    ft, it, cct, ot = (np.zeros((n_a, m)) for _ in range(4))\n"
            "    c_next, a_next = np.zeros((n_a, m)), np.zeros((n_a, m))\n"
            "    yt_pred = np.zeros((p['Wy'].shape[0], m))\n"
            "    for j in range(m):\n"
            "        ft[:, j] = logistic(gate('f', j))\n"
            "        it[:, j] = logistic(gate('i', j))\n"
            "        cct[:, j] = np.tanh(gate('c', j))\n"
            "        ot[:, j] = logistic(gate('o', j))\n"
            "        c_next[:, j] = ft[:, j] * c_prev[:, j] + it[:, j] * cct[:, j]\n"
            "        a_next[:, j] = ot[:, j] * np.tanh(c_next[:, j])\n"
            "        e = np.exp(np.dot(p['Wy'], a_next[:, j]) + p['by'][:, 0])\n"
            "        yt_pred[:, j] = e / e.sum()\n"
            "    cache = [a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p]\n"
            "    return a_next, c_next, yt_pred, cache\n",
        ),
        (
            "lstm_forward",
            None,
            "def lstm_forward(x, a0, parameters):\n"
            "    a_t = a0.copy()\n"
            "    c_t = np.zeros_like(a0, dtype=float)\n"
            "    states, memories, predictions, caches = [], [], [], []\n"
            "    for t in range(x.shape[2]):\n"
            "        a_t, c_t, y_t, cache = lstm_cell_forward(x[:, :, t].copy(), a_t, c_t, parameters)\n"
            "        states.append(a_t)\n"
            "        memories.append(c_t)\n"
            "        predictions.append(y_t)\n"
            "        caches.append(cache)\n"
            "    a = np.stack(states, axis=-1)\n"
            "    return a, np.stack(predictions, axis=-1), np.stack(memories, axis=-1), [caches, x.copy()]\n",
        ),
    ],
    # the four gates as one stacked matrix applied once (einsum), np.vstack, the softmax's max shift
    "stacked_gates_einsum": [
        (
            "lstm_cell_forward",
            None,
            "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n"
            "    n_a = a_prev.shape[0]\n"
            "    W = np.vstack([parameters[k] for k in ('Wf', 'Wi', 'Wc', 'Wo')])   # (4 n_a, n_a + n_x)\n"
            "    b = np.vstack([parameters[k] for k in ('bf', 'bi', 'bc', 'bo')])\n"
            "    z = np.einsum('gk,km->gm', W, np.vstack([a_prev, xt])) + b\n"
            "    zf, zi, zc, zo = np.split(z, 4, axis=0)\n"
            "    ft, it, ot = sigmoid(zf), sigmoid(zi), sigmoid(zo)\n"
            "    cct = np.tanh(zc)\n"
            "    c_next = np.add(np.multiply(ft, c_prev), np.multiply(it, cct))\n"
            "    a_next = np.multiply(ot, np.tanh(c_next))\n"
            "    s = np.einsum('yk,km->ym', parameters['Wy'], a_next) + parameters['by']\n"
            "    e = np.exp(s - s.max(axis=0, keepdims=True))\n"
            "    yt_pred = e / e.sum(axis=0, keepdims=True)\n"
            "    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)\n",
        ),
        (
            "lstm_forward",
            None,
            "def lstm_forward(x, a0, parameters):\n"
            "    n_x, m, T_x = x.shape\n"
            "    n_y = parameters['by'].shape[0]\n"
            "    a, c = np.zeros(a0.shape + (T_x,)), np.zeros(a0.shape + (T_x,))\n"
            "    y = np.zeros((n_y, m, T_x))\n"
            "    state = (a0, np.zeros(a0.shape))\n"
            "    cell_caches = []\n"
            "    for t, xt in enumerate(np.moveaxis(x, 2, 0)):\n"
            "        a_t, c_t, y[..., t], cache = lstm_cell_forward(xt, *state, parameters)\n"
            "        a[..., t], c[..., t] = a_t, c_t\n"
            "        state = (a_t, c_t)\n"
            "        cell_caches += [cache]\n"
            "    return a, y, c, (cell_caches, x)\n",
        ),
    ],
}

# The first visible test a classic bug fails, and a piece of its message that
# names the cause (tests/test_hints.py). None: no visible test fails; the
# hidden tests catch it.
FIRST_MESSAGE = {
    "concat_order_swapped": ("test_lstm_cell_forward", "with a_prev stacked ON TOP of xt"),
    "candidate_sigmoid": ("test_lstm_cell_forward", "a tanh, not a sigmoid"),
    "a_next_from_c_prev": ("test_lstm_cell_forward", "from the NEW memory c_next"),
    "cache_gates_swapped": ("test_lstm_cell_forward", "the cache holds (a_next, c_next, a_prev, c_prev, ft, it"),
    "cell_state_from_a0": ("test_lstm_forward", "the memory starts empty"),
    "cell_state_not_carried": ("test_lstm_forward", "is c_next passed on from one step to the next"),
    "forward_reimplements_cell": None,
    "hard_coded_example": None,
    "a_next_missing_tanh": ("test_lstm_cell_forward", "a_next = ot * tanh(c_next)"),
    "update_gate_uses_Wf": ("test_lstm_cell_forward", "the update gate's own Wi and bi"),
    "gate_roles_swapped": ("test_lstm_cell_forward", "the forget gate keeps part of the OLD memory"),
    "softmax_wrong_axis": ("test_lstm_cell_forward", "the softmax must be taken over axis 0"),
    "prediction_from_c_next": ("test_lstm_cell_forward", "from the NEW hidden state a_next"),
    "hidden_state_not_passed_on": ("test_lstm_forward", "is a_next passed on from one step to the next"),
    "hidden_state_starts_from_zeros": ("test_lstm_forward", "the first step starts from the given hidden state"),
    "prediction_off_by_one": ("test_lstm_forward", "y[:, :, t] is the prediction of step t"),
    "caches_without_x": ("test_lstm_forward", "caches should be the pair (list_of_cell_caches, x)"),
}
