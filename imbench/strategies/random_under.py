"""Random undersampling: drop training majority rows at random."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from imbench.strategies._samplers import RatioSampler, cap, ratio_param
from imbench.strategies.base import FitContext, register_component


@register_component
class RandomUnder(RatioSampler):
    """``imblearn.under_sampling.RandomUnderSampler``."""

    name = "random_under"
    summary = "drop majority rows at random until the chosen ratio"
    uses_distances = False

    def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
        from imblearn.under_sampling import RandomUnderSampler

        return cap(RandomUnderSampler(sampling_strategy=ratio_param(params, ctx), random_state=seed))

    def resampled(self, params: dict[str, Any], ctx: FitContext) -> FitContext:
        ratio = float(params.get("sampling_strategy") or 1.0)
        return replace(ctx, n_neg=min(ctx.n_neg, max(ctx.n_pos, int(ctx.n_pos / ratio))))
