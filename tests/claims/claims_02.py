"""Figures quoted in 02_lstm_forward (sections 0, 3 and 4)."""

from claims import Claim

NB = "source/02_lstm_forward/02_lstm_forward.ipynb"
E = r"(\d\.\de[+-]\d+)"  # a figure printed as 5.3e-04

CLAIMS = [
    # section 0: how fast a plain RNN forgets
    Claim(
        NB,
        rf"10 steps back is already down to\s+{E}",
        rf"s = 0\.5:  10 steps back {E}",
        "RNN s = 0.5, influence 10 steps back",
        rel=0.01,
    ),
    Claim(
        NB,
        r"a spectral radius of\s+(\d\.\d+) and",
        r"s = 1\.2: spectral radius of W_aa (\d\.\d+)",
        "spectral radius of W_aa for s = 1.2",
        abs=0.005,
    ),
    Claim(
        NB,
        r"a largest stretch of (\d\.\d+):",
        r"s = 1\.2: spectral radius .*largest stretch \|\|W_aa\|\|_2 (\d\.\d+)",
        "largest singular value of W_aa for s = 1.2",
        abs=0.005,
    ),
    Claim(
        NB,
        rf"30 steps back has dropped to {E}",
        rf"s = 1\.2:  10 steps back \S+,  30 steps back {E}",
        "RNN s = 1.2, influence 30 steps back",
        rel=0.01,
    ),
    Claim(
        NB,
        rf"and 59 steps back to {E}, and the decay",
        rf"s = 1\.2:  10 steps back .*59 steps back {E}",
        "RNN s = 1.2, influence 59 steps back",
        rel=0.01,
    ),
    # section 3: the hand-wired memory cell holds its value
    Claim(
        NB,
        r"prints c = (\d\.\d{4}) right after",
        r"after the write at step 3: c = (\d\.\d{4})",
        "memory right after the first write",
        abs=0.00005,
    ),
    Claim(
        NB,
        r"and c = (\d\.\d{4}) eleven steps",
        r"before the write at step 15: c = (\d\.\d{4})",
        "memory just before the second write",
        abs=0.00005,
    ),
    # section 4: the LSTM memory path
    Claim(
        NB, r"their mean, (\d\.\d\d)\)", r"b_f = 0: mean forget gate (\d\.\d\d)", "mean forget gate, b_f = 0", abs=0.005
    ),
    Claim(
        NB,
        rf"back its factor is {E}",
        rf"memory path, b_f = 0:  59 steps back {E}",
        "LSTM memory path b_f = 0, 59 steps back",
        rel=0.01,
    ),
    Claim(
        NB,
        rf"against {E} for the RNN",
        rf"s = 0\.9 \(section 0\):  59 steps back {E}",
        "RNN s = 0.9, 59 steps back",
        rel=0.01,
    ),
    Claim(NB, r"\(mean (\d\.\d\d)\)", r"b_f = 4: mean forget gate (\d\.\d\d)", "mean forget gate, b_f = 4", abs=0.005),
    Claim(
        NB,
        rf"the factor is still {E}",
        rf"memory path, b_f = 4:  59 steps back {E}",
        "LSTM memory path b_f = 4, 59 steps back",
        rel=0.01,
    ),
]
