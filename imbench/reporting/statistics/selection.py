"""Selection-aware gain: the best of many strategy × model pairs, picked on the folds that score it, looks
better than it is (winner's curse). Nested selection picks inside each outer training split instead.

For every dataset × outer fold the pair with the best inner-CV score (column ``inner_score``: the tuning
metric on the training split only) is chosen, and only its outer test score is counted; its gain is measured
against ``none`` with the same model on the same fold. The mean over folds is an honest estimate of what
"run imbench, take its pick" gains; its interval uses the Nadeau–Bengio correction.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from imbench.core.metrics import get_metric
from imbench.reporting.statistics import stats

BASELINE = "none"
ESTIMATE = (
    "nested selection: strategy × model chosen by its inner-CV score inside each outer training split, "
    "scored on that outer test fold"
)
NAIVE = "naive: the top of the ranked table, scored on the same folds that ranked it (optimistic: winner's curse)"
COLUMNS = ["dataset", "fold", "strategy", "model", "inner_score", "test", "none_test", "gain", "n_train", "n_test"]


def _complexity(strategy: str) -> int:
    return 0 if strategy == BASELINE else strategy.count("+") + 1


def nested_selection(results: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per dataset × outer fold: the pair chosen on inner scores, its test score and gain over none.

    Ties on the inner score (e.g. ``threshold`` shares ``none``'s tuned model) go to the simpler strategy,
    then by name, so the choice never peeks at the test fold.
    """

    m = get_metric(metric)
    col = f"test_{m.name}"
    if col not in results or "inner_score" not in results:
        return pd.DataFrame(columns=COLUMNS)
    ok = results[(results["status"] == "ok")].copy()
    if "metric" in ok:
        ok = ok[ok["metric"].isna() | (ok["metric"].astype(str) == m.name)]
    ok["inner_score"] = pd.to_numeric(ok["inner_score"], errors="coerce")
    ok[col] = pd.to_numeric(ok[col], errors="coerce")
    ok = ok[np.isfinite(ok["inner_score"]) & np.isfinite(ok[col])]
    rows = []
    for (d, f), g in ok.groupby(["dataset", "fold"], sort=True):
        g = g.assign(_key=-g["inner_score"] if m.greater else g["inner_score"], _cx=g["strategy"].map(_complexity))
        pick = g.sort_values(["_key", "_cx", "strategy", "model"]).iloc[0]
        base = g[(g["strategy"] == BASELINE) & (g["model"] == pick["model"])]
        none_test = float(base[col].iat[0]) if len(base) else float("nan")
        test = float(pick[col])
        gain = (test - none_test) if m.greater else (none_test - test)
        rows.append(
            {
                "dataset": d,
                "fold": f,
                "strategy": pick["strategy"],
                "model": pick["model"],
                "inner_score": float(pick["inner_score"]),
                "test": test,
                "none_test": none_test,
                "gain": gain,
                "n_train": float(pick["n_train"]) if "n_train" in pick else float("nan"),
                "n_test": float(pick["n_test"]) if "n_test" in pick else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def selection_summary(results: pd.DataFrame, metric: str, confidence: float = 0.95) -> dict[str, Any]:
    """Mean selected test score and gain over none (improvement-oriented) with Nadeau–Bengio intervals.

    Meant for one dataset (``compare``); over several datasets the fold rows are pooled per dataset first.
    """
    sel = nested_selection(results, metric)
    out: dict[str, Any] = {"estimate": ESTIMATE, "folds": len(sel)}
    if sel.empty:
        return out
    per = sel.groupby("dataset")
    n_train = float(sel["n_train"].mean()) if sel["n_train"].notna().any() else float(max(len(sel) - 1, 1))
    n_test = float(sel["n_test"].mean()) if sel["n_test"].notna().any() else 1.0
    if per.ngroups == 1:
        mean, lo, hi = stats.nadeau_bengio_interval(sel["gain"].to_numpy(), n_train, n_test, confidence)
        score = float(sel["test"].mean())
    else:
        gains = per["gain"].mean().to_numpy()
        mean, (lo, hi), score = (
            float(np.median(gains)),
            stats.bootstrap_median_interval(gains),
            float(sel["test"].mean()),
        )
    choices = (sel["strategy"] + " × " + sel["model"]).value_counts()
    out.update(
        {
            "selected_mean": score,
            "gain_vs_none": mean,
            "gain_ci_low": lo,
            "gain_ci_high": hi,
            "choices": {str(k): int(v) for k, v in choices.items()},
            "interval": "Nadeau–Bengio corrected t over outer folds"
            if per.ngroups == 1
            else "seeded bootstrap of the median over datasets",
        }
    )
    return out
