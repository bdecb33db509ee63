"""``inspect_dataset``: what a dataset looks like to the benchmark, and what could go wrong with it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from imbench.datasets.base import Dataset
from imbench.datasets.columns import id_like_columns, magnitude_scales

SATURATED_AUC = 0.99
BASELINE_MAX_ROWS = 3000
BASELINE_MAX_CELLS = 300_000
"""Rows × columns the baseline fits at most: a wide table is subsampled (rows first, then columns) so the check
takes seconds, not minutes, and stays inside compare's budget."""
BASELINE_MAX_COLUMNS = 300


@dataclass
class Inspection:
    """Facts and warnings about one dataset (see ``to_text`` for the CLI rendering)."""

    name: str
    n: int
    n_pos: int
    n_neg: int
    ir: float
    tier: str
    n_features: int
    n_categorical: int
    outer_folds: int
    pos_per_fold: float
    min_pos_per_fold: int
    duplicate_rows: int
    conflicting_duplicates: int
    constant_columns: list[str] = field(default_factory=list)
    id_columns: list[str] = field(default_factory=list)
    missing: dict[str, int] = field(default_factory=dict)
    baseline_auc: float | None = None
    baseline_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origin: str = ""

    @property
    def saturated(self) -> bool:
        return self.baseline_auc is not None and self.baseline_auc > SATURATED_AUC

    def to_text(self) -> str:
        """Plain-text report for the CLI."""
        lines = [
            f"dataset      {self.name}",
            f"origin       {self.origin or self.name} (datasets of one origin count as one piece of evidence)",
            f"rows         {self.n} ({self.n_neg} negative, {self.n_pos} positive)",
            f"IR           {self.ir:.2f} (tier {self.tier})",
            f"features     {self.n_features} ({self.n_categorical} categorical)",
            f"outer folds  {self.outer_folds}: {self.pos_per_fold:.1f} positives per test fold on average, "
            f"min {self.min_pos_per_fold}",
        ]
        if self.missing:
            shown = ", ".join(f"{c} {k}" for c, k in list(self.missing.items())[:8])
            more = f", … (+{len(self.missing) - 8})" if len(self.missing) > 8 else ""
            lines.append(f"missing      {shown}{more}")
        if self.baseline_auc is not None:
            lines.append(
                f"baseline     ROC-AUC {self.baseline_auc:.3f} (best of 3-fold gradient boosting / logistic regression, {self.baseline_seconds:.1f}s)"
            )
        lines += [f"note         {n}" for n in self.notes]
        lines += [f"warning      {w}" for w in self.warnings] or ["warnings     none"]
        return "\n".join(lines)


def inspect_dataset(ds: Dataset, outer_folds: int = 5, baseline: bool = True, seed: int = 0) -> Inspection:
    """Class counts, fold feasibility, data-quality warnings and a quick saturation baseline."""
    X, y = ds.X, ds.y
    dup_rows, conflicting = _duplicates(X, y)
    constant = [str(c) for c in X.columns if X[c].nunique(dropna=False) <= 1]
    ids = id_like_columns(X)
    missing = {str(c): int(k) for c, k in X.isna().sum().items() if k}
    info = Inspection(
        name=ds.name,
        n=ds.n,
        n_pos=ds.n_pos,
        n_neg=ds.n_neg,
        ir=ds.ir,
        tier=ds.tier,
        n_features=ds.n_features,
        n_categorical=len(ds.categorical),
        outer_folds=outer_folds,
        pos_per_fold=ds.n_pos / outer_folds if outer_folds else 0.0,
        min_pos_per_fold=_min_pos_per_fold(y, outer_folds, seed),
        duplicate_rows=dup_rows,
        conflicting_duplicates=conflicting,
        constant_columns=constant,
        id_columns=ids,
        missing=missing,
        notes=list(ds.notes),
        origin=str(ds.meta()["origin"]),
    )
    if baseline and ds.n_pos >= 3 and ds.n_neg >= 3:
        start = time.perf_counter()
        info.baseline_auc = baseline_auc(X, y, seed=seed)
        info.baseline_seconds = time.perf_counter() - start
    info.warnings = _warnings(info)
    return info


def _warnings(i: Inspection) -> list[str]:
    out: list[str] = []
    if i.n_pos < i.outer_folds:
        out.append(f"only {i.n_pos} positives for {i.outer_folds} outer folds: some test folds would have no positive")
    elif i.min_pos_per_fold < 5:
        out.append(f"few positives per outer test fold (min {i.min_pos_per_fold}): scores will be noisy")
    if i.duplicate_rows:
        out.append(f"{i.duplicate_rows} duplicated feature rows ({i.conflicting_duplicates} with conflicting labels)")
    if i.constant_columns:
        out.append(f"constant columns: {', '.join(i.constant_columns[:8])}")
    if i.id_columns:
        out.append(f"ID-like columns (distinct per row, drop them): {', '.join(i.id_columns[:8])}")
    if i.missing:
        worst = max(i.missing.values())
        out.append(f"missing values in {len(i.missing)} columns (worst {worst / max(i.n, 1):.0%} of rows)")
    if i.saturated:
        out.append(
            f"saturated: a quick baseline reaches ROC-AUC {i.baseline_auc:.3f}; strategies will not be distinguishable"
        )
    return out


def _duplicates(X: pd.DataFrame, y: np.ndarray) -> tuple[int, int]:
    """(rows that repeat an earlier row's features, rows in duplicate groups whose labels disagree)."""
    if X.shape[1] == 0 or len(X) == 0:
        return 0, 0
    h = pd.util.hash_pandas_object(X, index=False).to_numpy()
    frame = pd.DataFrame({"h": h, "y": y})
    dup = int(frame.duplicated("h").sum())
    if not dup:
        return 0, 0
    groups = frame.groupby("h")["y"].agg(["nunique", "size"])
    conflicting = int(groups.loc[groups["nunique"] > 1, "size"].sum())
    return dup, conflicting


def _min_pos_per_fold(y: np.ndarray, folds: int, seed: int) -> int:
    from sklearn.model_selection import StratifiedKFold

    if folds < 2 or y.sum() < folds or (len(y) - y.sum()) < folds:
        return int(y.sum()) // max(folds, 1)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return int(min(y[test].sum() for _, test in cv.split(np.zeros(len(y)), y)))


def baseline_auc(X: pd.DataFrame, y: np.ndarray, seed: int = 0, max_rows: int = BASELINE_MAX_ROWS) -> float:
    """Best 3-fold ROC-AUC of two quick models (see ``baseline_scores``)."""
    return baseline_scores(X, y, seed=seed, max_rows=max_rows)["roc_auc"]


def baseline_scores(
    X: pd.DataFrame, y: np.ndarray, seed: int = 0, max_rows: int = BASELINE_MAX_ROWS
) -> dict[str, float]:
    """Best 3-fold ROC-AUC and best PR-AUC (average precision) of two quick models (small gradient boosting,
    logistic regression).

    Uses a stratified subsample of at most ``max_rows`` rows (fewer on wide tables: ``BASELINE_MAX_CELLS``,
    and at most ``BASELINE_MAX_COLUMNS`` random columns); the best of two unlike models is a
    fair "is this problem already solved?" check for both axis-aligned and linear structure.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    if X.shape[1] > BASELINE_MAX_COLUMNS:  # a seeded random subset of the columns of a very wide table
        keep = np.sort(np.random.default_rng(seed).choice(X.shape[1], BASELINE_MAX_COLUMNS, replace=False))
        X = X.iloc[:, keep]
    max_rows = min(max_rows, max(300, BASELINE_MAX_CELLS // max(X.shape[1], 1)))
    Xn = _numeric(X)
    if len(y) > max_rows:
        from sklearn.model_selection import train_test_split

        idx, _ = train_test_split(np.arange(len(y)), train_size=max_rows, stratify=y, random_state=seed)
        Xn, y = Xn[np.sort(idx)], y[np.sort(idx)]
    folds = int(min(3, y.sum(), len(y) - y.sum()))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    models = [
        HistGradientBoostingClassifier(
            max_iter=50, learning_rate=0.2, min_samples_leaf=5, early_stopping=False, random_state=seed
        ),
        make_pipeline(SimpleImputer(keep_empty_features=True), StandardScaler(), LogisticRegression(max_iter=300)),
    ]
    scoring = ("roc_auc", "average_precision")
    with threadpool_limits(1):  # predictable speed next to other workers
        runs = [cross_validate(m, Xn, y, cv=cv, scoring=scoring, error_score=np.nan) for m in models]
    return {s: float(np.nanmax([np.nanmean(r[f"test_{s}"]) for r in runs])) for s in scoring}


def _numeric(X: pd.DataFrame) -> np.ndarray:
    """Numbers as floats (huge ones brought within ``MAX_MAGNITUDE`` as the pipelines do, so neither quick model
    overflows), anything else as category codes (missing stays NaN) — for the baseline only."""

    cols = []
    for c in X.columns:
        s = X[c]
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            v = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy()
            cols.append(v * float(magnitude_scales(v)))
        else:
            codes = s.astype("category").cat.codes.to_numpy().astype("float64")
            codes[codes < 0] = np.nan
            cols.append(codes)
    return np.column_stack(cols) if cols else np.zeros((len(X), 0))
