"""LightGBM gradient boosting (imported lazily, silent, one thread)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec, register_model


@register_model
class LightGBM(ModelSpec):
    """``lightgbm.LGBMClassifier``; tunes trees, learning rate, leaves and sampling."""

    name = "lightgbm"
    capabilities = frozenset({"class_weight", "scale_pos_weight", "sample_weight"})
    scale = False

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from lightgbm import LGBMClassifier

        extra: dict[str, Any] = {"subsample_freq": 1} if params.get("subsample", 1.0) < 1.0 else {}
        return LGBMClassifier(n_jobs=1, random_state=seed, verbose=-1, deterministic=True,
                              force_col_wise=True, **extra, **params)

    def suggest(self, trial: Any) -> dict[str, Any]:
        return {
            "n_estimators": trial.suggest_int("n_estimators", 50, 400, log=True),
            "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
            "num_leaves": trial.suggest_int("num_leaves", 4, 64, log=True),
            "min_child_samples": trial.suggest_int("min_child_samples", 2, 50, log=True),
            "subsample": trial.suggest_float("subsample", 0.6, 1.0),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
        }

    def defaults(self) -> dict[str, Any]:
        return {"n_estimators": 100, "learning_rate": 0.1, "num_leaves": 31, "min_child_samples": 20,
                "subsample": 1.0, "colsample_bytree": 1.0}
