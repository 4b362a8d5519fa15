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
