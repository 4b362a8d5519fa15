"""Numerical building blocks shared by the RNN and LSTM assignments.

Dimension letters used throughout the course:

    n_x -- number of input features per time step
    n_a -- number of hidden units
    n_y -- number of outputs per time step
    m   -- number of examples in a batch
    T_x -- number of time steps

Arrays follow the column layout of the course: one time step ``xt`` has shape
``(n_x, m)``, a whole batch ``x`` has shape ``(n_x, m, T_x)``.

Nothing in this module is a graded function: it holds the activations, the
parameter initialisers and the seeded example builders that the notebooks,
the tests and the companion labs share.
"""

import os

import numpy as np

__all__ = [
    "grading_mode",
    "softmax",
    "sigmoid",
    "sigmoid_derivative",
    "tanh_derivative",
    "initialize_rnn_parameters",
    "initialize_lstm_parameters",
    "rnn_cell_example",
    "rnn_sequence_example",
    "lstm_cell_example",
    "lstm_sequence_example",
    "plot_unrolled_rnn",
    "plot_hidden_states",
    "plot_lstm_gates",
    "plot_gradient_norms",
]


def grading_mode():
    """True when the notebook runs under nbgrader (autograde or validate).

    ``nbgrader_config.py`` starts grading kernels with ``RNN_COURSE_GRADING=1``.
    Notebooks use this to shorten long training runs while grading; set the
    variable yourself to try the short version.
    """
    return os.environ.get("RNN_COURSE_GRADING", "") not in ("", "0")


def softmax(x):
    """Column-wise softmax (over axis 0), numerically stable.

    Arguments:
    x -- scores, shape (n_y, m) or (n_y,)

    Returns:
    probabilities of the same shape; every column sums to 1
    """
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=0, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=0, keepdims=True)


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), without overflow warnings for large |x|."""
    x = np.asarray(x, dtype=float)
    # 0.5 * (1 + tanh(x / 2)) is the same function and never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sigmoid_derivative(s):
    """Derivative of the sigmoid expressed through its output ``s = sigmoid(z)``."""
    return s * (1.0 - s)


def tanh_derivative(t):
    """Derivative of tanh expressed through its output ``t = tanh(z)``."""
    return 1.0 - t ** 2


def initialize_rnn_parameters(n_x, n_a, n_y, seed=1, scale=0.01):
    """Small random weights and zero biases for a basic RNN.

    Arguments:
    n_x, n_a, n_y -- input, hidden and output sizes
    seed -- seed of the random generator (the draws are reproducible)
    scale -- standard deviation of the weights

    Returns:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
                  ba (n_a, 1), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    return {
        "Wax": rng.standard_normal((n_a, n_x)) * scale,
        "Waa": rng.standard_normal((n_a, n_a)) * scale,
        "Wya": rng.standard_normal((n_y, n_a)) * scale,
        "ba": np.zeros((n_a, 1)),
        "by": np.zeros((n_y, 1)),
    }


def initialize_lstm_parameters(n_x, n_a, n_y, seed=1, scale=0.1, forget_bias=1.0):
    """Small random weights for an LSTM; the forget-gate bias starts positive.

    A positive forget bias makes the cell remember by default at the start of
    training, a common and well-documented choice.

    Returns:
    parameters -- dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1),
                  Wy (n_y, n_a), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    params = {}
    for gate in "fico":
        params["W" + gate] = rng.standard_normal((n_a, n_a + n_x)) * scale
        params["b" + gate] = np.zeros((n_a, 1))
    params["bf"] += forget_bias
    params["Wy"] = rng.standard_normal((n_y, n_a)) * scale
    params["by"] = np.zeros((n_y, 1))
    return params


# ---------------------------------------------------------------------------
# Seeded examples of the curriculum (every draw made explicitly, in order).
# They use numpy's legacy global generator because the published figures do.
# ---------------------------------------------------------------------------

def _rnn_params(n_x, n_a, n_y, order):
    shapes = {"Waa": (n_a, n_a), "Wax": (n_a, n_x), "Wya": (n_y, n_a),
              "ba": (n_a, 1), "by": (n_y, 1)}
    return {name: np.random.randn(*shapes[name]) for name in order}


def rnn_cell_example(seed=1, n_x=3, n_a=5, n_y=2, m=10):
    """Example A: ``xt, a_prev, Waa, Wax, Wya, ba, by`` drawn in that order.

    Returns:
    xt (n_x, m), a_prev (n_a, m), parameters (dict)
    """
    np.random.seed(seed)
    xt = np.random.randn(n_x, m)
    a_prev = np.random.randn(n_a, m)
    parameters = _rnn_params(n_x, n_a, n_y, ("Waa", "Wax", "Wya", "ba", "by"))
    return xt, a_prev, parameters


def rnn_sequence_example(seed=1, n_x=3, n_a=5, n_y=2, m=10, T_x=4):
    """Example B: ``x, a0, Waa, Wax, Wya, ba, by`` drawn in that order.

    Returns:
    x (n_x, m, T_x), a0 (n_a, m), parameters (dict)
    """
    np.random.seed(seed)
    x = np.random.randn(n_x, m, T_x)
    a0 = np.random.randn(n_a, m)
    parameters = _rnn_params(n_x, n_a, n_y, ("Waa", "Wax", "Wya", "ba", "by"))
    return x, a0, parameters


def _lstm_params(n_x, n_a, n_y):
    params = {}
    for gate in "fioc":  # the order of the published examples
        params["W" + gate] = np.random.randn(n_a, n_a + n_x)
        params["b" + gate] = np.random.randn(n_a, 1)
    params["Wy"] = np.random.randn(n_y, n_a)
    params["by"] = np.random.randn(n_y, 1)
    return params


def lstm_cell_example(seed=1, n_x=3, n_a=5, n_y=2, m=10):
    """Example C: ``xt, a_prev, c_prev, Wf, bf, Wi, bi, Wo, bo, Wc, bc, Wy, by``.

    Returns:
    xt (n_x, m), a_prev (n_a, m), c_prev (n_a, m), parameters (dict)
    """
    np.random.seed(seed)
    xt = np.random.randn(n_x, m)
    a_prev = np.random.randn(n_a, m)
    c_prev = np.random.randn(n_a, m)
    return xt, a_prev, c_prev, _lstm_params(n_x, n_a, n_y)


def lstm_sequence_example(seed=1, n_x=3, n_a=5, n_y=2, m=10, T_x=7):
    """Example D: ``x, a0`` then the LSTM parameters in the order of example C.

    Returns:
    x (n_x, m, T_x), a0 (n_a, m), parameters (dict)
    """
    np.random.seed(seed)
    x = np.random.randn(n_x, m, T_x)
    a0 = np.random.randn(n_a, m)
    return x, a0, _lstm_params(n_x, n_a, n_y)


# ---------------------------------------------------------------------------
# Pictures shared by the notebooks and the companion labs.
# ---------------------------------------------------------------------------

def plot_unrolled_rnn(T_x=4, ax=None):
    """Draw an RNN unrolled over ``T_x`` time steps: inputs, cells, outputs, state arrows."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if ax is None:
        _, ax = plt.subplots(figsize=(1.7 * (T_x + 1), 3.4))
    arrow = dict(arrowstyle="-|>", mutation_scale=14, lw=1.4, color="0.25")

    def box(x, y, text, color):
        ax.add_patch(FancyBboxPatch((x - 0.42, y - 0.3), 0.84, 0.6,
                                    boxstyle="round,pad=0.04", fc=color, ec="0.2"))
        ax.text(x, y, text, ha="center", va="center", fontsize=11)

    gap = 1.7  # distance between two cells
    ax.text(0, 1, r"$a^{\langle 0 \rangle}$", ha="center", va="center", fontsize=13)
    for t in range(1, T_x + 1):
        x = t * gap
        box(x, 1, "RNN\ncell", "#cfe3f7")
        ax.text(x, -0.25, rf"$x^{{\langle {t} \rangle}}$", ha="center", va="center", fontsize=13)
        ax.text(x, 2.3, rf"$\hat y^{{\langle {t} \rangle}}$", ha="center", va="center", fontsize=13)
        ax.add_patch(FancyArrowPatch((x, -0.05), (x, 0.68), **arrow))
        ax.add_patch(FancyArrowPatch((x, 1.32), (x, 2.1), **arrow))
        ax.add_patch(FancyArrowPatch((x - gap + (0.2 if t == 1 else 0.44), 1), (x - 0.44, 1), **arrow))
        if t < T_x:
            ax.text(x + gap / 2, 1.12, rf"$a^{{\langle {t} \rangle}}$", ha="center", fontsize=11)
    ax.text((T_x + 1) * gap / 2, -0.75, "the same parameters Wax, Waa, Wya, ba, by at every step",
            ha="center", fontsize=10, style="italic")
    ax.set_xlim(-0.4, T_x * gap + 0.6)
    ax.set_ylim(-1.0, 2.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_hidden_states(a, example=0, ax=None, title="Hidden state over time"):
    """Heatmap of the hidden state ``a[:, example, :]`` (units x time steps)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    img = ax.imshow(a[:, example, :], aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xlabel("time step t")
    ax.set_ylabel("hidden unit")
    ax.set_title(title)
    plt.colorbar(img, ax=ax)
    return ax


# ---------------------------------------------------------------------------
# Pictures for the LSTM and backpropagation assignments (02, 03).
# ---------------------------------------------------------------------------

def plot_lstm_gates(caches, example=0, title="Inside an LSTM", figsize=(9, 7)):
    """Heatmaps of the four gates and the cell state of an LSTM over time.

    Arguments:
    caches -- the ``caches`` returned by ``lstm_forward``: (list of T_x cell caches, x),
              each cell cache ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``
    example -- which example of the batch to show
    title -- the figure title

    Returns:
    the matplotlib figure (one row per quantity: units x time steps)
    """
    import matplotlib.pyplot as plt

    steps = caches[0]
    rows = [  # (label, position in the cell cache, colour range, colour map)
        (r"forget gate $\Gamma_f$", 4, (0, 1), "viridis"),
        (r"update gate $\Gamma_u$", 5, (0, 1), "viridis"),
        (r"candidate $\tilde c$", 6, (-1, 1), "RdBu_r"),
        (r"output gate $\Gamma_o$", 7, (0, 1), "viridis"),
        (r"cell state $c$", 1, None, "RdBu_r"),
    ]
    fig, axes = plt.subplots(len(rows), 1, figsize=figsize, sharex=True)
    for ax, (label, pos, vrange, cmap) in zip(axes, rows):
        values = np.stack([cache[pos][:, example] for cache in steps], axis=1)  # (n_a, T_x)
        if vrange is None:
            bound = max(float(np.max(np.abs(values))), 1e-12)
            vrange = (-bound, bound)
        img = ax.imshow(values, aspect="auto", cmap=cmap, vmin=vrange[0], vmax=vrange[1],
                        interpolation="nearest")
        ax.set_ylabel("unit")
        ax.set_title(label, fontsize=10, loc="left")
        fig.colorbar(img, ax=ax, pad=0.01)
    axes[-1].set_xlabel("time step t")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_gradient_norms(curves, ax=None, title="How far back does the gradient reach?",
                        xlabel="distance in time steps", ylabel="gradient norm"):
    """Gradient norms against the distance in time, on a logarithmic scale.

    Arguments:
    curves -- dict label -> 1-D array; entry k is the norm measured k steps back in time
    ax -- an existing matplotlib axis (optional)

    Returns:
    the matplotlib axis
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        ax.semilogy(np.arange(len(values)), values, label=label, lw=1.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    return ax
