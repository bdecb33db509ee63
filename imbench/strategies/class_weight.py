"""Class weights: the model's ``class_weight`` set from the training fold's neg/pos ratio."""

from __future__ import annotations

from typing import Any

from imbench.strategies.base import CostComponent, FitContext, register_component


@register_component
class ClassWeight(CostComponent):
    """``class_weight={0: 1, 1: neg/pos × multiplier}`` (``"balanced"`` when the ratio is unknown)."""

    name = "class_weight"
    summary = "weight minority errors by neg/pos (tuned multiplier); a model setting, no resampling"
    keyword = "class_weight"

    def model_kwargs(self, params: dict[str, Any], ctx: FitContext | None) -> dict[str, Any]:
        w = self.positive_weight(params, ctx)
        return {"class_weight": "balanced" if w is None else {0: 1.0, 1: w}}
