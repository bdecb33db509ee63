"""Settings scaled to the minority, cost exponents, valid sampler draws and the fast tuning protocol."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import drop_timing, make_tiny

from imbench.datasets.base import Dataset
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.prepared import TrialFitter
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.splits import inner_folds, outer_folds
from imbench.models import MODELS
from imbench.pipeline.build import build_pipeline
from imbench.strategies import parse_strategy
from imbench.sweep.experiment import evaluate

P = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=3, seed=0)
ENSEMBLES = ["none", "easy_ensemble", "balanced_bagging", "rus_boost", "balanced_rf"]


def eight_positives(seed: int = 0) -> Dataset:
    """120 rows of which 8 positives, separable enough that a model that splits at all ranks them."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(8), np.zeros(112)].astype(np.int8)
    X = rng.normal(size=(120, 4)) + 1.5 * y[:, None]
    return Dataset("eight", pd.DataFrame(X, columns=[f"x{i}" for i in range(4)]), y, "test")


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("ensemble", ENSEMBLES)
@pytest.mark.parametrize("model", sorted(MODELS.names()))
def test_defaults_fit_non_constant_models_on_eight_positives(model: str, ensemble: str) -> None:
    if parse_strategy(ensemble).skip(MODELS.get(model)):
        pytest.skip("not applicable")
    ds = eight_positives()
    est = build_pipeline(ensemble, model, seed=0).fit(ds.X, ds.y)
    scores = est.predict_proba(ds.X)[:, 1]
    assert np.ptp(scores) > 1e-6, "constant scores"
    assert scores[ds.y == 1].mean() > scores[ds.y == 0].mean()


def test_leaf_sizes_follow_the_minority_the_model_sees() -> None:
    lgb, rf, xgb = MODELS.get("lightgbm"), MODELS.get("random_forest"), MODELS.get("xgboost")
    small, large = lgb.resolve(lgb.defaults(), 8, 8), lgb.resolve(lgb.defaults(), 800, 8000)
    assert small["min_child_samples"] == 1 and small["min_data_in_bin"] == 1
    assert large["min_child_samples"] == 40 and large["min_data_in_bin"] == 3
    assert lgb.resolve({"min_child_samples": 20}, 8, 8)["min_child_samples"] == 20  # explicit wins
    assert rf.resolve(rf.defaults(), 8, 100)["min_samples_leaf"] == 1
    # the hessian floor of a balanced bag is far above that of the 1:100 rows it came from
    bag = xgb.resolve(xgb.defaults(), 14, 14)["min_child_weight"]
    full = xgb.resolve(xgb.defaults(), 14, 1400)["min_child_weight"]
    assert 0 < full < bag < 1.0


@pytest.mark.parametrize("ensemble", ["easy_ensemble", "balanced_bagging", "rus_boost"])
def test_ensemble_members_are_sized_to_their_bag(ensemble: str) -> None:
    ds = make_tiny(n=600, ir=20)  # about 29 positives: the full rows hold 570 negatives, a bag 2 × 29 rows
    est = build_pipeline(ensemble, "lightgbm", seed=0, model__n_estimators=5, model__min_leaf_frac=0.3)
    est.fit(ds.X, ds.y)
    n_pos = int(ds.y.sum())
    member = est.pipeline_.named_steps["model"].estimator
    member = getattr(member, "estimator", member)  # RUSBoost's mean-one weight wrapper
    assert member.get_params()["min_child_samples"] == round(0.3 * n_pos)


def test_cost_weight_is_neg_pos_to_the_alpha() -> None:
    ds = make_tiny(n=200, ir=9.0)
    neg_pos = float(np.sum(ds.y == 0) / np.sum(ds.y == 1))
    for alpha, expected in [(0.0, 1.0), (0.5, neg_pos**0.5), (1.0, neg_pos), (1.25, neg_pos**1.25)]:
        est = build_pipeline("class_weight", "logreg", class_weight__alpha=alpha).fit(ds.X, ds.y)
        assert est.pipeline_.named_steps["model"].class_weight[1] == pytest.approx(expected)
        est = build_pipeline("scale_pos_weight", "xgboost", scale_pos_weight__alpha=alpha, model__n_estimators=3).fit(
            ds.X, ds.y
        )
        assert est.pipeline_.named_steps["model"].get_params()["scale_pos_weight"] == pytest.approx(expected)


def test_adasyn_with_nothing_to_generate_returns_the_rows() -> None:
    # minority far from the majority: no minority row has a majority neighbour, so ADASYN has no "hard" rows
    X = np.r_[np.zeros((10, 2)) + np.arange(10)[:, None] * 0.01, 100 + np.random.default_rng(0).normal(size=(40, 2))]
    y = np.r_[np.ones(10), np.zeros(40)].astype(int)
    est = build_pipeline("adasyn", "logreg", adasyn__n_neighbors=3).fit(X, y)
    assert any("nothing generated" in a for a in est.adaptations_)


@pytest.mark.parametrize(
    ("strategy", "model", "mixed"),
    [
        ("none", "logreg", True),
        ("smote", "logreg", True),
        ("adasyn", "random_forest", True),
        ("class_weight", "random_forest", False),
        ("random_under", "logreg", False),
        ("smote_tomek", "logreg", True),
        ("easy_ensemble", "logreg", False),
        ("scale_pos_weight", "xgboost", False),
    ],
)
def test_prepared_folds_score_like_refitting_the_pipeline(strategy: str, model: str, mixed: bool) -> None:
    ds = make_tiny(n=240, categorical=mixed, missing=mixed, name="prepared")
    of = outer_folds(ds.y, P, ds.name)[0]
    X, y = ds.X.iloc[of.train], ds.y[of.train]
    folds = inner_folds(y, P.inner_folds, seed=3)
    strat, spec = parse_strategy(strategy), MODELS.get(model)
    fitter = TrialFitter.prepare(strat, spec, replace(P, fast=False), X, y, folds, ds.categorical, seed=3)
    params = {"model__n_estimators": 7} if spec.early_stopping else {}
    for i, (tr, va) in enumerate(folds):
        for _ in range(2):  # the second call reuses the fold's cached sampler output
            prepared, _rounds = fitter.fit_score(i, params)
            full = (
                build_pipeline(strat.name, model, seed=3, categorical=ds.categorical, with_decision=False, **params)
                .fit(X.iloc[tr], y[tr])
                .predict_proba(X.iloc[va])[:, 1]
            )
            np.testing.assert_allclose(prepared, full, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("model", ["xgboost", "lightgbm"])
def test_early_stopping_never_sees_outer_test_rows(model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = make_tiny(n=240, categorical=True, missing=True, name="early-stop")
    of = outer_folds(ds.y, P, ds.name)[1]
    seen: list[np.ndarray] = []
    original = TrialFitter.prepare.__func__  # type: ignore[attr-defined]

    def prepare(cls: type, strategy: Any, spec: Any, protocol: Any, X: Any, *args: Any, **kw: Any) -> Any:
        seen.append(X.index.to_numpy().copy())
        return original(cls, strategy, spec, protocol, X, *args, **kw)

    monkeypatch.setattr(TrialFitter, "prepare", classmethod(prepare))
    key = CellKey(ds.name, "none", model, 1)
    row = run_cell(ds, key, P).row
    assert row["status"] == "ok", row["error"]
    assert len(seen) == 1 and set(seen[0].tolist()) == set(of.train.tolist())  # inner folds cut from these rows
    assert isinstance(row["p_model__n_estimators"], int)  # learned on the inner folds, used by the refit
    # black box: scrambling the outer test rows changes the test score, never what tuning chose
    X = ds.X.copy()
    X.iloc[of.test, 0] = np.random.default_rng(5).normal(0, 100, len(of.test))
    scrambled = run_cell(Dataset(ds.name, X, ds.y, ds.source, categorical=list(ds.categorical)), key, P).row
    chosen = {k: v for k, v in row.items() if k.startswith("p_") or k == "inner_score"}
    assert chosen == {k: v for k, v in scrambled.items() if k.startswith("p_") or k == "inner_score"}
    assert scrambled["test_average_precision"] != row["test_average_precision"]


def test_fast_switch_off_searches_n_estimators_and_refits_every_trial() -> None:
    ds = make_tiny(n=200, name="switch")
    off = run_cell(ds, CellKey(ds.name, "none", "lightgbm", 0), replace(P, fast=False)).row
    on = run_cell(ds, CellKey(ds.name, "none", "lightgbm", 0), P).row
    assert off["status"] == on["status"] == "ok"
    assert {"p_model__n_estimators", "p_model__learning_rate"} <= set(off)
    assert on["p_model__n_estimators"] >= 1 and on["inner_score"] != off["inner_score"]


@pytest.mark.parametrize("pruner", ["halving", "hyperband", "none"])
def test_other_pruners_run(pruner: str) -> None:
    ds = make_tiny(n=160, name="pruner")
    row = run_cell(ds, CellKey(ds.name, "smote", "logreg", 0), replace(P, pruner=pruner, n_trials=4)).row
    assert row["status"] == "ok" and row["trials"] == 4


def test_fast_protocol_is_deterministic_across_jobs() -> None:
    ds = make_tiny(n=160, categorical=True, missing=True, name="fast-jobs")
    kw: dict[str, Any] = {"n_trials": 2, "outer_folds": 2, "inner_folds": 2}
    serial = evaluate(ds, ["smote", "scale_pos_weight"], ["xgboost"], jobs=1, seed=0, **kw)
    parallel = evaluate(ds, ["smote", "scale_pos_weight"], ["xgboost"], jobs=2, seed=0, **kw)
    assert (serial["status"] == "ok").all()
    pd.testing.assert_frame_equal(drop_timing(serial), drop_timing(parallel))
