"""The records of the reference solution: what every test cell must record to pass.

``records(config, assignment, notebook)`` runs the instructor's notebook
(``source/``, solutions and hidden tests included) the way a submission is
graded, in a sandboxed grading kernel, and keeps each test cell's records
(see ``rnn_course.verdict``). The result is cached in a file named after a
hash of everything it depends on (the source notebook and the course helpers
the tests call), so a class is compared with one reference run per
assignment, and an edit of the notebook or the helpers makes a new one.

The cache lives in ``.course_reference/`` of this checkout (shared by every
course graded from it, scratch courses included: the file names say what
they depend on), else of the course folder, or in the folder named by
``$RNN_COURSE_REFERENCE_CACHE``. The kernel of a submission never sees it:
the sandbox hides the checkout and the course folder. A reference solution that fails
one of its own tests is a course bug and stops grading with its name.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat

from .layout import REPO, grade_id, is_test_cell

CACHE_ENV = "RNN_COURSE_REFERENCE_CACHE"
CACHE_DIR = ".course_reference"
FORMAT = 1  # bump when the records or their comparison change meaning
HELPER_MODULES = ("check_utils", "rnn_utils", "apps_utils", "cllm_utils")


class ReferenceError(RuntimeError):
    """The reference solution could not be run, or failed its own tests."""


def _fingerprint(source: Path) -> str:
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    h.update(source.read_bytes())
    for name in HELPER_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            continue
        origin = Path(spec.origin)
        files = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:20]


def cache_dir(config: Any) -> Path:
    from nbgrader.coursedir import CourseDirectory

    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if (REPO / "nbgrader_config.py").exists() and os.access(REPO, os.W_OK):
        return REPO / CACHE_DIR
    return Path(CourseDirectory(config=config).root) / CACHE_DIR


def source_folder(config: Any, assignment: str) -> Path:
    from nbgrader.coursedir import CourseDirectory

    cd = CourseDirectory(config=config)
    return Path(cd.format_path(cd.source_directory, ".", assignment))


def records(config: Any, assignment: str, notebook: str, log: Any = None) -> dict[str, list[dict[str, Any]]]:
    """grade id -> the records the reference solution made in that test cell."""
    folder = source_folder(config, assignment)
    source = folder / f"{notebook}.ipynb"
    if not source.exists():
        raise ReferenceError(f"no instructor notebook {source}: the grader compares with its reference run")
    cache = cache_dir(config)
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{assignment}-{notebook}-{_fingerprint(source)}.json"
    with open(cache / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one reference run, however many graders wait for it
        try:
            if path.exists():
                with open(path, encoding="utf-8") as fh:
                    return json.load(fh)
            if log is not None:
                log.info("Running the reference solution of %s/%s once, for its records", assignment, notebook)
            result = _run(config, folder, notebook)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(result))
            tmp.replace(path)
            return result
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(config: Any, folder: Path, notebook: str) -> dict[str, list[dict[str, Any]]]:
    from .preprocessors.guarded_execute import INTEGRITY_FILE, GuardedExecute
    from .verdict import take_records

    with tempfile.TemporaryDirectory(prefix="rnn-reference-") as tmp:
        work = Path(tmp) / folder.name
        shutil.copytree(folder, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        with open(work / f"{notebook}.ipynb", encoding="utf-8") as fh:
            nb = nbformat.read(fh, as_version=4)
        ex = GuardedExecute(config=config, reference_run=True)
        nb, _ = ex.preprocess(nb, {"metadata": {"path": str(work)}, "unique_key": notebook})
        integrity = json.loads((work / INTEGRITY_FILE).read_text())
    if integrity.get("status") != "ok":
        # The guard's false alarm on the course's own notebook would zero honest students.
        raise ReferenceError(f"the integrity guard does not accept the reference solution: {integrity}")
    out: dict[str, list[dict[str, Any]]] = {}
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        recs = take_records(cell)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            e = errors[0]
            raise ReferenceError(
                f"the reference solution fails its own test {grade_id(cell)}: {e.get('ename')}: {e.get('evalue')}"
            )
        if not recs:
            raise ReferenceError(
                f"the test {grade_id(cell)} records nothing: its checks must use check_utils (see rnn_course.verdict)"
            )
        out[grade_id(cell)] = recs
    return out
