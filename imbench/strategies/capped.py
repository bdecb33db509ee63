"""A sampler wrapper that adapts a sampler's settings to the training rows it actually receives."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone

NEIGHBOUR_PARAMS = ("k_neighbors", "n_neighbors")
"""Neighbour counts among the minority rows."""
ALL_ROWS_NEIGHBOUR_PARAMS = ("m_neighbors",)
"""Neighbour counts among all rows (Borderline-SMOTE's danger test)."""
NOTHING_GENERATED = (
    "No samples will be generated",
    "Not any neigbours belong to the majority class",
    "Not any neighbours belong to the majority class",
)
"""ADASYN's errors when no minority row is "hard" (or every share rounds to zero): nothing to generate."""


class NeighbourCapped(BaseEstimator):
    """Wraps an imblearn sampler and adapts it to the (possibly small) fold it is fitted on.

    - neighbour counts are capped to the minority rows minus one (SMOTE-like samplers fail when a
      fold has fewer than ``k_neighbors + 1`` minority rows); ``m_neighbors`` to all rows minus one;
    - a float ``sampling_strategy`` (target minority/majority ratio) that would not change the
      fold — at or below its own ratio, which imblearn refuses — is raised to the smallest ratio
      that does (one more minority row, or one fewer majority row).
    - when ADASYN has nothing to generate, the rows are returned as they are (recorded), not an error;
    - when SMOTEENN/SMOTETomek's cleaning removes a whole class, SMOTE's rows are kept (recorded).
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
        X_res, y_res = self._resample(sampler, X, y, **kw)
        self.counts_ = np.bincount(np.asarray(y_res, dtype=int), minlength=2)  # what the model is fitted on
        return X_res, y_res

    def _resample(self, sampler: Any, X: Any, y: Any, **kw: Any) -> Any:
        try:
            X_res, y_res = sampler.fit_resample(X, y, **kw)
        except (RuntimeError, ValueError) as e:
            if not any(m in str(e) for m in NOTHING_GENERATED):
                raise
            self.adaptations_.append(f"{type(sampler).__name__}: nothing generated ({str(e).split('.')[0]})")
            return X, y
        smote = getattr(sampler, "smote_", None)
        if smote is not None and len(np.unique(y_res)) < 2:  # the cleaning step erased a class: keep SMOTE's rows
            self.adaptations_.append(f"{type(sampler).__name__}: cleaning removed a whole class; SMOTE rows kept")
            return clone(sampler.smote).fit_resample(X, y, **kw)
        return X_res, y_res
