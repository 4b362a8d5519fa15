"""Figures quoted in 01_rnn_forward (section 4: three sizes of random weights)."""

from claims import Claim

NB = "source/01_rnn_forward/01_rnn_forward.ipynb"


def _field(scale, k):
    # the k-th figure (1-based) of the printed line of one scale, as a one-group regex
    groups = [r"[\d.]+", r"[\d.]+", r"\d+", r"[\d.e+-]+"]
    groups[k - 1] = "(" + groups[k - 1] + ")"
    return (
        rf"scale {scale:>4}: spectral radius {groups[0]}, largest \|a\| {groups[1]}, "
        rf"saturated {groups[2]}%, nudge 10 steps back multiplied by {groups[3]}"
    )


CLAIMS = [
    Claim(
        NB, r"spectral radius of (\d\.\d+), no", _field("0.05", 1), "spectral radius of Waa at scale 0.05", abs=0.005
    ),
    Claim(NB, r"no \$\|a\|\$ above (\d\.\d+)", _field("0.05", 2), "largest |a| at scale 0.05", abs=0.005),
    Claim(
        NB,
        r"multiplied by (\d\.\d+e-\d+): the state forgets",
        _field("0.05", 4),
        "nudge factor over 10 steps at scale 0.05",
        rel=0.01,
    ),
    Claim(
        NB,
        r"The spectral radius is (\d\.\d+), close to 1",
        _field("0.25", 1),
        "spectral radius of Waa at scale 0.25",
        abs=0.005,
    ),
    Claim(
        NB,
        r"the nudge keeps (\d\.\d+e-\d+) of its size",
        _field("0.25", 4),
        "nudge factor over 10 steps at scale 0.25",
        rel=0.01,
    ),
    Claim(
        NB, r"(\d+)% of the values are saturated", _field("1.0", 3), "share of saturated values at scale 1.0", abs=0.5
    ),
    Claim(NB, r"grows, by a factor of (\d\.\d)", _field("1.0", 4), "nudge factor over 10 steps at scale 1.0", abs=0.05),
]
