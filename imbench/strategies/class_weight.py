"""Class weights: the model's ``class_weight`` set from the training fold's neg/pos ratio."""

from __future__ import annotations

from typing import Any

from imbench.strategies.base import CostComponent, FitContext, register_component


@register_component
class ClassWeight(CostComponent):
    """``class_weight={0: 1, 1: (neg/pos)^alpha}``, neg/pos of the rows the pipeline is fitted on."""

    name = "class_weight"
    summary = "weight minority errors by (neg/pos)^alpha, alpha tuned in [0, 1.25]; a model setting, no resampling"
    keyword = "class_weight"

    def model_kwargs(self, params: dict[str, Any], ctx: FitContext) -> dict[str, Any]:
        return {"class_weight": {0: 1.0, 1: self.positive_weight(params, ctx)}}
