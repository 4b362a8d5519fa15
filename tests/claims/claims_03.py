"""Figures quoted in 03_backprop (section 6: vanishing and exploding gradients)."""

from claims import Claim

NB = "source/03_backprop/03_backprop.ipynb"
E = r"(\d\.\de[+-]\d+)"  # a figure printed as 1.8e-11


def _orders(label):
    return rf"{label}:\s+[+-](\d+\.\d) orders of magnitude from k = 0 to k = 59"


def _every(label):
    return rf"{label}:\s+\S+ orders of magnitude from k = 0 to k = 59, one every\s+(\d+) steps"


def _at(label, k):
    return rf"{label}:\s+k = 10:.*k = {k}:\s+{E}"


CLAIMS = [
    Claim(
        NB,
        r"loses an order of magnitude about\s+every (\d+) steps",
        _every(r"RNN, s = 0\.5"),
        "RNN s = 0.5, steps per order of magnitude",
        abs=0.5,
    ),
    Claim(
        NB,
        r"(\d+\.\d) orders over the 59 steps",
        _orders(r"RNN, s = 0\.5"),
        "RNN s = 0.5, orders of magnitude lost over 59 steps",
        abs=0.05,
    ),
    Claim(NB, rf"step \$T-30\$ \({E}\)", _at(r"RNN, s = 0\.5", 30), "RNN s = 0.5, gradient 30 steps back", rel=0.01),
    Claim(
        NB,
        r"One order of magnitude about every (\d+) steps",
        _every(r"RNN, s = 1\.0"),
        "RNN s = 1.0, steps per order of magnitude",
        abs=0.5,
    ),
    Claim(NB, rf"{E} at \$k = 30\$", _at(r"RNN, s = 1\.0", 30), "RNN s = 1.0, gradient 30 steps back", rel=0.01),
    Claim(NB, rf"{E} at \$k = 59\$", _at(r"RNN, s = 1\.0", 59), "RNN s = 1.0, gradient 59 steps back", rel=0.01),
    Claim(
        NB,
        r"(\d+\.\d) orders below where it started",
        _orders(r"RNN, s = 1\.0"),
        "RNN s = 1.0, orders of magnitude lost over 59 steps",
        abs=0.05,
    ),
    Claim(
        NB,
        r"by\s+(\d+\.\d) orders of magnitude over 59 steps",
        _orders(r"RNN, s = 3\.0"),
        "RNN s = 3.0, orders of magnitude gained over 59 steps",
        abs=0.05,
    ),
    Claim(
        NB,
        r"it loses (\d+\.\d) orders of magnitude over\s+59 steps",
        _orders(r"RNN, s = 1\.5"),
        "RNN s = 1.5, orders of magnitude lost over 59 steps",
        abs=0.05,
    ),
    Claim(
        NB,
        r"prints\s+a mean of (\d\.\d\d)\)",
        r"LSTM, b_f = 2: mean forget gate (\d\.\d\d)",
        "LSTM b_f = 2, mean forget gate",
        abs=0.005,
    ),
    Claim(
        NB,
        r"it loses (\d+\.\d) orders of magnitude on the way",
        _orders(r"LSTM, b_f = 2"),
        "LSTM b_f = 2, orders of magnitude lost over 59 steps",
        abs=0.05,
    ),
    Claim(
        NB,
        r"at a mean of (\d\.\d\d)\)",
        r"LSTM, b_f = 0: mean forget gate (\d\.\d\d)",
        "LSTM b_f = 0, mean forget gate",
        abs=0.005,
    ),
    Claim(
        NB,
        r"vanishes too, by (\d+\.\d) orders",
        _orders(r"LSTM, b_f = 0"),
        "LSTM b_f = 0, orders of magnitude lost over 59 steps",
        abs=0.05,
    ),
]
