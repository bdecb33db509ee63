"""The Dask executor: a local cluster on loopback gives the same results as a local run, also when a
worker is killed mid-sweep (its cells are rerun, nothing is lost or duplicated)."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from imbench.core.schema import TIMING_COLUMNS
from imbench.evaluation.suites import parse_suite
from imbench.sweep.run import SweepEvent, run_sweep

pytestmark = pytest.mark.slow
TIMING = list(TIMING_COLUMNS)
SUITE = parse_suite(
    {
        "name": "dasktiny",
        "datasets": ["synthetic:ir=10,n=300", "synthetic:ir=30,n=600"],
        "strategies": ["none", "smote", "class_weight", "threshold"],
        "models": ["logreg"],
        "protocol": {"outer_folds": 2, "inner_folds": 2, "n_trials": 2, "seed": 0},
    }
)
N_CELLS = 2 * 4 * 1 * 2


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("local") / "run"
    run_sweep(SUITE, out, jobs=1, tracking=False)
    return pd.read_parquet(out / "results.parquet")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns=TIMING), b.drop(columns=TIMING))


def test_local_dask_cluster_equals_local_run(local_run: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "dask"
    res = run_sweep(SUITE, out, jobs=2, executor="dask", tracking=False)
    assert res.computed == N_CELLS
    _same(pd.read_parquet(out / "results.parquet"), local_run)


def test_killed_worker_cells_are_rerun_without_loss_or_duplicates(local_run: pd.DataFrame, tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
        ) as cluster,
        Client(cluster) as client,
    ):
        killed: list[int] = []

        def kill_one(ev: SweepEvent) -> None:
            if ev.row is not None and not killed:
                pids = sorted(client.run(os.getpid).values())
                killed.append(pids[0])
                os.kill(pids[0], signal.SIGKILL)

        out = tmp_path / "dask-killed"
        res = run_sweep(
            SUITE, out, executor="dask", scheduler=cluster.scheduler_address, on_progress=kill_one, tracking=False
        )
    assert killed, "a worker was killed during the sweep"
    assert res.computed == N_CELLS
    with sqlite3.connect(out / "store.sqlite") as con:
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM cells").fetchone() == (N_CELLS, N_CELLS)
    df = pd.read_parquet(out / "results.parquet")
    assert not df["error"].str.startswith("WorkerDied").any()
    _same(df, local_run)


def test_cluster_errors_are_retried_cells_and_task_errors_are_failures() -> None:
    import concurrent.futures
    from types import SimpleNamespace

    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    from imbench.evaluation.cell import CellKey
    from imbench.execution.dask_cluster import _lost_in_transit, _result_of_error
    from imbench.execution.tasks import Task

    t = Task(None, CellKey("d", "none", "logreg", 0), None, {"ir": 5.0})  # type: ignore[arg-type]
    for e in (concurrent.futures.CancelledError(), CommClosedError("gone"), ConnectionResetError()):
        assert _lost_in_transit(e)  # resubmitted while attempts remain
        assert _result_of_error(t, e, True).row["error"].startswith("WorkerDied")  # then retried on resume
    # the client's wait broke while the task was rescheduled (seen in CI after a worker was killed)
    loop_error = RuntimeError("<asyncio.locks.Event object> is bound to a different event loop")
    assert _lost_in_transit(loop_error, "pending") and _lost_in_transit(loop_error, "lost")
    assert not _lost_in_transit(loop_error, "error")  # the task itself raised it: the cell's own error
    killed = KilledWorker("k", SimpleNamespace(address="tcp://127.0.0.1:1"), 3)
    assert not _lost_in_transit(killed)  # dask already retried it
    assert _result_of_error(t, killed, False).row["error"].startswith("WorkerDied")
    failed = _result_of_error(t, ValueError("cannot pickle the result"), False).row
    assert failed["status"] == "failed" and failed["error"].startswith("ValueError")
