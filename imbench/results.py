"""Result rows → a tidy pandas DataFrame (one row per cell, keys first, then params and metrics)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

KEY_COLUMNS = ["dataset", "strategy", "model", "fold", "repeat", "outer_fold", "seed", "status", "error"]
META_COLUMNS = ["family", "source", "n", "n_pos", "n_features", "n_categorical", "ir", "tier", "n_train", "n_test",
                "n_pos_test", "metric", "threshold", "adaptations", "tune_seconds", "fit_seconds", "predict_seconds",
                "trials", "trials_pruned", "trials_failed", "inner_score"]


def results_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A tidy DataFrame: key columns, metadata, then ``p_*`` parameters and ``test_*`` metrics."""
    df = pd.DataFrame(list(rows))
    if df.empty:
        return pd.DataFrame(columns=KEY_COLUMNS)
    keys = [c for c in KEY_COLUMNS if c in df.columns]
    params = sorted(c for c in df.columns if c.startswith("p_"))
    metrics = sorted(c for c in df.columns if c.startswith("test_"))
    # a fixed order, whichever row arrived first (results do not depend on the number of workers)
    rest = [c for c in META_COLUMNS if c in df.columns]
    rest += sorted(c for c in df.columns if c not in set(keys) | set(rest) | set(params) | set(metrics))
    df = df[keys + rest + params + metrics]
    sort = [c for c in ("dataset", "strategy", "model", "fold") if c in df.columns]
    return df.sort_values(sort, kind="stable").reset_index(drop=True)


def summarize(df: pd.DataFrame, metric: str = "average_precision") -> pd.DataFrame:
    """Mean ± std of ``test_<metric>`` per dataset × strategy × model over ``ok`` folds, with status counts."""
    col = f"test_{metric}"
    ok = df[df["status"] == "ok"]
    agg = ok.groupby(["dataset", "model", "strategy"])[col].agg(["mean", "std", "count"]) if col in ok else None
    counts = df.groupby(["dataset", "model", "strategy"])["status"].agg(lambda s: ",".join(sorted(set(s))))
    out = counts.rename("statuses").to_frame()
    if agg is not None:
        out = out.join(agg)
    return out.reset_index().sort_values(["dataset", "model", "mean"], ascending=[True, True, False])
