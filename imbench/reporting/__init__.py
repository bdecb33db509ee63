"""Reports of a run directory: ranks and statistics (pure computation) and their renderers.

``build_report(run_dir)`` writes ``cheatsheet.md``, a self-contained ``report.html`` and CSV tables to
``<run_dir>/report`` (or ``out_dir``). Modules: ``load`` (read a run), ``stats`` (tests), ``groups`` (which
datasets a row compares), ``tables`` (status, ranks, comparisons), ``costs`` (re-scoring predictions),
``analysis`` (everything computed once), ``verdicts`` (what a comparison supports), ``figures`` (data functions +
matplotlib drawing), the cheat-sheet's sections (``cheatsheet``, ``claims``, ``ladder``, ``corrections``,
``soundbites``, ``evidence``) and ``render`` (documents → Markdown/HTML).
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
