"""prior_correction, calibrate and focal_loss: the maths, the composition rules and what each fit reads.

The registry-wide families (conformance, leakage, determinism, estimator checks) cover these
components too; this file checks what is specific to them: focal loss's derivatives against finite
differences, the odds factor read from the rows a pipeline is fitted on, the calibration folds, and
that no fit of the new wrappers sees outer test rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import drop_timing, make_tiny
from scipy.special import expit, logit
from sklearn.metrics import average_precision_score
from sklearn.model_selection import train_test_split

from imbench.core.errors import ConfigError
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.splits import outer_folds
from imbench.models import MODELS
from imbench.pipeline.build import build_pipeline
from imbench.strategies import FAMILIES, parse_strategy
from imbench.strategies._focal import (
    HESSIAN_FLOOR,
    FocalBoosted,
    FocalObjective,
    best_constant_margin,
    focal_grad_hess,
    focal_loss,
)
from imbench.sweep.experiment import evaluate

GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
ALPHAS = [None, 0.25, 0.8]
MARGINS = np.linspace(-8.0, 8.0, 161)


def split(n: int = 600, ir: float = 9.0, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    ds = make_tiny(n=n, ir=ir, seed=seed, sep=1.0, categorical=True, missing=True)
    X_tr, X_te, y_tr, y_te = train_test_split(ds.X, ds.y, test_size=0.3, stratify=ds.y, random_state=seed)
    return X_tr, X_te, y_tr, y_te


# --- focal loss: derivatives -----------------------------------------------------------------


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("label", [0, 1])
def test_focal_gradient_and_hessian_match_finite_differences(label: int, gamma: float, alpha: float | None) -> None:
    y = np.full_like(MARGINS, label)
    eps = 1e-5
    grad, hess = focal_grad_hess(y, MARGINS, gamma, alpha)
    num_grad = (focal_loss(y, MARGINS + eps, gamma, alpha) - focal_loss(y, MARGINS - eps, gamma, alpha)) / (2 * eps)
    np.testing.assert_allclose(grad, num_grad, rtol=1e-5, atol=1e-8)
    g_plus, _ = focal_grad_hess(y, MARGINS + eps, gamma, alpha)
    g_minus, _ = focal_grad_hess(y, MARGINS - eps, gamma, alpha)
    np.testing.assert_allclose(hess, (g_plus - g_minus) / (2 * eps), rtol=1e-5, atol=1e-8)
    # and the second difference of the loss itself (coarser step: it cancels twice)
    h = 1e-3
    second = (
        focal_loss(y, MARGINS + h, gamma, alpha)
        - 2 * focal_loss(y, MARGINS, gamma, alpha)
        + focal_loss(y, MARGINS - h, gamma, alpha)
    ) / h**2
    np.testing.assert_allclose(hess, second, rtol=1e-3, atol=1e-6)


def test_focal_loss_with_gamma_zero_is_the_logistic_loss() -> None:
    y = (np.arange(len(MARGINS)) % 2).astype(float)
    p = expit(MARGINS)
    np.testing.assert_allclose(focal_loss(y, MARGINS, 0.0), -(y * np.log(p) + (1 - y) * np.log(1 - p)), rtol=1e-10)
    grad, hess = focal_grad_hess(y, MARGINS, 0.0)
    np.testing.assert_allclose(grad, p - y, atol=1e-12)
    np.testing.assert_allclose(hess, p * (1 - p), atol=1e-12)
    # alpha weights positives by alpha and negatives by 1 - alpha
    grad_a, _ = focal_grad_hess(y, MARGINS, 0.0, 0.3)
    np.testing.assert_allclose(grad_a, np.where(y == 1, 0.3, 0.7) * (p - y), atol=1e-12)


def test_focal_loss_down_weights_easy_rows() -> None:
    y = np.ones(3)
    z = np.array([-2.0, 0.0, 4.0])  # hard, unsure, easy positive
    ratio = focal_loss(y, z, 2.0) / focal_loss(y, z, 0.0)
    np.testing.assert_allclose(ratio, (1 - expit(z)) ** 2)
    assert ratio[2] < 1e-3 < ratio[0]


def test_objective_gives_boosters_a_positive_curvature_and_applies_weights() -> None:
    y = np.array([1.0, 1.0, 0.0, 0.0])
    z = np.array([-6.0, 1.0, 6.0, -1.0])  # two confidently wrong rows: negative exact curvature at gamma 2
    grad, exact = focal_grad_hess(y, z, 2.0)
    assert (exact[[0, 2]] < 0).all()
    g, h = FocalObjective(2.0)(y, z)
    np.testing.assert_allclose(g, grad)
    np.testing.assert_allclose(h, np.maximum(np.abs(exact), HESSIAN_FLOOR))
    assert (h > 0).all()
    w = np.array([1.0, 2.0, 0.5, 0.0])
    gw, hw = FocalObjective(2.0)(y, z, w)
    np.testing.assert_allclose(gw, g * w)
    np.testing.assert_allclose(hw, h * w)


def test_starting_margin_minimises_the_focal_loss() -> None:
    y = np.r_[np.ones(10), np.zeros(90)]
    assert best_constant_margin(y, 0.0, None) == pytest.approx(logit(0.1), abs=1e-6)  # LightGBM's boost_from_average
    b = best_constant_margin(y, 2.0, 0.25)
    total = [focal_loss(y, np.full(100, b + d), 2.0, 0.25).sum() for d in (-0.01, 0.0, 0.01)]
    assert total[1] <= min(total[0], total[2])
    assert b > logit(0.1)  # gamma down-weights the easy majority: the constant moves towards 0.5


# --- focal loss: the estimator ---------------------------------------------------------------


@pytest.mark.parametrize("model", ["lightgbm", "xgboost"])
def test_focal_loss_at_gamma_zero_reproduces_the_library_logistic_objective(model: str) -> None:
    """γ = 0, α off is the log-loss: the custom-objective path (start margin, raw margin + sigmoid) must
    give the library's own binary:logistic probabilities."""
    X_tr, X_te, y_tr, _ = split()
    spec = MODELS.get(model)
    params = {"n_estimators": 30, "learning_rate": 0.1}
    if model == "xgboost":  # the library's own start: the log-odds of the positive rate, as ours
        params["base_score"] = float(np.mean(y_tr))
    prep = build_pipeline("none", "logreg").fit(X_tr, y_tr).pipeline_.named_steps["prep"]
    A_tr, A_te = prep.transform(X_tr), prep.transform(X_te)
    reference = spec.build(params, 0).fit(A_tr, y_tr).predict_proba(A_te)[:, 1]
    focal = FocalBoosted(spec.build(params, 0), gamma=0.0).fit(A_tr, y_tr)
    np.testing.assert_allclose(focal.predict_proba(A_te)[:, 1], reference, atol=2e-3)
    np.testing.assert_allclose(focal.predict_proba(A_te)[:, 1], expit(focal.decision_function(A_te)))


@pytest.mark.parametrize("model", ["lightgbm", "xgboost"])
def test_focal_pipeline_returns_probabilities_from_the_raw_margin(model: str, recwarn: pytest.WarningsRecorder) -> None:
    X_tr, X_te, y_tr, y_te = split(n=800)
    est = build_pipeline(
        "focal_loss", model, seed=0, focal_loss__gamma=2.0, focal_loss__alpha_on=True, focal_loss__alpha=0.6
    ).fit(X_tr, y_tr)
    booster = est.pipeline_.named_steps["model"]
    assert isinstance(booster, FocalBoosted) and booster.alpha == 0.6 and booster.gamma == 2.0
    assert isinstance(booster.estimator_.get_params()["objective"], FocalObjective)
    p = est.predict_proba(X_te)[:, 1]
    assert ((p > 0) & (p < 1)).all() and len(np.unique(p)) > 10
    assert average_precision_score(y_te, p) > 2 * y_te.mean()  # it learned something
    assert not [w for w in recwarn if "raw scores" in str(w.message)]


def test_focal_loss_takes_row_weights_inside_rus_boost(fast_models: None) -> None:
    X_tr, X_te, y_tr, _ = split()
    est = build_pipeline("focal_loss+rus_boost", "lightgbm", seed=0, rus_boost__n_estimators=3).fit(X_tr, y_tr)
    p = est.predict_proba(X_te)[:, 1]
    assert np.isfinite(p).all()


@pytest.mark.parametrize("model", ["logreg", "random_forest"])
def test_focal_loss_does_not_apply_to_models_without_a_custom_objective(model: str) -> None:
    reason = parse_strategy("focal_loss").skip(MODELS.get(model))
    assert reason is not None and "custom-objective" in reason
    with pytest.raises(ConfigError, match="not applicable"):
        build_pipeline("focal_loss", model)


# --- composition -----------------------------------------------------------------------------


def test_families_compose_inside_out_with_threshold_outermost() -> None:
    assert FAMILIES[-1] == "decision"
    assert FAMILIES.index("calibration") > FAMILIES.index("ensemble") > FAMILIES.index("loss")
    assert parse_strategy("threshold+calibrate+smote").name == "smote+calibrate+threshold"
    assert parse_strategy("prior_correction+easy_ensemble").name == "easy_ensemble+prior_correction"
    assert parse_strategy("threshold+focal_loss").name == "focal_loss+threshold"
    with pytest.raises(ConfigError, match="two calibration components"):
        parse_strategy("smote+prior_correction+calibrate")


@pytest.mark.parametrize(
    ("strategy", "fragment"),
    [
        ("prior_correction", "nothing to correct"),
        ("prior_correction+threshold", "nothing to correct"),
        ("rus_boost+prior_correction", "effective prior is unknown"),
        ("focal_loss+prior_correction", "no closed-form prior correction"),
        ("focal_loss+class_weight", "weighted twice"),
        ("focal_loss+scale_pos_weight", "weighted twice"),
    ],
)
def test_compositions_that_are_not_applicable_say_why(strategy: str, fragment: str) -> None:
    reason = parse_strategy(strategy).skip(MODELS.get("lightgbm"))
    assert reason is not None and fragment in reason


@pytest.mark.parametrize(
    "strategy",
    [
        "smote+prior_correction",
        "class_weight+prior_correction",
        "random_under+prior_correction",
        "easy_ensemble+prior_correction",
        "balanced_bagging+prior_correction",
        "calibrate",
        "easy_ensemble+calibrate",
        "focal_loss+calibrate+threshold",
        "smote+calibrate+threshold",
    ],
)
def test_compositions_that_apply(strategy: str) -> None:
    assert parse_strategy(strategy).skip(MODELS.get("lightgbm")) is None


# --- prior correction ------------------------------------------------------------------------


def _pos_neg(y: np.ndarray) -> float:
    return float(np.sum(y == 1) / np.sum(y == 0))


@pytest.mark.parametrize(
    ("strategy", "params", "expected"),
    [
        ("random_under+prior_correction", {"random_under__sampling_strategy": 0.5}, lambda y: 0.5 / _pos_neg(y)),
        ("smote+prior_correction", {}, lambda y: 1.0 / _pos_neg(y)),
        ("class_weight+prior_correction", {"class_weight__multiplier": 2.0}, lambda y: 2.0 / _pos_neg(y)),
        ("easy_ensemble+prior_correction", {"easy_ensemble__n_estimators": 3}, lambda y: 1.0 / _pos_neg(y)),
        (
            "random_over+class_weight+prior_correction",
            {"random_over__sampling_strategy": 0.5},
            lambda y: 0.5 / _pos_neg(y) / _pos_neg(y),
        ),
    ],
)
def test_prior_correction_divides_the_odds_by_the_factor_of_the_training_rows(
    strategy: str, params: dict, expected: object
) -> None:
    X_tr, X_te, y_tr, _ = split()
    est = build_pipeline(strategy, "logreg", seed=0, **params).fit(X_tr, y_tr)
    w = est.estimator_.weight_
    assert w == pytest.approx(expected(y_tr), rel=0.02)  # type: ignore[operator]
    raw = est.pipeline_.predict_proba(X_te)[:, 1]
    p = est.predict_proba(X_te)[:, 1]
    np.testing.assert_allclose(p / (1 - p), raw / (1 - raw) / w, rtol=1e-8)
    np.testing.assert_array_equal(np.argsort(p, kind="stable"), np.argsort(raw, kind="stable"))  # ranking kept


def test_prior_correction_reads_the_sampler_output_counts() -> None:
    """A cleaning sampler (ENN) leaves a ratio no parameter states: the factor uses what the model saw."""
    X_tr, _, y_tr, _ = split(n=800)
    est = build_pipeline("smote_enn+prior_correction", "logreg", seed=0).fit(X_tr, y_tr)
    counts = est.pipeline_.named_steps["sampler"].counts_
    assert counts[1] != counts[0]  # ENN removed rows after SMOTE balanced them
    assert est.estimator_.weight_ == pytest.approx((counts[1] / counts[0]) / _pos_neg(y_tr))


def test_prior_correction_restores_the_base_rate_and_the_brier_score() -> None:
    X_tr, X_te, y_tr, y_te = split(n=1500, ir=12, seed=3)
    from sklearn.metrics import brier_score_loss

    scores = {
        s: build_pipeline(s, "logreg", seed=0).fit(X_tr, y_tr).predict_proba(X_te)[:, 1]
        for s in ("none", "random_under", "random_under+prior_correction")
    }
    assert scores["random_under"].mean() > 2 * y_te.mean()  # trained at 1:1, it predicts far too many positives
    assert scores["random_under+prior_correction"].mean() == pytest.approx(y_te.mean(), rel=0.35)
    brier = {s: brier_score_loss(y_te, p) for s, p in scores.items()}
    assert brier["random_under+prior_correction"] < 0.6 * brier["random_under"]
    assert brier["random_under+prior_correction"] < 1.25 * brier["none"]


# --- calibrate -------------------------------------------------------------------------------


@pytest.mark.parametrize(("inner_folds", "n_pos", "folds"), [(3, 40, 3), (5, 3, 3), (3, 2, 2)])
def test_calibration_folds_are_the_inner_folds_capped_by_the_positives(
    inner_folds: int, n_pos: int, folds: int
) -> None:
    X_tr, _, y_tr, _ = split(n=400)
    keep = np.r_[np.flatnonzero(y_tr == 0), np.flatnonzero(y_tr == 1)[:n_pos]]
    est = build_pipeline("calibrate", "logreg", seed=0, inner_folds=inner_folds, calibrate__method="isotonic")
    est.fit(X_tr.iloc[keep], y_tr[keep])
    cal = est.estimator_.calibrated_
    assert cal.cv.get_n_splits() == folds and cal.method == "isotonic" and cal.ensemble is False
    assert list(est.pipeline_.named_steps) == ["prep", "onehot", "model"]


def test_sigmoid_calibration_keeps_the_ranking_and_fixes_the_base_rate() -> None:
    X_tr, X_te, y_tr, y_te = split(n=1500, ir=12, seed=3)
    est = build_pipeline("random_under+calibrate", "logreg", seed=0).fit(X_tr, y_tr)
    raw = est.pipeline_.predict_proba(X_te)[:, 1]  # the one model refitted on all rows
    p = est.predict_proba(X_te)[:, 1]
    np.testing.assert_array_equal(np.argsort(p, kind="stable"), np.argsort(raw, kind="stable"))
    assert raw.mean() > 2 * y_te.mean()
    assert p.mean() == pytest.approx(y_te.mean(), rel=0.35)


def test_threshold_after_calibrate_is_chosen_on_calibrated_scores(fast_models: None) -> None:
    X_tr, X_te, y_tr, _ = split()
    est = build_pipeline("smote+calibrate+threshold", "lightgbm", seed=0).fit(X_tr, y_tr)
    from imbench.strategies._calibrators import Recalibrated

    assert isinstance(est.estimator_.estimator_, Recalibrated)  # threshold wraps calibration
    p = est.predict_proba(X_te)[:, 1]
    np.testing.assert_array_equal(est.predict(X_te), (p >= est.best_threshold_).astype(int))
    assert "sampler" in est.pipeline_.named_steps


# --- leakage and determinism (the registry-wide tests use logreg, where focal loss does not apply) ---

P = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=2, seed=0)


@pytest.mark.parametrize("strategy", ["focal_loss", "focal_loss+calibrate+threshold", "easy_ensemble+prior_correction"])
def test_no_fit_sees_test_rows_with_lightgbm(strategy: str, monkeypatch: pytest.MonkeyPatch, fast_models: None) -> None:
    from test_evaluation_leakage import record_rows

    ds = make_tiny(categorical=True, missing=True, name="leak-new")
    fold = outer_folds(ds.y, P, ds.name)[1]
    calls = record_rows(monkeypatch)
    res = run_cell(ds, CellKey(ds.name, strategy, "lightgbm", 1), P)
    assert res.row["status"] == "ok", res.row["error"]
    train, test = set(fold.train.tolist()), set(fold.test.tolist())
    fits = [rows for what, rows in calls if what == "fit"]
    assert fits and all(set(rows.tolist()) <= train for rows in fits)
    assert sum(sorted(rows.tolist()) == sorted(train) for rows in fits) == 1  # one refit on the outer-train
    predictions = [rows for what, rows in calls if what == "predict_proba"]
    assert [i for i, rows in enumerate(predictions) if not test.isdisjoint(rows.tolist())] == [len(predictions) - 1]


def test_prior_correction_factor_comes_from_the_rows_it_is_fitted_on() -> None:
    """The factor is read from the fit's own rows: a subset with another prior gets its own factor."""
    ds = make_tiny(n=400, ir=6, categorical=True, name="leak-prior")
    neg, pos = np.flatnonzero(ds.y == 0), np.flatnonzero(ds.y == 1)
    subset = np.sort(np.r_[neg[:120], pos])  # pos/neg 1:2 here, 1:6 in the whole data
    est = build_pipeline("random_under+prior_correction", "logreg", seed=0).fit(ds.X.iloc[subset], ds.y[subset])
    assert est.estimator_.weight_ == pytest.approx(1.0 / _pos_neg(ds.y[subset]))
    assert est.estimator_.weight_ != pytest.approx(1.0 / _pos_neg(ds.y))


def test_new_strategies_are_deterministic(fast_models: None) -> None:
    ds = make_tiny(n=160, categorical=True, missing=True, name="determinism-calib")
    strategies = ["smote+prior_correction", "easy_ensemble+calibrate", "focal_loss"]
    kw = {"n_trials": 2, "outer_folds": 2, "inner_folds": 2, "seed": 0}
    a, b = evaluate(ds, strategies, ["lightgbm"], **kw), evaluate(ds, strategies, ["lightgbm"], **kw)
    assert (a["status"] == "ok").all(), a[["strategy", "error"]]
    pd.testing.assert_frame_equal(drop_timing(a), drop_timing(b))
    other = evaluate(ds, strategies, ["lightgbm"], **{**kw, "seed": 1})
    assert (other["test_brier"].to_numpy() != a["test_brier"].to_numpy()).any()


def test_list_strategies_documents_the_new_components() -> None:
    from imbench.cli.render import listing_table

    table = listing_table("strategies")
    names = list(table.columns[0].cells)
    families = dict(zip(names, table.columns[1].cells, strict=True))
    assert families["prior_correction"] == families["calibrate"] == "calibration"
    assert families["focal_loss"] == "loss"


def test_calibration_suite_takes_every_third_keel_dataset_per_tier() -> None:
    from imbench.evaluation.suites import load_suite

    keel = [d.spec for d in load_suite("keel").datasets]
    tiers = [keel[0:10], keel[10:20], keel[20:30], keel[30:]]  # keel.yaml: 10 low, 10 medium, 10 high, 7 extreme
    suite = load_suite("calibration")
    assert [d.spec for d in suite.datasets] == [d for tier in tiers for d in tier[::3]]
    assert len(suite.datasets) >= 12 and set(suite.models) == {"logreg", "lightgbm"}
    for base in ("smote", "random_under", "class_weight", "easy_ensemble"):
        assert {base, f"{base}+prior_correction", f"{base}+calibrate"} <= set(suite.strategies)
    assert {"none", "calibrate", "focal_loss"} <= set(suite.strategies)
    assert "smote+prior_correction" in load_suite("quick").strategies and "focal_loss" in load_suite("quick").strategies
