"""What a student sees first: for every classic bug, the first visible test that fails names the cause.

Each classic bug of ``rnn_course/attempts/<id>.py`` (``BUGS``) is filled into
the release notebook and run as the student would run it (cell by cell, the
Validate button's grading mode, no hidden test in the notebook), up to the
first test cell that fails. ``FIRST_MESSAGE[bug]`` says which test that must
be and a piece of the message it must show: the function the bug is in and
the hint that points at the cause, not at one of its effects.
"""

from __future__ import annotations

import shutil

import pytest
from nbclient import NotebookClient

from rnn_course import grading, layout, submissions

pytestmark = pytest.mark.slow


def _cases():
    return [(a, bug) for a in grading.available_assignments() for bug in submissions.attempts(a)["BUGS"]]


def first_failure(assignment: str, variant: str, workdir) -> tuple[str, str] | None:
    """(grade id, "ErrorName: message") of the first failing test cell of a submission variant, or None."""
    shutil.copytree(
        layout.notebook_path(layout.REPO, "release", assignment).parent,
        workdir,
        ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"),
    )
    nb = submissions.build(layout.REPO, assignment, variant)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(workdir)}}
    )
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            errors = [o for o in cell.outputs if o.output_type == "error"]
            if layout.is_test_cell(cell) and errors:
                return layout.grade_id(cell), f"{errors[0].ename}: {errors[0].evalue}"
    return None


def _run(case):
    assignment, bug, workdir = case
    return (assignment, bug), first_failure(assignment, f"bug:{bug}", workdir)


@pytest.fixture(scope="module")
def first_failures(tmp_path_factory):
    """(assignment, bug) -> first failure, every classic bug run once, one kernel per core at a time."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    os.environ["RNN_COURSE_GRADING"] = "1"  # as the Validate button runs it
    os.environ.setdefault("MPLBACKEND", "Agg")
    root = tmp_path_factory.mktemp("hints")
    cases = [(a, bug, root / f"{a}-{bug}") for a, bug in _cases()]
    try:
        with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("fork")) as pool:
            return dict(pool.map(_run, cases))
    finally:
        os.environ.pop("RNN_COURSE_GRADING", None)


@pytest.mark.parametrize(("assignment", "bug"), _cases())
def test_the_first_failing_visible_test_names_the_cause(first_failures, assignment, bug):
    table = submissions.attempts(assignment)["FIRST_MESSAGE"]
    if bug not in table:
        pytest.fail(f"{assignment}: the classic bug {bug!r} has no entry in FIRST_MESSAGE")
    expected, got = table[bug], first_failures[assignment, bug]
    if expected is None:
        assert got is None, f"{bug}: FIRST_MESSAGE says no visible test fails, but {got[0]} does: {got[1]!r}"
        return
    test, needle = expected
    assert got is not None, f"{bug}: no visible test fails, FIRST_MESSAGE expects {expected}"
    assert got[0] == test and needle in got[1], f"{bug}: first failure is {got[0]}: {got[1]!r}, expected {expected}"
