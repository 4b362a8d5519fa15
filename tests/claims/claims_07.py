"""Figures quoted in the prose of 07_sequence_classification (see tests/claims/__init__.py)."""

from claims import Claim

NB = "source/07_sequence_classification/07_sequence_classification.ipynb"

CLAIMS = [
    # section 1: two guesses that do not remember the first symbol (fixed data: exact)
    Claim(
        NB,
        r"Guessing the last symbol needs no memory at all, and gets ([\d.]+)% right",
        r"guess the last symbol: +([\d.]+)%",
        "last-symbol guess",
        abs=0.05,
    ),
    Claim(
        NB,
        r"Guessing the most common symbol gets ([\d.]+)%",
        r"guess the most common symbol: ([\d.]+)%",
        "most-common-symbol guess",
        abs=0.05,
    ),
    Claim(
        NB,
        r"The trained\s+network of section 5 gets more than (\d+)% right",
        r"held-out accuracy ([\d.]+)% on 2000 sequences",
        "trained classifier, held-out accuracy",
        relation=">=",
    ),
    # section 5: the training curve
    Claim(
        NB,
        r"reaches 99% after about (\d+) iterations",
        r"first at 99% or more after (\d+) iterations",
        "iterations until 99% held-out accuracy",
        abs=20,
    ),
    # the common-mistakes box
    Claim(
        NB,
        r"a gradient of the wrong sign has\s+relative error exactly (\d)",
        r"sign of the error flipped: relative error of dWax ([\d.]+)",
        "relative error of a flipped gradient",
        abs=0.005,
    ),
    # section 7: how far back
    Claim(
        NB,
        r"learns to look 39 steps back \(\$T_x\$ = 40, more\s+than (\d+)% right\)",
        r"T_x =  40: held-out accuracy +([\d.]+)%",
        "accuracy at T_x = 40",
        relation=">=",
    ),
]

CLAIMS += [
    Claim(
        NB,
        r"where it stays at chance \((\d+)% or less\)",
        r"T_x =  80: held-out accuracy +([\d.]+)%",
        "accuracy at T_x = 80",
        relation="<=",
    ),
    Claim(
        NB,
        r"With input weights 0\.1, (\d) of the 8 runs learn the task",
        r"input weights 0\.1 : (\d) of 8 runs reach 99%",
        "runs with input weights 0.1 that learn",
    ),
    Claim(
        NB,
        r"with 0\.5,\s+(\d) of 8 do",
        r"input weights 0\.5 : (\d) of 8 runs reach 99%",
        "runs with input weights 0.5 that learn",
    ),
    Claim(
        NB,
        r"with 0\.5,\s+0 of 8 do: all of them stay near chance \(at most (\d+)%\)",
        r"input weights 0\.5 : \d of 8 runs reach 99%, the others at most ([\d.]+)%",
        "best accuracy with input weights 0.5",
        abs=0.5,
    ),
    Claim(
        NB,
        r"the average slope at the start falls from (0\.\d\d) with input weights",
        r"mean slope at the start: (0\.\d\d) \(input weights 0\.1\)",
        "mean tanh slope, input 0.1",
        abs=0.005,
    ),
    Claim(
        NB,
        r"0\.1 to (0\.\d\d) with 0\.5\.",
        r"mean slope at the start: 0\.\d\d \(input weights 0\.1\), (0\.\d\d) \(0\.5\)",
        "mean tanh slope, input 0.5",
        abs=0.005,
    ),
    Claim(
        NB,
        r"would leave a fraction (0\.\d+) of it in the first case",
        r"to the power 39: (0\.\d+) and",
        "slope to the power 39, input 0.1",
        abs=0.005,
    ),
    Claim(
        NB,
        r"\$([\d.]+) \\times 10\^\{-6\}\$ in the second",
        r"to the power 39: 0\.\d+ and ([\d.]+)e-06",
        "slope to the power 39, input 0.5 (times 1e-6)",
        abs=0.05,
    ),
    Claim(
        NB,
        r"a lesson some\s+([\d,]+) times fainter",
        r"a ratio of ([\d,]+)",
        "ratio of the two slope products",
        rel=0.25,
    ),
    Claim(
        NB,
        r"a Gaussian \$W_\{aa\}\$ with small inputs, (\d) of the 4 runs learn the task too",
        r"gaussian +0\.1 .*?(\d) of 4",
        "Gaussian W_aa with input weights 0.1: runs that learn",
    ),
]

# section 7: watching the gradient vanish (gradient_norms_per_step before any training)
CLAIMS += [
    Claim(
        NB,
        r"between\s+\$([\d.]+) \\times 10\^\{-6\}\$ and [\d.]+ of the gradient reaches step 1",
        r"input weights 0\.5: between ([\d.]+)e-06 and",
        "smallest share of the gradient reaching step 1, input weights 0.5 (times 1e-6)",
        rel=0.05,
    ),
    Claim(
        NB,
        r"\\times 10\^\{-6\}\$ and ([\d.]+) of the gradient reaches step 1",
        r"input weights 0\.5: between [\d.e-]+ and ([\d.]+) of the gradient",
        "largest share of the gradient reaching step 1, input weights 0.5",
        rel=0.05,
    ),
    Claim(
        NB,
        r"With input weights 0\.1, between\s+([\d.]+) and [\d.]+ of it gets there",
        r"input weights 0\.1: between ([\d.]+) and",
        "smallest share of the gradient reaching step 1, input weights 0.1",
        rel=0.05,
    ),
    Claim(
        NB,
        r"With input weights 0\.1, between\s+[\d.]+ and ([\d.]+) of it gets there",
        r"input weights 0\.1: between [\d.]+ and ([\d.]+) of the gradient",
        "largest share of the gradient reaching step 1, input weights 0.1",
        rel=0.05,
    ),
    Claim(
        NB,
        r"with small inputs passes on between ([\d.]+) and",
        r"orthogonal W_aa with input weights 0\.1: between ([\d.]+) and",
        "smallest share reaching step 1, orthogonal W_aa and input weights 0.1",
        rel=0.05,
    ),
    Claim(
        NB,
        r"with small inputs passes on between [\d.]+ and ([\d.]+),",
        r"orthogonal W_aa with input weights 0\.1: between [\d.]+ and ([\d.]+)",
        "largest share reaching step 1, orthogonal W_aa and input weights 0.1",
        rel=0.05,
    ),
    Claim(
        NB,
        r"magnitude, up to ([\d.]+) \(a share above 1",
        r"gaussian W_aa with input weights 0\.1: between [\d.]+ and ([\d.]+)",
        "largest share reaching step 1, Gaussian W_aa and input weights 0.1",
        rel=0.05,
    ),
    Claim(
        NB,
        r"Its smallest share, ([\d.]+), the smallest of all eight",
        r"input weights 0\.1, the smallest share: gaussian W_aa, seed \d \(([\d.]+)\)",
        "the smallest share with input weights 0.1 (a Gaussian W_aa)",
        rel=0.05,
    ),
    Claim(
        NB,
        r"inputs, belongs to seed (\d): the one run",
        r"input weights 0\.1, the smallest share: gaussian W_aa, seed (\d)",
        "the seed of the smallest share with input weights 0.1",
    ),
    Claim(
        NB,
        r"the task \(it ends at (\d+)%\)",
        r"input weights 0\.1, the smallest share: .*?held-out accuracy ([\d.]+)% after training",
        "held-out accuracy of the run with the smallest share",
        abs=1.5,
    ),
]
