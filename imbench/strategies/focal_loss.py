"""Focal loss: the boosting objective replaced by ``−α_t (1 − p_t)^γ log p_t`` (Lin et al. 2017).

A family of its own (``loss``): it is neither a resampling of rows nor a constructor keyword that
weights classes (``cost``) but a different training objective, passed as a callable through the
model's custom-objective API. It is closest to ``cost`` (α is a class weight, γ down-weights easy
rows), so it does not combine with a cost component: the minority would be weighted twice.
The gradient, hessian and probability link are in :mod:`imbench.strategies._focal`.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from imbench.models.base import ModelSpec
from imbench.strategies._focal import FocalBoosted
from imbench.strategies.base import Component, FitContext, LossComponent, register_component


@cache
def _custom_objective_api(model: ModelSpec) -> tuple[bool, str]:
    """(whether the model's estimator takes a callable ``objective`` and predicts raw margins, its class name)."""
    est = model.build({}, 0)
    predict = inspect.signature(est.predict).parameters
    ok = "objective" in est.get_params() and ("raw_score" in predict or "output_margin" in predict)
    return ok, type(est).__name__


@register_component
class FocalLoss(LossComponent):
    """XGBoost / LightGBM trained on focal loss; γ in [0, 5] and α (or no α) tuned."""

    name = "focal_loss"
    summary = "train boosting on focal loss (Lin et al. 2017): easy rows down-weighted by (1-p_t)^gamma, alpha tuned"

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        out: dict[str, Any] = {
            "gamma": trial.suggest_float("gamma", 0.0, 5.0),
            "alpha_on": trial.suggest_categorical("alpha_on", [False, True]),
        }
        if out["alpha_on"]:
            out["alpha"] = trial.suggest_float("alpha", 0.05, 0.95)
        return out

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        # Lin et al.'s γ = 2; their α = 0.25 was tuned with γ for dense detection, so α starts off here
        return {"gamma": 2.0, "alpha_on": False}

    def skip(self, model: ModelSpec, ctx: FitContext | None = None) -> str | None:
        ok, estimator = _custom_objective_api(model)
        if not ok:
            return (
                f"focal loss replaces a boosting objective through a custom-objective API (XGBoost, LightGBM); "
                f"{model.name} ({estimator}) has none: it fits its own fixed criterion"
            )
        return None

    def conflict(self, others: tuple[Component, ...]) -> str | None:
        cost = next((c for c in others if c.family == "cost"), None)
        if cost is not None:
            return (
                f"focal loss's alpha is its class weight: with {cost.name} the minority would be weighted twice "
                "(tune focal_loss's alpha instead)"
            )
        return None

    def wrap_model(self, model_estimator: Any, model: ModelSpec, params: dict[str, Any], seed: int) -> Any:

        on = params.get("alpha_on", "alpha" in params)  # a user's focal_loss__alpha=0.25 alone turns it on
        alpha = float(params.get("alpha", 0.25)) if on else None
        return FocalBoosted(model_estimator, gamma=float(params.get("gamma", 2.0)), alpha=alpha)
