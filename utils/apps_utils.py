"""Helpers shared by the application assignments (05 to 07): data, losses, plots.

Dimension letters, as in ``rnn_utils``:

    n_x -- input features per time step      m   -- examples in a batch
    n_a -- hidden units                      T_x -- time steps
    n_y -- outputs

Nothing here is a graded function. The module holds what the three
applications need around the graded code: the data sets (every pair of
8-bit numbers, sine-wave windows, symbol sequences), the losses whose
gradients the students derive, an optimiser for the classifier, and the
plots. Every random draw is seeded, so a notebook run twice shows the same
numbers.
"""

import numpy as np

__all__ = [
    # 05_binary_addition
    "addition_pairs",
    "split_addition_pairs",
    "carry_bits",
    "binary_cross_entropy",
    "format_addition",
    "plot_adder_history",
    "plot_hidden_vs_carry",
    # 06_sine_wave
    "sine_wave_data",
    "mse_loss",
    "plot_forecaster_history",
    "plot_sine_predictions",
    "plot_truncation_experiment",
    # 07_sequence_classification
    "initialize_classifier_parameters",
    "adam_init",
    "adam_update",
    "clip_by_global_norm",
    "confusion_matrix",
    "plot_confusion_matrix",
    "plot_classifier_history",
    "plot_accuracy_vs_distance",
]


# ---------------------------------------------------------------------------
# 05_binary_addition
# ---------------------------------------------------------------------------


def addition_pairs(n_bits=8):
    """Every ordered pair (a, b) of non-negative integers whose sum fits in ``n_bits`` bits.

    Returns:
    a, b -- int64 arrays of the same length (32,896 pairs for 8 bits), sorted by a then b
    """
    limit = 2**n_bits
    a, b = np.meshgrid(np.arange(limit), np.arange(limit), indexing="ij")
    keep = (a + b) < limit
    return a[keep].astype(np.int64), b[keep].astype(np.int64)


def split_addition_pairs(n_bits=8, held_out=0.2, seed=0):
    """Split every pair of ``addition_pairs`` into a training and a held-out set.

    The held-out pairs are never shown during training: a model that gets
    them right has learnt to add, not memorised a table.

    Arguments:
    n_bits -- width of the numbers
    held_out -- fraction of the pairs kept aside
    seed -- seed of the shuffle

    Returns:
    (a_train, b_train), (a_test, b_test) -- int64 arrays
    """
    a, b = addition_pairs(n_bits)
    order = np.random.default_rng(seed).permutation(len(a))
    n_test = int(round(held_out * len(a)))
    test, train = order[:n_test], order[n_test:]
    return (a[train], b[train]), (a[test], b[test])


def carry_bits(a, b, n_bits=8):
    """The carry out of every bit position when adding ``a + b`` by hand.

    ``carry[i, t]`` is 1 when the column-t addition of example i (bits t of a
    and b plus the carry coming in) produces a carry into column t + 1.
    Computed from the integers: the low t + 1 bits of a and b overflow.

    Returns:
    carry -- int array, shape (m, n_bits)
    """
    a = np.asarray(a, dtype=np.int64)[:, None]
    b = np.asarray(b, dtype=np.int64)[:, None]
    modulus = 2 ** (np.arange(n_bits, dtype=np.int64) + 1)  # 2, 4, 8, ...
    return ((a % modulus + b % modulus) >= modulus).astype(int)


def binary_cross_entropy(y_hat, y, eps=1e-12):
    """Cross-entropy of sigmoid outputs, summed over outputs and time, averaged over examples.

        L = -(1/m) sum_{i,t} [ y log(y_hat) + (1 - y) log(1 - y_hat) ]

    Arguments:
    y_hat -- predicted probabilities, shape (n_y, m, T_x) (or (n_y, m))
    y -- targets in {0, 1}, same shape
    eps -- probabilities are kept in [eps, 1 - eps] so that log never sees 0

    Returns:
    loss -- float
    """
    y_hat = np.clip(np.asarray(y_hat, dtype=float), eps, 1.0 - eps)
    y = np.asarray(y, dtype=float)
    m = y.shape[1]
    return float(-np.sum(y * np.log(y_hat) + (1.0 - y) * np.log1p(-y_hat)) / m)


def format_addition(a, b, predicted, n_bits=8):
    """One line showing an addition the way the network sees it (bits written MSB first).

    >>> format_addition(37, 99, 136)
    ' 37 + 99  = 136   00100101 + 01100011 = 10001000   right'
    """
    a, b, predicted = int(a), int(b), int(predicted)
    ok = "right" if predicted == a + b else f"WRONG (true sum {a + b})"
    width = len(str(2**n_bits - 1))

    def bits(v):
        return f"{v:0{n_bits}b}"

    return (
        f"{a:>{width}} + {b:<{width}} = {predicted:<{width}}   "
        f"{bits(a)} + {bits(b)} = {bits(predicted % 2**n_bits)}   {ok}"
    )


def _plot_training_history(history, axes, loss_label, accuracy_label, log_loss=False, chance=None):
    """Loss per batch with its running mean (left) and held-out accuracy (right)."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.4))
    loss = np.asarray(history["loss"], dtype=float)
    axes[0].plot(history["iteration"], loss, lw=0.6, alpha=0.35, color="C0", label="one batch")
    k = 50
    if len(loss) >= k:
        smooth = np.convolve(loss, np.ones(k) / k, mode="valid")
        axes[0].plot(np.asarray(history["iteration"])[k - 1 :], smooth, color="C0", label=f"mean of {k} batches")
    if log_loss:
        axes[0].set_yscale("log")
    axes[0].set_xlabel("iteration")
    axes[0].set_ylabel(loss_label)
    axes[0].set_title("training loss")
    axes[0].legend()
    axes[1].plot(history["eval_iteration"], 100 * np.asarray(history["accuracy"]), "o-", ms=3, color="C2")
    if chance is not None:
        axes[1].axhline(100 * chance, color="0.5", ls="--", label="chance")
        axes[1].legend(loc="lower right")
    axes[1].set_ylim(-3, 103)
    axes[1].set_xlabel("iteration")
    axes[1].set_ylabel(accuracy_label)
    axes[1].set_title("held-out accuracy")
    axes[1].grid(alpha=0.3)
    plt.tight_layout()
    return axes


def plot_adder_history(history, axes=None):
    """Training loss and held-out exact-sum accuracy of the adder, side by side.

    Arguments:
    history -- dict with "iteration", "loss" (one per iteration) and
               "eval_iteration", "accuracy" (one per evaluation)
    """
    return _plot_training_history(
        history, axes, "cross-entropy per example (nats)", "% of held-out sums exactly right", log_loss=True
    )


def plot_hidden_vs_carry(a, carry, example=0, labels=None):
    """Where the network keeps the carry: hidden units against the carry bit.

    Left: the 16 hidden units of one example over the 8 steps, with the carry
    bit of each column underneath. Right: for every hidden unit, its mean
    activation when the carry is 0 and when it is 1, over all examples given
    (units sorted by the difference).

    Arguments:
    a -- hidden states, shape (n_a, m, T_x), values in (0, 1) for sigmoid units
    carry -- carry out of every column, shape (m, T_x) (see ``carry_bits``)
    example -- which example to draw on the left
    labels -- optional title of the left panel (e.g. "37 + 99")

    Returns:
    corr -- correlation of each hidden unit with the carry bit, shape (n_a,)
    """
    import matplotlib.pyplot as plt

    n_a, m, T_x = a.shape
    flat_a = a.transpose(0, 2, 1).reshape(n_a, T_x * m)  # step-major, like carry.T
    flat_c = np.asarray(carry, dtype=float).T.reshape(T_x * m)
    ca = flat_a - flat_a.mean(axis=1, keepdims=True)
    cc = flat_c - flat_c.mean()
    denom = np.sqrt((ca**2).sum(axis=1) * (cc**2).sum())
    corr = np.divide(ca @ cc, denom, out=np.zeros(n_a), where=denom > 0)

    fig, axes = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [1, 1.3]})
    ax = axes[0]
    img = np.vstack([a[:, example, :], np.full((1, T_x), np.nan), np.asarray(carry)[example][None, :]])
    im = ax.imshow(img, aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(list(range(n_a)) + [n_a + 1])
    ax.set_yticklabels([f"unit {i}" for i in range(n_a)] + ["carry bit"], fontsize=7)
    ax.set_xticks(range(T_x))
    ax.set_xticklabels([f"bit {t}" for t in range(T_x)], fontsize=8)
    ax.set_xlabel("time step (least significant bit first)")
    ax.set_title(labels or f"example {example}: hidden units and carry")
    plt.colorbar(im, ax=ax, fraction=0.04)

    ax = axes[1]
    on = flat_c > 0.5
    mean1 = flat_a[:, on].mean(axis=1) if on.any() else np.zeros(n_a)
    mean0 = flat_a[:, ~on].mean(axis=1) if (~on).any() else np.zeros(n_a)
    order = np.argsort(mean1 - mean0)
    pos = np.arange(n_a)
    ax.barh(pos - 0.2, mean0[order], height=0.4, label="carry = 0", color="C0")
    ax.barh(pos + 0.2, mean1[order], height=0.4, label="carry = 1", color="C3")
    ax.set_yticks(pos)
    ax.set_yticklabels([f"unit {i} (r = {corr[i]:+.2f})" for i in order], fontsize=7)
    ax.set_xlabel("mean activation over all held-out steps")
    ax.set_title("each hidden unit, split by the carry bit")
    ax.legend(loc="lower right")
    plt.tight_layout()
    return corr


# ---------------------------------------------------------------------------
# 06_sine_wave
# ---------------------------------------------------------------------------


def sine_wave_data(n_train=200, n_val=50, window=50, step=0.2, horizon=200):
    """Windows of a sine wave and the sample that follows each of them.

    The series is ``s[n] = sin(step * n)`` for n = 0, 1, 2, ... Training
    window i holds ``s[i : i + window]`` and its target is ``s[i + window]``
    (i = 0 .. n_train - 1). The validation windows come from a later stretch
    that starts after the last training target, so no validation window
    overlaps the training data. ``horizon`` more samples follow the last
    validation target, for multi-step forecasts.

    Returns:
    data -- dict with
        x_train (1, n_train, window), y_train (1, n_train),
        x_val (1, n_val, window), y_val (1, n_val),
        series -- the whole series s, shape (N,)
        train_start, val_start -- index in ``series`` of the first sample of
                                  the first training / validation window
        step, window -- as given
    """
    val_start = n_train + window  # first sample after the last training target
    n_total = val_start + n_val + window + horizon
    series = np.sin(step * np.arange(n_total))

    def windows(start, count):
        idx = start + np.arange(count)[:, None] + np.arange(window)[None, :]  # (count, window)
        x = series[idx][None, :, :]  # (1, count, window)
        y = series[start + window + np.arange(count)][None, :]  # (1, count)
        return x, y

    x_train, y_train = windows(0, n_train)
    x_val, y_val = windows(val_start, n_val)
    return {
        "x_train": x_train,
        "y_train": y_train,
        "x_val": x_val,
        "y_val": y_val,
        "series": series,
        "train_start": 0,
        "val_start": val_start,
        "step": step,
        "window": window,
    }


def mse_loss(y_hat, y):
    """Mean squared error over every entry: mean((y_hat - y)**2), a float."""
    y_hat = np.asarray(y_hat, dtype=float)
    y = np.asarray(y, dtype=float)
    return float(np.mean((y_hat - y) ** 2))


def plot_forecaster_history(history, baseline=None, ax=None):
    """Training and validation MSE per epoch (log scale), with the persistence baseline."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    epochs = np.arange(1, len(history["train"]) + 1)
    ax.plot(epochs, history["train"], "o-", ms=3, label="training windows")
    ax.plot(epochs, history["val"], "s-", ms=3, label="validation windows")
    if baseline is not None:
        ax.axhline(baseline, color="0.4", ls="--", label="persistence baseline (validation)")
        ax.axhline(0.1 * baseline, color="0.6", ls=":", label="10% of the baseline")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title("learning curves")
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    return ax


def plot_sine_predictions(data, val_pred, forecast, forecast_start, ax=None):
    """Predicted against true: one-step predictions on the validation windows, then a free-running forecast.

    Arguments:
    data -- the dict of ``sine_wave_data``
    val_pred -- one-step predictions for the validation targets, shape (n_val,)
    forecast -- multi-step forecast (each prediction fed back as input), shape (n_steps,)
    forecast_start -- index in ``data["series"]`` of the first forecast sample
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(12, 3.8))
    series, window = data["series"], data["window"]
    n_val = len(val_pred)
    first = data["val_start"]
    last = forecast_start + len(forecast)
    n = np.arange(first, last)
    ax.plot(n, series[first:last], color="0.75", lw=4, label="true series")
    ax.axvspan(first, first + window, color="0.93", label="first validation window (input)")
    targets = first + window + np.arange(n_val)
    ax.plot(targets, val_pred, ".", color="C0", ms=7, label="one-step predictions (validation)")
    fn = forecast_start + np.arange(len(forecast))
    ax.plot(fn, forecast, "-", color="C3", lw=1.8, label="forecast, predictions fed back")
    ax.axvline(forecast_start - 0.5, color="C3", ls=":", lw=1)
    ax.set_xlabel("sample index n")
    ax.set_ylabel("value")
    ax.set_title("the forecaster on held-out data")
    ax.legend(loc="lower left", fontsize=8, ncol=2)
    return ax


def plot_truncation_experiment(results, baseline=None):
    """Validation MSE and cost of one backward pass against the truncation length.

    Arguments:
    results -- list of dicts with keys "bptt_steps", "val_mse" and "backward_ms"
               (milliseconds of one call of the backward pass on one minibatch)
    """
    import matplotlib.pyplot as plt

    ks = [r["bptt_steps"] for r in results]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
    axes[0].plot(ks, [r["val_mse"] for r in results], "o-", color="C2", label="forecaster")
    if baseline is not None:
        axes[0].axhline(baseline, color="0.4", ls="--", label="persistence baseline")
    axes[0].legend()
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    axes[0].set_xticks(ks)
    axes[0].set_xticklabels([str(k) for k in ks])
    axes[0].minorticks_off()
    axes[0].set_xlabel("steps of backpropagation (k)")
    axes[0].set_ylabel("validation MSE after training")
    axes[0].set_title("what truncation costs")
    axes[0].grid(alpha=0.3, which="both")
    axes[1].bar([str(k) for k in ks], [r["backward_ms"] for r in results], color="C1")
    axes[1].set_xlabel("steps of backpropagation (k)")
    axes[1].set_ylabel("ms per backward pass (one minibatch)")
    axes[1].set_title("what truncation saves")
    plt.tight_layout()
    return axes


# ---------------------------------------------------------------------------
# 07_sequence_classification
# ---------------------------------------------------------------------------


def initialize_classifier_parameters(n_x, n_a, n_y, seed=0, recurrent="orthogonal", input_scale=0.1):
    """Parameters of a many-to-one RNN classifier, with a recurrent matrix that keeps signals alive.

    ``recurrent="orthogonal"`` draws ``Waa`` as a random orthogonal matrix (the
    Q factor of a Gaussian matrix, signs fixed so the draw is unique): it maps
    every hidden state to one of the same length, so at the start of training
    a signal, and the gradient flowing back, neither fades nor grows from one
    step to the next (Saxe et al., 2014). ``recurrent="gaussian"`` draws it
    with independent N(0, 1/n_a) entries instead. Input weights are small
    (``input_scale``) so that the tanh units start far from saturation; the
    output weights are N(0, 1/n_a); biases are zero.

    Returns:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    """
    rng = np.random.default_rng(seed)
    Wax = rng.standard_normal((n_a, n_x)) * input_scale
    G = rng.standard_normal((n_a, n_a))
    if recurrent == "orthogonal":
        q, r = np.linalg.qr(G)
        Waa = q * np.sign(np.diag(r))
    elif recurrent == "gaussian":
        Waa = G / np.sqrt(n_a)
    else:
        raise ValueError(f"recurrent must be 'orthogonal' or 'gaussian', not {recurrent!r}")
    Wya = rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def adam_init(parameters):
    """State of the Adam optimiser for ``parameters``: zero first and second moments, step 0."""
    return {
        "m": {k: np.zeros_like(v) for k, v in parameters.items()},
        "v": {k: np.zeros_like(v) for k, v in parameters.items()},
        "t": 0,
    }


def adam_update(parameters, gradients, state, learning_rate=0.003, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (Kingma and Ba, 2015), in place; ``gradients`` keyed "d" + name.

    Each parameter moves by ``learning_rate * m_hat / (sqrt(v_hat) + eps)``,
    where m_hat and v_hat are bias-corrected running means of the gradient and
    of its square: every weight gets its own step size.

    Returns:
    parameters, state -- the same objects, updated
    """
    state["t"] += 1
    t = state["t"]
    for name in parameters:
        g = gradients["d" + name]
        state["m"][name] = beta1 * state["m"][name] + (1 - beta1) * g
        state["v"][name] = beta2 * state["v"][name] + (1 - beta2) * g * g
        m_hat = state["m"][name] / (1 - beta1**t)
        v_hat = state["v"][name] / (1 - beta2**t)
        parameters[name] = parameters[name] - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return parameters, state


def clip_by_global_norm(gradients, max_norm):
    """Rescale all gradients together when their joint L2 norm exceeds ``max_norm`` (direction kept).

    Returns:
    gradients -- a new dict; norm -- the norm before rescaling
    """
    norm = float(np.sqrt(sum(np.sum(g * g) for g in gradients.values())))
    factor = max_norm / norm if norm > max_norm else 1.0
    return {k: g * factor for k, g in gradients.items()}, norm


def confusion_matrix(labels, predicted, n_classes):
    """counts[i, j] = number of examples of true class i predicted as class j."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(labels), np.asarray(predicted)), 1)
    return counts


def plot_confusion_matrix(counts, class_names=None, ax=None, title="confusion matrix (held-out)"):
    """Heatmap of a confusion matrix with the counts written in the cells."""
    import matplotlib.pyplot as plt

    n = counts.shape[0]
    names = class_names or [str(i) for i in range(n)]
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4))
    ax.imshow(counts, cmap="Blues")
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                str(counts[i, j]),
                ha="center",
                va="center",
                color="white" if counts[i, j] > counts.max() / 2 else "black",
            )
    ax.set_xticks(range(n))
    ax.set_xticklabels(names)
    ax.set_yticks(range(n))
    ax.set_yticklabels(names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    return ax


def plot_classifier_history(history, chance=None, axes=None):
    """Training loss and held-out accuracy of the classifier.

    Arguments:
    history -- dict with "iteration", "loss" (every iteration) and
               "eval_iteration", "accuracy" (every evaluation)
    chance -- accuracy of a random guess, drawn as a dashed line
    """
    return _plot_training_history(history, axes, "cross-entropy (nats)", "held-out accuracy (%)", chance=chance)


def plot_accuracy_vs_distance(
    curves, chance=None, ax=None, xlabel="sequence length T_x (the informative symbol is the first)"
):
    """Held-out accuracy against how far back the informative step lies.

    Arguments:
    curves -- dict label -> (distances, accuracies)
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    for i, (label, (dist, acc)) in enumerate(curves.items()):
        ax.plot(dist, 100 * np.asarray(acc), "o-", color=f"C{i}", label=label)
    if chance is not None:
        ax.axhline(100 * chance, color="0.5", ls="--", label="chance")
    ax.set_xscale("log")
    all_d = sorted({d for dist, _ in curves.values() for d in dist})
    ax.set_xticks(all_d)
    ax.set_xticklabels([str(d) for d in all_d])
    ax.minorticks_off()
    ax.set_ylim(0, 103)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("held-out accuracy (%)")
    ax.set_title("how far back can a plain RNN remember?")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax
