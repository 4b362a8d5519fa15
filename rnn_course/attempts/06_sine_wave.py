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
