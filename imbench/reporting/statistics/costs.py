"""Re-scoring stored test predictions under a cost matrix, without refitting.

For every ``ok`` cell the expected cost per case is computed at two thresholds that were fixed
*before* looking at the test rows: the threshold stored with the cell (chosen on training data) and
the Bayes threshold t* = cost_fp / (cost_fp + cost_fn), which is optimal for calibrated scores.
No threshold is ever optimised on the test predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from imbench.core.metrics import expected_cost

KEYS = ["dataset", "strategy", "model", "fold"]


def bayes_threshold(cost_fn: float, cost_fp: float) -> float:
    """The cost-optimal threshold on calibrated probabilities: predict 1 when P(y=1) ≥ cfp / (cfp + cfn)."""
    return cost_fp / (cost_fp + cost_fn)


def rescore_cells(results: pd.DataFrame, predictions: pd.DataFrame, cost_fn: float, cost_fp: float) -> pd.DataFrame:
    """Per ok cell: expected cost (per case and per 1,000 cases) at the stored and at the Bayes threshold.

    Cells without stored predictions get NaN (and so drop out of any comparison under the rank rule).
    """
    ok = results.loc[results["status"] == "ok", KEYS + (["threshold"] if "threshold" in results else [])].copy()
    if "threshold" not in ok:
        ok["threshold"] = np.nan
    t_star = bayes_threshold(cost_fn, cost_fp)
    groups = {k: g for k, g in predictions.groupby(KEYS, sort=False)}  # noqa: C416 (dict() would call groupby.keys)
    rows = []
    for d, s, m, f, thr in ok[[*KEYS, "threshold"]].itertuples(index=False):
        g = groups.get((d, s, m, f))
        rec = {
            "dataset": d,
            "strategy": s,
            "model": m,
            "fold": f,
            "threshold": thr,
            "bayes_threshold": t_star,
            "n_test": 0,
            "cost_at_threshold": np.nan,
            "cost_at_bayes": np.nan,
        }
        if g is not None and len(g):
            y, score = g["y_true"].to_numpy(dtype=int), g["score"].to_numpy(dtype=float)
            rec["n_test"] = len(y)
            if pd.notna(thr):
                rec["cost_at_threshold"] = expected_cost(y, (score >= thr).astype(int), cost_fn, cost_fp)
            rec["cost_at_bayes"] = expected_cost(y, (score >= t_star).astype(int), cost_fn, cost_fp)
        rows.append(rec)
    out = pd.DataFrame(
        rows, columns=[*KEYS, "threshold", "bayes_threshold", "n_test", "cost_at_threshold", "cost_at_bayes"]
    )
    out["per_1000_at_threshold"] = 1000 * out["cost_at_threshold"]
    out["per_1000_at_bayes"] = 1000 * out["cost_at_bayes"]
    return out


def cost_summary(cells: pd.DataFrame) -> pd.DataFrame:
    """Mean expected cost per 1,000 cases per dataset × model × strategy over its rescored folds."""
    agg = cells.groupby(["dataset", "model", "strategy"]).agg(
        folds=("fold", "nunique"),
        mean_threshold=("threshold", "mean"),
        per_1000_at_threshold=("per_1000_at_threshold", "mean"),
        per_1000_at_bayes=("per_1000_at_bayes", "mean"),
    )
    return agg.reset_index()


def with_costs(results: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """The results table with ``cost_at_threshold`` / ``cost_at_bayes`` columns joined on the cell keys."""
    return results.merge(cells[[*KEYS, "cost_at_threshold", "cost_at_bayes"]], on=KEYS, how="left")
