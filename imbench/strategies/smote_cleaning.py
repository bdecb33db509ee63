"""SMOTE followed by a cleaning step: Edited Nearest Neighbours (``smote_enn``) or Tomek-link removal (``smote_tomek``)."""

from __future__ import annotations

from typing import Any, ClassVar

from imbench.strategies._samplers import NeighbourSampler, cap, ratio_param, smote_variant
from imbench.strategies.base import FitContext, register_component


class SmoteCleaning(NeighbourSampler):
    """An ``imblearn.combine`` sampler with SMOTE (SMOTENC / SMOTEN with categorical columns) inside."""

    combiner: ClassVar[str]
    """Class name in ``imblearn.combine``."""

    def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
        import imblearn.combine

        ratio = ratio_param(params, ctx)
        smote = smote_variant(
            categorical, ctx.n_numeric, k_neighbors=self.neighbours(params), sampling_strategy=ratio, random_state=seed
        )
        return cap(getattr(imblearn.combine, self.combiner)(smote=smote, sampling_strategy=ratio, random_state=seed))


@register_component
class SmoteEnn(SmoteCleaning):
    """``imblearn.combine.SMOTEENN``."""

    name = "smote_enn"
    summary = "SMOTE, then remove rows misclassified by their neighbours (Batista et al. 2004)"
    combiner = "SMOTEENN"


@register_component
class SmoteTomek(SmoteCleaning):
    """``imblearn.combine.SMOTETomek``."""

    name = "smote_tomek"
    summary = "SMOTE, then remove Tomek links to clean the border (Batista et al. 2004)"
    combiner = "SMOTETomek"
