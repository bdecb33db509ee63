"""`compare` at the size users have: the calibrated plan, the baseline that is never dropped, budgets that
answer, the recommendation guard, and a held-out check against the practitioner's script on 50k rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from imbench.comparison.budget import BASELINE_MODEL, BASELINE_STRATEGY, parse_budget, plan_budget
from imbench.comparison.costs import fit_seconds, laws, table_size
from imbench.core.errors import ConfigError
from imbench.datasets.example import make_large_table
from imbench.evaluation.protocol import EvalProtocol

HEADLINE = ["none", "threshold", "class_weight", "smote", "random_under", "easy_ensemble", "smote+threshold"]
MODELS = ["logreg", "random_forest", "lightgbm", "xgboost"]


@pytest.fixture(scope="module")
def large() -> tuple[pd.DataFrame, np.ndarray]:
    df = make_large_table(200_000)
    y = df.pop("label").to_numpy()
    return df, y


def plan(budget: str, X: pd.DataFrame, y: np.ndarray, models: list[str] | None = None, jobs: int = 2) -> Any:
    return plan_budget(parse_budget(budget), X, y, list(HEADLINE), models or list(MODELS), jobs, EvalProtocol())


def test_every_model_has_a_calibrated_law_that_grows_with_the_table() -> None:
    assert set(MODELS) <= set(laws())
    for m in MODELS:
        assert fit_seconds(m, 200_000, 30) > fit_seconds(m, 20_000, 30) > 0
        assert fit_seconds(m, 100_000, 100) > fit_seconds(m, 100_000, 10)
    assert fit_seconds("no_such_model", 1e5, 30) == max(fit_seconds(m, 1e5, 30) for m in MODELS)


def test_width_counts_one_hot_columns(large: Any) -> None:
    X, y = large
    size = table_size(X, y)
    assert size.numeric == 26 and len(size.levels) == 4 and size.positives == int(y.sum())
    assert size.width("lightgbm") == size.width("logreg") == 26 + sum(size.levels)


def test_a_200k_table_at_5m_gets_the_tuned_baseline_with_an_inner_holdout(large: Any) -> None:
    X, y = large
    p = plan("5m", X, y)
    assert p.models[0] == BASELINE_MODEL and BASELINE_STRATEGY in p.strategies
    assert p.protocol.inner_holdout == pytest.approx(0.2) and p.protocol.n_trials >= 4
    assert any("holdout" in c for c in p.cuts)
    assert 0.5 * 300 <= p.estimated_seconds <= 300  # the budget is used, not a tenth of it
    assert plan("5m", X, y).to_dict() == p.to_dict()  # the same data and budget: the same plan


def test_a_2m_budget_on_200k_rows_answers_with_its_cuts_stated(large: Any) -> None:
    X, y = large
    p = plan("2m", X, y)
    assert BASELINE_MODEL in p.models and {"none", BASELINE_STRATEGY} <= set(p.strategies)
    assert p.cuts and p.estimated_seconds <= 2.0 * 120


def test_only_a_budget_below_one_early_stopped_booster_is_refused(large: Any) -> None:
    X, y = large
    with pytest.raises(ConfigError, match="too small for this table.*--budget"):
        plan("5s", X, y)


def test_the_baseline_model_is_added_when_the_models_leave_it_out(large: Any) -> None:
    X, y = large
    p = plan("5m", X.iloc[:20_000], y[:20_000], models=["logreg"])
    assert p.models == [BASELINE_MODEL, "logreg"] and any("baseline" in c for c in p.cuts)


def test_small_tables_keep_k_inner_folds() -> None:
    df = make_large_table(5_000)
    y = df.pop("label").to_numpy()
    p = plan("10m", df, y)
    assert p.protocol.inner_holdout == 0.0 and p.protocol.inner_folds >= 2


def _results(gains: list[float], base: float = 0.5) -> pd.DataFrame:
    """Fold rows of the baseline pair and one challenger whose PR-AUC is the baseline's + ``gains``."""
    rows = []
    for f, g in enumerate(gains):
        for strategy, model, value in (
            ("none", "lightgbm", base),
            ("threshold", "lightgbm", base),
            ("smote", "xgboost", base + g),
            ("none", "xgboost", base),
        ):
            rows.append(
                {
                    "dataset": "d",
                    "strategy": strategy,
                    "model": model,
                    "fold": f,
                    "status": "ok",
                    "error": "",
                    "test_average_precision": value + 0.01 * f,
                    "test_f1": 0.4,
                    "threshold": 0.3,
                    "n_train": 800,
                    "n_test": 200,
                    "inner_score": value,
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("gains", "expected"),
    [
        ([0.05, 0.06, 0.05, 0.055, 0.052], ("smote", "xgboost")),
        ([0.05, -0.04, 0.06, -0.03, 0.01], ("threshold", "lightgbm")),
    ],
)
def test_a_pair_replaces_the_baseline_only_when_its_paired_gain_is_reliable(
    gains: list[float], expected: tuple[str, str]
) -> None:
    from imbench.comparison.ranking import ranked_table, recommend

    df = _results(gains)
    table = ranked_table(df, "average_precision")
    assert (table.iloc[0]["strategy"], table.iloc[0]["model"]) == ("smote", "xgboost")
    rec = recommend(table, df, "average_precision", costs=False)
    assert (rec.strategy, rec.model) == expected
    assert (rec.ranked_first is None) == (expected == ("smote", "xgboost"))
    g = rec.gains["baseline"] if expected != ("threshold", "lightgbm") else rec.gains["none"]
    assert g["folds"] == 5 and g["ci_low"] <= g["mean"] <= g["ci_high"]


@pytest.mark.slow
def test_compare_on_50k_rows_is_never_worse_than_the_practitioners_script(tmp_path: Path) -> None:
    """Held-out rows the compare never saw: its exported model against LightGBM + early stopping + a threshold
    tuned for F1 (the 30-line script), both trained on the same rows."""
    import skops.io as sio
    from sklearn.metrics import average_precision_score, f1_score
    from sklearn.model_selection import train_test_split

    from imbench.comparison import trusted_types
    from imbench.comparison.run import compare
    from imbench.testing.baselines import practitioner_script

    df = make_large_table(62_500, seed=4)
    train, held = train_test_split(df, test_size=0.2, stratify=df["label"], random_state=0)
    path = tmp_path / "train.csv"
    train.to_csv(path, index=False)
    res = compare(
        str(path), "label", budget="90s", strategies=["none", "smote"], models=["logreg"], jobs=2, tracking=False,
        out=tmp_path / "out",
    )  # fmt: skip
    model = sio.load(res.exports["model"], trusted=trusted_types(res.exports["model"]))
    X_held, y_held = held.drop(columns="label"), held["label"].to_numpy()
    p = model.predict_proba(X_held)[:, 1]
    ours = average_precision_score(y_held, p), f1_score(y_held, model.predict(X_held))

    script = practitioner_script(train.drop(columns="label"), train["label"].to_numpy())
    theirs = (
        average_precision_score(y_held, script.predict_proba(X_held)[:, 1]),
        f1_score(y_held, script.predict(X_held)),
    )
    assert ours[0] >= theirs[0] - 0.02, (ours, theirs)
    assert ours[1] >= theirs[1] - 0.03, (ours, theirs)


def test_cells_past_the_deadline_are_not_started_and_a_resume_computes_them(tmp_path: Path) -> None:
    import time

    from imbench.core.schema import BUDGET_SPENT
    from imbench.evaluation.suites import parse_suite
    from imbench.sweep.run import run_sweep

    suite = parse_suite(
        {
            "name": "deadline",
            "datasets": ["synthetic:ir=10,n=300"],
            "strategies": ["none", "class_weight"],
            "models": ["logreg"],
            "protocol": {"outer_folds": 2, "inner_folds": 2, "n_trials": 1, "seed": 0},
        }
    )
    res = run_sweep(suite, tmp_path / "run", tracking=False, deadline=time.time() - 1)
    df = pd.read_parquet(tmp_path / "run" / "results.parquet")
    assert res.computed == 4 and set(df["status"]) == {"timeout"}
    assert df["error"].str.startswith(BUDGET_SPENT).all()
    again = run_sweep(suite, tmp_path / "run", tracking=False)
    df = pd.read_parquet(tmp_path / "run" / "results.parquet")
    assert again.computed == 4 and set(df["status"]) == {"ok"} and len(df) == 4


def test_large_table_levers_leave_old_config_hashes_alone_and_sample_trials_stratified() -> None:
    from imbench.evaluation.tuning import trial_sample

    assert "inner_holdout" not in EvalProtocol().to_dict() and "trial_rows" not in EvalProtocol().to_dict()
    on = EvalProtocol(inner_holdout=0.2, trial_rows=1000).to_dict()
    assert on["inner_holdout"] == 0.2 and on["trial_rows"] == 1000
    assert EvalProtocol.from_dict(on) == EvalProtocol(inner_holdout=0.2, trial_rows=1000)
    y = (np.arange(10_000) % 50 == 0).astype(int)
    train = np.arange(10_000)
    kept = trial_sample(train, y, 1000, seed=3)
    assert len(kept) == 1000 and y[kept].sum() == 20 and (np.diff(kept) > 0).all()
    np.testing.assert_array_equal(kept, trial_sample(train, y, 1000, seed=3))
    assert trial_sample(train, y, 0, seed=3) is train
    with pytest.raises(ConfigError):
        EvalProtocol(inner_holdout=0.6)


def test_one_inner_holdout_validates_trials_and_the_threshold_on_one_split() -> None:
    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell

    ds = load_dataset("synthetic:ir=20,n=3000")
    p = EvalProtocol(outer_folds=2, n_trials=3, inner_holdout=0.25)
    row = run_cell(ds, CellKey(ds.name, "threshold", "logreg", 0), p).row
    assert row["status"] == "ok" and 0 < row["threshold"] < 1 and row["trials"] == 3
    again = run_cell(ds, CellKey(ds.name, "threshold", "logreg", 0), p).row
    assert again["test_average_precision"] == row["test_average_precision"]


def test_example_writer_help_and_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--help`` prints usage and writes nothing (it once wrote a file named ``--help``); bad ``--rows`` exits 2."""
    from imbench.datasets.example import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as ok:
        main(["--help"])
    assert ok.value.code == 0 and "--rows" in capsys.readouterr().out
    for bad in (["--rows", "12k"], ["--rows", "10"]):
        with pytest.raises(SystemExit) as err:
            main(bad)
        assert err.value.code == 2
    assert list(tmp_path.iterdir()) == []
    main(["small.csv"])
    assert [p.name for p in tmp_path.iterdir()] == ["small.csv"]
