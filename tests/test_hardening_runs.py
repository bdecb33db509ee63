"""Regression tests for runs broken by attacking imbench (issue 15): mixed datasets on resume, injected code,
lost exports, leftovers of failed validation, duplicate or stalled MLflow logging, concurrent runs, an
unreproducible rebuild script and an unreproducible ``compare`` plan."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import cap_estimators

pytestmark = pytest.mark.slow


def cli(cwd: Path, *args: str) -> Any:
    from imbench.cli.main import main

    with contextlib.chdir(cwd):
        return CliRunner(env={"COLUMNS": "200"}).invoke(main, list(args), catch_exceptions=False)


def one_line_error(r: Any) -> str:
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in r.output, r.output
    return lines[0]


def table(path: Path, signal: float = 2.0, n: int = 160) -> Path:
    rng = np.random.default_rng(0)
    y = (np.arange(n) % 5 == 0).astype(int)
    pd.DataFrame({"a": rng.normal(size=n) + signal * y, "b": rng.normal(size=n), "y": y}).to_csv(path, index=False)
    return path


def suite_file(tmp: Path, data: Path, strategies: str = "[none, class_weight]", outer: int = 2) -> Path:
    p = tmp / "s.yaml"
    p.write_text(
        f"name: s\ndatasets: [{{spec: 'file:{data}', target: y}}]\nstrategies: {strategies}\n"
        f"models: [logreg]\nprotocol: {{outer_folds: {outer}, inner_folds: 2, n_trials: 1}}\n"
    )
    return p


RUN = ("--no-mlflow", "--no-report", "-q", "-j", "1")


# 1. a resumed run never mixes two versions of a dataset -------------------------------------------
def test_changed_file_is_refused_by_name_or_recomputed(tmp_path: Path) -> None:
    data = table(tmp_path / "d.csv")
    s, out = suite_file(tmp_path, data), tmp_path / "run"
    assert cli(tmp_path, "run", str(s), "--out", str(out), *RUN).exit_code == 0
    before = pd.read_parquet(out / "results.parquet")
    table(data, signal=0.0)  # the file changes under the run directory
    msg = one_line_error(cli(tmp_path, "run", str(s), "--out", str(out), *RUN))
    assert str(data) in msg and "changed" in msg and "--recompute-changed" in msg
    r = cli(tmp_path, "run", str(s), "--out", str(out), *RUN, "--recompute-changed")
    assert r.exit_code == 0, r.output
    after = pd.read_parquet(out / "results.parquet")
    assert len(after) == len(before)
    assert not np.allclose(after["test_roc_auc"], before["test_roc_auc"])  # every cell scored on the new data


def test_generated_data_is_fingerprinted_by_spec_and_loader() -> None:
    from imbench.datasets import dataset_fingerprint

    a = dataset_fingerprint("synthetic:ir=5,n=100")
    assert a == dataset_fingerprint("synthetic:ir=5,n=100") != dataset_fingerprint("synthetic:ir=6,n=100")
    assert dataset_fingerprint("keel:ecoli4") != dataset_fingerprint("keel:ecoli4", (("positive", "x"),))


# 4. exports are derived from the store on every run -------------------------------------------------
def test_missing_or_stale_exports_are_rewritten_and_report_reads_the_store(tmp_path: Path) -> None:
    data = table(tmp_path / "d.csv")
    s, out = suite_file(tmp_path, data), tmp_path / "run"
    assert cli(tmp_path, "run", str(s), "--out", str(out), *RUN).exit_code == 0
    for name in ("predictions.parquet", "config.yaml", "manifest.json"):  # as if killed right after results.parquet
        (out / name).unlink()
    r = cli(tmp_path, "report", str(out), "--cost-fn", "5", "--cost-fp", "1")  # predictions come from the store
    assert r.exit_code == 0, r.output
    assert (out / "report" / "costs.csv").exists()
    r = cli(tmp_path, "run", str(s), "--out", str(out), *RUN)
    assert r.exit_code == 0, r.output
    for name in ("results.parquet", "predictions.parquet", "config.yaml", "manifest.json"):
        assert (out / name).is_file(), name


# 5. validation happens before anything is written ----------------------------------------------------
@pytest.mark.parametrize("bad", ["keel:no_such_dataset", "synthetic:ir=-5", "file:/no/such/file.csv"])
def test_failed_validation_leaves_nothing_on_disk(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "run"
    one_line_error(cli(tmp_path, "run", "quick", "--datasets", bad, "--out", str(out), *RUN))
    assert not out.exists()


def test_protocol_too_big_for_the_data_leaves_nothing_on_disk(tmp_path: Path) -> None:
    out = tmp_path / "run"
    s = suite_file(tmp_path, table(tmp_path / "d.csv"), outer=100000)
    assert "outer folds" in one_line_error(cli(tmp_path, "run", str(s), "--out", str(out), *RUN))
    assert not out.exists()
    s = suite_file(tmp_path, table(tmp_path / "d.csv"))  # the corrected suite runs in the same folder
    assert cli(tmp_path, "run", str(s), "--out", str(out), *RUN).exit_code == 0


# 7. a run directory is locked against a second concurrent run --------------------------------------
def test_second_concurrent_run_on_the_same_dir_is_refused(tmp_path: Path) -> None:
    from imbench.core.system import file_lock
    from imbench.storage.store import LOCK_NAME

    s, out = suite_file(tmp_path, table(tmp_path / "d.csv")), tmp_path / "run"
    out.mkdir()
    with file_lock(out / LOCK_NAME):  # another process is writing this run directory
        r = subprocess.run(
            [sys.executable, "-m", "imbench.cli", "run", str(s), "--out", str(out), *RUN],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().splitlines() == [
        f"error: {out} is in use by another imbench process; wait for it to finish or use another --out"
    ]
    assert not (out / "store.sqlite").exists()


def test_first_use_of_a_new_mlflow_db_is_safe_under_concurrency(tmp_path: Path) -> None:
    code = "import sys; from imbench.tracking.runs import _client; c, e = _client(sys.argv[1], 'same'); print(e)"
    uri = f"sqlite:///{tmp_path / 'new' / 'mlflow.db'}"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, uri], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-1500:] for o in outs]
    assert len({o[0].strip() for o in outs}) == 1  # one experiment, created once


def test_leftover_migration_tables_are_dropped_so_a_rerun_can_migrate(tmp_path: Path) -> None:
    import sqlite3

    from imbench.tracking.runs import _drop_stale_migration_tables

    db = tmp_path / "mlflow.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE _alembic_tmp_experiments (a)")
    con.execute("CREATE TABLE experiments (a)")
    con.commit()
    con.close()
    _drop_stale_migration_tables(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["experiments"]
    con.close()


# 6. MLflow groups: an incomplete parent is repaired, a complete one is never logged twice ------------
def test_interrupted_mlflow_group_is_repaired_not_duplicated(tmp_path: Path) -> None:
    from imbench.evaluation.suites import parse_suite
    from imbench.tracking.runs import _client, existing_parents, group_key, log_group, repair_group

    suite = parse_suite(
        {
            "name": "g",
            "datasets": ["synthetic:ir=5,n=100"],
            "strategies": ["none"],
            "models": ["logreg"],
            "protocol": {"outer_folds": 2},
        }
    )
    rows = [
        {
            "dataset": "d",
            "strategy": "none",
            "model": "logreg",
            "fold": f,
            "status": "ok",
            "error": "",
            "test_roc_auc": 0.7,
        }
        for f in range(2)
    ]
    client, exp = _client(f"sqlite:///{tmp_path / 'm.db'}", "g")
    key = group_key("run1", "d|none|logreg", "fp")
    cut = client.create_run(exp, tags={"imbench.group_key": key, "imbench.run": "run1"})  # killed: no children yet
    client.create_run(exp, tags={"mlflow.parentRunId": cut.info.run_id})
    assert repair_group(client, existing_parents(client, exp, "run1")[key]) is None  # deleted with its child
    pid = log_group(client, exp, rows, suite, key=key, run_id="run1")
    found = existing_parents(client, exp, "run1")[key]
    assert repair_group(client, found) == pid  # complete: kept, and the rerun logs nothing
    active = client.search_runs([exp])
    assert len(active) == 3 and sum("mlflow.parentRunId" in r.data.tags for r in active) == 2


# 8. an unreachable tracking server fails fast; results and report are written ----------------------
def test_unreachable_tracking_server_fails_fast_and_keeps_results(tmp_path: Path) -> None:
    s, out = suite_file(tmp_path, table(tmp_path / "d.csv")), tmp_path / "run"
    t0 = time.monotonic()
    r = cli(tmp_path, "run", str(s), "--out", str(out), "-q", "-j", "1", "--tracking-uri", "http://127.0.0.1:9")
    assert time.monotonic() - t0 < 60
    msg = one_line_error(r)
    assert "results are saved" in msg and "127.0.0.1:9" in msg and "report is written" in msg
    assert (out / "results.parquet").exists() and (out / "report" / "cheatsheet.md").exists()


def test_compare_prints_its_ranking_before_the_tracking_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cap_estimators(monkeypatch)
    data = table(tmp_path / "d.csv", n=300)
    args = ["compare", str(data), "--target", "y", "--budget", "40s", "--strategies", "class_weight"]
    r = cli(tmp_path, *args, "--models", "logreg", "-q", "--tracking-uri", "http://127.0.0.1:9")
    msg = one_line_error(r)
    assert "results are saved" in msg and "ranking, recommendation and report are written" in msg
    before = r.output.split("error: ")[0]
    assert "class_weight" in before and "Recommended:" in before  # the table and the advice came first


# 2. and 9. the rebuild script: no injected code, and exactly the exported model --------------------
HOSTILE = 'x""";import os;os.system("touch PWNED");"""'


def test_rebuild_script_with_hostile_names_runs_no_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from imbench.comparison.run import compare

    cap_estimators(monkeypatch)
    rng = np.random.default_rng(1)
    n = 300
    y = np.where(np.arange(n) % 6 == 0, "yes'\n", "no")
    data = tmp_path / "h.csv"
    pd.DataFrame({HOSTILE: rng.normal(size=n) + 2 * (y != "no"), "b\n'''": rng.normal(size=n), "t": y}).to_csv(
        data, index=False
    )
    res = compare(
        str(data),
        "t",
        positive="yes'\n",
        budget="30s",
        models=["logreg"],
        strategies=["none", "threshold"],
        out=tmp_path / "out",
        tracking=False,
    )
    script = res.exports["snippet"].read_text()
    compile(script, "rebuild_pipeline.py", "exec")
    r = subprocess.run(
        [sys.executable, str(res.exports["snippet"])], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert not (tmp_path / "PWNED").exists()
    assert "decision threshold:" in r.stdout


def test_rebuild_script_reproduces_the_exported_model_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import runpy

    import skops.io as sio

    from imbench.comparison import TRUSTED_TYPES, compare, trusted_types

    cap_estimators(monkeypatch)
    data = table(tmp_path / "d.csv", n=400)
    res = compare(
        str(data),
        "y",
        budget="1m",
        models=["logreg"],
        strategies=["none", "smote+threshold"],
        out=tmp_path / "out",
        tracking=False,
    )
    rec = res.recommendation
    assert rec is not None
    monkeypatch.chdir(tmp_path)
    ns = runpy.run_path(str(res.exports["snippet"]))
    pipe, ds = ns["pipe"], ns["ds"]
    untrusted = sio.get_untrusted_types(file=res.exports["model"])
    assert not [t for t in untrusted if "._count_metric" in t or "_scorer" in t], untrusted
    model = sio.load(res.exports["model"], trusted=trusted_types(res.exports["model"]))
    assert set(untrusted) - set(TRUSTED_TYPES) <= set(untrusted)  # every extra type passed the public check
    assert float(getattr(pipe, "best_threshold_", 0.5)) == rec.final_threshold
    np.testing.assert_array_equal(pipe.predict_proba(ds.X), model.predict_proba(ds.X))
    np.testing.assert_array_equal(pipe.predict(ds.X), model.predict(ds.X))


# 10. and 11. compare: a plan from the data, saved and reused; costs checked before reading data ------
def test_plan_depends_on_the_data_not_on_the_machine_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from imblearn.pipeline import Pipeline

    from imbench.comparison.budget import plan_budget
    from imbench.evaluation.protocol import EvalProtocol

    def busy(*a: Any, **k: Any) -> None:
        raise AssertionError("planning must not time any fit")

    monkeypatch.setattr(Pipeline, "fit", busy)
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(10000, 4)), columns=list("abcd"))
    y = (np.arange(10000) % 10 == 0).astype(int)
    args = (
        40.0,
        X,
        y,
        ["none", "smote", "easy_ensemble"],
        ["logreg", "random_forest", "lightgbm", "xgboost"],
        1,
        EvalProtocol(),
    )
    first = plan_budget(*args)
    assert plan_budget(*args).to_dict() == first.to_dict()
    assert "logreg" in first.models  # the cheapest model is never the one dropped


def test_untuned_plan_says_so_and_names_a_budget_that_tunes() -> None:
    from imbench.comparison.budget import parse_budget, plan_budget
    from imbench.datasets.example import make_large_table
    from imbench.evaluation.protocol import EvalProtocol

    X = make_large_table(160_000)
    y = X.pop("label").to_numpy()
    strategies, models = ["none", "smote", "easy_ensemble", "adasyn"], ["logreg", "lightgbm"]
    plan = plan_budget(120.0, X, y, strategies, models, 2, EvalProtocol())
    assert plan.protocol.n_trials == 1 and plan.models == ["lightgbm"]
    note = next(c for c in plan.cuts if "UNTUNED" in c)
    need = parse_budget(note.split("--budget ")[1].split()[0])
    tuned = plan_budget(need, X, y, strategies, models, 2, EvalProtocol())
    assert tuned.protocol.n_trials > 1


def test_hopeless_budget_on_a_large_table_is_refused_at_once(tmp_path: Path) -> None:
    from imbench.comparison.budget import plan_budget
    from imbench.core.errors import ConfigError
    from imbench.evaluation.protocol import EvalProtocol

    X = pd.DataFrame(np.zeros((1_000_000, 60)))
    y = (np.arange(1_000_000) % 15 == 0).astype(int)
    with pytest.raises(ConfigError, match="too small for this table"):
        plan_budget(60.0, X, y, ["none", "smote"], ["logreg"], 1, EvalProtocol())


def test_compare_saves_its_plan_reuses_it_and_accepts_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from imbench.comparison.run import compare

    cap_estimators(monkeypatch)
    data = table(tmp_path / "d.csv", n=300)
    kw: dict[str, Any] = {
        "budget": "30s",
        "models": ["logreg"],
        "strategies": ["none", "class_weight"],
        "tracking": False,
    }
    res = compare(str(data), "y", out=tmp_path / "a", **kw)
    saved = json.loads((tmp_path / "a" / "plan.json").read_text())
    assert saved == res.plan.to_dict()
    pinned = tmp_path / "pinned.json"
    pinned.write_text(json.dumps({**saved, "protocol": {**saved["protocol"], "outer_folds": 2, "n_trials": 2}}))
    again = compare(str(data), "y", out=tmp_path / "b", plan_file=str(pinned), **kw)
    assert again.plan.protocol.outer_folds == 2 and again.plan.protocol.n_trials == 2
    assert json.loads((tmp_path / "b" / "plan.json").read_text())["protocol"]["outer_folds"] == 2


def test_cost_fn_alone_is_refused_before_the_data_is_read(tmp_path: Path) -> None:
    msg = one_line_error(
        cli(tmp_path, "compare", str(tmp_path / "missing.csv"), "--target", "y", "--cost-fn", "5", "--no-mlflow", "-q")
    )
    assert "--cost-fp" in msg
