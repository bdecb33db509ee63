"""Balanced random forest: every tree grown on a balanced bootstrap (replaces the random forest)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec
from imbench.strategies.base import EnsembleComponent, FitContext, register_component


@register_component
class BalancedRF(EnsembleComponent):
    """``imblearn.ensemble.BalancedRandomForestClassifier`` with the random forest's tuned parameters."""

    name = "balanced_rf"
    summary = "random forest whose trees each see a balanced undersample (Chen et al. 2004)"

    def skip(self, model: ModelSpec, ctx: FitContext | None = None) -> str | None:
        if model.name != "random_forest":
            return f"balanced_rf replaces a random forest; it is run with model random_forest, not {model.name}"
        return None

    def wrap(
        self, model_estimator: Any, model: ModelSpec, model_params: dict[str, Any], params: dict[str, Any], seed: int
    ) -> Any:
        from imblearn.ensemble import BalancedRandomForestClassifier

        kw = model_estimator.get_params()
        keep = ("n_estimators", "max_depth", "min_samples_leaf", "max_features", "class_weight")
        return BalancedRandomForestClassifier(
            sampling_strategy="all",
            replacement=True,
            bootstrap=False,
            n_jobs=1,
            random_state=seed,
            **{k: kw[k] for k in keep},
        )
