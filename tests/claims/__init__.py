"""Figures quoted in the course's prose, tied to the output that backs them.

A number a notebook's prose states is either printed by the cell beside it
(the preferred way: the prose then says "the cell below prints ...") or listed
here, so that ``tests/test_claims.py`` executes the notebook as a student would
and fails when the quoted figure and the computed one disagree.

Each assignment or lab keeps its claims in its own module, ``claims_<id>.py``,
defining ``CLAIMS``: a list of :class:`Claim`. A qualitative statement that
rests on a measurement ("clipping is rare", "most names are new") is written
with the measured figure in the prose, or with a bound (``relation="<="``).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


@dataclass(frozen=True)
class Claim:
    """One quoted figure and where the notebook computes it.

    notebook -- path from the repository root (``source/<id>/<id>.ipynb`` or
                ``notebooks/lab_...ipynb``)
    prose    -- regular expression with one group, the number as the prose
                quotes it; it must match exactly once in the notebook's
                markdown cells
    output   -- regular expression with one group, the number as the
                executed notebook prints it; searched in the text outputs
                (stdout, text/plain) of all code cells, first match wins
    relation -- "~" (equal within tolerance), "<=" or ">=" (the computed
                figure must be at most / at least the quoted one, a bound the
                prose states, e.g. "fewer than 2 %")
    rel, abs -- tolerance of "~": |computed - quoted| <= abs + rel * |quoted|;
                choose it to hold across seeds and BLAS builds, and no wider
                than the prose's own rounding allows
    why      -- what the figure is, in a few words (shown on failure)
    """

    notebook: str
    prose: str
    output: str
    why: str
    relation: str = "~"
    rel: float = 0.0
    abs: float = 0.0

    def quoted(self, markdown: str) -> float:
        found = re.findall(self.prose, markdown)
        if len(found) != 1:
            raise AssertionError(
                f"{self.notebook}: the prose pattern {self.prose!r} ({self.why}) matches "
                f"{len(found)} times in the markdown, expected exactly once"
            )
        return _number(found[0])

    def computed(self, output: str) -> float:
        m = re.search(self.output, output)
        if not m:
            raise AssertionError(f"{self.notebook}: no output matches {self.output!r} ({self.why})")
        return _number(m.group(1))

    def holds(self, quoted: float, computed: float) -> bool:
        if self.relation == "~":
            return abs(computed - quoted) <= self.abs + self.rel * abs(quoted)
        if self.relation == "<=":
            return computed <= quoted
        if self.relation == ">=":
            return computed >= quoted
        raise ValueError(f"unknown relation {self.relation!r}")

    def check(self, markdown: str, output: str) -> None:
        q, c = self.quoted(markdown), self.computed(output)
        assert self.holds(q, c), (
            f"{self.notebook}: the prose says {q:g} ({self.why}), the notebook computes {c:g} "
            f"(relation {self.relation}, rel={self.rel}, abs={self.abs})"
        )


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("\u2009", "").replace(" ", ""))


def markdown_text(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def output_text(nb) -> str:
    """The text a student sees printed under the code cells, in order."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            elif "data" in out:
                parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def all_claims() -> list[Claim]:
    claims: list[Claim] = []
    for path in sorted(HERE.glob("claims_*.py")):
        module = importlib.import_module(f"claims.{path.stem}")
        claims.extend(module.CLAIMS)
    return claims
