"""Gradient-boosting ``scale_pos_weight`` set from the training fold's neg/pos ratio."""

from __future__ import annotations

from typing import Any

from imbench.strategies.base import CostComponent, FitContext, register_component


@register_component
class ScalePosWeight(CostComponent):
    """``scale_pos_weight = (neg/pos)^alpha`` (alpha tuned in [0, 1.25], 1 by default)."""

    name = "scale_pos_weight"
    summary = "boosting's positive-class gradient weight (neg/pos)^alpha, alpha tuned in [0, 1.25] (1 = full balance)"
    keyword = "scale_pos_weight"

    def model_kwargs(self, params: dict[str, Any], ctx: FitContext) -> dict[str, Any]:
        return {"scale_pos_weight": self.positive_weight(params, ctx)}
