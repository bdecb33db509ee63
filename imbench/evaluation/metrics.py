"""Metrics on an outer test fold, taken from scores and a decision threshold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbench.errors import UnknownNameError


@dataclass(frozen=True)
class Metric:
    """A test metric: ``fn(y_true, score, y_pred, cost_fn, cost_fp)``; ``greater`` says which way is better."""

    name: str
    greater: bool
    uses_threshold: bool
    fn: Callable[..., float]


def expected_cost(y_true: np.ndarray, y_pred: np.ndarray, cost_fn: float = 1.0, cost_fp: float = 1.0) -> float:
    """Mean misclassification cost per case: (cost_fn · FN + cost_fp · FP) / n."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    fn = np.sum((y_true == 1) & (y_pred == 0))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    return float((cost_fn * fn + cost_fp * fp) / max(len(y_true), 1))


def expected_calibration_error(y_true: np.ndarray, score: np.ndarray, n_bins: int = 10) -> float:
    """ECE: bin-size-weighted mean |observed rate − mean score| over equal-width score bins."""
    y_true, score = np.asarray(y_true, dtype=float), np.clip(np.asarray(score, dtype=float), 0, 1)
    bins = np.minimum((score * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        m = bins == b
        total += m.sum() * abs(y_true[m].mean() - score[m].mean())
    return float(total / max(len(y_true), 1))


def _sk(name: str) -> Callable[..., float]:
    def f(y: np.ndarray, s: np.ndarray, p: np.ndarray, cfn: float, cfp: float) -> float:
        import sklearn.metrics as skm

        if name == "average_precision":
            return float(skm.average_precision_score(y, s))
        if name == "roc_auc":
            return float(skm.roc_auc_score(y, s))
        if name == "brier":
            return float(skm.brier_score_loss(y, s))
        if name == "log_loss":
            return float(skm.log_loss(y, np.clip(s, 1e-15, 1 - 1e-15), labels=[0, 1]))
        if name == "f1":
            return float(skm.f1_score(y, p, zero_division=0.0))
        if name == "precision":
            return float(skm.precision_score(y, p, zero_division=0.0))
        if name == "recall":
            return float(skm.recall_score(y, p, zero_division=0.0))
        if name == "balanced_accuracy":
            return float(skm.balanced_accuracy_score(y, p))
        if name == "mcc":
            return float(skm.matthews_corrcoef(y, p))
        if name == "accuracy":
            return float(skm.accuracy_score(y, p))
        raise AssertionError(name)

    return f


def _gmean(y: np.ndarray, s: np.ndarray, p: np.ndarray, cfn: float, cfp: float) -> float:
    from imblearn.metrics import geometric_mean_score

    return float(geometric_mean_score(y, p, average="binary"))


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("average_precision", True, False, _sk("average_precision")),
        Metric("roc_auc", True, False, _sk("roc_auc")),
        Metric("f1", True, True, _sk("f1")),
        Metric("precision", True, True, _sk("precision")),
        Metric("recall", True, True, _sk("recall")),
        Metric("balanced_accuracy", True, True, _sk("balanced_accuracy")),
        Metric("mcc", True, True, _sk("mcc")),
        Metric("gmean", True, True, _gmean),
        Metric("accuracy", True, True, _sk("accuracy")),
        Metric("brier", False, False, _sk("brier")),
        Metric("log_loss", False, False, _sk("log_loss")),
        Metric("ece", False, False, lambda y, s, p, cfn, cfp: expected_calibration_error(y, s)),
        Metric("expected_cost", False, True, lambda y, s, p, cfn, cfp: expected_cost(y, p, cfn, cfp)),
    ]
}
"""Every test metric by name; ``average_precision`` is PR-AUC."""

ALIASES = {"pr_auc": "average_precision", "ap": "average_precision", "auc": "roc_auc", "g_mean": "gmean"}


def get_metric(name: str) -> Metric:
    """A metric by name or alias; UnknownNameError lists the known names."""
    key = ALIASES.get(name, name)
    if key not in METRICS:
        raise UnknownNameError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")
    return METRICS[key]


def score_all(y_true: Any, score: Any, threshold: float = 0.5, cost_fn: float = 1.0,
              cost_fp: float = 1.0) -> dict[str, float]:
    """Every metric on one fold; threshold metrics use ``score >= threshold``.

    A metric that is undefined on the fold (e.g. ROC-AUC with one class) is NaN.
    """
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(score, dtype=float)
    p = (s >= threshold).astype(int)
    # thresholded metrics from one confusion matrix (equal to sklearn's, see tests/test_metrics.py):
    # computing them through sklearn's validated functions was about 1 % of a sweep's wall time
    yt, pt = y == 1, p == 1
    counts = (float(np.sum(yt & pt)), float(np.sum(~yt & pt)), float(np.sum(yt & ~pt)), float(np.sum(~yt & ~pt)))
    out: dict[str, float] = {}
    for name, m in METRICS.items():
        if name in _FROM_COUNTS and 0 < y.sum() < len(y):  # both classes present (sklearn's edge rules differ)
            out[name] = _FROM_COUNTS[name](*counts)
            continue
        try:
            out[name] = m.fn(y, s, p, cost_fn, cost_fp)
        except ValueError:
            out[name] = float("nan")
    return out


def score_one(name: str, y_true: Any, score: Any, threshold: float = 0.5, cost_fn: float = 1.0,
              cost_fp: float = 1.0) -> float:
    """One metric on one fold."""
    m = get_metric(name)
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(score, dtype=float)
    return m.fn(y, s, (s >= threshold).astype(int), cost_fn, cost_fp)


def threshold_scorer(objective: str, cost_fn: float = 1.0, cost_fp: float = 1.0) -> Any:
    """A scikit-learn scorer for TunedThresholdClassifierCV: ``f1`` or ``cost`` (minimise expected cost)."""
    from sklearn.metrics import make_scorer

    if objective == "cost":
        return make_scorer(expected_cost, greater_is_better=False, cost_fn=cost_fn, cost_fp=cost_fp)
    m = get_metric(objective)
    if m.name not in _FROM_COUNTS:
        raise UnknownNameError(f"threshold objective must be one of {', '.join(_FROM_COUNTS)} or 'cost', got {objective!r}")
    return make_scorer(_count_metric, greater_is_better=m.greater, name=m.name)


def _count_metric(y_true: Any, y_pred: Any, name: str) -> float:
    """A thresholded metric from confusion counts (the threshold search calls this hundreds of times;
    sklearn's validated functions are the reference in the tests)."""
    y, p = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
    tp, fp = float(np.sum(y & p)), float(np.sum(~y & p))
    fn, tn = float(np.sum(y & ~p)), float(np.sum(~y & ~p))
    return _FROM_COUNTS[name](tp, fp, fn, tn)


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


_FROM_COUNTS: dict[str, Callable[[float, float, float, float], float]] = {
    "f1": lambda tp, fp, fn, tn: _div(2 * tp, 2 * tp + fp + fn),
    "precision": lambda tp, fp, fn, tn: _div(tp, tp + fp),
    "recall": lambda tp, fp, fn, tn: _div(tp, tp + fn),
    "balanced_accuracy": lambda tp, fp, fn, tn: (_div(tp, tp + fn) + _div(tn, tn + fp)) / 2,
    "gmean": lambda tp, fp, fn, tn: float(np.sqrt(_div(tp, tp + fn) * _div(tn, tn + fp))),
    "mcc": lambda tp, fp, fn, tn: _div(tp * tn - fp * fn, float(np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))),
    "accuracy": lambda tp, fp, fn, tn: _div(tp + tn, tp + fp + fn + tn),
}
