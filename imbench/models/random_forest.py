"""Random forest (one thread per model; cells are the unit of parallelism)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec, register_model


@register_model
class RandomForest(ModelSpec):
    """``sklearn.ensemble.RandomForestClassifier``; tunes depth, leaf size and feature fraction."""

    name = "random_forest"
    capabilities = frozenset({"class_weight", "sample_weight"})
    scale = False

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_jobs=1, random_state=seed, **params)

    def suggest(self, trial: Any) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 50, 200, log=True),
            "max_depth": trial.suggest_int("max_depth", 3, 20, log=True),
            "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 20, log=True),
            "max_features": trial.suggest_float("max_features", 0.1, 1.0),
        }

    def defaults(self) -> dict[str, Any]:
        return {"n_estimators": 100, "max_depth": 20, "min_samples_leaf": 1, "max_features": 0.3}
