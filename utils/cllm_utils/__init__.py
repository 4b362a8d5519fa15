"""Helpers for the character-level language model of 04_dinosaur_island.

The model reads one name at a time (a batch of ``m = 1`` example), so a time
step is a column vector and the states of a whole name are the columns of a
matrix. Dimension letters:

    n_x -- size of the input one-hot vectors (the vocabulary size)
    n_a -- number of hidden units
    n_y -- number of outputs per step (the vocabulary size again)
    T_x -- number of time steps of one name (its letters plus the newline)

Vocabulary convention of the course: the sorted unique characters of the
corpus, with the newline ``'\\n'`` (end of a name) at index 0; for the
dinosaur corpus ``a``..``z`` are 1..26.

A training example is a list of character indices: ``X = [None] + indices``
and ``Y = X[1:] + [newline index]``. ``None`` stands for the zero input vector
of the first step ("no previous character").

Nothing here is graded: ``clip``, ``sample``, ``optimize`` and ``model`` are
the student's exercises. The sequence forward and backward passes compute
exactly what a loop over ``rnn_step_forward`` / ``rnn_step_backward`` would
(the unit tests check it), but batch the output layer over all time steps, so
training runs at tens of thousands of characters per second on one core.
"""

from pathlib import Path

import numpy as np

import rnn_utils
from rnn_utils import softmax

__all__ = [
    "DEFAULT_CORPUS",
    "load_names",
    "build_vocabulary",
    "split_names",
    "name_to_example",
    "one_hot",
    "initialize_parameters",
    "rnn_step_forward",
    "rnn_step_backward",
    "rnn_forward",
    "rnn_backward",
    "update_parameters",
    "gradient_norm",
    "smooth",
    "get_initial_loss",
    "indices_to_name",
    "print_sample",
    "evaluate",
]

DEFAULT_CORPUS = Path(__file__).with_name("dinos.txt")
PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")
GRADIENT_NAMES = ("dWax", "dWaa", "dWya", "db", "dby")


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def load_names(path=None):
    """Read a corpus of names, one per line, and return them lower-cased.

    Any text file works, so an instructor can swap in another corpus. Every
    line must hold one name made of ASCII letters (``A``-``Z``, ``a``-``z``);
    spaces or tabs around a name and Windows line endings are tolerated, a
    repeated name (ignoring case) is kept once, in its first position.

    Arguments:
    path -- the file to read (default: the dinosaur corpus ``dinos.txt``
            shipped beside this module)

    Returns:
    names -- list of lower-case names, in file order

    Raises:
    FileNotFoundError -- the file does not exist
    ValueError -- the file is empty, not UTF-8 text, or has a blank line or a
                  character other than an ASCII letter (the message gives the
                  line number)
    """
    path = DEFAULT_CORPUS if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"corpus file not found: {path} (expected a text file with one name per line)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    lines = text.splitlines()
    if not lines or not text.strip():
        raise ValueError(f"{path} holds no names: expected one name per line")
    names, seen = [], set()
    for number, line in enumerate(lines, start=1):
        name = line.strip()
        if not name:
            raise ValueError(f"{path}, line {number}: blank line (expected one name per line)")
        bad = [ch for ch in name if not (ch.isascii() and ch.isalpha())]
        if bad:
            raise ValueError(
                f"{path}, line {number}: {name!r} contains {bad[0]!r}; names may only use the ASCII letters a-z and A-Z"
            )
        name = name.lower()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def build_vocabulary(names):
    """Deterministic vocabulary: the newline first, then the sorted letters used.

    Arguments:
    names -- list of names (strings)

    Returns:
    char_to_ix -- dict character -> index, ``'\\n'`` -> 0
    ix_to_char -- dict index -> character
    """
    letters = sorted(set("".join(names)) - {"\n"})
    chars = ["\n"] + letters
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    ix_to_char = {i: ch for i, ch in enumerate(chars)}
    return char_to_ix, ix_to_char


def split_names(names, held_out=0.1, seed=0):
    """Split names into a training list and a held-out list, reproducibly.

    Arguments:
    names -- list of names
    held_out -- fraction of the names kept aside for evaluation (0 < held_out < 1)
    seed -- seed of the shuffle (the same seed always gives the same split)

    Returns:
    train, held -- two lists of names; together they hold every name once
    """
    if not 0 < held_out < 1:
        raise ValueError(f"held_out must be between 0 and 1, got {held_out}")
    if len(names) < 2:
        raise ValueError("need at least two names to split off a held-out set")
    order = np.random.default_rng(seed).permutation(len(names))
    n_held = min(len(names) - 1, max(1, int(round(held_out * len(names)))))
    held = [names[i] for i in sorted(order[:n_held])]
    train = [names[i] for i in sorted(order[n_held:])]
    return train, held


def name_to_example(name, char_to_ix):
    """The training pair of one name: ``X = [None] + indices``, ``Y = indices + [newline]``."""
    indices = [char_to_ix[ch] for ch in name]
    X = [None] + indices
    Y = indices + [char_to_ix["\n"]]
    return X, Y


def one_hot(ix, size):
    """Column one-hot vector of shape (size, 1); ``ix = None`` gives the zero vector."""
    x = np.zeros((size, 1))
    if ix is not None:
        x[ix, 0] = 1.0
    return x


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def initialize_parameters(n_a, n_x, n_y, seed=1, scale=0.01):
    """Small random weights and zero biases.

    Arguments:
    n_a -- number of hidden units
    n_x, n_y -- input and output sizes (both the vocabulary size here)
    seed -- seed of the random generator (the draws are reproducible)
    scale -- standard deviation of the weights

    Returns:
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
                  b (n_a, 1), by (n_y, 1)
    """
    # The draws of rnn_utils' initialiser; this model calls its hidden bias b.
    p = rnn_utils.initialize_rnn_parameters(n_x, n_a, n_y, seed=seed, scale=scale)
    return {"Wax": p["Wax"], "Waa": p["Waa"], "Wya": p["Wya"], "b": p["ba"], "by": p["by"]}


def rnn_step_forward(parameters, a_prev, x):
    """One time step.

    Arguments:
    parameters -- dict with Wax, Waa, Wya, b, by
    a_prev -- hidden state at t-1, shape (n_a, 1)
    x -- input at t (a one-hot or zero vector), shape (n_x, 1)

    Returns:
    a_next -- hidden state at t, shape (n_a, 1)
    y_hat -- probabilities of the next character, shape (n_y, 1)
    """
    a_next = np.tanh(parameters["Wax"] @ x + parameters["Waa"] @ a_prev + parameters["b"])
    y_hat = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, y_hat


def rnn_step_backward(dy, gradients, parameters, x, a, a_prev, da_next):
    """Backward through one time step; adds this step's share to ``gradients``.

    Arguments:
    dy -- gradient of the loss with respect to the scores ``Wya a + by``, shape (n_y, 1)
          (for softmax with cross-entropy: ``y_hat - one_hot(target)``)
    gradients -- dict dWax, dWaa, dWya, db, dby, updated in place
    parameters -- dict with Wax, Waa, Wya, b, by
    x -- input at t, shape (n_x, 1)
    a -- hidden state at t, shape (n_a, 1)
    a_prev -- hidden state at t-1, shape (n_a, 1)
    da_next -- gradient flowing into a from step t+1, shape (n_a, 1)

    Returns:
    da_prev -- gradient with respect to a_prev, shape (n_a, 1)
    """
    gradients["dWya"] += dy @ a.T  # output layer
    gradients["dby"] += dy
    da = parameters["Wya"].T @ dy + da_next  # both paths into a: output and future
    dz = (1.0 - a * a) * da  # backprop through tanh, (n_a, 1)
    gradients["db"] += dz
    gradients["dWax"] += dz @ x.T
    gradients["dWaa"] += dz @ a_prev.T
    return parameters["Waa"].T @ dz


def _as_indices(X, n_x):
    """Input indices as an int array with -1 for ``None`` (the zero input)."""
    ix = np.array([-1 if i is None else int(i) for i in X], dtype=np.intp)
    if ix.size and (ix.max() >= n_x or ix.min() < -1):
        raise IndexError(f"input index out of range for a vocabulary of {n_x}")
    return ix


def rnn_forward(X, Y, a0, parameters):
    """Forward pass over one name and its summed cross-entropy loss.

    Arguments:
    X -- list of T_x input indices; ``None`` is the zero input vector
    Y -- list of T_x target indices (the character that follows each input)
    a0 -- initial hidden state, shape (n_a, 1)
    parameters -- dict with Wax, Waa, Wya, b, by

    Returns:
    loss -- sum over the T_x steps of -log(probability of the target)
    cache -- (a, y_hat, a0, X, Y) for rnn_backward: hidden states a of shape
             (n_a, T_x), probabilities y_hat of shape (n_y, T_x)
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    b, by = parameters["b"], parameters["by"]
    n_a, n_x = Wax.shape
    T_x = len(X)
    if len(Y) != T_x:
        raise ValueError(f"X and Y must have the same length, got {T_x} and {len(Y)}")
    ix = _as_indices(X, n_x)
    # Wax @ one_hot(i) is column i of Wax; the zero input contributes nothing.
    xw = Wax[:, np.maximum(ix, 0)] + b  # (n_a, T_x)
    xw[:, ix < 0] = b
    a = np.empty((n_a, T_x))
    h = a0[:, 0]
    for t in range(T_x):  # the recurrence is sequential
        h = np.tanh(xw[:, t] + Waa @ h)
        a[:, t] = h
    z = Wya @ a + by  # every output at once, (n_y, T_x)
    z -= z.max(axis=0, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=0, keepdims=True)
    y_hat = e / s
    cols = np.arange(T_x)
    loss = float(np.sum(np.log(s[0]) - z[np.asarray(Y, dtype=np.intp), cols]))
    return loss, (a, y_hat, a0, X, Y)


def rnn_backward(X, Y, parameters, cache):
    """Backpropagation through time for the loss of rnn_forward.

    Arguments:
    X, Y -- the lists given to rnn_forward
    parameters -- dict with Wax, Waa, Wya, b, by
    cache -- the cache returned by rnn_forward

    Returns:
    gradients -- dict dWax, dWaa, dWya, db, dby, each of the shape of its parameter
    a -- hidden states, shape (n_a, T_x); the last one, ``a[:, -1:]`` of shape
         (n_a, 1), is where the next chunk of a long text would start
    """
    a, y_hat, a0, _, _ = cache
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_a, n_x = parameters["Wax"].shape
    T_x = a.shape[1]
    ix = _as_indices(X, n_x)
    dy = y_hat.copy()  # softmax + cross-entropy: y_hat - one_hot(Y)
    dy[np.asarray(Y, dtype=np.intp), np.arange(T_x)] -= 1.0
    gradients = {"dWya": dy @ a.T, "dby": dy.sum(axis=1, keepdims=True)}
    da_out = Wya.T @ dy  # gradient reaching each a from its output
    dz = np.empty((n_a, T_x))
    da_next = np.zeros(n_a)
    one_minus_a2 = 1.0 - a * a
    WaaT = Waa.T
    for t in range(T_x - 1, -1, -1):  # backwards through time
        dz[:, t] = one_minus_a2[:, t] * (da_out[:, t] + da_next)  # through tanh
        da_next = WaaT @ dz[:, t]
    a_prev = np.empty((n_a, T_x))
    a_prev[:, 0] = a0[:, 0]
    a_prev[:, 1:] = a[:, :-1]
    gradients["dWaa"] = dz @ a_prev.T
    gradients["db"] = dz.sum(axis=1, keepdims=True)
    dWax = np.zeros((n_a, n_x))
    keep = ix >= 0
    np.add.at(dWax.T, ix[keep], dz[:, keep].T)  # dz @ one_hot(X).T, without the zeros
    gradients["dWax"] = dWax
    return {k: gradients[k] for k in GRADIENT_NAMES}, a


def update_parameters(parameters, gradients, learning_rate):
    """One step of gradient descent, in place: ``W -= learning_rate * dW``.

    Arguments:
    parameters -- dict with Wax, Waa, Wya, b, by (its arrays are updated in place)
    gradients -- dict with dWax, dWaa, dWya, db, dby
    learning_rate -- step size

    Returns:
    parameters -- the same dict, updated
    """
    for name in PARAMETER_NAMES:
        parameters[name] -= learning_rate * gradients["d" + name]
    return parameters


def gradient_norm(gradients):
    """Global L2 norm of all gradient arrays together (for plots of exploding gradients)."""
    return float(np.sqrt(sum(float(np.sum(np.square(gradients[k]))) for k in GRADIENT_NAMES)))


# ---------------------------------------------------------------------------
# Training bookkeeping, sampling output and evaluation
# ---------------------------------------------------------------------------


def smooth(loss, cur_loss):
    """Exponential moving average of the loss: ``0.999 * loss + 0.001 * cur_loss``."""
    return loss * 0.999 + cur_loss * 0.001


def get_initial_loss(vocab_size, seq_length):
    """Loss of a uniform guess over ``vocab_size`` characters for ``seq_length`` steps."""
    return -np.log(1.0 / vocab_size) * seq_length


EMPTY_NAME = "(empty name)"


def indices_to_name(sample_ix, ix_to_char, empty=EMPTY_NAME):
    """The name spelled by a list of indices, without its newline, capitalised.

    A sample that is only the newline (the model ended the name before any
    letter) spells nothing; it is returned as ``empty`` (default
    ``"(empty name)"``) so that it stays visible in a printed list of names.
    Pass ``empty=""`` for the bare spelling.
    """
    text = "".join(ix_to_char[int(ix)] for ix in sample_ix).rstrip("\n")
    if not text:
        return empty
    return text[:1].upper() + text[1:]


def print_sample(sample_ix, ix_to_char):
    """Print the name spelled by a list of indices (see indices_to_name)."""
    print(indices_to_name(sample_ix, ix_to_char))


def evaluate(parameters, names, char_to_ix):
    """Mean per-character cross-entropy and perplexity of ``names`` under the model.

    Each name starts from the zero hidden state; every character and the
    closing newline count as one prediction.

    Arguments:
    parameters -- dict with Wax, Waa, Wya, b, by
    names -- list of names (held-out names, typically)
    char_to_ix -- the vocabulary

    Returns:
    loss_per_char -- mean cross-entropy in nats per character
    perplexity -- exp(loss_per_char): the model is as unsure as a uniform
                  choice among that many characters
    """
    if not names:
        raise ValueError("evaluate needs at least one name")
    n_a = parameters["Waa"].shape[0]
    a0 = np.zeros((n_a, 1))
    total, count = 0.0, 0
    for name in names:
        X, Y = name_to_example(name, char_to_ix)
        loss, _ = rnn_forward(X, Y, a0, parameters)
        total += loss
        count += len(Y)
    loss_per_char = total / count
    return loss_per_char, float(np.exp(loss_per_char))
