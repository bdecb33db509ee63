"""Recalibration: the whole pipeline calibrated on held-out folds of its training rows (sigmoid or isotonic).

A ``calibration``-family component: it maps the fitted pipeline's probabilities, so it composes
with any resample, cost, loss or ensemble component and with ``threshold`` after it (the threshold
is then chosen on calibrated scores). It excludes ``prior_correction`` (same family): a mapping
fitted on held-out rows already absorbs the prior shift the closed-form correction would undo.
"""

from __future__ import annotations

from typing import Any

from imbench.strategies._calibrators import Recalibrated
from imbench.strategies.base import CalibrationComponent, FitContext, register_component


@register_component
class Calibrate(CalibrationComponent):
    """sklearn ``CalibratedClassifierCV`` (method tuned), folds = inner folds capped by the positives."""

    name = "calibrate"
    summary = "recalibrate probabilities on held-out training folds (Platt sigmoid or isotonic, tuned)"

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {"method": trial.suggest_categorical("method", ["sigmoid", "isotonic"])}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"method": "sigmoid"}  # two parameters: safe on the few positives of an inner fold

    def wrap(self, pipeline: Any, params: dict[str, Any], ctx: FitContext, seed: int) -> Any:

        return Recalibrated(pipeline, method=str(params.get("method", "sigmoid")), folds=ctx.inner_folds, seed=seed)
