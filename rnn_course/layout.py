"""The course's shape, defined once: where things are and how cells are recognised.

Everything else in the instructor package (and the tests) asks this module
for assignment ids, notebook paths, the kind of a cell, the solution and
hidden-test markers, and the reference implementation of an assignment.
"""

from __future__ import annotations

import os
import re
import types
from pathlib import Path

import nbformat

ASSIGNMENTS = (
    "01_rnn_forward",
    "02_lstm_forward",
    "03_backprop",
    "04_dinosaur_island",
    "05_binary_addition",
    "06_sine_wave",
    "07_sequence_classification",
)
ONLY_ENV = "RNN_COURSE_ONLY"  # development: restrict tools and tests to some assignments
GRADING_ENV = "RNN_COURSE_GRADING"  # set to 1 in kernels started by nbgrader (rnn_utils.grading_mode)

# nbgrader's markers, as the instructor notebooks use them.
SOLUTION_MARKER_RE = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)
SOLUTION_REGION_RE = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.DOTALL)
HIDDEN_REGION_RE = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.DOTALL)
MAGIC_LINE_RE = re.compile(r"^[ \t]*[%!].*$\n?", re.MULTILINE)


def _find_repo() -> Path:
    """The course folder: this checkout when installed editable, else the nearest one above the cwd."""
    here = Path(__file__).resolve().parent.parent
    if (here / "nbgrader_config.py").exists():
        return here
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "nbgrader_config.py").exists() and (folder / "source").is_dir():
            return folder
    return Path.cwd()


REPO = _find_repo()


# --- assignments and paths ---------------------------------------------------


def available_assignments(course_dir: Path | str = REPO) -> list[str]:
    """The assignment ids that have a notebook in ``course_dir/source``, in course order.

    For development, RNN_COURSE_ONLY=02_lstm_forward,03_backprop restricts the
    tools and the tests to those assignments.
    """
    only = [a for a in os.environ.get(ONLY_ENV, "").split(",") if a]
    return [a for a in ASSIGNMENTS if notebook_path(course_dir, "source", a).exists() and (not only or a in only)]


def notebook_path(course_dir: Path | str, step: str, assignment: str, student: str = ".") -> Path:
    """``<course>/<step>/[<student>/]<assignment>/<assignment>.ipynb``, as nbgrader lays it out.

    ``step`` is one of nbgrader's folders: source, release, submitted,
    autograded (those two take a student).
    """
    from nbgrader.coursedir import CourseDirectory

    cd = CourseDirectory(root=str(Path(course_dir).resolve()))
    folder = cd.format_path(getattr(cd, f"{step}_directory"), student, assignment)
    return Path(folder) / f"{assignment}.ipynb"


def feedback_path(course_dir: Path | str, student: str, assignment: str) -> Path:
    from nbgrader.coursedir import CourseDirectory

    cd = CourseDirectory(root=str(Path(course_dir).resolve()))
    return Path(cd.format_path(cd.feedback_directory, student, assignment)) / f"{assignment}.html"


# --- cells -------------------------------------------------------------------


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_test_cell(cell) -> bool:
    """An autograder test cell: graded, code, and not an answer cell."""
    from nbgrader.utils import is_grade, is_solution

    return cell.get("cell_type") == "code" and is_grade(cell) and not is_solution(cell)


def is_answer_cell(cell) -> bool:
    from nbgrader.utils import is_solution

    return cell.get("cell_type") == "code" and is_solution(cell)


def cells_by_id(nb) -> dict:
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


# --- notebooks ---------------------------------------------------------------


def read(path: Path | str):
    with open(path, encoding="utf-8") as fh:
        return nbformat.read(fh, as_version=4)


def write(nb, path: Path | str) -> None:
    nbformat.validate(nb)
    with open(path, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)


def source_notebook(assignment: str, course_dir: Path | str = REPO):
    return read(notebook_path(course_dir, "source", assignment))


def release_notebook(assignment: str, course_dir: Path | str = REPO):
    return read(notebook_path(course_dir, "release", assignment))


def reference_solutions(source_nb) -> dict[str, str]:
    """grade_id -> the instructor's solution, markers removed, for every answer cell."""
    return {grade_id(c): SOLUTION_MARKER_RE.sub("", c.source) for c in source_nb.cells if is_answer_cell(c)}


def fill(release_nb, answers: dict[str, str]):
    """A copy of ``release_nb`` whose answer cells hold ``answers[grade_id]``."""
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in answers:
            cell.source = answers[gid]
    return nb


def reference_namespace(assignment: str, course_dir: Path | str = REPO, extra_cells: tuple[str, ...] = ()) -> dict:
    """Execute a source notebook's imports cell, the given locked cells and every
    solution cell (markers and magics removed), in notebook order, in a fresh
    namespace, and return it. Used by the benchmarks and the tests."""
    nb = source_notebook(assignment, course_dir)
    answers = reference_solutions(nb)
    wanted = {"imports", *extra_cells, *answers}
    ns: dict = {"__name__": f"reference_{assignment}"}
    for cell in nb.cells:
        gid = grade_id(cell)
        if cell.cell_type != "code" or gid not in wanted:
            continue
        code = MAGIC_LINE_RE.sub("", answers.get(gid, cell.source))
        exec(compile(code, f"<{assignment}: {gid}>", "exec"), ns)  # noqa: S102  (the course's own notebook)
    return ns


def reference(assignment: str, course_dir: Path | str = REPO) -> types.SimpleNamespace:
    """``reference_namespace`` as attributes (public names only)."""
    ns = reference_namespace(assignment, course_dir)
    return types.SimpleNamespace(**{k: v for k, v in ns.items() if not k.startswith("_")})
