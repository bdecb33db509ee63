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
from imbench.core.schema import BASELINE

K = 7
MAX_PER_FAMILY = 2
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


def _ranked(estimates: list[Estimate]) -> list[Estimate]:
    """Best first; ties go to ``none`` (doing nothing wins a tie), then by name."""
    return sorted(estimates, key=lambda e: (-round(e.gain, 9), e.strategy != BASELINE, e.strategy))


class KnnMetaModel:
    """Predicts a strategy's gain on a new dataset from its ``k`` nearest reference datasets.

    At most ``MAX_PER_FAMILY`` neighbours come from one family (KEEL's many ``yeast``/``ecoli`` variants or one
    ladder's rungs would otherwise fill the neighbourhood and make the range look surer than it is), and only
    datasets that measured the model and objective in question count.
    """

    def __init__(self, reference: Reference, k: int = K) -> None:
        self.reference = reference
        self.k = k
        names = sorted(reference.meta)
        self._names = np.array(names, dtype=object)
        self._family = np.array([family_of(d) for d in names], dtype=object)
        width = len(VECTOR_NAMES)
        matrix = np.array([[reference.meta[d].vector()[v] for v in VECTOR_NAMES] for d in names], dtype=float)
        matrix = matrix.reshape(len(names), width)
        if len(names):
            self._center = np.nanmedian(matrix, axis=0)
            q75, q25 = np.nanpercentile(matrix, [75, 25], axis=0)
            sd = np.nanstd(matrix, axis=0)
            scale = np.where(q75 - q25 > 0, (q75 - q25) / 1.349, sd)  # IQR as a robust sd; else the sd
        else:
            self._center, scale = np.zeros(width), np.ones(width)
        self._center = np.nan_to_num(self._center)
        self._scale = np.where(np.nan_to_num(scale) > 0, np.nan_to_num(scale), 1.0)
        self._matrix = np.nan_to_num((matrix - self._center) / self._scale)  # a missing measure sits at the centre
        g = reference.gains
        self._by_model = {m: frame for m, frame in g.groupby("model")}  # noqa: C416 (dict() would call groupby.keys)

    @property
    def models(self) -> list[str]:
        return sorted(self._by_model)

    def distances(self, meta: MetaFeatures) -> np.ndarray:
        """Euclidean distance of ``meta`` to every reference dataset, in robust-standardised units."""
        v = np.array([meta.vector()[n] for n in VECTOR_NAMES], dtype=float)
        z = np.nan_to_num((v - self._center) / self._scale)
        return np.sqrt(((z - self._matrix) ** 2).sum(axis=1))

    def neighbours(
        self, meta: MetaFeatures, model: str | None = None, k: int | None = None, objective: str | None = None
    ) -> list[Neighbour]:
        """The ``k`` reference datasets nearest to ``meta`` (with ``model``/``objective``: only datasets that
        measured them), at most ``MAX_PER_FAMILY`` per family."""
        dist = self.distances(meta)
        allowed = np.ones(len(dist), dtype=bool)
        if model is not None:
            frame = self._by_model.get(model, pd.DataFrame(columns=["dataset"]))
            if objective is not None:
                frame = frame[frame[objective].notna()] if objective in frame.columns else frame.iloc[0:0]
            have = set(frame["dataset"])
            allowed = np.array([d in have for d in self._names], dtype=bool)
        chosen: list[int] = []
        per_family: dict[str, int] = {}
        for i in np.argsort(dist, kind="stable"):
            fam = str(self._family[i])
            if allowed[i] and per_family.get(fam, 0) < MAX_PER_FAMILY:
                chosen.append(int(i))
                per_family[fam] = per_family.get(fam, 0) + 1
            if len(chosen) == (k or self.k):
                break
        return [
            Neighbour(str(self._names[i]), float(dist[i]), self.reference.meta[str(self._names[i])]) for i in chosen
        ]

    def typical_distance(self, quantile: float = 0.95) -> float:
        """The ``quantile`` of each reference dataset's distance to its nearest dataset of another family: a
        new dataset farther than this from every reference dataset is unlike anything the advice learnt from."""
        nearest = []
        for i in range(len(self._names)):
            other = self._family != self._family[i]
            if other.any():
                nearest.append(np.sqrt(((self._matrix[other] - self._matrix[i]) ** 2).sum(axis=1)).min())
        return float(np.quantile(nearest, quantile)) if nearest else float("inf")

    def predict(self, meta: MetaFeatures, model: str, objective: str = "pr_auc") -> list[Estimate]:
        """Every strategy's estimated gain for ``model`` (``none`` included at 0), best first."""
        frame = self._by_model.get(model)
        if frame is None or objective not in frame.columns:
            return []
        near = [n.dataset for n in self.neighbours(meta, model, objective=objective)]
        rows = frame[frame["dataset"].isin(near)]
        out = [Estimate(BASELINE, objective, 0.0, 0.0, 0.0, len(near))]
        for strategy, g in rows.groupby("strategy"):
            x = g[objective].dropna().to_numpy(dtype=float)
            if len(x):
                lo, hi = np.quantile(x, RANGE)
                out.append(Estimate(str(strategy), objective, float(x.mean()), float(lo), float(hi), len(x)))
        return _ranked(out)


def overall_gains(reference: Reference, model: str, objective: str = "pr_auc") -> pd.Series:
    """Mean gain per strategy for ``model`` (``none`` at 0), best first: the "always use the overall best
    strategy" rule the advice must beat.

    Fair to every strategy: only datasets where every strategy measured the objective enter, each family
    weighs the same (the mean of its datasets' gains, then the mean over families), and ties go to ``none``.
    """
    g = reference.gains
    g = g[g["model"] == model]
    if objective not in g.columns or g.empty:
        return pd.Series({BASELINE: 0.0})
    wide = g.pivot_table(index="dataset", columns="strategy", values=objective, aggfunc="mean", dropna=False)
    wide = wide.dropna(axis=1, how="all").dropna(axis=0, how="any")
    if wide.empty:
        return pd.Series({BASELINE: 0.0})
    mean = wide.groupby(wide.index.map(family_of)).mean().mean()
    mean[BASELINE] = 0.0
    order = sorted(mean.index, key=lambda s: (-round(float(mean[s]), 9), s != BASELINE, s))
    return mean[order]
