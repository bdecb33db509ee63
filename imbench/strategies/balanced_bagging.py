"""Balanced bagging: bootstrap bags each rebalanced by random undersampling."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec
from imbench.strategies.base import EnsembleComponent, FitContext, register_component


@register_component
class BalancedBagging(EnsembleComponent):
    """``imblearn.ensemble.BalancedBaggingClassifier`` with the chosen model as its estimator."""

    name = "balanced_bagging"
    summary = "bagging where every bag is undersampled to balance (Maclin & Opitz 1997)"

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 4, 12),
            "max_features": trial.suggest_float("max_features", 0.5, 1.0),
        }

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"n_estimators": 10, "max_features": 1.0}

    def wrap(
        self, model_estimator: Any, model: ModelSpec, model_params: dict[str, Any], params: dict[str, Any], seed: int
    ) -> Any:
        from imblearn.ensemble import BalancedBaggingClassifier

        return BalancedBaggingClassifier(
            estimator=model_estimator,
            n_estimators=int(params.get("n_estimators", 10)),
            max_features=float(params.get("max_features", 1.0)),
            n_jobs=1,
            random_state=seed,
        )
