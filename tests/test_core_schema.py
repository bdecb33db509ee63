"""The result schema: rows, statuses, manifest, recommendation; and the bugs an implicit schema let in
(worker-died rows without dataset metadata, a report that read manifest keys nobody wrote, an exception in
a live worker taken for a dead worker)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import make_tiny

from imbench.core.results import aggregate_folds, fold_stats, results_frame
from imbench.core.schema import (
    STATUSES,
    TIER_ORDER,
    WORKER_DIED,
    Manifest,
    Recommendation,
    ResultRow,
    Status,
    is_worker_died,
    tier_of,
    tier_range,
)
from imbench.datasets.base import Dataset
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.execution.local import ProcessExecutor
from imbench.execution.tasks import DatasetRef, Task

PROTO = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=1)


def test_core_imports_nothing_from_imbench_but_core() -> None:
    """The bottom layer: every module of imbench/core (schema included) imports only imbench.core."""
    import ast

    for src in (Path(__file__).resolve().parents[1] / "imbench" / "core").glob("*.py"):
        tree = ast.parse(src.read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        outside = {m for m in imported if m and m.startswith("imbench") and not m.startswith("imbench.core")}
        assert not outside, (src.name, outside)


def test_status_values_are_plain_strings() -> None:
    assert STATUSES == ("ok", "failed", "timeout", "not_applicable")
    assert Status.OK == "ok" and json.dumps({"s": Status.TIMEOUT.value}) == '{"s": "timeout"}'
    row = ResultRow("d", "none", "logreg", 0, status="failed", error="x").to_dict()
    assert type(row["status"]) is str and row["status"] == "failed"


def test_a_cell_row_round_trips_through_the_record() -> None:
    ds = make_tiny(120, 4.0)
    res = run_cell(ds, CellKey(ds.name, "none", "logreg", 0), PROTO)
    row = res.row
    assert row["status"] == "ok" and row["tier"] == ds.tier and "p_model__C" in row and "test_f1" in row
    again = ResultRow.from_dict(row).to_dict()
    assert again == row and list(again) == list(row)  # same keys, same order: stored rows do not change
    # columns of another version survive a round trip
    assert ResultRow.from_dict({**row, "future_column": 3}).to_dict()["future_column"] == 3


def test_a_not_applicable_row_has_no_tuning_columns() -> None:
    ds = make_tiny(120, 4.0)
    row = run_cell(ds, CellKey(ds.name, "scale_pos_weight", "random_forest", 0), PROTO).row
    assert row["status"] == "not_applicable" and row["error"].startswith("not applicable: ")
    assert "inner_score" not in row and not any(k.startswith(("p_", "test_")) for k in row)


def test_tiers_are_defined_once() -> None:
    from imbench.datasets.base import tier_of as dataset_tier_of
    from imbench.reporting.tables.groups import TIER_ORDER as REPORT_ORDER
    from imbench.reporting.tables.groups import TIER_RANGES

    assert dataset_tier_of is tier_of
    assert [tier_of(x) for x in (1, 4.99, 5, 9.99, 10, 49.9, 50, 1e6)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "extreme",
        "extreme",
    ]
    assert tuple(REPORT_ORDER) == TIER_ORDER
    assert {t: tier_range(t) for t in TIER_ORDER} == TIER_RANGES  # the report's copy agrees (until it imports ours)


# worker-died rows ------------------------------------------------------------------------------
class _KillsTheWorker:
    """Unpickled in the worker, it ends that process at once (as the OOM killer would)."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return os._exit, (1,)


def test_a_worker_died_row_carries_the_dataset_metadata() -> None:
    ds = make_tiny(120, 12.0)
    task = Task(
        DatasetRef(ds.name, dataset=_KillsTheWorker()),
        CellKey(ds.name, "none", "logreg", 0),  # type: ignore[arg-type]
        PROTO,
        ds.meta(),
    )
    [(_, res)] = list(ProcessExecutor(1).run([task]))
    row = res.row
    assert row["status"] == "failed" and row["error"].startswith(WORKER_DIED) and is_worker_died(row)
    assert row["tier"] == "high" and row["ir"] == ds.meta()["ir"] and row["n"] == ds.n


def test_the_planner_gives_every_task_its_dataset_metadata(tmp_path: Path) -> None:
    from imbench.evaluation.suites import DatasetEntry, Suite, validate
    from imbench.storage.store import Store
    from imbench.sweep.run import plan

    suite = validate(Suite("t", (DatasetEntry("synthetic:ir=20,n=300"),), ("none",), ("logreg",), PROTO))
    store = Store(tmp_path / "run", suite.config_hash(), suite.config())
    try:
        tasks, _ = plan(suite, store)
        assert tasks and all(t.meta["tier"] == "high" and t.meta["n"] == 300 for t in tasks)
        tasks2, _ = plan(suite, store)  # from the store's remembered metadata, without loading the dataset
        assert [t.meta for t in tasks2] == [t.meta for t in tasks]
    finally:
        store.close()


def _ok_row(ds: Dataset, strategy: str, fold: int, value: float) -> dict[str, Any]:
    return ResultRow(
        ds.name,
        strategy,
        "logreg",
        fold,
        seed=1,
        dataset_meta=ds.meta(),
        metrics={"average_precision": value, "f1": value, "brier": 0.1},
    ).to_dict()


def test_the_report_files_a_dataset_under_its_tier_whichever_row_comes_first(tmp_path: Path) -> None:
    from imbench.reporting.load import load_run
    from imbench.reporting.tables.groups import dataset_meta

    ds = make_tiny(120, 12.0, name="tiny-high")
    rows = [_ok_row(ds, s, f, 0.5 + 0.1 * f) for s in ("none", "smote") for f in range(2)]
    # a worker-died row written before 0.2 (no metadata) for a strategy that sorts first
    rows.append(
        {
            "dataset": ds.name,
            "strategy": "adasyn",
            "model": "logreg",
            "fold": 0,
            "status": "failed",
            "error": f"{WORKER_DIED}: the worker process running this cell died",
        }
    )
    df = results_frame(rows)
    assert df.iloc[0]["strategy"] == "adasyn" and pd.isna(df.iloc[0]["tier"])
    df.to_parquet(tmp_path / "results.parquet")
    run = load_run(tmp_path)
    assert dataset_meta(run.results).loc[ds.name, "tier"] == "high"
    assert (run.results["tier"] == "high").all()


# an exception in a live worker -------------------------------------------------------------------
class _UnpicklableMeta(Dataset):
    """A dataset whose result row cannot be pickled back to the driver (its metadata holds a lambda)."""

    def meta(self) -> dict[str, Any]:
        return {**super().meta(), "loader": lambda: None}


def test_an_exception_in_a_live_worker_is_a_failed_row_not_a_dead_worker() -> None:
    base = make_tiny(120, 4.0)
    ds = _UnpicklableMeta(base.name, base.X, base.y, base.source)
    task = Task(DatasetRef(ds.name, dataset=ds), CellKey(ds.name, "scale_pos_weight", "random_forest", 0), PROTO)
    [(_, res)] = list(ProcessExecutor(1).run([task]))
    row = res.row
    assert row["status"] == "failed" and not is_worker_died(row)  # not retried forever on resume
    assert "pickle" in row["error"].lower()


# one fold aggregation --------------------------------------------------------------------------
def test_fold_aggregation_edge_cases() -> None:
    assert fold_stats([]) == (pytest.approx(math.nan, nan_ok=True), pytest.approx(math.nan, nan_ok=True), 0)
    mean, std, n = fold_stats([0.5])
    assert mean == 0.5 and math.isnan(std) and n == 1
    mean, std, n = fold_stats([0.2, float("nan"), 0.4])  # an undefined fold is left out, not poisoning the mean
    assert (mean, n) == (pytest.approx(0.3), 2) and std == pytest.approx(np.std([0.2, 0.4], ddof=1))
    df = pd.DataFrame(
        [
            {"dataset": "d", "model": "m", "strategy": "a", "fold": 0, "status": "ok", "test_f1": 0.2},
            {"dataset": "d", "model": "m", "strategy": "a", "fold": 1, "status": "failed", "test_f1": np.nan},
            {"dataset": "d", "model": "m", "strategy": "b", "fold": 0, "status": "timeout", "test_f1": np.nan},
            {"dataset": "d", "model": "m", "strategy": "b", "fold": 1, "status": "failed", "test_f1": np.nan},
        ]
    )
    agg = aggregate_folds(df, "f1")
    assert agg.loc[("d", "m", "a"), "count"] == 1 and agg.loc[("d", "m", "a"), "n_folds"] == 2  # partial
    assert agg.loc[("d", "m", "b"), "count"] == 0 and math.isnan(agg.loc[("d", "m", "b"), "mean"])  # no ok fold


# manifest and recommendation -------------------------------------------------------------------
def test_manifest_round_trip_and_provenance() -> None:
    m = Manifest(
        suite="s",
        config_hash="abc",
        seed=3,
        cells=4,
        wall_seconds_total=12.345,
        wall_seconds_last_invocation=2.0,
        jobs=2,
        executor="local",
        python="3.11.7",
        platform="Linux-x",
        machine="x86_64",
        cpu_count=8,
        libraries={"imbench": "0.1.0", "numpy": "2.0", "xgboost": "not installed"},
        git_commit="deadbeef",
        started_at="2026-01-01T00:00:00",
        finished_at="2026-01-01T00:01:00",
    )
    assert Manifest.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    assert Manifest.from_dict({"seed": 1, "unknown_key": 2}).seed == 1  # other versions' manifests still load
    prov = dict(m.provenance())
    assert prov["imbench"] == "0.1.0" and prov["seed"] == "3" and prov["config hash"] == "abc"
    assert prov["git commit"] == "deadbeef" and prov["finished"] == "2026-01-01T00:01:00"
    assert prov["wall time"].startswith("12.3 s") and prov["cpu count"] == "8" and prov["python"] == "3.11.7"
    assert "numpy 2.0" in prov["libraries"] and "xgboost" not in prov["libraries"]
    assert "x86_64" in prov["machine"] and "Linux-x" in prov["machine"]
    unknown = dict(Manifest(wall_seconds_last_invocation=2.0).provenance())["wall time"]  # a SIGKILLed sitting
    assert unknown == "not recorded for every sitting (last invocation 2.0 s)"


def test_recommendation_json_leaves_out_what_does_not_apply() -> None:
    rec = Recommendation(
        rank=1,
        strategy="smote",
        model="logreg",
        folds_ok=3,
        folds=3,
        mean=0.7,
        ci_low=0.6,
        ci_high=0.8,
        f1=0.5,
        threshold=0.5,
        status="ok",
        error="",
        metric="average_precision",
        none_mean=0.6,
        gain_vs_none=0.1,
        none_f1=0.4,
    )
    d = rec.to_dict()
    assert "cost_per_1000" not in d and "saving_per_1000" not in d and "load" not in d
    assert list(d)[:3] == ["rank", "strategy", "model"] and d["gain_vs_none"] == 0.1
    assert Recommendation.from_dict(json.loads(json.dumps(d))) == rec
