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
    return 1.0 - t**2


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
    shapes = {"Waa": (n_a, n_a), "Wax": (n_a, n_x), "Wya": (n_y, n_a), "ba": (n_a, 1), "by": (n_y, 1)}
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
        ax.add_patch(FancyBboxPatch((x - 0.42, y - 0.3), 0.84, 0.6, boxstyle="round,pad=0.04", fc=color, ec="0.2"))
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
    ax.text(
        (T_x + 1) * gap / 2,
        -0.75,
        "the same parameters Wax, Waa, Wya, ba, by at every step",
        ha="center",
        fontsize=10,
        style="italic",
    )
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
        img = ax.imshow(values, aspect="auto", cmap=cmap, vmin=vrange[0], vmax=vrange[1], interpolation="nearest")
        ax.set_ylabel("unit")
        ax.set_title(label, fontsize=10, loc="left")
        fig.colorbar(img, ax=ax, pad=0.01)
    axes[-1].set_xlabel("time step t")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_gradient_norms(
    curves,
    ax=None,
    title="How far back does the gradient reach?",
    xlabel="distance in time steps",
    ylabel="gradient norm",
):
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


# ---------------------------------------------------------------------------
# Pictures of the inside of one cell (01, 02) and of one LSTM backward step (03).
# Drawn with matplotlib only, so they work offline. Every label uses the names of
# the notebooks' code (a_prev, xt, Wax, ft, dc_next, ...).
# ---------------------------------------------------------------------------

__all__ += ["draw_rnn_cell", "draw_lstm_cell", "draw_lstm_cell_backward"]

_CELL_COLOURS = {
    "cell": "#f4f6f9",
    "weights": "#cfe3f7",
    "sigmoid": "#fde2c4",
    "tanh": "#d5efd5",
    "node": "white",
    "grad": "#fbe3e3",
    "param": "#e8dcf5",
}


class _Sketch:
    """A few drawing primitives on one matplotlib axis, in data coordinates."""

    def __init__(self, ax, arrow_colour="0.2"):
        self.ax = ax
        self.arrow_colour = arrow_colour

    def box(self, x, y, text, colour, w=1.0, h=0.62, fontsize=10, family=None):
        from matplotlib.patches import FancyBboxPatch

        self.ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, y - h / 2),
                w,
                h,
                boxstyle="round,pad=0.03",
                fc=_CELL_COLOURS.get(colour, colour),
                ec="0.25",
                lw=1.1,
                zorder=3,
            )
        )
        self.ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4, family=family)

    def node(self, x, y, symbol, r=0.22):
        from matplotlib.patches import Circle

        self.ax.add_patch(Circle((x, y), r, fc="white", ec="0.25", lw=1.2, zorder=3))
        self.ax.text(x, y, symbol, ha="center", va="center", fontsize=13, zorder=4)

    def arrow(self, start, end, colour=None, lw=1.5, head=True, style="-"):
        from matplotlib.patches import FancyArrowPatch

        self.ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>" if head else "-",
                mutation_scale=13,
                lw=lw,
                linestyle=style,
                color=colour or self.arrow_colour,
                shrinkA=0,
                shrinkB=0,
                zorder=2,
            )
        )

    def path(self, points, colour=None, lw=1.5):
        """A polyline whose last segment ends in an arrow head."""
        for a, b in zip(points[:-2], points[1:-1]):
            self.arrow(a, b, colour=colour, lw=lw, head=False)
        self.arrow(points[-2], points[-1], colour=colour, lw=lw)

    def label(self, x, y, text, fontsize=10, ha="center", va="center", colour="black", **kw):
        self.ax.text(x, y, text, ha=ha, va=va, fontsize=fontsize, color=colour, zorder=5, **kw)

    def code(self, x, y, text, fontsize=10, ha="center", va="center", colour="black"):
        self.label(x, y, text, fontsize=fontsize, ha=ha, va=va, colour=colour, family="monospace")

    def frame(self, x0, y0, x1, y1, title):
        from matplotlib.patches import FancyBboxPatch

        self.ax.add_patch(
            FancyBboxPatch(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                boxstyle="round,pad=0.1",
                fc=_CELL_COLOURS["cell"],
                ec="0.55",
                lw=1.0,
                ls="--",
                zorder=1,
            )
        )
        self.label(x0 + 0.1, y1 - 0.05, title, fontsize=9, ha="left", va="top", colour="0.35", style="italic")


def _new_sketch(figsize, xlim, ylim, arrow_colour="0.2"):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, _Sketch(ax, arrow_colour)


def draw_rnn_cell():
    """The inside of one RNN cell (assignment 1): inputs, weights, tanh, softmax, outputs.

    Returns:
    the matplotlib figure
    """
    fig, s = _new_sketch((9, 5.6), (-0.9, 12.3), (-1.9, 7.0))
    s.frame(1.0, 0.35, 9.9, 6.05, "rnn_cell_forward")
    # a_prev and xt through their weights into the sum
    s.code(-0.1, 2.5, "a_prev", ha="center")
    s.label(-0.1, 2.0, r"$a^{\langle t-1 \rangle}$", fontsize=12)
    s.arrow((0.6, 2.5), (2.6, 2.5))
    s.box(3.1, 2.5, "Waa @", "weights", family="monospace")
    s.code(5.0, -0.75, "xt")
    s.label(5.6, -0.75, r"$x^{\langle t \rangle}$", fontsize=12)
    s.arrow((5.0, -0.45), (5.0, 0.99))
    s.box(5.0, 1.3, "Wax @", "weights", family="monospace")
    s.node(5.0, 2.5, "+")
    s.arrow((3.6, 2.5), (4.78, 2.5))
    s.arrow((5.0, 1.61), (5.0, 2.28))
    s.code(5.0, 4.1, "ba")
    s.arrow((5.0, 3.85), (5.0, 2.72))
    s.box(6.6, 2.5, "tanh", "tanh", w=0.9)
    s.arrow((5.22, 2.5), (6.15, 2.5))
    # the new hidden state: to the next step and to the output
    s.arrow((7.05, 2.5), (10.4, 2.5))
    s.code(11.2, 2.5, "a_next")
    s.label(11.2, 2.0, r"$a^{\langle t \rangle}$", fontsize=12)
    s.arrow((8.3, 2.5), (8.3, 3.09))
    s.box(8.3, 3.4, "Wya @", "weights", family="monospace")
    s.arrow((8.3, 3.71), (8.3, 4.13))
    s.node(8.3, 4.35, "+")
    s.code(9.35, 4.35, "by")
    s.arrow((9.05, 4.35), (8.52, 4.35))
    s.arrow((8.3, 4.57), (8.3, 5.04))
    s.box(8.3, 5.35, "softmax", "sigmoid", w=1.3)
    s.arrow((8.3, 5.66), (8.3, 6.55))
    s.code(9.35, 6.6, "yt_pred")
    s.label(10.45, 6.6, r"$\hat y^{\langle t \rangle}$", fontsize=12)
    s.label(
        5.65,
        -1.55,
        r"$a^{\langle t \rangle} = \tanh(W_{aa}\,a^{\langle t-1 \rangle} + W_{ax}\,x^{\langle t \rangle} + b_a)$,"
        r"   $\hat y^{\langle t \rangle} = \mathrm{softmax}(W_{ya}\,a^{\langle t \rangle} + b_y)$",
        fontsize=11,
    )
    return fig


def _lstm_geometry():
    """Shared coordinates of the forward LSTM picture (also used faintly by the backward one)."""
    return {
        "mem": 6.5,
        "bus": 1.55,
        "gate": 2.75,
        "xf": 3.0,
        "xi": 4.45,
        "xc": 6.1,
        "xo": 7.75,
        "mul_u": (5.3, 4.55),
        "plus": (5.3, 6.5),
        "mul_f": (3.0, 6.5),
        "tanh_c": (9.2, 5.35),
        "mul_o": (9.2, 3.95),
    }


def draw_lstm_cell():
    """The inside of one LSTM cell (assignment 2): the stacked input, the four gates,
    the memory path c_prev -> c_next, the hidden state a_prev -> a_next and the output.

    Returns:
    the matplotlib figure
    """
    g = _lstm_geometry()
    fig, s = _new_sketch((10, 6.2), (-1.0, 14.2), (-1.6, 7.6))
    s.frame(1.05, 0.3, 10.9, 7.25, "lstm_cell_forward")
    mem, bus, gate = g["mem"], g["bus"], g["gate"]
    # the memory path along the top
    s.code(-0.2, mem + 0.25, "c_prev")
    s.label(-0.2, mem - 0.3, r"$c^{\langle t-1 \rangle}$", fontsize=12)
    s.arrow((0.6, mem), (g["mul_f"][0] - 0.22, mem), lw=2.4)
    s.node(*g["mul_f"], "×")
    s.arrow((g["mul_f"][0] + 0.22, mem), (g["plus"][0] - 0.22, mem), lw=2.4)
    s.node(*g["plus"], "+")
    s.arrow((g["plus"][0] + 0.22, mem), (11.9, mem), lw=2.4)
    s.code(12.9, mem + 0.25, "c_next")
    s.label(12.9, mem - 0.3, r"$c^{\langle t \rangle}$", fontsize=12)
    # the stacked input [a_prev; xt] on a bus under the gates
    s.code(-0.2, bus + 0.25, "a_prev")
    s.label(-0.2, bus - 0.3, r"$a^{\langle t-1 \rangle}$", fontsize=12)
    s.arrow((0.6, bus), (1.8, bus), head=False)
    s.code(1.8, -0.75, "xt")
    s.label(2.4, -0.75, r"$x^{\langle t \rangle}$", fontsize=12)
    s.arrow((1.8, -0.45), (1.8, bus), head=False)
    s.arrow((1.8, bus), (g["xo"], bus), head=False, lw=2.0)
    s.code(4.8, bus - 0.45, "[a_prev; xt]", fontsize=9, colour="0.3")
    gates = [
        ("xf", "σ", "Wf, bf", "sigmoid", "ft"),
        ("xi", "σ", "Wi, bi", "sigmoid", "it"),
        ("xc", "tanh", "Wc, bc", "tanh", "cct"),
        ("xo", "σ", "Wo, bo", "sigmoid", "ot"),
    ]
    for key, fn, weights, colour, _ in gates:
        x = g[key]
        s.arrow((x, bus), (x, gate - 0.4))
        s.box(x, gate, f"{fn}\n{weights}", colour, w=1.25, h=0.8, fontsize=9)
    # ft to the forget multiplication, it and cct to the write, ot to the output
    s.arrow((g["xf"], gate + 0.4), (g["mul_f"][0], mem - 0.22))
    s.code(g["xf"] + 0.25, 4.6, "ft", ha="left")
    s.node(*g["mul_u"], "×")
    s.arrow((g["xi"], gate + 0.4), (g["mul_u"][0] - 0.17, g["mul_u"][1] - 0.15))
    s.code(g["xi"] - 0.05, 3.95, "it", ha="right")
    s.arrow((g["xc"], gate + 0.4), (g["mul_u"][0] + 0.17, g["mul_u"][1] - 0.15))
    s.code(g["xc"] + 0.05, 3.95, "cct", ha="left")
    s.arrow((g["mul_u"][0], g["mul_u"][1] + 0.22), (g["plus"][0], mem - 0.22))
    # the output: ot * tanh(c_next)
    xt_, yt_ = g["tanh_c"]
    s.arrow((xt_, mem), (xt_, yt_ + 0.28))
    s.box(xt_, yt_, "tanh", "tanh", w=0.9, h=0.5, fontsize=9)
    s.node(*g["mul_o"], "×")
    s.arrow((xt_, yt_ - 0.25), (xt_, g["mul_o"][1] + 0.22))
    s.arrow((g["xo"], gate + 0.4), (g["mul_o"][0] - 0.17, g["mul_o"][1] - 0.15))
    s.code(g["xo"] + 0.3, 3.55, "ot", ha="right")
    # a_next leaves to the right; yt_pred from it
    s.path([(xt_, g["mul_o"][1] - 0.22), (xt_, 1.0), (11.9, 1.0)])
    s.code(12.9, 1.25, "a_next")
    s.label(12.9, 0.7, r"$a^{\langle t \rangle}$", fontsize=12)
    s.arrow((10.2, 1.0), (10.2, 2.05))
    s.box(10.2, 2.4, "softmax\nWy, by", "weights", w=1.2, h=0.7, fontsize=9)
    s.path([(10.2, 2.75), (10.2, 3.6), (11.9, 3.6)])
    s.code(12.9, 3.85, "yt_pred")
    s.label(12.9, 3.3, r"$\hat y^{\langle t \rangle}$", fontsize=12)
    s.label(
        6.4,
        -1.3,
        "σ and tanh boxes apply their function to W @ [a_prev; xt] + b with their own "
        "weights;  × and + act element by element",
        fontsize=9,
        colour="0.3",
    )
    return fig


def draw_lstm_cell_backward():
    """The backward pass through one LSTM step (assignment 3), following lstm_cell_backward:
    da_next and dc_next come in, the gate gradients dft, dit, dcct, dot give dzf, ... and the
    weight gradients dWf, dbf, ...; da_prev, dc_prev and dxt go out.

    Returns:
    the matplotlib figure
    """
    red = "#c0392b"
    fig, s = _new_sketch((11.8, 6.3), (-1.2, 16.8), (-1.5, 8.2))
    s.arrow_colour = red
    s.frame(0.85, 0.25, 14.65, 7.9, "lstm_cell_backward")
    top, rows = 7.35, {"f": 6.2, "i": 5.0, "c": 3.8, "o": 2.6}
    x_mul, x_act, x_par, x_bus, x_dc, x_br = 10.3, 7.5, 4.6, 2.45, 11.8, 13.35
    hw = 1.15  # half the width of the product boxes
    # inputs on the right
    s.code(15.8, top + 0.25, "dc_next")
    s.arrow((15.1, top), (x_br + 0.22, top))
    s.code(15.8, rows["o"] + 0.25, "da_next")
    s.arrow((15.1, rows["o"]), (x_mul + hw, rows["o"]))
    # step 1: through a_next = ot * tanh(c_next)
    s.arrow((x_br, rows["o"]), (x_br, 4.2))
    s.box(x_br, 4.6, "× ot ·\n(1 − tanh²(c_next))", "grad", w=2.35, h=0.8, fontsize=8.5)
    s.arrow((x_br, 5.0), (x_br, top - 0.22))
    s.node(x_br, top, "+")
    s.arrow((x_br - 0.22, top), (x_mul + hw, top))
    s.code((x_dc + x_br) / 2, top + 0.25, "dc", fontsize=10, colour=red)
    s.arrow((x_dc, top), (x_dc, rows["c"]), head=False)
    # step 2: through c_next = ft * c_prev + it * cct (and the output gate of step 1)
    products = [("top", "× ft"), ("f", "× c_prev"), ("i", "× cct"), ("c", "× it"), ("o", "× tanh(c_next)")]
    for row, text in products:
        y = top if row == "top" else rows[row]
        if row in "fic":
            s.arrow((x_dc, y), (x_mul + hw, y))
        s.box(x_mul, y, text, "grad", w=2 * hw, h=0.55, fontsize=9, family="monospace")
    s.arrow((x_mul - hw, top), (0.6, top), lw=2.4)
    s.code(-0.2, top + 0.25, "dc_prev")
    s.label(-0.2, top - 0.3, "= dc * ft", fontsize=8, colour="0.3", family="monospace")
    # step 3: through the sigmoids and the tanh; step 4: the linear maps
    acts = {"f": "× ft·(1 − ft)", "i": "× it·(1 − it)", "c": "× (1 − cct²)", "o": "× ot·(1 − ot)"}
    for gname, gate_grad in (("f", "dft"), ("i", "dit"), ("c", "dcct"), ("o", "dot")):
        y = rows[gname]
        s.arrow((x_mul - hw, y), (x_act + 0.875, y))
        s.code((x_mul - hw + x_act + 0.875) / 2, y + 0.25, gate_grad, fontsize=9, colour=red)
        s.box(x_act, y, acts[gname], "grad", w=1.75, h=0.55, fontsize=8.5)
        s.arrow((x_act - 0.875, y), (x_par + 1.45, y))
        s.code((x_act - 0.875 + x_par + 1.45) / 2, y + 0.25, f"dz{gname}", fontsize=9, colour=red)
        s.box(
            x_par,
            y,
            f"dW{gname} = dz{gname} @ v.T\ndb{gname} = dz{gname}.sum(axis=1)",
            "param",
            w=2.9,
            h=0.75,
            fontsize=7.5,
            family="monospace",
        )
        s.arrow((x_par - 1.45, y), (x_bus, y), head=False)
    s.label(
        x_par + 3.0,
        1.85,
        "weight gradients of this step (lstm_backward sums them over the steps)",
        fontsize=8,
        colour="0.3",
    )
    # dv = sum of W.T @ dz, split into da_prev (first n_a rows) and dxt (last n_x rows)
    s.arrow((x_bus, rows["f"]), (x_bus, 1.0 + 0.22))
    s.node(x_bus, 1.0, "+")
    s.label(
        x_bus - 0.1,
        3.2,
        "Wf.T @ dzf\n+ Wi.T @ dzi\n+ Wc.T @ dzc\n+ Wo.T @ dzo",
        fontsize=8,
        ha="right",
        colour="0.3",
        family="monospace",
    )
    s.arrow((x_bus - 0.22, 1.0), (1.6, 1.0))
    s.code((x_bus + 1.6) / 2 - 0.05, 1.22, "dv", fontsize=9, colour=red)
    s.ax.plot([1.6], [1.0], "o", color=red, ms=4, zorder=4)
    s.arrow((1.6, 1.0), (0.6, 1.0))
    s.code(-0.2, 1.25, "da_prev")
    s.label(-0.2, 0.7, "= dv[:n_a]", fontsize=8, colour="0.3", family="monospace")
    s.arrow((1.6, 1.0), (1.6, -0.55))
    s.code(1.6, -0.85, "dxt")
    s.label(2.25, -0.85, "= dv[n_a:]", fontsize=8, colour="0.3", family="monospace", ha="left")
    s.label(
        7.6,
        -1.25,
        "red arrows: gradients flowing backwards;  pink boxes multiply element by element;  v = [a_prev; xt]",
        fontsize=9,
        colour="0.3",
    )
    return fig
