"""Fault injection: a small sweep killed with SIGKILL at seeded random instants (and at named points: after a
cell commit, while exporting, while logging to MLflow) and resumed each time ends exactly like an uninterrupted
run: same results and predictions, every export, and each MLflow group logged exactly once."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import drop_timing

SUITE = """\
name: faulty
datasets: ["synthetic:ir=5,n=150,features=8"]
strategies: [none, class_weight, random_under]
models: [logreg]
protocol: {outer_folds: 2, inner_folds: 2, n_trials: 2, seed: 0}
"""
N_GROUPS, N_FOLDS = 3, 2
KILLS: tuple[tuple[str, str], ...] = (
    # (IMBENCH_TEST_PAUSE, point to wait for); "" = a seeded random instant
    ("cell:3", "cell"),  # after the third cell is committed (one group complete, maybe being logged)
    ("cell:2,mlflow", "mlflow"),  # a parent run with one of its child runs (the cells paused after one more)
    ("export", "export"),  # results.parquet written, the other exports not yet
    ("", ""),
    ("", ""),
)

pytestmark = pytest.mark.slow


def _env(tmp: Path, pause: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMBENCH_TEST", "MLFLOW_"))}
    env.update(
        {
            "IMBENCH_TEST_PAUSE": pause,
            "IMBENCH_TEST_PAUSE_FILE": str(tmp / "paused"),
            "MLFLOW_DISABLE_TELEMETRY": "true",
        }
    )
    return env


def _args(tmp: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "imbench.cli",
        "run",
        str(tmp / "faulty.yaml"),
        "--out",
        str(out),
        "-j",
        "1",
        "-q",
        "--no-report",
        *extra,
    ]


def _kill_at(cmd: list[str], env: dict[str, str], marker: Path, point: str, delay: float) -> str:
    """Start ``cmd``; SIGKILL it once ``point`` is in the marker file (or after ``delay`` s); what happened."""
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t0 = time.monotonic()
    while proc.poll() is None:
        hit = point and marker.exists() and point in marker.read_text().split()
        if hit or (not point and time.monotonic() - t0 >= delay) or time.monotonic() - t0 > 60:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return f"killed at {point}" if hit else f"killed after {time.monotonic() - t0:.1f}s"
        time.sleep(0.02)
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == 0, err[-2000:]
    return "finished before the kill"


def _mlflow_runs(db: Path) -> list[Any]:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{db}")
    exp = client.get_experiment_by_name("faulty")
    assert exp is not None
    return list(client.search_runs([exp.experiment_id], max_results=1000))


def test_sigkill_at_random_instants_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from imbench.cli.main import main

    (tmp_path / "faulty.yaml").write_text(SUITE)
    ref = tmp_path / "reference"
    with contextlib.chdir(tmp_path):
        r = CliRunner().invoke(
            main,
            ["run", "faulty.yaml", "--out", str(ref), "-j", "1", "-q", "--no-report", "--no-mlflow"],
            catch_exceptions=False,
        )
    assert r.exit_code == 0, r.output

    out, db = tmp_path / "killed", tmp_path / "mlflow.db"
    mlflow = ("--tracking-uri", f"sqlite:///{db}")
    rng = random.Random(15)
    log = []
    for pause, point in KILLS:
        delay = rng.uniform(1.0, 7.0)
        log.append(_kill_at(_args(tmp_path, out, *mlflow), _env(tmp_path, pause), tmp_path / "paused", point, delay))
    for _, point in KILLS:
        if point:  # the named instants were really hit
            assert f"killed at {point}" in log, log
    done = subprocess.run(
        _args(tmp_path, out, *mlflow), env=_env(tmp_path, ""), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]

    for name in ("results.parquet", "predictions.parquet", "config.yaml", "manifest.json"):
        assert (out / name).is_file(), (name, log)
    keys = ["dataset", "strategy", "model", "fold"]
    a = drop_timing(pd.read_parquet(ref / "results.parquet")).sort_values(keys).reset_index(drop=True)
    b = drop_timing(pd.read_parquet(out / "results.parquet")).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    pa = pd.read_parquet(ref / "predictions.parquet").sort_values([*keys, "index"]).reset_index(drop=True)
    pb = pd.read_parquet(out / "predictions.parquet").sort_values([*keys, "index"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(pa, pb)

    runs = _mlflow_runs(db)
    suite_runs = [r for r in runs if r.data.tags.get("imbench.level") == "suite"]
    assert len(suite_runs) == 1, (len(suite_runs), log)  # one suite-level run holds the report, never two
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags and r not in suite_runs]
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    assert len(parents) == N_GROUPS and len(children) == N_GROUPS * N_FOLDS, (len(parents), len(children), log)
    assert all(p.data.tags.get("imbench.complete") == "true" for p in parents)
    ids = {p.info.run_id for p in parents}
    assert all(sum(c.data.tags["mlflow.parentRunId"] == i for c in children) == N_FOLDS for i in ids)
