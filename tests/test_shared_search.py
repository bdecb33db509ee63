"""Shared searches: a post-processing strategy (``threshold``, ``smote+threshold``) reuses its base's search and
gets exactly the parameters and test metrics its own search gives, in any order, with any number of workers,
and on resume from the base's stored row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from conftest import drop_timing

from imbench.core.metrics import get_metric
from imbench.core.schema import ResultRow, Status
from imbench.datasets import load_dataset
from imbench.evaluation.cell import CellKey, CellResult, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.shared import SharedSearch
from imbench.evaluation.suites import parse_suite
from imbench.execution.tasks import DatasetRef, Schedule, Task, link_searches
from imbench.strategies import parse_strategy
from imbench.sweep.experiment import evaluate
from imbench.sweep.run import run_sweep

PROTOCOL = EvalProtocol(n_trials=4, outer_folds=3, inner_folds=2, seed=3)


@pytest.mark.parametrize(
    ("strategy", "metric", "base"),
    [
        ("threshold", "average_precision", "none"),
        ("smote+threshold", "average_precision", "smote"),
        ("smote+prior_correction", "average_precision", "smote"),
        ("smote+prior_correction+threshold", "roc_auc", "smote"),
        ("smote+prior_correction+threshold", "brier", "smote+prior_correction"),  # the map changes a Brier score
        ("smote+prior_correction", "brier", None),
        ("calibrate+threshold", "average_precision", "calibrate"),  # calibrate's method is tuned: its own search
        ("smote", "average_precision", None),
        ("none", "average_precision", None),
    ],
)
def test_search_base_removes_only_steps_the_tuning_metric_cannot_see(strategy: str, metric: str, base: str) -> None:
    assert parse_strategy(strategy).search_base(get_metric(metric)) == base


@pytest.mark.parametrize("model", ["logreg", "lightgbm"])
@pytest.mark.parametrize(("base", "dependent"), [("none", "threshold"), ("smote", "smote+threshold")])
def test_reused_search_is_bit_identical_to_the_cells_own(
    model: str, base: str, dependent: str, fast_models: None
) -> None:
    ds = load_dataset("synthetic:ir=15,n=400")
    base_res = run_cell(ds, CellKey(ds.name, base, model, 1), PROTOCOL)
    own = run_cell(ds, CellKey(ds.name, dependent, model, 1), PROTOCOL)
    shared = run_cell(ds, CellKey(ds.name, dependent, model, 1), PROTOCOL, search=SharedSearch.of(base_res.record))
    assert own.record.status == shared.record.status == Status.OK
    assert shared.record.params == own.record.params
    assert shared.record.metrics == own.record.metrics
    assert shared.record.threshold == own.record.threshold
    assert (shared.record.inner_score, shared.record.trials) == (own.record.inner_score, own.record.trials)
    assert shared.record.search_from == base and own.record.search_from is None
    assert shared.record.tune_seconds == 0.0 < own.record.tune_seconds
    assert shared.predictions is not None and own.predictions is not None
    assert (shared.predictions["score"] == own.predictions["score"]).all()


def _task(strategy: str, fold: int = 0) -> Task:
    return Task(DatasetRef("synthetic:ir=5"), CellKey("d", strategy, "logreg", fold), PROTOCOL)


def test_a_dependent_waits_for_its_base_and_then_goes_first() -> None:
    tasks = link_searches([_task("threshold"), _task("smote"), _task("none"), _task("smote+threshold", 1)])
    assert [t.after for t in tasks] == ["d|none|logreg|0", None, None, None]  # smote's fold 1 is not in this run
    schedule = Schedule(tasks)
    first, second = schedule.pop(), schedule.pop()
    assert (first.key.strategy, second.key.strategy) == ("smote", "none")
    row = ResultRow("d", "none", "logreg", 0, params={"model__C": 0.5}, inner_score=0.4, trials=4)
    schedule.done(second, CellResult(row))
    released = schedule.pop()
    assert released.key.strategy == "threshold" and released.after is None
    assert released.search == SharedSearch("none", {"model__C": 0.5}, 0.4, 4, None, None)
    assert schedule.pop().key.strategy == "smote+threshold" and not schedule


def test_a_failed_base_leaves_its_dependent_to_search_alone() -> None:
    schedule = Schedule(link_searches([_task("none"), _task("threshold")]))
    base = schedule.pop()
    row = ResultRow("d", "none", "logreg", 0)
    row.fail(Status.FAILED, "ValueError: no")
    schedule.done(base, CellResult(row))
    dependent = schedule.pop()
    assert dependent.key.strategy == "threshold" and dependent.search is None and dependent.after is None


def test_results_do_not_depend_on_workers_and_dependents_spend_no_search(fast_models: None) -> None:
    ds = load_dataset("synthetic:ir=12,n=360")
    kw = {"strategies": ["threshold", "smote", "smote+threshold"], "models": ["logreg"], "protocol": PROTOCOL}
    one = evaluate(ds, jobs=1, **kw)
    two = evaluate(ds, jobs=2, **kw)
    pd.testing.assert_frame_equal(drop_timing(one), drop_timing(two))
    dependents = one[one["strategy"].isin(["threshold", "smote+threshold"])]
    assert (dependents["tune_seconds"] == 0).all()
    assert dict(zip(dependents["strategy"], dependents["search_from"], strict=False)) == {
        "threshold": "none",
        "smote+threshold": "smote",
    }
    bases = one[one["strategy"].isin(["none", "smote"])]
    assert bases["search_from"].isna().all() and (bases["tune_seconds"] > 0).all()
    for base, dep in [("none", "threshold"), ("smote", "smote+threshold")]:
        b, d = one[one["strategy"] == base], one[one["strategy"] == dep]
        assert list(b["test_average_precision"]) == list(d["test_average_precision"])  # the threshold moves F1 only
        assert list(b["inner_score"]) == list(d["inner_score"])


def test_a_resumed_run_takes_the_base_search_from_the_store(tmp_path: Path, fast_models: None) -> None:
    suite = parse_suite(
        {
            "name": "sharedresume",
            "datasets": ["synthetic:ir=10,n=300"],
            "strategies": ["none", "threshold"],
            "models": ["logreg"],
            "protocol": {"outer_folds": 2, "inner_folds": 2, "n_trials": 3, "seed": 1},
        }
    )
    out = tmp_path / "run"
    run_sweep(suite, out, tracking=False)
    first = pd.read_parquet(out / "results.parquet")
    with sqlite3.connect(out / "store.sqlite") as con:
        con.execute("DELETE FROM cells WHERE strategy = 'threshold'")
    res = run_sweep(suite, out, tracking=False)
    assert res.computed == 2  # the two threshold cells, from none's stored search
    again = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(drop_timing(first), drop_timing(again))
    assert set(again.loc[again["strategy"] == "threshold", "search_from"]) == {"none"}
