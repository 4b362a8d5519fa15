"""Figures quoted in the prose of 06_sine_wave (see ``tests/claims/__init__.py``)."""

from claims import Claim

NB = "source/06_sine_wave/06_sine_wave.ipynb"

CLAIMS = [
    # section 1: the AR(2) baseline
    Claim(
        NB,
        r"floating-point rounding \(below `(1e-20)`\)",
        r"AR\(2\) on the validation windows: MSE = (\d\.\de[-+]\d+)",
        "AR(2) validation MSE",
        relation="<=",
    ),
    # section 6: the default training run
    Claim(
        NB,
        r"falls below the\npersistence baseline in epoch (\d+)",
        r"below the baseline from epoch (\d+)",
        "first epoch below the persistence baseline",
    ),
    Claim(
        NB,
        r"below a tenth of it in epoch (\d+)",
        r"below 10% of it from epoch (\d+)",
        "first epoch below 10% of the baseline",
    ),
    Claim(
        NB,
        r"to under (\d+)% of the baseline",
        r"validation MSE [^\n]*: (\d+\.\d+)% of the baseline",
        "final validation MSE, % of persistence",
        relation="<=",
    ),
    Claim(
        NB,
        r"whole run stays below (\d+), so clipping",
        r"largest gradient entry over all \d+ updates: (\d+\.\d+)",
        "largest gradient entry of the default run (clipping at 10 never acts)",
        relation="<=",
    ),
    # section 7: forecasts
    Claim(
        NB,
        r"prints an error below\n(0\.01)\)",
        r"forecast   1 steps ahead: error (\d+\.\d+)",
        "one-step forecast error",
        relation="<=",
    ),
    Claim(
        NB,
        r"error 150 steps ahead: below `(1e-9)`",
        r"AR\(2\) run the same way, 150 steps ahead: error (\S+)\n",
        "AR(2) free-running error after 150 steps",
        relation="<=",
    ),
    Claim(
        NB,
        r"the amplitude is about (0\.\d+) instead of 1",
        r"first period of the forecast: amplitude (\d\.\d+)",
        "amplitude of the free-running forecast, first period",
        abs=0.005,
    ),
    Claim(
        NB,
        r"grows, from (0\.\d+) samples in the first period",
        r"first period [^\n]* by (-?\d\.\d+) samples",
        "lead of the forecast over the true wave, first period",
        abs=0.005,
    ),
    Claim(
        NB,
        r"in the first period to (0\.\d+) in the last",
        r"last period [^\n]* by (-?\d\.\d+) samples",
        "lead of the forecast over the true wave, last period",
        abs=0.005,
    ),
    # section 8.1: truncation on the sine wave
    Claim(
        NB,
        r"ends below full BPTT on (\d) of the\n  3 seeds",
        r"k = 2 ends below full BPTT on (\d) of 3 seeds",
        "seeds on which k = 2 beats full BPTT on the sine",
    ),
    Claim(
        NB,
        r"ends worst\n  on all (\d) seeds",
        r"k = 1 ends worst on (\d) of 3",
        "seeds on which k = 1 ends worst on the sine",
    ),
    Claim(
        NB,
        r"\$k = 5\$ stays within (\d+)% of full BPTT",
        r"k = 5 against full BPTT: [^\n]*at most (-?\d+)% more",
        "k = 5 over full BPTT on the sine, worst seed (as a % excess)",
        relation="<=",
    ),
    Claim(
        NB,
        r"the measured ratio is more than (\d+) even",
        r"k = 50 against k = 5: (\d+\.\d+) times as long",
        "backward-pass time, k = 50 over k = 5",
        relation=">=",
    ),
    Claim(
        NB,
        r"prints that\n  ratio too: less than (\d+)\)",
        r"whole epoch: (\d+\.\d+) times",
        "epoch time, k = 50 over k = 5",
        relation="<=",
    ),
    # section 8.2: the echo task
    Claim(
        NB,
        r"variance on every seed \(at least (0\.\d+)\)",
        r"k =  1: from (0\.\d+) to",
        "k = 1: least share of variance left",
        relation=">=",
    ),
    Claim(
        NB,
        r"but at least (0\.\d+) of the variance is left on every seed",
        r"k =  5: from (0\.\d+) to",
        "k = 5: least share of variance left",
        relation=">=",
    ),
    Claim(NB, r"depends on the seed, between (0\.\d+) and", r"k =  8: from (0\.\d+) to", "k = 8: best seed", abs=0.005),
    Claim(
        NB,
        r"depends on the seed, between 0\.\d+ and (0\.\d+) here",
        r"k =  8: from 0\.\d+ to (0\.\d+)",
        "k = 8: worst seed",
        abs=0.005,
    ),
    Claim(
        NB,
        r"every seed leaves at most\n  (0\.\d+) of the variance",
        r"k =  9: from 0\.\d+ to (0\.\d+)",
        "k = 9: worst seed",
        relation="<=",
    ),
    Claim(
        NB,
        r"\(\$k = 20\$\) at most (0\.\d+)\.",
        r"k = 20: from 0\.\d+ to (0\.\d+)",
        "full BPTT: worst seed",
        relation="<=",
    ),
    # section 8.3: the stream
    Claim(
        NB,
        r"\*\*State carried:\*\* at most (0\.\d+) of the variance",
        r"state carried: at most (0\.\d+) on every seed",
        "stream, state carried: worst seed",
        relation="<=",
    ),
    Claim(
        NB,
        r"at least (0\.\d+) of the variance left\n  on every seed, however",
        r"state reset: at least (0\.\d+) on every seed",
        "stream, state reset: best seed and test",
        relation=">=",
    ),
    Claim(
        NB,
        r"can do better than about (0\.\d+), because",
        r"even a perfect network leaves about (0\.\d+)",
        "floor of any network restarted every 10 steps",
        abs=0.005,
    ),
    Claim(
        NB,
        r"on (\d) of the 3 seeds it does worse than always",
        r"worse than predicting the mean on (\d) of 3 seeds",
        "reset-trained network run on: seeds worse than the mean",
    ),
]
