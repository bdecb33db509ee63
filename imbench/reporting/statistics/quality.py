"""Cells whose numbers should not be read at face value: degenerate scores or splits, tuning below budget.

A verdict resting on a cell whose model gave constant scores (ROC-AUC exactly 0.5 on every fold), whose
decision threshold sits at 0 or 1, or whose test folds hold fewer than ``MIN_TEST_POSITIVES`` positives
is flagged; so is a cell tuned with fewer trials than the protocol asked for without a failure to explain it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

MIN_TEST_POSITIVES = 5
KEYS = ["dataset", "model", "strategy"]
FLAG_TEXT = {
    "constant_scores": "constant scores (ROC-AUC 0.5 on every fold)",
    "threshold_at_bound": "decision threshold at 0 or 1",
    "few_test_positives": f"test folds with fewer than {MIN_TEST_POSITIVES} positives",
}


def degenerate_cells(results: pd.DataFrame) -> pd.DataFrame:
    """One row per dataset × model × strategy with at least one flag (columns = ``FLAG_TEXT`` keys, bool)."""
    ok = results[results["status"] == "ok"]
    cols = KEYS + list(FLAG_TEXT)
    if ok.empty:
        return pd.DataFrame(columns=cols)
    g = ok.groupby(KEYS)
    out = pd.DataFrame(index=g.size().index)
    if "test_roc_auc" in ok:
        out["constant_scores"] = g["test_roc_auc"].agg(lambda v: bool(len(v) and np.all(np.asarray(v) == 0.5)))
    else:
        out["constant_scores"] = False
    if "threshold" in ok:
        out["threshold_at_bound"] = g["threshold"].agg(
            lambda v: bool(np.any((np.asarray(v) <= 0) | (np.asarray(v) >= 1)))
        )
    else:
        out["threshold_at_bound"] = False
    if "n_pos_test" in ok:
        out["few_test_positives"] = g["n_pos_test"].agg(
            lambda v: bool(np.nanmin(np.asarray(v, dtype=float)) < MIN_TEST_POSITIVES)
        )
    else:
        out["few_test_positives"] = False
    out = out.reset_index()
    return out[out[list(FLAG_TEXT)].any(axis=1)].reset_index(drop=True)[cols]


def few_positive_datasets(results: pd.DataFrame) -> dict[str, int]:
    """Datasets whose smallest test fold holds fewer than ``MIN_TEST_POSITIVES`` positives → that count."""
    if "n_pos_test" not in results:
        return {}
    m = results.dropna(subset=["n_pos_test"]).groupby("dataset")["n_pos_test"].min()
    return {str(d): int(v) for d, v in m.items() if v < MIN_TEST_POSITIVES}


def protocol_trials(config: Mapping[str, Any]) -> int | None:
    """``protocol.n_trials`` of a run's config.yaml, if stated."""
    proto = config.get("protocol") if isinstance(config.get("protocol"), Mapping) else {}
    try:
        return int(proto["n_trials"]) if proto and proto.get("n_trials") is not None else None
    except (TypeError, ValueError):
        return None


def under_budget(results: pd.DataFrame, n_trials: int | None) -> pd.DataFrame:
    """Ok cells that ran fewer Optuna trials than ``n_trials`` (an early-stopped study, not a failed cell).

    Failed or timed-out cells are explained by their status and are not listed; trials that failed inside
    an ok cell count as trials (the study did run them).
    """
    cols = ["dataset", "model", "strategy", "fold", "trials", "trials_failed", "n_trials"]
    if n_trials is None or "trials" not in results:
        return pd.DataFrame(columns=cols)
    ok = results[(results["status"] == "ok") & results["trials"].notna()]
    low = ok[pd.to_numeric(ok["trials"], errors="coerce") < n_trials].copy()
    low["n_trials"] = n_trials
    if "trials_failed" not in low:
        low["trials_failed"] = np.nan
    return low[cols].sort_values(["dataset", "model", "strategy", "fold"]).reset_index(drop=True)
