"""`imbench advise`: meta-features, the reference table, the meta-model, held-out validation, the command."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from imbench.advice.metafeatures import VECTOR_NAMES, MetaFeatures, meta_features
from imbench.advice.metamodel import KnnMetaModel, overall_gains
from imbench.advice.reference import (
    COST_RATIOS,
    Reference,
    cost_objective,
    dataset_gains,
    family_of,
    load_reference,
)
from imbench.advice.validation import ADVICE, NONE, OVERALL, decide, held_out_choices, summarize, validate
from imbench.cli.main import main
from imbench.core.errors import ConfigError, DataValidationError
from imbench.datasets import load_dataset
from imbench.datasets.example import make_transactions

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "tx.csv"
    make_transactions(n=900, seed=3).to_csv(path, index=False)
    return path


# --- meta-features ----------------------------------------------------------------------------------------


def test_meta_features_are_exact_where_counted_and_seeded() -> None:
    ds = load_dataset("synthetic:ir=20,n=1500,sep=1.5")
    a, b = meta_features(ds, seed=0), meta_features(ds, seed=0)
    assert {k: v for k, v in a.to_dict().items() if k != "seconds"} == {
        k: v for k, v in b.to_dict().items() if k != "seconds"
    }
    assert (a.n, a.n_pos, a.n_features) == (ds.n, ds.n_pos, ds.n_features)
    assert a.ir == pytest.approx(ds.ir) and a.missing_share == 0 and a.categorical_share == 0
    for v in (a.f1, a.n1, a.n3, a.minority_safe, a.minority_outlier, a.baseline_pr_auc, a.baseline_roc_auc):
        assert 0 <= v <= 1
    assert set(a.vector()) == set(VECTOR_NAMES)


def test_meta_features_do_not_depend_on_row_order() -> None:
    """Discrete data has many tied neighbours: ties must not be broken by the file's row order."""
    from imbench.datasets.base import Dataset

    ds = load_dataset("keel:car_good")  # six categorical columns: nearly every neighbour is a tie
    p = np.random.default_rng(5).permutation(ds.n)
    shuffled = Dataset(ds.name, ds.X.iloc[p].reset_index(drop=True), ds.y[p], ds.source, list(ds.categorical))
    a, b = meta_features(ds).to_dict(), meta_features(shuffled).to_dict()
    a.pop("seconds"), b.pop("seconds")
    assert a == b


def test_overlap_measures_separate_easy_from_hard_problems() -> None:
    easy = meta_features(load_dataset("synthetic:ir=10,n=1500,sep=3,flip=0"))
    hard = meta_features(load_dataset("synthetic:ir=10,n=1500,sep=0.3,flip=0.05"))
    assert easy.n3 < hard.n3 and easy.n1 < hard.n1
    assert easy.minority_safe > hard.minority_safe and easy.minority_outlier < hard.minority_outlier
    assert easy.baseline_pr_auc > hard.baseline_pr_auc


def test_meta_features_count_missing_cells_and_categoricals(csv: Path) -> None:
    ds = load_dataset(f"file:{csv}", target="is_fraud", positive="yes")
    m = meta_features(ds)
    cells = ds.X.shape[0] * ds.X.shape[1]
    assert m.missing_share == pytest.approx(ds.X.isna().to_numpy().sum() / cells, abs=1e-6) and m.missing_share > 0
    assert m.categorical_share == pytest.approx(len(ds.categorical) / ds.n_features) and m.categorical_share > 0


# --- the reference table ----------------------------------------------------------------------------------


def test_families_group_ladders_with_their_base_and_keel_variants() -> None:
    assert family_of("ladder:50/keel:yeast1") == family_of("keel:yeast_1_vs_7") == family_of("imblearn:yeast_me2")
    assert family_of("keel:ecoli_0_1_vs_5") == family_of("keel:ecoli1") != family_of("keel:glass1")
    assert family_of("ladder:10/synthetic:ir=1,n=3000") == "synthetic:ir=1,n=3000"


def _cells() -> pd.DataFrame:
    rows = []
    for d, base in (("a", 0.5), ("b", 0.3)):
        for f in range(3):
            rows.append(("none", d, f, "ok", base, 0.4, 0.10))
            rows.append(("smote", d, f, "ok", base + 0.1 * (f + 1), 0.5, 0.12))
            rows.append(("adasyn", d, f, "failed" if (d, f) == ("b", 2) else "ok", base - 0.05, 0.45, 0.08))
            rows.append(("threshold", d, f, "ok", base + 0.001, 0.6, 0.10))
    df = pd.DataFrame(
        rows, columns=["strategy", "dataset", "fold", "status", "test_average_precision", "test_f1", "test_brier"]
    )
    df["model"] = "logreg"
    return df


def test_gains_are_per_dataset_means_signed_so_positive_is_better_and_need_every_fold() -> None:
    g = dataset_gains(_cells()).set_index(["dataset", "strategy"])
    assert g.loc[("a", "smote"), "pr_auc"] == pytest.approx(0.2)  # mean of +0.1, +0.2, +0.3
    assert g.loc[("a", "smote"), "f1"] == pytest.approx(0.1)
    assert g.loc[("a", "smote"), "brier"] == pytest.approx(-0.02)  # Brier went up: a negative gain
    assert g.loc[("a", "adasyn"), "brier"] == pytest.approx(0.02)
    assert ("b", "adasyn") not in g.index  # one failed fold: no gain on b
    assert g.loc[("a", "smote"), "folds"] == 3 and "none" not in g.index.get_level_values("strategy")
    # a decision-only strategy shares its base's scores: no gain on PR-AUC or Brier, only on F1
    assert np.isnan(g.loc[("a", "threshold"), "pr_auc"]) and np.isnan(g.loc[("a", "threshold"), "brier"])
    assert g.loc[("a", "threshold"), "f1"] == pytest.approx(0.2)


def test_cost_gains_come_from_stored_predictions_at_the_bayes_threshold() -> None:
    cells = _cells()[lambda d: (d["dataset"] == "a") & (d["strategy"] != "threshold")]
    rng = np.random.default_rng(0)
    preds = []
    for (s, f), _ in cells.groupby(["strategy", "fold"]):
        y = np.r_[np.ones(10), np.zeros(90)].astype(int)
        # smote ranks every positive first with probability-like scores; none is noise
        score = np.where(y == 1, 0.9, 0.05) if s == "smote" else rng.uniform(size=100)
        preds.append(
            pd.DataFrame({"dataset": "a", "strategy": s, "model": "logreg", "fold": f, "y_true": y, "score": score})
        )
    cells = cells.assign(threshold=0.5)
    g = dataset_gains(cells, pd.concat(preds)).set_index("strategy")
    assert all(cost_objective(r) in g.columns for r in COST_RATIOS)
    # smote's scores separate the classes perfectly at every Bayes threshold up to 1/(1+ratio) > 0.05, so its
    # cost is 0 there and its gain is none's whole normalised cost; none (uniform noise) costs more than that
    for r in COST_RATIOS:
        gain, none_cost = g.loc["smote", cost_objective(r)], 1.0 / (1 + r)
        assert gain > 0
        if none_cost > 0.05:
            assert gain > 0.5
    assert cost_objective(7.0) == "cost_5" and cost_objective(80) == "cost_100" and cost_objective(0.1) == "cost_1"


def _meta(x: float, pr: float = 0.5) -> MetaFeatures:
    return MetaFeatures(1000, int(1000 / (1 + x)), x, 10, 0, 0, 0.5, 0.1, 0.1, 0.5, 0.1, pr, 0.8)


def _clustered(signal: bool = True) -> Reference:
    """Twelve families of one dataset each: low-IR datasets gain from `smote`, high-IR ones from `class_weight`
    (with ``signal``); without it the winner is random."""
    rng = np.random.default_rng(1)
    meta, rows = {}, []
    for i in range(12):
        ir = 2.0 + i if i < 6 else 60.0 + 5 * i
        name = f"synthetic:family{i}"
        meta[name] = _meta(ir)
        low = ir < 30 if signal else bool(rng.integers(2))
        rows.append((name, "logreg", "smote", 3, 0.05 if low else -0.03, 0.0, 0.0))
        rows.append((name, "logreg", "class_weight", 3, -0.03 if low else 0.05, 0.0, 0.0))
    gains = pd.DataFrame(rows, columns=["dataset", "model", "strategy", "folds", "pr_auc", "f1", "brier"])
    return Reference(meta, gains)


def test_reference_round_trips_through_plain_json_and_rejects_other_files(tmp_path: Path) -> None:
    ref = _clustered()
    back = Reference.from_json(ref.to_json())
    assert back.meta == ref.meta
    pd.testing.assert_frame_equal(back.gains, ref.gains, check_dtype=False)
    assert json.loads(ref.to_json())["format"] == 1
    ref.validation = {"objectives": {"pr_auc": {"models": {"logreg": {"p": 0.01, "q": float("nan"), "n": 3}}}}}
    stored = Reference.from_json(ref.to_json()).validation["objectives"]["pr_auc"]["models"]["logreg"]
    assert stored["p"] == 0.01 and np.isnan(stored["q"]) and stored["n"] == 3  # no test: JSON null, NaN again
    with pytest.raises(DataValidationError):
        Reference.from_json('{"format": 99}')
    with pytest.raises(DataValidationError):
        Reference.from_json("not json")


# --- the meta-model and its validation --------------------------------------------------------------------


def test_knn_predicts_the_mean_gain_of_the_nearest_datasets() -> None:
    ref = _clustered()
    mm = KnnMetaModel(ref, k=3)
    near = mm.neighbours(_meta(3.0))
    # IR 3 is nearest to itself, then to 4 (log distance 0.12) before 2 (0.18)
    assert [n.dataset for n in near] == ["synthetic:family1", "synthetic:family2", "synthetic:family0"]
    est = {e.strategy: e for e in mm.predict(_meta(3.0), "logreg")}
    assert est["smote"].gain == pytest.approx(0.05) and est["class_weight"].gain == pytest.approx(-0.03)
    assert est["none"].gain == 0 and mm.predict(_meta(3.0), "logreg")[0].strategy == "smote"
    assert mm.predict(_meta(150.0), "logreg")[0].strategy == "class_weight"


def test_one_family_fills_at_most_two_neighbour_places() -> None:
    ref = _clustered()
    for j in range(5):  # five near-copies of family1 (one KEEL source's variants, say)
        name = f"keel:yeast{j}"
        ref.meta[name] = _meta(3.0 + 0.01 * j)
        ref.gains = pd.concat(
            [ref.gains, pd.DataFrame([(name, "logreg", "smote", 3, -0.5, 0.0, 0.0)], columns=ref.gains.columns)]
        )
    near = [n.dataset for n in KnnMetaModel(ref, k=5).neighbours(_meta(3.0))]
    assert sum(d.startswith("keel:yeast") for d in near) == 2 and len(near) == 5
    est = {e.strategy: e for e in KnnMetaModel(ref, k=5).predict(_meta(3.0), "logreg")}
    assert est["smote"].neighbours == 5  # two copies and three other families


def test_overall_best_is_fair_ties_go_to_none_and_families_weigh_the_same() -> None:
    ref = _clustered()
    overall = overall_gains(ref, "logreg")  # both strategies average +0.01 over the 12 families
    assert overall["smote"] == pytest.approx(0.01) and overall["class_weight"] == pytest.approx(0.01)
    ref.gains.loc[ref.gains["strategy"] == "class_weight", "pr_auc"] -= 0.01  # now exactly none's 0
    assert overall_gains(ref, "logreg").index[0] == "smote"
    ref.gains.loc[ref.gains["strategy"] == "smote", "pr_auc"] -= 0.01
    assert overall_gains(ref, "logreg").index[0] == "none"  # a three-way tie: doing nothing wins it
    # class_weight measured only where it shines (the high-IR half): both strategies are judged on that half
    ref = _clustered()
    ref.gains = ref.gains[~((ref.gains["strategy"] == "class_weight") & (ref.gains["pr_auc"] < 0))]
    fair = overall_gains(ref, "logreg")
    assert fair["class_weight"] == pytest.approx(0.05) and fair["smote"] == pytest.approx(-0.03)


def _decided(choices: pd.DataFrame) -> dict[str, dict]:
    """summarize, then the decisions over its models as one family (validate takes them over every objective)."""
    out = summarize(choices)
    decide([s for m, s in out.items() if m != "all"])
    return out


def test_validation_holds_out_whole_families_and_trusts_advice_only_with_evidence() -> None:
    ref = _clustered(signal=True)
    choices = held_out_choices(ref, k=3)
    assert len(choices) == 12 and (choices[["regret_advice", "regret_overall_best", "regret_none"]] >= 0).all().all()
    assert (choices["regret_advice"] == 0).all()  # the signal is learnable from the other families
    s = _decided(choices)["logreg"]
    assert s["verdict"] == ADVICE and s["ci_high"] < 0 and s["fallback"] in (OVERALL, NONE)
    noise = _decided(held_out_choices(_clustered(signal=False), k=3))["logreg"]
    assert noise["verdict"] == noise["fallback"] and noise["ci_high"] >= 0


def test_fallback_is_none_when_always_none_regrets_less() -> None:
    ref = _clustered(signal=False)
    ref.gains["pr_auc"] = ref.gains["pr_auc"] - 0.06  # every strategy now loses to none everywhere
    s = _decided(held_out_choices(ref, k=3))["logreg"]
    assert s["regret_none"] == 0 and s["fallback"] == NONE and s["verdict"] == NONE


def test_the_overall_best_replaces_none_as_fallback_only_with_evidence() -> None:
    """A strategy that gains on every family is a reliable fixed rule; one that gains on some and loses on others
    (lower mean regret, but not reliably) leaves the fallback at doing nothing, as the cheat-sheet would."""
    ref = _clustered(signal=False)
    ref.gains.loc[ref.gains["strategy"] == "class_weight", "pr_auc"] = 0.05  # gains everywhere
    s = _decided(held_out_choices(ref, k=3))["logreg"]
    assert s["overall_strategy"] == "class_weight" and s["overall_ci_high"] < 0 and s["fallback"] == OVERALL
    mixed = _clustered(signal=False)
    cw, g = mixed.gains["strategy"] == "class_weight", mixed.gains
    g.loc[cw, "pr_auc"] = [0.05 if i < 6 else -0.04 for i in range(12)]  # +0.05 on half the families, -0.04 on half
    g.loc[~cw, "pr_auc"] = -0.03  # smote loses everywhere
    m = _decided(held_out_choices(mixed, k=3))["logreg"]
    assert m["overall_strategy"] == "class_weight" and m["regret_overall_best"] < m["regret_none"]  # better on average
    assert m["overall_ci_high"] >= 0 and m["fallback"] == NONE  # ... but not reliably: keep none


def test_decisions_are_corrected_across_the_family_of_models_and_objectives() -> None:
    """A marginal win (p = 0.03) is trusted when it is the only decision, but not among ten where the other nine
    show nothing: Benjamini–Hochberg across the family lifts its q to 0.3, and the fallback stays."""

    def summary(p: float) -> dict:
        nothing = {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p": float("nan"), "better": 0, "worse": 0}
        test = {"mean": -0.01 if p < 0.5 else 0.0, "ci_low": -0.02, "ci_high": 0.01, "p": p, "better": 3, "worse": 1}
        # overall best = none on every dataset (untestable, left out of the family); advice vs none has p
        return {"overall_p": float("nan"), "overall_minus_none": 0.0, "advice_vs": {NONE: test, OVERALL: nothing}}

    alone = [summary(0.03)]
    assert decide(alone) == 1
    assert alone[0]["fallback"] == NONE and alone[0]["verdict"] == ADVICE and alone[0]["q"] == pytest.approx(0.03)
    family = [summary(0.03)] + [summary(0.8) for _ in range(9)]
    assert decide(family) == 10
    assert family[0]["q"] == pytest.approx(0.3) and family[0]["verdict"] == NONE
    assert all(s["verdict"] == NONE for s in family)
    strong = [summary(0.001)] + [summary(0.8) for _ in range(9)]
    decide(strong)
    assert strong[0]["q"] == pytest.approx(0.01) and strong[0]["verdict"] == ADVICE


def test_a_pick_without_a_result_scores_as_none() -> None:
    """A held-out dataset where the advised strategy failed: the advice may not skip to the next strategy."""
    ref = _clustered()
    odd = "synthetic:family1"  # its neighbours all favour smote
    ref.gains = ref.gains[~((ref.gains["dataset"] == odd) & (ref.gains["strategy"] == "smote"))]
    row = held_out_choices(ref, k=3).set_index("dataset").loc[odd]
    assert row["advice"] == "smote" and bool(row["advice_missing"]) and row["regret_advice"] == pytest.approx(0.0)
    ref.gains.loc[(ref.gains["dataset"] == odd) & (ref.gains["strategy"] == "class_weight"), "pr_auc"] = 0.04
    row = held_out_choices(ref, k=3).set_index("dataset").loc[odd]
    assert row["regret_advice"] == pytest.approx(0.04)  # as none would have done, not as class_weight


def test_a_family_never_advises_itself() -> None:
    """If a held-out family leaked into its own advice, datasets whose gains contradict their neighbours would
    be advised correctly; held out, they must get their neighbours' (wrong) advice — siblings included."""
    ref = _clustered()
    for odd in ("keel:glass1", "keel:glass2"):  # one family of two, among the low-IR datasets
        ref.meta[odd] = _meta(3.5)
        rows = [(odd, "logreg", "smote", 3, -0.2, 0.0, 0.0), (odd, "logreg", "class_weight", 3, 0.3, 0.0, 0.0)]
        ref.gains = pd.concat([ref.gains, pd.DataFrame(rows, columns=ref.gains.columns)], ignore_index=True)
    choices = held_out_choices(ref, k=3).set_index("dataset")
    for odd in ("keel:glass1", "keel:glass2"):
        assert choices.loc[odd, "advice"] == "smote" and choices.loc[odd, "regret_advice"] == pytest.approx(0.5)
        assert choices.loc[odd, "family"] == "glass"


# --- the shipped table ------------------------------------------------------------------------------------


def test_shipped_reference_matches_the_published_results_and_its_validation() -> None:
    """The table in the package is what ``benchmarks/advice_reference.py`` makes of the committed results: same
    gains, and the stored PR-AUC validation recomputes to the same numbers (a stale table fails here)."""
    from imbench.reporting.load import load_run

    ref = load_reference()
    assert ref.sources, "the shipped table names the runs it was built from"
    frames = []
    for i, s in enumerate(ref.sources):
        data = load_run(ROOT / s["run"])
        frames.append(dataset_gains(data.results, data.predictions).assign(_run=i))
    rebuilt = pd.concat(frames)
    rebuilt = rebuilt[rebuilt["_run"] == rebuilt.groupby(["dataset", "model"])["_run"].transform("min")]
    keys = ["dataset", "model", "strategy"]
    rebuilt, shipped = rebuilt.sort_values(keys), ref.gains.sort_values(keys)
    assert rebuilt[keys].to_numpy().tolist() == shipped[keys].to_numpy().tolist()
    for c in ref.objectives:
        np.testing.assert_allclose(rebuilt[c].to_numpy(float), shipped[c].to_numpy(float), atol=1e-5)
    assert set(ref.meta) == set(shipped["dataset"])
    stored = ref.validation["objectives"]["pr_auc"]["models"]
    again = summarize(held_out_choices(ref, "pr_auc"))
    assert set(stored) == set(again)
    for model, s in stored.items():
        assert s["regret_advice"] == pytest.approx(again[model]["regret_advice"], abs=1e-9)
        assert s["overall_p"] == pytest.approx(again[model]["overall_p"], abs=1e-12)
        for rule in (NONE, OVERALL):
            assert s["advice_vs"][rule]["p"] == pytest.approx(again[model]["advice_vs"][rule]["p"], abs=1e-12)
    # the stored verdicts are the decisions over the whole family (every model × objective), from the stored p's
    family = [
        copy.deepcopy(s) for b in ref.validation["objectives"].values() for m, s in b["models"].items() if m != "all"
    ]
    decide(family)
    stored_all = [s for b in ref.validation["objectives"].values() for m, s in b["models"].items() if m != "all"]
    assert [s["verdict"] for s in family] == [s["verdict"] for s in stored_all]
    assert [s["fallback"] for s in family] == [s["fallback"] for s in stored_all]


def test_validate_gives_a_block_per_objective_and_k() -> None:
    v = validate(_clustered())
    assert set(v["objectives"]) == {"pr_auc", "f1", "brier"} and set(v["k_sensitivity"]) == {"3", "5", "7", "11", "15"}
    assert 0 <= v["objectives"]["pr_auc"]["range_coverage"] <= 1
    assert "Benjamini–Hochberg" in v["decisions"]
    assert all({"q", "overall_q", "verdict"} <= set(s) for b in v["objectives"].values() for s in b["models"].values())


# --- the journey and the command --------------------------------------------------------------------------


def test_advise_recommends_per_model_and_follows_the_validation_verdict(csv: Path) -> None:
    from imbench import advise

    ref = _clustered()
    ref.validation = validate(ref)
    adv = advise(str(csv), "is_fraud", positive="yes", reference=ref)
    (ma,) = adv.models
    assert ma.model == "logreg" and ma.basis == ADVICE and ma.recommended == ma.ranked[0].strategy
    assert len(adv.neighbours) == 3 and adv.objective == "pr_auc"
    block = ref.validation["objectives"]["pr_auc"]["models"]["logreg"]
    block.update(verdict=OVERALL, fallback=OVERALL)
    fallback = advise(str(csv), "is_fraud", positive="yes", reference=ref).models[0]
    assert fallback.basis == OVERALL and fallback.recommended == overall_gains(ref, "logreg").index[0]
    assert fallback.reason.startswith("fixed rule: the strategy with the best mean gain")
    assert "always the overall best strategy" in fallback.validation and "95% CI" in fallback.validation
    block.update(verdict=NONE, fallback=NONE)
    keep = advise(str(csv), "is_fraud", positive="yes", reference=ref).models[0]
    assert keep.basis == NONE and keep.recommended == "none" and keep.reason.startswith("fixed rule: doing nothing")
    assert "always none lost" in keep.validation
    assert "--strategies" in adv.compare_command and "--positive yes" in adv.compare_command


def test_advise_command_prints_advice_and_the_compare_check_and_writes_nothing(
    csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = tmp_path / "my data; rm -rf x.csv"
    csv.rename(odd)
    monkeypatch.chdir(tmp_path)
    before = sorted(os.listdir(tmp_path))
    r = CliRunner().invoke(main, ["advise", str(odd), "--target", "is_fraud", "--positive", "yes"])
    assert r.exit_code == 0, r.output
    assert "Nearest reference datasets" in r.output and "recommended" in r.output
    command = r.output.strip().splitlines()[-1]
    assert command.startswith("imbench compare --target is_fraud --positive yes") and command.endswith(f"'{odd}'")
    assert sorted(os.listdir(tmp_path)) == before
    j = CliRunner().invoke(main, ["advise", str(odd), "--target", "is_fraud", "--positive", "yes", "--json"])
    data = json.loads(j.output)
    assert data["meta"]["n"] == 900 and data["models"][0]["ranked"]
    # costs rank by expected cost re-scored from the reference runs' stored predictions; gains are savings
    cost = ["advise", str(odd), "--target", "is_fraud", "--positive", "yes", "--model", "logreg"]
    c = CliRunner().invoke(main, [*cost, "--cost-fn", "500", "--cost-fp", "10"])
    assert c.exit_code == 0, c.output
    text = " ".join(c.output.split())
    assert "expected cost (cost_50" in text and "(positive = better, i.e. a lower value)" in text
    assert c.output.strip().splitlines()[-1].endswith(f"--cost-fn 500 --cost-fp 10 '{odd}'")


def _advise_error(args: list[str], cwd: Path) -> str:
    before = sorted(os.listdir(cwd))
    r = CliRunner().invoke(main, ["advise", *args])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.output, r.output
    assert sorted(os.listdir(cwd)) == before
    return lines[0]


def test_advise_bad_inputs_give_one_line_errors(csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert "not found" in _advise_error([str(tmp_path / "missing.csv"), "--target", "is_fraud"], tmp_path)
    assert "no target column" in _advise_error([str(csv), "--target", "nope"], tmp_path)
    assert "xgbost" in _advise_error([str(csv), "--target", "is_fraud", "--model", "xgbost"], tmp_path)
    assert "cost" in _advise_error([str(csv), "--target", "is_fraud", "--cost-fn", "5"], tmp_path)
    few = tmp_path / "few.csv"
    df = pd.read_csv(csv).assign(is_fraud="no")
    df.loc[:1, "is_fraud"] = "yes"
    df.to_csv(few, index=False)
    assert "at least 3" in _advise_error([str(few), "--target", "is_fraud", "--positive", "yes"], tmp_path)


def test_costs_rank_by_the_expected_cost_gain_at_the_nearest_stored_ratio(csv: Path) -> None:
    from imbench import advise

    ref = _clustered()
    # at a 1:10 cost ratio class_weight saves cost on every dataset and smote wastes it
    ref.gains["cost_10"] = np.where(ref.gains["strategy"] == "class_weight", 0.2, -0.1)
    ref.validation = validate(ref)
    adv = advise(str(csv), "is_fraud", positive="yes", reference=ref, cost_fn=12, cost_fp=1)
    assert adv.objective == "cost_10" and adv.models[0].ranked[0].strategy == "class_weight"
    assert any("cost_fn/cost_fp = 10 (nearest to 12)" in n for n in adv.notes)
    assert "--cost-fn 12 --cost-fp 1" in adv.compare_command
    with pytest.raises(ConfigError, match="no expected-cost gains"):
        advise(str(csv), "is_fraud", positive="yes", reference=_clustered(), cost_fn=12, cost_fp=1)
