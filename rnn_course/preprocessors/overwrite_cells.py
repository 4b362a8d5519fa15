"""nbgrader's OverwriteCells, mended for deleted or metadata-stripped cells.

nbgrader's own step puts a deleted test cell back after the cell that preceded
it in the source, and fails when that cell was deleted too (or when the whole
notebook lost its nbgrader metadata). Here a cell whose text is unchanged from
the release gets its metadata back, and a missing test cell goes after the
nearest earlier cell still present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import OverwriteCells

if TYPE_CHECKING:
    from nbgrader.api import Notebook


class SafeOverwriteCells(OverwriteCells):
    """OverwriteCells that restores stripped metadata and re-inserts deleted test cells safely."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(info["notebook"], info["assignment"])
            self._restore_metadata(nb, source_nb)
        return super().preprocess(nb, resources)

    def _restore_metadata(self, nb: NotebookNode, source_nb: Notebook) -> None:
        grade = {c.name: c.max_score for c in source_nb.grade_cells}
        solution = {c.name for c in source_nb.solution_cells}
        present = {c.metadata["nbgrader"].get("grade_id") for c in nb.cells if "nbgrader" in c.metadata}
        by_text: dict[tuple[str, str], Any] = {}
        for sc in source_nb.source_cells:
            if sc.source.strip() and sc.name not in solution:
                by_text.setdefault((sc.cell_type, sc.source.strip()), sc)
        for cell in nb.cells:
            if "nbgrader" in cell.metadata:
                continue
            sc = by_text.get((cell.cell_type, cell.source.strip()))
            if sc is None or sc.name in present:
                continue
            meta = {
                "grade": sc.name in grade,
                "grade_id": sc.name,
                "locked": sc.locked,
                "solution": False,
                "schema_version": 3,
                "task": False,
                "checksum": sc.checksum,
            }
            if sc.name in grade:
                meta["points"] = grade[sc.name]
            cell.metadata["nbgrader"] = NotebookNode(meta)
            present.add(sc.name)
            self.log.warning("Cell %s had lost its nbgrader metadata: restored", sc.name)

    def add_missing_grade_cells(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [c.name for c in source_nb.source_cells]
        source = {c.name: c for c in source_nb.source_cells}
        grade = {c.name: c.max_score for c in source_nb.grade_cells}
        solution = {c.name for c in source_nb.solution_cells}
        for gid in order:
            if gid not in grade:
                continue
            where = {
                c.metadata["nbgrader"].get("grade_id"): i for i, c in enumerate(nb.cells) if "nbgrader" in c.metadata
            }
            if gid in where:
                continue
            pos = 0
            for prev in reversed(order[: order.index(gid)]):
                if prev in where:
                    pos = where[prev] + 1
                    break
            self.log.warning("Missing grade cell %s encountered, adding to notebook", gid)
            nb.cells.insert(pos, self.missing_cell_transform(source[gid], grade[gid], is_solution=gid in solution))
        return nb, resources
