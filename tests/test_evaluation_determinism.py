"""Same seed, same rows; another seed, other rows; results do not depend on the number of workers."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import TIMING_COLUMNS, drop_timing, make_tiny

from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.sweep.experiment import evaluate

STRATEGIES = ["smote", "class_weight+threshold", "scale_pos_weight"]
MODELS = ["logreg", "random_forest", "xgboost"]
KW = {"n_trials": 2, "outer_folds": 2, "inner_folds": 2}


def run(seed: int, jobs: int = 1, models: list[str] = MODELS) -> pd.DataFrame:
    ds = make_tiny(n=160, categorical=True, missing=True, name="determinism")
    return evaluate(ds, STRATEGIES, models, jobs=jobs, seed=seed, **KW)


@pytest.fixture
def seed0(fast_models: None) -> pd.DataFrame:
    return run(0)


def test_same_seed_gives_identical_rows(seed0: pd.DataFrame) -> None:
    # none is added; scale_pos_weight x logreg/random_forest and class_weight x xgboost do not apply
    assert len(seed0) == 4 * len(MODELS) * KW["outer_folds"]
    assert set(seed0["status"]) == {"ok", "not_applicable"}
    assert all(c in seed0.columns for c in TIMING_COLUMNS)
    pd.testing.assert_frame_equal(drop_timing(seed0), drop_timing(run(0)))


def test_different_seed_gives_different_rows(seed0: pd.DataFrame) -> None:
    other = run(1)
    assert list(other["strategy"]) == list(seed0["strategy"])
    assert (other["seed"] != seed0["seed"]).all()
    ok = (seed0["status"] == "ok") & (other["status"] == "ok")
    # other outer folds, other tuning: the scores move
    assert (seed0.loc[ok, "test_average_precision"] != other.loc[ok, "test_average_precision"]).mean() > 0.5
    assert (seed0.loc[ok, "n_pos_test"].to_numpy() != other.loc[ok, "n_pos_test"].to_numpy()).any() or (
        seed0.loc[ok, "inner_score"] != other.loc[ok, "inner_score"]
    ).any()


def test_two_workers_give_the_same_rows_as_one() -> None:
    # worker processes are spawned, so models run at full size here: logreg keeps it quick
    serial, parallel = run(0, models=["logreg"]), run(0, jobs=2, models=["logreg"])
    assert len(serial) == 4 * KW["outer_folds"] and (serial["status"] != "failed").all()
    pd.testing.assert_frame_equal(drop_timing(serial), drop_timing(parallel))


def test_cell_seed_depends_on_the_cell_not_on_the_order() -> None:
    ds = make_tiny(n=120, name="order")
    p = EvalProtocol(n_trials=1, outer_folds=2, inner_folds=2)
    first = run_cell(ds, CellKey(ds.name, "smote", "logreg", 1), p).row
    run_cell(ds, CellKey(ds.name, "none", "logreg", 0), p)  # something else in between
    again = run_cell(ds, CellKey(ds.name, "smote", "logreg", 1), p).row
    for col in TIMING_COLUMNS:
        first.pop(col), again.pop(col)
    assert first == again
    other_fold = run_cell(ds, CellKey(ds.name, "smote", "logreg", 0), p).row
    assert other_fold["seed"] != first["seed"]
