"""Test metrics against numbers worked out by hand, and the fast count-based metrics against sklearn."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from imblearn.metrics import geometric_mean_score

from imbench.core.errors import UnknownNameError
from imbench.core.metrics import (
    _FROM_COUNTS,
    METRICS,
    _count_metric,
    expected_calibration_error,
    expected_cost,
    get_metric,
    score_all,
    score_one,
    threshold_scorer,
)

# 4 positives, 9 negatives. Sorted by score: P .95, N .8, P .7, N .6, P .5, N .45, N .3, N .3, P .2, N .1, N .1, N .05, N .02
Y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
S = np.array([0.95, 0.7, 0.5, 0.2, 0.8, 0.45, 0.3, 0.3, 0.1, 0.1, 0.05, 0.6, 0.02])
# at threshold 0.5 (score >= 0.5 is positive; the positive at exactly 0.5 counts):
TP, FN, FP, TN = 3, 1, 2, 7
N = 13

HAND = {
    "precision": 3 / 5,
    "recall": 3 / 4,
    "f1": 2 * 3 / (2 * 3 + 2 + 1),
    "accuracy": 10 / 13,
    "balanced_accuracy": (3 / 4 + 7 / 9) / 2,
    "gmean": math.sqrt(3 / 4 * 7 / 9),
    "mcc": (3 * 7 - 2 * 1) / math.sqrt(5 * 4 * 9 * 8),
    # positives beat 9, 8, 7 and 4 of the 9 negatives: 28 of 36 pairs
    "roc_auc": 28 / 36,
    # precision at each positive's rank (1, 3, 5, 9), averaged
    "average_precision": (1 / 1 + 2 / 3 + 3 / 5 + 4 / 9) / 4,
    "brier": (
        0.05**2
        + 0.3**2
        + 0.5**2
        + 0.8**2
        + 0.8**2
        + 0.45**2
        + 0.3**2
        + 0.3**2
        + 0.1**2
        + 0.1**2
        + 0.05**2
        + 0.6**2
        + 0.02**2
    )
    / 13,
    "log_loss": -(
        math.log(0.95)
        + math.log(0.7)
        + math.log(0.5)
        + math.log(0.2)
        + math.log(0.2)
        + math.log(0.55)
        + 2 * math.log(0.7)
        + 2 * math.log(0.9)
        + math.log(0.95)
        + math.log(0.4)
        + math.log(0.98)
    )
    / 13,
    # one row per score bin except bins 3 (.3, .3), 1 (.1, .1) and 0 (.05, .02)
    "ece": (0.05 + 0.8 + 0.3 + 0.6 + 0.5 + 0.45 + 2 * 0.3 + 0.8 + 2 * 0.1 + 2 * 0.035) / 13,
    "expected_cost": (1 * FN + 1 * FP) / 13,
}


def test_hand_example_covers_every_metric() -> None:
    assert set(HAND) == set(METRICS)


@pytest.mark.parametrize("name", sorted(HAND))
def test_metric_matches_hand_computed_value(name: str) -> None:
    assert score_one(name, Y, S, 0.5) == pytest.approx(HAND[name], abs=1e-12)


def test_score_all_matches_hand_values() -> None:
    out = score_all(Y, S, 0.5)
    assert out == pytest.approx(HAND, abs=1e-12)


def test_direction_of_each_metric() -> None:
    lower_is_better = {name for name, m in METRICS.items() if not m.greater}
    assert lower_is_better == {"brier", "log_loss", "ece", "expected_cost"}
    thresholded = {name for name, m in METRICS.items() if m.uses_threshold}
    assert thresholded == {
        "f1",
        "precision",
        "recall",
        "balanced_accuracy",
        "mcc",
        "gmean",
        "accuracy",
        "expected_cost",
    }


def test_threshold_is_applied_with_greater_or_equal() -> None:
    y = np.array([1, 0, 1, 0])
    s = np.array([0.3, 0.3, 0.9, 0.1])
    at = score_all(y, s, threshold=0.3)  # both 0.3 rows are predicted positive
    assert at["recall"] == 1.0 and at["precision"] == pytest.approx(2 / 3)
    above = score_all(y, s, threshold=0.3000001)  # neither is
    assert above["recall"] == 0.5 and above["precision"] == 1.0
    # threshold-free metrics do not move
    assert at["roc_auc"] == above["roc_auc"] and at["brier"] == above["brier"]


def test_expected_cost_weighs_misses_and_false_alarms() -> None:
    y_true = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    y_pred = np.array([1, 0, 0, 1, 0, 0, 0, 0])  # FN = 2, FP = 1
    assert expected_cost(y_true, y_pred) == pytest.approx(3 / 8)
    assert expected_cost(y_true, y_pred, cost_fn=10, cost_fp=1) == pytest.approx((10 * 2 + 1) / 8)
    assert expected_cost(y_true, y_pred, cost_fn=1, cost_fp=4) == pytest.approx((2 + 4) / 8)
    assert expected_cost(y_true, y_true, cost_fn=10, cost_fp=10) == 0.0
    assert score_one("expected_cost", Y, S, 0.5, cost_fn=5.0, cost_fp=2.0) == pytest.approx((5 * FN + 2 * FP) / N)


def test_ece_on_a_hand_example() -> None:
    y = np.array([0, 0, 1, 0, 1, 1, 1, 0])
    s = np.array([0.15, 0.15, 0.12, 0.18, 0.85, 0.85, 0.9, 0.8])
    # bin 1: mean score .15, positive rate .25 -> 4 * .10
    # bin 8: mean score (.85 + .85 + .8) / 3, rate 2/3 -> 3 * 1/6
    # bin 9: score .9, rate 1 -> 1 * .1
    assert expected_calibration_error(y, s) == pytest.approx((0.4 + 0.5 + 0.1) / 8)
    # a score of exactly 1 falls in the top bin (together with .95 here)
    assert expected_calibration_error(np.array([1, 0]), np.array([1.0, 0.95])) == pytest.approx(abs(0.5 - 0.975))
    # perfectly calibrated bins have no error
    assert expected_calibration_error(np.array([1, 0, 0, 0]), np.array([0.25, 0.25, 0.25, 0.25])) == 0.0


def test_undefined_metric_is_nan() -> None:
    out = score_all(np.array([0, 0, 0]), np.array([0.1, 0.2, 0.7]))
    assert math.isnan(out["roc_auc"])
    assert out["accuracy"] == pytest.approx(2 / 3)


def test_aliases_and_unknown_names() -> None:
    assert get_metric("pr_auc").name == "average_precision"
    assert get_metric("auc").name == "roc_auc"
    assert get_metric("g_mean").name == "gmean"
    with pytest.raises(UnknownNameError, match="known: .*average_precision"):
        get_metric("auprc")
    with pytest.raises(UnknownNameError, match="threshold objective"):
        threshold_scorer("roc_auc")


SKLEARN = {
    "f1": lambda y, p: skm.f1_score(y, p, zero_division=0.0),
    "precision": lambda y, p: skm.precision_score(y, p, zero_division=0.0),
    "recall": lambda y, p: skm.recall_score(y, p, zero_division=0.0),
    "balanced_accuracy": skm.balanced_accuracy_score,
    "gmean": lambda y, p: geometric_mean_score(y, p, average="binary"),
    "mcc": skm.matthews_corrcoef,
    "accuracy": skm.accuracy_score,
}


def test_every_count_metric_has_a_sklearn_reference() -> None:
    assert set(SKLEARN) == set(_FROM_COUNTS)


@pytest.mark.parametrize("name", sorted(_FROM_COUNTS))
def test_count_metric_equals_sklearn_on_random_data(name: str) -> None:
    rng = np.random.default_rng(42)
    for trial in range(60):
        n = int(rng.integers(5, 200))
        y = (rng.random(n) < rng.uniform(0.05, 0.5)).astype(int)
        y[0], y[1] = 1, 0  # both classes present, as in a stratified fold
        if trial % 10 == 0:
            p = np.zeros(n, dtype=int)  # degenerate predictions: nothing flagged
        elif trial % 10 == 1:
            p = np.ones(n, dtype=int)  # everything flagged
        else:
            p = (rng.random(n) < rng.uniform(0.05, 0.6)).astype(int)
        assert _count_metric(y, p, name) == pytest.approx(float(SKLEARN[name](y, p)), abs=1e-12), (name, trial)


def test_threshold_scorer_uses_the_count_metric_and_cost() -> None:
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Fixed(ClassifierMixin, BaseEstimator):
        classes_ = np.array([0, 1])

        def fit(self, X: np.ndarray, y: np.ndarray) -> Fixed:
            return self

        def predict(self, X: np.ndarray) -> np.ndarray:
            return (S >= 0.5).astype(int)

    f1 = threshold_scorer("f1")(Fixed(), np.zeros((N, 1)), Y)
    assert f1 == pytest.approx(HAND["f1"])
    cost = threshold_scorer("cost", cost_fn=5.0, cost_fp=2.0)(Fixed(), np.zeros((N, 1)), Y)
    assert cost == pytest.approx(-(5 * FN + 2 * FP) / N)  # sklearn scorers negate losses


def test_score_all_thresholded_metrics_equal_the_library_functions() -> None:
    """score_all takes thresholded metrics from one confusion matrix; they must equal sklearn/imblearn's."""
    from imbench.core.metrics import METRICS, score_all

    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(5, 200))
        y = (rng.random(n) < rng.random()).astype(int)
        s, t = rng.random(n), float(rng.random())
        got = score_all(y, s, t)
        p = (s >= t).astype(int)
        for name, m in METRICS.items():
            if not m.uses_threshold or name == "expected_cost":
                continue
            try:
                ref = m.fn(y, s, p, 1.0, 1.0)
            except ValueError:
                ref = float("nan")
            assert got[name] == pytest.approx(ref, abs=1e-12, nan_ok=True), (name, y.sum(), p.sum())
