"""Notebook hygiene: no outputs in sources, release/ fresh and free of secrets, stable grade ids."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from leaks import hidden_fragments, leaked, notebook_text, public_text, solution_fragments
from rnn_course import grading, layout

REPO = layout.REPO
ASSIGNMENTS = grading.available_assignments()
ALL_ASSIGNMENTS = [a for a in grading.ASSIGNMENTS if layout.notebook_path(REPO, "source", a).exists()]
STORED = sorted(
    p
    for folder in ("source", "notebooks")
    for p in (REPO / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def _source(a):
    return layout.source_notebook(a, REPO)


def _release(a):
    return layout.release_notebook(a, REPO)


def test_every_assignment_has_a_source_notebook():
    assert "01_rnn_forward" in ALL_ASSIGNMENTS
    for folder in (REPO / "source").iterdir():
        assert folder.name in grading.ASSIGNMENTS, f"unknown assignment folder source/{folder.name}"


@pytest.mark.parametrize("path", STORED, ids=[str(p.relative_to(REPO)) for p in STORED])
def test_notebook_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"cell {i} of {path.name} has stored outputs"
            assert cell.get("execution_count") is None, f"cell {i} of {path.name} has an execution count"


@pytest.mark.parametrize("path", STORED, ids=[str(p.relative_to(REPO)) for p in STORED])
def test_notebook_is_valid(path):
    with open(path, encoding="utf-8") as fh:
        nbformat.validate(nbformat.read(fh, as_version=4))


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """release/ as nbgrader generates it from source/ right now."""
    return grading.make_course(tmp_path_factory.mktemp("fresh"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_matches_a_fresh_generation(fresh_release, assignment):
    committed = REPO / "release" / assignment
    fresh = fresh_release / "release" / assignment
    assert committed.exists(), f"release/{assignment} is missing: run `make release`"
    names = sorted(p.name for p in fresh.iterdir())
    assert sorted(p.name for p in committed.iterdir()) == names, "run `make release`"
    for name in names:
        assert (committed / name).read_bytes() == (fresh / name).read_bytes(), (
            f"release/{assignment}/{name} is stale or was edited by hand: run `make release`"
        )


def test_no_stray_release_folders():
    for folder in (REPO / "release").iterdir():
        assert folder.name in ALL_ASSIGNMENTS, f"release/{folder.name} has no source"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_solution_or_hidden_test(assignment):
    text = layout.notebook_path(REPO, "release", assignment).read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    # Every line (12+ characters) and long number of a solution or hidden region
    # that the source does not also show outside those regions is a secret.
    source = _source(assignment)
    public = public_text(source)
    secrets = solution_fragments(source, public) + hidden_fragments(source, public)
    assert secrets
    shown = leaked(secrets, notebook_text(_release(assignment)))
    assert not shown, f"release/{assignment} shows instructor-only content: {shown[:5]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_are_documented_and_worth_points(assignment):
    for cell in _source(assignment).cells:
        meta = cell.metadata.get("nbgrader", {})
        if layout.is_test_cell(cell):
            assert meta.get("points", 0) > 0, f"{meta['grade_id']} carries no points"
            first = cell.source.lstrip().splitlines()[0]
            assert first.startswith('"""') and len(first) > 10, (
                f"{meta['grade_id']} should open with a one-line docstring saying what it checks"
            )


RETIRED_MARKER = "# --- retired"
DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _listed_grade_ids():
    """The active and the retired grade ids of tests/grade_ids.txt.

    One id per line; ``#`` starts a comment. The ids after the line that
    starts with RETIRED_MARKER are retired: removed from the notebooks on
    purpose, each with a note on its line saying when (a date) and why.
    """
    active, retired, section = set(), {}, "active"
    for line in (Path(__file__).parent / "grade_ids.txt").read_text().splitlines():
        if line.startswith(RETIRED_MARKER):
            section = "retired"
            continue
        entry, _, note = line.partition("#")
        entry = entry.strip()
        if not entry:
            continue
        assert entry not in active and entry not in retired, f"{entry} is listed twice in tests/grade_ids.txt"
        if section == "active":
            active.add(entry)
        else:
            retired[entry] = note.strip()
    return active, retired


def test_grade_ids_are_stable():
    """Grade ids are what the gradebook keys on: tests/grade_ids.txt lists them; never rename one.

    A retired id may be missing from the notebooks, but no notebook may ever use it again:
    the gradebooks of past classes may hold scores under it."""
    active, retired = _listed_grade_ids()
    current = set()
    for a in ASSIGNMENTS:
        for cell in _source(a).cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid:
                current.add(f"{a}/{gid}")
    reused = current & set(retired)
    assert not reused, f"retired grade ids can never be used again: {sorted(reused)}"
    missing = {x for x in active if x.split("/")[0] in ASSIGNMENTS} - current
    assert not missing, (
        f"released grade ids were renamed or removed: {sorted(missing)} "
        "(to remove one on purpose, move it to the retired section of tests/grade_ids.txt with a dated note)"
    )
    undated = [gid for gid, note in retired.items() if not DATE_RE.search(note)]
    assert not undated, f"a retired grade id needs a note saying when (YYYY-MM-DD) and why: {undated}"
    new = current - active
    assert not new, f"add the new grade ids to tests/grade_ids.txt: {sorted(new)}"
