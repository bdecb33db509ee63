"""Rank compare's strategy × model pairs with intervals over outer folds, and pick the recommendation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from imbench.core.metrics import get_metric
from imbench.core.results import aggregate_folds
from imbench.core.schema import BASELINE, Recommendation
from imbench.reporting.statistics.stats import nadeau_bengio_interval


def ranked_table(df: pd.DataFrame, metric: str, costs: bool = False) -> pd.DataFrame:
    """One row per strategy × model: mean and 95 % Nadeau–Bengio interval of the metric over outer folds, ranked.

    ``folds_ok`` counts ok folds with a finite metric (``aggregate_folds``): a fold whose metric is
    undefined does not make its pair complete, and does not turn the mean into NaN. Folds share training
    rows, so the interval uses the Nadeau–Bengio corrected resampled t, not the naive one.
    """

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
            row["cost_ci_low"], row["cost_ci_high"] = _interval_of(ok, "test_expected_cost", 1000.0)
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


def _interval_of(ok: pd.DataFrame, col: str, scale: float) -> tuple[float, float]:
    """95 % Nadeau–Bengio interval of a per-fold column (scaled), the mean twice when it cannot vary."""

    vals = pd.to_numeric(ok[col], errors="coerce").to_numpy(dtype=float) * scale if col in ok else np.array([])
    vals = vals[np.isfinite(vals)]
    if len(vals) < 2 or np.std(vals) == 0:
        mean = float(vals.mean()) if len(vals) else float("nan")
        return mean, mean
    sizes = (ok["n_train"].mean(), ok["n_test"].mean()) if "n_train" in ok else (len(vals) - 1, 1)
    _, lo, hi = nadeau_bengio_interval(vals, float(sizes[0]), float(sizes[1]), bounds=(0.0, float("inf")))
    return float(lo), float(hi)


BASELINE_PAIR = ("threshold", "lightgbm")
"""The practitioner's baseline (``imbench.comparison.budget``): recommended unless a pair reliably beats it."""


def objective(metric: str, costs: bool) -> tuple[str, bool, float]:
    """(result column, greater is better, display scale) of the objective the table is ranked by."""

    if costs:
        return "test_expected_cost", False, 1000.0
    m = get_metric(metric)
    return f"test_{m.name}", m.greater, 1.0


def paired_gain(df: pd.DataFrame, a: tuple[str, str], b: tuple[str, str], metric: str, costs: bool) -> dict[str, Any]:
    """Gain of pair ``a`` over pair ``b`` on the ranking objective (positive = ``a`` better), mean and 95 %
    Nadeau–Bengio interval over the outer folds where both are ok (paired: same rows, same seed)."""

    col, greater, scale = objective(metric, costs)
    ok = df[df["status"] == "ok"]

    def fold_values(pair: tuple[str, str]) -> pd.Series:
        g = ok[(ok["strategy"] == pair[0]) & (ok["model"] == pair[1])]
        return pd.to_numeric(g.set_index("fold")[col], errors="coerce") * scale

    diff = (fold_values(a) - fold_values(b)).dropna()
    if not greater:
        diff = -diff
    out: dict[str, Any] = {"vs": f"{b[0]} × {b[1]}", "folds": len(diff)}
    if diff.empty:
        return out
    sizes = ok[["n_train", "n_test"]].mean() if {"n_train", "n_test"} <= set(ok) else pd.Series([1.0, 1.0])
    mean, lo, hi = nadeau_bengio_interval(diff.to_numpy(), float(sizes.iloc[0]), float(sizes.iloc[1]))
    out.update({"mean": mean, "ci_low": lo, "ci_high": hi, "identical": bool((diff == 0).all())})
    return out


def recommend(table: pd.DataFrame, df: pd.DataFrame, metric: str, costs: bool) -> Recommendation | None:
    """The top complete row, unless it fails to beat the practitioner's baseline reliably (the lower end of its
    paired 95 % interval over the baseline ≤ 0): then the baseline. None if no row is complete.

    The top of a table ranked on the folds that score it is optimistic (winner's curse); asking its paired
    interval over the baseline to exclude zero keeps a lucky pick from replacing what a practitioner would run.
    """
    complete = table[table["folds_ok"] == table["folds"]]
    if complete.empty:
        return None
    best = complete.iloc[0]
    top = (str(best["strategy"]), str(best["model"]))
    baseline = complete[(complete["strategy"] == BASELINE_PAIR[0]) & (complete["model"] == BASELINE_PAIR[1])]
    ranked_first = None
    if top != BASELINE_PAIR and not baseline.empty:
        g = paired_gain(df, top, BASELINE_PAIR, metric, costs)
        if not g.get("ci_low", float("nan")) > 0:
            ranked_first = (
                f"{top[0]} × {top[1]} ranked first, but its gain over the baseline {BASELINE_PAIR[0]} × "
                f"{BASELINE_PAIR[1]} is not reliable ({_interval(g)}): the baseline is recommended"
            )
            best = baseline.iloc[0]
    rec = Recommendation.from_dict(
        {**{k: (v.item() if hasattr(v, "item") else v) for k, v in best.items()}, "metric": metric}
    )
    rec.ranked_first = ranked_first
    pair = (rec.strategy, rec.model)
    base = table[(table["strategy"] == BASELINE) & (table["model"] == best["model"])]
    if not base.empty:
        b = base.iloc[0]
        rec.none_mean = float(b["mean"])
        rec.gain_vs_none = float(best["mean"] - b["mean"])
        rec.none_f1 = float(b["f1"])
        if costs:
            rec.none_cost_per_1000 = float(b["cost_per_1000"])
            rec.saving_per_1000 = float(b["cost_per_1000"] - best["cost_per_1000"])
    for name, other in (
        ("none", (BASELINE, rec.model)),
        ("threshold", ("threshold", rec.model)),
        ("baseline", BASELINE_PAIR),
    ):
        match = table[(table["strategy"] == other[0]) & (table["model"] == other[1])]
        if other != pair and not match.empty:
            rec.gains[name] = {**paired_gain(df, pair, other, metric, costs), "f1": float(match.iloc[0]["f1"])}
    return rec


def _interval(g: dict[str, Any]) -> str:
    if "mean" not in g:
        return "no paired folds"
    return f"{g['mean']:+.4f} [{g['ci_low']:+.4f}, {g['ci_high']:+.4f}] over {g['folds']} folds"
