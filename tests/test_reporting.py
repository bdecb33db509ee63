"""build_report end to end: constructed runs with known winners, failures, escaping, a small real run."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbench.core.errors import ConfigError, DataValidationError, ImbenchError
from imbench.datasets.base import tier_of
from imbench.reporting import build_report

METRIC_COLUMNS = [
    "test_average_precision",
    "test_roc_auc",
    "test_f1",
    "test_precision",
    "test_recall",
    "test_balanced_accuracy",
    "test_mcc",
    "test_gmean",
    "test_accuracy",
    "test_brier",
    "test_log_loss",
    "test_ece",
    "test_expected_cost",
]


def make_run(
    path: Path,
    datasets: dict[str, float],
    effects: dict[str, float],
    models: tuple[str, ...] = ("logreg",),
    folds: int = 5,
    n: int = 500,
    seed: int = 0,
    predictions: bool = True,
) -> Path:
    """A constructed run directory: metric = dataset level + strategy effect + small noise; predictions drawn to match."""
    rng = np.random.default_rng(seed)
    rows, preds = [], []
    for i, (d, ir) in enumerate(datasets.items()):
        n_pos = max(round(n / (1 + ir)), 2)
        for s, eff in effects.items():
            for m in models:
                for f in range(folds):
                    base = 0.3 + 0.04 * i + eff + rng.normal(0, 0.005)
                    vals = {c: float(np.clip(base + rng.normal(0, 0.005), 0, 1)) for c in METRIC_COLUMNS}
                    vals["test_brier"] = float(0.05 - eff / 4 + rng.normal(0, 0.002))
                    vals["test_ece"] = float(0.04 - eff / 4 + rng.normal(0, 0.002))
                    vals["test_accuracy"] = float(ir / (1 + ir) + rng.normal(0, 0.002))
                    rows.append(
                        {
                            "dataset": d,
                            "strategy": s,
                            "model": m,
                            "fold": f,
                            "repeat": 0,
                            "outer_fold": f,
                            "seed": 1,
                            "status": "ok",
                            "error": "",
                            "family": "resample"
                            if s == "smote"
                            else "decision"
                            if s == "threshold"
                            else "baseline"
                            if s == "none"
                            else "ensemble",
                            "source": "synthetic",
                            "n": n,
                            "n_pos": n_pos,
                            "ir": ir,
                            "tier": tier_of(ir),
                            "n_test": n // folds,
                            "threshold": 0.5,
                            **vals,
                        }
                    )
                    if predictions:
                        k = n // folds
                        y = np.zeros(k, dtype=np.int8)
                        y[: max(k // int(1 + ir), 1)] = 1
                        score = np.clip(0.5 * y + rng.uniform(0, 0.6, k) * (1 + eff), 0, 1)
                        preds.append(
                            pd.DataFrame(
                                {
                                    "dataset": d,
                                    "strategy": s,
                                    "model": m,
                                    "fold": f,
                                    "index": np.arange(f * k, (f + 1) * k),
                                    "y_true": y,
                                    "score": score,
                                }
                            )
                        )
    path.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(path / "results.parquet")
    if predictions:
        pd.concat(preds, ignore_index=True).to_parquet(path / "predictions.parquet")
    (path / "config.yaml").write_text("name: constructed\nprotocol:\n  outer_folds: 5\n", encoding="utf-8")
    (path / "manifest.json").write_text(json.dumps({"seed": 0}), encoding="utf-8")
    return path


HIGH = {f"high{i}": 15.0 + 4 * i for i in range(8)}
EFFECTS = {"none": 0.0, "smote": -0.01, "threshold": 0.0, "class_weight": 0.005, "easy_ensemble": 0.15}


class _ScriptCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)


def _tags(html_text: str) -> list[str]:
    p = _ScriptCounter()
    p.feed(html_text)
    return p.tags


@pytest.fixture(scope="module")
def winner_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    run = make_run(tmp_path_factory.mktemp("winner") / "run", HIGH, EFFECTS)
    return run, build_report(run, cost_fn=5, cost_fp=1)


def test_cheatsheet_names_the_true_winner(winner_report: tuple[Path, dict[str, Path]]) -> None:
    _run, out = winner_report
    md = out["cheatsheet"].read_text(encoding="utf-8")
    table = md.split("## Verdicts by imbalance tier and model")[1].split("##")[0]
    row = next(line for line in table.splitlines() if line.startswith("| high"))
    cells = [c.strip() for c in row.split(" | ")]
    assert cells[3].startswith("use `easy_ensemble`: median Δ +0.1")  # PR-AUC column (+0.15 less fold noise)
    assert "avoid `smote`" in cells[3]  # −0.01 on every dataset: a reliable harm
    # the same verdict as a table row (verdicts.csv), for diffing runs
    v = pd.read_csv(out["verdicts"]).fillna("").set_index(["view", "model", "metric"])
    high = v.loc[("tier", "logreg", "average_precision")]
    assert high["group"].startswith("high") and high["verdict"] == "better"
    assert high["recommended"] == "easy_ensemble" and "smote" in high["avoid"].split(",")
    assert "W/T/L 8/0/0, P(better/≈/worse) 1.00/0.00/0.00" in cells[3]
    assert "use `easy_ensemble` — better than `none` on PR-AUC" in md
    ranks = pd.read_csv(out["ranks"])
    win = ranks[(ranks.metric == "average_precision") & (ranks.tier == "high") & ranks.top_rank]
    assert win["strategy"].tolist() == ["easy_ensemble"]
    w = pd.read_csv(out["wilcoxon_vs_none"])
    ee = w[(w.metric == "average_precision") & (w.tier == "high") & (w.strategy == "easy_ensemble")]
    assert ee["p"].iat[0] == pytest.approx(2 / 2**8)  # exact Wilcoxon over 8 datasets, not 40 folds
    assert bool(ee["significant"].iat[0]) and ee["p_adj"].iat[0] < 0.05


def test_cheatsheet_sound_bites_and_costs(winner_report: tuple[Path, dict[str, Path]]) -> None:
    _, out = winner_report
    md = out["cheatsheet"].read_text(encoding="utf-8")
    assert "Accuracy paradox: on `high7` (IR 43.0, the most imbalanced dataset)" in md
    assert "predicting the majority class for every case would already score accuracy 0.977" in md
    assert "Calibration: resampling raises the Brier score" in md
    assert "Threshold tuning alone (`threshold`) reaches the F1 of the best of" in md
    assert "after seeing the test scores, which favours resampling" in md  # the hindsight pick is named as such
    assert re.search(r"Against each resampler on its own it is within 0.01 or better in: `\w+` \d+/\d+", md)
    assert "## Costs (cost\\_fn = 5, cost\\_fp = 1)" in md or "## Costs (cost_fn = 5, cost_fp = 1)" in md
    costs = pd.read_csv(out["costs"])
    assert {"per_1000_at_threshold", "per_1000_at_bayes"} <= set(costs.columns)
    assert len(costs) == len(HIGH) * len(EFFECTS)


def test_report_outputs_and_self_contained_html(winner_report: tuple[Path, dict[str, Path]]) -> None:
    run, out = winner_report
    assert set(out) == {
        "cheatsheet",
        "report",
        "ranks",
        "verdicts",
        "summary",
        "wilcoxon_vs_none",
        "status",
        "exclusions",
        "costs",
        "flags",
        "under_budget",
    }
    assert all(p.parent == run / "report" and p.stat().st_size > 0 for p in out.values())
    html_text = out["report"].read_text(encoding="utf-8")
    tags = _tags(html_text)
    assert "script" not in tags and "link" not in tags
    assert tags.count("img") >= 5  # CD diagrams, heatmap, IR curves, calibration, PR curves, scatter
    assert "http://" not in html_text and "https://" not in html_text
    assert html_text.count('src="data:image/png;base64,') == tags.count("img")
    summary = pd.read_csv(out["summary"])
    assert {"mean", "ci_low", "ci_high", "n_ok"} <= set(summary.columns)
    assert (summary["ci_low"] <= summary["mean"]).all()


def test_html_escapes_user_strings(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    run = make_run(
        tmp_path / "run",
        {evil: 90.0, "plain": 12.0, "b&d\"'": 60.0},
        {"none": 0.0, "threshold": 0.02, "smote": 0.01},
        folds=3,
    )
    out = build_report(run)
    html_text = out["report"].read_text(encoding="utf-8")
    assert _tags(html_text).count("script") == 0
    assert "<script" not in html_text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    md = out["cheatsheet"].read_text(encoding="utf-8")
    assert f"on `{evil}` (IR 90.0" in md  # the accuracy-paradox sentence names it, as a code span
    assert md.replace(f"`{evil}`", "").count("<script") == 0


def test_failures_timeouts_and_not_applicable(tmp_path: Path) -> None:
    run = make_run(
        tmp_path / "run",
        HIGH,
        {"none": 0.0, "smote": 0.05, "threshold": 0.02, "balanced_rf": 0.2},
        models=("logreg", "random_forest"),
        folds=3,
        predictions=False,
    )
    df = pd.read_parquet(run / "results.parquet")
    metric_cols = [c for c in df.columns if c.startswith("test_")]
    na = (df.strategy == "balanced_rf") & (df.model == "logreg")
    df.loc[na, "status"] = "not_applicable"
    df.loc[na, "error"] = "not applicable: balanced_rf replaces a random forest"
    df.loc[na, metric_cols] = np.nan
    # smote fails in one fold of one dataset (with a junk value that must never be used) …
    bad = (df.strategy == "smote") & (df.model == "logreg") & (df.dataset == "high0") & (df.fold == 1)
    df.loc[bad, ["status", "error", "test_average_precision"]] = [
        "failed",
        "ValueError: Expected n_neighbors <= n_samples",
        0.99,
    ]
    # … and threshold times out on 4 of 6 datasets with random_forest
    to = (df.strategy == "threshold") & (df.model == "random_forest") & df.dataset.isin(list(HIGH)[:4]) & (df.fold == 0)
    df.loc[to, ["status", "error"]] = ["timeout", "cell exceeded its time budget of 60s"]
    df.loc[to, metric_cols] = np.nan
    df.to_parquet(run / "results.parquet")
    out = build_report(run, formats=("html", "md"))

    status = pd.read_csv(out["status"]).set_index(["strategy", "model"])
    assert status.loc[("smote", "logreg"), "failed"] == 1
    assert "ValueError: Expected n_neighbors" in status.loc[("smote", "logreg"), "example_error"]
    assert status.loc[("threshold", "random_forest"), "timeout"] == 4
    assert status.loc[("balanced_rf", "logreg"), "not_applicable"] == len(HIGH) * 3

    ranks = pd.read_csv(out["ranks"])
    ap = ranks[(ranks.metric == "average_precision") & (ranks.tier == "all") & ranks.minority.isna()]
    lr, rf = ap[ap.model == "logreg"], ap[ap.model == "random_forest"]
    assert "balanced_rf" not in set(lr.strategy)  # not applicable: not compared
    assert set(lr["n_datasets"]) == {len(HIGH) - 1}  # high0 dropped: smote incomplete there
    assert "threshold" not in set(rf.strategy)  # incomplete in 4 of 6 datasets → dropped
    assert set(rf["n_datasets"]) == {len(HIGH)}
    assert rf[rf.top_rank]["strategy"].tolist() == ["balanced_rf"]

    ex = pd.read_csv(out["exclusions"])
    assert ((ex.kind == "dataset") & (ex.name == "high0") & (ex.model == "logreg")).any()
    assert ((ex.kind == "strategy") & (ex.name == "threshold") & (ex.model == "random_forest")).any()

    summary = pd.read_csv(out["summary"])
    s = summary[
        (summary.dataset == "high0")
        & (summary.strategy == "smote")
        & (summary.model == "logreg")
        & (summary.metric == "average_precision")
    ]
    assert s["n_ok"].iat[0] == 2 and s["mean"].iat[0] < 0.9  # the failed fold's 0.99 is not averaged in

    md = out["cheatsheet"].read_text(encoding="utf-8")
    assert "## Coverage" in md and "cell exceeded its time budget" in md
    assert "Rank rule" in md
    html_text = out["report"].read_text(encoding="utf-8")
    assert "Coverage and failures" in html_text and "Left out of comparisons" in html_text


@pytest.mark.parametrize("case", ["missing_dir", "no_results", "unknown_metric", "no_ok", "bad_format", "cost_half"])
def test_bad_input_raises_and_writes_nothing(tmp_path: Path, case: str) -> None:
    run = tmp_path / "run"
    kwargs: dict = {}
    if case != "missing_dir":
        run.mkdir()
    if case in ("unknown_metric", "no_ok", "bad_format", "cost_half"):
        make_run(run, {"a": 20.0}, {"none": 0.0, "smote": 0.1}, folds=2, predictions=False)
    if case == "no_ok":
        df = pd.read_parquet(run / "results.parquet")
        df["status"] = "failed"
        df.to_parquet(run / "results.parquet")
    kwargs = {
        "unknown_metric": {"metric": "wibble"},
        "bad_format": {"formats": ("pdf",)},
        "cost_half": {"cost_fn": 3.0},
    }.get(case, {})
    expected = {
        "missing_dir": ConfigError,
        "no_results": DataValidationError,
        "no_ok": DataValidationError,
        "bad_format": ConfigError,
        "cost_half": ConfigError,
    }.get(case, ImbenchError)
    with pytest.raises(expected) as info:
        build_report(run, **kwargs)
    assert "\n" not in str(info.value)
    assert not (run / "report").exists()


def test_cost_without_predictions_is_an_error(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", {"a": 20.0}, {"none": 0.0, "smote": 0.1}, folds=2, predictions=False)
    with pytest.raises(DataValidationError, match="predictions.parquet"):
        build_report(run, cost_fn=2, cost_fp=1)
    assert not (run / "report").exists()


def test_metric_option_and_out_dir(tmp_path: Path) -> None:
    run = make_run(
        tmp_path / "run", HIGH, {"none": 0.0, "class_weight": 0.1, "smote": 0.05}, folds=3, predictions=False
    )
    out = build_report(run, metric="brier", formats=("md",), out_dir=tmp_path / "elsewhere")
    assert set(out) == {
        "cheatsheet",
        "ranks",
        "verdicts",
        "summary",
        "wilcoxon_vs_none",
        "status",
        "exclusions",
        "flags",
        "under_budget",
    }
    md = out["cheatsheet"].read_text(encoding="utf-8")
    assert "## When to use what (Brier)" in md
    # Brier is lower-is-better and class_weight's effect lowers it: it must win on Brier
    assert "use `class_weight` — better than `none` on Brier" in md
    assert out["cheatsheet"].parent == tmp_path / "elsewhere"


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real run: run_cell on two synthetic datasets (one strategy not applicable to the model)."""
    from imbench.core.results import results_frame
    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.protocol import EvalProtocol

    protocol = EvalProtocol(outer_folds=3, inner_folds=2, n_trials=2)
    rows, preds = [], []
    for spec in ("synthetic:ir=8,n=200", "synthetic:ir=20,n=300"):
        ds = load_dataset(spec)
        for strategy in ("none", "threshold", "balanced_rf"):
            for fold in range(protocol.n_outer):
                res = run_cell(ds, CellKey(ds.name, strategy, "logreg", fold), protocol)
                rows.append(res.row)
                if res.predictions is not None:
                    preds.append(
                        pd.DataFrame(
                            {
                                "dataset": ds.name,
                                "strategy": strategy,
                                "model": "logreg",
                                "fold": fold,
                                **res.predictions,
                            }
                        )
                    )
    path = tmp_path_factory.mktemp("real") / "run"
    path.mkdir()
    results_frame(rows).to_parquet(path / "results.parquet")
    pd.concat(preds, ignore_index=True).to_parquet(path / "predictions.parquet")
    (path / "config.yaml").write_text("name: tiny-real\n", encoding="utf-8")
    return path


def test_report_from_a_real_run(real_run: Path) -> None:
    out = build_report(real_run, cost_fn=10, cost_fp=1)
    for p in out.values():
        assert p.is_file() and p.stat().st_size > 0
    md = out["cheatsheet"].read_text(encoding="utf-8")
    assert md.startswith("# imbench cheat-sheet — tiny-real")
    # two datasets (IR 8 and 20): one merged row, marked as resting on fewer than 3 datasets
    assert "| medium–high (5 ≤ IR \\< 50)" in md or "| medium–high (5 ≤ IR < 50)" in md
    assert "fewer than 3 datasets" in md and "too few datasets to test" in md
    assert "not\\_applicable" in md or "not_applicable" in md  # balanced_rf × logreg shown in coverage
    status = pd.read_csv(out["status"]).set_index(["strategy", "model"])
    assert status.loc[("balanced_rf", "logreg"), "not_applicable"] == 6
    html_text = out["report"].read_text(encoding="utf-8")
    assert _tags(html_text).count("img") >= 3 and "script" not in _tags(html_text)
    costs = pd.read_csv(out["costs"])
    assert costs["per_1000_at_bayes"].notna().all() and len(costs) == 4


def test_a_published_reference_folder_regenerates_from_its_committed_results(tmp_path: Path) -> None:
    """``imbench report results/ir_ladder`` rebuilds the committed cheat-sheet word for word (a stale published
    file, or a report that no longer follows from the stored results, fails here)."""
    folder = Path(__file__).resolve().parents[1] / "results" / "ir_ladder"
    out = build_report(folder, formats=("md",), out_dir=tmp_path)
    text = out["cheatsheet"].read_text(encoding="utf-8")
    assert text == (folder / "cheatsheet.md").read_text(encoding="utf-8")
    # four base problems of three origins (yeast1 and yeast3 are one table): no Wilcoxon test can reach α over
    # 3 origins, and the sheet says so instead of "0 of 16 significant"
    assert "8 datasets (3 origins) | too few origins: keep `none`" in text
    assert "too few origins for a test (the exact Wilcoxon test cannot go below p = 0.25)" in text
    assert "no comparison of this report had enough datasets or origins to be tested" in text
    assert "Page's trend test within bases" in text and "a trend is of the two together" in text
    assert "(3 origins): too few origins to test" in text and "(3 origins): too few datasets" not in text
    assert "X+threshold vs X are families of their own" in text
