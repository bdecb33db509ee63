"""Failures are rows, not gaps: failed, timeout and not_applicable cells; adaptations; bad names."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import make_tiny

from imbench.core.errors import ConfigError, UnknownNameError
from imbench.datasets.base import Dataset
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.splits import outer_folds
from imbench.pipeline.build import build_pipeline
from imbench.strategies import COMPONENTS, parse_strategy
from imbench.sweep.experiment import evaluate

FAST = {"n_trials": 2, "outer_folds": 2, "inner_folds": 2}


def few_positives(n_pos: int, n: int = 80, seed: int = 0) -> Dataset:
    """A numeric dataset with exactly ``n_pos`` positives."""
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[:n_pos] = 1
    X = rng.normal(size=(n, 3)) + y[:, None] * 0.7  # overlapping classes (ADASYN needs that)
    import pandas as pd

    return Dataset(f"few-{n_pos}", pd.DataFrame(X, columns=["a", "b", "c"]), y, "test")


def test_smote_without_enough_minority_rows_fails_and_the_rest_goes_on(fast_models: None) -> None:
    # 4 positives, 2 outer folds: each outer-train has 2, each inner-train 1 -> SMOTE cannot interpolate
    ds = few_positives(4)
    df = evaluate(ds, ["smote", "random_over"], ["logreg"], **FAST)
    by = {s: g for s, g in df.groupby("strategy")}  # noqa: C416 (dict() would call groupby.keys)
    assert set(by) == {"none", "smote", "random_over"}
    assert (by["smote"]["status"] == "failed").all()
    assert by["smote"]["error"].str.contains("needs at least 2 minority rows").all()
    assert by["smote"]["test_average_precision"].isna().all()
    assert (by["none"]["status"] == "ok").all() and (by["random_over"]["status"] == "ok").all()
    assert by["none"]["test_average_precision"].notna().all()


def test_a_component_that_raises_gives_failed_rows(monkeypatch: pytest.MonkeyPatch, fast_models: None) -> None:
    comp = COMPONENTS.get("random_under")

    def boom(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("sampler exploded\nsecond line is dropped")

    monkeypatch.setattr(type(comp), "sampler", boom)
    df = evaluate(make_tiny(n=120), ["random_under", "class_weight"], ["logreg"], **FAST)
    failed = df[df["strategy"] == "random_under"]
    assert len(failed) == FAST["outer_folds"] and (failed["status"] == "failed").all()
    assert (failed["error"] == "RuntimeError: sampler exploded").all()
    assert (df[df["strategy"] != "random_under"]["status"] == "ok").all()


def test_some_failed_trials_do_not_fail_the_cell(monkeypatch: pytest.MonkeyPatch, fast_models: None) -> None:
    comp = COMPONENTS.get("smote")
    original = type(comp).sampler

    def picky(self: Any, params: dict[str, Any], *args: Any) -> Any:
        if params.get("k_neighbors", 5) != 5:  # only the first trial (the defaults) works
            raise RuntimeError("only k=5 works")
        return original(self, params, *args)

    monkeypatch.setattr(type(comp), "sampler", picky)
    ds = make_tiny(n=160)
    row = run_cell(
        ds, CellKey(ds.name, "smote", "logreg", 0), EvalProtocol(n_trials=4, outer_folds=2, inner_folds=2)
    ).row
    assert row["status"] == "ok", row["error"]
    assert row["trials"] == 4 and row["trials_failed"] >= 1
    assert row["p_smote__k_neighbors"] == 5


@pytest.mark.parametrize(
    ("strategy", "param", "expected"),
    [
        ("smote", "smote__k_neighbors", "SMOTE.k_neighbors 5->3"),
        ("adasyn", "adasyn__n_neighbors", "ADASYN.n_neighbors 5->3"),
        ("smote_tomek", "smote_tomek__k_neighbors", "SMOTE.k_neighbors 5->3"),
        ("smote+threshold", "smote__k_neighbors", "SMOTE.k_neighbors 5->3"),
    ],
)
def test_neighbour_cap_is_recorded_in_adaptations(strategy: str, param: str, expected: str, fast_models: None) -> None:
    # 8 positives, 2 outer folds: the outer-train has 4 minority rows, so an explicit k=5 is capped to 3
    ds = few_positives(8)
    fold = outer_folds(ds.y, EvalProtocol(outer_folds=2), ds.name)[0]
    est = build_pipeline(strategy, "logreg", **{param: 5}).fit(ds.X.iloc[fold.train], ds.y[fold.train])
    assert "; ".join(est.adaptations_) == expected
    # tuned cells draw neighbour counts valid for their folds: nothing to cap, no trial lost
    row = run_cell(
        ds, CellKey(ds.name, strategy, "logreg", 0), EvalProtocol(n_trials=2, outer_folds=2, inner_folds=2)
    ).row
    assert row["status"] == "ok", row["error"]
    assert row["adaptations"] == "" and row["trials_failed"] == 0


def test_no_adaptation_when_there_are_enough_minority_rows(fast_models: None) -> None:
    ds = make_tiny(n=200)
    row = run_cell(
        ds, CellKey(ds.name, "smote", "logreg", 0), EvalProtocol(n_trials=1, outer_folds=2, inner_folds=2)
    ).row
    assert row["status"] == "ok" and row["adaptations"] == ""


def test_not_applicable_rows_say_why_and_are_never_dropped(fast_models: None) -> None:
    df = evaluate(make_tiny(n=120), ["class_weight", "balanced_rf"], ["xgboost", "random_forest"], **FAST)
    assert len(df) == 3 * 2 * FAST["outer_folds"]
    na = df[df["status"] == "not_applicable"]
    assert set(zip(na["strategy"], na["model"])) == {("class_weight", "xgboost"), ("balanced_rf", "xgboost")}
    assert na["error"].str.startswith("not applicable: ").all()
    assert na["error"].str.contains("xgboost").all()
    assert na["test_average_precision"].isna().all()
    assert (df[df["status"] != "not_applicable"]["status"] == "ok").all()


@pytest.mark.parametrize("budget", [0.001, 0.2])
@pytest.mark.parametrize("strategy", ["none", "smote+threshold"])
def test_a_cell_over_its_budget_is_a_timeout_row(strategy: str, budget: float) -> None:
    """A cell that cannot finish in its budget is a timeout row. With room for a trial and the refit, the study
    may instead stop early (``RefitReserve``) and the cell end ok within budget, on fewer trials: never ok on all
    50 (which would take far longer than 0.2 s), never a row with metrics and a timeout."""
    ds = make_tiny(n=200)
    p = EvalProtocol(n_trials=50, outer_folds=2, inner_folds=2, timeout_per_cell=budget)
    row = run_cell(ds, CellKey(ds.name, strategy, "random_forest", 0), p).row
    if budget < 0.01 or row["status"] != "ok":
        assert row["status"] == "timeout", row["error"]
        assert row["error"] == f"cell exceeded its {budget:g} s budget"
        assert "test_average_precision" not in row
    else:
        assert row["trials"] < p.n_trials and row["tune_seconds"] + row["fit_seconds"] <= budget
    # the interrupted cell leaves the process healthy: the next cell runs normally
    ok = run_cell(ds, CellKey(ds.name, "none", "logreg", 0), EvalProtocol(n_trials=1, outer_folds=2, inner_folds=2)).row
    assert ok["status"] == "ok", ok["error"]


def test_bad_composition_names() -> None:
    with pytest.raises(ConfigError, match="two resample components.*smote.*adasyn|adasyn.*smote"):
        parse_strategy("smote+adasyn")
    with pytest.raises(ConfigError, match="baseline"):
        parse_strategy("none+threshold")
    with pytest.raises(
        UnknownNameError, match=r"unknown strategy 'smoet' \(did you mean 'smote'\?\); known: .*smote.*threshold"
    ):
        parse_strategy("smoet+threshold")
    with pytest.raises(UnknownNameError, match=r"unknown model 'svm'; known: .*lightgbm.*logreg"):
        build_pipeline("none", "svm")
    with pytest.raises(ConfigError, match="unknown parameter"):
        build_pipeline("smote", "logreg", threshold__x=1)
    assert parse_strategy(" threshold + smote ").name == "smote+threshold"


def test_bad_names_fail_before_any_cell_runs() -> None:
    ds = make_tiny(n=60)
    with pytest.raises(UnknownNameError, match="known: "):
        evaluate(ds, ["smote+smoet"], ["logreg"], **FAST)
    with pytest.raises(UnknownNameError, match="known: "):
        evaluate(ds, ["smote"], ["logreg", "svm"], **FAST)
    with pytest.raises(ConfigError):
        evaluate(ds, ["random_over+random_under"], ["logreg"], **FAST)
    with pytest.raises(UnknownNameError, match="known: .*average_precision"):
        EvalProtocol(metric="auprc")
