"""Figures quoted in the prose of 04_dinosaur_island (see tests/claims/__init__.py).

The training of section 8 is chaotic: runs that differ only in the rounding of
one operation (another numpy or BLAS build) end at visibly different points
(held-out loss 1.76 to 1.83, training loss 1.67 to 1.74 in runs perturbed by
one part in 10^15 to 10^11), and whether a large exploding gradient happens
at all differs between them. So the prose quotes rounded figures and bounds,
and the tolerances below are the prose's own rounding.
"""

from claims import Claim

NB = "source/04_dinosaur_island/04_dinosaur_island.ipynb"

CLAIMS = [
    Claim(
        NB,
        r"Dinosaur names are short \((\d+) letters on average",
        r"mean length of a name: (\d+\.\d) letters",
        "mean length of a name",
        abs=0.5,
    ),
    Claim(
        NB,
        r"with chunks of 100 characters, more than (\d+) % of the\nsteps are clipped",
        r"with clipping at 5: an entry beyond 5 in \d+ of \d+ steps \((\d+) %\)",
        "share of clipped steps in the chunk run of section 6",
        relation=">=",
    ),
    Claim(
        NB,
        r"climbs above even the uniform guess \(\$\\ln 27 \\approx (\d\.\d+)\$",
        r"without clipping: .*worst moving average of the loss (\d\.\d+)",
        "worst moving-average loss without clipping, above the uniform guess",
        relation=">=",
    ),
    Claim(
        NB,
        r"Expect about \*\*(\d\.\d) nats per\ncharacter\*\* on the held-out names",
        r"held-out names: (\d\.\d+) nats/char",
        "held-out loss after the default training",
        abs=0.05,
    ),
    Claim(
        NB,
        r"\(perplexity about (\d+), against 27",
        r"held-out names: \d\.\d+ nats/char, perplexity (\d+\.\d+)",
        "held-out perplexity",
        abs=0.5,
    ),
    Claim(
        NB,
        r"and about (\d\.\d) on the training names",
        r"training names: (\d\.\d+) nats/char",
        "training loss after the default training",
        abs=0.05,
    ),
    Claim(
        NB,
        r"clipping acts\non few steps: fewer than (\d+) % of them",
        r"clipped \(an entry beyond 5\): \d+ of \d+ steps \((\d+\.\d) %\)",
        "share of clipped steps in the default training",
        relation="<=",
    ),
    Claim(
        NB,
        r"a gradient of ([\d,]+) entries keeps a norm",
        r"at most 5 x sqrt\((\d+)\)",
        "number of parameters (gradient entries)",
    ),
    Claim(
        NB,
        r"\\approx (\d+)\$ after clipping",
        r"at most 5 x sqrt\(\d+\) = (\d+)",
        "largest norm of a gradient clipped at 5",
        abs=0.5,
    ),
    Claim(
        NB,
        r"in our runs at most (\d+) of the 300 are\nreal genera",
        r"(\d+) of 300 sampled names are real genera",
        "real genera among 300 names sampled at T = 1",
        relation="<=",
    ),
    Claim(
        NB,
        r"At \$T = 0\.5\$ the model plays it safe: more than (\d+) % of its names",
        r"T = 0\.5: (\d+) % of 300 names end in -saurus or -ceratops",
        "share of -saurus/-ceratops names at T = 0.5",
        relation=">=",
    ),
    Claim(
        NB,
        r"At \$T = 1\.5\$ it takes risks: fewer than (\d+) % of the names",
        r"T = 1\.5: (\d+) % of 300 names end in -saurus or -ceratops",
        "share of -saurus/-ceratops names at T = 1.5",
        relation="<=",
    ),
]
