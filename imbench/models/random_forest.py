"""Random forest (one thread per model; cells are the unit of parallelism)."""

from __future__ import annotations

from typing import Any

from imbench.models.base import LEAF_FRAC, ModelSpec, leaf_rows, register_model

DEFAULT_LEAF_FRAC = 0.001
"""One row per leaf (the library default) up to 1000 minority rows, then 0.1 % of them."""
TREE_ROWS = 50_000
"""Above this many training rows each tree grows on a bootstrap sample of this many rows (``max_samples``):
a forest's cost then stops growing with the table, and the ensemble still sees every row across its trees."""


@register_model
class RandomForest(ModelSpec):
    """``sklearn.ensemble.RandomForestClassifier``; tunes depth, leaf size (as a share of the minority), features."""

    name = "random_forest"
    capabilities = frozenset({"class_weight", "sample_weight"})
    scale = False
    takes_codes = True
    early_stopping = False
    """Not grown by early stopping: trial forests grown in stages until the inner-validation log-loss stalled
    lost 0.046 outer PR-AUC (95 % CI 0.019-0.072) against searching ``n_estimators`` and saved no CPU;
    fixed 32-tree trial forests saved 2.1x CPU and lost 0.030 (0.008-0.053), on 90 paired keel cells
    (``benchmarks/perf/forest_stopping.py``). So ``n_estimators`` stays in the search space."""

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
        if n_pos + n_neg > TREE_ROWS:
            out.setdefault("max_samples", TREE_ROWS / (n_pos + n_neg))
        return out
