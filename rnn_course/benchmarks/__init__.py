"""Benchmarks: ``rnn-course bench [NAME ...]`` (or ``make bench``) prints figures.

Each module in this package defines ``TITLE`` and ``run()``; ``run()`` returns
a list of ``Figure``. Nothing here is asserted by the tests: machines are
noisy, so the figures are medians of repeated runs where that makes sense,
and each line says whether the target of ``../shared/spec/targets.md`` is met.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import types


@dataclasses.dataclass
class Figure:
    what: str  # e.g. "characters per second (n_a = 50, 1 BLAS thread)"
    value: float
    unit: str = ""
    target: str = ""  # e.g. ">= 30000"; empty when there is no target
    met: bool | None = None  # True, False or None (no target)

    def line(self) -> str:
        val = f"{self.value:,.4g}" if isinstance(self.value, float) else f"{self.value:,}"
        status = {True: "target met", False: "TARGET MISSED", None: ""}[self.met]
        tgt = f"(target {self.target})" if self.target else ""
        return f"  {self.what:<58} {val:>12} {self.unit:<10} {tgt:<18} {status}"


def names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load(name: str) -> types.ModuleType:
    return importlib.import_module(f"{__name__}.{name}")
