"""The course's command line: ``rnn-course <command>`` (or ``python -m rnn_course``).

release   regenerate release/ from source/ with nbgrader
demo      grade the demo submissions of every assignment and print the score table
grade     autograde a class (submitted/<student>/<assignment>/), feedback, CSV, summary
selfgrade grade one notebook of your own with the hidden tests
bench     run the benchmarks and print their figures
check     say whether grading kernels can be isolated on this machine
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import grading, sandbox, submissions
from .layout import REPO, feedback_path

if TYPE_CHECKING:
    from tqdm import tqdm


def cmd_release(args: argparse.Namespace) -> int:
    done = grading.generate_release(REPO, args.assignments or None)
    print(f"release/ regenerated from source/ for: {', '.join(done)}")
    return 0


def _progress(total: int, label: str) -> tuple[tqdm, Callable[[str], None]]:
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="student", file=sys.stderr, leave=False)

    def update(student: str) -> None:
        bar.set_postfix_str(student)
        bar.update(1)

    return bar, update


def cmd_demo(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    assignments = grading.available_assignments(REPO)
    print(f"Regenerating release/ for {len(assignments)} assignment(s) ...", flush=True)
    grading.generate_release(REPO, assignments)
    course = Path(args.dir).resolve()
    if course.exists():
        shutil.rmtree(course)
    grading.make_course(course, assignments)
    pairs = []
    for variant in submissions.DEMO_VARIANTS:
        for a in assignments:
            submissions.submit(course, variant, a, variant=variant)
            pairs.append((variant, a))
    print(f"Autograding {len(pairs)} demo submissions in {course} ...", flush=True)
    bar, update = _progress(len(submissions.DEMO_VARIANTS), "grading")
    results = grading.autograde(course, pairs, jobs=args.jobs, progress=update)
    bar.close()
    print()
    print(grading.score_table(results, assignments))
    print()
    print("Feedback for the students (HTML, hidden tests removed):")
    for r in results:
        fb = feedback_path(course, r.student, r.assignment)
        print(f"  {fb.relative_to(REPO) if fb.is_relative_to(REPO) else fb}" + ("" if fb.exists() else "  (MISSING)"))
    # What the demo is meant to show, checked.
    wrong = []
    for r in results:
        if r.status != "graded":
            wrong.append(f"{r.student}/{r.assignment} was not graded")
        elif r.student == "reference" and r.score != r.max_score:
            wrong.append(f"reference/{r.assignment}: {r.score:g} of {r.max_score:g}, expected full marks")
        elif r.student == "untouched" and r.score != 0:
            wrong.append(f"untouched/{r.assignment}: {r.score:g}, expected 0")
        elif r.student == "wrong" and not 0 < r.score < r.max_score:
            wrong.append(f"wrong/{r.assignment}: {r.score:g} of {r.max_score:g}, expected partial credit")
    print(f"\nDemo finished in {time.perf_counter() - start:.0f} s.")
    if wrong:
        print("UNEXPECTED:\n  " + "\n  ".join(wrong))
        return 1
    print("As expected: reference solutions get full marks, untouched releases 0, wrong attempts partial credit.")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    sandbox_available, sandbox_mode = sandbox.sandbox_available, sandbox.sandbox_mode
    course = Path(args.course).resolve()
    assignments = grading.available_assignments(course)
    if args.assignments:
        unknown = set(args.assignments) - set(assignments)
        if unknown:
            print(f"unknown assignment(s): {', '.join(sorted(unknown))}")
            return 2
        assignments = [a for a in assignments if a in args.assignments]
    folder = Path(args.submissions).resolve() if args.submissions else course / "submitted"
    pairs, skipped = grading.import_submissions(course, folder, assignments)
    if not pairs:
        print(f"no submissions found in {folder} (expected <student>/<assignment>/<assignment>.ipynb)")
        return 2
    ok, reason = sandbox_available()
    if sandbox_mode() == "off" or not ok:
        why = "turned off (RNN_COURSE_SANDBOX=off)" if sandbox_mode() == "off" else reason
        print(
            "!" * 78 + f"\n!! WARNING: grading WITHOUT ISOLATION: {why}\n"
            "!! Student code will run with your privileges.\n" + "!" * 78,
            flush=True,
        )
        if sandbox_mode() == "require":
            return 2
    else:
        print("Student code runs isolated (bubblewrap: no course files, no network, own user, limits).")
    print(f"Registering {len(assignments)} assignment(s) with nbgrader ...", flush=True)
    grading.generate_release(course, assignments)
    students = sorted({s for s, _ in pairs})
    print(
        f"Autograding {len(pairs)} submission(s) of {len(students)} student(s) "
        f"on {args.jobs or os.cpu_count()} worker(s) ...",
        flush=True,
    )
    start = time.perf_counter()
    bar, update = _progress(len(students), "grading")
    results = grading.autograde(course, pairs, jobs=args.jobs, progress=update)
    bar.close()
    elapsed = time.perf_counter() - start
    csv_path = Path(args.csv).resolve() if args.csv else course / "grades.csv"
    grading.export_csv(course, results, csv_path)
    nb_csv = course / "gradebook_export.csv"
    grading.run_nbgrader(course, "export", "--to", str(nb_csv))
    print()
    print(grading.score_table(results, assignments))
    for s, a, why in skipped:
        print(f"   {s} / {a}: {why}")
    graded = sum(r.status == "graded" for r in results)
    print(
        f"\n{graded} of {len(results)} submission(s) graded in {elapsed:.0f} s "
        f"({len(results) / max(elapsed, 1e-9) * 60:.1f} per minute)."
    )
    print(f"Grades with status and problems: {csv_path}")
    print(f"nbgrader's gradebook export:      {nb_csv}")
    print(f"Feedback for the students:        {course / 'feedback'}/<student>/<assignment>/")
    return 0


def cmd_selfgrade(args: argparse.Namespace) -> int:
    nb = Path(args.notebook)
    if not nb.exists():
        print(f"no such notebook: {nb}")
        return 2
    print(f"Grading {nb} with the hidden tests (this takes a few seconds) ...", flush=True)
    try:
        result, tests, course = grading.selfgrade(nb, args.assignment)
    except ValueError as exc:
        print(exc)
        return 2
    print()
    if result.status != "graded":
        print("Your notebook could not be graded:")
        for p in result.problems:
            print("  " + p)
        return 1
    for _gid, score, max_score, desc, msg in tests:
        mark = "PASS" if score == max_score else "FAIL"
        print(f"[{mark}] {score:g}/{max_score:g}  {desc}")
        for line in msg.splitlines():
            print(f"         {line}")
    print(f"\nTotal: {result.score:g} / {result.max_score:g}")
    for p in result.problems:
        print("!! " + p)
    fb = feedback_path(course, "me", result.assignment)
    if fb.exists():
        out = nb.with_name(nb.stem + ".feedback.html")
        shutil.copy(fb, out)
        print(f"Feedback (HTML): {out}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import benchmarks

    chosen = args.names or benchmarks.names()
    unknown = set(chosen) - set(benchmarks.names())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; available: {', '.join(benchmarks.names())}")
        return 2
    missed = 0
    for name in chosen:
        mod = benchmarks.load(name)
        print(f"\n== {mod.TITLE} ==", flush=True)
        start = time.perf_counter()
        for fig in mod.run():
            print(fig.line(), flush=True)
            missed += fig.met is not None and not fig.met
        print(f"  ({time.perf_counter() - start:.0f} s)")
    print(f"\n{missed} target(s) missed." if missed else "\nEvery target met.")
    if not chosen:
        print("(no benchmarks are defined yet)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    ok, reason = sandbox.sandbox_available()
    print("isolation available" if ok else f"isolation UNAVAILABLE: {reason}")
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rnn-course", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    release = sub.add_parser("release", help="regenerate release/ from source/")
    release.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    demo = sub.add_parser("demo", help="grade the demo submissions and print the score table")
    demo.add_argument("--dir", default=str(REPO / "demo"), help="scratch course folder (default: demo/)")
    demo.add_argument("--jobs", type=int, default=None, help="parallel students (default: all cores)")
    grade = sub.add_parser("grade", help="autograde a class of submissions")
    grade.add_argument(
        "submissions", nargs="?", help="folder of <student>/<assignment>/ (default: the course's submitted/)"
    )
    grade.add_argument("--course", default=str(REPO), help="course folder (default: this repository)")
    grade.add_argument("--assignments", nargs="*", help="only these assignments")
    grade.add_argument("--jobs", type=int, default=None, help="parallel students (default: all cores)")
    grade.add_argument("--csv", help="where to write the grades (default: <course>/grades.csv)")
    selfg = sub.add_parser("selfgrade", help="grade one notebook of your own with the hidden tests")
    selfg.add_argument("notebook", help="your filled-in copy of a release notebook")
    selfg.add_argument("--assignment", help="assignment id (default: recognised from the notebook)")
    bench = sub.add_parser("bench", help="run the benchmarks and print their figures")
    bench.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    sub.add_parser("check", help="say whether grading kernels can be isolated here (bubblewrap)")
    args = parser.parse_args(argv)
    commands = {
        "release": cmd_release,
        "demo": cmd_demo,
        "grade": cmd_grade,
        "selfgrade": cmd_selfgrade,
        "bench": cmd_bench,
        "check": cmd_check,
    }
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
