"""Does a strategy's gain change with the imbalance ratio? The IR effect, separated from dataset identity.

An IR ladder holds several base problems, each subsampled to the same rungs (``ladder:RUNG/BASE``). Per model,
strategy and metric, the difference to ``none`` (fold means per dataset) forms a base × rung matrix; Page's
trend test (``scipy.stats.page_trend_test``: bases are blocks, rungs the ordered treatments) asks whether it
rises or falls with the rung, within bases. Two-sided p = twice the smaller one-sided p; Benjamini–Hochberg
across this section's tests. Only bases measured at every rung enter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from imbench.core.schema import BASELINE
from imbench.reporting.renderers.blocks import Heading, Para, Table, code
from imbench.reporting.statistics import stats
from imbench.reporting.tables.analysis import CHEAT_METRICS, Analysis, label
from imbench.reporting.tables.comparisons import LADDER, strategy_base, uses_threshold

MIN_BASES, MIN_RUNGS = 2, 3


def ladder_matrix(results: pd.DataFrame, model: str, strategy: str, metric: str) -> pd.DataFrame:
    """Base × rung (ascending) matrix of strategy − ``none`` on ``metric`` (fold means; complete bases only)."""
    col = f"test_{metric}"
    r = results[(results["model"] == model) & results["strategy"].isin([strategy, BASELINE])]
    parts = r["dataset"].str.extract(LADDER)
    r = r.assign(rung=pd.to_numeric(parts["rung"], errors="coerce"), base=parts["base"]).dropna(subset=["rung"])
    if r.empty or col not in r.columns:
        return pd.DataFrame()
    complete = r.groupby(["dataset", "strategy"])["status"].transform(lambda s: (s == "ok").all())
    means = r[complete].groupby(["base", "rung", "strategy"])[col].mean().unstack("strategy")
    if strategy not in means.columns or BASELINE not in means.columns:
        return pd.DataFrame()
    diff = (means[strategy] - means[BASELINE]).unstack("rung").sort_index(axis=1)
    return diff.dropna(axis=0, how="any")


def min_p(bases: int, rungs: int) -> float:
    """The smallest two-sided p Page's test can give for ``bases`` × ``rungs`` (a perfect trend in every base)."""
    from scipy.stats import page_trend_test

    return min(1.0, 2 * float(page_trend_test(np.tile(np.arange(rungs, dtype=float), (bases, 1))).pvalue))


def trend_table(a: Analysis) -> pd.DataFrame:
    """One row per model × strategy × metric with a testable ladder: Δ at the lowest and highest rung, Page's L,
    p (two-sided) and q (BH over the table)."""
    from scipy.stats import page_trend_test

    rows = []
    r = a.results
    for metric in [m for m in CHEAT_METRICS if f"test_{m}" in r.columns]:
        for model in sorted(r["model"].unique()):
            for s in sorted(set(r.loc[r["model"] == model, "strategy"]) - {BASELINE}):
                if not uses_threshold(metric) and strategy_base(s) is not None:
                    continue  # a decision-only change: identical scores to its base on this metric
                m = ladder_matrix(r, model, s, metric)
                if m.shape[0] < MIN_BASES or m.shape[1] < MIN_RUNGS:
                    continue
                values = m.to_numpy(dtype=float)
                if min_p(*values.shape) >= stats.ALPHA:
                    continue  # even a perfect trend in every base could not be significant: not tested
                up = page_trend_test(values).pvalue
                down = page_trend_test(values[:, ::-1]).pvalue
                rows.append(
                    {
                        "metric": metric,
                        "model": model,
                        "strategy": s,
                        "bases": m.shape[0],
                        "rungs": ", ".join(f"1:{x:g}" for x in m.columns),
                        "median_low": float(np.median(values[:, 0])),
                        "median_high": float(np.median(values[:, -1])),
                        "direction": "rises" if up <= down else "falls",
                        "statistic": float(page_trend_test(values if up <= down else values[:, ::-1]).statistic),
                        "p": min(1.0, 2 * min(up, down)),
                    }
                )
    t = pd.DataFrame(rows)
    if len(t):
        t["q"] = stats.fdr_bh(t["p"].to_numpy())
    return t


def _l_null(row: pd.Series) -> str:
    """Page's L expected with no trend: n k (k + 1)² / 4 for n bases and k rungs."""
    n, k = int(row["bases"]), len(str(row["rungs"]).split(", "))
    return f"{n * k * (k + 1) ** 2 / 4:g}"


def ladder_section(a: Analysis) -> list:
    """The cheat-sheet section on the IR trend (empty when the run has no testable ladder)."""
    t = trend_table(a)
    if t.empty:
        return []
    rows, reliable = [], 0
    for r in t.itertuples(index=False):
        sig = r.q < stats.ALPHA
        reliable += int(sig)
        rows.append(
            [
                code(r.strategy),
                code(r.model),
                label(r.metric),
                f"{r.median_low:+.3f} → {r.median_high:+.3f}",
                f"Δ {r.direction} with IR" if sig else "no reliable trend",
                f"{r.statistic:.0f}",
                f"{r.q:.2g}",
            ]
        )
    first = t.iloc[0]
    return [
        Heading("How the gain changes with imbalance (IR ladder)"),
        Para(
            f"{first['bases']} base problems, each at rungs {first['rungs']}; Δ = strategy − {code(BASELINE)} per "
            f"dataset (for Brier, a rising Δ is a growing harm). Page's trend test within bases; {reliable} of "
            f"{len(t)} trends are reliable (Benjamini–Hochberg q < {stats.ALPHA} across this table). Page's L is "
            f"given for the stronger direction ({_l_null(first)} expected with no trend). A rung is made by "
            "dropping positives, so the IR rises as the minority shrinks: a trend is of the two together."
        ),
        Table(["strategy", "model", "metric", "median Δ, lowest → highest rung", "trend", "Page's L", "q"], rows),
    ]
