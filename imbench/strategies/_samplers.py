"""Shared pieces of the resampling components: a neighbour cap and the sampling-ratio search."""

from __future__ import annotations

from typing import Any, ClassVar

from imbench.strategies.base import FitContext, ResampleComponent
from imbench.strategies.capped import NeighbourCapped


def suggest_ratio(trial: Any, ctx: FitContext, growth: float = 1.05) -> float:
    """Target minority/majority ratio after resampling, drawn in [current ratio × ``growth``, 1]."""
    low = min(max(0.1, growth * ctx.pos_neg), 1.0)
    if low >= 0.999:
        return 1.0
    return float(trial.suggest_float("sampling_strategy", low, 1.0))


def ratio_param(params: dict[str, Any], ctx: FitContext) -> float | str:
    """The ``sampling_strategy`` to pass to imblearn: the tuned ratio, or 'auto' (balance) by default.

    A ratio too low for the rows a fold actually has is raised at fit time by the wrapper
    (:class:`imbench.strategies.capped.NeighbourCapped`), which records it.
    """
    r = params.get("sampling_strategy")
    return "auto" if r is None else float(r)


def cap(sampler: Any) -> Any:
    """Wrap ``sampler`` in the neighbour cap (:class:`imbench.strategies.capped.NeighbourCapped`)."""

    return NeighbourCapped(sampler)


def smote_variant(categorical: list[int], n_numeric: int, **kw: Any) -> Any:
    """SMOTE, SMOTENC when some columns are categorical codes, SMOTEN when all are."""
    from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC

    if categorical and n_numeric == 0:
        return SMOTEN(**kw)
    if categorical:
        return SMOTENC(categorical_features=list(categorical), **kw)
    return SMOTE(**kw)


def inner_minority(ctx: FitContext) -> int:
    """Minority rows of an inner training fold of the rows ``ctx`` describes (what a tuning fit receives)."""
    folds = max(2, min(ctx.inner_folds, ctx.n_pos))
    return ctx.n_pos * (folds - 1) // folds


class RatioSampler(ResampleComponent):
    """A sampler tuned on its target minority/majority ratio (``sampling_strategy``)."""

    min_growth: ClassVar[float] = 1.05
    """Smallest ratio drawn, as a multiple of the fold's own minority/majority ratio."""

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {"sampling_strategy": suggest_ratio(trial, ctx, self.min_growth)}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"sampling_strategy": 1.0}


class NeighbourSampler(RatioSampler):
    """A SMOTE-like sampler tuned on its neighbour count as well as its ratio."""

    neighbour_param: ClassVar[str] = "k_neighbors"
    neighbour_low: ClassVar[int] = 1

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        """Neighbour count drawn up to 10, at most the minority of an inner training fold minus one (valid draws)."""
        high = max(self.neighbour_low, min(10, inner_minority(ctx) - 1))
        k = trial.suggest_int(self.neighbour_param, self.neighbour_low, high)
        return {self.neighbour_param: k, **super().suggest(trial, ctx)}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        """5 neighbours (imblearn's default), fewer when an inner training fold has too few minority rows."""
        k = min(5, max(self.neighbour_low, inner_minority(ctx) - 1))
        return {self.neighbour_param: k, **super().defaults(ctx)}

    def neighbours(self, params: dict[str, Any]) -> int:
        """The neighbour count in ``params`` (5 by default)."""
        return int(params.get(self.neighbour_param, 5))
