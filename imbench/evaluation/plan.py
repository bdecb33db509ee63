"""The cells of an evaluation: the baseline first, then strategy × model × outer fold of each dataset."""

from __future__ import annotations

from collections.abc import Sequence

from imbench.core.schema import BASELINE
from imbench.evaluation.cell import CellKey


def with_baseline(strategies: Sequence[str]) -> list[str]:
    """The strategies with ``none`` first (the baseline is always run)."""
    from imbench.strategies import parse_strategy

    names = [parse_strategy(s).name for s in strategies]
    return [BASELINE, *[s for s in dict.fromkeys(names) if s != BASELINE]]


def cell_keys(dataset: str, strategies: Sequence[str], models: Sequence[str], n_outer: int) -> list[CellKey]:
    """Every cell of one dataset: strategy × model × outer fold, in that order."""
    return [CellKey(dataset, s, m, f) for s in strategies for m in models for f in range(n_outer)]
