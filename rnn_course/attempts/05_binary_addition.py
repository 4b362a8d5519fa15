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
