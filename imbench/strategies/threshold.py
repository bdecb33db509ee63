"""Threshold tuning: the decision threshold chosen by cross-validation on training rows only."""

from __future__ import annotations

from typing import Any

from imbench.core.metrics import threshold_scorer
from imbench.strategies.base import DecisionComponent, FitContext, register_component


@register_component
class Threshold(DecisionComponent):
    """sklearn ``TunedThresholdClassifierCV`` maximising F1, or minimising expected cost."""

    name = "threshold"
    summary = "pick the operating threshold by inner CV on training rows (F1 or a cost matrix)"
    """On a large table (the protocol's ``inner_holdout``) by one stratified holdout of the training rows."""

    def wrap(self, pipeline: Any, params: dict[str, Any], ctx: FitContext, seed: int) -> Any:
        from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit, TunedThresholdClassifierCV

        folds = max(2, min(ctx.inner_folds, ctx.n_pos))  # every fold needs a positive to score a threshold
        scorer = threshold_scorer(ctx.threshold_objective, ctx.cost_fn, ctx.cost_fp)
        cv: Any = StratifiedKFold(folds, shuffle=True, random_state=seed)
        if ctx.inner_holdout:
            cv = StratifiedShuffleSplit(1, test_size=ctx.inner_holdout, random_state=seed)
        return TunedThresholdClassifierCV(
            pipeline,
            scoring=scorer,
            response_method="predict_proba",
            thresholds=100,
            cv=cv,
            refit=True,
            random_state=seed,
        )
