"""Every figure the prose quotes agrees with what the notebook computes.

The claims themselves live in ``tests/claims/claims_<id>.py`` (see
``tests/claims/__init__.py``). The slow test executes each notebook that has
claims once, as a student would (not in grading mode), and checks every claim
against its output; the fast tests check that each claim still finds its
sentence in the prose, and that a changed figure is caught.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from claims import REPO, Claim, all_claims, markdown_text, output_text

CLAIMS = all_claims()
NOTEBOOKS = sorted({c.notebook for c in CLAIMS})
CELL_TIMEOUT = 600


def _read(rel):
    return nbformat.read(REPO / rel, as_version=4)


@pytest.mark.parametrize("claim", CLAIMS, ids=[f"{Path(c.notebook).stem}:{c.why}" for c in CLAIMS])
def test_claim_finds_its_sentence(claim):
    claim.quoted(markdown_text(_read(claim.notebook)))


def test_a_changed_figure_is_caught():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("The held-out loss ends near 1.83 nats per character."),
            nbformat.v4.new_code_cell(
                "", outputs=[nbformat.v4.new_output("stream", name="stdout", text="held-out loss: 1.8312\n")]
            ),
        ]
    )
    claim = Claim(
        "synthetic.ipynb", r"ends near (\d\.\d+) nats", r"held-out loss: (\d\.\d+)", "held-out loss", rel=0.01
    )
    claim.check(markdown_text(nb), output_text(nb))
    nb.cells[0].source = nb.cells[0].source.replace("1.83", "1.78")
    with pytest.raises(AssertionError, match="the prose says 1.78"):
        claim.check(markdown_text(nb), output_text(nb))
    bound = Claim("synthetic.ipynb", r"ends near (\d\.\d+)", r"loss: (\d\.\d+)", "bound", relation="<=")
    with pytest.raises(AssertionError):
        bound.check(markdown_text(nb), output_text(nb))


_executed: dict[str, nbformat.NotebookNode] = {}


def _finished_assignments(root):
    """The labs run the student's own notebooks: the reference solutions filled into the releases."""
    from rnn_course import layout, submissions

    for assignment in ("01_rnn_forward", "02_lstm_forward", "03_backprop", "04_dinosaur_island"):
        folder = root / assignment
        folder.mkdir(parents=True, exist_ok=True)
        layout.write(submissions.build(REPO, assignment, "reference"), folder / f"{assignment}.ipynb")
    return root


def _execute(rel):
    if rel not in _executed:
        from nbclient import NotebookClient

        nb = _read(rel)
        path = REPO / rel
        NotebookClient(
            nb,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            startup_timeout=120,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        _executed[rel] = nb
    return _executed[rel]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[Path(n).stem for n in NOTEBOOKS])
def test_quoted_figures_match_the_notebook_output(notebook, monkeypatch, tmp_path_factory):
    monkeypatch.setenv("RNN_COURSE_LABS_STATIC", "1")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("RNN_COURSE_GRADING", raising=False)
    if notebook.startswith("notebooks/"):
        mine = _finished_assignments(tmp_path_factory.mktemp("mine"))
        monkeypatch.setenv("RNN_COURSE_ASSIGNMENTS", str(mine))
    nb = _execute(notebook)
    markdown, output = markdown_text(nb), output_text(nb)
    failures = []
    for claim in (c for c in CLAIMS if c.notebook == notebook):
        try:
            claim.check(markdown, output)
        except AssertionError as err:
            failures.append(str(err))
    assert not failures, "\n".join(failures)
