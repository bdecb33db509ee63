"""No fitted step ever sees outer test rows: scaler, imputer, sampler, tuning and threshold."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import make_tiny
from sklearn.model_selection import train_test_split

from imbench.datasets.base import Dataset
from imbench.evaluation.cell import CellKey, CellResult, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.splits import OuterFold, outer_folds
from imbench.pipeline.build import build_pipeline, split_columns
from imbench.testing.checks import scramble_test_rows

P = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=2, seed=0)
SHIFT = 1000.0


def with_shifted_test(ds: Dataset, fold: OuterFold, shift: float = SHIFT) -> Dataset:
    """``ds`` with the numeric features of the outer test rows moved by ``shift``."""
    numeric, _ = split_columns(ds.X, ds.categorical)
    X = ds.X.copy()
    cols = [X.columns.get_loc(c) for c in numeric]
    X.iloc[fold.test, cols] = X.iloc[fold.test, cols] + shift
    return Dataset(ds.name, X, ds.y, ds.source, categorical=list(ds.categorical))


def capture_built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every estimator ``build_pipeline`` returns from now on to the tuner and the cell's refit (the refit one
    comes last): patched where ``evaluation.tuning`` imported it."""
    import imbench.evaluation.tuning

    built: list[Any] = []
    original = imbench.evaluation.tuning.build_pipeline

    def build(*args: Any, **kw: Any) -> Any:
        est = original(*args, **kw)
        built.append(est)
        return est

    monkeypatch.setattr(imbench.evaluation.tuning, "build_pipeline", build)
    return built


def record_rows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, np.ndarray]]:
    """(call, row labels of X) for every pipeline fit / predict_proba and every threshold fit."""
    from imblearn.pipeline import Pipeline
    from sklearn.model_selection import TunedThresholdClassifierCV

    calls: list[tuple[str, np.ndarray]] = []

    def recorder(cls: type, method: str, label: str) -> None:
        original = getattr(cls, method)

        @functools.wraps(original)  # sklearn recognises predict_proba by its name
        def wrapped(self: Any, X: Any, *args: Any, **kw: Any) -> Any:
            # arrays are the already-transformed rows inside an ensemble's own pipelines
            if isinstance(X, pd.DataFrame):
                calls.append((label, X.index.to_numpy().copy()))
            return original(self, X, *args, **kw)

        monkeypatch.setattr(cls, method, wrapped)

    recorder(Pipeline, "fit", "fit")
    recorder(Pipeline, "predict_proba", "predict_proba")
    recorder(Pipeline, "decision_function", "predict_proba")  # calibrators score by the margin where there is one
    recorder(TunedThresholdClassifierCV, "fit", "threshold_fit")
    return calls


# (a) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["none", "smote+threshold", "class_weight"])
def test_preprocessing_statistics_come_from_training_rows_only(
    strategy: str, monkeypatch: pytest.MonkeyPatch, fast_models: None
) -> None:
    base = make_tiny(categorical=True, missing=True, name="leak-shift")
    fold = outer_folds(base.y, P, base.name)[0]
    ds = with_shifted_test(base, fold)
    built = capture_built(monkeypatch)
    res = run_cell(ds, CellKey(ds.name, strategy, "logreg", 0), P)
    assert res.row["status"] == "ok", res.row["error"]
    est = built[-1]  # the pipeline refitted on the outer-train rows
    prep = est.pipeline_.named_steps["prep"]

    numeric, categorical = split_columns(ds.X, ds.categorical)
    X_tr = ds.X.iloc[fold.train]
    guard, imputer, scaler = prep.named_transformers_["num"]
    assert (guard.scale_ == 1).all()  # ordinary magnitudes: the guard passes them through
    medians = X_tr[numeric].median().to_numpy()
    np.testing.assert_allclose(imputer.statistics_, medians)
    filled = X_tr[numeric].fillna(X_tr[numeric].median())
    np.testing.assert_allclose(scaler.mean_, filled.mean().to_numpy())
    np.testing.assert_allclose(scaler.scale_, filled.std(ddof=0).to_numpy())
    assert np.abs(scaler.mean_).max() < 10  # the test rows sit ~1000 away: any leak would show
    cat_imputer, _encoder = prep.named_transformers_["cat"]
    assert list(cat_imputer.statistics_) == [X_tr[c].mode()[0] for c in categorical]

    X_te = ds.X.iloc[fold.test]
    assert res.predictions is not None
    np.testing.assert_array_equal(res.predictions["index"], fold.test)
    np.testing.assert_array_equal(res.predictions["score"], est.predict_proba(X_te)[:, 1])
    # the scores really are those of the shifted rows (unshifted rows score differently)
    assert not np.allclose(res.predictions["score"], est.predict_proba(base.X.iloc[fold.test])[:, 1])


# (b) ------------------------------------------------------------------------------------------


def test_smote_synthesises_only_between_training_minority_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from sklearn.linear_model import LogisticRegression

    ds = make_tiny(n=300, ir=5, seed=3, name="leak-smote")
    X_tr, X_te, y_tr, y_te = train_test_split(ds.X, ds.y, test_size=0.3, stratify=ds.y, random_state=0)
    X_te = X_te.copy()
    X_te.loc[y_te == 1] += 50.0  # test minority rows far away from every training row

    seen: list[tuple[np.ndarray, np.ndarray]] = []
    original_fit = LogisticRegression.fit

    def probe(self: Any, X: Any, y: Any, *a: Any, **kw: Any) -> Any:
        seen.append((np.array(X, copy=True), np.array(y, copy=True)))
        return original_fit(self, X, y, *a, **kw)

    monkeypatch.setattr(LogisticRegression, "fit", probe)
    est = build_pipeline("smote", "logreg", seed=0)
    est.fit(X_tr, y_tr)
    est.predict_proba(X_te)  # predicting must not resample or refit anything
    pipe = est.pipeline_
    assert len(seen) == 1
    X_seen, y_seen = seen[0]

    Xt = pipe.named_steps["prep"].transform(X_tr)
    n = len(Xt)
    np.testing.assert_allclose(X_seen[:n], Xt)  # the training rows, untouched, come first
    synth, y_synth = X_seen[n:], y_seen[n:]
    assert len(synth) == int((y_tr == 0).sum() - (y_tr == 1).sum()) > 0  # balanced by default
    assert (y_synth == 1).all()

    minority = Xt[np.asarray(y_tr) == 1]
    a, b = minority[:, None, :], minority[None, :, :]  # every ordered pair of training minority rows
    d = b - a
    dd = np.maximum((d**2).sum(-1), 1e-300)
    for s in synth:
        t = ((s - a) * d).sum(-1) / dd
        resid = np.linalg.norm(s - (a + t[..., None] * d), axis=-1)
        on_segment = (resid < 1e-7) & (t >= -1e-9) & (t <= 1 + 1e-9)
        assert on_segment.any(), "a synthetic row is not between two training minority rows"

    test_minority = pipe.named_steps["prep"].transform(X_te[y_te == 1])
    gap = np.linalg.norm(synth[:, None, :] - test_minority[None, :, :], axis=-1).min()
    assert gap > 10
    lo, hi = minority.min(axis=0), minority.max(axis=0)
    assert ((synth >= lo - 1e-9) & (synth <= hi + 1e-9)).all()


# (c) and (d) ----------------------------------------------------------------------------------


P_FULL_REFIT = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=2, seed=0, fast=False)
"""Every trial fits the whole pipeline on DataFrame rows, so pipeline fits can be traced row by row
(the fast protocol's prepared folds are traced in ``tests/test_evaluation_fast_protocol.py``)."""


def run_recorded(strategy: str, monkeypatch: pytest.MonkeyPatch) -> tuple[CellResult, OuterFold, list[Any]]:
    ds = make_tiny(categorical=True, missing=True, name="leak-trace")
    fold = outer_folds(ds.y, P, ds.name)[1]
    calls = record_rows(monkeypatch)
    res = run_cell(ds, CellKey(ds.name, strategy, "logreg", 1), P_FULL_REFIT)
    assert res.row["status"] == "ok", res.row["error"]
    return res, fold, calls


@pytest.mark.parametrize(
    "strategy",
    [
        "none",
        "smote",
        "class_weight",
        "easy_ensemble",
        "random_under",
        "threshold",
        "smote+threshold",
        "smote+prior_correction",
        "calibrate",
        "class_weight+calibrate+threshold",
    ],
)
def test_no_fit_during_a_cell_sees_test_rows(strategy: str, monkeypatch: pytest.MonkeyPatch, fast_models: None) -> None:
    _res, fold, calls = run_recorded(strategy, monkeypatch)
    train, test = set(fold.train.tolist()), set(fold.test.tolist())
    fits = [rows for what, rows in calls if what == "fit"]
    assert len(fits) >= P.n_trials * P.inner_folds + 1
    for rows in fits:
        assert test.isdisjoint(rows.tolist())
        assert set(rows.tolist()) <= train
    # tuning fits inner-train subsets; the refit uses the whole outer-train
    assert any(len(rows) < len(train) for rows in fits)
    assert sum(sorted(rows.tolist()) == sorted(train) for rows in fits) == 1
    predictions = [rows for what, rows in calls if what == "predict_proba"]
    touching = [i for i, rows in enumerate(predictions) if not test.isdisjoint(rows.tolist())]
    assert touching == [len(predictions) - 1]  # only the final scoring, once, after every fit
    np.testing.assert_array_equal(predictions[-1], fold.test)
    assert [what for what, _ in calls].index("predict_proba") < len(calls) - 1
    assert calls[-1][0] == "predict_proba"


@pytest.mark.parametrize("strategy", ["threshold", "smote+threshold", "smote+calibrate+threshold"])
def test_threshold_is_chosen_on_training_rows_only(
    strategy: str, monkeypatch: pytest.MonkeyPatch, fast_models: None
) -> None:
    res, fold, calls = run_recorded(strategy, monkeypatch)
    threshold_fits = [rows for what, rows in calls if what == "threshold_fit"]
    assert len(threshold_fits) == 1  # tuning leaves the decision out; the refit chooses it
    np.testing.assert_array_equal(np.sort(threshold_fits[0]), fold.train)
    start = [what for what, _ in calls].index("threshold_fit")
    inside = [rows for what, rows in calls[start + 1 :] if what == "fit"]
    assert len(inside) >= 2  # its internal cross-validation fits, then the refit
    assert all(set(rows.tolist()) <= set(fold.train.tolist()) for rows in inside)
    assert 0.0 < res.row["threshold"] < 1.0


@pytest.mark.parametrize(
    "strategy", ["smote", "threshold", "smote+threshold", "random_under+prior_correction", "calibrate+threshold"]
)
def test_tuning_and_threshold_do_not_change_when_test_rows_change(strategy: str, fast_models: None) -> None:
    ds = make_tiny(categorical=True, missing=True, name="leak-blind")
    fold = outer_folds(ds.y, P, ds.name)[0]
    scrambled = scramble_test_rows(ds, fold)
    key = CellKey(ds.name, strategy, "logreg", 0)
    a, b = run_cell(ds, key, P).row, run_cell(scrambled, key, P).row
    assert a["status"] == b["status"] == "ok"

    def chosen(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k.startswith("p_") or k in ("inner_score", "threshold", "adaptations")}

    assert chosen(a) == chosen(b)
    assert a["test_average_precision"] != b["test_average_precision"]  # the test rows did change
