"""Figures quoted in the prose of lab 4, sampling the dinosaur model (see tests/claims/__init__.py).

The lab trains the model of assignment 4 for 15,000 steps; like that training
it is chaotic (runs differing only in rounding end at slightly different
points), so the prose quotes rounded figures and bounds. The temperature
figures come from the table of 300 names at five temperatures, which the lab
prints in its static run too.
"""

from claims import Claim

NB = "notebooks/lab_04_sampling_the_dinosaur_model.ipynb"

CLAIMS = [
    Claim(
        NB,
        r"to about (\d\.\d) \(printed under the plot\)",
        r"held-out loss (\d\.\d+) nats/char",
        "held-out loss after 15,000 steps",
        abs=0.05,
    ),
    Claim(NB, r"over the ([\d,]+) training names\) take", r"over the (\d+) training names", "number of training names"),
    Claim(
        NB,
        r"\(fewer than (\d+) of the 300 are different\)",
        r"(?m)^\s+0\.2\s+(\d+)\s",
        "different names among 300 at T = 0.2",
        relation="<=",
    ),
    Claim(
        NB,
        r"the model's favourite first letter \(more\nthan (\d+) % of them\)",
        r"(?m)^\s+0\.2(?:\s+\d+){2}\s+\d+ %\s+(\d+) %",
        "names starting with a at T = 0.2",
        relation=">=",
    ),
    Claim(
        NB,
        r"ending in \*-saurus\* or \*-ceratops\* \(more than (\d+) %\)",
        r"(?m)^\s+0\.2(?:\s+\d+){2}\s+(\d+) %",
        "-saurus/-ceratops names at T = 0.2",
        relation=">=",
    ),
    Claim(
        NB,
        r"at most (\d+) of the 300 are\nreal genera",
        r"(?m)^\s+0\.2\s+\d+\s+(\d+)\s",
        "real genera among 300 names at T = 0.2",
        relation="<=",
    ),
]
