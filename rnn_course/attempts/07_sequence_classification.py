"""Wrong answers for 07_sequence_classification, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake that the test suite grades to prove the tests take points away.
Each edit is (grade_id, old text, new text); an edit whose old text is not in
the reference solution is an error, so these stay in step with source/.
"""

# A loss (softmax + cross-entropy) at EVERY step, as in a many-to-many model,
# instead of only at the last step.
_LOSS_AT_EVERY_STEP = [
    (
        "classifier_backward",
        "        dz = da_next * (1.0 - a[:, :, t] ** 2)         # backprop through tanh, (n_a, m)\n",
        "        if t < T_x - 1:\n"
        "            do_t = (softmax(Wya @ a[:, :, t] + parameters['by']) - y) / m\n"
        "            dWya += do_t @ a[:, :, t].T\n"
        "            dby += do_t.sum(axis=1, keepdims=True)\n"
        "            da_next = da_next + Wya.T @ do_t\n"
        "        dz = da_next * (1.0 - a[:, :, t] ** 2)         # backprop through tanh, (n_a, m)\n",
    ),
]

WRONG = list(_LOSS_AT_EVERY_STEP)

BUGS = {
    # the classic bug: the loss enters at every step instead of the last
    "loss_at_every_step": list(_LOSS_AT_EVERY_STEP),
    # the gradient is not passed on to the previous step
    "no_carried_gradient": [
        ("classifier_backward", "        da_next = Waa.T @ dz                           # on to step t-1\n", ""),
    ],
    # the loop stops before the first step, the one that holds the class
    "backward_skips_first_step": [
        ("classifier_backward", "for t in reversed(range(T_x)):", "for t in reversed(range(1, T_x)):"),
    ],
    # a softmax written by hand over the examples instead of the classes
    "softmax_wrong_axis": [
        (
            "classifier_forward",
            "y_hat = softmax(Wya @ a_next + by) ",
            "y_hat = np.exp(Wya @ a_next + by) / np.exp(Wya @ a_next + by).sum(axis=1, keepdims=True) ",
        ),
    ],
    # the prediction made from the mean hidden state instead of the last one
    "output_from_mean_state": [
        ("classifier_forward", "y_hat = softmax(Wya @ a_next + by) ", "y_hat = softmax(Wya @ a.mean(axis=2) + by) "),
    ],
    # the loss summed over the batch instead of averaged
    "loss_summed": [
        ("classifier_loss", "loss = float(-np.sum(y * np.log(y_hat)) / m)", "loss = float(-np.sum(y * np.log(y_hat)))"),
    ],
    # the gradient of the softmax scores without the 1/m of the mean
    "gradient_not_averaged": [
        ("classifier_backward", "do = (y_hat - y) / m ", "do = (y_hat - y) "),
    ],
}

BUGS.update(
    {
        # the gradient passed back through Waa instead of its transpose
        "backward_Waa_not_transposed": [
            ("classifier_backward", "da_next = Waa.T @ dz ", "da_next = Waa @ dz "),
        ],
        # the tanh derivative taken at the previous state a<t-1> instead of a<t>
        "tanh_derivative_of_previous_state": [
            (
                "classifier_backward",
                "        dz = da_next * (1.0 - a[:, :, t] ** 2)         # backprop through tanh, (n_a, m)\n"
                "        a_prev = a[:, :, t - 1] if t > 0 else a0\n",
                "        a_prev = a[:, :, t - 1] if t > 0 else a0\n"
                "        dz = da_next * (1.0 - a_prev ** 2)             # backprop through tanh, (n_a, m)\n",
            ),
        ],
        # the gradient of the cross-entropy with respect to y_hat used as the gradient of the scores:
        # the softmax's own derivative forgotten (not softmax minus one-hot)
        "gradient_without_softmax": [
            ("classifier_backward", "do = (y_hat - y) / m ", "do = -y / y_hat / m "),
        ],
        # the loss averaged over all n_y * m entries instead of over the m examples
        "loss_mean_over_entries": [
            (
                "classifier_loss",
                "loss = float(-np.sum(y * np.log(y_hat)) / m)",
                "loss = float(-np.mean(y * np.log(y_hat)))",
            ),
        ],
        # the sequence starts from zeros instead of a0
        "forward_starts_from_zeros": [("classifier_forward", "a_next = a0", "a_next = np.zeros_like(a0)")],
        # gradient_norms_per_step: the norms stored in the order of the walk back (the last step first)
        "norms_in_walk_order": [
            ("gradient_norms_per_step", "norms[t] = np.linalg.norm(da)", "norms[T_x - 1 - t] = np.linalg.norm(da)"),
        ],
        # gradient_norms_per_step: passed back through Waa instead of its transpose
        "norms_Waa_not_transposed": [
            ("gradient_norms_per_step", "da = Waa.T @ (da * ", "da = Waa @ (da * "),
        ],
        # gradient_norms_per_step: the tanh derivative left out, as if the activation were linear
        "norms_without_tanh_derivative": [
            (
                "gradient_norms_per_step",
                "da = Waa.T @ (da * (1.0 - a[:, :, t] ** 2))",
                "da = Waa.T @ da",
            ),
        ],
        # gradient_norms_per_step: the gradient where the loss enters without the 1/m of the mean
        "norms_not_averaged": [
            ("gradient_norms_per_step", "da = Wya.T @ ((y_hat - y) / m)", "da = Wya.T @ (y_hat - y)"),
        ],
    }
)

# Correct implementations written in other styles: each must get full marks.
VARIANTS = {
    # per-example loops with np.dot, a softmax written by hand WITHOUT the max shift, the loss by picking the true class's probability, defensive copies, squared norms summed over the examples
    "loops_and_copies": [
        (
            "classifier_forward",
            None,
            "def classifier_forward(x, a0, parameters):\n"
            '    """Forward pass of a many-to-one RNN classifier: softmax from the last hidden state."""\n'
            '    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]\n'
            '    ba, by = parameters["ba"], parameters["by"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            "    n_y = Wya.shape[0]\n"
            "    a = np.zeros((n_a, m, T_x))\n"
            "    y_hat = np.zeros((n_y, m))\n"
            "    for j in range(m):\n"
            "        h = a0[:, j].copy()\n"
            "        for t in range(T_x):\n"
            "            h = np.tanh(np.dot(Waa, h) + np.dot(Wax, x[:, j, t]) + ba[:, 0])\n"
            "            a[:, j, t] = h\n"
            "        e = np.exp(np.dot(Wya, h) + by[:, 0])          # no max shift\n"
            "        y_hat[:, j] = e / np.sum(e)\n"
            "    cache = (a, y_hat, x, a0, parameters)\n"
            "    return a, y_hat, cache\n",
        ),
        (
            "classifier_loss",
            None,
            "def classifier_loss(y_hat, y):\n"
            '    """Cross-entropy of the predicted class probabilities, averaged over the examples."""\n'
            "    m = y.shape[1]\n"
            "    total = 0.0\n"
            "    for j in range(m):\n"
            "        c = int(np.argmax(y[:, j]))\n"
            "        total -= np.log(y_hat[c, j])\n"
            "    loss = total / m\n"
            "    return loss\n",
        ),
        (
            "classifier_backward",
            None,
            "def classifier_backward(y, cache):\n"
            '    """BPTT for the many-to-one classifier; the cross-entropy enters at the last step only."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            '    dWax = np.zeros(parameters["Wax"].shape)\n'
            "    dWaa = np.zeros((n_a, n_a))\n"
            "    dWya = np.zeros(Wya.shape)\n"
            "    dba = np.zeros((n_a, 1))\n"
            "    dby = np.zeros((Wya.shape[0], 1))\n"
            "    for j in range(m):\n"
            "        do = (y_hat[:, j] - y[:, j]) / m\n"
            "        dWya += np.outer(do, a[:, j, T_x - 1])\n"
            "        dby[:, 0] += do\n"
            "        da = np.dot(Wya.T, do)\n"
            "        for t in range(T_x - 1, -1, -1):\n"
            "            dz = da * (1 - a[:, j, t] ** 2)\n"
            "            prev = a[:, j, t - 1] if t else a0[:, j]\n"
            "            dWax += np.outer(dz, x[:, j, t])\n"
            "            dWaa += np.outer(dz, prev)\n"
            "            dba[:, 0] += dz\n"
            "            da = np.dot(Waa.T, dz)\n"
            '    gradients = {"dWax": dWax, "dWaa": dWaa, "dWya": dWya, "dba": dba, "dby": dby}\n'
            "    return gradients\n",
        ),
        (
            "gradient_norms_per_step",
            None,
            "def gradient_norms_per_step(y, cache):\n"
            '    """How much of the gradient reaches each hidden state: the norm of dL/da<t> for every step."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    squares = np.zeros(T_x)\n"
            "    for j in range(m):                                  # one sequence at a time: squared norms add up\n"
            "        da = np.dot(Wya.T, y_hat[:, j] - y[:, j]) / m\n"
            "        for t in range(T_x - 1, -1, -1):\n"
            "            squares[t] += np.sum(da ** 2)\n"
            "            da = np.dot(Waa.T, da * (1 - a[:, j, t] ** 2))\n"
            "    norms = np.sqrt(squares)\n"
            "    return norms\n",
        ),
    ],
    # einsum everywhere, states stacked from a list, a log-sum-exp softmax, np.float64 loss, every dz kept and summed at once, every dL/da<t> kept
    "einsum_log_sum_exp": [
        (
            "classifier_forward",
            None,
            "def classifier_forward(x, a0, parameters):\n"
            '    """Forward pass of a many-to-one RNN classifier: softmax from the last hidden state."""\n'
            '    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]\n'
            '    ba, by = parameters["ba"], parameters["by"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            "    hs = [a0]\n"
            "    for t in range(T_x):\n"
            '        hs.append(np.tanh(np.einsum("ab,bm->am", Waa, hs[-1]) + np.einsum("ax,xm->am", Wax, x[:, :, t]) + ba))\n'
            "    a = np.stack(hs[1:], axis=2)\n"
            '    z = np.einsum("ya,am->ym", Wya, hs[-1]) + by\n'
            "    log_norm = np.log(np.sum(np.exp(z - z.max(axis=0)), axis=0)) + z.max(axis=0)\n"
            "    y_hat = np.exp(z - log_norm)\n"
            "    cache = (a, y_hat, x, a0, parameters)\n"
            "    return a, y_hat, cache\n",
        ),
        (
            "classifier_loss",
            None,
            "def classifier_loss(y_hat, y):\n"
            '    """Cross-entropy of the predicted class probabilities, averaged over the examples."""\n'
            '    loss = -np.einsum("ym,ym->", y, np.log(y_hat)) / y.shape[1]\n'
            "    return loss\n",
        ),
        (
            "classifier_backward",
            None,
            "def classifier_backward(y, cache):\n"
            '    """BPTT for the many-to-one classifier; the cross-entropy enters at the last step only."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    do = np.subtract(y_hat, y) * (1.0 / m)\n"
            "    prev = np.concatenate([a0[:, :, None], a[:, :, :-1]], axis=2)\n"
            '    g = {"dWya": np.einsum("ym,am->ya", do, a[:, :, -1]), "dby": np.einsum("ym->y", do).reshape(-1, 1)}\n'
            '    da = np.einsum("ya,ym->am", Wya, do)\n'
            "    dz_all = np.zeros_like(a)\n"
            "    for s in range(T_x):\n"
            "        t = T_x - 1 - s\n"
            "        dz_all[:, :, t] = da * (1 - a[:, :, t] * a[:, :, t])\n"
            '        da = np.einsum("ba,bm->am", Waa, dz_all[:, :, t])\n'
            '    g["dWax"] = np.einsum("amt,xmt->ax", dz_all, x)\n'
            '    g["dWaa"] = np.einsum("amt,bmt->ab", dz_all, prev)\n'
            '    g["dba"] = dz_all.sum(axis=(1, 2)).reshape(-1, 1)\n'
            '    gradients = {k: g[k] for k in ("dWax", "dWaa", "dWya", "dba", "dby")}\n'
            "    return gradients\n",
        ),
        (
            "gradient_norms_per_step",
            None,
            "def gradient_norms_per_step(y, cache):\n"
            '    """How much of the gradient reaches each hidden state: the norm of dL/da<t> for every step."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    D = np.empty_like(a)                                # every dL/da<t>, kept\n"
            '    D[:, :, -1] = np.einsum("ya,ym->am", Wya, y_hat - y) / m\n'
            "    for s in range(1, T_x):\n"
            "        t = T_x - 1 - s\n"
            '        D[:, :, t] = np.einsum("ba,bm->am", Waa, D[:, :, t + 1] * (1 - a[:, :, t + 1] ** 2))\n'
            '    norms = np.sqrt(np.einsum("amt,amt->t", D, D))\n'
            "    return norms\n",
        ),
    ],
    # np.dot, one max shift for the whole batch, the loss as the mean log of the picked probabilities, reversed(range(T_x)), gradients in another key order, the norms collected in a list
    "dot_reversed": [
        (
            "classifier_forward",
            None,
            "def classifier_forward(x, a0, parameters):\n"
            '    """Forward pass of a many-to-one RNN classifier: softmax from the last hidden state."""\n'
            '    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]\n'
            '    ba, by = parameters["ba"], parameters["by"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            "    a = np.zeros((n_a, m, T_x))\n"
            "    prev = np.copy(a0)\n"
            "    for t in range(T_x):\n"
            "        z = np.dot(Wax, x[:, :, t])\n"
            "        z += np.dot(Waa, prev)\n"
            "        z += ba\n"
            "        a[:, :, t] = np.tanh(z)\n"
            "        prev = a[:, :, t]\n"
            "    scores = np.dot(Wya, prev) + by\n"
            "    e = np.exp(scores - np.max(scores))          # one shift for the whole batch\n"
            "    y_hat = e / np.sum(e, axis=0, keepdims=True)\n"
            "    cache = (a, y_hat, x, a0, parameters)\n"
            "    return a, y_hat, cache\n",
        ),
        (
            "classifier_loss",
            None,
            "def classifier_loss(y_hat, y):\n"
            '    """Cross-entropy of the predicted class probabilities, averaged over the examples."""\n'
            "    loss = -np.mean(np.log(np.sum(y * y_hat, axis=0)))\n"
            "    return loss\n",
        ),
        (
            "classifier_backward",
            None,
            "def classifier_backward(y, cache):\n"
            '    """BPTT for the many-to-one classifier; the cross-entropy enters at the last step only."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    do = (y_hat - y) / float(m)\n"
            '    gradients = {"dby": np.sum(do, axis=1, keepdims=True), "dWya": np.dot(do, a[:, :, -1].T),\n'
            '                 "dba": np.zeros(parameters["ba"].shape), "dWaa": np.zeros(Waa.shape),\n'
            '                 "dWax": np.zeros(parameters["Wax"].shape)}\n'
            "    da = np.dot(Wya.T, do)\n"
            "    for t in reversed(range(T_x)):\n"
            "        dz = (1 - a[:, :, t] ** 2) * da\n"
            '        gradients["dWax"] = gradients["dWax"] + np.dot(dz, x[:, :, t].T)\n'
            '        gradients["dWaa"] = gradients["dWaa"] + np.dot(dz, (a0 if t == 0 else a[:, :, t - 1]).T)\n'
            '        gradients["dba"] = gradients["dba"] + dz.sum(axis=1).reshape(-1, 1)\n'
            "        da = np.dot(Waa.T, dz)\n"
            "    return gradients\n",
        ),
        (
            "gradient_norms_per_step",
            None,
            "def gradient_norms_per_step(y, cache):\n"
            '    """How much of the gradient reaches each hidden state: the norm of dL/da<t> for every step."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    sizes = []                                          # from the last step back\n"
            "    da = np.dot(Wya.T, y_hat - y) / float(m)\n"
            "    for t in reversed(range(T_x)):\n"
            "        sizes.append(np.sqrt(np.sum(da * da)))\n"
            "        da = np.dot(Waa.T, (1 - np.square(a[:, :, t])) * da)\n"
            "    norms = np.array(sizes[::-1])\n"
            "    return norms\n",
        ),
    ],
}

# The first visible test a classic bug fails, and a piece of its message that
# names the cause (tests/test_hints.py). None: no visible test fails; the
# hidden tests catch it.
FIRST_MESSAGE = {
    "loss_at_every_step": ("test_classifier_backward", "the loss enters only at the last step"),
    "no_carried_gradient": ("test_classifier_backward", "da is carried on from one step to the next"),
    "backward_skips_first_step": ("test_classifier_backward", "the loop over the time steps did not run"),
    "softmax_wrong_axis": ("test_classifier_forward", "softmax over the classes (axis 0)"),
    "output_from_mean_state": ("test_classifier_forward", "from the LAST hidden state"),
    "loss_summed": ("test_classifier_loss", "divided by m (not summed"),
    "gradient_not_averaged": ("test_classifier_backward", "every entry of your dWya is 5 times the correct one"),
    "backward_Waa_not_transposed": ("test_classifier_backward", "da = Waa.T @ dz"),
    "tanh_derivative_of_previous_state": (
        "test_classifier_backward",
        "the tanh derivative at the state of the SAME step t",
    ),
    "gradient_without_softmax": ("test_classifier_backward", "the softmax minus the one-hot target"),
    "loss_mean_over_entries": ("test_classifier_loss", "not averaged over all n_y * m entries"),
    "forward_starts_from_zeros": ("test_classifier_forward", "the first step starts from a0"),
    "norms_in_walk_order": ("test_gradient_norms_per_step", "the loss enters at the LAST entry"),
    "norms_Waa_not_transposed": ("test_gradient_norms_per_step", "and Waa transposed"),
    "norms_without_tanh_derivative": ("test_gradient_norms_per_step", "through the tanh and Waa"),
    "norms_not_averaged": ("test_gradient_norms_per_step", "np.linalg.norm(Wya.T @ (y_hat - y) / m)"),
}
