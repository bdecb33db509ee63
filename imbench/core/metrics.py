"""Metrics on an outer test fold, taken from scores and a decision threshold: one record per metric.

The bottom layer (imports nothing from imbench but ``errors``), so strategies can use it without a cycle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbench.core.errors import ConfigError, UnknownNameError, did_you_mean


@dataclass(frozen=True)
class Metric:
    """A test metric record: ``fn(y_true, score, y_pred, cost_fn, cost_fp)``, its human ``label`` (``PR-AUC``),
    whether greater is better, and whether it is taken at the decision threshold (from ``y_pred``)."""

    name: str
    label: str
    greater: bool
    uses_threshold: bool
    fn: Callable[..., float]
    bounds: tuple[float, float] = (0.0, 1.0)
    """The metric's range: an interval for its mean is clipped to it (a t interval on a bounded score can spill)."""
    ranks: bool = False
    """Whether the metric depends on the scores' order only: a strictly increasing map of the scores (a prior
    correction) leaves it unchanged, so a search scored by it is the same search with or without the map."""


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


def _on_scores(func: str, **kw: Any) -> Callable[..., float]:
    """A ranking/probability metric: ``sklearn.metrics.<func>(y, score)`` (sklearn imported on first use)."""

    def f(y: np.ndarray, s: np.ndarray, p: np.ndarray, cfn: float, cfp: float) -> float:
        import sklearn.metrics as skm

        return float(getattr(skm, func)(y, s, **kw))

    return f


def _on_labels(func: str, **kw: Any) -> Callable[..., float]:
    """A thresholded metric: ``sklearn.metrics.<func>(y, y_pred)``."""

    def f(y: np.ndarray, s: np.ndarray, p: np.ndarray, cfn: float, cfp: float) -> float:
        import sklearn.metrics as skm

        return float(getattr(skm, func)(y, p, **kw))

    return f


def _log_loss(y: np.ndarray, s: np.ndarray, p: np.ndarray, cfn: float, cfp: float) -> float:
    import sklearn.metrics as skm

    return float(skm.log_loss(y, np.clip(s, 1e-15, 1 - 1e-15), labels=[0, 1]))


def _gmean(y: np.ndarray, s: np.ndarray, p: np.ndarray, cfn: float, cfp: float) -> float:
    from imblearn.metrics import geometric_mean_score

    return float(geometric_mean_score(y, p, average="binary"))


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("average_precision", "PR-AUC", True, False, _on_scores("average_precision_score"), ranks=True),
        Metric("roc_auc", "ROC-AUC", True, False, _on_scores("roc_auc_score"), ranks=True),
        Metric("f1", "F1", True, True, _on_labels("f1_score", zero_division=0.0)),
        Metric("precision", "precision", True, True, _on_labels("precision_score", zero_division=0.0)),
        Metric("recall", "recall", True, True, _on_labels("recall_score", zero_division=0.0)),
        Metric("balanced_accuracy", "balanced accuracy", True, True, _on_labels("balanced_accuracy_score")),
        Metric("mcc", "MCC", True, True, _on_labels("matthews_corrcoef"), (-1.0, 1.0)),
        Metric("gmean", "G-mean", True, True, _gmean),
        Metric("accuracy", "accuracy", True, True, _on_labels("accuracy_score")),
        Metric("brier", "Brier", False, False, _on_scores("brier_score_loss")),
        Metric("log_loss", "log loss", False, False, _log_loss, (0.0, float("inf"))),
        Metric("ece", "ECE", False, False, lambda y, s, p, cfn, cfp: expected_calibration_error(y, s)),
        Metric(
            "expected_cost",
            "expected cost",
            False,
            True,
            lambda y, s, p, cfn, cfp: expected_cost(y, p, cfn, cfp),
            (0.0, float("inf")),
        ),
    ]
}
"""Every test metric by name; ``average_precision`` is PR-AUC."""

DERIVED_LABELS = {"cost_at_threshold": "cost at stored threshold", "cost_at_bayes": "cost at Bayes threshold"}
"""Labels of report columns re-scored from predictions (not test metrics of a cell)."""


def label(metric: str) -> str:
    """Human name of a metric (``average_precision`` → ``PR-AUC``); unknown names are returned as they are."""
    m = METRICS.get(metric)
    return m.label if m is not None else DERIVED_LABELS.get(metric, metric)


ALIASES = {"pr_auc": "average_precision", "ap": "average_precision", "auc": "roc_auc", "g_mean": "gmean"}


def get_metric(name: str) -> Metric:
    """A metric by name or alias; UnknownNameError lists the known names."""
    key = ALIASES.get(name, name)
    if key not in METRICS:
        known = [*METRICS, *ALIASES]
        raise UnknownNameError(f"unknown metric {name!r}{did_you_mean(name, known)}; known: {', '.join(METRICS)}")
    return METRICS[key]


def score_all(
    y_true: Any, score: Any, threshold: float = 0.5, cost_fn: float = 1.0, cost_fp: float = 1.0
) -> dict[str, float]:
    """Every metric on one fold; threshold metrics use ``score >= threshold``.

    A metric that is undefined on the fold (e.g. ROC-AUC with one class) is NaN.
    """
    y = np.asarray(y_true, dtype=int)
    s = np.asarray(score, dtype=float)
    p = (s >= threshold).astype(int)
    # thresholded metrics from one confusion matrix (equal to sklearn's, see tests/test_core_metrics.py):
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


def score_one(
    name: str, y_true: Any, score: Any, threshold: float = 0.5, cost_fn: float = 1.0, cost_fp: float = 1.0
) -> float:
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
        raise UnknownNameError(
            f"threshold objective must be one of {', '.join(_FROM_COUNTS)} or 'cost', got {objective!r}"
        )
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
    "mcc": lambda tp, fp, fn, tn: _div(
        tp * tn - fp * fn, float(np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))
    ),
    "accuracy": lambda tp, fp, fn, tn: _div(tp + tn, tp + fp + fn + tn),
}


def check_costs(cost_fn: float | None, cost_fp: float | None) -> tuple[float, float] | None:
    """Both costs positive and finite, or neither given (None): the one check of a cost pair, run before any data
    is read by ``compare``, ``advise``, ``report`` and the CLI."""
    if cost_fn is None and cost_fp is None:
        return None
    if cost_fn is None or cost_fp is None:
        raise ConfigError("give both --cost-fn and --cost-fp (cost_fn and cost_fp in Python), or neither")
    try:
        cfn, cfp = float(cost_fn), float(cost_fp)
    except (TypeError, ValueError):
        raise ConfigError(f"costs must be numbers, got cost_fn={cost_fn!r}, cost_fp={cost_fp!r}") from None
    if not (cfn > 0 and cfp > 0 and np.isfinite(cfn) and np.isfinite(cfp)):
        raise ConfigError(f"costs must be positive and finite, got cost_fn={cfn}, cost_fp={cfp}")
    return cfn, cfp
