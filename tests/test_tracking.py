"""The MLflow mirror: experiment per suite, parent run per dataset × strategy × model, child run per fold."""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

SUITE = """\
name: tinytrack
datasets:
  - synthetic:ir=10,n=300
  - synthetic:ir=30,n=600
strategies: [none, class_weight, scale_pos_weight]
models: [logreg]
protocol: {outer_folds: 2, inner_folds: 2, n_trials: 2, seed: 0}
"""
N_GROUPS = 2 * 3 * 1
N_FOLDS = 2

pytestmark = pytest.mark.slow


def invoke(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """``imbench ARGS`` in this process with ``cwd`` as working folder: a click Result."""
    from click.testing import CliRunner

    from imbench.cli.main import main

    with contextlib.chdir(cwd):
        return CliRunner(env={"COLUMNS": "200", **(env or {})}).invoke(main, list(args), catch_exceptions=False)


def run_args(out: Path, *extra: str) -> list[str]:
    return ["run", "tiny.yaml", "--out", str(out), "--no-report", "-q", *extra]


def uri_of(db: Path) -> str:
    return f"sqlite:///{db}"


@pytest.fixture(scope="session")
def tracked(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict[str, Any]:
    """A tiny sweep mirrored to ``sqlite:///…/mlflow.db`` (computed once per session across xdist workers)."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent
    base = root / "tracking-reference"
    db = base / "tracking" / "mlflow.db"
    with open(root / "tracking-reference.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (base / "stdout.txt").exists():
                shutil.rmtree(base, ignore_errors=True)
                db.parent.mkdir(parents=True)
                (base / "tiny.yaml").write_text(SUITE)
                with pytest.MonkeyPatch.context() as mp:
                    mp.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
                    mp.delenv("MLFLOW_TRACKING_URI", raising=False)
                    args = [a for a in run_args(base / "run", "--tracking-uri", uri_of(db)) if a != "--no-report"]
                    r = invoke(base, *args)
                assert r.exit_code == 0, r.output
                (base / "stdout.txt").write_text(r.stdout)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return {"base": base, "db": db, "uri": uri_of(db), "run": base / "run", "stdout": (base / "stdout.txt").read_text()}


def all_runs(uri: str, experiment: str = "tinytrack") -> tuple[Any, list[Any], list[Any]]:
    """(experiment, group runs, fold runs) of ``experiment`` at ``uri`` (the suite-level run left out)."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name(experiment)
    assert exp is not None, f"no experiment {experiment!r} at {uri}"
    runs = [
        r
        for r in client.search_runs([exp.experiment_id], max_results=5000)
        if r.data.tags.get("imbench.level") != "suite"
    ]
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    return exp, parents, children


def as_number(v: Any) -> Any:
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def test_one_experiment_named_after_the_suite(tracked: dict[str, Any]) -> None:
    from mlflow.tracking import MlflowClient

    names = [e.name for e in MlflowClient(tracking_uri=tracked["uri"]).search_experiments()]
    assert names.count("tinytrack") == 1
    assert set(names) <= {"tinytrack", "Default"}
    assert f"MLflow: {N_GROUPS} new parent runs in experiment 'tinytrack'" in tracked["stdout"]
    assert tracked["db"].exists()
    assert not (tracked["base"] / "mlflow.db").exists()  # the given URI, not the default in the working folder


def test_parent_per_group_and_child_per_fold(tracked: dict[str, Any]) -> None:
    _, parents, children = all_runs(tracked["uri"])
    assert len(parents) == N_GROUPS
    groups = {(p.data.tags["dataset"], p.data.tags["strategy"], p.data.tags["model"]) for p in parents}
    assert len(groups) == N_GROUPS
    assert len(children) == N_GROUPS * N_FOLDS
    by_parent: dict[str, list[Any]] = {p.info.run_id: [] for p in parents}
    for c in children:
        by_parent[c.data.tags["mlflow.parentRunId"]].append(c)  # KeyError: a child of no parent
    for pid, kids in by_parent.items():
        assert sorted(k.data.tags["fold"] for k in kids) == [str(f) for f in range(N_FOLDS)], pid


def test_parent_metrics_are_fold_mean_and_std(tracked: dict[str, Any]) -> None:
    df = pd.read_parquet(tracked["run"] / "results.parquet")
    ok = df[df["status"] == "ok"]
    agg = ok.groupby(["dataset", "strategy", "model"])["test_average_precision"].agg(["mean", "std"])
    _, parents, _ = all_runs(tracked["uri"])
    checked = 0
    for p in parents:
        key = (p.data.tags["dataset"], p.data.tags["strategy"], p.data.tags["model"])
        if key not in agg.index:
            assert "test_average_precision_mean" not in p.data.metrics
            continue
        m = p.data.metrics
        assert m["test_average_precision_mean"] == pytest.approx(agg.loc[key, "mean"], rel=1e-9)
        assert m["test_average_precision_std"] == pytest.approx(agg.loc[key, "std"], rel=1e-9)
        assert p.data.params["n_folds_ok"] == str(N_FOLDS)
        assert p.data.params["protocol.n_trials"] == "2"
        checked += 1
    assert checked == 2 * 2  # none and class_weight on both datasets


def test_child_params_metrics_and_tags_match_rows(tracked: dict[str, Any]) -> None:
    df = pd.read_parquet(tracked["run"] / "results.parquet")
    _, _, children = all_runs(tracked["uri"])
    assert len(children) == len(df)
    rows = {(r["dataset"], r["strategy"], r["model"], str(r["fold"])): r for _, r in df.iterrows()}
    for c in children:
        t = c.data.tags
        row = rows[(t["dataset"], t["strategy"], t["model"], t["fold"])]
        for key in ("dataset", "tier", "strategy", "family", "model", "status"):
            assert t[key] == str(row[key]), key
        assert float(t["ir"]) == pytest.approx(float(row["ir"]))
        expected = {
            k[2:]: as_number(v)
            for k, v in row.items()
            if k.startswith("p_") and not (isinstance(v, float) and math.isnan(v))
        }
        assert {k: as_number(v) for k, v in c.data.params.items()} == pytest.approx(expected)
        if row["status"] == "ok":
            assert expected, "an ok cell has tuned parameters"
            for k, v in row.items():
                if k.startswith("test_") and not math.isnan(v):
                    assert c.data.metrics[k] == pytest.approx(v, rel=1e-9), k
            assert c.data.metrics["threshold"] == pytest.approx(row["threshold"])
            assert c.info.status == "FINISHED"


def test_not_applicable_groups_are_finished_runs_with_a_reason(tracked: dict[str, Any]) -> None:
    """A pair that makes no sense is not a failure: FINISHED, ``status=not_applicable``, the reason as a tag."""
    _, parents, children = all_runs(tracked["uri"])
    na = [p for p in parents if p.data.tags["strategy"] == "scale_pos_weight"]
    assert len(na) == 2
    for p in na:
        assert p.info.status == "FINISHED"
        assert p.data.tags["status"] == "not_applicable"
        assert "not applicable" in p.data.tags["reason"] and "logreg" in p.data.tags["reason"]
        assert "error" not in p.data.tags
        assert not p.data.metrics.get("test_average_precision_mean")
    na_children = [c for c in children if c.data.tags["strategy"] == "scale_pos_weight"]
    assert len(na_children) == 2 * N_FOLDS
    assert all(
        c.info.status == "FINISHED" and c.data.tags["status"] == "not_applicable" and c.data.tags["reason"]
        for c in na_children
    )
    ok = [p for p in parents if p.data.tags["strategy"] != "scale_pos_weight"]
    assert all(p.data.tags["status"] == "ok" and p.info.status == "FINISHED" for p in ok)


def copy_run(tracked: dict[str, Any], tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(SUITE)
    shutil.copytree(tracked["run"], tmp_path / "run")
    return tmp_path / "run"


def test_rerun_logs_nothing_new(tracked: dict[str, Any], tmp_path: Path) -> None:
    out = copy_run(tracked, tmp_path)
    db = tmp_path / "mlflow.db"
    first = invoke(tmp_path, *run_args(out, "--tracking-uri", uri_of(db)))
    assert first.exit_code == 0, first.output
    assert f"MLflow: {N_GROUPS} new parent runs" in first.stdout
    again = invoke(tmp_path, *run_args(out, "--tracking-uri", uri_of(db)))
    assert again.exit_code == 0, again.output
    assert "0 cells computed" in again.stdout and "MLflow: 0 new parent runs" in again.stdout
    _, parents, children = all_runs(uri_of(db))
    assert (len(parents), len(children)) == (N_GROUPS, N_GROUPS * N_FOLDS)


def test_env_tracking_uri_is_used_without_option(tracked: dict[str, Any], tmp_path: Path) -> None:
    """MLFLOW_TRACKING_URI is respected, and a run already mirrored elsewhere is mirrored there in full."""
    out = copy_run(tracked, tmp_path)
    db = tmp_path / "env.db"
    r = invoke(tmp_path, *run_args(out), env={"MLFLOW_TRACKING_URI": uri_of(db)})
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "mlflow.db").exists()  # the embedded default was not used
    assert f"MLflow: {N_GROUPS} new parent runs" in r.stdout and str(db) in r.stdout
    _, parents, children = all_runs(uri_of(db))
    assert (len(parents), len(children)) == (N_GROUPS, N_GROUPS * N_FOLDS)
    # the original store is untouched
    assert len(all_runs(tracked["uri"])[1]) == N_GROUPS


def test_no_mlflow_logs_nothing(tracked: dict[str, Any], tmp_path: Path) -> None:
    out = copy_run(tracked, tmp_path)
    r = invoke(tmp_path, *run_args(out, "--no-mlflow"), env={"MLFLOW_TRACKING_URI": uri_of(tmp_path / "x.db")})
    assert r.exit_code == 0, r.output
    assert "MLflow" not in r.stdout
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "mlflow.db").exists()


def test_default_uri_is_embedded_sqlite_in_working_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from imbench.tracking.runs import DEFAULT_URI, resolve_uri

    assert resolve_uri(None) == DEFAULT_URI == "sqlite:///mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///elsewhere.db")
    assert resolve_uri(None) == "sqlite:///elsewhere.db"
    assert resolve_uri("sqlite:///given.db") == "sqlite:///given.db"


def test_unreachable_server_is_a_one_line_error_and_logging_is_retried(tracked: dict[str, Any], tmp_path: Path) -> None:
    out = copy_run(tracked, tmp_path)
    r = invoke(
        tmp_path,
        *run_args(out, "--tracking-uri", "http://127.0.0.1:9"),
        env={"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"},
    )
    assert r.exit_code == 2, r.output
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in r.output, err
    assert "results are saved" in err and "127.0.0.1:9" in err
    assert (out / "results.parquet").exists()
    # nothing was marked as logged there, so a rerun against a working store logs every group
    db = tmp_path / "mlflow.db"
    r = invoke(tmp_path, *run_args(out, "--tracking-uri", uri_of(db)))
    assert r.exit_code == 0 and f"MLflow: {N_GROUPS} new parent runs" in r.stdout


# what the MLflow UI shows (issue 19) -----------------------------------------------------------------
def suite_runs(uri: str) -> list[Any]:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name("tinytrack")
    return list(client.search_runs([exp.experiment_id], filter_string="tags.`imbench.level` = 'suite'"))


def test_experiment_opens_in_the_model_training_view(tracked: dict[str, Any]) -> None:
    exp, _, _ = all_runs(tracked["uri"])
    assert exp.tags["mlflow.experimentKind"] == "custom_model_development"


def test_every_run_logs_its_dataset_as_an_input(tracked: dict[str, Any]) -> None:
    """Name = spec, digest, source, column schema and class counts: the UI's Dataset column and filters."""
    import sqlite3

    from imbench.tracking.artifacts import dataset_digest

    df = pd.read_parquet(tracked["run"] / "results.parquet")
    meta = {d: g.iloc[0].to_dict() for d, g in df.groupby("dataset")}
    con = sqlite3.connect(tracked["run"] / "store.sqlite")
    pinned = dict(con.execute("SELECT d.name, f.fingerprint FROM datasets d JOIN fingerprints f ON f.spec = d.spec"))
    con.close()
    assert set(pinned) == set(meta)
    _, parents, children = all_runs(tracked["uri"])
    for run in [*parents, *children]:
        inputs = run.inputs.dataset_inputs
        assert len(inputs) == 1, run.info.run_name
        d = inputs[0].dataset
        m = meta[run.data.tags["dataset"]]
        assert d.name == run.data.tags["dataset"]
        assert d.digest == dataset_digest({**m, "fingerprint": pinned[d.name]}) == pinned[d.name][:16]
        assert d.source_type == "synthetic"
        assert json.loads(d.source)["spec"].startswith("synthetic:")
        cols = json.loads(d.schema)["mlflow_colspec"]
        assert len(cols) == m["n_features"] and all(c["type"] == "double" for c in cols)
        profile = json.loads(d.profile)
        assert (profile["num_rows"], profile["n_pos"]) == (m["n"], m["n_pos"])
        assert profile["n_neg"] == m["n"] - m["n_pos"]
        assert {t.key: t.value for t in inputs[0].tags} == {"mlflow.data.context": "outer_cv"}
    assert (
        len({(p.inputs.dataset_inputs[0].dataset.name, p.inputs.dataset_inputs[0].dataset.digest) for p in parents})
        == 2
    )


def test_run_times_are_the_cells_real_times(tracked: dict[str, Any]) -> None:
    import sqlite3

    df = pd.read_parquet(tracked["run"] / "results.parquet")
    con = sqlite3.connect(tracked["run"] / "store.sqlite")
    finished = {
        (d, s, m, str(f)): t
        for d, s, m, f, t in con.execute("SELECT dataset, strategy, model, fold, finished FROM cells")
    }
    con.close()
    busy = {
        (r["dataset"], r["strategy"], r["model"], str(r["fold"])): r["tune_seconds"]
        + r["fit_seconds"]
        + r["predict_seconds"]
        for _, r in df.iterrows()
    }
    _, parents, children = all_runs(tracked["uri"])
    by_parent: dict[str, list[Any]] = {}
    for c in children:
        t = c.data.tags
        key = (t["dataset"], t["strategy"], t["model"], t["fold"])
        assert c.info.end_time == int(finished[key] * 1000)
        assert (c.info.end_time - c.info.start_time) / 1000 == pytest.approx(busy[key], abs=0.002)
        if t["status"] == "ok":
            assert c.info.end_time - c.info.start_time > 10  # tuning and refitting take real time
        by_parent.setdefault(t["mlflow.parentRunId"], []).append(c)
    for p in parents:
        kids = by_parent[p.info.run_id]
        assert p.info.start_time == min(k.info.start_time for k in kids)
        assert p.info.end_time == max(k.info.end_time for k in kids)


def test_group_runs_hold_their_pr_curve(tracked: dict[str, Any], tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracked["uri"])
    _, parents, children = all_runs(tracked["uri"])
    with contextlib.chdir(tracked["base"]):  # artifacts live beside the database, in ./mlruns
        for p in parents:
            names = [a.path for a in client.list_artifacts(p.info.run_id)]
            if p.data.tags["status"] != "ok":
                assert names == []
                continue
            assert names == ["pr_curve.png"]
            png = Path(client.download_artifacts(p.info.run_id, "pr_curve.png", str(tmp_path)))
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
        assert all(client.list_artifacts(c.info.run_id) == [] for c in children)  # ok folds: no error.txt


def test_one_suite_run_holds_the_report_and_results(tracked: dict[str, Any], tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracked["uri"])
    (suite,) = suite_runs(tracked["uri"])
    assert suite.info.status == "FINISHED" and suite.info.run_name == "suite tinytrack: report"
    assert suite.data.metrics["cells"] == N_GROUPS * N_FOLDS
    assert suite.data.metrics["cells_not_applicable"] == 2 * N_FOLDS
    assert {d.dataset.name for d in suite.inputs.dataset_inputs} == {"synthetic:ir=10,n=300", "synthetic:ir=30,n=600"}
    with contextlib.chdir(tracked["base"]):
        top = {a.path for a in client.list_artifacts(suite.info.run_id)}
        assert {"results.parquet", "results.csv", "manifest.json", "report"} <= top
        report = {a.path for a in client.list_artifacts(suite.info.run_id, "report")}
        assert {"report/cheatsheet.md", "report/report.html", "report/ranks.csv"} <= report
        got = Path(client.download_artifacts(suite.info.run_id, "report/cheatsheet.md", str(tmp_path)))
    assert got.read_text() == (tracked["run"] / "report" / "cheatsheet.md").read_text()
    assert "MLflow: report and results table in run" in tracked["stdout"]


def test_rerun_keeps_one_suite_run(tracked: dict[str, Any], tmp_path: Path) -> None:
    out = copy_run(tracked, tmp_path)
    db = tmp_path / "mlflow.db"
    for _ in range(2):
        r = invoke(tmp_path, "run", "tiny.yaml", "--out", str(out), "-q", "--tracking-uri", uri_of(db))
        assert r.exit_code == 0, r.output
    assert len(suite_runs(uri_of(db))) == 1


def group_rows() -> list[dict[str, Any]]:
    """One group whose folds failed and timed out (rows as the store holds them)."""
    base = {
        "dataset": "synthetic:ir=5,n=100",
        "strategy": "smote",
        "model": "logreg",
        "source": "synthetic",
        "n": 100,
        "n_pos": 17,
        "n_features": 20,
        "n_categorical": 0,
        "ir": 4.9,
        "tier": "low",
        "seed": 1,
        "family": "resample",
        "tune_seconds": 2.0,
        "fit_seconds": 0.5,
        "predict_seconds": 0.1,
    }
    return [
        {**base, "fold": 0, "status": "failed", "error": "ValueError: Expected n_neighbors <= n_samples"},
        {**base, "fold": 1, "status": "timeout", "error": "CellTimeout: the cell took more than 3 s"},
    ]


def test_failed_and_timed_out_cells_are_failed_runs_with_the_error(tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    from imbench.evaluation.suites import load_suite
    from imbench.tracking.runs import _client, log_group

    (tmp_path / "tiny.yaml").write_text(SUITE)
    suite = load_suite(str(tmp_path / "tiny.yaml"))
    uri = uri_of(tmp_path / "mlflow.db")
    with contextlib.chdir(tmp_path):
        client, exp_id = _client(uri, "tinytrack")
        pid = log_group(client, exp_id, group_rows(), suite)
        c = MlflowClient(tracking_uri=uri)
        parent = c.get_run(pid)
        assert parent.info.status == "FAILED" and parent.data.tags["status"] == "failed,timeout"
        assert parent.data.tags["error"].startswith("CellTimeout")  # first of the sorted distinct errors
        text = Path(c.download_artifacts(pid, "error.txt", str(tmp_path / "p"))).read_text()
        assert "Expected n_neighbors" in text and "took more than 3 s" in text
        _, _, children = all_runs(uri)
        assert sorted(k.data.tags["status"] for k in children) == ["failed", "timeout"]
        for k, row in zip(sorted(children, key=lambda k: k.data.tags["fold"]), group_rows()):
            assert k.info.status == "FAILED" and k.data.tags["error"] == row["error"]
            got = Path(c.download_artifacts(k.info.run_id, "error.txt", str(tmp_path / k.info.run_id))).read_text()
            assert row["error"] in got and f"status: {row['status']}" in got
            assert k.inputs.dataset_inputs[0].dataset.name == row["dataset"]


def test_optuna_storage_keeps_every_inner_study_without_changing_results(
    tracked: dict[str, Any], tmp_path: Path
) -> None:
    import optuna

    (tmp_path / "tiny.yaml").write_text(SUITE)
    storage = uri_of(tmp_path / "optuna.db")
    r = invoke(tmp_path, *run_args(tmp_path / "run", "--no-mlflow", "--jobs", "2", "--optuna-storage", storage))
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(tmp_path / "run" / "results.parquet")
    studies = {s.study_name: s for s in optuna.get_all_study_summaries(storage)}
    ok = df[df["status"] == "ok"]
    assert len(studies) == len(ok)  # not-applicable cells have no study
    for _, row in ok.iterrows():
        name = next(
            n for n in studies if n.endswith(f"/{row['dataset']}|{row['strategy']}|{row['model']}|{row['fold']}")
        )
        assert name.startswith("tinytrack@")
        study = optuna.load_study(study_name=name, storage=storage)
        assert len(study.trials) == row["trials"] == 2
        assert study.metric_names == ["average_precision"]
        assert study.best_value == pytest.approx(row["inner_score"])
    ref = pd.read_parquet(tracked["run"] / "results.parquet")
    cols = [c for c in ref if c.startswith(("p_", "test_"))]
    pd.testing.assert_frame_equal(df[cols], ref[cols])  # a storage never changes the numbers


def test_compare_logs_and_registers_the_recommended_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mlflow
    from conftest import cap_estimators
    from mlflow.tracking import MlflowClient

    from imbench.comparison.run import compare
    from imbench.datasets import load_dataset
    from imbench.datasets.example import make_transactions

    cap_estimators(monkeypatch)
    make_transactions(n=600, seed=3).to_csv(tmp_path / "tx.csv", index=False)
    uri = uri_of(tmp_path / "mlflow.db")
    monkeypatch.chdir(tmp_path)
    res = compare(
        str(tmp_path / "tx.csv"),
        "is_fraud",
        positive="yes",
        budget="30s",
        models=["logreg"],
        strategies=["none", "class_weight"],
        out=tmp_path / "out",
        jobs=1,
        tracking_uri=uri,
        register="fraud",
    )
    logged = res.mlflow_model
    assert logged is not None and logged.registered == "models:/fraud/1"
    client = MlflowClient(tracking_uri=uri)
    (version,) = client.search_model_versions("name='fraud'")
    assert version.run_id == logged.run_id
    run = client.get_run(logged.run_id)
    rec = res.recommendation
    assert run.info.run_name == f"recommended: {rec.strategy} × {rec.model}"
    assert run.data.metrics["threshold"] == pytest.approx(rec.final_threshold)
    # the decision box: its lines as a tag, its gains and times as metrics
    assert run.data.tags["decision"].splitlines()[0] == f"Recommended: {rec.strategy} × {rec.model}"
    assert run.data.metrics["measured_seconds"] == pytest.approx(rec.measured_seconds)
    assert any(k.startswith("gain_vs_") for k in run.data.metrics)
    ds = load_dataset(f"file:{tmp_path / 'tx.csv'}", target="is_fraud", positive="yes")
    mlflow.set_tracking_uri(uri)
    info = mlflow.models.get_model_info(logged.model_uri)
    assert [c.name for c in info.signature.inputs.inputs] == [str(c) for c in ds.X.columns]
    assert info.saved_input_example_info is not None
    model = mlflow.sklearn.load_model("models:/fraud/1")
    p = model.predict_proba(ds.X.head(20))[:, 1]
    assert p.shape == (20,) and ((p >= 0) & (p <= 1)).all()
    lines = logged.usage()
    assert "mlflow.sklearn.load_model" in lines[1] and "models:/fraud/1" in lines[-1]
    assert any(r.info.run_name == "suite compare-tx: report" for r in client.search_runs([run.info.experiment_id]))
