"""Gradient-boosting ``scale_pos_weight`` set around the training fold's neg/pos ratio."""

from __future__ import annotations

from typing import Any

from imbench.errors import ConfigError
from imbench.strategies.base import CostComponent, FitContext, register_component


@register_component
class ScalePosWeight(CostComponent):
    """``scale_pos_weight = neg/pos × multiplier`` (multiplier tuned in [0.25, 4])."""

    name = "scale_pos_weight"
    summary = "boosting's positive-class gradient weight, neg/pos × a tuned multiplier"
    keyword = "scale_pos_weight"

    def model_kwargs(self, params: dict[str, Any], ctx: FitContext | None) -> dict[str, Any]:
        w = self.positive_weight(params, ctx)
        if w is None:
            if "value" in params:
                return {"scale_pos_weight": float(params["value"])}
            raise ConfigError("scale_pos_weight needs the training target (pass y=) or scale_pos_weight__value=")
        return {"scale_pos_weight": w}
