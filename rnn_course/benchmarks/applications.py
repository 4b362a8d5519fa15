"""The three applications (05 to 07), trained as their notebooks do by default.

The code is the instructor's: the reference solutions and the given helper
cells (training loops, data generator) are read from the source notebooks and
executed, so the benchmark measures exactly what a student's notebook runs
when the reference answers are filled in, without grading mode.

* binary adder: share of the held-out pairs (sum < 256) added exactly right,
  and the training time (median of 3 identical runs);
* sine-wave forecaster: validation MSE as a share of the persistence baseline
  (the target), beside the validation MSE of an AR(2) least-squares fit, which
  is exact for a sine wave (s[n+1] = 2 cos(w) s[n] - s[n-1]): persistence is
  an easy bar, and no network is needed to forecast a pure sine;
* sequence classifier: held-out accuracy on 2,000 sequences of 20 symbols.

Each application is also trained from a few other initial seeds, to show
that the figure is not the luck of one seed (no target on those).
"""

from __future__ import annotations

import os
import statistics
import time
from typing import TYPE_CHECKING, Any

from rnn_course import layout

if TYPE_CHECKING:
    from rnn_course.benchmarks import Figure

TITLE = "applications 05-07: reference default training"

REPO = layout.REPO


def _namespace(assignment: str, extra_cells: tuple[str, ...] = ()) -> dict[str, Any]:
    """The reference solutions and the given helper cells of a source notebook, executed."""
    os.environ.pop("RNN_COURSE_GRADING", None)  # the full default training, not grading mode
    os.environ.setdefault("MPLBACKEND", "Agg")
    return layout.reference_namespace(assignment, REPO, extra_cells)


def _adder() -> list[Figure]:
    ns = _namespace("05_binary_addition", extra_cells=("train_adder",))
    train_pairs, test_pairs = ns["split_addition_pairs"](n_bits=8, held_out=0.2, seed=0)
    a_test, b_test = test_pairs

    def run(seed: int) -> tuple[float, float]:
        params = ns["initialize_rnn_parameters"](n_x=2, n_a=16, n_y=1, seed=seed, scale=1.0)
        start = time.perf_counter()
        params, _ = ns["train_adder"](params, train_pairs, test_pairs, show_at=(), progress=False)
        seconds = time.perf_counter() - start
        return 100 * ns["exact_accuracy"](params, a_test, b_test), seconds

    default = [run(0) for _ in range(3)]
    acc = default[0][0]
    seconds = statistics.median(s for _, s in default)
    others = [run(seed)[0] for seed in (1, 2, 3, 4)]
    return [
        ns_figure("binary adder: held-out sums exactly right (default run)", acc, "%", ">= 99", acc >= 99),
        ns_figure("binary adder: training time, 2000 iterations (median of 3)", seconds, "s", "<= 30", seconds <= 30),
        ns_figure("binary adder: worst held-out % over init seeds 1-4", min(others), "%"),
    ]


def _sine() -> list[Figure]:
    import numpy as np

    ns = _namespace("06_sine_wave")
    data = ns["sine_wave_data"](n_train=200, n_val=50, window=50, step=0.2)
    baseline = ns["mse_loss"](data["x_val"][:, :, -1], data["y_val"])
    features = np.stack([data["x_train"][0, :, -1], data["x_train"][0, :, -2]], axis=1)
    (c1, c2), *_ = np.linalg.lstsq(features, data["y_train"][0], rcond=None)
    ar2 = ns["mse_loss"](c1 * data["x_val"][:, :, -1] + c2 * data["x_val"][:, :, -2], data["y_val"])

    def run(seed: int) -> tuple[float, float]:
        initial = ns["initialize_rnn_parameters"](n_x=1, n_a=32, n_y=1, seed=seed, scale=0.1)
        start = time.perf_counter()
        _, history = ns["train_forecaster"](
            initial,
            data["x_train"],
            data["y_train"],
            data["x_val"],
            data["y_val"],
            n_epochs=50,
            learning_rate=0.05,
            batch_size=10,
            bptt_steps=5,
            clip_value=10.0,
            seed=0,
        )
        return history["val"][-1], time.perf_counter() - start

    val, seconds = run(0)
    ratio = 100 * val / baseline
    others = [100 * run(seed)[0] / baseline for seed in (1, 2, 3)]
    return [
        ns_figure("sine forecaster: validation MSE (default run)", val, ""),
        ns_figure("sine forecaster: persistence baseline MSE (validation)", baseline, ""),
        ns_figure("sine forecaster: validation MSE / persistence baseline", ratio, "%", "<= 10", ratio <= 10),
        ns_figure("sine forecaster: AR(2) least-squares fit, validation MSE", ar2, ""),
        ns_figure("sine forecaster: training time, 50 epochs", seconds, "s"),
        ns_figure("sine forecaster: worst MSE / baseline over init seeds 1-3", max(others), "%"),
    ]


def _classifier() -> list[Figure]:
    import numpy as np

    ns = _namespace("07_sequence_classification", extra_cells=("make_sequences", "train_classifier"))
    x_test, _, labels_test = ns["make_sequences"](2000, 20, np.random.default_rng(1))

    def run(seed: int) -> tuple[float, float]:
        initial = ns["initialize_classifier_parameters"](n_x=4, n_a=32, n_y=4, seed=seed)
        start = time.perf_counter()
        params, _ = ns["train_classifier"](initial, n_iterations=600, T_x=20, seed=seed, progress=False)
        seconds = time.perf_counter() - start
        return 100 * float(np.mean(ns["predict_classes"](params, x_test) == labels_test)), seconds

    acc, seconds = run(0)
    others = [run(seed)[0] for seed in (1, 2, 3)]
    return [
        ns_figure("sequence classifier: held-out accuracy (default run, T_x = 20)", acc, "%", ">= 95", acc >= 95),
        ns_figure("sequence classifier: training time, 600 iterations", seconds, "s"),
        ns_figure("sequence classifier: worst held-out % over init seeds 1-3", min(others), "%"),
    ]


def ns_figure(what: str, value: float, unit: str, target: str = "", met: bool | None = None) -> Figure:
    from rnn_course.benchmarks import Figure

    return Figure(what, float(value), unit, target, met)


def run() -> list[Figure]:
    return _adder() + _sine() + _classifier()
