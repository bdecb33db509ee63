"""Meta-features: what a dataset looks like to an imbalance strategy, computed in seconds on up to 1M rows.

Size and imbalance (n, n_pos, IR), the table's shape (features, categorical and missing share), class
overlap from problexity (F1: maximum Fisher discriminant ratio; N1: borderline points on a minimum
spanning tree; N3: leave-one-out 1-NN error) on a stratified sample, the minority's neighbourhood
(Napierała & Stefanowski 2016: the share of positives whose 5 nearest neighbours are mostly positive,
"safe", or all negative, "outliers"), and a quick baseline's PR-AUC and ROC-AUC. The same function
describes the reference datasets and the user's file, so the two are comparable.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from imbench.datasets.base import Dataset
from imbench.datasets.columns import magnitude_scales
from imbench.datasets.inspect import baseline_scores

COMPLEXITY_ROWS = 1000
"""Rows of the stratified sample the O(n²) overlap measures (F1, N1, N3) see."""
COMPLEXITY_MIN_POS = 50
"""Positives the complexity sample keeps at least (when the data has them), so F1/N1/N3 see the minority."""
NEIGHBOUR_QUERIES = 500
"""Positives whose neighbourhood is inspected (a seeded sample when there are more)."""
NEIGHBOUR_POOL = 200_000
"""Rows searched for those neighbours (all rows up to this many; else a stratified sample)."""
NEIGHBOURS = 5
TIE_ROOM = 3 * NEIGHBOURS
"""Neighbours fetched beyond the ``NEIGHBOURS``-th in the batched search: a query whose ties reach past them (discrete
data) is asked again for every row within its radius."""
ONE_HOT_MAX_LEVELS = 10


@dataclass(frozen=True)
class MetaFeatures:
    """One dataset's meta-features (a flat record; ``vector`` gives the ones the meta-model measures distance on)."""

    n: int
    n_pos: int
    ir: float
    n_features: int
    categorical_share: float
    missing_share: float
    """Share of missing cells in the feature table."""
    f1: float
    """problexity F1 = 1 / (1 + max Fisher ratio): near 1 when no single feature separates the classes."""
    n1: float
    """problexity N1: share of points on the class boundary of a minimum spanning tree."""
    n3: float
    """problexity N3: leave-one-out 1-NN error."""
    minority_safe: float
    """Share of positives with at least 4 of their 5 nearest neighbours positive."""
    minority_outlier: float
    """Share of positives whose 5 nearest neighbours are all negative."""
    baseline_pr_auc: float
    baseline_roc_auc: float
    seconds: float = 0.0

    def vector(self) -> dict[str, float]:
        """The coordinates the meta-model compares datasets on (sizes on a log scale)."""
        return {
            "log10_ir": math.log10(max(self.ir, 1.0)),
            "log10_n": math.log10(max(self.n, 1)),
            "log10_n_pos": math.log10(max(self.n_pos, 1)),
            "log10_n_features": math.log10(max(self.n_features, 1)),
            "categorical_share": self.categorical_share,
            "missing_share": self.missing_share,
            "f1": self.f1,
            "n1": self.n1,
            "n3": self.n3,
            "minority_safe": self.minority_safe,
            "minority_outlier": self.minority_outlier,
            "baseline_pr_auc": self.baseline_pr_auc,
            "baseline_roc_auc": self.baseline_roc_auc,
        }

    def to_dict(self) -> dict[str, float | None]:
        """Plain JSON-ready values (a non-finite measure becomes None)."""
        return {
            k: (round(v, 6) if math.isfinite(v) else None) if isinstance(v, float) else v
            for k, v in asdict(self).items()
        }

    @classmethod
    def from_dict(cls, d: dict[str, float | None]) -> MetaFeatures:
        names = {f.name for f in fields(cls)}
        return cls(**{k: (float("nan") if v is None else v) for k, v in d.items() if k in names})  # type: ignore[arg-type]


VECTOR_NAMES = tuple(MetaFeatures(1, 1, 1.0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0).vector())


def meta_features(ds: Dataset, seed: int = 0) -> MetaFeatures:
    """The meta-features of ``ds`` (seeded: the same data gives the same numbers).

    The minority's neighbourhood is searched on one thread, like the baseline, for a predictable cost next to other
    work (parallel searches spin-wait on a busy machine). It counts every row tied at the k-th distance, so the
    thread count does not change it; problexity's N3 picks one 1-NN among tied rows and does change with it on tied
    data (keel:flaref), so F1/N1/N3 keep the default threading the reference was built with.
    """
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    X, y = ds.X, ds.y
    cells = X.shape[0] * X.shape[1]
    missing = float(X.isna().to_numpy().sum() / cells) if cells else 0.0
    order = _canonical_order(X, y)  # the same rows in any order give the same numbers
    X, y = X.iloc[order].reset_index(drop=True), y[order]
    rng = np.random.default_rng(seed)
    pool = _stratified(y, NEIGHBOUR_POOL, NEIGHBOUR_QUERIES, rng)
    Z, yp = _design(X.iloc[pool], ds.categorical), y[pool]
    f1, n1, n3 = _overlap(Z, yp, rng)
    with threadpool_limits(1):
        safe, outlier = _minority_neighbourhood(Z, yp, rng)
    base = baseline_scores(X, y, seed=seed)
    return MetaFeatures(
        n=ds.n,
        n_pos=ds.n_pos,
        ir=float(ds.ir),
        n_features=ds.n_features,
        categorical_share=len(ds.categorical) / max(ds.n_features, 1),
        missing_share=missing,
        f1=f1,
        n1=n1,
        n3=n3,
        minority_safe=safe,
        minority_outlier=outlier,
        baseline_pr_auc=base["average_precision"],
        baseline_roc_auc=base["roc_auc"],
        seconds=time.perf_counter() - start,
    )


def _canonical_order(X: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    """Rows sorted by a hash of their content (features and label), so samples and neighbour ties never depend
    on the order of the file."""
    h = pd.util.hash_pandas_object(X, index=False).to_numpy() ^ (y.astype("uint64") * np.uint64(0x9E3779B97F4A7C15))
    return np.argsort(h, kind="stable")


def _design(X: pd.DataFrame, categorical: list[str]) -> np.ndarray:
    """Numbers median-imputed and standardised (huge ones first brought within ``MAX_MAGNITUDE``, as the pipelines
    do, so the mean and deviation stay finite); categoricals one-hot (the ``ONE_HOT_MAX_LEVELS`` most frequent)."""

    parts: list[np.ndarray] = []
    cats = set(categorical)
    for c in X.columns:
        s = X[c]
        if c in cats or not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            top = s.astype("string").value_counts().index[:ONE_HOT_MAX_LEVELS]
            as_str = s.astype("string")
            parts += [(as_str == v).fillna(False).to_numpy(dtype="float64")[:, None] for v in top]
            continue
        v = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy()
        v = v * float(magnitude_scales(v))
        finite = np.isfinite(v)
        if not finite.any():
            continue
        med = float(np.median(v[finite]))
        v = np.where(finite, v, med)
        sd = float(v.std())
        parts.append(((v - v.mean()) / sd if sd > 0 else np.zeros_like(v))[:, None])
    return np.hstack(parts) if parts else np.zeros((len(X), 1))


def _stratified(y: np.ndarray, rows: int, min_pos: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of a sample of at most ``rows`` rows in the class ratio, with at least ``min_pos`` positives."""
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    if len(y) <= rows:
        return np.arange(len(y))
    k_pos = min(len(pos), max(round(rows * len(pos) / len(y)), min_pos))
    k_neg = min(len(neg), rows - k_pos)
    return np.sort(np.concatenate([rng.choice(pos, k_pos, replace=False), rng.choice(neg, k_neg, replace=False)]))


def _overlap(Z: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[float, float, float]:
    """problexity's F1, N1 and N3 on a stratified sample of ``COMPLEXITY_ROWS`` rows."""
    from problexity.classification.feature_based import f1
    from problexity.classification.neighborhood import n1, n3

    idx = _stratified(y, COMPLEXITY_ROWS, COMPLEXITY_MIN_POS, rng)
    Zs, ys = Z[idx], y[idx].astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (f1(Zs, ys), n1(Zs, ys), n3(Zs, ys))
    return tuple(float(v) if np.isfinite(v) else 1.0 for v in values)  # type: ignore[return-value]


def _minority_neighbourhood(Z: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    """(share of safe positives, share of outlier positives) among up to ``NEIGHBOUR_QUERIES`` positives.

    A positive's neighbourhood is every other row within the distance of its ``NEIGHBOURS``-th nearest one, so
    points tied at that distance (common in discrete data) all count; safe = at least 80 % of them positive
    (4 of 5), outlier = none positive. One batched search fetches ``TIE_ROOM`` neighbours more than needed; only a
    query whose ties reach past them is asked again for every row within its radius. Same rows as one radius search
    per query, which cost 8-25 s of CPU for 500 queries in a 200,000-row pool (300k rows × 30), now under 1 s.
    """
    from sklearn.neighbors import NearestNeighbors

    pos = np.flatnonzero(y == 1)
    if len(pos) == 0 or len(y) < 2:
        return 0.0, 1.0
    queries = np.sort(rng.choice(pos, min(len(pos), NEIGHBOUR_QUERIES), replace=False))
    nn = NearestNeighbors().fit(Z)
    k, fetched = min(NEIGHBOURS + 1, len(y)), min(NEIGHBOURS + 1 + TIE_ROOM, len(y))
    dist, ind = nn.kneighbors(Z[queries], n_neighbors=fetched)  # one batched search, not one per query
    share = np.empty(len(queries))
    for i, q in enumerate(queries):
        radius = dist[i, k - 1] * (1 + 1e-9) + 1e-12
        if fetched < len(y) and dist[i, -1] <= radius:  # the ties may go on past the rows fetched: ask for all
            idx = nn.radius_neighbors(Z[q : q + 1], radius=radius, return_distance=False)[0]
        else:
            idx = ind[i, dist[i] <= radius]
        idx = idx[idx != q]
        share[i] = float(np.mean(y[idx] == 1)) if len(idx) else 0.0
    return float(np.mean(share >= 0.8)), float(np.mean(share == 0))
