"""LightGBM gradient boosting (imported lazily, silent, one thread)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import EARLY_STOPPING_ROUNDS, LEAF_FRAC, MAX_ROUNDS, ModelSpec, leaf_rows, register_model

DEFAULT_LEAF_FRAC = 0.05
"""A leaf needs 5 % of the minority rows the model sees (20 rows, the library default, at 400 positives)."""


@register_model
class LightGBM(ModelSpec):
    """``lightgbm.LGBMClassifier``; tunes learning rate, leaves, leaf size (as a share of the minority) and sampling.

    Under early stopping the number of trees is learned on the inner validation fold, not searched.
    """

    name = "lightgbm"
    capabilities = frozenset({"class_weight", "scale_pos_weight", "sample_weight"})
    scale = False
    takes_codes = True
    early_stopping = True

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from lightgbm import LGBMClassifier

        extra: dict[str, Any] = {"subsample_freq": 1} if params.get("subsample", 1.0) < 1.0 else {}
        return LGBMClassifier(
            n_jobs=1, random_state=seed, verbose=-1, deterministic=True, force_col_wise=True, **extra, **params
        )

    def suggest(self, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        rounds = {} if early_stopping else {"n_estimators": trial.suggest_int("n_estimators", 50, 400, log=True)}
        return {
            **rounds,
            "learning_rate": trial.suggest_float("learning_rate", 0.03 if early_stopping else 0.02, 0.3, log=True),
            "num_leaves": trial.suggest_int("num_leaves", 4, 64, log=True),
            LEAF_FRAC: trial.suggest_float(LEAF_FRAC, 0.005, 0.3, log=True),
            "subsample": trial.suggest_float("subsample", 0.6, 1.0),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
        }

    def defaults(self, early_stopping: bool = False) -> dict[str, Any]:
        rounds = {} if early_stopping else {"n_estimators": 100}
        return {
            **rounds,
            "learning_rate": 0.1,
            "num_leaves": 31,
            LEAF_FRAC: DEFAULT_LEAF_FRAC,
            "subsample": 1.0,
            "colsample_bytree": 1.0,
        }

    def resolve(self, params: dict[str, Any], n_pos: int, n_neg: int) -> dict[str, Any]:
        out = dict(params)
        frac = float(out.pop(LEAF_FRAC, DEFAULT_LEAF_FRAC))
        n_min = min(n_pos, n_neg)
        out.setdefault("min_child_samples", leaf_rows(frac, n_min, cap=50))
        out.setdefault("min_data_in_bin", min(3, max(1, n_min // 10)))  # bins of 3 rows hide a 10-row minority
        return out

    def fit_early(self, estimator: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> int:
        import lightgbm

        estimator.set_params(n_estimators=MAX_ROUNDS)
        estimator.fit(
            X, y, eval_X=X_val, eval_y=y_val, callbacks=[lightgbm.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)]
        )
        return max(1, int(estimator.best_iteration_ or estimator.n_estimators))
