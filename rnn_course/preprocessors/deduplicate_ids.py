"""nbgrader's DeduplicateIds, mended for duplicated cells.

nbgrader's own step leaves an empty ``nbgrader`` dict on a duplicated cell, on
which later steps fail with ``KeyError: 'grade_id'``. Here the duplicate simply
becomes an ordinary cell (the last copy keeps the grade id, as in nbgrader).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nbgrader import utils as nbu
from nbgrader.preprocessors import DeduplicateIds

if TYPE_CHECKING:
    from nbformat import NotebookNode


class SafeDeduplicateIds(DeduplicateIds):
    """DeduplicateIds that turns a duplicated graded, solution or locked cell into an ordinary cell."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], cell_index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        if not (nbu.is_grade(cell) or nbu.is_solution(cell) or nbu.is_locked(cell)):
            return cell, resources
        grade_id = cell.metadata.nbgrader.get("grade_id")
        if grade_id is None or grade_id in self.grade_ids:
            self.log.warning(
                "Cell with id '%s' exists multiple times: keeping the last copy (as nbgrader does)", grade_id
            )
            del cell.metadata["nbgrader"]
        else:
            self.grade_ids.add(grade_id)
        return cell, resources
