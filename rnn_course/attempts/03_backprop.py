"""Wrong answers for 03_backprop, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake of backpropagation through time that the test suite grades to prove
the tests take points away. Each edit is (grade_id, old text, new text); an
edit whose old text is not in the reference solution is an error, so these
stay in step with source/.
"""

WRONG = [
    # The RNN part is right. In the LSTM cell the memory gradient forgets the path
    # through a_next, and lstm_backward does not pass the memory gradient back.
    ("lstm_cell_backward", "dc = dc_next + da_next * ot * (1 - tanh_c ** 2)", "dc = dc_next"),
    (
        "lstm_backward",
        "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
        "lstm_cell_backward(da[:, :, t] + da_prevt, np.zeros((n_a, m)), caches[t])",
    ),
]

BUGS = {
    # --- the step-(t+1) gradient not carried back ---
    "rnn_no_carry": [
        (
            "rnn_backward",
            "rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])",
            "rnn_cell_backward(da[:, :, t], caches[t])",
        ),
    ],
    "lstm_no_carry_a": [
        (
            "lstm_backward",
            "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
            "lstm_cell_backward(da[:, :, t], dc_prevt, caches[t])",
        ),
    ],
    # --- the cell-state gradient not carried back ---
    "lstm_no_carry_c": [
        (
            "lstm_backward",
            "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
            "lstm_cell_backward(da[:, :, t] + da_prevt, np.zeros((n_a, m)), caches[t])",
        ),
    ],
    # --- the wrong block of the gate weights for dxt or da_prev ---
    "lstm_dxt_wrong_slice": [
        ("lstm_cell_backward", "dxt = dconcat[n_a:]", "dxt = dconcat[:xt.shape[0]]"),
    ],
    "lstm_da_prev_wrong_slice": [
        ("lstm_cell_backward", "da_prev = dconcat[:n_a]", "da_prev = dconcat[-n_a:]"),
    ],
    # --- a missing 1 - tanh^2 factor ---
    "rnn_missing_tanh_derivative": [
        ("rnn_cell_backward", "dz = da_next * (1 - a_next ** 2)", "dz = da_next"),
    ],
    "lstm_missing_tanh_derivative": [
        ("lstm_cell_backward", "dc = dc_next + da_next * ot * (1 - tanh_c ** 2)", "dc = dc_next + da_next * ot"),
    ],
    "lstm_candidate_missing_tanh_derivative": [
        ("lstm_cell_backward", "dzc = dcct * (1 - cct ** 2)", "dzc = dcct"),
    ],
    # --- biases not summed over the batch ---
    "rnn_bias_not_summed": [
        ("rnn_cell_backward", "dba = np.sum(dz, axis=1, keepdims=True)", "dba = dz"),
    ],
    "lstm_bias_summed_over_units": [
        ("lstm_cell_backward", "dbf = np.sum(dzf, axis=1, keepdims=True)", "dbf = np.sum(dzf, axis=0, keepdims=True)"),
        ("lstm_cell_backward", "dbi = np.sum(dzi, axis=1, keepdims=True)", "dbi = np.sum(dzi, axis=0, keepdims=True)"),
        ("lstm_cell_backward", "dbc = np.sum(dzc, axis=1, keepdims=True)", "dbc = np.sum(dzc, axis=0, keepdims=True)"),
        ("lstm_cell_backward", "dbo = np.sum(dzo, axis=1, keepdims=True)", "dbo = np.sum(dzo, axis=0, keepdims=True)"),
    ],
    # --- other classics ---
    # dWaa from the new hidden state instead of the previous one
    "rnn_dWaa_uses_a_next": [
        ("rnn_cell_backward", "dWaa = dz @ a_prev.T", "dWaa = dz @ a_next.T"),
    ],
    # the steps walked forwards instead of backwards
    "rnn_forward_order": [
        ("rnn_backward", "for t in reversed(range(T_x)):", "for t in range(T_x):"),
    ],
    # the memory gradient passed back without the forget gate
    "lstm_dc_prev_missing_forget_gate": [
        ("lstm_cell_backward", "dc_prev = dc * ft", "dc_prev = dc"),
    ],
    # the output gate's gradient taken through tanh(c_prev)
    "lstm_dot_uses_c_prev": [
        ("lstm_cell_backward", "dot = da_next * tanh_c", "dot = da_next * np.tanh(c_prev)"),
    ],
}

BUGS.update(
    {
        # the memory gradient from the next step dropped: dc is only the part that comes through a_next
        "lstm_drops_dc_next": [
            (
                "lstm_cell_backward",
                "dc = dc_next + da_next * ot * (1 - tanh_c ** 2)",
                "dc = da_next * ot * (1 - tanh_c ** 2)",
            ),
        ],
        # Waa instead of its transpose: square, so the shapes do not reveal it
        "rnn_Waa_not_transposed": [
            ("rnn_cell_backward", "da_prev = Waa.T @ dz", "da_prev = Waa @ dz"),
        ],
        # the tanh's derivative, 1 - s**2, where the sigmoid's, s * (1 - s), is needed
        "lstm_sigmoid_derivative_wrong": [
            ("lstm_cell_backward", "dzf = dft * ft * (1 - ft)", "dzf = dft * (1 - ft ** 2)"),
            ("lstm_cell_backward", "dzi = dit * it * (1 - it)", "dzi = dit * (1 - it ** 2)"),
            ("lstm_cell_backward", "dzo = dot * ot * (1 - ot)", "dzo = dot * (1 - ot ** 2)"),
        ],
        # the bias gradient summed over the units instead of the examples
        "rnn_bias_summed_over_units": [
            ("rnn_cell_backward", "dba = np.sum(dz, axis=1, keepdims=True)", "dba = np.sum(dz, axis=0, keepdims=True)"),
        ],
        # the published slip: one column W[:, n_a] where dxt needs the block W[:, n_a:] (numpy broadcasts it)
        "lstm_dxt_single_column": [
            (
                "lstm_cell_backward",
                "    dxt = dconcat[n_a:]                                  # the rows of xt\n",
                "    dxt = Wf[:, n_a].T @ dzf + Wi[:, n_a:].T @ dzi + Wc[:, n_a].T @ dzc + Wo[:, n_a:].T @ dzo\n",
            ),
        ],
        # the published sequence bug: nothing carried from step t+1, neither da_prev nor dc_prev
        "lstm_no_carry": [
            (
                "lstm_backward",
                "lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])",
                "lstm_cell_backward(da[:, :, t], np.zeros((n_a, m)), caches[t])",
            ),
        ],
        # the shared weights' gradients overwritten at every step instead of summed
        "rnn_weights_not_summed": [
            ("rnn_backward", 'dWax += gradients["dWax"]', 'dWax = gradients["dWax"]'),
            ("rnn_backward", 'dWaa += gradients["dWaa"]', 'dWaa = gradients["dWaa"]'),
            ("rnn_backward", 'dba += gradients["dba"]', 'dba = gradients["dba"]'),
        ],
        "lstm_weights_not_summed": [
            ("lstm_backward", f'd{w} += step["d{w}"]', f'd{w} = step["d{w}"]')
            for w in ("Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo")
        ],
        # the LSTM's steps walked forwards instead of backwards
        "lstm_forward_order": [
            ("lstm_backward", "for t in reversed(range(T_x)):", "for t in range(T_x):"),
        ],
    }
)

# Correct implementations written in other styles: each must get full marks.
VARIANTS = {
    # the helpers tanh_derivative and sigmoid_derivative, np.dot, np.outer one example at a time,
    # one block of columns of each W per input, lists of the steps' gradients, a while loop
    "helpers_blocks_and_loops": [
        (
            "rnn_cell_backward",
            None,
            "def rnn_cell_backward(da_next, cache):\n"
            "    a_next, a_prev, xt, parameters = cache\n"
            "    Wax, Waa = parameters['Wax'], parameters['Waa']\n"
            "    dz = tanh_derivative(a_next) * da_next\n"
            "    dWax, dWaa = np.zeros_like(Wax), np.zeros_like(Waa)\n"
            "    dba = np.zeros((Waa.shape[0], 1))\n"
            "    for j in range(dz.shape[1]):\n"
            "        dWax += np.outer(dz[:, j], xt[:, j])\n"
            "        dWaa += np.outer(dz[:, j], a_prev[:, j])\n"
            "        dba[:, 0] += dz[:, j]\n"
            "    return {'dxt': np.dot(Wax.T, dz), 'da_prev': np.dot(Waa.T, dz),\n"
            "            'dWax': dWax, 'dWaa': dWaa, 'dba': dba}\n",
        ),
        (
            "rnn_backward",
            None,
            "def rnn_backward(da, caches):\n"
            "    cell_caches, x = caches\n"
            "    T_x = da.shape[2]\n"
            "    totals = {}\n"
            "    dxs = [None] * T_x\n"
            "    carried = np.zeros_like(da[:, :, 0])\n"
            "    t = T_x - 1\n"
            "    while t >= 0:\n"
            "        g = rnn_cell_backward(da[:, :, t] + carried, cell_caches[t])\n"
            "        dxs[t] = g['dxt']\n"
            "        carried = g['da_prev']\n"
            "        for name in ('dWax', 'dWaa', 'dba'):\n"
            "            totals[name] = totals.get(name, 0) + g[name]\n"
            "        t -= 1\n"
            "    return {'dx': np.stack(dxs, axis=2), 'da0': carried, **totals}\n",
        ),
        (
            "lstm_cell_backward",
            None,
            "def lstm_cell_backward(da_next, dc_next, cache):\n"
            "    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache\n"
            "    n_a = a_next.shape[0]\n"
            "    tanh_c = np.tanh(c_next)\n"
            "    dc = dc_next + da_next * ot * tanh_derivative(tanh_c)\n"
            "    dz = {'f': dc * c_prev * sigmoid_derivative(ft),\n"
            "          'i': dc * cct * sigmoid_derivative(it),\n"
            "          'c': dc * it * tanh_derivative(cct),\n"
            "          'o': da_next * tanh_c * sigmoid_derivative(ot)}\n"
            "    grads = {'dc_prev': dc * ft, 'da_prev': 0, 'dxt': 0}\n"
            "    for g, d in dz.items():\n"
            "        W = parameters['W' + g]\n"
            "        grads['dW' + g] = np.hstack([np.dot(d, a_prev.T), np.dot(d, xt.T)])\n"
            "        grads['db' + g] = d.sum(axis=1)[:, np.newaxis]\n"
            "        grads['da_prev'] = grads['da_prev'] + np.dot(W[:, :n_a].T, d)\n"
            "        grads['dxt'] = grads['dxt'] + np.dot(W[:, n_a:].T, d)\n"
            "    return grads\n",
        ),
        (
            "lstm_backward",
            None,
            "def lstm_backward(da, caches):\n"
            "    cell_caches, x = caches\n"
            "    names = ('dWf', 'dbf', 'dWi', 'dbi', 'dWc', 'dbc', 'dWo', 'dbo')\n"
            "    totals = {name: 0.0 for name in names}\n"
            "    dxs = []\n"
            "    da_carry = np.zeros(da.shape[:2])\n"
            "    dc_carry = np.zeros(da.shape[:2])\n"
            "    for t in range(da.shape[2] - 1, -1, -1):\n"
            "        g = lstm_cell_backward(da[:, :, t] + da_carry, dc_carry, cell_caches[t])\n"
            "        dxs.insert(0, g['dxt'])\n"
            "        da_carry, dc_carry = g['da_prev'], g['dc_prev']\n"
            "        for name in names:\n"
            "            totals[name] = totals[name] + g[name]\n"
            "    return {'dx': np.stack(dxs, axis=-1), 'da0': da_carry, **totals}\n",
        ),
    ],
    # the weight matrices stacked: [Waa Wax] for the RNN, the four gates as one (4 n_a, n_a + n_x)
    # matrix for the LSTM; einsum; the gradients of the steps summed once at the end
    "stacked_einsum": [
        (
            "rnn_cell_backward",
            None,
            "def rnn_cell_backward(da_next, cache):\n"
            "    a_next, a_prev, xt, parameters = cache\n"
            "    n_a = a_prev.shape[0]\n"
            "    W = np.concatenate([parameters['Waa'], parameters['Wax']], axis=1)\n"
            "    dz = da_next - da_next * a_next * a_next\n"
            "    dW = np.einsum('im,jm->ij', dz, np.concatenate([a_prev, xt], axis=0))\n"
            "    dv = np.einsum('ji,jm->im', W, dz)\n"
            "    return {'dxt': dv[n_a:], 'da_prev': dv[:n_a], 'dWax': dW[:, n_a:], 'dWaa': dW[:, :n_a],\n"
            "            'dba': dz.sum(axis=1, keepdims=True)}\n",
        ),
        (
            "rnn_backward",
            None,
            "def rnn_backward(da, caches):\n"
            "    steps, x = caches\n"
            "    dx = np.zeros(x.shape)\n"
            "    per_step = []\n"
            "    da_prev = np.zeros(da.shape[:2])\n"
            "    for t in reversed(range(len(steps))):\n"
            "        g = rnn_cell_backward(da[..., t] + da_prev, steps[t])\n"
            "        dx[..., t], da_prev = g['dxt'], g['da_prev']\n"
            "        per_step.append(g)\n"
            "    sums = {k: np.sum([g[k] for g in per_step], axis=0) for k in ('dWax', 'dWaa', 'dba')}\n"
            "    return {'dx': dx, 'da0': da_prev, **sums}\n",
        ),
        (
            "lstm_cell_backward",
            None,
            "def lstm_cell_backward(da_next, dc_next, cache):\n"
            "    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache\n"
            "    n_a = a_next.shape[0]\n"
            "    gates = ('f', 'i', 'c', 'o')\n"
            "    tanh_c = np.tanh(c_next)\n"
            "    dc = da_next * ot * (1 - tanh_c * tanh_c) + dc_next\n"
            "    dZ = np.vstack([dc * c_prev * ft * (1 - ft), dc * cct * it * (1 - it),\n"
            "                    dc * it * (1 - cct * cct), da_next * tanh_c * ot * (1 - ot)])\n"
            "    W = np.vstack([parameters['W' + g] for g in gates])\n"
            "    v = np.vstack([a_prev, xt])\n"
            "    dW = np.split(np.einsum('km,jm->kj', dZ, v), 4)\n"
            "    db = np.split(np.einsum('km->k', dZ)[:, None], 4)\n"
            "    dv = np.einsum('kj,km->jm', W, dZ)\n"
            "    out = {'dxt': dv[n_a:], 'da_prev': dv[:n_a], 'dc_prev': ft * dc}\n"
            "    for g, w, b in zip(gates, dW, db):\n"
            "        out['dW' + g], out['db' + g] = w, b\n"
            "    return out\n",
        ),
        (
            "lstm_backward",
            None,
            "def lstm_backward(da, caches):\n"
            "    steps, x = caches\n"
            "    n_a, m, T_x = da.shape\n"
            "    dx = np.zeros((x.shape[0], m, T_x))\n"
            "    per_step = []\n"
            "    da_prev, dc_prev = np.zeros((n_a, m)), np.zeros((n_a, m))\n"
            "    for t in range(T_x)[::-1]:\n"
            "        g = lstm_cell_backward(da[..., t] + da_prev, dc_prev, steps[t])\n"
            "        dx[..., t] = g['dxt']\n"
            "        da_prev, dc_prev = g['da_prev'], g['dc_prev']\n"
            "        per_step.append(g)\n"
            "    out = {'dx': dx, 'da0': da_prev}\n"
            "    for k in ('dWf', 'dbf', 'dWi', 'dbi', 'dWc', 'dbc', 'dWo', 'dbo'):\n"
            "        out[k] = sum(g[k] for g in per_step)\n"
            "    return out\n",
        ),
    ],
}

# The first visible test a classic bug fails, and a piece of its message that
# names the cause (tests/test_hints.py). None: no visible test fails; the
# hidden tests catch it.
FIRST_MESSAGE = {
    "rnn_no_carry": ("test_rnn_backward", "is the da_prev of step t+1 added to da[:, :, t]?"),
    "lstm_no_carry_a": ("test_lstm_backward", "is the da_prev of step t+1 added to da[:, :, t]?"),
    "lstm_no_carry_c": ("test_lstm_backward", "is dc_prev carried back?"),
    "lstm_dxt_wrong_slice": ("test_lstm_cell_backward", "dxt is made of the LAST n_x rows of dconcat"),
    "lstm_da_prev_wrong_slice": ("test_lstm_cell_backward", "da_prev is made of the FIRST n_a rows of dconcat"),
    "rnn_missing_tanh_derivative": ("test_rnn_cell_backward", "backprop through the tanh first"),
    "lstm_missing_tanh_derivative": ("test_lstm_cell_backward", "dc = dc_next + da_next * ot * (1 - tanh(c_next)**2)"),
    "lstm_candidate_missing_tanh_derivative": ("test_lstm_cell_backward", "through the candidate's tanh"),
    "rnn_bias_not_summed": ("test_rnn_cell_backward", "sums over the examples (axis 1)"),
    "lstm_bias_summed_over_units": ("test_lstm_cell_backward", "sums over the examples (axis 1)"),
    "rnn_dWaa_uses_a_next": ("test_rnn_cell_backward", "with the PREVIOUS hidden state a_prev"),
    "rnn_forward_order": ("test_rnn_backward", "walk the steps backwards"),
    "lstm_dc_prev_missing_forget_gate": ("test_lstm_cell_backward", "dc_prev = dc * ft"),
    "lstm_dot_uses_c_prev": ("test_lstm_cell_backward", "dot = da_next * tanh(c_next), with the NEW memory c_next"),
    "lstm_drops_dc_next": ("test_lstm_cell_backward", "both paths into c_next"),
    "rnn_Waa_not_transposed": ("test_rnn_cell_backward", "the TRANSPOSE of Waa"),
    "lstm_sigmoid_derivative_wrong": ("test_lstm_cell_backward", "the sigmoid's derivative written with its output"),
    "rnn_bias_summed_over_units": ("test_rnn_cell_backward", "sums over the examples (axis 1)"),
    "lstm_dxt_single_column": ("test_lstm_cell_backward", "not the single column W[:, n_a]"),
    "lstm_no_carry": ("test_lstm_backward", "is dc_prev carried back?"),
    "rnn_weights_not_summed": ("test_rnn_backward", "add (+=) the gradients of every step"),
    "lstm_weights_not_summed": ("test_lstm_backward", "add (+=) the gradients of every step"),
    "lstm_forward_order": ("test_lstm_backward", "walk the steps backwards"),
}
