"""Small helpers to build and edit course notebooks with nbformat.

Used to author instructor notebooks (cells with nbgrader metadata) and to
build demo or test submissions from a release notebook.
"""

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SOLUTION_RE = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)
HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?",
                       re.MULTILINE | re.DOTALL)

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _meta(grade_id, *, solution=False, grade=False, locked=False, points=None, task=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(source, grade_id=None):
    """A markdown cell; with a grade_id it is locked (read-only) for students."""
    cell = new_markdown_cell(source.strip("\n"))
    if grade_id:
        cell.metadata.update(_meta(grade_id, locked=True))
    return cell


def code(source, grade_id=None):
    """An ordinary code cell; with a grade_id it is locked (read-only)."""
    cell = new_code_cell(source.strip("\n"))
    if grade_id:
        cell.metadata.update(_meta(grade_id, locked=True))
    return cell


def solution(source, grade_id):
    """An autograded answer cell: the solution region becomes the student's stub."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, solution=True))
    return cell


def tests(source, grade_id, points):
    """A locked autograder test cell worth ``points``."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=True, locked=True, points=points))
    return cell


def notebook(cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(nb, path):
    nbformat.validate(nb)
    with open(path, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)



def read(path):
    with open(path, encoding="utf-8") as fh:
        return nbformat.read(fh, as_version=4)


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def cells_by_id(nb):
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def reference_solutions(source_nb):
    """grade_id -> the instructor's solution, markers removed, for every answer cell."""
    out = {}
    for cell in source_nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            out[meta["grade_id"]] = SOLUTION_RE.sub("", cell.source)
    return out


def fill(release_nb, answers):
    """A copy of ``release_nb`` whose answer cells hold ``answers[grade_id]``."""
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in answers:
            cell.source = answers[gid]
    return nb
