"""The cells of an evaluation: the baseline first, then model × strategy × outer fold of each dataset."""

from __future__ import annotations

from collections.abc import Sequence

from imbench.core.schema import BASELINE
from imbench.evaluation.cell import CellKey
from imbench.strategies import parse_strategy


def with_baseline(strategies: Sequence[str]) -> list[str]:
    """The strategies with ``none`` first (the baseline is always run)."""

    names = [parse_strategy(s).name for s in strategies]
    return [BASELINE, *[s for s in dict.fromkeys(names) if s != BASELINE]]


def cell_keys(dataset: str, strategies: Sequence[str], models: Sequence[str], n_outer: int) -> list[CellKey]:
    """Every cell of one dataset: model × strategy × outer fold, in that order (a ``compare`` lists the baseline
    model and strategy first, so a budget that runs out leaves the least valuable cells unstarted)."""
    return [CellKey(dataset, s, m, f) for m in models for s in strategies for f in range(n_outer)]
