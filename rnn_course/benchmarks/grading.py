"""Grading speed: reference notebooks, one complete student, a class of 40.

Figures (targets from the course's targets file):

* time to execute each reference notebook top to bottom in grading mode (the
  kernel that nbgrader starts, without the rest of nbgrader), median of 3;
* peak memory of the grading kernel for each notebook (measured inside the kernel);
* time to autograde one complete student, all assignments, one worker;
* class throughput for 40 generated students of 01_rnn_forward (a third each
  reference, wrong attempt, untouched release): plain sequential nbgrader
  (``nbgrader autograde`` then ``nbgrader generate_feedback``, one process)
  against the course's parallel grading on every core, both in one run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from . import Figure

TITLE = "Grading: notebook execution, one complete student, class throughput (40 students)"
RUNS = 3
CLASS_SIZE = 40


def _execute_reference(course: Path, assignment: str) -> tuple[float, float | None]:
    """Seconds to execute the reference notebook in a grading kernel, and its peak RSS in MB.

    The kernel is the one autograding uses (GuardedExecute: sandboxed where
    bubblewrap works, with the integrity guard), so the figures are grading's.
    """
    import json

    from traitlets.config.loader import PyFileConfigLoader

    from rnn_course import submissions
    from rnn_course.preprocessors import GuardedExecute
    from rnn_course.preprocessors.guarded_execute import INTEGRITY_FILE

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    nb = submissions.build(course, assignment, "reference")
    workdir = Path(tempfile.mkdtemp())
    try:
        start = time.perf_counter()
        GuardedExecute(config=cfg, reference_run=True).preprocess(nb, {"metadata": {"path": str(workdir)}})
        elapsed = time.perf_counter() - start
        verdict = json.loads((workdir / INTEGRITY_FILE).read_text())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    peak = verdict.get("kernel_peak_rss_kb")
    return elapsed, (peak / 1024 if peak is not None else None)


def run() -> list[Figure]:
    from rnn_course import grading, submissions

    figs: list[Figure] = []
    root = Path(tempfile.mkdtemp(prefix="rnn-bench-grading-"))
    try:
        course = grading.make_course(root / "course")
        assignments = grading.available_assignments(course)
        os.environ.update(grading.nbgrader_env())
        for a in assignments:
            times, peaks = [], []
            for _ in range(RUNS):
                t, p = _execute_reference(course, a)
                times.append(t)
                peaks.append(p or 0)
            t = statistics.median(times)
            figs.append(Figure(f"execute reference {a} (median of {RUNS})", round(t, 1), "s", "<= 20 s", t <= 20))
            figs.append(Figure(f"  peak kernel memory, {a}", round(max(peaks)), "MB", "<= 400 MB", max(peaks) <= 400))

        # the reference runs the verdict compares with: once per assignment (then cached)
        from traitlets.config.loader import PyFileConfigLoader

        from rnn_course import reference

        os.environ[reference.CACHE_ENV] = str(root / "reference-cache")
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
        start = time.perf_counter()
        for a in assignments:
            reference.records(config, a, a)
        t = time.perf_counter() - start
        figs.append(Figure(f"reference runs, all {len(assignments)} assignments (once, then cached)", round(t, 1), "s"))

        # one complete student, every assignment, one worker
        for a in assignments:
            submissions.submit(course, "complete", a, variant="reference")
        start = time.perf_counter()
        res = grading.autograde(course, [("complete", a) for a in assignments], jobs=1)
        t = time.perf_counter() - start
        full = all(r.score == r.max_score for r in res)
        figs.append(
            Figure(
                f"autograde one complete student ({len(assignments)} assignments"
                f"{'' if full else ', NOT all full marks'})",
                round(t, 1),
                "s",
                "<= 60 s",
                t <= 60,
            )
        )

        # a class of 40: sequential nbgrader against the course's parallel grading
        a = "01_rnn_forward"
        variants = ["reference", "wrong", "untouched"]
        notebooks = {v: submissions.build(course, a, v) for v in variants}
        seq_course = grading.make_course(root / "seq", [a])
        par_course = grading.make_course(root / "par", [a])
        students = [f"student{i:02d}" for i in range(CLASS_SIZE)]
        for c in (seq_course, par_course):
            for i, s in enumerate(students):
                submissions.submit(c, s, a, nb=notebooks[variants[i % 3]])
        start = time.perf_counter()
        grading.run_nbgrader(seq_course, "autograde", a, "--force")
        grading.run_nbgrader(seq_course, "generate_feedback", a, "--force")
        t_seq = time.perf_counter() - start
        start = time.perf_counter()
        res = grading.autograde(par_course, [(s, a) for s in students])
        t_par = time.perf_counter() - start
        graded = sum(r.status == "graded" for r in res)
        figs.append(
            Figure(f"class of {CLASS_SIZE}, sequential nbgrader", round(CLASS_SIZE / t_seq * 60, 1), "subm./min")
        )
        figs.append(
            Figure(
                f"class of {CLASS_SIZE}, parallel on {os.cpu_count()} cores ({graded} graded)",
                round(CLASS_SIZE / t_par * 60, 1),
                "subm./min",
            )
        )
        figs.append(
            Figure(
                "  speed-up, parallel against sequential", round(t_seq / t_par, 2), "x", ">= 1.6x", t_seq / t_par >= 1.6
            )
        )
    finally:
        os.environ.pop("RNN_COURSE_REFERENCE_CACHE", None)
        shutil.rmtree(root, ignore_errors=True)
    return figs
