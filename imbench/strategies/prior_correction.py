"""Prior correction: probabilities of a model trained on resampled or reweighted rows mapped back to the training prior.

A ``calibration``-family component: a post-hoc mapping of the fitted pipeline's probabilities
(closed form, nothing tuned), so it composes with one resample, cost or ensemble component — the
thing whose prior shift it undoes — and with ``threshold`` after it. It shares the family with
``calibrate``: a recalibration on held-out folds already absorbs the prior shift, so the two are
alternatives, not a chain.
"""

from __future__ import annotations

from typing import Any

from imbench.core.metrics import Metric
from imbench.strategies._calibrators import PriorCorrected
from imbench.strategies.base import CalibrationComponent, Component, FitContext, register_component

BALANCED_ENSEMBLES = frozenset({"easy_ensemble", "balanced_bagging", "balanced_rf"})
"""Ensembles whose members are each trained on an undersample at a known ratio (1:1 by default)."""


@register_component
class PriorCorrection(CalibrationComponent):
    """Divide the odds by the factor the sampler or class weight multiplied them by (Elkan 2001)."""

    name = "prior_correction"
    summary = (
        "map probabilities back to the training prior: odds / (resampling ratio x class weight) "
        "(Elkan 2001; Saerens et al. 2002)"
    )

    def conflict(self, others: tuple[Component, ...]) -> str | None:
        families = {c.family: c for c in others}
        if "loss" in families:
            return (
                f"{families['loss'].name} distorts probabilities by a per-row factor (1-p_t)^gamma, not by one "
                "odds ratio, so there is no closed-form prior correction (use calibrate)"
            )
        ensemble = families.get("ensemble")
        if ensemble is not None and ensemble.name not in BALANCED_ENSEMBLES:
            return (
                f"{ensemble.name}'s effective prior is unknown (boosting reweights rows every round), so "
                "there is no closed-form prior correction (use calibrate)"
            )
        if not {"resample", "cost", "ensemble"} & families.keys():
            return (
                "nothing to correct: without a resample, cost or balanced-ensemble component the model "
                "is trained at the training prior already"
            )
        return None

    def shares_search(self, metric: Metric) -> bool:
        return metric.ranks  # odds / factor is strictly increasing: an order-only metric cannot tell

    def wrap(self, pipeline: Any, params: dict[str, Any], ctx: FitContext, seed: int) -> Any:

        return PriorCorrected(pipeline)
