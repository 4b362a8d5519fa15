"""Figures quoted in the prose of lab 2 (see tests/claims/__init__.py).

tests/test_claims.py executes the lab with RNN_COURSE_LABS_STATIC=1: every
interactive figure is drawn for the slider defaults first, so the first match
of an output pattern is the default setting that the prose describes.
"""

from claims import Claim

NB = "notebooks/lab_02_vanishing_and_exploding_gradients.ipynb"

CLAIMS = [
    # section 1: the things to try, measured by the cell after the figure
    Claim(
        NB,
        r"after about (\d+) steps nothing of the RNN's",
        r"first falls below 1e-16 (\d+) steps back",
        "steps until the RNN's gradient is below 1e-16 (scale 0.9)",
        abs=2,
    ),
    Claim(
        NB,
        r"never falls below\s+(0\.\d\d), about",
        r"never below (0\.\d\d)",
        "smallest LSTM gradient, T = 100",
        abs=0.005,
    ),
    Claim(
        NB,
        r"about 1/(\d+) of its size at the loss",
        r"\(1/(\d+) of it\)",
        "LSTM gradient at the loss over its smallest",
        abs=1,
    ),
    Claim(
        NB,
        r"drops from (0\.\d\d) \(\$b_f = 3\$\)",
        r"forget-gate bias 3: the LSTM's average factor per step is (0\.\d\d)",
        "LSTM factor per step, b_f = 3",
        abs=0.005,
    ),
    Claim(
        NB,
        r"to (0\.\d\d) \(\$b_f = 0\$\)",
        r"forget-gate bias 0: the LSTM's average factor per step is (0\.\d\d)",
        "LSTM factor per step, b_f = 0",
        abs=0.005,
    ),
    Claim(
        NB,
        r"a factor of about \$10\^\{(\d+)\}\$ over 100 steps at scale 3",
        r"10 to the power (\d+)\)",
        "growth of the RNN's gradient over 100 steps at scale 3 (power of ten)",
    ),
    # section 2: the cliff
    Claim(
        NB, r"the wall is at about \$w = (1\.\d+)\$", r"the wall is at w = (1\.\d+)", "position of the wall", abs=0.0001
    ),
    Claim(
        NB,
        r"more than ([\d,]+) times larger than anywhere on the",
        r"\(ratio ([\d,]+)\)",
        "peak gradient on the wall over the largest elsewhere",
        relation=">=",
    ),
    Claim(NB, r"from each of the (\d+) starting", r"of (\d+) starts end", "starts on the plateau"),
    Claim(
        NB,
        r"Without clipping, (\d+) of the 502 starts end thrown",
        r"without clipping: (\d+) of \d+ starts end",
        "starts thrown without clipping",
    ),
    Claim(
        NB, r"With clipping, (\d+) of them do", r"clipped at 1: (\d+) of \d+ starts end", "starts thrown with clipping"
    ),
    Claim(
        NB,
        r"starts from one of them, \$w = (2\.151)\$",
        r"\(w0 = [^)]*?(2\.151)",
        "the default start is one of the thrown starts",
    ),
    Claim(
        NB,
        r"with the\s+loss already down to (0\.\d\d)",
        r"steepest point is step \d: from w = [\d.]+, loss (0\.\d\d)",
        "loss at the foot of the wall (default start)",
        abs=0.005,
    ),
    Claim(
        NB,
        r"But there \$\|dL/dw\|\$ is about ([\d,]+)",
        r"steepest point is step \d: .*?\|dL/dw\| = ([\d,]+)",
        "gradient at the foot of the wall (default start)",
        abs=500,
    ),
    Claim(NB, r"\$w \\approx -(\d+)\$ \(the cell prints", r"to w = -(\d+);", "where the unclipped step lands", abs=1),
    Claim(
        NB,
        r"the gradient is (0) to\s+machine precision",
        r"\|dL/dw\| at the end: ([\d.e+-]+)",
        "gradient where the unclipped path ends",
        relation="<=",
    ),
    # section 3
    Claim(
        NB,
        r"the largest is about \$(\d) \\times 10\^\{9\}\$",
        r"largest entry ([\d.]+)e\+09",
        "largest entry of the exploding gradient (times 1e9)",
        abs=0.5,
    ),
    Claim(
        NB,
        r"with a cosine of only\s+(0\.\d\d)",
        r"cosine with the unclipped gradient (0\.\d\d)",
        "cosine after clipping by value at a low threshold",
        abs=0.005,
    ),
]
