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
    ladder = any(c.block_unit == "base problem" for c in a.all_comparisons if c.ok)
    notes = [
        (
            f"Unit of evidence: the dataset. For each dataset × model × strategy the {k} outer folds are averaged first; "
            "ranks, Friedman/Nemenyi, Wilcoxon, win/tie/loss and the Bayesian test run over datasets (Demšar 2006). "
            "Folds of one dataset share rows and are not independent samples."
            + (
                " The rungs of an IR ladder share their base's negatives, so there the unit is the base problem: its "
                "rungs' values are averaged into one block, and n counts base problems."
                if ladder
                else ""
            )
        ),
        (
            f"Test vs {code(BASELINE)}: two-sided Wilcoxon signed-rank over datasets (scipy.stats.wilcoxon; exact p for "
            f"small n). A comparison over fewer than {n_min_testable} datasets is not tested: the exact test cannot give "
            f"p below 2/2^n ({stats.wilcoxon_min_p(n_min_testable - 1):.4g} for n = {n_min_testable - 1}) > "
            f"α = {stats.ALPHA}; such cells say so instead."
        ),
        (
            f"Multiple comparisons: one family of {a.family_size} tests"
            + ("" if a.family_size else " (no comparison had enough datasets)")
            + " — every testable comparison with a baseline this report prints "
            f"(each strategy vs {code(BASELINE)} in every tier row, minority-size row and all-datasets comparison, on "
            f"{', '.join(label(m) for m in metrics)}, plus X+threshold vs X on thresholded metrics) — with "
            "Benjamini–Hochberg false-discovery-rate control at 5% (scipy.stats.false_discovery_control); q = adjusted p."
            + (
                " The IR-trend tests of the ladder section are a family of their own, corrected there."
                if ladder
                else ""
            )
        ),
    ]
    if a.family_size and sizes:
        holm_needs = stats.ALPHA / a.family_size
        reach = stats.wilcoxon_min_p(max(sizes))
        if reach > holm_needs:
            notes.append(
                f"Why not Holm: family-wise control over {a.family_size} tests needs p < "
                f"{holm_needs:.2g} for the first rejection, below the smallest p that even the largest "
                f"comparison ({max(sizes)} datasets, {reach:.2g}) can reach."
            )
    notes += [
        "Practical difference: Bayesian signed-rank test (baycomp SignedRankTest, Benavoli et al. 2017; "
        f"Dirichlet-process prior 0.5, {stats.BAYES_SAMPLES:,} posterior samples, seed {stats.BAYES_SEED}) gives "
        "P(better), P(equivalent), P(worse) vs the baseline with a region of practical equivalence per metric: "
        + ", ".join(f"{label(m)} ±{stats.rope_of(m):g}" for m in metrics)
        + f"; given only over {stats.BAYES_MIN_BLOCKS} or more datasets (with fewer the posterior is mostly the prior).",
        (
            "Spread: median and interquartile range of the per-dataset differences beside the mean; a seeded percentile "
            f"bootstrap over datasets ({stats.BOOTSTRAP_RESAMPLES:,} resamples, seed {stats.BOOTSTRAP_SEED}) gives a 95% "
            "interval of the median difference (median_ci_low/high in wilcoxon_vs_none.csv)."
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
            "Ranks: each strategy's fold mean is ranked per dataset (1 = best, ties averaged) and averaged over the "
            "row's datasets; Friedman (scipy) and Nemenyi (scikit-posthocs) over datasets are in the report's "
            "statistics section and critical-difference diagrams."
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
