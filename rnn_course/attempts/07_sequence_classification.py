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
