"""End-to-end grading with nbgrader: scores, classic bugs, feedback, robustness.

Every test here reads the one shared grading run of the ``graded`` fixture.
"""

import pytest
from conftest import bug_cases, bug_student, variant_cases, variant_student

from leaks import hidden_fragments, html_text, leaked
from rnn_course import grading, layout

pytestmark = pytest.mark.slow
ASSIGNMENTS = grading.available_assignments()


def _cells(result):
    return {c.grade_id: (c.score, c.max_score) for c in result.cells}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_gets_full_marks(graded, assignment):
    r = graded["reference", assignment]
    assert r.status == "graded", r.problems
    assert r.max_score > 0
    assert r.score == r.max_score, f"lost points: {_cells(r)}\n{r.log[-2000:]}"
    assert not r.problems


@pytest.mark.parametrize(("assignment", "variant"), variant_cases())
def test_correct_code_written_differently_gets_full_marks(graded, assignment, variant):
    """Every correct-but-different implementation of rnn_course/attempts/<id>.py (VARIANTS)."""
    r = graded[variant_student(assignment, variant), assignment]
    assert r.status == "graded", r.problems
    assert r.score == r.max_score, f"{variant} lost points: {_cells(r)}"
    assert r.integrity == "ok", r.problems


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_function_has_a_correct_variant(assignment):
    """Each answer cell is rewritten in another style by at least one VARIANT."""
    from rnn_course import submissions

    answers = set(layout.reference_solutions(layout.source_notebook(assignment)))
    covered = {gid for edits in submissions.attempts(assignment)["VARIANTS"].values() for gid, _, _ in edits}
    assert answers <= covered, f"no correct-but-different variant for {sorted(answers - covered)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_gets_zero(graded, assignment):
    r = graded["untouched", assignment]
    assert r.status == "graded", r.problems
    assert r.score == 0, f"an empty submission earned points: {_cells(r)}"
    assert not r.problems


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_wrong_attempt_gets_partial_credit(graded, assignment):
    r = graded["wrong", assignment]
    assert r.status == "graded", r.problems
    assert 0 < r.score < r.max_score, _cells(r)


@pytest.mark.parametrize("assignment,bug", bug_cases(), ids=[f"{a}-{b}" for a, b in bug_cases()])
def test_classic_bug_loses_points(graded, assignment, bug):
    r = graded[bug_student(assignment, bug), assignment]
    ref = graded["reference", assignment]
    assert r.status == "graded", r.problems
    lost = {g: s for g, s in _cells(r).items() if s[0] < s[1]}
    assert r.score < ref.score, f"the bug {bug!r} kept full marks: {_cells(r)}"
    assert lost


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_exists_and_reveals_no_hidden_test(graded, assignment):
    source = layout.source_notebook(assignment, graded.course)
    release = layout.release_notebook(assignment, graded.course)
    secrets = hidden_fragments(source, release)
    assert secrets, "the assignment should have hidden tests"
    for student in ("reference", "untouched", "wrong"):
        fb = grading.feedback_path(graded.course, student, assignment)
        assert fb.exists(), f"no feedback for {student}"
        text = html_text(fb)
        for cell in release.cells:  # every test cell is there, its hidden part removed
            if layout.is_test_cell(cell):
                first = cell.source.strip().splitlines()[0].strip().strip('"').strip()
                assert first in text, f"feedback of {student} lacks the test cell {layout.grade_id(cell)}"
        found = leaked(secrets, text)
        assert not found, f"feedback of {student} reveals hidden content: {found[:5]}"
        assert "BEGIN HIDDEN TESTS" not in text


def test_leak_check_can_fail(graded):
    """The leak check finds hidden lines in the autograded notebook (which still holds them)."""
    a = ASSIGNMENTS[0]
    source = layout.source_notebook(a, graded.course)
    release = layout.release_notebook(a, graded.course)
    autograded = layout.notebook_path(graded.course, "autograded", a, "wrong").read_text()
    assert leaked(hidden_fragments(source, release), autograded.replace("\\n", "\n").replace('\\"', '"'))


def test_submitted_modules_cannot_shadow_helpers_or_numpy(graded):
    a = ASSIGNMENTS[0]
    r = graded["shadow", a]
    assert r.score == r.max_score, _cells(r)
    folder = graded.course / "autograded" / "shadow" / a
    assert not list(folder.glob("*.py")), "submitted .py files were copied next to the notebook"


def test_invalid_notebook_is_reported_not_zeroed(graded):
    a = ASSIGNMENTS[0]
    r = graded["broken-json", a]
    assert r.status == "not graded"
    assert any("could not be graded" in p for p in r.problems)
    table = grading.score_table(graded.list)
    assert "NOT GRADED" in table and "broken-json" in table


def test_misnamed_notebook_is_reported(graded):
    a = ASSIGNMENTS[0]
    r = graded["renamed", a]
    assert r.status == "not graded"
    assert any("missing from the submission" in p and "my copy.ipynb" in p for p in r.problems)


def test_every_pair_has_a_result(graded):
    expected = {(v, a) for v in ("reference", "untouched", "wrong") for a in graded.assignments}
    assert expected <= set(graded.results)
    for r in graded.list:
        assert r.status in ("graded", "not graded")
        if r.status != "graded":
            assert r.problems
