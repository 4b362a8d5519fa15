"""Feedback that carries nothing out of the grading kernel but the scores.

The grading run executes the hidden tests in the kernel that the submission
controls. Whatever that kernel printed, displayed or raised while a test cell
ran may hold hidden-test source or values (a graded function can print the
text of the cell that called it, ``In[-1]``, or stash it for a later cell).
So the feedback notebook is rebuilt from trusted parts only:

* a **test cell** shows one line of course-controlled text: its points and
  verdict, the type of the error when it is one of Python's built-in
  exceptions or one of the course's own (any other name is reported as "an
  error": an exception's *type name* is chosen by the submission too), and
  where to see the visible test's message (running the cell, or Validate, in
  the student's own notebook: that run has no hidden test in it);
* every **other code cell** shows the outputs of the notebook *as the student
  submitted it*, made on their own machine where no hidden test ran; none of
  the grading run's outputs is kept.

Used in ``c.GenerateFeedback.preprocessors`` after nbgrader's ``GetGrades``
(which puts each cell's score in its metadata).
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from ..layout import grade_id, is_test_cell

COURSE_ERRORS = {
    "CheckFailure": "a check of the course helpers failed",
    "IntegrityError": "the submission changed what the tests rely on (numpy's comparisons, the course "
    "helpers, the builtins or IPython's error handling), so no test of this notebook could be trusted",
    "CellTimeoutError": "the cell ran longer than the time limit and was interrupted",
    "DeadKernelError": "the kernel died while this cell ran (a memory or process limit?) and was restarted",
}
BUILTIN_ERRORS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)
HOW_TO_SEE = (
    "Run the visible tests in your own notebook (or press Validate) to see the details; "
    "hidden tests check other sizes and seeds and how your code is built."
)


def safe_error_name(ename: str) -> str:
    """The error's type name when the course or Python defines it, else "an error"."""
    return ename if ename in COURSE_ERRORS or ename in BUILTIN_ERRORS else "an error"


def verdict_text(cell: NotebookNode) -> str:
    """The one line a test cell shows in feedback, made from its score and error type only.

    The one message shown in full is the grader's own (``CheckFailure``,
    written by ``GuardedExecute`` from the reference's records after it
    removed every error output of the kernel): course text.
    """
    meta = cell.metadata.get("nbgrader", {})
    score, points = meta.get("score"), meta.get("points", 0)
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    names = [o.get("ename", "") for o in errors]
    got = f"{score:g} of {points:g} points" if score is not None else f"not scored automatically ({points:g} points)"
    if score is not None and score >= points and not errors:
        return f"Passed: {got}."
    if "IntegrityError" in names:
        text = COURSE_ERRORS["IntegrityError"]
        return f"Failed (IntegrityError): {got}. {text[0].upper()}{text[1:]}."
    for out in errors:
        if out.get("ename") == "CheckFailure":
            message = str(out.get("evalue", ""))
            return f"Failed: {got}: {message} {HOW_TO_SEE}"
    for ename in names:
        if ename in COURSE_ERRORS:
            return f"Failed ({ename}): {got}. {COURSE_ERRORS[ename][0].upper()}{COURSE_ERRORS[ename][1:]}."
    if errors:
        return f"Failed ({safe_error_name(names[0])}): {got}. {HOW_TO_SEE}"
    return f"Scored {got}."


class SafeFeedback(NbGraderPreprocessor):
    """Replace every code cell's outputs with trusted ones (see the module's docstring)."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        submitted = self._submitted(resources)
        by_grade_id, by_cell_id = {}, {}
        for cell in submitted.cells if submitted is not None else []:
            if cell.get("cell_type") != "code":
                continue
            if grade_id(cell):
                by_grade_id.setdefault(grade_id(cell), cell)
            if cell.get("id"):
                by_cell_id.setdefault(cell["id"], cell)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if is_test_cell(cell):
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=verdict_text(cell) + "\n")]
                continue
            own = by_grade_id.get(grade_id(cell)) if grade_id(cell) else by_cell_id.get(cell.get("id"))
            cell.outputs = [nbformat.from_dict(o) for o in own.get("outputs", [])] if own is not None else []
            cell.execution_count = own.get("execution_count") if own is not None else None
        return nb, resources

    def _submitted(self, resources: dict[str, Any]) -> NotebookNode | None:
        """The student's notebook as submitted (None when it cannot be read)."""
        info = resources.get("nbgrader", {})
        try:
            cd = CourseDirectory(config=self.config)
            folder = cd.format_path(cd.submitted_directory, info["student"], info["assignment"])
            with open(Path(folder) / f"{info['notebook']}.ipynb", encoding="utf-8") as fh:
                return nbformat.read(fh, as_version=4)
        except (KeyError, OSError, ValueError) as exc:
            self.log.warning("Feedback without the student's own outputs: %s", exc)
            return None
