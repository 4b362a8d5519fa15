"""Build student submissions from the course's own notebooks.

* ``reference``: the instructor's solution filled into the release notebook;
* ``untouched``: the release notebook as a student receives it;
* ``wrong``: the realistic wrong attempt of ``rnn_course/attempts/<assignment>.py``;
* ``bug:<name>``: one classic bug of that file, used by the test suite;
* ``variant:<name>``: one correct implementation written in another style
  (``VARIANTS`` of that file), which the test suite proves gets full marks.

An edit is ``(grade_id, old text, new text)``; ``(grade_id, None, new text)``
replaces the whole answer cell.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import layout

if TYPE_CHECKING:
    from nbformat import NotebookNode

ATTEMPTS = Path(__file__).resolve().parent / "attempts"
DEMO_VARIANTS = ("reference", "untouched", "wrong")


def attempts(assignment: str) -> dict[str, Any]:
    path = ATTEMPTS / f"{assignment}.py"
    if not path.exists():
        return {"WRONG": [], "BUGS": {}, "VARIANTS": {}, "FIRST_MESSAGE": {}}
    found = runpy.run_path(str(path))
    found.setdefault("VARIANTS", {})
    found.setdefault("FIRST_MESSAGE", {})
    return found


def apply_edits(
    answers: Mapping[str, str], edits: Iterable[tuple[str, str | None, str]], label: str = ""
) -> dict[str, str]:
    answers = dict(answers)
    for gid, old, new in edits:
        if gid not in answers:
            raise KeyError(f"{label}: no answer cell {gid!r}")
        if old is None:
            answers[gid] = new
            continue
        if old not in answers[gid]:
            raise ValueError(f"{label}: text to replace not found in the reference of {gid!r}:\n{old}")
        answers[gid] = answers[gid].replace(old, new, 1)
    return answers


def build(course_dir: Path | str, assignment: str, variant: str) -> NotebookNode:
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
    elif variant.startswith("variant:"):
        edits = attempts(assignment)["VARIANTS"][variant[8:]]
    else:
        raise ValueError(f"unknown submission variant {variant!r}")
    return layout.fill(release, apply_edits(answers, edits, f"{assignment}/{variant}"))


def submit(
    course_dir: Path | str,
    student: str,
    assignment: str,
    nb: NotebookNode | None = None,
    variant: str | None = None,
    extra_files: Mapping[str, str] | None = None,
) -> Path:
    """Place a submission in ``submitted/<student>/<assignment>/`` (nbgrader's layout)."""
    folder = Path(course_dir) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if nb is None:
        if variant is None:
            raise ValueError("submit() needs a notebook (nb=) or a variant (variant=)")
        nb = build(course_dir, assignment, variant)
    layout.write(nb, folder / f"{assignment}.ipynb")
    for name, text in (extra_files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
