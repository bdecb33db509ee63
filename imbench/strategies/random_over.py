"""Random oversampling: duplicate training minority rows (optionally smoothed)."""

from __future__ import annotations

from typing import Any

from imbench.strategies._samplers import RatioSampler, cap, ratio_param
from imbench.strategies.base import FitContext, register_component


@register_component
class RandomOver(RatioSampler):
    """``imblearn.over_sampling.RandomOverSampler``."""

    name = "random_over"
    summary = "duplicate minority rows at random until the chosen ratio"
    uses_distances = False

    def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
        from imblearn.over_sampling import RandomOverSampler

        return cap(RandomOverSampler(sampling_strategy=ratio_param(params, ctx), random_state=seed))
