"""Statistical tests used by the report: Friedman + Nemenyi, Wilcoxon vs a baseline with Holm, t intervals.

The tests themselves come from scipy and scikit-posthocs; only Holm's step-down adjustment (which
neither library exposes without statsmodels) is written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

ALPHA = 0.05


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm–Bonferroni step-down adjusted p-values (NaNs stay NaN and do not count towards m)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    running = 0.0
    for i, idx in enumerate(valid[np.argsort(p[valid], kind="stable")]):
        running = max(running, (m - i) * p[idx])
        out[idx] = min(1.0, running)
    return out


def rank_blocks(values: pd.DataFrame, greater: bool) -> pd.DataFrame:
    """Ranks within each row (block) over the columns (strategies): 1 = best, ties get the average rank."""
    return values.rank(axis=1, ascending=not greater, method="average")


@dataclass(frozen=True)
class Friedman:
    """Friedman's chi-square over a blocks × groups matrix."""

    statistic: float
    pvalue: float
    n_blocks: int
    k: int


def friedman(values: pd.DataFrame) -> Friedman | None:
    """``scipy.stats.friedmanchisquare`` on a blocks × groups matrix; None when undefined (k < 3 or < 2 blocks)."""
    from scipy.stats import friedmanchisquare

    n, k = values.shape
    if k < 3 or n < 2:
        return None
    try:
        res = friedmanchisquare(*(values[c].to_numpy(dtype=float) for c in values.columns))
    except ValueError:
        return None
    return Friedman(float(res.statistic), float(res.pvalue), n, k)


def nemenyi(values: pd.DataFrame, greater: bool) -> pd.DataFrame:
    """Pairwise Nemenyi p-values (``scikit_posthocs.posthoc_nemenyi_friedman``) for a blocks × groups matrix.

    The p-values are symmetric in the direction of the metric; ``greater`` only orients the data.
    """
    import scikit_posthocs as sp

    oriented = values if greater else -values
    p = sp.posthoc_nemenyi_friedman(oriented.reset_index(drop=True))
    p.index = p.columns = list(values.columns)
    return p.astype(float)


def wilcoxon_p(diff: np.ndarray) -> tuple[float, float]:
    """Two-sided Wilcoxon signed-rank (statistic, p) of paired differences; p = 1 when every difference is 0."""
    from scipy.stats import wilcoxon

    d = np.asarray(diff, dtype=float)
    d = d[~np.isnan(d)]
    if len(d) == 0:
        return float("nan"), float("nan")
    if np.all(d == 0):
        return 0.0, 1.0
    res = wilcoxon(d, zero_method="wilcox", alternative="two-sided")
    return float(res.statistic), float(res.pvalue)


def wilcoxon_vs_baseline(paired: pd.DataFrame, baseline: str, greater: bool, alpha: float = ALPHA) -> pd.DataFrame:
    """Each column vs ``baseline`` over paired rows (blocks): mean difference, Wilcoxon p, Holm-adjusted p.

    ``mean_diff`` is strategy − baseline in the metric's units; ``better`` says whether that direction
    is an improvement; ``significant`` uses the Holm-adjusted p at ``alpha``.
    """
    cols = ["strategy", "n_pairs", "mean_diff", "better", "statistic", "p", "p_holm", "significant"]
    if baseline not in paired.columns:
        return pd.DataFrame(columns=cols)
    rows = []
    for s in paired.columns:
        if s == baseline:
            continue
        diff = (paired[s] - paired[baseline]).to_numpy(dtype=float)
        stat, p = wilcoxon_p(diff)
        md = float(np.nanmean(diff)) if len(diff) else float("nan")
        rows.append({"strategy": s, "n_pairs": int(np.sum(~np.isnan(diff))), "mean_diff": md,
                     "better": bool(md > 0) if greater else bool(md < 0), "statistic": stat, "p": p})
    out = pd.DataFrame(rows, columns=cols[:6])
    out["p_holm"] = holm(out["p"].to_numpy()) if len(out) else []
    out["significant"] = out["p_holm"] < alpha
    return out[cols]


def t_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): Student-t interval for the mean (``scipy.stats.t.interval``); NaN bounds for n < 2."""
    from scipy import stats

    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if len(v) < 2:
        return mean, float("nan"), float("nan")
    sem = float(stats.sem(v))
    if sem == 0:
        return mean, mean, mean
    low, high = stats.t.interval(confidence, df=len(v) - 1, loc=mean, scale=sem)
    return mean, float(low), float(high)


def significance_mark(p: float, alpha: float = ALPHA) -> str:
    """``**`` for p < alpha/5, ``*`` for p < alpha, else empty."""
    if p is None or np.isnan(p):
        return ""
    return "**" if p < alpha / 5 else "*" if p < alpha else ""
