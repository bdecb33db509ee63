"""XGBoost with the histogram tree method (imported lazily)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import EARLY_STOPPING_ROUNDS, LEAF_FRAC, MAX_ROUNDS, ModelSpec, register_model

DEFAULT_LEAF_FRAC = 0.05
"""A leaf needs the hessian of 5 % of the minority rows the model sees."""


@register_model
class XGBoost(ModelSpec):
    """``xgboost.XGBClassifier`` (hist); tunes learning rate, depth, sampling and the leaf weight floor.

    ``min_child_weight`` is in hessian units: at a base score near the prior p every row weighs
    p(1 − p), so the library default 1 needs about 100 rows per leaf at 1:100. It is resolved in
    fit as ``min_leaf_frac`` × minority rows × p(1 − p) of the rows the model sees.
    """

    name = "xgboost"
    capabilities = frozenset({"scale_pos_weight", "sample_weight"})
    scale = False
    takes_codes = True
    early_stopping = True

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from xgboost import XGBClassifier

        return XGBClassifier(
            tree_method="hist", n_jobs=1, random_state=seed, verbosity=0, eval_metric="logloss", **params
        )

    def suggest(self, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        rounds = {} if early_stopping else {"n_estimators": trial.suggest_int("n_estimators", 50, 400, log=True)}
        return {
            **rounds,
            "learning_rate": trial.suggest_float("learning_rate", 0.03 if early_stopping else 0.02, 0.3, log=True),
            "max_depth": trial.suggest_int("max_depth", 2, 8),
            "subsample": trial.suggest_float("subsample", 0.6, 1.0),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
            LEAF_FRAC: trial.suggest_float(LEAF_FRAC, 0.005, 0.3, log=True),
        }

    def defaults(self, early_stopping: bool = False) -> dict[str, Any]:
        rounds = {} if early_stopping else {"n_estimators": 100}
        return {
            **rounds,
            "learning_rate": 0.1,
            "max_depth": 6,
            "subsample": 1.0,
            "colsample_bytree": 1.0,
            LEAF_FRAC: DEFAULT_LEAF_FRAC,
        }

    def resolve(self, params: dict[str, Any], n_pos: int, n_neg: int) -> dict[str, Any]:
        out = dict(params)
        frac = float(out.pop(LEAF_FRAC, DEFAULT_LEAF_FRAC))
        n = max(n_pos + n_neg, 1)
        p = n_pos / n
        out.setdefault("min_child_weight", min(10.0, frac * min(n_pos, n_neg) * p * (1.0 - p)))
        return out

    def fit_early(self, estimator: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> int:
        estimator.set_params(n_estimators=MAX_ROUNDS, early_stopping_rounds=EARLY_STOPPING_ROUNDS)
        estimator.fit(X, y, eval_set=[(X_val, y_val)], verbose=False)
        return int(estimator.best_iteration) + 1
