"""Reports of a run directory: ranks and statistics (pure computation) and their renderers.

``build_report(run_dir)`` (``build``) writes ``cheatsheet.md``, a self-contained ``report.html`` and CSV tables
to ``<run_dir>/report`` (or ``out_dir``) from a run read by ``load``. One sub-package per concept, each
importing only those below it (an import-linter contract): ``documents`` (what the cheat-sheet and the HTML
report say), ``figures`` (figure data, matplotlib drawing, one palette) and ``renderers`` (the document
model, Markdown and HTML), ``tables`` (groups, rank comparisons, verdicts; ``Analysis`` computes them once)
and ``statistics`` (tests and intervals, selection-aware gain, cost re-scoring, quality flags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imbench.reporting.build import build_report

__all__ = ["build_report"]


def __getattr__(name: str) -> Any:
    if name == "build_report":
        from imbench.reporting.build import build_report

        return build_report
    raise AttributeError(f"module 'imbench.reporting' has no attribute {name!r}")
