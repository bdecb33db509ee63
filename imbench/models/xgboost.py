"""XGBoost with the histogram tree method (imported lazily)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec, register_model


@register_model
class XGBoost(ModelSpec):
    """``xgboost.XGBClassifier`` (hist); tunes trees, learning rate, depth and sampling."""

    name = "xgboost"
    capabilities = frozenset({"scale_pos_weight", "sample_weight"})
    scale = False

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from xgboost import XGBClassifier

        return XGBClassifier(tree_method="hist", n_jobs=1, random_state=seed, verbosity=0,
                             eval_metric="logloss", **params)

    def suggest(self, trial: Any) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 50, 400, log=True),
            "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
            "max_depth": trial.suggest_int("max_depth", 2, 8),
            "subsample": trial.suggest_float("subsample", 0.6, 1.0),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
            "min_child_weight": trial.suggest_float("min_child_weight", 0.1, 10.0, log=True),
        }

    def defaults(self) -> dict[str, Any]:
        return {"n_estimators": 100, "learning_rate": 0.1, "max_depth": 6, "subsample": 1.0,
                "colsample_bytree": 1.0, "min_child_weight": 1.0}
