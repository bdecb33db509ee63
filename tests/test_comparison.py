"""`imbench compare`: end to end on a realistic CSV, exports, costs, and one-line errors for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import cap_estimators

from imbench.cli.main import main
from imbench.comparison.budget import parse_budget
from imbench.core.errors import ConfigError
from imbench.datasets.example import make_transactions


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    """Transactions with an ID column, a date column, string categoricals, missing ages, yes/no target."""
    df = make_transactions(n=900, seed=3)
    path = tmp_path / "tx.csv"
    df.to_csv(path, index=False)
    return path


def _compare(csv: Path, out: Path, **kw: object):  # type: ignore[no-untyped-def]
    from imbench.comparison.run import compare

    args = {
        "positive": "yes",
        "budget": "30s",
        "models": ["logreg"],
        "strategies": ["none", "smote", "class_weight", "threshold"],
        "out": out,
        "tracking": False,
    }
    args.update(kw)
    return compare(str(csv), "is_fraud", **args)  # type: ignore[arg-type]


def test_compare_end_to_end_exports_a_loadable_pipeline(
    csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cap_estimators(monkeypatch)
    res = _compare(csv, tmp_path / "out")
    t = res.table
    # every strategy but none is judged at its own tuned threshold
    assert set(t["strategy"]) == {"none", "smote+threshold", "class_weight+threshold", "threshold"}
    assert set(t["model"]) == {"logreg", "lightgbm"}  # the practitioner's baseline model is always added
    ok = t[t["status"] == "ok"]
    assert len(ok) == 8 and (ok["ci_low"] <= ok["mean"]).all() and (ok["mean"] <= ok["ci_high"]).all()
    assert list(t["rank"]) == list(range(1, len(t) + 1))
    rec = res.recommendation
    top = (t.iloc[0]["strategy"], t.iloc[0]["model"])
    if rec.ranked_first is None:  # the top pair, or the baseline when the top did not beat it reliably
        assert (rec.strategy, rec.model) == top
    else:
        assert (rec.strategy, rec.model) == ("threshold", "lightgbm") and top[0] in rec.ranked_first
    assert rec.gain_vs_none == pytest.approx(rec.mean - rec.none_mean)
    assert set(rec.gains) <= {"none", "threshold", "baseline"} and rec.gains
    # the ID column was dropped and the date converted, and the exported model works on those columns
    assert "customer_id" not in rec.columns and "signup" in rec.columns
    import skops.io as sio

    model_path = res.exports["model"]
    untrusted = sio.get_untrusted_types(file=model_path)
    assert all(
        t.split(".")[0] in {"imbench", "sklearn", "imblearn", "numpy", "lightgbm", "xgboost", "scipy", "collections"}
        for t in untrusted
    ), untrusted
    model = sio.load(model_path, trusted=untrusted)
    from imbench.datasets import load_dataset

    ds = load_dataset(f"file:{csv}", target="is_fraud", positive="yes")
    p = model.predict_proba(ds.X)[:, 1]
    assert p.shape == (len(ds.y),) and np.all((p >= 0) & (p <= 1))
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(ds.y, p) > 0.6  # fitted on these rows: it has learned the signal
    for name in ("snippet", "recommendation", "report", "decision"):
        assert res.exports[name].exists(), name
    assert (tmp_path / "out" / "results.parquet").exists()


def test_rebuild_snippet_runs(csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cap_estimators(monkeypatch)
    res = _compare(csv, tmp_path / "out", strategies=["none", "threshold"])
    r = subprocess.run(
        [sys.executable, str(res.exports["snippet"])], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "decision threshold:" in r.stdout


def test_costs_choose_thresholds_and_report_savings(csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cap_estimators(monkeypatch)
    res = _compare(csv, tmp_path / "out", strategies=["none", "smote"], cost_fn=200.0, cost_fp=5.0)
    strategies = set(res.table["strategy"])
    assert strategies == {"none", "threshold", "smote+threshold"}  # with costs every strategy but none tunes one
    rec = res.recommendation
    assert rec.saving_per_1000 == pytest.approx(rec.none_cost_per_1000 - rec.cost_per_1000)
    df = pd.read_parquet(tmp_path / "out" / "results.parquet")
    ok = df[df["status"] == "ok"]
    # expected cost per case recomputed from the confusion counts of the stored metrics is consistent
    assert ok["test_expected_cost"].ge(0).all()
    assert rec.cost_per_1000 <= rec.none_cost_per_1000


def test_budget_parsing() -> None:
    assert parse_budget("90s") == 90 and parse_budget("10m") == 600 and parse_budget("1h30m") == 5400
    assert parse_budget("45") == 45
    for bad in ("ten minutes", "10x", "", "-5m", "0"):
        with pytest.raises(ConfigError):
            parse_budget(bad)


def _cli_error(args: list[str], out: Path) -> str:
    r = CliRunner().invoke(main, [*args, "--out", str(out), "--no-mlflow", "-q"])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    assert "Traceback" not in r.output
    assert not out.exists(), "nothing may be written for bad input"
    return lines[0]


def test_bad_inputs_give_one_line_errors_and_write_nothing(csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "never"
    df = pd.read_csv(csv)
    assert "not found" in _cli_error(["compare", str(tmp_path / "missing.csv"), "--target", "is_fraud"], out)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in _cli_error(["compare", str(empty), "--target", "is_fraud"], out)
    assert "no target column" in _cli_error(["compare", str(csv), "--target", "nope"], out)
    one = tmp_path / "one.csv"
    df.assign(is_fraud="no").to_csv(one, index=False)
    assert "single class" in _cli_error(["compare", str(one), "--target", "is_fraud"], out)
    many = tmp_path / "many.csv"
    df.assign(is_fraud=np.resize(["a", "b", "c"], len(df))).to_csv(many, index=False)
    assert "positive" in _cli_error(["compare", str(many), "--target", "is_fraud"], out)
    few = tmp_path / "few.csv"
    d2 = df.copy()
    d2["is_fraud"] = "no"
    d2.loc[:1, "is_fraud"] = "yes"
    d2.to_csv(few, index=False)
    assert "positives" in _cli_error(["compare", str(few), "--target", "is_fraud", "--positive", "yes"], out)
    assert "budget" in _cli_error(["compare", str(csv), "--target", "is_fraud", "--budget", "soon"], out)
