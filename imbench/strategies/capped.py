"""A sampler wrapper that caps neighbour counts to the minority rows a (small) fold has."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone

NEIGHBOUR_PARAMS = ("k_neighbors", "n_neighbors")


class NeighbourCapped(BaseEstimator):
    """Wraps an imblearn sampler and caps its neighbour count to the minority rows it sees minus one.

    SMOTE-like samplers fail when a (small) training fold has fewer minority rows than
    ``k_neighbors + 1``; the cap is the sound adaptation. Applied caps are kept in ``adaptations_``.
    Nested samplers (``smote`` inside SMOTETomek / SMOTEENN) are capped too.
    """

    def __init__(self, sampler: Any = None) -> None:
        self.sampler = sampler

    def fit_resample(self, X: Any, y: Any, **kw: Any) -> Any:
        n_min = int(np.bincount(np.asarray(y, dtype=int)).min())
        sampler = clone(self.sampler)
        self.adaptations_: list[str] = []
        for target in (sampler, getattr(sampler, "smote", None)):
            if target is None:
                continue
            for p in NEIGHBOUR_PARAMS:
                k = target.get_params().get(p)
                if isinstance(k, int) and k > n_min - 1:
                    if n_min < 2:
                        raise ValueError(f"{type(target).__name__} needs at least 2 minority rows, got {n_min}")
                    target.set_params(**{p: n_min - 1})
                    self.adaptations_.append(f"{type(target).__name__}.{p} {k}->{n_min - 1}")
        self.sampler_ = sampler
        return sampler.fit_resample(X, y, **kw)
