"""Shared pieces of the resampling components: a neighbour cap and the sampling-ratio search."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, clone

from imbench.strategies.base import FitContext, ResampleComponent

NEIGHBOUR_PARAMS = ("k_neighbors", "n_neighbors")


class NeighbourCapped(BaseEstimator):
    """Wraps an imblearn sampler and caps its neighbour count to the minority rows it sees minus one.

    SMOTE-like samplers fail when a (small) training fold has fewer minority rows than
    ``k_neighbors + 1``; the cap is the sound adaptation. Applied caps are kept in ``adaptations_``.
    Nested samplers (``smote`` inside SMOTETomek / SMOTEENN) are capped too.
    """

    def __init__(self, sampler: Any = None) -> None:
        self.sampler = sampler

    def fit_resample(self, X: Any, y: Any, **kw: Any) -> Any:
        n_min = int(np.bincount(np.asarray(y, dtype=int)).min())
        sampler = clone(self.sampler)
        self.adaptations_: list[str] = []
        for target in (sampler, getattr(sampler, "smote", None)):
            if target is None:
                continue
            for p in NEIGHBOUR_PARAMS:
                k = target.get_params().get(p)
                if isinstance(k, int) and k > n_min - 1:
                    if n_min < 2:
                        raise ValueError(f"{type(target).__name__} needs at least 2 minority rows, got {n_min}")
                    target.set_params(**{p: n_min - 1})
                    self.adaptations_.append(f"{type(target).__name__}.{p} {k}->{n_min - 1}")
        self.sampler_ = sampler
        return sampler.fit_resample(X, y, **kw)


def suggest_ratio(trial: Any, ctx: FitContext) -> float:
    """Target minority/majority ratio after resampling, drawn in [current ratio (+5 %), 1]."""
    low = min(max(0.1, 1.05 * ctx.pos_neg), 1.0)
    if low >= 0.999:
        return 1.0
    return float(trial.suggest_float("sampling_strategy", low, 1.0))


def ratio_param(params: dict[str, Any], ctx: FitContext | None) -> float | str:
    """The ``sampling_strategy`` to pass to imblearn: the tuned ratio, or 'auto' (balance) by default.

    A ratio at or below the current one would make imblearn refuse; it is raised to just above it.
    """
    r = params.get("sampling_strategy")
    if r is None:
        return "auto"
    if ctx is not None and r <= ctx.pos_neg:
        return "auto"
    return float(r)


def cap(sampler: Any) -> NeighbourCapped:
    """Wrap ``sampler`` in the neighbour cap."""
    return NeighbourCapped(sampler)


def smote_variant(categorical: list[int], n_numeric: int, **kw: Any) -> Any:
    """SMOTE, SMOTENC when some columns are categorical codes, SMOTEN when all are."""
    from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC

    if categorical and n_numeric == 0:
        return SMOTEN(**kw)
    if categorical:
        return SMOTENC(categorical_features=list(categorical), **kw)
    return SMOTE(**kw)


class RatioSampler(ResampleComponent):
    """A sampler tuned on its target minority/majority ratio (``sampling_strategy``)."""

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {"sampling_strategy": suggest_ratio(trial, ctx)}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"sampling_strategy": 1.0}


class NeighbourSampler(RatioSampler):
    """A SMOTE-like sampler tuned on its neighbour count as well as its ratio."""

    neighbour_param: ClassVar[str] = "k_neighbors"
    neighbour_low: ClassVar[int] = 1

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        k = trial.suggest_int(self.neighbour_param, self.neighbour_low, 10)
        return {self.neighbour_param: k, **super().suggest(trial, ctx)}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {self.neighbour_param: 5, **super().defaults(ctx)}

    def neighbours(self, params: dict[str, Any]) -> int:
        """The neighbour count in ``params`` (5 by default)."""
        return int(params.get(self.neighbour_param, 5))
