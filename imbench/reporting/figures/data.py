"""Figure data: tidy DataFrames, one per report figure, computed from results, predictions and rank comparisons.

Pure pandas (no matplotlib), so tests and the browser check read the same numbers the figures draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from imbench.core.schema import BASELINE
from imbench.reporting.statistics.stats import t_interval
from imbench.reporting.tables.comparisons import LADDER, RankComparison


def gain_heatmap_data(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """Long table strategy × (tier, model): mean difference vs none over datasets and its adjusted Wilcoxon p."""
    rows = []
    for c in comparisons:
        if not c.ok or c.wilcoxon.empty:
            continue
        col = c.group.tier + (f" {c.group.band}" if c.group.band else "") + f" | {c.group.model}"
        for r in c.wilcoxon.itertuples(index=False):
            rows.append(
                {
                    "strategy": r.strategy,
                    "column": col,
                    "tier": c.group.tier,
                    "model": c.group.model,
                    "mean_diff": r.mean_diff,
                    "improvement": r.mean_diff if c.greater else -r.mean_diff,
                    "p_adj": r.p_adj,
                }
            )
    return pd.DataFrame(rows, columns=["strategy", "column", "tier", "model", "mean_diff", "improvement", "p_adj"])


def metric_vs_ir_data(results: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean ``test_<metric>`` per dataset × model × strategy over ok folds, with the dataset's IR.

    A ladder rung (``ladder:RUNG/BASE``) is placed at its nominal RUNG, not its exact IR (9.95 for one base,
    10.0 for another), so the drawn curve averages the bases at each rung instead of zigzagging between them.
    """
    col = f"test_{metric}"
    ok = results[(results["status"] == "ok")]
    if col not in ok or "ir" not in ok:
        return pd.DataFrame(columns=["dataset", "model", "strategy", "ir", "mean"])
    agg = ok.groupby(["dataset", "model", "strategy"]).agg(ir=("ir", "first"), mean=(col, "mean")).reset_index()
    rung = pd.to_numeric(agg["dataset"].str.extract(LADDER)["rung"], errors="coerce")
    agg["ir"] = rung.where(rung.notna(), agg["ir"]).astype(float)
    return agg.sort_values(["model", "strategy", "ir"]).reset_index(drop=True)


def calibration_harm_data(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """Per calibration comparison (Brier or ECE, one model): each strategy's mean difference vs none over datasets."""

    rows = []
    for c in comparisons:
        if not c.ok or BASELINE not in c.block_values:
            continue
        for s in c.strategies:
            if s == BASELINE:
                continue
            mean, low, high = t_interval((c.block_values[s] - c.block_values[BASELINE]).to_numpy())
            rows.append(
                {
                    "metric": c.metric,
                    "model": c.group.model,
                    "strategy": s,
                    "mean_diff": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows, columns=["metric", "model", "strategy", "mean_diff", "ci_low", "ci_high"])


def pr_curve_data(predictions: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Precision–recall curves on one dataset per model × strategy, test folds pooled.

    Two APs come with each curve: ``ap`` is the mean of the per-fold APs (the number every table and the
    cheat-sheet report), ``ap_pooled`` is the area under the drawn pooled curve. They differ because
    scores of different folds come from different fitted models and are not on one scale.
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve

    sub = predictions[predictions["dataset"] == dataset]
    frames = []
    for (m, s), g in sub.groupby(["model", "strategy"]):
        y, score = g["y_true"].to_numpy(dtype=int), g["score"].to_numpy(dtype=float)
        if y.min() == y.max():
            continue
        p, r, _ = precision_recall_curve(y, score)
        per_fold = [
            average_precision_score(f["y_true"].to_numpy(dtype=int), f["score"].to_numpy(dtype=float))
            for _, f in g.groupby("fold")
            if f["y_true"].nunique() == 2
        ]
        frames.append(
            pd.DataFrame(
                {
                    "model": m,
                    "strategy": s,
                    "recall": r,
                    "precision": p,
                    "ap": float(np.mean(per_fold)) if per_fold else np.nan,
                    "ap_pooled": average_precision_score(y, score),
                    "prevalence": y.mean(),
                }
            )
        )
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["model", "strategy", "recall", "precision", "ap", "ap_pooled", "prevalence"])
    )


def accuracy_vs_prauc_data(results: pd.DataFrame) -> pd.DataFrame:
    """Mean accuracy and PR-AUC per dataset × model × strategy (ok folds), with tier and IR."""
    need = {"test_accuracy", "test_average_precision"}
    ok = results[results["status"] == "ok"]
    if not need <= set(ok.columns):
        return pd.DataFrame(columns=["dataset", "model", "strategy", "tier", "ir", "accuracy", "average_precision"])
    extra = {c: (c, "first") for c in ("tier", "ir") if c in ok}
    agg = ok.groupby(["dataset", "model", "strategy"]).agg(
        accuracy=("test_accuracy", "mean"), average_precision=("test_average_precision", "mean"), **extra
    )
    return agg.reset_index()
