"""The meta-model: the gains measured on the reference datasets nearest to yours in meta-feature space.

A k-nearest-neighbour average is the simplest model that can be stored as data (the reference table itself,
no pickle), explains itself (the neighbours are printed) and gives a range for free (the spread of the
neighbours' gains). k is fixed in advance (``K``); ``validation`` reports how the advice would have fared
with other k, for transparency, not to pick it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from imbench.advice.metafeatures import VECTOR_NAMES, MetaFeatures
from imbench.advice.reference import Reference, family_of
from imbench.schema import BASELINE

K = 7
RANGE = (0.1, 0.9)
"""Quantiles of the neighbours' gains shown as the range (an 80 % range of what datasets like yours saw)."""


@dataclass(frozen=True)
class Neighbour:
    """A reference dataset near the user's, with its distance in standardised meta-feature units."""

    dataset: str
    distance: float
    meta: MetaFeatures


@dataclass(frozen=True)
class Estimate:
    """Predicted gain of one strategy over ``none`` for one model and objective (positive = better)."""

    strategy: str
    objective: str
    gain: float
    """Mean gain over the neighbours that measured this strategy."""
    low: float
    high: float
    neighbours: int
    """How many of the k neighbours measured it (a strategy not applicable or failed there is absent)."""


class KnnMetaModel:
    """Predicts a strategy's gain on a new dataset from its ``k`` nearest reference datasets."""

    def __init__(self, reference: Reference, k: int = K) -> None:
        self.reference = reference
        self.k = k
        names = sorted(reference.meta)
        self._names = np.array(names, dtype=object)
        matrix = np.array([[reference.meta[d].vector()[v] for v in VECTOR_NAMES] for d in names], dtype=float)
        self._center = np.median(matrix, axis=0) if len(names) else np.zeros(len(VECTOR_NAMES))
        q75, q25 = np.percentile(matrix, [75, 25], axis=0) if len(names) else (np.ones(1), np.zeros(1))
        sd = matrix.std(axis=0) if len(names) else np.ones(len(VECTOR_NAMES))
        scale = np.where(q75 - q25 > 0, (q75 - q25) / 1.349, sd)  # IQR as a robust sd; else the sd
        self._scale = np.where(scale > 0, scale, 1.0)
        self._matrix = (matrix - self._center) / self._scale
        g = reference.gains
        self._by_model = {m: frame for m, frame in g.groupby("model")}  # noqa: C416 (dict() would call groupby.keys)

    @property
    def models(self) -> list[str]:
        return sorted(self._by_model)

    def strategies(self, model: str) -> list[str]:
        frame = self._by_model.get(model)
        return sorted(frame["strategy"].unique()) if frame is not None else []

    def neighbours(self, meta: MetaFeatures, model: str | None = None, k: int | None = None) -> list[Neighbour]:
        """The ``k`` reference datasets nearest to ``meta`` (only those measured with ``model`` when given)."""
        v = np.array([meta.vector()[n] for n in VECTOR_NAMES], dtype=float)
        dist = np.sqrt((((v - self._center) / self._scale - self._matrix) ** 2).sum(axis=1))
        allowed = np.ones(len(dist), dtype=bool)
        if model is not None:
            frame = self._by_model.get(model)
            have = set(frame["dataset"]) if frame is not None else set()
            allowed = np.array([d in have for d in self._names])
        order = [i for i in np.argsort(dist, kind="stable") if allowed[i]][: k or self.k]
        return [Neighbour(str(self._names[i]), float(dist[i]), self.reference.meta[str(self._names[i])]) for i in order]

    def typical_distance(self, quantile: float = 0.95) -> float:
        """The ``quantile`` of each reference dataset's distance to its nearest dataset of another family: a
        new dataset farther than this from every reference dataset is unlike anything the advice learnt from."""
        fam = np.array([family_of(str(d)) for d in self._names])
        nearest = []
        for i in range(len(self._names)):
            other = fam != fam[i]
            if other.any():
                nearest.append(np.sqrt(((self._matrix[other] - self._matrix[i]) ** 2).sum(axis=1)).min())
        return float(np.quantile(nearest, quantile)) if nearest else float("inf")

    def predict(self, meta: MetaFeatures, model: str, objective: str = "pr_auc") -> list[Estimate]:
        """Every strategy's estimated gain for ``model`` (``none`` included at 0), best first."""
        near = [n.dataset for n in self.neighbours(meta, model)]
        frame = self._by_model.get(model)
        if frame is None or objective not in frame.columns:
            return []
        rows = frame[frame["dataset"].isin(near)]
        out = [Estimate(BASELINE, objective, 0.0, 0.0, 0.0, len(near))]
        for strategy, g in rows.groupby("strategy"):
            x = g[objective].dropna().to_numpy(dtype=float)
            if len(x):
                lo, hi = np.quantile(x, RANGE)
                out.append(Estimate(str(strategy), objective, float(x.mean()), float(lo), float(hi), len(x)))
        return sorted(out, key=lambda e: (-e.gain, e.strategy))


def overall_gains(reference: Reference, model: str, objective: str = "pr_auc") -> pd.Series:
    """Mean gain per strategy over every reference dataset for ``model`` (``none`` at 0), best first: the
    "always use the overall best strategy" rule the advice must beat."""
    g = reference.gains
    g = g[g["model"] == model]
    if objective not in g.columns:
        return pd.Series(dtype=float)
    mean = g.groupby("strategy")[objective].mean().dropna()
    mean[BASELINE] = 0.0
    return mean.sort_values(ascending=False, kind="stable")
