"""Every registered plugin through every test family: leakage, determinism and failures.

The lists come from the registries (filled by walking the packages), so a strategy component or a
model added as one file is checked here without touching this module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import TIMING_COLUMNS, make_tiny
from test_evaluation_leakage import _scramble_test_rows, record_rows

from imbench.core.schema import STATUSES, Status
from imbench.datasets.base import Dataset
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.splits import outer_folds
from imbench.models import MODELS
from imbench.pipeline.build import context_for, split_columns
from imbench.strategies import COMPONENTS, parse_strategy, strategy_names

P = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=2, seed=0)
MODEL_PREFERENCE = ("logreg", "lightgbm", "xgboost", "random_forest")
"""Cheapest first: each strategy is checked with the first model it applies to."""


def _data() -> Dataset:
    return make_tiny(categorical=True, missing=True, name="families")


def applicable_model(strategy: str) -> str | None:
    """The first model (cheapest first, then any registered one) that ``strategy`` applies to, else None."""
    ds = _data()
    numeric, categorical = split_columns(ds.X, ds.categorical)
    ctx = context_for(ds.y, numeric, categorical)
    names = [*MODEL_PREFERENCE, *(m for m in MODELS.names() if m not in MODEL_PREFERENCE)]
    for m in names:
        if m in MODELS and parse_strategy(strategy).skip(MODELS.get(m), ctx) is None:
            return m
    return None


def applicable_case(name: str) -> tuple[str, str]:
    """``name`` with the first model it applies to; a component that never applies alone (e.g. a correction
    of a resampled model's probabilities) is checked after a sampler, then after class weights."""
    for strategy in (name, f"smote+{name}", f"class_weight+{name}"):
        model = applicable_model(strategy)
        if model is not None:
            return parse_strategy(strategy).name, model
    raise AssertionError(f"{name} applies to no registered model, alone or after smote / class_weight")


def _cases() -> list[tuple[str, str]]:
    strategies = [applicable_case(s) for s in strategy_names()]
    models = [("none", m) for m in MODELS.names() if m != "logreg"]
    decision = [n for n in COMPONENTS.names() if COMPONENTS.get(n).family == "decision"]
    composed = [(f"smote+{d}", "logreg") for d in decision]  # a decision component after a sampler
    return list(dict.fromkeys(strategies + models + composed))


CASES = _cases()


def test_every_registered_plugin_is_a_case() -> None:
    parts = {part for s, _ in CASES for part in s.split("+")}
    assert set(COMPONENTS.names()) <= parts
    assert set(MODELS.names()) == {m for _, m in CASES}


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_leakage_no_fit_sees_outer_test_rows(
    strategy: str, model: str, monkeypatch: pytest.MonkeyPatch, fast_models: None
) -> None:
    ds = _data()
    fold = outer_folds(ds.y, P, ds.name)[1]
    calls = record_rows(monkeypatch)
    res = run_cell(ds, CellKey(ds.name, strategy, model, 1), P)
    assert res.row["status"] == Status.OK, res.row["error"]
    train, test = set(fold.train.tolist()), set(fold.test.tolist())
    fits = [rows for what, rows in calls if what in ("fit", "threshold_fit")]
    assert fits, "no pipeline fit was recorded"
    assert all(set(rows.tolist()) <= train for rows in fits)
    predicted = [rows for what, rows in calls if what == "predict_proba" and not test.isdisjoint(rows.tolist())]
    assert len(predicted) == 1 and np.array_equal(predicted[0], fold.test)  # scored once, at the end


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_leakage_choices_ignore_test_features(strategy: str, model: str, fast_models: None) -> None:
    ds = _data()
    fold = outer_folds(ds.y, P, ds.name)[0]
    key = CellKey(ds.name, strategy, model, 0)
    a, b = run_cell(ds, key, P).row, run_cell(_scramble_test_rows(ds, fold), key, P).row
    assert a["status"] == b["status"] == Status.OK, (a["error"], b["error"])

    def chosen(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k.startswith("p_") or k in ("inner_score", "threshold", "adaptations")}

    assert chosen(a) == chosen(b)


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_determinism_same_cell_same_row(strategy: str, model: str, fast_models: None) -> None:
    ds = _data()
    key = CellKey(ds.name, strategy, model, 1)
    first = run_cell(ds, key, P)
    run_cell(ds, CellKey(ds.name, "none", "logreg", 0), P)  # another cell in between changes nothing
    again = run_cell(ds, key, P)
    strip = lambda r: {k: v for k, v in r.items() if k not in TIMING_COLUMNS}  # noqa: E731
    assert strip(first.row) == strip(again.row)
    assert first.predictions is not None and again.predictions is not None
    np.testing.assert_array_equal(first.predictions["score"], again.predictions["score"])


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_failures_are_rows_on_hopeless_data(strategy: str, model: str, fast_models: None) -> None:
    """One or two positives per outer-train split: a plugin may fail, but as a row with a one-line reason."""
    ds = make_tiny(n=60, ir=14, name="hopeless")
    assert ds.n_pos <= 4
    res = run_cell(ds, CellKey(ds.name, strategy, model, 0), P)
    row = res.row
    assert row["status"] in STATUSES
    if row["status"] == Status.OK:
        assert np.isfinite(row["test_average_precision"]) and res.predictions is not None
    else:
        assert row["error"] and "\n" not in row["error"] and res.predictions is None
