"""Build student submissions from the course's own notebooks.

* ``reference``: the instructor's solution filled into the release notebook;
* ``untouched``: the release notebook as a student receives it;
* ``wrong``: the realistic wrong attempt of ``rnn_course/attempts/<assignment>.py``;
* ``bug:<name>``: one classic bug of that file, used by the test suite.
"""

import runpy
from pathlib import Path

from . import layout

ATTEMPTS = Path(__file__).resolve().parent / "attempts"
DEMO_VARIANTS = ("reference", "untouched", "wrong")


def attempts(assignment):
    path = ATTEMPTS / f"{assignment}.py"
    if not path.exists():
        return {"WRONG": [], "BUGS": {}}
    return runpy.run_path(str(path))


def apply_edits(answers, edits, label=""):
    answers = dict(answers)
    for gid, old, new in edits:
        if gid not in answers:
            raise KeyError(f"{label}: no answer cell {gid!r}")
        if old not in answers[gid]:
            raise ValueError(f"{label}: text to replace not found in the reference of {gid!r}:\n{old}")
        answers[gid] = answers[gid].replace(old, new, 1)
    return answers


def build(course_dir, assignment, variant):
    """The notebook (nbformat) of one submission variant of ``assignment``."""
    course_dir = Path(course_dir)
    source = layout.source_notebook(assignment, course_dir)
    release = layout.release_notebook(assignment, course_dir)
    if variant == "untouched":
        return release
    answers = layout.reference_solutions(source)
    if variant == "reference":
        edits = []
    elif variant == "wrong":
        edits = attempts(assignment)["WRONG"]
        if not edits:
            raise ValueError(f"{assignment} has no wrong attempt in {ATTEMPTS}")
    elif variant.startswith("bug:"):
        edits = attempts(assignment)["BUGS"][variant[4:]]
    else:
        raise ValueError(f"unknown submission variant {variant!r}")
    return layout.fill(release, apply_edits(answers, edits, f"{assignment}/{variant}"))


def submit(course_dir, student, assignment, nb=None, variant=None, extra_files=None):
    """Place a submission in ``submitted/<student>/<assignment>/`` (nbgrader's layout)."""
    folder = Path(course_dir) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if nb is None:
        nb = build(course_dir, assignment, variant)
    layout.write(nb, folder / f"{assignment}.ipynb")
    for name, text in (extra_files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
