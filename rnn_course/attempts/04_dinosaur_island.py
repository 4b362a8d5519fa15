"""Wrong answers for 04_dinosaur_island, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake that the test suite grades to prove the tests take points away.
Each edit is (grade_id, old text, new text); an edit whose old text is not in
the reference solution is an error, so these stay in step with source/.
"""

_CLIP = "        clipped[name] = np.clip(gradients[name], -maxValue, maxValue)"
_FEEDBACK = "        x[idx] = 1\n"
_DRAW = "        idx = np.random.choice(vocab_size, p=y.ravel())"
_PAIR = '        X = [None] + [char_to_ix[ch] for ch in name]\n        Y = X[1:] + [char_to_ix["\\n"]]\n'
_STEP = "        curr_loss, gradients, _ = optimize(X, Y, a_prev, parameters, learning_rate)"

WRONG = [
    # clip works in place (np.clip with out=): the caller's raw gradients are destroyed
    ("clip", _CLIP, "        clipped[name] = np.clip(gradients[name], -maxValue, maxValue, out=gradients[name])"),
    # the drawn character is never fed back: every step reads the zero vector
    ("sample", _FEEDBACK, ""),
]

BUGS = {
    # greedy decoding: the most likely character instead of a draw
    "sample_argmax": [("sample", _DRAW, "        idx = int(np.argmax(y))")],
    # the generator is seeded once by the caller, never before each draw
    "sample_no_reseed": [("sample", "        np.random.seed(counter + seed)\n", "")],
    # the next input stays the zero vector
    "sample_no_feedback": [("sample", _FEEDBACK, "")],
    # no 50-character cap: only the newline stops the loop
    "sample_no_cap": [("sample", "    while idx != newline and counter != 50:", "    while idx != newline:")],
    # the temperature argument is accepted but not used
    "sample_ignores_temperature": [("sample", "softmax((Wya @ a + by) / temperature)", "softmax(Wya @ a + by)")],
    # clipping in place
    "clip_in_place": [WRONG[0]],
    # the biases are passed through unclipped
    "clip_weights_only": [
        (
            "clip",
            _CLIP,
            "        clipped[name] = (np.clip(gradients[name], -maxValue, maxValue)\n"
            "                         if name.startswith('dW') else gradients[name])",
        )
    ],
    # the gradients are never clipped
    "optimize_no_clip": [("optimize", "    gradients = clip(gradients, 5)\n", "")],
    # clipped at the wrong threshold
    "optimize_clips_at_10": [("optimize", "clip(gradients, 5)", "clip(gradients, 10)")],
    # the parameters are never updated
    "optimize_no_update": [("optimize", "    update_parameters(parameters, gradients, learning_rate)\n", "")],
    # the first hidden state returned instead of the last
    "optimize_first_state": [("optimize", "a_last = a[:, -1:]", "a_last = a[:, :1]")],
    # the raw per-name loss recorded instead of the smoothed one
    "model_no_smoothing": [("model", "loss = smooth(loss, curr_loss / len(Y))", "loss = curr_loss / len(Y)")],
    # the same name at every step
    "model_one_name": [("model", "name = names[order[j % len(names)]]", "name = names[order[0]]")],
}

BUGS.update(
    {
        # np.clip called for its effect: its result (the clipped array) is thrown away, the raw gradients returned
        "clip_result_discarded": [
            (
                "clip",
                _CLIP,
                "        np.clip(gradients[name], -maxValue, maxValue)\n        clipped[name] = gradients[name]",
            )
        ],
        # a copy is made, then np.clip is called on it without out=: the copy stays unclipped
        "clip_copy_not_clipped": [
            (
                "clip",
                _CLIP,
                "        clipped[name] = gradients[name].copy()\n        np.clip(clipped[name], -maxValue, maxValue)",
            )
        ],
        # the hidden state is not carried on: every step starts again from the zero state
        "sample_state_not_carried": [("sample", "        a_prev = a\n", "")],
        # only the counter goes up: the draws are seeded with counter + seed, seed never changing
        "sample_seed_not_incremented": [("sample", "        seed += 1\n", "")],
        # the newline appended after every name, also after a drawn newline (two newlines)
        "sample_newline_twice": [("sample", "    if idx != newline:                     #", "    if True:  #")],
        # the clipped gradients used for the update, the raw ones returned
        "optimize_returns_raw_gradients": [
            ("optimize", "    gradients = clip(gradients, 5)\n", "    clipped = clip(gradients, 5)\n"),
            (
                "optimize",
                "update_parameters(parameters, gradients, learning_rate)",
                "update_parameters(parameters, clipped, learning_rate)",
            ),
        ],
        # the update made with the raw gradients, before clipping
        "optimize_update_before_clip": [
            (
                "optimize",
                "    gradients = clip(gradients, 5)\n    update_parameters(parameters, gradients, learning_rate)\n",
                "    update_parameters(parameters, gradients, learning_rate)\n    gradients = clip(gradients, 5)\n",
            )
        ],
        # the learning rate hard-coded to the default
        "optimize_fixed_learning_rate": [
            (
                "optimize",
                "update_parameters(parameters, gradients, learning_rate)",
                "update_parameters(parameters, gradients, 0.01)",
            )
        ],
        # X without the leading None: the model never sees the zero input that sample starts from
        "model_no_leading_none": [
            (
                "model",
                _PAIR,
                '        X = [char_to_ix[ch] for ch in name]\n        Y = X[1:] + [char_to_ix["\\n"]]\n',
            )
        ],
        # learning_rate not passed on: optimize always uses its default, 0.01
        "model_default_learning_rate": [
            ("model", _STEP, "        curr_loss, gradients, _ = optimize(X, Y, a_prev, parameters)")
        ],
        # the hidden state carried from one name to the next instead of the zero state
        "model_carries_state": [
            (
                "model",
                "    for j in steps:\n",
                "    a_prev = np.zeros((n_a, 1))\n    for j in steps:\n",
            ),
            ("model", "        a_prev = np.zeros((n_a, 1))\n", ""),
            (
                "model",
                _STEP,
                "        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate)",
            ),
        ],
        # the names in the order of the list, not the shuffled order
        "model_names_unshuffled": [("model", "name = names[order[j % len(names)]]", "name = names[j % len(names)]")],
        # the summed loss of the name smoothed, not the loss per character
        "model_loss_not_per_character": [
            ("model", "loss = smooth(loss, curr_loss / len(Y))", "loss = smooth(loss, curr_loss)")
        ],
        # the loss divided by the number of letters of the name (one less than len(Y))
        "model_loss_per_letter": [
            ("model", "loss = smooth(loss, curr_loss / len(Y))", "loss = smooth(loss, curr_loss / len(name))")
        ],
        # the arguments of smooth swapped: the new loss weighs 0.999
        "model_smooth_swapped": [
            ("model", "loss = smooth(loss, curr_loss / len(Y))", "loss = smooth(curr_loss / len(Y), loss)")
        ],
    }
)

# Correct implementations written in other styles: each must get full marks.
VARIANTS = {
    # comprehensions, np.minimum/np.maximum, a copy clipped in place; softmax by hand without the max
    # shift, np.dot, a one-hot row of np.eye, a for loop with break; the update written out, a_last by
    # reshape; the training pair from name_to_example, the smoothing written out
    "by_hand": [
        (
            "clip",
            None,
            "def clip(gradients, maxValue):\n"
            "    return {name: np.minimum(np.maximum(g, -maxValue), maxValue) for name, g in gradients.items()}\n",
        ),
        (
            "sample",
            None,
            "def sample(parameters, char_to_ix, seed, temperature=1.0):\n"
            "    Waa, Wax, Wya = parameters['Waa'], parameters['Wax'], parameters['Wya']\n"
            "    by, b = parameters['by'], parameters['b']\n"
            "    vocab_size, n_a = by.shape[0], Waa.shape[1]\n"
            "    newline = char_to_ix['\\n']\n"
            "    eye = np.eye(vocab_size)\n"
            "    x, h, indices = np.zeros((vocab_size, 1)), np.zeros((n_a, 1)), []\n"
            "    for counter in range(50):\n"
            "        h = np.tanh(np.dot(Wax, x) + np.dot(Waa, h) + b)\n"
            "        e = np.exp((np.dot(Wya, h) + by) / temperature)\n"
            "        p = e / np.sum(e)\n"
            "        np.random.seed(seed + 2 * counter)\n"
            "        idx = np.random.choice(vocab_size, p=p[:, 0])\n"
            "        indices.append(idx)\n"
            "        if idx == newline:\n"
            "            break\n"
            "        x = eye[idx].reshape(vocab_size, 1)\n"
            "    else:\n"
            "        indices.append(newline)\n"
            "    return indices\n",
        ),
        (
            "optimize",
            None,
            "def optimize(X, Y, a_prev, parameters, learning_rate=0.01):\n"
            "    loss, cache = rnn_forward(X, Y, a_prev, parameters)\n"
            "    raw, states = rnn_backward(X, Y, parameters, cache)\n"
            "    gradients = clip(raw, maxValue=5)\n"
            "    for name in ('Wax', 'Waa', 'Wya', 'b', 'by'):\n"
            "        parameters[name] = parameters[name] - learning_rate * gradients['d' + name]\n"
            "    return loss, gradients, states[:, -1].reshape(-1, 1)\n",
        ),
        (
            "model",
            "        name = names[order[j % len(names)]]\n" + _PAIR + "        a_prev = np.zeros((n_a, 1))\n",
            "        X, Y = name_to_example(names[order[j % len(names)]], char_to_ix)\n",
        ),
        (
            "model",
            _STEP,
            "        curr_loss = optimize(X, Y, np.zeros((n_a, 1)), parameters, learning_rate=learning_rate)[0]",
        ),
        ("model", "loss = smooth(loss, curr_loss / len(Y))", "loss = loss + 0.001 * (curr_loss / len(X) - loss)"),
    ],
    # np.where and a defensive copy clipped with out=; the step through one-hot columns of the weights,
    # einsum, a list kept as a tuple until the end; optimize with np.subtract(out=) and a[:, [-1]];
    # model with a tuple X and the newline index looked up once
    "vectorised": [
        (
            "clip",
            None,
            "def clip(gradients, maxValue):\n"
            "    clipped = {}\n"
            "    for name in ('dWaa', 'dWax', 'dWya', 'db', 'dby'):\n"
            "        g = np.array(gradients[name], dtype=float, copy=True)\n"
            "        np.clip(g, -maxValue, maxValue, out=g)\n"
            "        clipped[name] = np.where(np.abs(g) > maxValue, np.sign(g) * maxValue, g)\n"
            "    return clipped\n",
        ),
        (
            "sample",
            None,
            "def sample(parameters, char_to_ix, seed, temperature=1.0):\n"
            "    p = parameters\n"
            "    vocab_size = p['by'].shape[0]\n"
            "    newline = char_to_ix['\\n']\n"
            "    a = np.zeros((p['Waa'].shape[0], 1))\n"
            "    drawn, last = (), None\n"
            "    while last != newline and len(drawn) < 50:\n"
            "        inp = p['Wax'][:, [last]] if last is not None else 0.0\n"
            "        a = np.tanh(inp + np.einsum('ij,jk->ik', p['Waa'], a) + p['b'])\n"
            "        z = (np.einsum('ij,jk->ik', p['Wya'], a) + p['by']) / temperature\n"
            "        probs = softmax(z)\n"
            "        np.random.seed(seed + 2 * len(drawn))\n"
            "        last = int(np.random.choice(vocab_size, p=probs.ravel()))\n"
            "        drawn = drawn + (last,)\n"
            "    if last != newline:\n"
            "        drawn = drawn + (newline,)\n"
            "    return list(drawn)\n",
        ),
        (
            "optimize",
            None,
            "def optimize(X, Y, a_prev, parameters, learning_rate=0.01):\n"
            "    loss, cache = rnn_forward(X, Y, a_prev, parameters)\n"
            "    gradients, a = rnn_backward(X, Y, parameters, cache)\n"
            "    gradients = clip(gradients, 5)\n"
            "    for name, value in parameters.items():\n"
            "        np.subtract(value, learning_rate * gradients['d' + name], out=value)\n"
            "    return loss, gradients, a[:, [-1]].copy()\n",
        ),
        (
            "model",
            _PAIR,
            '        newline = char_to_ix["\\n"]\n'
            "        ix = tuple(char_to_ix[ch] for ch in name)\n"
            "        X, Y = (None,) + ix, list(ix) + [newline]\n",
        ),
        ("model", "loss = smooth(loss, curr_loss / len(Y))", "loss = smooth(loss, curr_loss / (len(name) + 1))"),
    ],
}

# The first visible test a classic bug fails, and a piece of its message that
# names the cause (tests/test_hints.py). None: no visible test fails; the
# hidden tests catch it.
FIRST_MESSAGE = {
    "sample_argmax": ("test_sample", "(not argmax)"),
    "sample_no_reseed": ("test_sample", "right after np.random.seed(counter + seed)"),
    "sample_no_feedback": ("test_sample", "feed the drawn character back as the next input"),
    "sample_no_cap": ("test_sample", "the 50-character cap"),
    "sample_ignores_temperature": ("test_sample", "by the temperature before the softmax"),
    "clip_in_place": ("test_clip", "clip must not modify the arrays it receives"),
    "clip_weights_only": ("test_clip", "the biases db and dby too"),
    "optimize_no_clip": ("test_optimize", "gradients = clip(gradients, 5)"),
    "optimize_clips_at_10": ("test_optimize", "gradients = clip(gradients, 5)"),
    "optimize_no_update": ("test_optimize", "update every parameter in place with update_parameters"),
    "optimize_first_state": ("test_optimize", "the hidden state of the LAST step"),
    "model_no_smoothing": ("test_model", "loss = smooth(loss, curr_loss / len(Y))"),
    "model_one_name": ("test_model", "names[order[j % len(names)]]"),
    "clip_result_discarded": ("test_clip", "store what it returns"),
    "clip_copy_not_clipped": ("test_clip", "store what it returns"),
    "sample_newline_twice": ("test_sample", "not after a drawn newline"),
    "sample_state_not_carried": ("test_sample", "compute each step from the previous hidden state"),
    "sample_seed_not_incremented": ("test_sample", "where seed and counter both go up by 1 after every draw"),
    "optimize_returns_raw_gradients": ("test_optimize", "then update the parameters with them and return them"),
    "optimize_update_before_clip": ("test_optimize", "with the CLIPPED gradients"),
    "optimize_fixed_learning_rate": ("test_optimize", "the learning rate given to optimize"),
    "model_no_leading_none": ("test_model", "X = [None] + the indices"),
    "model_default_learning_rate": ("test_model", "pass the learning_rate of model on to optimize"),
    "model_carries_state": ("test_model", "not the a_last of the previous name"),
    "model_names_unshuffled": ("test_model", "names[order[j % len(names)]]"),
    "model_loss_not_per_character": ("test_model", "loss = smooth(loss, curr_loss / len(Y))"),
    "model_loss_per_letter": ("test_model", "loss = smooth(loss, curr_loss / len(Y))"),
    "model_smooth_swapped": ("test_model", "loss = smooth(loss, curr_loss / len(Y))"),
}
