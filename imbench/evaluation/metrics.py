"""Compatibility re-export: the metrics live in :mod:`imbench.metrics` (the bottom layer, importable by
strategies without pulling in the evaluation package)."""

from __future__ import annotations

from imbench.metrics import (
    ALIASES,
    METRICS,
    Metric,
    expected_calibration_error,
    expected_cost,
    get_metric,
    label,
    score_all,
    score_one,
    threshold_scorer,
)

__all__ = [
    "ALIASES",
    "METRICS",
    "Metric",
    "expected_calibration_error",
    "expected_cost",
    "get_metric",
    "label",
    "score_all",
    "score_one",
    "threshold_scorer",
]
