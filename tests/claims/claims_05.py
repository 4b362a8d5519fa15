"""Figures quoted in the prose of 05_binary_addition (see tests/claims/__init__.py)."""

from claims import Claim

NB = "source/05_binary_addition/05_binary_addition.ipynb"

CLAIMS = [
    Claim(
        NB,
        r"section 7 measures\s+\$(\d\.\d)\$\s+for\s+the\s+one\s+without\s+the\s+carried\s+gradient",
        r"largest: (\d\.\d+)",
        "largest relative error of the gradient without the carried term",
        abs=0.05,
    ),
    Claim(
        NB,
        r"held-out accuracy jumps from almost nothing to almost everything, here\s+within\s+about (\d+) iterations",
        r"first at 90% or more after (\d+) iterations",
        "iterations until 90% held-out accuracy",
        abs=25,
    ),
    Claim(
        NB,
        r"more than\s+(\d+)% of the held-out pairs in section 5",
        r"held-out pairs added exactly right: \d+ of \d+ \(([\d.]+)%\)",
        "held-out exact sums after training",
        relation=">=",
    ),
    Claim(
        NB,
        r"With the carried gradient, all (\d) seeds end with every\s+held-out sum right",
        r"with the carried gradient: +(\d) of 5 seeds end at 99%",
        "seeds that learn to add with full BPTT",
    ),
    Claim(
        NB,
        r"(\d) of the 5 seeds still learns to add",
        r"without the carried gradient: +(\d) of 5 seeds end at 99%",
        "seeds that learn to add without it",
    ),
    Claim(
        NB,
        r"(\d) of them end below 10%",
        r"without the carried gradient: +\d of 5 seeds end at 99% or more, (\d) below 10%",
        "seeds that fail without the carried gradient",
    ),
    Claim(
        NB,
        r"anywhere between 0 and (\d+)%\s+over their last 1,000 iterations",
        r"between [\d.]+% and ([\d.]+)% over their last 1,000",
        "highest accuracy of the failed runs",
        abs=1.0,
    ),
]
CLAIMS += [
    Claim(
        NB, r"seeds put it in (\d) different units", r"the carry sits in (\d) different units", "distinct carry units"
    ),
    Claim(
        NB,
        r"each time with a correlation of\s+\$r = (\d\.\d\d)\$",
        r"smallest \|r\| (\d\.\d\d)",
        "correlation of the carry unit with the carry",
        abs=0.005,
    ),
]
