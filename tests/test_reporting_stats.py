"""Statistics and pure tables of imbench.reporting on fixed inputs with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imbench.core.metrics import check_costs
from imbench.reporting.renderers.html import html_inline
from imbench.reporting.renderers.markdown import md_inline
from imbench.reporting.statistics import stats
from imbench.reporting.statistics.costs import bayes_threshold, rescore_cells
from imbench.reporting.tables.comparisons import compare_strategies, status_table
from imbench.reporting.tables.groups import Group, dataset_meta


def test_friedman_statistic_matches_formula() -> None:
    # 4 blocks, 3 groups, no ties; rank sums A = 5, B = 7, C = 12
    values = pd.DataFrame({"A": [0.9, 0.8, 0.7, 0.5], "B": [0.8, 0.7, 0.6, 0.6], "C": [0.1, 0.2, 0.3, 0.4]})
    ranks = stats.rank_blocks(values, greater=True)
    assert ranks.sum().to_dict() == {"A": 5.0, "B": 7.0, "C": 12.0}
    n, k = 4, 3
    chi2 = 12 / (n * k * (k + 1)) * (5**2 + 7**2 + 12**2) - 3 * n * (k + 1)
    assert chi2 == pytest.approx(6.5)
    f = stats.friedman(values)
    assert f is not None
    assert f.statistic == pytest.approx(chi2)
    assert f.pvalue == pytest.approx(np.exp(-6.5 / 2))  # chi-square with 2 df: sf(x) = exp(-x/2)


def test_rank_direction_for_lower_is_better() -> None:
    values = pd.DataFrame({"a": [0.1], "b": [0.3], "c": [0.2]})
    assert stats.rank_blocks(values, greater=False).iloc[0].to_dict() == {"a": 1.0, "b": 3.0, "c": 2.0}
    assert stats.rank_blocks(values, greater=True).iloc[0].to_dict() == {"a": 3.0, "b": 1.0, "c": 2.0}


def test_friedman_undefined_for_two_groups() -> None:
    assert stats.friedman(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 3.0]})) is None


def test_nemenyi_symmetric_and_separates_extremes() -> None:
    rng = np.random.default_rng(0)
    base = rng.uniform(0.3, 0.6, size=12)
    values = pd.DataFrame({"best": base + 0.3, "mid": base + 0.1 + rng.normal(0, 0.01, 12), "worst": base})
    p = stats.nemenyi(values, greater=True)
    assert list(p.index) == ["best", "mid", "worst"]
    np.testing.assert_allclose(p.to_numpy(), p.to_numpy().T)
    assert p.loc["best", "worst"] < 0.001
    # orientation does not change the p-values
    np.testing.assert_allclose(stats.nemenyi(-values, greater=False).to_numpy(), p.to_numpy())


def test_versus_baseline_exact_p_over_datasets() -> None:
    values = pd.DataFrame({"none": np.zeros(8), "good": np.arange(1, 9) / 10, "same": np.zeros(8)})
    w = stats.versus_baseline(values, [("good", "none"), ("same", "none")], greater=True, rope=0.01).set_index(
        "strategy"
    )
    # eight positive differences: exact two-sided p = 2 / 2**8 (scipy chooses the exact distribution)
    assert w.loc["good", "p"] == pytest.approx(2 / 256)
    assert w.loc["same", "p"] == 1.0
    assert w.loc["good", "mean_diff"] == pytest.approx(0.45)
    assert w.loc["good", "median_diff"] == pytest.approx(0.45)
    assert (w.loc["good", "wins"], w.loc["good", "ties"], w.loc["good", "losses"]) == (8, 0, 0)
    assert (w.loc["same", "wins"], w.loc["same", "ties"], w.loc["same", "losses"]) == (0, 8, 0)
    assert bool(w.loc["good", "better"]) and bool(w.loc["good", "testable"])
    assert np.isnan(w.loc["good", "p_adj"])  # set only by the report-wide correction
    lower = stats.versus_baseline(values, [("good", "none")], greater=False, rope=0.01).set_index("strategy")
    assert not bool(lower.loc["good", "better"]) and lower.loc["good", "losses"] == 8


def test_wilcoxon_min_p_and_untestable_sizes() -> None:
    from scipy.stats import wilcoxon

    for n in (3, 5, 6, 10):
        assert stats.wilcoxon_min_p(n) == pytest.approx(wilcoxon(np.arange(1, n + 1), method="exact").pvalue)
    assert stats.wilcoxon_min_p(5) == pytest.approx(0.0625) and not stats.wilcoxon_testable(5)
    assert stats.wilcoxon_testable(6)
    values = pd.DataFrame({"none": np.zeros(5), "a": np.arange(1, 6) / 10})
    w = stats.versus_baseline(values, [("a", "none")], greater=True, rope=0.01)
    assert not bool(w["testable"].iat[0]) and np.isnan(w["p"].iat[0])  # not tested at all


def test_fdr_bh_matches_scipy_and_hand_values() -> None:
    adj = stats.fdr_bh([0.01, 0.04, 0.03, 0.005, np.nan])
    # sorted .005 .01 .03 .04 with m = 4: .02, .02, .04, .04 (step-up minimum)
    np.testing.assert_allclose(adj[:4], [0.02, 0.04, 0.04, 0.02])
    assert np.isnan(adj[4])


def test_bayes_signed_rank_matches_baycomp_oriented() -> None:
    from baycomp import SignedRankTest

    gain = np.array([0.021, 0.033, -0.012, 0.052, 0.017, 0.001, 0.043])  # no sum on the ROPE boundary
    pb, pe, pw = stats.bayes_signed_rank(gain, rope=0.01, nsamples=5000, seed=3)
    ref = SignedRankTest.probs(gain + 1, np.ones(len(gain)), rope=0.01, nsamples=5000, random_state=3)
    assert (pb, pe, pw) == pytest.approx(tuple(float(x) for x in ref))
    assert pb > 0.9 and pb + pe + pw == pytest.approx(1.0)
    # a loss is "worse"; zeros are all "equivalent"
    assert stats.bayes_signed_rank(-gain, 0.01, nsamples=5000, seed=3)[2] == pytest.approx(pb)
    assert stats.bayes_signed_rank(np.zeros(6), 0.01, nsamples=2000)[1] == pytest.approx(1.0)
    assert all(np.isnan(stats.bayes_signed_rank(gain[:2], 0.01)))  # two gains: the posterior is mostly prior


def test_nadeau_bengio_interval_formula() -> None:
    from scipy import stats as st

    v = np.array([0.70, 0.74, 0.68, 0.72, 0.71])
    mean, low, high = stats.nadeau_bengio_interval(v, n_train=400, n_test=100)
    half = st.t.ppf(0.975, 4) * np.sqrt(np.var(v, ddof=1) * (1 / 5 + 100 / 400))
    assert (mean, low, high) == pytest.approx((v.mean(), v.mean() - half, v.mean() + half))
    naive = stats.t_interval(v)
    assert high - low > naive[2] - naive[1]  # wider than the naive t
    # three folds of a bounded score: the t interval spills below 0, the metric cannot
    few = np.array([0.05, 0.40, 0.20])
    _, raw_low, raw_high = stats.nadeau_bengio_interval(few, 400, 200)
    _, low, high = stats.nadeau_bengio_interval(few, 400, 200, bounds=(0.0, 1.0))
    assert raw_low < 0 and low == 0.0 and high == raw_high < 1


def test_bootstrap_median_interval_is_seeded() -> None:
    v = np.array([0.01, -0.02, 0.03, 0.0, 0.05, 0.02, -0.01, 0.04])
    a, b = stats.bootstrap_median_interval(v), stats.bootstrap_median_interval(v)
    assert a == b and a[0] <= np.median(v) <= a[1]
    assert np.isnan(stats.bootstrap_median_interval([0.1, 0.2])[0])


def test_nadeau_bengio_coverage_beats_naive_t() -> None:
    """Seeded simulation: squared error of a mean predictor under 10 random 80/20 splits of n = 100 rows.

    The target is the expected test error of a model trained on 80 rows, σ²(1 + 1/80) for N(0, 1) data.
    """
    rng = np.random.default_rng(0)
    reps, n, j, n_tr = 400, 100, 10, 80
    truth = 1 + 1 / n_tr
    naive_hit = nb_hit = 0
    for _ in range(reps):
        y = rng.normal(size=n)
        perms = np.argsort(rng.random((j, n)), axis=1)
        tr, te = y[perms[:, :n_tr]], y[perms[:, n_tr:]]
        losses = ((te - tr.mean(axis=1, keepdims=True)) ** 2).mean(axis=1)
        _, lo, hi = stats.t_interval(losses)
        naive_hit += lo <= truth <= hi
        _, lo, hi = stats.nadeau_bengio_interval(losses, n_tr, n - n_tr)
        nb_hit += lo <= truth <= hi
    naive, nb = naive_hit / reps, nb_hit / reps
    assert nb > naive + 0.1
    assert nb >= 0.85 and naive <= 0.8


def test_t_interval_known_values() -> None:
    mean, low, high = stats.t_interval([1.0, 2.0, 3.0])
    half = 4.302652729911275 / np.sqrt(3)  # t_{0.975, 2} × s / sqrt(n), s = 1
    assert (mean, low, high) == pytest.approx((2.0, 2.0 - half, 2.0 + half))
    assert np.isnan(stats.t_interval([1.0])[1])


def _rows(
    datasets: dict[str, float], strategies: dict[str, float], model: str = "logreg", folds: int = 3
) -> list[dict]:
    rows = []
    for i, (d, ir) in enumerate(datasets.items()):
        for s, eff in strategies.items():
            for f in range(folds):
                rows.append(
                    {
                        "dataset": d,
                        "strategy": s,
                        "model": model,
                        "fold": f,
                        "status": "ok",
                        "error": "",
                        "ir": ir,
                        "tier": "high",
                        "n": 500,
                        "test_average_precision": 0.4 + 0.05 * i + eff + 0.001 * f,
                    }
                )
    return rows


def test_compare_rank_rule_drops_incomplete_blocks_and_strategies() -> None:
    ds = {f"d{i}": 20.0 for i in range(4)}
    df = pd.DataFrame(_rows(ds, {"none": 0.0, "a": 0.1, "b": 0.05, "c": 0.2}))
    # a fails one fold of d0 → block d0 dropped; c fails in 3 of 4 datasets → strategy c dropped
    df.loc[(df.strategy == "a") & (df.dataset == "d0") & (df.fold == 1), ["status", "test_average_precision"]] = [
        "failed",
        0.99,
    ]
    df.loc[(df.strategy == "c") & (df.dataset != "d3") & (df.fold == 0), "status"] = "timeout"
    na = pd.DataFrame(
        [
            {
                "dataset": d,
                "strategy": "x",
                "model": "logreg",
                "fold": f,
                "status": "not_applicable",
                "error": "not applicable: no",
                "ir": 20.0,
                "tier": "high",
                "n": 500,
            }
            for d in ds
            for f in range(3)
        ]
    )
    df = pd.concat([df, na], ignore_index=True)
    meta = dataset_meta(df)
    c = compare_strategies(df, "test_average_precision", True, Group("logreg", "high"), meta)
    assert c.strategies == ["a", "b", "none"]
    assert "c" in c.excluded_strategies and "x" not in c.strategies
    assert list(c.excluded_blocks) == ["d0"]
    assert c.datasets == ["d1", "d2", "d3"]
    assert c.block_unit == "dataset"
    assert c.winner == "a"
    assert c.mean_ranks.to_dict() == {"a": 1.0, "b": 2.0, "none": 3.0}
    # the failed row's value never enters: fold values only come from complete blocks
    assert 0.99 not in c.fold_values.to_numpy()
    assert c.fold_values.notna().all().all()


def test_compare_ranks_over_datasets_even_with_few() -> None:
    df = pd.DataFrame(_rows({"d0": 20.0, "d1": 30.0}, {"none": 0.0, "a": 0.1, "b": 0.05}))
    c = compare_strategies(df, "test_average_precision", True, Group("logreg"), dataset_meta(df))
    assert c.block_unit == "dataset" and len(c.block_values) == 2
    assert c.winner == "a"
    assert not bool(c.wilcoxon["testable"].any())  # 2 datasets: min p = 0.5


def test_status_table_counts_and_examples() -> None:
    df = pd.DataFrame(
        [
            {"dataset": "d", "strategy": "s", "model": "m", "fold": 0, "status": "ok", "error": ""},
            {"dataset": "d", "strategy": "s", "model": "m", "fold": 1, "status": "failed", "error": "ValueError: boom"},
            {
                "dataset": "d",
                "strategy": "s",
                "model": "m",
                "fold": 2,
                "status": "timeout",
                "error": "cell exceeded 5s",
            },
            {
                "dataset": "d",
                "strategy": "t",
                "model": "m",
                "fold": 0,
                "status": "not_applicable",
                "error": "not applicable: nope",
            },
        ]
    )
    st = status_table(df).set_index("strategy")
    assert st.loc["s", ["ok", "failed", "timeout", "not_applicable"]].tolist() == [1, 1, 1, 0]
    assert "failed: ValueError: boom" in st.loc["s", "example_error"]
    assert "timeout: cell exceeded 5s" in st.loc["s", "example_error"]
    assert st.loc["t", "example_error"] == "not_applicable: nope"


def test_bayes_threshold_and_rescoring() -> None:
    assert bayes_threshold(cost_fn=9, cost_fp=1) == pytest.approx(0.1)
    results = pd.DataFrame(
        [{"dataset": "d", "strategy": "s", "model": "m", "fold": 0, "status": "ok", "threshold": 0.5}]
    )
    preds = pd.DataFrame(
        {
            "dataset": "d",
            "strategy": "s",
            "model": "m",
            "fold": 0,
            "y_true": [1, 1, 0, 0],
            "score": [0.9, 0.3, 0.2, 0.05],
        }
    )
    cells = rescore_cells(results, preds, cost_fn=9.0, cost_fp=1.0)
    # at 0.5: one FN (9) → 9/4; at t* = 0.1: no FN, one FP (0.2 ≥ 0.1) → 1/4
    assert cells["cost_at_threshold"].iat[0] == pytest.approx(9 / 4)
    assert cells["cost_at_bayes"].iat[0] == pytest.approx(1 / 4)
    assert cells["per_1000_at_bayes"].iat[0] == pytest.approx(250.0)


def test_check_costs() -> None:
    from imbench.core.errors import ConfigError

    assert check_costs(None, None) is None
    with pytest.raises(ConfigError):
        check_costs(1.0, None)
    with pytest.raises(ConfigError):
        check_costs(-1.0, 1.0)


def test_inline_escaping() -> None:
    evil = "<script>alert(1)</script>"
    assert "<script" not in html_inline(f"dataset `{evil}` and {evil}")
    assert html_inline("`a`") == "<code>a</code>"
    md = md_inline(f"x {evil} * y | z", in_table=True)
    assert "\\<script" in md and "\\*" in md and "\\|" in md
    assert md_inline("IR < 5 and class_weight") == "IR < 5 and class_weight"


def test_the_detectable_shift_is_the_one_the_test_finds_with_80_percent_power() -> None:
    """Simulated: differences shifted by the stated detectable effect are found by the signed-rank test in
    about 80 % of replicates; fewer units than the exact test needs give no figure."""
    from scipy.stats import wilcoxon

    from imbench.reporting.statistics.stats import detectable_shift

    rng = np.random.default_rng(0)
    n, sd = 20, 0.02
    mde = detectable_shift(rng.normal(0, sd, n))
    assert 0.008 < mde < 0.02  # (1.96 + 0.84) * 0.02 / sqrt(0.955 * 20) = 0.0128 for the true sd
    shift = (1.959964 + 0.841621) * sd / np.sqrt(3 / np.pi * n)
    found = [wilcoxon(rng.normal(shift, sd, n)).pvalue < 0.05 for _ in range(400)]
    assert 0.72 < np.mean(found) < 0.88
    assert np.isnan(detectable_shift(np.array([0.01, 0.02, 0.03, 0.04, 0.05])))  # 5 units: p >= 0.0625
