"""Speed and quality of the reference training of 04_dinosaur_island.

The reference solution (clip, sample, optimize, model) is taken from the
instructor notebook, so the benchmark measures exactly what the course ships.
Everything runs with one BLAS thread: in-process with threadpoolctl when it is
installed, otherwise in a subprocess started with OPENBLAS_NUM_THREADS=1 (and
the OpenMP/MKL equivalents), since a running numpy cannot change its thread
count without it.

Figures: characters processed per second (median of 3 runs of 15,000 names),
the held-out loss reached after exactly 20 seconds (wall clock) of training,
and the held-out loss of the notebook's default training (30,000 names).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from . import Figure

TITLE = "Dinosaur-name model (04_dinosaur_island): reference training, n_a = 50, one name per step, 1 BLAS thread"

ASSIGNMENT = "04_dinosaur_island"
SPEED_NAMES = 15000  # names per speed run
SPEED_RUNS = 3
BUDGET_SECONDS = 20.0  # the training time of the quality target
DEFAULT_ITERATIONS = 30000
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _reference_namespace() -> dict[str, Any]:
    """The notebook's imports and reference graded functions, executed in a fresh namespace."""
    from rnn_course import layout

    return layout.reference_namespace(ASSIGNMENT)


def measure() -> dict[str, Any]:
    """All figures as a dict (runs in the current process; call with one BLAS thread)."""
    import numpy as np

    import cllm_utils as cu

    ns = _reference_namespace()
    model = ns["model"]
    names = cu.load_names()
    c2i, i2c = cu.build_vocabulary(names)
    train, held = cu.split_names(names, held_out=0.1, seed=0)
    seed = 0
    order = np.random.default_rng(seed).permutation(len(train))  # the order model uses

    def chars(n: int) -> int:
        return sum(len(train[order[j % len(train)]]) + 1 for j in range(n))

    rates, cpu_rates = [], []
    for _ in range(SPEED_RUNS):
        start, cpu = time.perf_counter(), time.process_time()
        model(train, c2i, i2c, num_iterations=SPEED_NAMES, sample_every=0, seed=seed)
        rates.append(chars(SPEED_NAMES) / (time.perf_counter() - start))
        cpu_rates.append(chars(SPEED_NAMES) / (time.process_time() - cpu))
    rate = statistics.median(rates)

    # Exactly BUDGET_SECONDS of training: model calls optimize by name, so a stand-in
    # that stops the run when the time is up also hands over the parameters being trained.
    optimize = ns["optimize"]
    state: dict[str, Any] = {"steps": 0}

    class TimeUp(Exception):
        pass

    def timed_optimize(
        X: list[int | None],
        Y: list[int],
        a_prev: np.ndarray,
        parameters: dict[str, np.ndarray],
        learning_rate: float = 0.01,
    ) -> Any:
        if time.perf_counter() - state["start"] >= BUDGET_SECONDS:
            state["parameters"] = parameters
            raise TimeUp
        state["steps"] += 1
        return optimize(X, Y, a_prev, parameters, learning_rate)

    ns["optimize"] = timed_optimize
    state["start"] = time.perf_counter()
    try:
        model(train, c2i, i2c, num_iterations=10**8, sample_every=0, seed=seed)
        raise RuntimeError("the time budget was never reached")
    except TimeUp:
        pass
    finally:
        ns["optimize"] = optimize
    n_budget = state["steps"]
    budget_loss, budget_ppl = cu.evaluate(state["parameters"], held, c2i)

    params, _ = model(train, c2i, i2c, num_iterations=DEFAULT_ITERATIONS, sample_every=0, seed=seed)
    default_loss, _ = cu.evaluate(params, held, c2i)
    return {
        "rates": rates,
        "rate": rate,
        "cpu_rate": statistics.median(cpu_rates),
        "n_budget": n_budget,
        "budget_loss": budget_loss,
        "budget_ppl": budget_ppl,
        "default_loss": default_loss,
        "uniform": float(np.log(len(c2i))),
        "held_names": len(held),
        "train_names": len(train),
    }


def _measure_one_thread() -> dict[str, Any]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        env = dict(os.environ, **ONE_THREAD)
        out = subprocess.run(
            [sys.executable, "-m", "rnn_course.benchmarks.dinosaur", "--worker"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
    with threadpool_limits(limits=1):
        return measure()


def run() -> list[Figure]:
    m = _measure_one_thread()
    spread = ", ".join(f"{r:,.0f}" for r in m["rates"])
    return [
        Figure(
            f"characters per second (median of {spread})", round(m["rate"]), "chars/s", ">= 30000", m["rate"] >= 30000
        ),
        Figure("characters per CPU second (median; robust to load)", round(m["cpu_rate"]), "chars/s", "", None),
        Figure(
            f"held-out loss after {BUDGET_SECONDS:.0f} s of training ({m['n_budget']:,} names)",
            m["budget_loss"],
            "nats/char",
            "<= 1.9",
            m["budget_loss"] <= 1.9,
        ),
        Figure(f"held-out perplexity after those {BUDGET_SECONDS:.0f} s", m["budget_ppl"], "", "", None),
        Figure(
            f"held-out loss, notebook's training ({DEFAULT_ITERATIONS:,} names)",
            m["default_loss"],
            "nats/char",
            "",
            None,
        ),
        Figure(f"uniform guess ln 27 ({m['held_names']} held-out names)", m["uniform"], "nats/char", "", None),
    ]


if __name__ == "__main__" and "--worker" in sys.argv:
    print(json.dumps(measure()))
