"""Wrong answers for 04_dinosaur_island, written as edits of the reference solution.

WRONG is the demo's realistic wrong attempt; every entry of BUGS is a classic
mistake that the test suite grades to prove the tests take points away.
Each edit is (grade_id, old text, new text); an edit whose old text is not in
the reference solution is an error, so these stay in step with source/.
"""

_CLIP = "        clipped[name] = np.clip(gradients[name], -maxValue, maxValue)"
_FEEDBACK = "        x[idx] = 1\n"
_DRAW = "        idx = np.random.choice(vocab_size, p=y.ravel())"

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
