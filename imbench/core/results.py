"""Result rows → a tidy pandas DataFrame (one row per cell, keys first, then params and metrics), and the
one fold aggregation every summary uses (compare, report, CLI, MLflow)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from imbench.core.schema import (
    CELL_KEY_COLUMNS,
    GROUP_COLUMNS,
    KEY_COLUMNS,
    META_COLUMNS,
    METRIC_PREFIX,
    PARAM_PREFIX,
    Status,
    metric_column,
)

__all__ = ["KEY_COLUMNS", "META_COLUMNS", "aggregate_folds", "fold_stats", "results_frame", "summarize"]


def results_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A tidy DataFrame: key columns, metadata, then ``p_*`` parameters and ``test_*`` metrics."""
    df = pd.DataFrame(list(rows))
    if df.empty:
        return pd.DataFrame(columns=list(KEY_COLUMNS))
    keys = [c for c in KEY_COLUMNS if c in df.columns]
    params = sorted(c for c in df.columns if c.startswith(PARAM_PREFIX))
    metrics = sorted(c for c in df.columns if c.startswith(METRIC_PREFIX))
    # a fixed order, whichever row arrived first (results do not depend on the number of workers)
    rest = [c for c in META_COLUMNS if c in df.columns]
    rest += sorted(c for c in df.columns if c not in set(keys) | set(rest) | set(params) | set(metrics))
    df = df[keys + rest + params + metrics]
    sort = [c for c in CELL_KEY_COLUMNS if c in df.columns]
    return df.sort_values(sort, kind="stable").reset_index(drop=True)


def fold_stats(values: Sequence[Any]) -> tuple[float, float, int]:
    """Mean, std (ddof=1) and count of the finite values among one group's ok-fold values.

    No finite value: (NaN, NaN, 0). One: (v, NaN, 1) — a spread of one fold is undefined, not 0.
    """
    v = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return float("nan"), float("nan"), 0
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else float("nan"), len(v)


def aggregate_folds(df: pd.DataFrame, metric: str, by: Sequence[str] = GROUP_COLUMNS) -> pd.DataFrame:
    """Per group (default dataset × model × strategy): ``mean``, ``std`` and ``count`` of ``test_<metric>``
    (or of the column ``metric`` itself, e.g. ``threshold``) over ``ok`` outer folds with a finite value,
    and ``n_folds`` (distinct folds of the group, any status).

    Edge cases, the same for every caller: a NaN metric (undefined on its fold) is left out of mean, std
    and count; a group with no such fold is kept with count 0 and NaN mean/std; std needs two folds.
    """
    col = metric if metric in df.columns or metric.startswith(METRIC_PREFIX) else metric_column(metric)
    by = list(by)
    if df.empty:
        return pd.DataFrame(columns=[*by, "mean", "std", "count", "n_folds"]).set_index(by)
    n_folds = df.groupby(by)["fold"].nunique().rename("n_folds")
    ok = df[df["status"] == Status.OK.value]
    vals = pd.to_numeric(ok[col], errors="coerce") if col in ok else pd.Series(np.nan, index=ok.index)
    vals = vals.where(np.isfinite(vals))
    g = vals.groupby([ok[c] for c in by])
    agg = pd.DataFrame({"mean": g.mean(), "std": g.std(ddof=1), "count": g.count()})
    out = agg.reindex(n_folds.index)
    out["count"] = out["count"].fillna(0).astype(int)
    return out.join(n_folds)


def summarize(df: pd.DataFrame, metric: str = "average_precision") -> pd.DataFrame:
    """Mean ± std of ``test_<metric>`` per dataset × strategy × model over ``ok`` folds, with status counts."""
    by = ["dataset", "model", "strategy"]
    counts = df.groupby(by)["status"].agg(lambda s: ",".join(sorted(set(s))))
    out = counts.rename("statuses").to_frame().join(aggregate_folds(df, metric, by)[["mean", "std", "count"]])
    return out.reset_index().sort_values(["dataset", "model", "mean"], ascending=[True, True, False])
