"""Verdict rules on constructed result tables with known answers (datasets as the unit, duplicates, harms,
calibration warnings, merged tiers, flags, under-budget cells, selection-aware gain)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from imbench.datasets.base import tier_of
from imbench.reporting.statistics import stats
from imbench.reporting.statistics.quality import degenerate_cells, few_positive_datasets, under_budget
from imbench.reporting.statistics.selection import nested_selection, selection_summary
from imbench.reporting.tables.comparisons import adjust_by_question, compare_strategies, wilcoxon_table
from imbench.reporting.tables.groups import Group, cheat_groups, dataset_meta, merge_small, minority_groups
from imbench.reporting.tables.verdicts import verdict


def table(
    effects: dict[str, list[float]],
    folds: int = 3,
    brier: dict[str, float] | None = None,
    ir: float = 20.0,
    noise: float = 0.002,
    seed: int = 0,
) -> pd.DataFrame:
    """Rows for one model: effects[s][i] = PR-AUC and F1 gain of strategy s on dataset i (fold noise added)."""
    rng = np.random.default_rng(seed)
    n_ds = len(next(iter(effects.values())))
    rows = []
    for i in range(n_ds):
        for s, eff in effects.items():
            for f in range(folds):
                e = 0.0 if s == "threshold" else eff[i]
                base = 0.4 + 0.03 * i + e + rng.normal(0, noise)
                rows.append(
                    {
                        "dataset": f"d{i}",
                        "strategy": s,
                        "model": "logreg",
                        "fold": f,
                        "status": "ok",
                        "error": "",
                        "ir": ir,
                        "tier": tier_of(ir),
                        "n": 600,
                        "n_pos": 30,
                        "n_train": 400,
                        "n_test": 200,
                        "n_pos_test": 10,
                        "threshold": 0.5,
                        "trials": 4,
                        "test_average_precision": base,
                        "test_roc_auc": 0.7,
                        "test_f1": base + (0.1 if s == "threshold" else 0.0),
                        "test_brier": 0.05 + (brier or {}).get(s, 0.0) + rng.normal(0, 0.0005),
                        "test_ece": 0.03 + (brier or {}).get(s, 0.0) + rng.normal(0, 0.0005),
                    }
                )
    return pd.DataFrame(rows)


def comparisons(df: pd.DataFrame, metric: str = "average_precision") -> dict[str, object]:
    meta = dataset_meta(df)
    g = Group("logreg")
    cs = {
        m: compare_strategies(df, f"test_{m}", m not in ("brier", "ece"), g, meta, metric=m)
        for m in ("average_precision", "f1", "brier", "ece")
    }
    adjust_by_question({"tiers": list(cs.values())})
    return cs


def test_better_on_folds_but_not_on_datasets() -> None:
    # large gains on 4 datasets, small losses on 3: 30 fold pairs favour it, 7 datasets do not
    eff = [0.03, 0.03, 0.03, 0.03, -0.015, -0.015, -0.015]
    df = table({"none": [0.0] * 7, "a": eff}, folds=10)
    cs = comparisons(df)
    c = cs["average_precision"]
    fv = c.fold_values
    assert stats.wilcoxon_p((fv["a"] - fv["none"]).to_numpy())[1] < 0.01  # the old, fold-level test
    v = verdict(c)
    assert v.kind == "keep_none" and v.recommended is None
    row = c.versus_baseline("a")
    assert row["n_datasets"] == 7 and row["p"] > 0.05
    assert (row["wins"], row["ties"], row["losses"]) == (4, 0, 3)


def test_too_few_datasets_is_not_tested() -> None:
    df = table({"none": [0.0] * 5, "a": [0.05] * 5})
    c = comparisons(df)["average_precision"]
    v = verdict(c)
    assert v.kind == "untestable" and v.min_p == pytest.approx(0.0625)
    assert np.isnan(c.versus_baseline("a")["p"])
    pb, _, _ = c.bayes("a")
    assert pb > 0.9  # the Bayesian companion still speaks


def test_threshold_is_not_a_second_none_on_ranking_metrics() -> None:
    df = table({"none": [0.0] * 8, "smote": [-0.02] * 8, "threshold": [0.0] * 8})
    cs = comparisons(df)
    ap, f1 = cs["average_precision"], cs["f1"]
    assert "threshold" not in ap.strategies and "decision-only" in ap.excluded_strategies["threshold"]
    assert ap.mean_ranks.to_dict() == {"none": 1.0, "smote": 2.0}  # smote loses one rank, not two
    assert "threshold" in f1.strategies  # it acts on F1
    v = verdict(f1)
    assert v.recommended == "threshold"


def test_x_plus_threshold_compared_with_x_on_thresholded_metrics() -> None:
    df = table({"none": [0.0] * 8, "smote": [0.01] * 8, "smote+threshold": [0.01] * 8})
    df.loc[df.strategy == "smote+threshold", "test_f1"] += 0.05
    cs = comparisons(df)
    assert "smote+threshold" not in cs["average_precision"].strategies
    dec = cs["f1"].decision.set_index("strategy")
    assert dec.loc["smote+threshold", "baseline"] == "smote"
    assert dec.loc["smote+threshold", "median_diff"] == pytest.approx(0.05, abs=0.005)
    assert bool(dec.loc["smote+threshold", "significant"])


def test_corrections_are_tested_against_their_base_and_their_harm_removed_is_stated() -> None:
    from imbench.reporting.documents.corrections import harm_removed

    brier = {"smote": 0.02, "smote+prior_correction": 0.005, "smote+calibrate": -0.001, "calibrate": 0.0}
    effects = {s: [0.0] * 8 for s in ("none", "smote", "smote+prior_correction", "smote+calibrate", "calibrate")}
    cs = comparisons(table(effects, brier=brier))
    corr = cs["brier"].correction.set_index("strategy")
    assert set(corr.index) == {"smote+prior_correction", "smote+calibrate"}  # calibrate vs none is a vs-none test
    assert (corr["baseline"] == "smote").all()
    assert corr.loc["smote+prior_correction", "mean_diff"] == pytest.approx(-0.015, abs=0.001)
    assert bool(corr.loc["smote+prior_correction", "significant"]) and bool(
        corr.loc["smote+prior_correction", "better"]
    )
    assert not bool(cs["average_precision"].correction.set_index("strategy").loc["smote+calibrate", "significant"])
    (line,) = harm_removed(cs["brier"])
    said = {m[1]: float(m[2]) for m in re.finditer(r"`([a-z_+]+)` ([+-][\d.]+)", line)}
    assert said == pytest.approx({"smote": 0.02, "smote+prior_correction": 0.005, "smote+calibrate": -0.001}, abs=0.001)
    assert "8 datasets" in line and "removes all of the harm" in line  # calibrate ends below none
    assert re.search(r"prior_correction` \+0.00\d+, removes 7\d % of the harm", line)
    assert "correction vs base" in set(wilcoxon_table(list(cs.values()))["kind"])


def test_harmful_strategy_is_avoided_and_nothing_wins() -> None:
    df = table({"none": [0.0] * 8, "bad": [-0.05] * 8, "meh": [0.0] * 8})
    v = verdict(comparisons(df)["average_precision"])
    assert v.kind == "keep_none" and v.avoid == ["bad"]


def test_calibration_warning_on_a_winner_that_worsens_brier() -> None:
    df = table({"none": [0.0] * 8, "ee": [0.05] * 8, "cw": [0.01] * 8}, brier={"ee": 0.1})
    cs = comparisons(df)
    v = verdict(cs["average_precision"], [cs["brier"], cs["ece"]])
    assert v.recommended == "ee"
    assert [m for m, _ in v.calibration] == ["brier", "ece"]
    assert dict(v.calibration)["brier"] == pytest.approx(0.1, abs=0.01)
    clean = table({"none": [0.0] * 8, "ee": [0.05] * 8})
    cs = comparisons(clean)
    assert verdict(cs["average_precision"], [cs["brier"], cs["ece"]]).calibration == []


def test_each_question_is_its_own_family() -> None:
    # BH runs within one metric's tests vs none, not across metrics: a strong Brier effect must not
    # lend significance to a PR-AUC test
    cs = comparisons(table({"none": [0.0] * 8, "a": [0.05] * 8, "b": [0.0] * 8}))
    sizes = adjust_by_question({"tiers": list(cs.values())})
    for m, c in cs.items():
        ps = list(c.wilcoxon["p"])
        assert sizes[("tiers", m, "vs none")] == len(ps)
        np.testing.assert_allclose(c.wilcoxon["p_adj"], stats.fdr_bh(ps))
    pooled = stats.fdr_bh([p for c in cs.values() for p in c.wilcoxon["p"]])
    assert not np.allclose(np.concatenate([c.wilcoxon["p_adj"] for c in cs.values()]), pooled)


def test_small_tiers_merge_and_minority_view() -> None:
    assert merge_small(["low", "medium", "high", "extreme"], [1, 1, 2, 5]) == ["low+medium+high", "extreme"]
    assert merge_small(["low", "extreme"], [4, 1]) == ["low+extreme"]
    rows = []
    for d, (ir, pos) in {
        "a": (2, 500),
        "b": (6, 80),
        "c": (20, 40),
        "e": (30, 25),
        "f": (60, 12),
        "g": (90, 10),
        "h": (100, 8),
    }.items():
        rows.append(
            {
                "dataset": d,
                "strategy": "none",
                "model": "m",
                "fold": 0,
                "status": "ok",
                "ir": ir,
                "tier": tier_of(ir),
                "n": 1000,
                "n_pos": pos,
            }
        )
    df = pd.DataFrame(rows)
    meta = dataset_meta(df)
    groups = cheat_groups(df, meta)
    assert [g.tier for g in groups] == ["low+medium+high", "extreme"]
    assert groups[0].tier_label == "low–high (IR < 50)" and len(groups[0].datasets(meta)) == 4
    mg = minority_groups(df, meta)
    assert [g.minority for g in mg] == ["< 30", "30–100+> 100"]
    assert mg[1].minority_label == "≥ 30 positives" and sorted(mg[1].datasets(meta)) == ["a", "b", "c"]


def test_degenerate_flags_and_under_budget() -> None:
    df = table({"none": [0.0] * 3, "a": [0.0] * 3})
    df.loc[(df.strategy == "a") & (df.dataset == "d0"), "test_roc_auc"] = 0.5
    df.loc[(df.strategy == "a") & (df.dataset == "d1") & (df.fold == 0), "threshold"] = 1.0
    df.loc[(df.dataset == "d2") & (df.fold == 1), "n_pos_test"] = 3
    df.loc[(df.strategy == "a") & (df.dataset == "d1") & (df.fold == 2), "trials"] = 2  # early-stopped study
    df.loc[(df.strategy == "none") & (df.dataset == "d0") & (df.fold == 2), ["status", "trials"]] = ["timeout", 0]
    deg = degenerate_cells(df).set_index(["dataset", "strategy"])
    assert bool(deg.loc[("d0", "a"), "constant_scores"]) and not bool(deg.loc[("d0", "a"), "threshold_at_bound"])
    assert bool(deg.loc[("d1", "a"), "threshold_at_bound"])
    assert bool(deg.loc[("d2", "none"), "few_test_positives"])
    assert few_positive_datasets(df) == {"d2": 3}
    ub = under_budget(df, 4)
    assert ub[["dataset", "strategy", "fold", "trials"]].values.tolist() == [["d1", "a", 2, 2]]  # timeout not listed
    assert under_budget(df, None).empty


def test_nested_selection_scores_the_inner_choice_on_the_outer_fold() -> None:
    rows = []
    test = {"none": [0.50, 0.52, 0.48], "a": [0.55, 0.40, 0.60], "b": [0.53, 0.57, 0.51]}
    inner = {"none": [0.50, 0.50, 0.50], "a": [0.60, 0.40, 0.40], "b": [0.55, 0.55, 0.55]}
    for s in test:
        for f in range(3):
            rows.append(
                {
                    "dataset": "d",
                    "strategy": s,
                    "model": "logreg",
                    "fold": f,
                    "status": "ok",
                    "metric": "average_precision",
                    "inner_score": inner[s][f],
                    "test_average_precision": test[s][f],
                    "n_train": 200,
                    "n_test": 100,
                }
            )
    df = pd.DataFrame(rows)
    sel = nested_selection(df, "average_precision")
    assert sel["strategy"].tolist() == ["a", "b", "b"]  # fold 0: a's inner 0.60; folds 1–2: b's 0.55
    np.testing.assert_allclose(sel["gain"], [0.05, 0.05, 0.03])
    summ = selection_summary(df, "average_precision")
    assert summ["gain_vs_none"] == pytest.approx(0.13 / 3)
    assert summ["choices"] == {"b × logreg": 2, "a × logreg": 1}
    # the naive pick (best mean test score over the same folds) is b at +0.0367 here; with a winner's curse it
    # is above the nested estimate whenever the inner choice varies: both estimates are reported by compare
    assert summ["gain_ci_low"] < summ["gain_vs_none"] < summ["gain_ci_high"]


def test_the_usual_advice_is_checked_with_the_reports_tests() -> None:
    """A claim holds only where the Wilcoxon test over datasets says better, is contradicted where it says worse,
    and each row carries the comparison's own median difference, interval, W/T/L and adjusted p."""
    from pathlib import Path

    from imbench.reporting.documents.claims import claim_rows, claims_section
    from imbench.reporting.load import RunData
    from imbench.reporting.tables.analysis import analyse

    effects = {
        "none": [0.0] * 8,
        "smote": [0.05] * 8,
        "class_weight": [-0.04] * 8,
        "adasyn": [0.0] * 8,
        "smote+threshold": [0.05] * 8,
    }
    df = table(effects)
    df.loc[df["strategy"] == "smote+threshold", "test_f1"] += 0.08  # the tuned cut-off adds F1 over smote
    a = analyse(RunData(Path("."), df))
    rows = {(r[1].split(" vs ")[0], r[1].rsplit(", ", 1)[1]): r for r in claim_rows(a)}
    smote, cw, adasyn = rows[("`smote`", "PR-AUC")], rows[("`class_weight`", "PR-AUC")], rows[("`adasyn`", "PR-AUC")]
    assert (smote[4], cw[4], adasyn[4]) == ("holds", "contradicted", "not shown")
    w = a.overall[("average_precision", "logreg")].versus_baseline("smote")
    assert smote[5].startswith(f"{w['median_diff']:+.3f} [") and smote[6] == "8/0/0" and smote[7] == f"{w['p_adj']:.2g}"
    assert ("`balanced_rf`", "PR-AUC") not in rows and ("`scale_pos_weight`", "F1") not in rows  # not run: no row
    tuned = rows[("`smote+threshold`", "F1")]  # tested against smote in the decision table, not against none
    assert "vs `smote`" in tuned[1] and tuned[4] == "holds" and tuned[5].startswith("+0.08")
    assert "holds in 3" in claims_section(a)[1].text  # smote on PR-AUC and on F1, smote+threshold on F1
    few = analyse(RunData(Path("."), table({"none": [0.0] * 4, "smote": [0.05] * 4})))
    assert {r[4] for r in claim_rows(few)} == {"too few datasets"}  # 4 datasets: p >= 0.125 whatever happens
    rungs = df.assign(dataset="ladder:10/" + df["dataset"])  # rungs of ladders are not independent datasets
    assert claim_rows(analyse(RunData(Path("."), rungs))) == []


def test_f1_advice_is_also_checked_against_a_tuned_threshold() -> None:
    """SMOTE "improving F1" over none while a tuned threshold alone does better is contradicted against it."""
    from pathlib import Path

    from imbench.reporting.documents.claims import claim_rows
    from imbench.reporting.load import RunData
    from imbench.reporting.tables.analysis import analyse

    df = table({"none": [0.0] * 8, "smote": [0.05] * 8, "threshold": [0.0] * 8})  # threshold: F1 +0.1 over none
    rows = {r[1]: r for r in claim_rows(analyse(RunData(Path("."), df)))}
    assert rows["`smote` vs `none`, F1"][4] == "holds"
    against = rows["`smote` vs `threshold`, F1"]
    assert against[0] == "SMOTE adds to what tuning the threshold gives" and against[4] == "contradicted"
    assert float(against[5].split()[0]) == pytest.approx(-0.05, abs=0.005)  # smote's +0.05 less threshold's +0.1


def test_ir_trend_is_tested_within_bases_of_a_ladder() -> None:
    """smote's gain grows with the rung on every base (a reliable rising trend even though the bases differ in
    level); class_weight's gain is noise around zero (no trend); a base missing a rung is left out."""
    from pathlib import Path

    from imbench.reporting.documents.ladder import ladder_matrix, ladder_section, trend_table
    from imbench.reporting.load import RunData
    from imbench.reporting.tables.analysis import analyse

    rng = np.random.default_rng(0)
    rows = []
    rungs = (10, 20, 50, 100)
    for b, level in enumerate((0.3, 0.5, 0.6, 0.8)):
        for k, rung in enumerate(rungs):
            if b == 3 and rung == 50:
                continue  # an incomplete base
            for s in ("none", "smote", "class_weight"):
                for f in range(3):
                    gain = 0.02 * k if s == "smote" else (rng.normal(0, 0.01) if s == "class_weight" else 0.0)
                    v = level - 0.05 * k + gain + rng.normal(0, 0.001)
                    rows.append(
                        {
                            "dataset": f"ladder:{rung}/synthetic:base{b}",
                            "strategy": s,
                            "model": "logreg",
                            "fold": f,
                            "status": "ok",
                            "error": "",
                            "ir": float(rung),
                            "tier": tier_of(rung),
                            "n": 1000,
                            "n_pos": 1000 // rung,
                            "test_average_precision": v,
                            "test_f1": v,
                            "test_brier": 0.05,
                        }
                    )
    a = analyse(RunData(Path("."), pd.DataFrame(rows)))
    m = ladder_matrix(a.results, "logreg", "smote", "average_precision")
    assert m.shape == (3, 4) and list(m.columns) == [10, 20, 50, 100]
    np.testing.assert_allclose(m.to_numpy()[:, -1], 0.06, atol=0.005)
    t = trend_table(a).set_index(["metric", "strategy"])
    smote, cw = t.loc[("average_precision", "smote")], t.loc[("average_precision", "class_weight")]
    assert smote["direction"] == "rises" and smote["q"] < 0.05 and smote["bases"] == 3
    assert smote["median_low"] == pytest.approx(0.0, abs=0.005) and smote["median_high"] == pytest.approx(
        0.06, abs=0.005
    )
    assert cw["q"] >= 0.05
    section = ladder_section(a)
    assert "Page's trend test" in section[1].text and any("rises with IR" in r[4] for r in section[2].rows)
    two = pd.DataFrame(rows)
    two = two[two["dataset"].str.endswith(("base0", "base1")) & ~two["dataset"].str.startswith("ladder:100/")]
    assert trend_table(analyse(RunData(Path("."), two))).empty  # 2 bases x 3 rungs: min p 0.056, never tested


def test_ladder_rungs_are_one_unit_of_evidence_per_base() -> None:
    """Eight rungs of two bases are two blocks, not eight datasets: the Wilcoxon test is then not even run."""
    df = table({"none": [0.0] * 8, "smote": [0.05] * 8})
    df["dataset"] = df["dataset"].map(lambda d: f"ladder:{10 + int(d[1:]) % 4}/synthetic:base{int(d[1:]) // 4}")
    c = comparisons(df)["average_precision"]
    assert c.block_unit == "origin" and c.n_datasets == 2  # a ladder rung's origin is its base
    assert list(c.block_values.index) == ["synthetic:base0", "synthetic:base1"]
    assert not bool(c.versus_baseline("smote")["testable"])
    plain = comparisons(table({"none": [0.0] * 8, "smote": [0.05] * 8}))["average_precision"]
    assert plain.block_unit == "dataset" and plain.n_datasets == 8


def test_glance_names_only_the_verdicts_winner_with_its_median_and_interval() -> None:
    """The at-a-glance grid is the verdict table shortened: a bold name only for a reliable winner, with the
    comparison's own median gain and bootstrap interval; 'keep none' with the reliably worse ones otherwise."""
    from pathlib import Path

    from imbench.reporting.documents.glance import glance_section
    from imbench.reporting.load import RunData
    from imbench.reporting.renderers.blocks import Cell, Para, Table
    from imbench.reporting.tables.analysis import analyse

    spread = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.16]  # median 0.045, mean 0.055: they must not mix
    effects = {"none": [0.0] * 8, "smote": spread, "bad": [-0.05] * 8}
    a = analyse(RunData(Path("."), table(effects)))
    section = glance_section(a)
    tables = [b for b in section if isinstance(b, Table)]
    assert len(tables) == len(a.metrics)
    titles = [b.text for b in section if isinstance(b, Para) and not b.small]
    assert titles[a.metrics.index("brier")].startswith("Brier (lower is better)")
    pr_auc = tables[a.metrics.index("average_precision")]
    assert pr_auc.columns == ["tier", "`logreg`"] and len(pr_auc.rows) == 1
    cell = pr_auc.rows[0][1]
    g = a.groups[0]
    w = a.by_group[("average_precision", g)].versus_baseline("smote")
    assert w is not None and a.verdict("average_precision", g).recommended == "smote"
    assert isinstance(cell, Cell) and cell.bold
    assert round(w["median_diff"], 2) == 0.04 or round(w["median_diff"], 3) == 0.045
    assert cell.text == (
        f"`smote` {w['median_diff']:+.3f} [{w['median_ci_low']:+.3f}, {w['median_ci_high']:+.3f}]; avoid `bad`"
    )
    null = analyse(RunData(Path("."), table({"none": [0.0] * 8, "meh": [0.0] * 8, "bad": [-0.05] * 8})))
    pr_auc = [b for b in glance_section(null) if isinstance(b, Table)][null.metrics.index("average_precision")]
    assert pr_auc.rows[0][1] == "keep `none`; avoid `bad`"
    few = analyse(RunData(Path("."), table({"none": [0.0] * 4, "smote": [0.05] * 4})))
    pr_auc = [b for b in glance_section(few) if isinstance(b, Table)][few.metrics.index("average_precision")]
    assert pr_auc.rows[0][1] == "too few datasets: keep `none`"
