"""Statistical tests used by the report, over *datasets* (Demšar 2006): Friedman + Nemenyi, Wilcoxon vs a
baseline, the Bayesian signed-rank test with a ROPE (Benavoli et al. 2017), Benjamini–Hochberg / Holm,
Nadeau–Bengio corrected intervals over resampled folds and seeded bootstrap intervals of a median.

The tests come from scipy, scikit-posthocs and baycomp; only Holm's step-down adjustment (which none of
them exposes without statsmodels) and the Nadeau–Bengio variance factor are written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

ALPHA = 0.05
BOOTSTRAP_SEED = 0
BOOTSTRAP_RESAMPLES = 2000
BAYES_SAMPLES = 5000
BAYES_SEED = 0

ROPE: dict[str, float] = {
    "average_precision": 0.01,
    "roc_auc": 0.01,
    "f1": 0.01,
    "precision": 0.01,
    "recall": 0.01,
    "balanced_accuracy": 0.01,
    "mcc": 0.01,
    "gmean": 0.01,
    "accuracy": 0.01,
    "brier": 0.005,
    "log_loss": 0.02,
    "ece": 0.01,
    "expected_cost": 0.005,
    "cost_at_threshold": 0.005,
    "cost_at_bayes": 0.005,
}
"""Region of practical equivalence per metric, in the metric's units (one place; costs are per case)."""
DEFAULT_ROPE = 0.01


def rope_of(metric: str) -> float:
    """The ROPE half-width of ``metric`` (differences within ±ROPE count as practically equivalent)."""
    return ROPE.get(metric, DEFAULT_ROPE)


def wilcoxon_min_p(n: int) -> float:
    """Smallest two-sided p the exact Wilcoxon signed-rank test can give with ``n`` pairs: 2 / 2^n (capped at 1)."""
    return min(1.0, 2.0 / 2.0**n) if n > 0 else 1.0


POWER = 0.8
WILCOXON_ARE = 3 / np.pi
"""Asymptotic relative efficiency of the signed-rank test against the paired t-test for normal differences."""


def detectable_shift(diff: np.ndarray, alpha: float = ALPHA, power: float = POWER) -> float:
    """The smallest mean difference a two-sided signed-rank test over these ``n`` units detects with ``power``,
    at level ``alpha`` before any multiple-comparison correction (so a lower bound), from their observed spread:
    (z₁₋α/₂ + z_power) · sd / √(ARE · n), the normal approximation with the test's efficiency. NaN where the
    test cannot reach ``alpha`` at all (too few units) or the spread is unknown."""
    from scipy.stats import norm

    n = len(diff)
    if n < 2 or not wilcoxon_testable(n, alpha):
        return float("nan")
    sd = float(np.std(diff, ddof=1))
    return float((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * sd / np.sqrt(WILCOXON_ARE * n))


def wilcoxon_testable(n: int, alpha: float = ALPHA) -> bool:
    """Whether ``n`` datasets can reach p < alpha at all; with fewer, testing is pointless and is not done."""
    return wilcoxon_min_p(n) < alpha


def fdr_bh(pvalues: Sequence[float]) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (``scipy.stats.false_discovery_control``); NaNs stay NaN, not counted."""
    from scipy.stats import false_discovery_control

    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    if valid.any():
        out[valid] = false_discovery_control(p[valid], method="bh")
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


def signed_rank_direction(gain: np.ndarray) -> float:
    """Sum of signed ranks of ``gain`` (> 0: the Wilcoxon test's evidence points to improvement)."""
    from scipy.stats import rankdata

    g = np.asarray(gain, dtype=float)
    g = g[~np.isnan(g) & (g != 0)]
    return float(np.sum(np.sign(g) * rankdata(np.abs(g)))) if len(g) else 0.0


BAYES_MIN_BLOCKS = 3


def bayes_signed_rank(
    gain: Sequence[float], rope: float, nsamples: int = BAYES_SAMPLES, seed: int = BAYES_SEED
) -> tuple[float, float, float]:
    """(P(better), P(equivalent), P(worse)) from baycomp's Bayesian signed-rank test on per-dataset gains.

    ``gain`` is oriented so that positive is an improvement; baycomp's "left" (first argument larger) is
    then "better". Dirichlet-process prior as in Benavoli et al. 2017 (prior strength 0.5 on a 0 pseudo-gain).
    NaN for fewer than ``BAYES_MIN_BLOCKS`` gains: with one or two the posterior is mostly the prior.
    """
    from baycomp import SignedRankTest

    g = np.asarray(gain, dtype=float)
    g = g[~np.isnan(g)]
    if len(g) < BAYES_MIN_BLOCKS:
        return float("nan"), float("nan"), float("nan")
    left, mid, right = SignedRankTest.probs(g, np.zeros(len(g)), rope=rope, nsamples=nsamples, random_state=seed)
    return float(left), float(mid), float(right)


def bootstrap_median_interval(
    values: Sequence[float],
    confidence: float = 0.95,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """Seeded percentile bootstrap interval of the median (``scipy.stats.bootstrap``); NaN for < 3 values.

    Datasets are the resampled unit: the interval says how much the median gain could move with other datasets.
    """
    from scipy.stats import bootstrap

    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) < 3:
        return float("nan"), float("nan")
    if np.all(v == v[0]):
        return float(v[0]), float(v[0])
    res = bootstrap(
        (v,),
        np.median,
        confidence_level=confidence,
        n_resamples=n_resamples,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def gain_summary(gain: Sequence[float], rope: float) -> dict[str, float]:
    """Mean, median, quartiles and win/tie/loss (gain > rope / within ±rope / < −rope) of per-dataset gains."""
    g = np.asarray(gain, dtype=float)
    g = g[~np.isnan(g)]
    if len(g) == 0:
        return {"mean": np.nan, "median": np.nan, "q1": np.nan, "q3": np.nan, "wins": 0, "ties": 0, "losses": 0}
    q1, med, q3 = np.percentile(g, [25, 50, 75])
    return {
        "mean": float(g.mean()),
        "median": float(med),
        "q1": float(q1),
        "q3": float(q3),
        "wins": int(np.sum(g > rope)),
        "ties": int(np.sum(np.abs(g) <= rope)),
        "losses": int(np.sum(g < -rope)),
    }


VERSUS_COLUMNS = [
    "strategy",
    "baseline",
    "n_datasets",
    "mean_diff",
    "median_diff",
    "q1_diff",
    "q3_diff",
    "median_ci_low",
    "median_ci_high",
    "wins",
    "ties",
    "losses",
    "better",
    "testable",
    "min_p",
    "detectable",
    "statistic",
    "p",
    "p_adj",
    "significant",
    "rope",
    "p_better",
    "p_equivalent",
    "p_worse",
]


def versus_baseline(
    values: pd.DataFrame, pairs: Sequence[tuple[str, str]], greater: bool, rope: float, alpha: float = ALPHA
) -> pd.DataFrame:
    """Each (strategy, baseline) pair over the rows of ``values`` (datasets; one value per dataset).

    Differences are strategy − baseline in the metric's units (``mean_diff`` etc.); wins/ties/losses and
    ``better`` are oriented by ``greater``. ``p`` is the two-sided Wilcoxon signed-rank p over datasets, left
    NaN when ``n_datasets`` cannot reach ``alpha`` (``testable`` False). ``p_adj`` and ``significant`` are
    filled later by one correction across the whole report; the Bayesian columns are filled on demand.
    """
    rows = []
    for s, b in pairs:
        diff = (values[s] - values[b]).to_numpy(dtype=float)
        diff = diff[~np.isnan(diff)]
        gain = diff if greater else -diff
        n = len(diff)
        summ = gain_summary(gain, rope)
        lo, hi = bootstrap_median_interval(diff)
        testable = wilcoxon_testable(n, alpha)
        stat, p = wilcoxon_p(diff) if testable else (float("nan"), float("nan"))
        sign = -1.0 if not greater else 1.0
        rows.append(
            {
                "strategy": s,
                "baseline": b,
                "n_datasets": n,
                "mean_diff": sign * summ["mean"],
                "median_diff": sign * summ["median"],
                "q1_diff": float(np.percentile(diff, 25)) if n else np.nan,
                "q3_diff": float(np.percentile(diff, 75)) if n else np.nan,
                "median_ci_low": lo,
                "median_ci_high": hi,
                "wins": summ["wins"],
                "ties": summ["ties"],
                "losses": summ["losses"],
                "better": signed_rank_direction(gain) > 0,
                "testable": testable,
                "min_p": wilcoxon_min_p(n),
                "detectable": detectable_shift(diff, alpha),
                "statistic": stat,
                "p": p,
                "p_adj": np.nan,
                "significant": False,
                "rope": rope,
                "p_better": np.nan,
                "p_equivalent": np.nan,
                "p_worse": np.nan,
            }
        )
    return pd.DataFrame(rows, columns=VERSUS_COLUMNS)


def nadeau_bengio_interval(
    values: Sequence[float],
    n_train: float,
    n_test: float,
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> tuple[float, float, float]:
    """(mean, low, high) over resampled folds with the Nadeau–Bengio corrected variance.

    Folds share training rows, so the naive t interval is too narrow; the corrected resampled t uses
    var × (1/k + n_test/n_train) with k − 1 degrees of freedom (Nadeau & Bengio 2003). With ``bounds`` (the
    metric's range) the interval is clipped to it: with few folds a t interval can spill past 0 or 1.
    """
    from scipy import stats

    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    mean, k = float(v.mean()), len(v)
    if k < 2 or not (n_train > 0 and n_test > 0):
        return mean, float("nan"), float("nan")
    var = float(np.var(v, ddof=1))
    if var == 0:
        return mean, mean, mean
    scale = float(np.sqrt(var * (1 / k + n_test / n_train)))
    low, high = stats.t.interval(confidence, df=k - 1, loc=mean, scale=scale)
    if bounds is not None:
        low, high = max(float(low), bounds[0]), min(float(high), bounds[1])
    return mean, float(low), float(high)


def t_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): naive Student-t interval for the mean of independent values; NaN bounds for n < 2.

    Not for resampled folds (they are correlated; use ``nadeau_bengio_interval``).
    """
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
