"""Verdicts of one comparison, from the numbers only: a winner only where the evidence supports one.

Rule (stated in every cheat-sheet): a strategy is *better* than ``none`` when the Wilcoxon signed-rank test
over origins rejects after the Benjamini–Hochberg correction of its question (metric × view × kind) and the signed
ranks point to an improvement, and, on a thresholded metric (F1, costs), when it also beats ``threshold`` the same
way (otherwise its win is the tuned threshold's); *worse* (→ "avoid") when it rejects the other way. Among the better ones the best mean rank is
recommended; if none is better, the verdict is "no reliable difference — keep none". With too few datasets
for the exact test to reach alpha at all, no test is run and the verdict says so. The Bayesian signed-rank
probabilities (ROPE per metric) are shown beside every verdict and qualify a gain that is mostly within the ROPE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from imbench.core.schema import BASELINE
from imbench.reporting.statistics import stats
from imbench.reporting.statistics.quality import FLAG_TEXT
from imbench.reporting.tables.comparisons import THRESHOLD, RankComparison, strategy_base

CALIBRATION_METRICS = ("brier", "ece")


@dataclass
class Verdict:
    """What one comparison supports; ``kind``: better, keep_none, untestable or empty."""

    kind: str
    strategy: str | None = None
    """The recommended strategy (kind better) or the best-ranked one described otherwise."""
    n_datasets: int = 0
    min_p: float = float("nan")
    avoid: list[str] = field(default_factory=list)
    calibration: list[tuple[str, float]] = field(default_factory=list)
    """(metric, mean change vs none) for each calibration metric the recommended strategy worsens."""
    flags: list[str] = field(default_factory=list)
    threshold_explains: list[str] = field(default_factory=list)
    """On a thresholded metric: strategies that beat ``none`` but not ``threshold`` (their win is the tuned
    operating point, not the resampling or weighting): not recommended, listed with what they add to it."""

    @property
    def recommended(self) -> str | None:
        return self.strategy if self.kind == "better" else None


def verdict(
    c: RankComparison, calibration: Sequence[RankComparison] = (), degenerate: pd.DataFrame | None = None
) -> Verdict:
    """The verdict of ``c`` (after ``adjust_family``); ``calibration`` = Brier/ECE comparisons of the same group."""
    if not c.ok or c.wilcoxon.empty:
        return Verdict("empty", c.winner, c.n_datasets)
    w = c.wilcoxon.set_index("strategy")
    n = c.n_datasets
    v = Verdict("keep_none", None, n, stats.wilcoxon_min_p(n))
    sig = w[w["significant"].astype(bool)]
    better = [s for s in c.mean_ranks.index if s in sig.index and bool(sig.at[s, "better"])]
    if not c.vs_threshold.empty:  # a thresholded metric: a win must also beat tuning the threshold alone
        t = c.vs_threshold.set_index("strategy")

        def beats_threshold(s: str) -> bool:
            return s == THRESHOLD or (s in t.index and bool(t.at[s, "significant"]) and bool(t.at[s, "better"]))

        v.threshold_explains = [s for s in better if not beats_threshold(s)]
        better = [s for s in better if beats_threshold(s)]
    v.avoid = [s for s in c.mean_ranks.index[::-1] if s in sig.index and not bool(sig.at[s, "better"])]
    if not bool(w["testable"].any()):
        v.kind = "untestable"
    if better:
        v.kind, v.strategy = "better", better[0]
        v.calibration = calibration_harm(v.strategy, calibration)
    else:
        v.strategy = next((s for s in c.mean_ranks.index if s != BASELINE), None)
    if v.strategy is not None:
        c.bayes(v.strategy)
    if degenerate is not None and v.strategy is not None:
        v.flags = degenerate_flags(degenerate, c.group.model, v.strategy, c.datasets)
    return v


def calibration_harm(strategy: str, calibration: Sequence[RankComparison]) -> list[tuple[str, float]]:
    """Calibration metrics that ``strategy`` worsens vs none: mean rise above the ROPE, or a significant rise.

    A decision-only strategy moves no probability: its base (``X`` for ``X+threshold``) is looked up.
    """
    out = []
    for cal in calibration:
        s = strategy
        if cal.wilcoxon.empty or s not in set(cal.wilcoxon["strategy"]):
            s = strategy_base(strategy) or strategy
        row = cal.versus_baseline(s) if s != BASELINE else None
        if row is None or not np.isfinite(row["mean_diff"]):
            continue
        rise = row["mean_diff"] if not cal.greater else -row["mean_diff"]
        if rise > cal.rope or (bool(row["significant"]) and not bool(row["better"])):
            out.append((cal.metric, float(row["mean_diff"])))
    return out


def degenerate_flags(degenerate: pd.DataFrame, model: str, strategy: str, datasets: Sequence[str]) -> list[str]:
    """'constant scores in 2 of the datasets' etc. for one strategy × model over the group's datasets."""

    d = degenerate[
        (degenerate["model"] == model) & (degenerate["strategy"] == strategy) & degenerate["dataset"].isin(datasets)
    ]
    out = []
    for key in ("constant_scores", "threshold_at_bound"):
        k = int(d[key].sum()) if key in d else 0
        if k:
            out.append(f"{FLAG_TEXT[key]}: {k} dataset{'s' if k > 1 else ''}")
    return out
