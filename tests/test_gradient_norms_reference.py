"""The reference gradient_norms_per_step of 07_sequence_classification, checked without nbgrader.

norms[t] must be the norm of dL/da<t>: here it is compared, on the visible
example and on the cases of the hidden tests, with the norm of the numerical
gradient (centred differences, float64) of the loss with respect to the
hidden states of step t, the forward pass restarted from them.
"""

import numpy as np
import pytest

from check_utils import numerical_gradient
from rnn_course import grading, layout
from rnn_utils import rnn_sequence_example, softmax

pytestmark = pytest.mark.skipif(
    "07_sequence_classification" not in grading.available_assignments(),
    reason="07_sequence_classification not selected",
)

# (seed, n_x, n_a, n_y, m, T_x, weight scale): the visible example and the hidden tests' cases
CASES = [(7, 3, 4, 3, 5, 6, 1.0), (21, 4, 5, 4, 6, 8, 0.6), (3, 2, 3, 2, 1, 3, 1.0), (8, 4, 16, 4, 10, 30, 0.25)]


@pytest.fixture(scope="module")
def ns():
    return layout.reference_namespace("07_sequence_classification")


@pytest.mark.parametrize("case", CASES, ids=[f"seed{c[0]}-T{c[5]}" for c in CASES])
def test_norms_are_the_norms_of_the_numerical_gradients(ns, case):
    seed, n_x, n_a, n_y, m, T, scale = case
    x, a0, p = rnn_sequence_example(seed=seed, n_x=n_x, n_a=n_a, n_y=n_y, m=m, T_x=T)
    p = {name: value * scale for name, value in p.items()}
    y = np.eye(n_y)[:, np.random.randint(0, n_y, m)]
    a, y_hat, cache = ns["classifier_forward"](x, a0, p)
    assert np.allclose(y_hat, softmax(p["Wya"] @ a[:, :, -1] + p["by"]))
    norms = ns["gradient_norms_per_step"](y, cache)
    assert norms.shape == (T,)
    for t in range(T):
        state = a[:, :, t].copy()
        numeric = numerical_gradient(
            lambda t=t, state=state: ns["classifier_loss"](ns["classifier_forward"](x[:, :, t + 1 :], state, p)[1], y),
            state,
        )
        assert abs(norms[t] - np.linalg.norm(numeric)) <= 1e-7 * norms[t] + 1e-12, (t, norms[t], numeric)
