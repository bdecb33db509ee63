"""RUSBoost: AdaBoost with random undersampling before each boosting round."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec
from imbench.strategies._mean_one import MeanOneWeights
from imbench.strategies.base import EnsembleComponent, FitContext, register_component


@register_component
class RusBoost(EnsembleComponent):
    """``imblearn.ensemble.RUSBoostClassifier`` boosting the chosen model (needs sample weights)."""

    name = "rus_boost"
    summary = "AdaBoost with random undersampling at every round (Seiffert et al. 2010)"

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 5, 30, log=True),
            "learning_rate": trial.suggest_float("learning_rate", 0.05, 1.0, log=True),
        }

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"n_estimators": 10, "learning_rate": 1.0}

    def skip(self, model: ModelSpec, ctx: FitContext | None = None) -> str | None:
        if "sample_weight" not in model.capabilities:
            return f"RUSBoost reweights rows each round; {model.name} does not accept sample weights"
        return None

    def wrap(
        self, model_estimator: Any, model: ModelSpec, model_params: dict[str, Any], params: dict[str, Any], seed: int
    ) -> Any:
        from imblearn.ensemble import RUSBoostClassifier

        return RUSBoostClassifier(
            estimator=MeanOneWeights(model_estimator),
            n_estimators=int(params.get("n_estimators", 10)),
            learning_rate=float(params.get("learning_rate", 1.0)),
            random_state=seed,
        )
