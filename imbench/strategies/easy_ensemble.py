"""EasyEnsemble: the model bagged on balanced random undersamples of the training rows."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec
from imbench.strategies.base import EnsembleComponent, FitContext, register_component


@register_component
class EasyEnsemble(EnsembleComponent):
    """``imblearn.ensemble.EasyEnsembleClassifier`` with the chosen model as its estimator."""

    name = "easy_ensemble"
    summary = "bag the model over balanced undersamples (Liu et al. 2009)"

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {"n_estimators": trial.suggest_int("n_estimators", 4, 12)}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"n_estimators": 10}

    def wrap(
        self, model_estimator: Any, model: ModelSpec, model_params: dict[str, Any], params: dict[str, Any], seed: int
    ) -> Any:
        from imblearn.ensemble import EasyEnsembleClassifier

        return EasyEnsembleClassifier(
            estimator=model_estimator, n_estimators=int(params.get("n_estimators", 10)), n_jobs=1, random_state=seed
        )
