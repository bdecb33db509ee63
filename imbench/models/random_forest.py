"""Random forest (one thread per model; cells are the unit of parallelism)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import LEAF_FRAC, ModelSpec, leaf_rows, register_model

DEFAULT_LEAF_FRAC = 0.001
"""One row per leaf (the library default) up to 1000 minority rows, then 0.1 % of them."""


@register_model
class RandomForest(ModelSpec):
    """``sklearn.ensemble.RandomForestClassifier``; tunes depth, leaf size (as a share of the minority), features."""

    name = "random_forest"
    capabilities = frozenset({"class_weight", "sample_weight"})
    scale = False

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_jobs=1, random_state=seed, **params)

    def suggest(self, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 50, 200, log=True),
            "max_depth": trial.suggest_int("max_depth", 3, 20, log=True),
            LEAF_FRAC: trial.suggest_float(LEAF_FRAC, 0.001, 0.2, log=True),
            "max_features": trial.suggest_float("max_features", 0.1, 1.0),
        }

    def defaults(self, early_stopping: bool = False) -> dict[str, Any]:
        return {"n_estimators": 100, "max_depth": 20, LEAF_FRAC: DEFAULT_LEAF_FRAC, "max_features": 0.3}

    def resolve(self, params: dict[str, Any], n_pos: int, n_neg: int) -> dict[str, Any]:
        out = dict(params)
        frac = float(out.pop(LEAF_FRAC, DEFAULT_LEAF_FRAC))
        out.setdefault("min_samples_leaf", leaf_rows(frac, min(n_pos, n_neg), cap=50))
        return out
