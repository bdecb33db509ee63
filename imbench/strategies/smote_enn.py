"""SMOTE followed by Edited Nearest Neighbours cleaning."""

from __future__ import annotations

from typing import Any

from imbench.strategies._samplers import NeighbourSampler, cap, ratio_param, smote_variant
from imbench.strategies.base import FitContext, register_component


@register_component
class SmoteEnn(NeighbourSampler):
    """``imblearn.combine.SMOTEENN`` (with SMOTENC inside when columns are categorical)."""

    name = "smote_enn"
    summary = "SMOTE, then remove rows misclassified by their neighbours (Batista et al. 2004)"

    def sampler(self, params: dict[str, Any], ctx: FitContext | None, seed: int, categorical: list[int]) -> Any:
        from imblearn.combine import SMOTEENN

        ratio = ratio_param(params, ctx)
        smote = smote_variant(categorical, ctx.n_numeric if ctx else 1, k_neighbors=self.neighbours(params),
                              sampling_strategy=ratio, random_state=seed)
        return cap(SMOTEENN(smote=smote, sampling_strategy=ratio, random_state=seed))
