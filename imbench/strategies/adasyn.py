"""ADASYN: SMOTE-like oversampling that generates more rows near hard minority examples."""

from __future__ import annotations

from typing import Any

from imbench.strategies._samplers import NeighbourSampler, cap, ratio_param
from imbench.strategies.base import FitContext, register_component


@register_component
class Adasyn(NeighbourSampler):
    """``imblearn.over_sampling.ADASYN`` (runs after one-hot encoding when columns are categorical).

    When ADASYN generates nothing (no minority row has a majority neighbour, so no row is "hard"),
    the fold is used as it is and the wrapper records why (``adaptations_``) instead of failing the trial.
    """

    name = "adasyn"
    summary = "adaptive synthetic oversampling focused on hard minority rows (He et al. 2008)"
    needs_numeric = True
    neighbour_param = "n_neighbors"
    neighbour_low = 2
    min_growth = 2.0
    """ADASYN spreads the new rows over the minority rows by their hardness and rounds each share:
    asking for fewer new rows than there are minority rows can round every share to zero."""

    def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
        from imblearn.over_sampling import ADASYN

        return cap(
            ADASYN(n_neighbors=self.neighbours(params), sampling_strategy=ratio_param(params, ctx), random_state=seed)
        )
