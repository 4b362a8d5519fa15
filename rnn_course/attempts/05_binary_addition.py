"""Wrong answers for 05_binary_addition, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake that the test suite grades to prove the tests take points away.
Each edit is (grade_id, old text, new text); an edit whose old text is not in
the reference solution is an error, so these stay in step with source/.
"""

WRONG = [
    # BPTT without the gradient carried from step t+1: each step only sees its own output.
    ("adder_backward", "da = Wya.T @ do + da_next ", "da = Wya.T @ do "),
]

BUGS = {
    # the gradient carried from the next step is forgotten (the classic bug)
    "no_carried_gradient": [
        ("adder_backward", "da = Wya.T @ do + da_next ", "da = Wya.T @ do "),
    ],
    # the carried gradient is passed on before the sigmoid derivative (da instead of dz)
    "carried_before_activation": [
        ("adder_backward", "da_next = Waa.T @ dz ", "da_next = Waa.T @ da "),
    ],
    # bits written most significant first: the carry would have to flow backwards in time
    "msb_first": [
        ("int_to_bits", "np.arange(n_bits)) & 1", "np.arange(n_bits)[::-1]) & 1"),
    ],
    # the derivative of tanh used for sigmoid units
    "tanh_derivative": [
        ("adder_backward", "dz = da * sigmoid_derivative(a[:, :, t])", "dz = da * (1 - a[:, :, t] ** 2)"),
    ],
    # dWaa multiplied by the hidden state of the same step instead of the previous one
    "dWaa_uses_a_t": [
        ("adder_backward", "dWaa += dz @ a_prev.T", "dWaa += dz @ a[:, :, t].T"),
    ],
    # the loss is a mean over examples, but the gradient is not divided by m
    "gradient_not_averaged": [
        ("adder_backward", "do = (y_hat[:, :, t] - y[:, :, t]) / m ", "do = (y_hat[:, :, t] - y[:, :, t]) "),
    ],
    # gradient ascent: the update goes up the gradient
    "update_sign": [
        ("train_step", "value - learning_rate * gradients", "value + learning_rate * gradients"),
    ],
    # encode_pairs rebuilds the bits itself (correctly) instead of calling int_to_bits
    "encode_without_int_to_bits": [
        (
            "encode_pairs",
            "x = np.stack([int_to_bits(a, n_bits), int_to_bits(b, n_bits)]).astype(float)",
            "x = np.stack([(a[:, None] >> np.arange(n_bits)) & 1, (b[:, None] >> np.arange(n_bits)) & 1]).astype(float)",
        ),
        (
            "encode_pairs",
            "y = int_to_bits(a + b, n_bits)[None, :, :].astype(float)",
            "y = (((a + b)[:, None] >> np.arange(n_bits)) & 1)[None, :, :].astype(float)",
        ),
    ],
}

_FORWARD_LOOP = (
    "    a_prev = a0\n"
    "    for t in range(T_x):\n"
    "        a_prev = sigmoid(Waa @ a_prev + Wax @ x[:, :, t] + ba)     # (n_a, m)\n"
    "        a[:, :, t] = a_prev\n"
    "        y_hat[:, :, t] = sigmoid(Wya @ a_prev + by)                 # (n_y, m)\n"
)
_UPDATE = (
    '    parameters = {name: value - learning_rate * gradients["d" + name]\n'
    "                  for name, value in parameters.items()}\n"
)

BUGS.update(
    {
        # the loop's state named a0: the argument is overwritten, and the cache holds the last state
        "forward_overwrites_a0": [
            (
                "adder_forward",
                _FORWARD_LOOP,
                "    for t in range(T_x):\n"
                "        a0 = sigmoid(Waa @ a0 + Wax @ x[:, :, t] + ba)\n"
                "        a[:, :, t] = a0\n"
                "        y_hat[:, :, t] = sigmoid(Wya @ a0 + by)\n",
            )
        ],
        # float32 arrays: the forward values pass at 1e-6, the gradient check of the backward pass cannot
        "forward_float32": [
            (
                "adder_forward",
                "    a = np.zeros((n_a, m, T_x))\n    y_hat = np.zeros((n_y, m, T_x))\n",
                "    a = np.zeros((n_a, m, T_x), dtype=np.float32)\n    y_hat = np.zeros((n_y, m, T_x), dtype=np.float32)\n",
            )
        ],
        # every step starts again from a0: the state is not passed on
        "forward_state_not_passed": [
            (
                "adder_forward",
                "sigmoid(Waa @ a_prev + Wax @ x[:, :, t] + ba)",
                "sigmoid(Waa @ a0 + Wax @ x[:, :, t] + ba)",
            )
        ],
        # the output of step t computed from the state before the step
        "forward_output_from_previous_state": [
            (
                "adder_forward",
                _FORWARD_LOOP,
                "    a_prev = a0\n"
                "    for t in range(T_x):\n"
                "        y_hat[:, :, t] = sigmoid(Wya @ a_prev + by)\n"
                "        a_prev = sigmoid(Waa @ a_prev + Wax @ x[:, :, t] + ba)\n"
                "        a[:, :, t] = a_prev\n",
            )
        ],
        # tanh hidden units, as in the other assignments
        "forward_tanh": [
            (
                "adder_forward",
                "sigmoid(Waa @ a_prev + Wax @ x[:, :, t] + ba)",
                "np.tanh(Waa @ a_prev + Wax @ x[:, :, t] + ba)",
            )
        ],
        # the powers of two in the wrong order: the first column read as the most significant bit
        "bits_to_int_msb_first": [
            ("bits_to_int", "2 ** np.arange(n_bits, dtype=np.int64)", "2 ** np.arange(n_bits, dtype=np.int64)[::-1]")
        ],
        # the targets left as integers
        "encode_pairs_integer_targets": [
            (
                "encode_pairs",
                "y = int_to_bits(a + b, n_bits)[None, :, :].astype(float)",
                "y = int_to_bits(a + b, n_bits)[None, :, :]",
            )
        ],
        # the backward loop runs forwards in time: the carried gradient comes from the wrong side
        "backward_loops_forwards": [("adder_backward", "for t in reversed(range(T_x)):", "for t in range(T_x):")],
        # the loss measured after the update
        "train_step_loss_after_update": [
            ("train_step", "    loss = binary_cross_entropy(y_hat, y)\n", ""),
            (
                "train_step",
                _UPDATE,
                _UPDATE + "    loss = binary_cross_entropy(adder_forward(x, a0, parameters)[1], y)\n",
            ),
        ],
        # the updated parameters computed, the old ones returned
        "train_step_returns_old_parameters": [
            (
                "train_step",
                _UPDATE,
                _UPDATE.replace("    parameters = {", "    new_parameters = {").replace(
                    "                  for", "                      for"
                ),
            ),
        ],
    }
)

# Correct implementations written in other styles: each must get full marks.
VARIANTS = {
    # Python loops over numbers and bits, shifts, lists of states stacked at the end, np.dot,
    # the sigmoid's derivative written out, a dict of gradients built from the parameters' names,
    # the update made in place
    "loops": [
        (
            "int_to_bits",
            None,
            "def int_to_bits(numbers, n_bits=8):\n"
            "    numbers = np.asarray(numbers, dtype=np.int64)\n"
            "    bits = np.zeros((len(numbers), n_bits), dtype=int)\n"
            "    for i, n in enumerate(numbers.tolist()):\n"
            "        for t in range(n_bits):\n"
            "            bits[i, t] = n % 2\n"
            "            n //= 2\n"
            "    return bits\n",
        ),
        (
            "bits_to_int",
            None,
            "def bits_to_int(bits):\n"
            "    bits = np.asarray(bits)\n"
            "    numbers = np.zeros(bits.shape[0], dtype=np.int64)\n"
            "    for t in range(bits.shape[1]):\n"
            "        numbers += bits[:, t].astype(np.int64) << t\n"
            "    return numbers\n",
        ),
        (
            "encode_pairs",
            None,
            "def encode_pairs(a, b, n_bits=8):\n"
            "    a = np.asarray(a, dtype=np.int64)\n"
            "    b = np.asarray(b, dtype=np.int64)\n"
            "    x = np.array([int_to_bits(a, n_bits), int_to_bits(b, n_bits)], dtype=float)\n"
            "    y = np.expand_dims(int_to_bits(a + b, n_bits), 0).astype(np.float64)\n"
            "    return x, y\n",
        ),
        (
            "adder_forward",
            None,
            "def adder_forward(x, a0, parameters):\n"
            "    Wax, Waa, Wya = parameters['Wax'], parameters['Waa'], parameters['Wya']\n"
            "    ba, by = parameters['ba'], parameters['by']\n"
            "    states, outputs = [], []\n"
            "    h = a0\n"
            "    for t in range(x.shape[2]):\n"
            "        h = sigmoid(np.dot(Waa, h) + np.dot(Wax, x[:, :, t]) + ba)\n"
            "        states.append(h)\n"
            "        outputs.append(sigmoid(np.dot(Wya, h) + by))\n"
            "    a = np.stack(states, axis=2)\n"
            "    y_hat = np.stack(outputs, axis=2)\n"
            "    return a, y_hat, (a, y_hat, x, a0, parameters)\n",
        ),
        (
            "adder_backward",
            None,
            "def adder_backward(y, cache):\n"
            "    a, y_hat, x, a0, parameters = cache\n"
            "    Waa, Wya = parameters['Waa'], parameters['Wya']\n"
            "    n_x, m, T_x = x.shape\n"
            "    grads = {'d' + k: np.zeros(v.shape) for k, v in parameters.items()}\n"
            "    da_next = np.zeros(a0.shape)\n"
            "    for t in range(T_x - 1, -1, -1):\n"
            "        do = (y_hat[:, :, t] - y[:, :, t]) / m\n"
            "        a_t = a[:, :, t]\n"
            "        a_prev = a0 if t == 0 else a[:, :, t - 1]\n"
            "        grads['dWya'] += np.dot(do, a_t.T)\n"
            "        grads['dby'] += np.sum(do, axis=1, keepdims=True)\n"
            "        dz = (np.dot(Wya.T, do) + da_next) * a_t * (1 - a_t)\n"
            "        grads['dWax'] += np.dot(dz, x[:, :, t].T)\n"
            "        grads['dWaa'] += np.dot(dz, a_prev.T)\n"
            "        grads['dba'] += np.sum(dz, axis=1, keepdims=True)\n"
            "        da_next = np.dot(Waa.T, dz)\n"
            "    return grads\n",
        ),
        (
            "train_step",
            None,
            "def train_step(x, y, parameters, learning_rate):\n"
            "    m = x.shape[1]\n"
            "    n_a = parameters['Wax'].shape[0]\n"
            "    a, y_hat, cache = adder_forward(x, np.zeros((n_a, m)), parameters)\n"
            "    loss = float(binary_cross_entropy(y_hat, y))\n"
            "    gradients = adder_backward(y, cache)\n"
            "    for name in parameters:\n"
            "        parameters[name] -= learning_rate * gradients['d' + name]\n"
            "    return loss, parameters\n",
        ),
    ],
    # integer division and float products, one call of int_to_bits for all three rows, einsum over
    # all steps at once, the sigmoid written as 1 / (1 + exp(-z)), the gradients of every step stacked
    # and summed at the end, the update on copies
    "einsum": [
        (
            "int_to_bits",
            None,
            "def int_to_bits(numbers, n_bits=8):\n"
            "    numbers = np.asarray(numbers, dtype=np.int64)\n"
            "    return ((numbers.reshape(-1, 1) // (2 ** np.arange(n_bits))) % 2).astype(np.int64)\n",
        ),
        (
            "bits_to_int",
            None,
            "def bits_to_int(bits):\n"
            "    bits = np.asarray(bits, dtype=float)\n"
            "    return np.rint(bits @ (2.0 ** np.arange(bits.shape[1]))).astype(np.int64)\n",
        ),
        (
            "encode_pairs",
            None,
            "def encode_pairs(a, b, n_bits=8):\n"
            "    a = np.asarray(a, dtype=np.int64)\n"
            "    b = np.asarray(b, dtype=np.int64)\n"
            "    m = len(a)\n"
            "    bits = int_to_bits(np.concatenate([a, b, a + b]), n_bits).astype(float)\n"
            "    return np.stack([bits[:m], bits[m:2 * m]]), bits[None, 2 * m:]\n",
        ),
        (
            "adder_forward",
            None,
            "def adder_forward(x, a0, parameters):\n"
            "    p = parameters\n"
            "    n_x, m, T_x = x.shape\n"
            "    xw = np.einsum('ij,jmt->imt', p['Wax'], x)\n"
            "    a = np.empty((p['Waa'].shape[0], m, T_x))\n"
            "    h = a0.copy()\n"
            "    for t in range(T_x):\n"
            "        h = 1.0 / (1.0 + np.exp(-(np.einsum('ij,jm->im', p['Waa'], h) + xw[:, :, t] + p['ba'])))\n"
            "        a[:, :, t] = h\n"
            "    y_hat = 1.0 / (1.0 + np.exp(-(np.einsum('ij,jmt->imt', p['Wya'], a) + p['by'][:, :, None])))\n"
            "    return a, y_hat, (a, y_hat, x, a0, parameters)\n",
        ),
        (
            "adder_backward",
            None,
            "def adder_backward(y, cache):\n"
            "    a, y_hat, x, a0, p = cache\n"
            "    n_a, m, T_x = a.shape\n"
            "    do = (y_hat - y) / m\n"
            "    a_prev = np.concatenate([a0[:, :, None], a[:, :, :-1]], axis=2)\n"
            "    dz = np.zeros_like(a)\n"
            "    carried = np.zeros((n_a, m))\n"
            "    for t in reversed(range(T_x)):\n"
            "        dz[:, :, t] = (p['Wya'].T @ do[:, :, t] + carried) * sigmoid_derivative(a[:, :, t])\n"
            "        carried = p['Waa'].T @ dz[:, :, t]\n"
            "    return {\n"
            "        'dWax': np.einsum('imt,jmt->ij', dz, x),\n"
            "        'dWaa': np.einsum('imt,jmt->ij', dz, a_prev),\n"
            "        'dWya': np.einsum('imt,jmt->ij', do, a),\n"
            "        'dba': dz.sum(axis=(1, 2))[:, None],\n"
            "        'dby': do.sum(axis=(1, 2))[:, None],\n"
            "    }\n",
        ),
        (
            "train_step",
            None,
            "def train_step(x, y, parameters, learning_rate):\n"
            "    a0 = np.zeros((parameters['Wax'].shape[0], x.shape[1]))\n"
            "    a, y_hat, cache = adder_forward(x, a0, parameters)\n"
            "    gradients = adder_backward(y, cache)\n"
            "    new = {}\n"
            "    for name, value in parameters.items():\n"
            "        new[name] = value.copy()\n"
            "        new[name] -= learning_rate * gradients['d' + name]\n"
            "    return binary_cross_entropy(y_hat, y), new\n",
        ),
    ],
}

# The first visible test a classic bug fails, and a piece of its message that
# names the cause (tests/test_hints.py). None: no visible test fails; the
# hidden tests catch it.
FIRST_MESSAGE = {
    "no_carried_gradient": ("test_adder_backward", "WITHOUT the gradient carried from step t+1"),
    "carried_before_activation": ("test_adder_backward", "(dz, not da)"),
    "msb_first": ("test_int_to_bits", "bits[:, 0] holds the LEAST significant bits"),
    "tanh_derivative": ("test_adder_backward", "look at dz, the gradient before the sigmoid"),
    "dWaa_uses_a_t": ("test_adder_backward", "only dWaa is wrong"),
    "gradient_not_averaged": ("test_adder_backward", "the loss is averaged over the m examples"),
    "update_sign": ("test_train_step", "W <- W - learning_rate * dW"),
    "encode_without_int_to_bits": None,
    "forward_overwrites_a0": ("test_adder_forward", "if your loop assigns to a0"),
    "forward_float32": ("test_adder_forward", "must be float64 arrays"),
    "forward_state_not_passed": ("test_adder_forward", "is a_next passed on to the next step?"),
    "forward_output_from_previous_state": ("test_adder_forward", "from the new hidden state"),
    "forward_tanh": ("test_adder_forward", "a_next = sigmoid(Waa a_prev + Wax xt + ba)"),
    "bits_to_int_msb_first": ("test_bits_to_int", "bits[:, t] is worth 2**t"),
    "encode_pairs_integer_targets": ("test_encode_pairs", "float arrays"),
    "backward_loops_forwards": ("test_adder_backward", "loop backwards"),
    "train_step_loss_after_update": ("test_train_step", "BEFORE the update"),
    "train_step_returns_old_parameters": ("test_train_step", "return the updated parameters"),
}
