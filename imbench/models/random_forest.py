"""Random forest (one thread per model; cells are the unit of parallelism)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import LEAF_FRAC, ModelSpec, leaf_rows, register_model

TREE_STAGES = (25, 50, 100, 200)
"""Forest sizes tried in turn under early stopping (warm start: each stage adds trees to the last)."""
MIN_GAIN = 0.002
"""Validation log-loss gain a larger forest must bring to be grown further."""
DEFAULT_LEAF_FRAC = 0.001
"""One row per leaf (the library default) up to 1000 minority rows, then 0.1 % of them."""


@register_model
class RandomForest(ModelSpec):
    """``sklearn.ensemble.RandomForestClassifier``; tunes depth, leaf size (as a share of the minority), features."""

    name = "random_forest"
    capabilities = frozenset({"class_weight", "sample_weight"})
    scale = False
    early_stopping = True

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_jobs=1, random_state=seed, **params)

    def suggest(self, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        trees = {} if early_stopping else {"n_estimators": trial.suggest_int("n_estimators", 50, 200, log=True)}
        return {
            **trees,
            "max_depth": trial.suggest_int("max_depth", 3, 20, log=True),
            LEAF_FRAC: trial.suggest_float(LEAF_FRAC, 0.001, 0.2, log=True),
            "max_features": trial.suggest_float("max_features", 0.1, 1.0),
        }

    def defaults(self, early_stopping: bool = False) -> dict[str, Any]:
        trees = {} if early_stopping else {"n_estimators": 100}
        return {**trees, "max_depth": 20, LEAF_FRAC: DEFAULT_LEAF_FRAC, "max_features": 0.3}

    def resolve(self, params: dict[str, Any], n_pos: int, n_neg: int) -> dict[str, Any]:
        out = dict(params)
        frac = float(out.pop(LEAF_FRAC, DEFAULT_LEAF_FRAC))
        out.setdefault("min_samples_leaf", leaf_rows(frac, min(n_pos, n_neg), cap=50))
        return out

    def fit_early(self, estimator: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> int:
        """Grow the forest in stages (25, 50, 100, 200 trees) while the validation log-loss improves.

        A forest does not overfit with more trees, it only stops improving: the first stage that
        gains less than ``MIN_GAIN`` ends the growth and the previous size is kept.
        """
        from sklearn.metrics import log_loss

        estimator.set_params(warm_start=True)
        best, kept = float("inf"), TREE_STAGES[0]
        for n in TREE_STAGES:
            estimator.set_params(n_estimators=n).fit(X, y)
            loss = log_loss(y_val, estimator.predict_proba(X_val)[:, 1], labels=[0, 1])
            if loss > best - MIN_GAIN:
                break
            best, kept = loss, n
        # the trees of a larger stage that did not pay are dropped: the same forest as fitting ``kept`` trees
        estimator.estimators_ = estimator.estimators_[:kept]
        estimator.set_params(n_estimators=kept, warm_start=False)
        return kept
