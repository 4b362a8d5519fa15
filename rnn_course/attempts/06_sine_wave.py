"""Wrong answers for 06_sine_wave, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake that the test suite grades to prove the tests take points away.
Each edit is (grade_id, old text, new text); an edit whose old text is not in
the reference solution is an error, so these stay in step with source/.
"""

WRONG = [
    # Truncation one step short: the loop stops before the k-th step back.
    ("forecaster_backward", "for t in range(T_x - 1, T_x - 1 - k, -1):", "for t in range(T_x - 1, T_x - k, -1):"),
]

BUGS = {
    # wrong truncation: one step fewer than asked for
    "truncation_off_by_one": [
        ("forecaster_backward", "for t in range(T_x - 1, T_x - 1 - k, -1):", "for t in range(T_x - 1, T_x - k, -1):"),
    ],
    # wrong truncation: bptt_steps ignored, always full BPTT
    "truncation_ignored": [
        ("forecaster_backward", "k = T_x if bptt_steps is None else min(bptt_steps, T_x)", "k = T_x"),
    ],
    # wrong truncation: backpropagates through the FIRST k steps instead of the last k
    "truncation_first_steps": [
        ("forecaster_backward", "for t in range(T_x - 1, T_x - 1 - k, -1):", "for t in range(k - 1, -1, -1):"),
    ],
    # clipping missing from the training loop
    "clipping_missing": [
        ("train_forecaster", "            gradients = clip_gradients(gradients, clip_value)\n", ""),
    ],
    # clipping that clips a throw-away copy: the gradients are returned unchanged
    "clip_without_effect": [
        (
            "clip_gradients",
            "clipped = {name: np.clip(g, -max_value, max_value) for name, g in gradients.items()}",
            "for g in gradients.values():\n        g = np.clip(g, -max_value, max_value)\n    clipped = gradients",
        ),
    ],
    # clipping by the global norm instead of element-wise
    "clip_by_norm": [
        (
            "clip_gradients",
            "clipped = {name: np.clip(g, -max_value, max_value) for name, g in gradients.items()}",
            "norm = np.sqrt(sum(np.sum(g ** 2) for g in gradients.values()))\n"
            "    scale = min(1.0, max_value / norm)\n"
            "    clipped = {name: g * scale for name, g in gradients.items()}",
        ),
    ],
    # the prediction made from the first hidden state instead of the last
    "output_from_first_state": [
        ("forecaster_forward", "y_hat = Wya @ a_next + by ", "y_hat = Wya @ a[:, :, 0] + by "),
    ],
    # the squared-error gradient without the factor 2
    "mse_gradient_without_2": [
        ("forecaster_backward", "dy = 2.0 * (y_hat - y) / y.size", "dy = (y_hat - y) / y.size"),
    ],
    # the recorded validation curve is computed on the training windows
    "val_history_on_train": [
        (
            "train_forecaster",
            'history["val"].append(mse_loss(y_hat_val, y_val))',
            'history["val"].append(mse_loss(y_hat_train, y_train))',
        ),
    ],
}

BUGS.update(
    {
        # the gradient passed back through Waa instead of its transpose
        "backward_Waa_not_transposed": [
            ("forecaster_backward", "da = Waa.T @ dz ", "da = Waa @ dz "),
        ],
        # the tanh derivative taken at the previous state a<t-1> instead of a<t>
        "tanh_derivative_of_previous_state": [
            (
                "forecaster_backward",
                "        dz = da * (1.0 - a[:, :, t] ** 2)               # backprop through tanh\n"
                "        a_prev = a[:, :, t - 1] if t > 0 else a0\n",
                "        a_prev = a[:, :, t - 1] if t > 0 else a0\n"
                "        dz = da * (1.0 - a_prev ** 2)                   # backprop through tanh\n",
            ),
        ],
        # dWaa from the current state instead of the previous one
        "dWaa_from_current_state": [
            ("forecaster_backward", "dWaa += dz @ a_prev.T", "dWaa += dz @ a[:, :, t].T"),
        ],
        # the output gradient entering at every step, as in a many-to-many model
        "gradient_enters_at_every_step": [
            ("forecaster_backward", "da = Waa.T @ dz ", "da = Waa.T @ dz + Wya.T @ dy "),
        ],
        # the squared-error gradient not divided by the number of entries (a sum, not a mean)
        "mse_gradient_not_averaged": [
            ("forecaster_backward", "dy = 2.0 * (y_hat - y) / y.size", "dy = 2.0 * (y_hat - y)"),
        ],
        # the sequence starts from zeros instead of a0
        "forward_starts_from_zeros": [("forecaster_forward", "a_next = a0", "a_next = np.zeros_like(a0)")],
        # a tanh on the regression output
        "output_with_tanh": [
            ("forecaster_forward", "y_hat = Wya @ a_next + by ", "y_hat = np.tanh(Wya @ a_next + by) "),
        ],
        # the training loop ignores bptt_steps: full BPTT whatever was asked for
        "train_ignores_bptt_steps": [
            (
                "train_forecaster",
                "forecaster_backward(y_train[:, idx], cache, bptt_steps)",
                "forecaster_backward(y_train[:, idx], cache)",
            ),
        ],
    }
)

# Correct implementations written in other styles: each must get full marks.
VARIANTS = {
    # per-example loops with np.dot, np.empty, defensive copies, np.where clipping, in-place updates, np.float64 history, minibatch count via ceil
    "loops_and_copies": [
        (
            "forecaster_forward",
            None,
            "def forecaster_forward(x, a0, parameters):\n"
            '    """Forward pass of a many-to-one RNN with a linear output from the last hidden state."""\n'
            '    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]\n'
            '    ba, by = parameters["ba"], parameters["by"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            "    n_y = Wya.shape[0]\n"
            "    a = np.empty((n_a, m, T_x))\n"
            "    y_hat = np.empty((n_y, m))\n"
            "    for j in range(m):\n"
            "        h = np.array(a0[:, j], copy=True)\n"
            "        for t in range(T_x):\n"
            "            h = np.tanh(np.dot(Waa, h) + np.dot(Wax, x[:, j, t]) + ba[:, 0])\n"
            "            a[:, j, t] = h\n"
            "        y_hat[:, j] = np.dot(Wya, h) + by[:, 0]\n"
            "    cache = (a, y_hat, x, a0, parameters)\n"
            "    return a, y_hat, cache\n",
        ),
        (
            "forecaster_backward",
            None,
            "def forecaster_backward(y, cache, bptt_steps=None):\n"
            '    """Truncated BPTT for the forecaster and its mean squared error."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            "    if bptt_steps is None or bptt_steps >= T_x:\n"
            "        first = 0\n"
            "    else:\n"
            "        first = T_x - bptt_steps\n"
            "    n_y = y.shape[0]\n"
            '    dWax = np.zeros(parameters["Wax"].shape)\n'
            "    dWaa = np.zeros((n_a, n_a))\n"
            "    dWya = np.zeros(Wya.shape)\n"
            "    dba = np.zeros((n_a, 1))\n"
            "    dby = np.zeros((n_y, 1))\n"
            "    for j in range(m):\n"
            "        dyj = 2.0 * (y_hat[:, j] - y[:, j]) / (n_y * m)\n"
            "        dWya += np.outer(dyj, a[:, j, T_x - 1])\n"
            "        dby[:, 0] += dyj\n"
            "        da = np.dot(Wya.T, dyj)\n"
            "        t = T_x - 1\n"
            "        while t >= first:\n"
            "            dz = da * (1.0 - a[:, j, t] * a[:, j, t])\n"
            "            prev = a0[:, j] if t == 0 else a[:, j, t - 1]\n"
            "            dWax += np.outer(dz, x[:, j, t])\n"
            "            dWaa += np.outer(dz, prev)\n"
            "            dba[:, 0] += dz\n"
            "            da = np.dot(Waa.T, dz)\n"
            "            t -= 1\n"
            '    gradients = {"dWax": dWax, "dWaa": dWaa, "dWya": dWya, "dba": dba, "dby": dby}\n'
            "    return gradients\n",
        ),
        (
            "clip_gradients",
            None,
            "def clip_gradients(gradients, max_value):\n"
            '    """Clip every entry of every gradient to [-max_value, max_value]."""\n'
            "    clipped = {}\n"
            "    for name in gradients:\n"
            "        g = np.array(gradients[name], dtype=float, copy=True)\n"
            "        g = np.where(g > max_value, max_value, g)\n"
            "        g = np.where(g < -max_value, -max_value, g)\n"
            "        clipped[name] = g\n"
            "    return clipped\n",
        ),
        (
            "train_forecaster",
            None,
            "def train_forecaster(parameters, x_train, y_train, x_val, y_val, n_epochs=50, learning_rate=0.05,\n"
            "                     batch_size=10, bptt_steps=5, clip_value=10.0, seed=0, progress=False):\n"
            '    """Train the forecaster with minibatch SGD, truncated BPTT and element-wise clipping."""\n'
            "    parameters = {name: value.copy() for name, value in parameters.items()}\n"
            "    rng = np.random.default_rng(seed)\n"
            '    n_a = parameters["Waa"].shape[0]\n'
            "    m = x_train.shape[1]\n"
            '    history = {"train": [], "val": []}\n'
            '    for epoch in trange(n_epochs, desc="epochs", disable=not progress):\n'
            "        order = rng.permutation(m)            # a new random order of the windows every epoch\n"
            "        n_batches = int(np.ceil(m / batch_size))\n"
            "        for b in range(n_batches):\n"
            "            idx = order[b * batch_size:min(m, (b + 1) * batch_size)]\n"
            "            xb = np.take(x_train, idx, axis=1)\n"
            "            yb = np.take(y_train, idx, axis=1)\n"
            "            cache = forecaster_forward(xb, np.zeros((n_a, xb.shape[1])), parameters)[2]\n"
            "            grads = clip_gradients(forecaster_backward(yb, cache, bptt_steps=bptt_steps), clip_value)\n"
            "            for name in list(parameters):\n"
            '                parameters[name] -= learning_rate * grads["d" + name]\n'
            "        pred_train = forecaster_forward(x_train, np.zeros((n_a, m)), parameters)[1]\n"
            "        pred_val = forecaster_forward(x_val, np.zeros((n_a, x_val.shape[1])), parameters)[1]\n"
            '        history["train"].append(np.mean(np.square(pred_train - y_train)))\n'
            '        history["val"].append(np.mean(np.square(pred_val - y_val)))\n'
            "    return parameters, history\n",
        ),
    ],
    # einsum products, states stacked from a list, the loop counted by s, np.clip with out=, new parameter dicts, a while loop over minibatches
    "einsum_stacked": [
        (
            "forecaster_forward",
            None,
            "def forecaster_forward(x, a0, parameters):\n"
            '    """Forward pass of a many-to-one RNN with a linear output from the last hidden state."""\n'
            '    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]\n'
            '    ba, by = parameters["ba"], parameters["by"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            "    states = []\n"
            "    h = a0.copy()\n"
            "    for t in range(T_x):\n"
            '        h = np.tanh(np.einsum("ij,jm->im", Waa, h) + np.einsum("ij,jm->im", Wax, x[..., t]) + ba)\n'
            "        states.append(h)\n"
            "    a = np.stack(states, axis=-1)\n"
            '    y_hat = np.einsum("ij,jm->im", Wya, states[-1]) + by\n'
            "    cache = (a, y_hat, x, a0, parameters)\n"
            "    return a, y_hat, cache\n",
        ),
        (
            "forecaster_backward",
            None,
            "def forecaster_backward(y, cache, bptt_steps=None):\n"
            '    """Truncated BPTT for the forecaster and its mean squared error."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    k = T_x if bptt_steps is None else min(T_x, int(bptt_steps))\n"
            "    err = np.subtract(y_hat, y)\n"
            "    dy = err * (2.0 / np.prod(y.shape))\n"
            "    states = np.concatenate([a0[:, :, None], a], axis=2)   # states[..., t + 1] = a<t>\n"
            '    grads = {"dWya": np.einsum("ym,am->ya", dy, a[:, :, -1]), "dby": np.einsum("ym->y", dy)[:, None]}\n'
            '    dWax = np.zeros_like(parameters["Wax"]); dWaa = np.zeros_like(Waa); dba = np.zeros_like(parameters["ba"])\n'
            '    da = np.einsum("ya,ym->am", Wya, dy)\n'
            "    for s in range(k):\n"
            "        t = T_x - 1 - s\n"
            "        dz = da * (1 - np.square(states[:, :, t + 1]))\n"
            '        dWax = dWax + np.einsum("am,xm->ax", dz, x[:, :, t])\n'
            '        dWaa = dWaa + np.einsum("am,bm->ab", dz, states[:, :, t])\n'
            "        dba = dba + np.sum(dz, axis=1)[:, None]\n"
            '        da = np.einsum("ba,bm->am", Waa, dz)\n'
            "    grads.update(dWax=dWax, dWaa=dWaa, dba=dba)\n"
            "    gradients = grads\n"
            "    return gradients\n",
        ),
        (
            "clip_gradients",
            None,
            "def clip_gradients(gradients, max_value):\n"
            '    """Clip every entry of every gradient to [-max_value, max_value]."""\n'
            "    clipped = dict()\n"
            "    for name, g in gradients.items():\n"
            "        out = g.copy()\n"
            "        np.clip(out, -max_value, max_value, out=out)\n"
            "        clipped[name] = out\n"
            "    return clipped\n",
        ),
        (
            "train_forecaster",
            None,
            "def train_forecaster(parameters, x_train, y_train, x_val, y_val, n_epochs=50, learning_rate=0.05,\n"
            "                     batch_size=10, bptt_steps=5, clip_value=10.0, seed=0, progress=False):\n"
            '    """Train the forecaster with minibatch SGD, truncated BPTT and element-wise clipping."""\n'
            "    parameters = {name: value.copy() for name, value in parameters.items()}\n"
            "    rng = np.random.default_rng(seed)\n"
            '    n_a = parameters["Waa"].shape[0]\n'
            "    m = x_train.shape[1]\n"
            '    history = {"train": [], "val": []}\n'
            '    for epoch in trange(n_epochs, desc="epochs", disable=not progress):\n'
            "        order = rng.permutation(m)            # a new random order of the windows every epoch\n"
            "        start = 0\n"
            "        while start < m:\n"
            "            idx = list(order[start:start + batch_size])\n"
            "            x_b, y_b = x_train[:, idx, :], y_train[:, idx]\n"
            "            a0 = np.zeros((n_a, len(idx)))\n"
            "            _, _, cache = forecaster_forward(x_b, a0, parameters)\n"
            "            g = clip_gradients(forecaster_backward(y_b, cache, bptt_steps), max_value=clip_value)\n"
            '            parameters = {name: value - learning_rate * g["d" + name] for name, value in parameters.items()}\n'
            "            start += batch_size\n"
            '        for key, (xs, ys) in (("train", (x_train, y_train)), ("val", (x_val, y_val))):\n'
            "            _, pred, _ = forecaster_forward(xs, np.zeros((n_a, xs.shape[1])), parameters)\n"
            "            history[key].append(float(mse_loss(pred, ys)))\n"
            "    return parameters, history\n",
        ),
    ],
    # np.dot, tanh written in place with out=, reversed(range(lo, T_x)), the gradient dict built in another key order, np.minimum/np.maximum clipping by sorted keys, minibatches via np.array_split
    "dot_in_place": [
        (
            "forecaster_forward",
            None,
            "def forecaster_forward(x, a0, parameters):\n"
            '    """Forward pass of a many-to-one RNN with a linear output from the last hidden state."""\n'
            '    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]\n'
            '    ba, by = parameters["ba"], parameters["by"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    n_a = Waa.shape[0]\n"
            "    a = np.zeros((n_a, m, T_x))\n"
            "    prev = a0\n"
            "    for t in range(T_x):\n"
            "        z = np.dot(Wax, x[:, :, t])\n"
            "        z += np.dot(Waa, prev)\n"
            "        z += ba\n"
            "        np.tanh(z, out=a[:, :, t])\n"
            "        prev = a[:, :, t]\n"
            "    y_hat = np.dot(Wya, a[:, :, -1]) + by\n"
            "    cache = (a, y_hat, x, a0, parameters)\n"
            "    return a, y_hat, cache\n",
        ),
        (
            "forecaster_backward",
            None,
            "def forecaster_backward(y, cache, bptt_steps=None):\n"
            '    """Truncated BPTT for the forecaster and its mean squared error."""\n'
            "    a, y_hat, x, a0, parameters = cache\n"
            '    Waa, Wya = parameters["Waa"], parameters["Wya"]\n'
            "    n_x, m, T_x = x.shape\n"
            "    lo = 0 if bptt_steps is None else max(0, T_x - bptt_steps)\n"
            "    n = y.shape[0] * y.shape[1]\n"
            "    dy = (y_hat - y) * 2 / n\n"
            '    gradients = {"dby": np.sum(dy, axis=1, keepdims=True), "dWya": np.dot(dy, a[:, :, -1].T)}\n'
            '    gradients["dba"] = np.zeros(parameters["ba"].shape)\n'
            '    gradients["dWaa"] = np.zeros(Waa.shape)\n'
            '    gradients["dWax"] = np.zeros(parameters["Wax"].shape)\n'
            "    da = np.dot(Wya.T, dy)\n"
            "    for t in reversed(range(lo, T_x)):\n"
            "        dz = (1 - a[:, :, t] ** 2) * da\n"
            '        gradients["dWax"] += np.dot(dz, x[:, :, t].T)\n'
            '        gradients["dWaa"] += np.dot(dz, (a[:, :, t - 1] if t >= 1 else a0).T)\n'
            '        gradients["dba"] += np.sum(dz, axis=1, keepdims=True)\n'
            "        da = np.dot(Waa.T, dz)\n"
            "    return gradients\n",
        ),
        (
            "clip_gradients",
            None,
            "def clip_gradients(gradients, max_value):\n"
            '    """Clip every entry of every gradient to [-max_value, max_value]."""\n'
            "    clipped = {name: np.minimum(np.maximum(gradients[name], -max_value), max_value) for name in sorted(gradients)}\n"
            "    return clipped\n",
        ),
        (
            "train_forecaster",
            None,
            "def train_forecaster(parameters, x_train, y_train, x_val, y_val, n_epochs=50, learning_rate=0.05,\n"
            "                     batch_size=10, bptt_steps=5, clip_value=10.0, seed=0, progress=False):\n"
            '    """Train the forecaster with minibatch SGD, truncated BPTT and element-wise clipping."""\n'
            "    parameters = {name: value.copy() for name, value in parameters.items()}\n"
            "    rng = np.random.default_rng(seed)\n"
            '    n_a = parameters["Waa"].shape[0]\n'
            "    m = x_train.shape[1]\n"
            '    history = {"train": [], "val": []}\n'
            '    for epoch in trange(n_epochs, desc="epochs", disable=not progress):\n'
            "        order = rng.permutation(m)            # a new random order of the windows every epoch\n"
            "        for idx in np.array_split(order, list(range(batch_size, m, batch_size))):\n"
            "            _, _, cache = forecaster_forward(x_train[:, idx], np.zeros((n_a, idx.size)), parameters)\n"
            "            gradients = clip_gradients(forecaster_backward(y_train[:, idx], cache, bptt_steps), clip_value)\n"
            "            for name, value in list(parameters.items()):\n"
            '                parameters[name] = value - learning_rate * gradients["d" + name]\n'
            '        history["train"].append(mse_loss(forecaster_forward(x_train, np.zeros((n_a, m)), parameters)[1], y_train))\n'
            '        history["val"].append(mse_loss(forecaster_forward(x_val, np.zeros((n_a, x_val.shape[1])), parameters)[1], y_val))\n'
            "    return parameters, history\n",
        ),
    ],
}

# The first visible test a classic bug fails, and a piece of its message that
# names the cause (tests/test_hints.py). None: no visible test fails; the
# hidden tests catch it.
FIRST_MESSAGE = {
    "truncation_off_by_one": ("test_forecaster_backward", "the loop over the time steps did not run"),
    "truncation_ignored": ("test_forecaster_backward", "with bptt_steps=1 you return the gradients of full BPTT"),
    "truncation_first_steps": ("test_forecaster_backward", "change when the inputs BEFORE the last step change"),
    "clipping_missing": ("test_train_forecaster", "clip_gradients(gradients, clip_value)"),
    "clip_without_effect": ("test_clip_gradients", "np.clip returns a NEW array"),
    "clip_by_norm": ("test_clip_gradients", "do not rescale the whole gradient by its norm"),
    "output_from_first_state": ("test_forecaster_forward", "from the LAST hidden state"),
    "mse_gradient_without_2": ("test_forecaster_backward", "every entry of your dWya is 0.5 times the correct one"),
    "val_history_on_train": ("test_train_forecaster", "the whole VALIDATION set"),
    "backward_Waa_not_transposed": ("test_forecaster_backward", "da = Waa.T @ dz"),
    "tanh_derivative_of_previous_state": (
        "test_forecaster_backward",
        "the tanh derivative at the state of the SAME step t",
    ),
    "dWaa_from_current_state": ("test_forecaster_backward", "dWaa += dz a<t-1>.T with the PREVIOUS state"),
    "gradient_enters_at_every_step": ("test_forecaster_backward", "nothing is added to it on the way"),
    "mse_gradient_not_averaged": ("test_forecaster_backward", "every entry of your dWya is 3 times the correct one"),
    "forward_starts_from_zeros": ("test_forecaster_forward", "the first step starts from a0"),
    "output_with_tanh": ("test_forecaster_forward", "with no activation"),
    "train_ignores_bptt_steps": ("test_train_forecaster", "forecaster_backward(y_batch, cache, bptt_steps)"),
}
