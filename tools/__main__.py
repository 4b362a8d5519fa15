"""Course command line: ``python -m tools <command>`` from the repository root.

  release   regenerate release/ from source/ with nbgrader
  demo      grade the demo submissions of every assignment and print the score table
  bench     run the benchmarks and print their figures
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

from . import grading, submissions

REPO = grading.REPO


def cmd_release(args):
    done = grading.generate_release(REPO, args.assignments or None)
    print(f"release/ regenerated from source/ for: {', '.join(done)}")
    return 0


def _progress(total, label):
    from tqdm import tqdm
    bar = tqdm(total=total, desc=label, unit="student", file=sys.stderr, leave=False)

    def update(student):
        bar.set_postfix_str(student)
        bar.update(1)
    return bar, update


def cmd_demo(args):
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
        fb = grading.feedback_path(course, r.student, r.assignment)
        print(f"  {fb.relative_to(REPO) if fb.is_relative_to(REPO) else fb}"
              + ("" if fb.exists() else "  (MISSING)"))
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
    print("As expected: reference solutions get full marks, untouched releases 0, "
          "wrong attempts partial credit.")
    return 0


def cmd_bench(args):
    from . import benchmarks
    chosen = args.names or benchmarks.names()
    unknown = set(chosen) - set(benchmarks.names())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
              f"available: {', '.join(benchmarks.names())}")
        return 2
    missed = 0
    for name in chosen:
        mod = benchmarks.load(name)
        print(f"\n== {mod.TITLE} ==", flush=True)
        start = time.perf_counter()
        for fig in mod.run():
            print(fig.line(), flush=True)
            missed += fig.met is False
        print(f"  ({time.perf_counter() - start:.0f} s)")
    print(f"\n{missed} target(s) missed." if missed else "\nEvery target met.")
    if not chosen:
        print("(no benchmarks are defined yet)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    release = sub.add_parser("release", help="regenerate release/ from source/")
    release.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    demo = sub.add_parser("demo", help="grade the demo submissions and print the score table")
    demo.add_argument("--dir", default=str(REPO / "demo"), help="scratch course folder (default: demo/)")
    demo.add_argument("--jobs", type=int, default=None, help="parallel students (default: all cores)")
    bench = sub.add_parser("bench", help="run the benchmarks and print their figures")
    bench.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    return {"release": cmd_release, "demo": cmd_demo, "bench": cmd_bench}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
