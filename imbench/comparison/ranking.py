"""Rank compare's strategy × model pairs with intervals over outer folds, and pick the recommendation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from imbench.core.schema import BASELINE, Recommendation


def ranked_table(df: pd.DataFrame, metric: str, costs: bool = False) -> pd.DataFrame:
    """One row per strategy × model: mean and 95 % Nadeau–Bengio interval of the metric over outer folds, ranked.

    ``folds_ok`` counts ok folds with a finite metric (``aggregate_folds``): a fold whose metric is
    undefined does not make its pair complete, and does not turn the mean into NaN. Folds share training
    rows, so the interval uses the Nadeau–Bengio corrected resampled t, not the naive one.
    """
    from imbench.core.metrics import get_metric
    from imbench.core.results import aggregate_folds
    from imbench.reporting.statistics.stats import nadeau_bengio_interval

    m = get_metric(metric)
    n_folds = int(df["fold"].nunique())
    by = ["strategy", "model"]
    main = aggregate_folds(df, m.name, by)
    f1, cost = aggregate_folds(df, "f1", by), aggregate_folds(df, "expected_cost", by) if costs else None
    thr = aggregate_folds(df, "threshold", by)
    rows = []
    for (st, mo), g in df.groupby(by):
        a = main.loc[(st, mo)]
        mean, count = float(a["mean"]), int(a["count"])
        ok = g[g["status"] == "ok"]
        col = f"test_{m.name}"
        vals = pd.to_numeric(ok[col], errors="coerce").to_numpy(dtype=float) if col in ok else np.array([])
        vals = vals[np.isfinite(vals)]
        if count > 1 and np.std(vals) > 0:
            sizes = (ok["n_train"].mean(), ok["n_test"].mean()) if "n_train" in ok else (len(vals) - 1, 1)
            _, lo, hi = nadeau_bengio_interval(vals, float(sizes[0]), float(sizes[1]), bounds=m.bounds)
        else:
            lo = hi = mean
        row = {
            "strategy": st,
            "model": mo,
            "folds_ok": count,
            "folds": n_folds,
            "mean": mean,
            "ci_low": float(lo),
            "ci_high": float(hi),
            "f1": float(f1.loc[(st, mo), "mean"]),
            "threshold": float(thr.loc[(st, mo), "mean"]),
            "status": ",".join(sorted(set(g["status"]))),
            "error": next((e for e in g["error"] if e), ""),
        }
        if cost is not None:
            row["cost_per_1000"] = float(cost.loc[(st, mo), "mean"] * 1000)
        rows.append(row)
    t = pd.DataFrame(rows)
    # ties on the primary metric (e.g. PR-AUC of none and threshold, which only moves the cut-off)
    # are broken by the quality of the operating point: F1, or expected cost with costs
    keys, asc = (
        (["cost_per_1000", "mean"], [True, not m.greater]) if costs else (["mean", "f1"], [not m.greater, False])
    )
    t["mean"] = t["mean"].round(10)
    complete = t["folds_ok"] == t["folds"]
    t = pd.concat([t[complete].sort_values(keys, ascending=asc), t[~complete].sort_values(keys, ascending=asc)])
    t.insert(0, "rank", range(1, len(t) + 1))
    return t.reset_index(drop=True)


def recommend(table: pd.DataFrame, df: pd.DataFrame, metric: str, costs: bool) -> Recommendation | None:
    """The top complete row and its gain over ``none`` with the same model; None if no row is complete."""
    complete = table[table["folds_ok"] == table["folds"]]
    if complete.empty:
        return None
    best = complete.iloc[0]
    base = table[(table["strategy"] == BASELINE) & (table["model"] == best["model"])]
    rec = Recommendation.from_dict(
        {**{k: (v.item() if hasattr(v, "item") else v) for k, v in best.items()}, "metric": metric}
    )
    if not base.empty:
        b = base.iloc[0]
        rec.none_mean = float(b["mean"])
        rec.gain_vs_none = float(best["mean"] - b["mean"])
        rec.none_f1 = float(b["f1"])
        if costs:
            rec.none_cost_per_1000 = float(b["cost_per_1000"])
            rec.saving_per_1000 = float(b["cost_per_1000"] - best["cost_per_1000"])
    return rec
