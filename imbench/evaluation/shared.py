"""Shared searches: a strategy that only post-processes a fitted model reuses the search of its base.

``threshold`` is ``none`` with an operating point chosen after the fit, ``smote+threshold`` is ``smote`` with one,
``smote+prior_correction`` is ``smote`` with its odds mapped back (under an order-only tuning metric): their inner
searches are the base's search, same seed, same trials, same best parameters. The base cell runs first; its
dependents refit the base's best parameters with their own post-processing and record whose search they used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imbench.core.metrics import get_metric
from imbench.core.schema import ResultRow, Status
from imbench.evaluation.protocol import EvalProtocol
from imbench.strategies import parse_strategy


@dataclass(frozen=True)
class SharedSearch:
    """What a dependent cell takes from its base cell's search: the best parameters and the search's evidence."""

    base: str
    """The base strategy (its row is the search's record: trials, tuning time)."""
    params: dict[str, Any]
    inner_score: float | None
    trials: int | None
    trials_pruned: int | None
    trials_failed: int | None

    @classmethod
    def of(cls, row: ResultRow) -> SharedSearch | None:
        """The search of a finished base row; None unless it is ``ok`` (a dependent then runs its own search)."""
        if row.status != Status.OK:
            return None
        return cls(row.strategy, dict(row.params), row.inner_score, row.trials, row.trials_pruned, row.trials_failed)


def search_base(strategy: str, protocol: EvalProtocol) -> str | None:
    """The strategy whose search ``strategy`` reuses under ``protocol``'s tuning metric, or None."""
    return parse_strategy(strategy).search_base(get_metric(protocol.metric))
