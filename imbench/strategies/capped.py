"""A sampler wrapper that adapts a sampler's settings to the training rows it actually receives."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone

NEIGHBOUR_PARAMS = ("k_neighbors", "n_neighbors")
"""Neighbour counts among the minority rows."""
ALL_ROWS_NEIGHBOUR_PARAMS = ("m_neighbors",)
"""Neighbour counts among all rows (Borderline-SMOTE's danger test)."""


class NeighbourCapped(BaseEstimator):
    """Wraps an imblearn sampler and adapts it to the (possibly small) fold it is fitted on.

    - neighbour counts are capped to the minority rows minus one (SMOTE-like samplers fail when a
      fold has fewer than ``k_neighbors + 1`` minority rows); ``m_neighbors`` to all rows minus one;
    - a float ``sampling_strategy`` (target minority/majority ratio) that would not change the
      fold — at or below its own ratio, which imblearn refuses — is raised to the smallest ratio
      that does (one more minority row, or one fewer majority row).
    Each adaptation is recorded in ``adaptations_``, the class counts it returns in ``counts_``
    (the prior correction reads them); nested samplers (``smote`` inside
    SMOTETomek / SMOTEENN) are adapted too.
    """

    def __init__(self, sampler: Any = None) -> None:
        self.sampler = sampler

    def fit_resample(self, X: Any, y: Any, **kw: Any) -> Any:
        counts = np.bincount(np.asarray(y, dtype=int), minlength=2)
        n_min, n_maj = int(counts.min()), int(counts.max())
        sampler = clone(self.sampler)
        self.adaptations_: list[str] = []
        for target in (sampler, getattr(sampler, "smote", None)):
            if target is None:
                continue
            params = target.get_params()
            for p in NEIGHBOUR_PARAMS:
                k = params.get(p)
                if isinstance(k, int) and k > n_min - 1:
                    if n_min < 2:
                        raise ValueError(f"{type(target).__name__} needs at least 2 minority rows, got {n_min}")
                    target.set_params(**{p: n_min - 1})
                    self.adaptations_.append(f"{type(target).__name__}.{p} {k}->{n_min - 1}")
            for p in ALL_ROWS_NEIGHBOUR_PARAMS:
                k = params.get(p)
                if isinstance(k, int) and k > len(y) - 1:
                    target.set_params(**{p: len(y) - 1})
                    self.adaptations_.append(f"{type(target).__name__}.{p} {k}->{len(y) - 1}")
            r = params.get("sampling_strategy")
            if isinstance(r, float) and n_maj and int(n_maj * r - n_min) < 1:
                fixed = min((n_min + 1.5) / n_maj, 1.0)
                target.set_params(sampling_strategy=fixed)
                self.adaptations_.append(f"{type(target).__name__}.sampling_strategy {r:.4g}->{fixed:.4g}")
        self.sampler_ = sampler
        out = sampler.fit_resample(X, y, **kw)
        self.counts_ = np.bincount(np.asarray(out[1], dtype=int), minlength=2)  # what the model is fitted on
        return out
