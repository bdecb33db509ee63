"""Sweeps end to end through the CLI: resume after SIGKILL, config guard, jobs, predictions, exports, timeouts."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from imbench.core.schema import TIMING_COLUMNS

TIMING = list(TIMING_COLUMNS)
SUITE = """\
name: tiny
description: two small synthetic datasets for sweep tests
datasets:
  - synthetic:ir=10,n=300
  - synthetic:ir=30,n=600
strategies: [none, smote, class_weight, threshold]
models: [logreg]
protocol: {outer_folds: 2, inner_folds: 2, n_trials: 2, seed: 0}
"""
N_CELLS = 2 * 4 * 1 * 2
CELL_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\S+) (\S+) (\S+) fold (\d+): (\w+)")

pytestmark = pytest.mark.slow


def cmd(suite: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "imbench.cli",
        "run",
        str(suite),
        "--out",
        str(out),
        "--no-mlflow",
        "--no-report",
        "-q",
        *extra,
    ]


def run_cli(suite: Path, out: Path, *extra: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd(suite, out, *extra), cwd=suite.parent, capture_output=True, text=True, timeout=timeout, env=_env()
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MLFLOW_TRACKING_URI", None)
    env["COLUMNS"] = "80"  # quiet lines must not wrap however narrow the terminal
    return env


def invoke(suite: Path, out: Path, *extra: str) -> Any:
    """The same command in this process (no interpreter start-up): a click Result."""
    from click.testing import CliRunner

    from imbench.cli.main import main

    with contextlib.chdir(suite.parent):
        return CliRunner(env={"COLUMNS": "80"}).invoke(main, cmd(suite, out, *extra)[3:], catch_exceptions=False)


def write_suite(d: Path, text: str = SUITE) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / "tiny.yaml"
    p.write_text(text)
    return p


def results(out: Path) -> pd.DataFrame:
    df = pd.read_parquet(out / "results.parquet").drop(columns=TIMING)
    return df[sorted(df.columns)].sort_values(["dataset", "strategy", "model", "fold"]).reset_index(drop=True)


def committed(out: Path) -> int:
    con = sqlite3.connect(out / "store.sqlite", timeout=5)
    try:
        return int(con.execute("SELECT count(*) FROM cells").fetchone()[0])
    finally:
        con.close()


def cell_lines(stdout: str) -> list[re.Match[str]]:
    return [m for m in map(CELL_LINE.match, stdout.splitlines()) if m]


def summary(stdout: str) -> tuple[int, int]:
    m = re.search(r"^(\d+) cells computed, (\d+) already done", stdout, re.M)
    assert m, stdout
    return int(m.group(1)), int(m.group(2))


def snapshot(d: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(d)): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """One uninterrupted ``--jobs 1`` run, computed once per session even with several xdist workers."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # shared by the workers of this session
    base = root / "sweep-reference"
    out = base / "run"
    with open(root / "sweep-reference.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (out / "results.parquet").exists():
                shutil.rmtree(base, ignore_errors=True)
                r = invoke(write_suite(base), out)
                assert r.exit_code == 0, r.output
                (base / "stdout.txt").write_text(r.stdout)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out


def copy_run(reference: Path, tmp_path: Path) -> tuple[Path, Path]:
    suite = write_suite(tmp_path)
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    return suite, out


# --- the uninterrupted run --------------------------------------------------------------------


def test_reference_run_is_complete_and_prints_plain_lines(reference: Path) -> None:
    df = pd.read_parquet(reference / "results.parquet")
    assert len(df) == N_CELLS == committed(reference)
    assert set(df["status"]) == {"ok"}
    assert df["dataset"].nunique() == 2 and set(df["strategy"]) == {"none", "smote", "class_weight", "threshold"}
    stdout = (reference.parent / "stdout.txt").read_text()
    lines = cell_lines(stdout)
    assert len(lines) == N_CELLS
    assert [int(m.group(1)) for m in lines] == list(range(1, N_CELLS + 1))
    assert all(m.group(2) == str(N_CELLS) for m in lines)
    assert summary(stdout) == (N_CELLS, 0)


# --- (0) a run carried between sittings as shards (benchmarks/run_state.py) ------------------


def _run_state() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "run_state.py"
    spec = importlib.util.spec_from_file_location("run_state", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_run_state_shards_resume_to_the_uninterrupted_result(reference: Path, tmp_path: Path) -> None:
    rs = _run_state()
    suite = write_suite(tmp_path)
    partial, state, restored = tmp_path / "partial", tmp_path / "state", tmp_path / "restored"
    partial.mkdir()
    shutil.copy(reference / "store.sqlite", partial / "store.sqlite")
    con = sqlite3.connect(partial / "store.sqlite")
    with con:  # an interrupted run: the second outer fold of every cell is missing
        con.execute("DELETE FROM predictions WHERE id IN (SELECT id FROM cells WHERE fold = 1)")
        con.execute("DELETE FROM cells WHERE fold = 1")
    con.close()
    assert rs.save(partial, state) == N_CELLS // 2
    assert rs.save(partial, state) == 0  # nothing new: no second shard
    assert [p.name for p in rs.shards(state)] == ["shard-001.sqlite.gz"]
    assert rs.restore(state, restored) == N_CELLS // 2
    with pytest.raises(SystemExit, match="exists"):
        rs.restore(state, restored)
    r = invoke(suite, restored)
    assert r.exit_code == 0, r.output
    assert summary(r.stdout) == (N_CELLS // 2, N_CELLS // 2)
    pd.testing.assert_frame_equal(results(restored), results(reference), check_exact=True)
    keys = ["dataset", "strategy", "model", "fold", "index"]
    a = pd.read_parquet(restored / "predictions.parquet").sort_values(keys).reset_index(drop=True)
    b = pd.read_parquet(reference / "predictions.parquet").sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert rs.save(restored, state) == N_CELLS // 2  # the finished half becomes the second shard
    assert [p.name for p in rs.shards(state)] == ["shard-001.sqlite.gz", "shard-002.sqlite.gz"]


# --- (1) resume after SIGKILL -----------------------------------------------------------------


def test_resume_after_kill_computes_only_missing_cells(reference: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path)
    out = tmp_path / "run"
    log = (tmp_path / "first.log").open("w")
    proc = subprocess.Popen(
        cmd(suite, out), cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env=_env(), start_new_session=True
    )
    n_killed = 0
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                n_killed = committed(out)
            except sqlite3.OperationalError:  # not created yet
                n_killed = 0
            if n_killed >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the sweep finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        log.close()
    assert proc.returncode == -signal.SIGKILL
    n_killed = committed(out)  # what survived the kill
    assert 0 < n_killed < N_CELLS
    assert not (out / "results.parquet").exists()  # exports are written at the end only

    r = invoke(suite, out)  # the same command again, to completion
    assert r.exit_code == 0, r.output
    assert f"{n_killed}/{N_CELLS} cells already done" in r.stdout
    assert summary(r.stdout) == (N_CELLS - n_killed, n_killed)
    lines = cell_lines(r.stdout)
    assert len(lines) == N_CELLS - n_killed
    assert [int(m.group(1)) for m in lines] == list(range(n_killed + 1, N_CELLS + 1))
    assert committed(out) == N_CELLS
    # no cell was computed twice: the rerun's cells are exactly the ones missing at the kill
    rerun = {(m.group(3), m.group(4), m.group(5), int(m.group(6))) for m in lines}
    assert len(rerun) == N_CELLS - n_killed
    pd.testing.assert_frame_equal(results(out), results(reference), check_exact=True)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cells"] == N_CELLS and manifest["status_counts"] == {"ok": N_CELLS}
    # a SIGKILLed sitting could not record its wall time: the total is unknown, not the last sitting's
    assert manifest["wall_seconds_total"] is None and manifest["wall_seconds_last_invocation"] > 0


# --- (2) a run directory belongs to one configuration -----------------------------------------


def test_changed_config_is_refused_and_dir_untouched(reference: Path, tmp_path: Path) -> None:
    suite, out = copy_run(reference, tmp_path)
    before = snapshot(out)
    r = invoke(suite, out, "--n-trials", "3")
    assert r.exit_code == 2, r.output
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in r.output
    assert "different configuration" in err and "n_trials" in err and str(out) in err
    assert snapshot(out) == before


def test_foreign_nonempty_dir_is_refused(tmp_path: Path) -> None:
    suite = write_suite(tmp_path)
    out = tmp_path / "notes"
    out.mkdir()
    (out / "thesis.txt").write_text("mine")
    r = invoke(suite, out)
    assert r.exit_code == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "not an imbench run directory" in r.stderr
    assert [p.name for p in out.iterdir()] == ["thesis.txt"]


# --- (3) parallel equals serial ---------------------------------------------------------------


def test_jobs_2_equals_jobs_1(reference: Path, tmp_path: Path) -> None:
    """Two worker processes give the serial run's numbers (one dataset, to keep it quick: cell seeds
    depend only on the run seed and the cell key, not on the other cells of the suite)."""
    suite = write_suite(tmp_path)
    out = tmp_path / "run"
    one = "synthetic:ir=30,n=600"
    r = invoke(suite, out, "--jobs", "2", "--datasets", one)
    assert r.exit_code == 0, r.output
    assert summary(r.stdout) == (N_CELLS // 2, 0)
    ref = results(reference)
    ref = ref[ref["dataset"] == one].reset_index(drop=True)
    pd.testing.assert_frame_equal(results(out), ref, check_exact=True)
    keys = ["dataset", "strategy", "model", "fold", "index"]
    a = pd.read_parquet(out / "predictions.parquet").sort_values(keys).reset_index(drop=True)
    b = pd.read_parquet(reference / "predictions.parquet")
    b = b[b["dataset"] == one].sort_values(keys).reset_index(drop=True)
    assert len(a) == 600 * 4
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert json.loads((out / "manifest.json").read_text())["jobs"] == 2


# --- (4) rerunning a complete run -------------------------------------------------------------


def test_rerun_of_complete_run_computes_nothing(reference: Path, tmp_path: Path) -> None:
    suite, out = copy_run(reference, tmp_path)
    first = json.loads((out / "manifest.json").read_text())
    t0 = time.perf_counter()
    r = invoke(suite, out)
    took = time.perf_counter() - t0
    assert r.exit_code == 0, r.output
    assert summary(r.stdout) == (0, N_CELLS)
    assert f"{N_CELLS}/{N_CELLS} cells already done" in r.stdout
    assert cell_lines(r.stdout) == []
    assert took < 10, took  # nothing refitted (a full run takes several times longer)
    pd.testing.assert_frame_equal(results(out), results(reference), check_exact=True)
    again = json.loads((out / "manifest.json").read_text())
    assert again == first  # nothing new: the exports already describe the store and are left as they are
    # --jobs is not part of the configuration: a complete run stays complete with more workers
    r = invoke(suite, out, "--jobs", "2")
    assert r.exit_code == 0, r.output
    assert summary(r.stdout) == (0, N_CELLS)


# --- (5) stored predictions reproduce the metrics ---------------------------------------------


def test_predictions_reproduce_stored_metrics(reference: Path) -> None:
    from imbench.core.metrics import score_all

    res = pd.read_parquet(reference / "results.parquet")
    pred = pd.read_parquet(reference / "predictions.parquet")
    ok = res[res["status"] == "ok"]
    assert len(ok) == N_CELLS
    groups = dict(tuple(pred.groupby(["dataset", "strategy", "model", "fold"])))
    assert len(groups) == len(ok)
    for _, row in ok.iterrows():
        p = groups[(row["dataset"], row["strategy"], row["model"], row["fold"])]
        assert len(p) == row["n_test"]
        assert p["index"].is_unique
        assert int(p["y_true"].sum()) == row["n_pos_test"]
        scores = score_all(p["y_true"].to_numpy(), p["score"].to_numpy(), float(row["threshold"]))
        for name, value in scores.items():
            stored = row[f"test_{name}"]
            assert (np.isnan(value) and np.isnan(stored)) or value == pytest.approx(stored, rel=1e-12, abs=1e-12), name
    # the test folds of one dataset × strategy × model partition the dataset's rows
    for (ds, st, mo), g in pred.groupby(["dataset", "strategy", "model"]):
        n = int(res.loc[res["dataset"] == ds, "n"].iloc[0])
        assert sorted(g["index"]) == list(range(n)), (ds, st, mo)


# --- (6) exports ------------------------------------------------------------------------------


def test_wall_time_adds_up_over_sittings_and_turns_unknown_after_an_unrecorded_one(tmp_path: Path) -> None:
    """Each sitting that ends in the sweep's hands adds its wall time once; a sitting that left its mark open
    (killed before it could record) makes the total unknown for good, never silently too low."""
    from imbench.storage.store import WALL_UNKNOWN, Store

    store = Store(tmp_path / "run", "hash", {"name": "s"})
    store.open_sitting()  # a fresh store: nothing was lost before
    assert store.close_sitting(10.0) == 10.0
    store.open_sitting()
    assert store.close_sitting(5.0) == 15.0 and store.get_meta("sitting_open") == "0"
    store.open_sitting()  # ... and this sitting is SIGKILLed: its mark stays open
    store.open_sitting()  # the next sitting finds it
    assert store.get_meta("wall_seconds") == WALL_UNKNOWN and store.close_sitting(3.0) is None
    store.open_sitting()
    assert store.close_sitting(1.0) is None  # unknown stays unknown
    store.close()


def test_a_rerun_of_a_finished_run_closes_its_sitting(reference: Path, tmp_path: Path) -> None:
    """Nothing to do and the exports current: the sitting still closes, so the next one does not think it lost."""
    out = tmp_path / "run"
    shutil.copytree(reference, out)
    r = invoke(write_suite(tmp_path), out)
    assert r.exit_code == 0, r.output
    with sqlite3.connect(out / "store.sqlite") as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    assert meta["sitting_open"] == "0" and meta["wall_seconds"] != "unknown"


def test_exports_config_and_manifest(reference: Path) -> None:
    import yaml

    from imbench.evaluation.suites import load_suite

    cfg = yaml.safe_load((reference / "config.yaml").read_text())
    suite = load_suite(str(reference.parent / "tiny.yaml"))
    assert cfg == suite.config()
    assert cfg["protocol"]["n_trials"] == 2 and cfg["strategies"][0] == "none"
    m = json.loads((reference / "manifest.json").read_text())
    for key in ("python", "libraries", "seed", "git_commit", "wall_seconds_total", "config_hash", "cells"):
        assert key in m, key
    assert m["python"] == sys.version.split()[0]
    assert m["seed"] == 0 and m["cells"] == N_CELLS and m["config_hash"] == suite.config_hash()
    for lib in ("numpy", "pandas", "scikit-learn", "imbalanced-learn", "optuna"):
        assert m["libraries"][lib][0].isdigit(), lib
    assert m["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", m["git_commit"])
    assert m["wall_seconds_total"] > 0
    assert not list(reference.glob(".*.tmp"))  # atomic writes leave no temporaries


# --- (7) timeouts are rows, and the sweep goes on ---------------------------------------------


def test_timeouts_become_rows(tmp_path: Path) -> None:
    suite = write_suite(
        tmp_path,
        SUITE.replace("  - synthetic:ir=30,n=600\n", "").replace(
            "[none, smote, class_weight, threshold]", "[none, smote, scale_pos_weight]"
        ),
    )
    out = tmp_path / "run"
    r = invoke(suite, out, "--timeout-per-cell", "0.0005")
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(out / "results.parquet")
    assert len(df) == 3 * 2
    fitted = df[df["strategy"] != "scale_pos_weight"]
    assert set(fitted["status"]) == {"timeout"}
    assert all("budget" in e for e in fitted["error"])
    assert set(df.loc[df["strategy"] == "scale_pos_weight", "status"]) == {"not_applicable"}
    assert [m.group(7) for m in cell_lines(r.stdout)].count("timeout") == 4
    assert len(pd.read_parquet(out / "predictions.parquet")) == 0  # no predictions for cells that did not finish
    # timeouts are results, not gaps: a rerun does not retry them
    r2 = invoke(suite, out, "--timeout-per-cell", "0.0005")
    assert r2.exit_code == 0 and summary(r2.stdout) == (0, 6)


def test_the_report_shows_the_manifest_provenance(reference: Path, tmp_path: Path) -> None:
    from imbench.reporting import build_report

    m = json.loads((reference / "manifest.json").read_text())
    assert m["started_at"] and m["finished_at"] and m["libraries"]["imbench"]
    html = build_report(reference, formats=("html",), out_dir=tmp_path)["report"].read_text()
    for text in (
        f"imbench: {m['libraries']['imbench']}",
        f"config hash: {m['config_hash']}",
        f"python: {m['python']}",
        f"cpu count: {m['cpu_count']}",
        f"finished: {m['finished_at']}",
        "wall time: ",
        "machine: ",
        "libraries: numpy ",
        f"seed: {m['seed']}",
    ):
        assert text in html, text
    if m["git_commit"]:
        assert f"git commit: {m['git_commit']}" in html
