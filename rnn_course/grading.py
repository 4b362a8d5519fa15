"""Run nbgrader on a course directory and account for every grade.

The functions here drive nbgrader's own command line (``generate_assignment``,
``autograde``, ``generate_feedback``) and read its gradebook with nbgrader's
API. What they add is bookkeeping nbgrader leaves to the instructor:

* students are graded in parallel, one worker per student (never two
  processes on one student's files);
* every expected (student, assignment) pair ends up with a result, and a pair
  nbgrader could not grade is reported with the reason, its stale scores
  removed from the gradebook, never shown as a plain 0;
* a test cell that timed out or lost its kernel, a notebook missing from a
  submission, and a cell without an automatic score are listed as problems.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Container, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .layout import ASSIGNMENTS, REPO, available_assignments, feedback_path, is_test_cell, notebook_path  # noqa: F401

if TYPE_CHECKING:
    from nbformat import NotebookNode


def nbgrader_env() -> dict[str, str]:
    """Environment for nbgrader: this interpreter's bin/ first on PATH (nbgrader runs alembic from PATH)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def run_nbgrader(course_dir: Path | str, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGS`` in ``course_dir``; returns the CompletedProcess (output in .stdout)."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    return subprocess.run(
        cmd,
        cwd=course_dir,
        env=nbgrader_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


def generate_release(course_dir: Path | str = REPO, assignments: Sequence[str] | None = None) -> Sequence[str]:
    """Regenerate ``release/`` from ``source/`` with nbgrader (also registers the assignments)."""
    assignments = assignments or available_assignments(course_dir)
    for a in assignments:
        proc = run_nbgrader(course_dir, "generate_assignment", a, "--force")
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {a} failed:\n{proc.stdout}")
    return assignments


def make_course(dest: Path | str, assignments: Sequence[str] | None = None) -> Path:
    """A scratch course directory: the course config and sources, releases generated.

    Returns the path. Grading runs there never touch the repository's gradebook.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", dest / "nbgrader_config.py")
    assignments = assignments or available_assignments(REPO)
    for a in assignments:
        target = dest / "source" / a
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(REPO / "source" / a, target)
    generate_release(dest, assignments)
    return dest


@dataclasses.dataclass
class CellResult:
    grade_id: str
    score: float
    max_score: float
    auto_score: float | None
    problem: str = ""


@dataclasses.dataclass
class Result:
    student: str
    assignment: str
    status: str  # "graded" or "not graded"
    score: float = 0.0
    max_score: float = 0.0
    cells: list[CellResult] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    log: str = ""
    isolated: bool | None = None  # True, False (with isolation_note), None (not graded)
    isolation_note: str = ""
    integrity: str = ""  # "ok", "tampered", "unknown" or "" (not graded)


def _error_reason(log: str) -> str:
    """The most useful lines of a failed nbgrader run, for the summary."""
    lines = [ln.strip() for ln in log.splitlines()]
    errors = [ln for ln in lines if "| ERROR]" in ln or "Error" in ln.split(":")[0]]
    keep = [ln for ln in errors if not ln.startswith("Traceback")]
    text = " / ".join(dict.fromkeys(keep))  # unique, in order
    text = re.sub(r"\s+", " ", text)
    return text[:400] or (lines[-1][:400] if lines else "no output")


def _grade_student(
    course_dir: Path | str,
    student: str,
    assignments: Sequence[str],
    timeout: float | None,
    extra_args: Sequence[str] = (),
) -> tuple[str, dict[str, tuple[int, str]]]:
    """Autograde every assignment of one student, then write their feedback. Runs in a worker."""
    logs: dict[str, tuple[int, str]] = {}
    for a in assignments:
        try:
            proc = run_nbgrader(
                course_dir, "autograde", a, "--student", student, "--force", *extra_args, timeout=timeout
            )
            logs[a] = (proc.returncode, proc.stdout)
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            logs[a] = (-1, out + f"\n[grading | ERROR] autograde did not finish within {timeout} s")
    fb = run_nbgrader(course_dir, "generate_feedback", "*", "--student", student, "--force")
    logs["__feedback__"] = (fb.returncode, fb.stdout)
    return student, logs


# --- long-lived grading workers: nbgrader's Python API, one process per core ---

_API: Any = None  # nbgrader's NbGraderAPI in a worker process


def _die_with_parent() -> None:
    """Make this worker die when the coordinating process dies (even by SIGKILL)."""
    import ctypes
    import signal
    import threading
    import time

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # elsewhere than Linux: poll
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_init(course_dir: Path | str, extra_args: Sequence[str]) -> None:
    global _API
    import warnings

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import KVArgParseConfigLoader, PyFileConfigLoader

    _die_with_parent()
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's SQLAlchemy chatter
    os.chdir(course_dir)
    os.environ.update(nbgrader_env())
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    cfg.merge(KVArgParseConfigLoader(list(extra_args)).load_config())
    _API = NbGraderAPI(CourseDirectory(config=cfg), config=cfg)


def _grade_student_api(student: str, assignments: Sequence[str]) -> tuple[str, dict[str, tuple[int, str]]]:
    """Autograde one student's assignments, then their feedback, in a worker process."""
    logs: dict[str, tuple[int, str]] = {}
    for a in assignments:
        try:
            out = _API.autograde(a, student, force=True, create=True)
            log = (out.get("log") or "") + ("\n" + out["error"] if out.get("error") else "")
            logs[a] = (0 if out.get("success") else 1, log)
        except Exception as exc:  # nbgrader raised instead of reporting
            logs[a] = (1, f"[grading | ERROR] {type(exc).__name__}: {exc}")
    for a in assignments:
        if logs[a][0] == 0:
            try:
                _API.generate_feedback(a, student, force=True)
            except Exception as exc:
                logs[a] = (0, logs[a][1] + f"\n[grading | ERROR] feedback failed: {exc}")
    return student, logs


def autograde(
    course_dir: Path | str,
    pairs: Sequence[tuple[str, str]],
    jobs: int | None = None,
    timeout: float | None = 1800,
    progress: Callable[[str], None] | None = None,
    extra_args: Sequence[str] = (),
) -> list[Result]:
    """Autograde ``pairs`` [(student, assignment), ...] that sit in ``submitted/``.

    Students are spread over ``jobs`` worker processes (default: every core);
    one student's assignments run one after the other in the same worker.
    ``progress(student)`` is called as each student finishes; ``extra_args``
    are passed to ``nbgrader autograde`` (e.g. ``--Execute.timeout=10``).

    Returns a list of Result, one per pair, in the order given.
    """
    course_dir = Path(course_dir)
    per_student: dict[str, list[str]] = {}
    for student, assignment in pairs:
        per_student.setdefault(student, []).append(assignment)
    jobs = jobs or os.cpu_count() or 1
    logs: dict[str, dict[str, tuple[int, str]]] = {}
    # Fast path: long-lived worker processes running nbgrader's API (no
    # start-up cost per submission). Should a worker process itself die, the
    # students it had not finished are graded again, one nbgrader command each.
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    try:
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=min(jobs, len(per_student)) or 1,
            mp_context=ctx,
            initializer=_worker_init,
            initargs=(str(course_dir), tuple(extra_args)),
        ) as pool:
            futures = {pool.submit(_grade_student_api, s, a): s for s, a in per_student.items()}
            for fut in concurrent.futures.as_completed(futures):
                try:
                    student, student_logs = fut.result()
                except concurrent.futures.process.BrokenProcessPool:
                    continue
                logs[student] = student_logs
                if progress:
                    progress(student)
    except concurrent.futures.process.BrokenProcessPool:
        pass
    left = {s: a for s, a in per_student.items() if s not in logs}
    if left:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_grade_student, course_dir, s, a, timeout, extra_args) for s, a in left.items()]
            for fut in concurrent.futures.as_completed(futures):
                student, student_logs = fut.result()
                logs[student] = student_logs
                if progress:
                    progress(student)
    return collect(course_dir, pairs, logs)


def course_db_url(course_dir: Path) -> str:
    """The gradebook's URL as the course's nbgrader_config.py sets it (SQLite or PostgreSQL)."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    return CourseDirectory(config=config).db_url


def _cell_problem(cell: NotebookNode) -> str:
    """Why an autograded test cell lost its points in a way the student cannot see as a test failure."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            ename = out.get("ename", "")
            if ename == "CellTimeoutError":
                if "restarted" in out.get("evalue", ""):
                    return "timed out and the kernel ignored the interrupt (restarted)"
                return "timed out (the cell was interrupted)"
            if ename in ("DeadKernelError", "CellExecutionError") or "Dead" in ename:
                return f"kernel died ({ename})"
    return ""


def collect(
    course_dir: Path | str, pairs: Iterable[tuple[str, str]], logs: dict[str, dict[str, tuple[int, str]]] | None = None
) -> list[Result]:
    """Read the gradebook and the autograded notebooks; one Result per (student, assignment)."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    course_dir = Path(course_dir)
    logs = logs or {}
    results: list[Result] = []
    db_url = course_db_url(course_dir)
    with Gradebook(db_url) as gb:
        for student, assignment in pairs:
            code, log = logs.get(student, {}).get(assignment, (0, ""))
            res = Result(student, assignment, "graded", log=log)
            try:
                max_score = gb.find_assignment(assignment).max_score
            except MissingEntry:
                max_score = 0.0
            res.max_score = max_score
            autograded = notebook_path(course_dir, "autograded", assignment, student).parent
            submitted = notebook_path(course_dir, "submitted", assignment, student).parent
            nb_name = f"{assignment}.ipynb"
            if code != 0 or not (autograded / nb_name).exists():
                res.status = "not graded"
                reason = _error_reason(log) if log else "no autograded notebook"
                if not (submitted / nb_name).exists():
                    found = sorted(p.name for p in submitted.glob("*.ipynb")) if submitted.exists() else []
                    reason = f"{nb_name} is missing from the submission" + (
                        f" (found: {', '.join(found)})" if found else ""
                    )
                res.problems.append(f"could not be graded: {reason}")
                # A failed run must not leave stale scores from an earlier run.
                try:
                    gb.remove_submission(assignment, student)
                except MissingEntry:
                    pass
                results.append(res)
                continue
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                res.status = "not graded"
                res.problems.append("could not be graded: no gradebook entry after autograding")
                results.append(res)
                continue
            with open(autograded / nb_name, encoding="utf-8") as fh:
                graded_nb = nbformat.read(fh, as_version=4)
            by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded_nb.cells}
            _read_guard_files(res, autograded)
            for i, cell in enumerate(graded_nb.cells):
                if not cell.metadata.get("nbgrader", {}).get("grade"):
                    for out in cell.get("outputs", []):
                        if out.get("output_type") == "error" and "restarted" in out.get("evalue", ""):
                            res.problems.append(f"cell {i + 1} (not a test): {out['evalue']}")
            for nb in sub.notebooks:
                for grade in nb.grades:
                    cell = CellResult(grade.name, float(grade.score or 0.0), float(grade.max_score), grade.auto_score)
                    if grade.auto_score is None:
                        cell.problem = "no automatic score (needs manual grading)"
                    elif res.integrity == "tampered":
                        cell.problem = ""  # reported once for the notebook
                    elif grade.name in by_id:
                        cell.problem = _cell_problem(by_id[grade.name])
                    if cell.problem:
                        res.problems.append(f"cell {grade.name}: {cell.problem}")
                    res.cells.append(cell)
            res.score = float(sub.score)
            results.append(res)
    return results


def _read_guard_files(res: Result, folder: Path) -> None:
    """Integrity verdict and isolation report written by GuardedExecute."""
    import json

    from .preprocessors.guarded_execute import INTEGRITY_FILE, SANDBOX_FILE

    try:
        verdict = json.loads((folder / INTEGRITY_FILE).read_text())
    except (OSError, ValueError):
        verdict = {"status": "unknown", "problems": ["no integrity verdict was written"]}
    res.integrity = verdict.get("status", "unknown")
    if res.integrity == "tampered":
        res.problems.append(
            "INTEGRITY: the submission changed what the tests rely on, so every "
            "test cell scored 0 -- " + "; ".join(verdict.get("problems", []))
        )
    elif res.integrity != "ok":
        res.problems.append("integrity check did not run: " + "; ".join(verdict.get("problems", [])))
    try:
        report = json.loads((folder / SANDBOX_FILE).read_text())
    except (OSError, ValueError):
        report = {"isolated": False, "reason": "no isolation report was written"}
    res.isolated = bool(report.get("isolated"))
    res.isolation_note = report.get("reason", "")


def score_table(results: Sequence[Result], assignments: Sequence[str] | None = None) -> str:
    """The summary printed after grading: one row per submission, then every problem.

    Compact enough for an 80-column terminal with seven assignments: columns
    are headed by the assignment number (a legend below names them), the
    ``max`` row gives each assignment's points, a cell holds the points
    scored (``!`` marks a problem listed below, ``NG`` not graded), and the
    last column the total.
    """
    students = list(dict.fromkeys(r.student for r in results))
    assignments = assignments or list(dict.fromkeys(r.assignment for r in results))
    cell = {(r.student, r.assignment): r for r in results}
    max_score = {r.assignment: r.max_score for r in results if r.max_score}

    def text(r: Result | None) -> str:
        if r is None:
            return "-"
        if r.status != "graded":
            return "NG"
        return f"{r.score:g}" + ("!" if r.problems else "")

    def total(s: str) -> str:
        rs = [cell.get((s, a)) for a in assignments]
        return f"{sum(r.score for r in rs if r is not None and r.status == 'graded'):g}"

    short = [a.split("_")[0] for a in assignments]
    rows = [
        ["max"]
        + [f"{max_score.get(a, 0):g}" for a in assignments]
        + [f"{sum(max_score.get(a, 0) for a in assignments):g}"]
    ]
    rows += [[s] + [text(cell.get((s, a))) for a in assignments] + [total(s)] for s in students]
    header = ["submission"] + short + ["total"]
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return row[0].ljust(widths[0]) + "  " + " ".join(v.rjust(w) for v, w in zip(row[1:], widths[1:]))

    lines = [line(header), "-" * len(line(header))] + [line(row) for row in rows]
    lines.append("")
    legend = [f"{x} {a}" for x, a in zip(short, assignments)]
    lines.append("assignments:")
    for i in range(0, len(legend), 3):
        lines.append("  " + ", ".join(legend[i : i + 3]))
    lines.append("! = a problem listed below, NG = not graded")
    exposed = [r for r in results if r.isolated is False]
    if exposed:
        reasons = sorted({r.isolation_note for r in exposed})
        lines.append("")
        lines.append(
            f"!! WARNING: {len(exposed)} submission(s) were graded WITHOUT ISOLATION "
            f"(student code ran with your privileges): {'; '.join(reasons)}"
        )
    problems = [(r.student, r.assignment, p) for r in results for p in r.problems]
    if problems:
        lines.append("")
        lines.append(f"!! {len(problems)} problem(s) need attention (marked '!' or NOT GRADED above):")
        for s, a, p in problems:
            lines.append(f"   {s} / {a}: {p}")
    else:
        lines.append("")
        lines.append("Every cell of every submission has an automatic score.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# A whole class, and one learner's own notebook
# ---------------------------------------------------------------------------


def import_submissions(
    course_dir: Path | str, folder: Path | str, assignments: Container[str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Copy ``folder/<student>/<assignment>/`` into the course's ``submitted/``.

    Returns (pairs, problems): the (student, assignment) pairs found, and
    folders that could not be used, with the reason.
    """
    course_dir, folder = Path(course_dir), Path(folder)
    target_root = course_dir / "submitted"
    pairs, problems = [], []
    if not folder.is_dir():
        raise FileNotFoundError(f"no submissions folder {folder}")
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for adir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if adir.name not in assignments:
                problems.append((student_dir.name, adir.name, "unknown assignment folder, skipped"))
                continue
            dest = target_root / student_dir.name / adir.name
            if adir.resolve() != dest.resolve():
                if dest.exists():
                    shutil.rmtree(dest)
                shutil.copytree(adir, dest, symlinks=True)
            pairs.append((student_dir.name, adir.name))
    return pairs, problems


def export_csv(course_dir: Path | str, results: Iterable[Result], path: Path | str) -> Path | str:
    """One row per (student, assignment): status, points, and every problem."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "assignment", "status", "score", "max_score", "integrity", "isolated", "problems"])
        for r in results:
            w.writerow(
                [
                    r.student,
                    r.assignment,
                    r.status,
                    f"{r.score:g}" if r.status == "graded" else "",
                    f"{r.max_score:g}",
                    r.integrity,
                    r.isolated,
                    " | ".join(r.problems),
                ]
            )
    return path


def selfgrade(
    notebook: Path | str, assignment: str | None = None, workdir: Path | str | None = None
) -> tuple[Result, list[tuple[str, float, float, str, str]], Path]:
    """Grade one learner's notebook with the hidden tests in a scratch course.

    Returns (result, per_test, course) where per_test lists (grade_id, score, max,
    description, message) without any hidden test source.
    """
    import tempfile

    import nbformat

    notebook = Path(notebook).resolve()
    with open(notebook, encoding="utf-8") as fh:
        nb = nbformat.read(fh, as_version=4)
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
    if assignment is None:
        for a in available_assignments(REPO):
            src = notebook_path(REPO, "source", a)
            with open(src, encoding="utf-8") as fh:
                src_ids = {
                    c.metadata.get("nbgrader", {}).get("grade_id") for c in nbformat.read(fh, as_version=4).cells
                } - {None}
            if ids and ids <= src_ids:
                assignment = a
                break
    if assignment is None:
        raise ValueError(
            f"{notebook.name} is not a copy of a course notebook (no matching "
            "nbgrader cells); pass the assignment id explicitly"
        )
    course = Path(workdir or tempfile.mkdtemp(prefix="rnn-selfgrade-"))
    make_course(course, [assignment])
    dest = course / "submitted" / "me" / assignment
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, dest / f"{assignment}.ipynb")
    [result] = autograde(course, [("me", assignment)], jobs=1)
    per_test = []
    graded = notebook_path(course, "autograded", assignment, "me")
    if graded.exists():
        with open(graded, encoding="utf-8") as fh:
            gnb = nbformat.read(fh, as_version=4)
        scores = {c.grade_id: c for c in result.cells}
        for cell in gnb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not is_test_cell(cell):
                continue
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            desc = first.strip('"').strip() if first.startswith('"""') else meta["grade_id"]
            msgs = [
                f"{o.get('ename')}: {o.get('evalue')}"
                for o in cell.get("outputs", [])
                if o.get("output_type") == "error"
            ]
            sc = scores.get(meta["grade_id"])
            per_test.append(
                (
                    meta["grade_id"],
                    sc.score if sc else 0.0,
                    sc.max_score if sc else meta.get("points", 0),
                    desc,
                    "\n".join(msgs),
                )
            )
    return result, per_test, course
