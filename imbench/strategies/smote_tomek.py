"""SMOTE followed by removal of Tomek links."""

from __future__ import annotations

from typing import Any

from imbench.strategies._samplers import NeighbourSampler, cap, ratio_param, smote_variant
from imbench.strategies.base import FitContext, register_component


@register_component
class SmoteTomek(NeighbourSampler):
    """``imblearn.combine.SMOTETomek`` (with SMOTENC inside when columns are categorical)."""

    name = "smote_tomek"
    summary = "SMOTE, then remove Tomek links to clean the border (Batista et al. 2004)"

    def sampler(self, params: dict[str, Any], ctx: FitContext | None, seed: int, categorical: list[int]) -> Any:
        from imblearn.combine import SMOTETomek

        ratio = ratio_param(params, ctx)
        smote = smote_variant(categorical, ctx.n_numeric if ctx else 1, k_neighbors=self.neighbours(params),
                              sampling_strategy=ratio, random_state=seed)
        return cap(SMOTETomek(smote=smote, sampling_strategy=ratio, random_state=seed))
