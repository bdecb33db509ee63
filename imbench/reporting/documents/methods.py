"""How these numbers were computed: the statistical rules behind a report, stated once with this run's figures
(the cheat-sheet's last section; the HTML report moves it into its statistics section)."""

from __future__ import annotations

from imbench.core.schema import BASELINE
from imbench.reporting.renderers.blocks import code
from imbench.reporting.statistics import stats
from imbench.reporting.tables.analysis import Analysis, label
from imbench.reporting.tables.groups import MIN_DATASETS, MINORITY_BINS, TIER_RANGES

METHOD_TITLE = "How these numbers were computed"
"""The section the HTML report moves into its statistics section."""


def method_notes(a: Analysis) -> list[str]:
    """The rules behind the numbers, stated once, with this run's figures."""
    folds = a.results.groupby("dataset")["fold"].nunique()
    k = f"{int(folds.min())}" if folds.min() == folds.max() else f"{int(folds.min())}–{int(folds.max())}"
    sizes = [c.n_datasets for c in a.all_comparisons if c.ok and not c.wilcoxon.empty]
    metrics = sorted({c.metric for c in a.all_comparisons if c.ok}, key=lambda m: (m not in a.metrics, m))
    n_min_testable = next(n for n in range(1, 64) if stats.wilcoxon_testable(n))
    by_origin = [c for c in a.all_comparisons if c.ok and c.block_unit == "origin"]
    described = max((c.n_datasets_described for c in by_origin), default=0)
    origins = max((c.n_datasets for c in by_origin), default=0)
    notes = [
        (
            f"Unit of evidence: the origin. For each dataset × model × strategy the {k} outer folds are averaged "
            "first; datasets cut from one base table (KEEL's yeast1 … yeast_2_vs_8, the rungs of an IR ladder: same "
            "columns, largely the same rows; the `origin` column of results.parquet) are then averaged into one block, "
            "and ranks, Friedman/Nemenyi, Wilcoxon, win/tie/loss and the Bayesian test run over those blocks "
            "(Demšar 2006, with the dependence between re-cuts removed). Folds of one dataset, and datasets of one "
            "origin, are not independent samples."
            + (
                f" In this run the largest comparison holds {described} datasets from {origins} origins: n counts "
                "origins; dataset-level numbers stay in the tables as description."
                if by_origin
                else " Every dataset of this run is its own origin."
            )
        ),
        (
            f"Test vs {code(BASELINE)}: two-sided Wilcoxon signed-rank over origins (scipy.stats.wilcoxon; exact for "
            "small n without ties — an exact sign-flip test on the ranks: each of the 2^n sign patterns of the n "
            "origin differences counted). Chosen over a mixed model with an origin random effect because 15 or so "
            "origins are too few to estimate that variance, and the sign-flip needs no normality. A comparison over "
            f"fewer than {n_min_testable} origins is not tested: the exact test cannot give p below 2/2^n "
            f"({stats.wilcoxon_min_p(n_min_testable - 1):.4g} for n = {n_min_testable - 1}) > α = {stats.ALPHA}; "
            'such cells say so ("4 origins: cannot decide") instead of naming a winner.'
        ),
        (
            f"Multiple comparisons: {a.correction_statement()}. A family is every testable comparison one table "
            f"prints for one metric: each strategy vs {code(BASELINE)} in every row of the tier view (or of the "
            f"minority-size view, or over all datasets); on thresholded metrics each strategy vs {code('threshold')} "
            "and X+threshold vs X are families of their own. Benjamini–Hochberg controls the false-discovery rate of "
            "the set it is applied to, so it is applied to the set a reader looks at (scipy.stats."
            "false_discovery_control, 5 %); q = adjusted p. Metrics compared: "
            + ", ".join(label(m) for m in metrics)
            + "."
        ),
    ]
    main = a.family_of(a.metric)
    if main and sizes:
        holm_needs = stats.ALPHA / main
        reach = stats.wilcoxon_min_p(max(sizes))
        if reach > holm_needs:
            notes.append(
                f"Why not Holm: family-wise control over the {main} {label(a.metric)} tests needs p < "
                f"{holm_needs:.2g} for the first rejection, below the smallest p that even the largest "
                f"comparison ({max(sizes)} blocks, {reach:.2g}) can reach."
            )
    notes += [
        "Practical difference: Bayesian signed-rank test (baycomp SignedRankTest, Benavoli et al. 2017; "
        f"Dirichlet-process prior 0.5, {stats.BAYES_SAMPLES:,} posterior samples, seed {stats.BAYES_SEED}) gives "
        "P(better), P(equivalent), P(worse) vs the baseline with a region of practical equivalence per metric: "
        + ", ".join(f"{label(m)} ±{stats.rope_of(m):g}" for m in metrics)
        + f"; given only over {stats.BAYES_MIN_BLOCKS} or more datasets or origins (with fewer the posterior is mostly "
        "the prior).",
        (
            "Spread: median and interquartile range of the per-dataset differences beside the mean; a seeded percentile "
            f"bootstrap over datasets or origins ({stats.BOOTSTRAP_RESAMPLES:,} resamples, seed {stats.BOOTSTRAP_SEED}) gives a 95% "
            "interval of the median difference (median_ci_low/high in wilcoxon_vs_none.csv)."
        ),
        (
            "Power: beside each comparison without a reliable difference, the smallest mean difference the "
            "signed-rank test over those datasets (origins) finds with 80 % power at α = 0.05 before correction, "
            "from the observed spread: (z₀.₉₇₅ + z₀.₈) · sd / √(0.955 · n) (the normal approximation with the "
            "test's efficiency; a lower bound, since the correction asks more). A gain smaller than that is not "
            'ruled out by "no reliable difference" (column detectable in wilcoxon_vs_none.csv).'
        ),
        (
            "Intervals per dataset (summary.csv, HTML report): Nadeau–Bengio corrected resampled t, variance × "
            "(1/k + n_test/n_train) with k − 1 degrees of freedom; the naive t interval over folds is too narrow."
        ),
        (
            f"Decision-only strategies ({code('threshold')}, X+threshold) share their model's scores: on metrics that "
            "ignore the threshold (PR-AUC, ROC-AUC, Brier, log loss, ECE) they equal none / X by construction and are "
            "left out of those ranks and tests; on thresholded metrics (F1, MCC, G-mean, cost …) they compete, and "
            "X+threshold is also compared with X."
        ),
        (
            "Ranks: each strategy's fold mean is ranked per dataset (per origin where datasets share one: their "
            "means are averaged first; 1 = best, ties averaged) and averaged over the row's datasets or origins; "
            "Friedman (scipy) and Nemenyi (scikit-posthocs) over the same units are in the report's statistics "
            "section and critical-difference diagrams."
        ),
        (
            "Rank rule: a comparison uses only datasets where every compared strategy has an ok result for every "
            "outer fold; a strategy incomplete in more than half of a group's datasets is dropped from that group "
            "instead (never the baseline none). Failed, timed-out or missing cells are never filled with values. "
            "Not-applicable pairs do not exist for that model and are not compared."
        ),
        "Tiers by imbalance ratio IR = n_neg / n_pos: "
        + "; ".join(f"{t}: {v}" for t, v in TIER_RANGES.items())
        + f"; a tier row with fewer than {MIN_DATASETS} datasets is merged with its neighbour. Because tiers "
        "confound IR with dataset family and minority size, a second view groups datasets by positives: "
        + ", ".join(b for b, _ in MINORITY_BINS)
        + ".",
    ]
    return notes
