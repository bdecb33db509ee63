"""SMOTE: synthetic minority rows interpolated between training-fold minority neighbours."""

from __future__ import annotations

from typing import Any

from imbench.strategies._samplers import NeighbourSampler, cap, ratio_param, smote_variant
from imbench.strategies.base import FitContext, register_component


@register_component
class Smote(NeighbourSampler):
    """``imblearn.over_sampling.SMOTE`` (SMOTENC / SMOTEN with categorical columns)."""

    name = "smote"
    summary = "oversample the minority with SMOTE interpolation (Chawla et al. 2002)"

    def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
        return cap(
            smote_variant(
                categorical,
                ctx.n_numeric,
                k_neighbors=self.neighbours(params),
                sampling_strategy=ratio_param(params, ctx),
                random_state=seed,
            )
        )
