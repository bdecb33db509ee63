"""``tree_codes``: tree models fit on the ordinal codes of categorical columns instead of one-hot columns, unless an
interpolating sampler must run after encoding; off by default, so existing runs and their config hashes stay."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imbench.comparison.costs import cell_cost, table_size
from imbench.evaluation.protocol import EvalProtocol
from imbench.pipeline import build_pipeline
from imbench.strategies import parse_strategy


def _frame(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    level = rng.integers(0, 30, n)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "z": rng.normal(size=n),
            "state": pd.Categorical([f"s{v}" for v in level]),
            "kind": pd.Categorical(rng.choice(["a", "b", "c"], n)),
        }
    )
    y = ((level < 3) | (X["x"] > 1.6)).astype(int).to_numpy()
    return X, y


@pytest.mark.parametrize(
    ("strategy", "model", "one_hot"),
    [
        ("none", "lightgbm", False),
        ("smote", "random_forest", False),  # SMOTE-NC on the codes, then the forest on them
        ("scale_pos_weight", "xgboost", False),
        ("adasyn", "lightgbm", True),  # ADASYN interpolates: it needs the one-hot columns
        ("none", "logreg", True),  # not a tree: one-hot always
    ],
)
def test_trees_get_codes_unless_a_sampler_needs_one_hot(strategy: str, model: str, one_hot: bool) -> None:
    X, y = _frame()
    fitted = build_pipeline(strategy, model, tree_codes=True, seed=0).fit(X, y)
    assert ("onehot" in fitted.pipeline_.named_steps) is one_hot
    width = fitted.pipeline_.named_steps["model"].n_features_in_
    assert width == (2 + 30 + 3 if one_hot else 4)
    default = build_pipeline(strategy, model, seed=0).fit(X, y)
    assert "onehot" in default.pipeline_.named_steps  # off by default
    p = fitted.predict_proba(X)
    assert p.shape == (len(X), 2) and np.isfinite(p).all()


def test_unseen_levels_at_predict_time_are_one_code() -> None:
    X, y = _frame()
    fitted = build_pipeline("none", "random_forest", tree_codes=True, seed=0).fit(X, y)
    new = X.head(5).assign(state=pd.Categorical(["never_seen"] * 5))
    assert np.isfinite(fitted.predict_proba(new)).all()


def test_the_protocol_keeps_old_hashes_and_the_planner_counts_code_columns() -> None:
    assert "tree_codes" not in EvalProtocol().to_dict()
    assert EvalProtocol(tree_codes=True).to_dict()["tree_codes"] is True
    X, y = _frame(2000)
    size = table_size(X, y, ["state", "kind"])
    assert size.width("lightgbm") == 35 and size.width("lightgbm", codes=True) == 4
    assert size.width("logreg", codes=True) == 35
    on, off = EvalProtocol(tree_codes=True), EvalProtocol()
    none = parse_strategy("none")
    assert cell_cost(none, "random_forest", on, size).per_trial < cell_cost(none, "random_forest", off, size).per_trial
    adasyn = parse_strategy("adasyn")
    assert cell_cost(adasyn, "random_forest", on, size) == cell_cost(adasyn, "random_forest", off, size)
