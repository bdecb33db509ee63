"""One cell: dataset × strategy × model × outer fold, tuned on the outer-train and scored on the test fold."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbench.core.errors import CellTimeout
from imbench.core.metrics import score_all
from imbench.core.schema import NOT_APPLICABLE_PREFIX, STATUSES, ResultRow, Status
from imbench.datasets.base import Dataset
from imbench.evaluation.peak_memory import peak_mib, reset_peak
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.seeds import derive_seed
from imbench.evaluation.shared import SharedSearch
from imbench.evaluation.splits import outer_folds
from imbench.evaluation.study_storage import StudyStorage
from imbench.evaluation.timeout import time_limit
from imbench.evaluation.tuning import pipeline_for, tune
from imbench.models import MODELS
from imbench.pipeline.build import context_for, preload, split_columns
from imbench.strategies import parse_strategy

__all__ = ["STATUSES", "CellKey", "CellResult", "run_cell"]


@dataclass(frozen=True)
class CellKey:
    """Identifies a cell; ``fold`` runs over repeats × outer folds."""

    dataset: str
    strategy: str
    model: str
    fold: int

    @property
    def id(self) -> str:
        """A stable string key (store primary key, seed input)."""
        return f"{self.dataset}|{self.strategy}|{self.model}|{self.fold}"


@dataclass
class CellResult:
    """A result record and, for ``ok`` cells, the test-fold predictions."""

    record: ResultRow
    predictions: dict[str, np.ndarray] | None = None

    @property
    def row(self) -> dict[str, Any]:
        """The flat row stored and exported (``ResultRow.to_dict``)."""
        return self.record.to_dict()


def run_cell(
    ds: Dataset,
    key: CellKey,
    protocol: EvalProtocol,
    storage: StudyStorage | None = None,
    search: SharedSearch | None = None,
) -> CellResult:
    """Tune, refit on the outer-train rows and score once on the outer test fold.

    Never raises for a failing strategy: the row's ``status`` is ``failed``, ``timeout`` or
    ``not_applicable`` with the reason in ``error``. With ``storage`` its Optuna study is kept there. With
    ``search`` (the base cell's, see ``evaluation.shared``) the cell refits the base's best parameters instead of
    searching again: the same parameters its own search would find, at the cost of the refit alone.
    """

    cpu_start, resettable = time.process_time(), reset_peak()
    res = _run(ds, key, protocol, storage, search)
    res.record.cpu_seconds = time.process_time() - cpu_start
    res.record.peak_mib = peak_mib() if resettable else None
    return res


def _run(
    ds: Dataset, key: CellKey, protocol: EvalProtocol, storage: StudyStorage | None, search: SharedSearch | None
) -> CellResult:
    # common random numbers: every strategy of a dataset × model × fold gets the same seed, so
    # differences between strategies are not differences between random draws
    seed = derive_seed(protocol.seed, key.dataset, key.model, key.fold)
    folds = outer_folds(ds.y, protocol, ds.name)
    of = folds[key.fold]
    strategy, model = parse_strategy(key.strategy), MODELS.get(key.model)
    numeric, categorical = split_columns(ds.X, ds.categorical)
    y_tr = ds.y[of.train]
    ctx = context_for(y_tr, numeric, categorical, protocol.fit_settings)
    row = ResultRow(
        key.dataset,
        key.strategy,
        key.model,
        key.fold,
        repeat=of.repeat,
        outer_fold=of.fold,
        seed=seed,
        family=strategy.family,
        dataset_meta=ds.meta(),
        n_train=len(of.train),
        n_test=len(of.test),
        n_pos_test=int(ds.y[of.test].sum()),
        metric=protocol.metric,
        threshold=float("nan"),
        adaptations="",
        tune_seconds=0.0,
        fit_seconds=0.0,
        predict_seconds=0.0,
        trials=0,
        trials_pruned=0,
        trials_failed=0,
    )
    reason = strategy.skip(model, ctx)
    if reason:
        row.fail(Status.NOT_APPLICABLE, f"{NOT_APPLICABLE_PREFIX}{reason}")
        return CellResult(row)
    t_start = time.monotonic()
    deadline = None if protocol.timeout_per_cell is None else t_start + protocol.timeout_per_cell
    try:
        _import_before_alarm(strategy, model)
        with time_limit(protocol.timeout_per_cell):
            study = None if storage is None else (storage, key.id)
            return _fit_and_score(ds, of, strategy, model, protocol, row, seed, deadline, study, search)
    except CellTimeout as e:
        row.fail(Status.TIMEOUT, str(e))
    except Exception as e:  # failures are rows, never gaps
        row.fail(Status.FAILED, f"{type(e).__name__}: {e}".splitlines()[0][:500])
    return CellResult(row)


def _import_before_alarm(strategy: Any, model: Any) -> None:
    """Import the cell's lazily imported libraries before the alarm is armed: an alarm inside an
    import leaves a half-initialised module behind that breaks every later cell of the process."""
    import optuna  # noqa: F401

    from imbench.evaluation import tuning  # noqa: F401

    preload(strategy, model)


def _fit_and_score(
    ds: Dataset,
    of: Any,
    strategy: Any,
    model: Any,
    protocol: EvalProtocol,
    row: ResultRow,
    seed: int,
    deadline: float | None,
    study: tuple[StudyStorage, str] | None,
    search: SharedSearch | None,
) -> CellResult:

    numeric, categorical = split_columns(ds.X, ds.categorical)
    ctx = context_for(ds.y[of.train], numeric, categorical, protocol.fit_settings)
    X_tr, y_tr = ds.X.iloc[of.train], ds.y[of.train]
    X_te, y_te = ds.X.iloc[of.test], ds.y[of.test]
    if search is None:
        tuned = tune(strategy, model, X_tr, y_tr, categorical, ctx, protocol, seed, deadline, study)
        row.tune_seconds, row.trials, row.trials_pruned = tuned.seconds, tuned.n_trials, tuned.n_pruned
        row.trials_failed, row.inner_score = tuned.n_failed, tuned.best_value
        row.params.update(tuned.params)
    else:  # the base's search: its evidence is recorded, its time is in the base's row
        row.trials, row.trials_pruned, row.trials_failed = search.trials, search.trials_pruned, search.trials_failed
        row.inner_score, row.search_from = search.inner_score, search.base
        row.params.update(search.params)
    t0 = time.perf_counter()
    est = refit(strategy, model, protocol, categorical, seed, row.params, X_tr, y_tr)
    row.fit_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    score = est.predict_proba(X_te)[:, 1]
    row.predict_seconds = time.perf_counter() - t0
    threshold = float(getattr(est, "best_threshold_", 0.5))
    row.threshold = threshold
    row.adaptations = "; ".join(est.adaptations_)
    row.metrics.update(score_all(y_te, score, threshold, protocol.cost_fn, protocol.cost_fp))
    preds = {"index": of.test.astype(np.int64), "y_true": y_te.astype(np.int8), "score": score.astype(np.float64)}
    return CellResult(row, preds)


def refit(
    strategy: Any,
    model: Any,
    protocol: EvalProtocol,
    categorical: list[Any],
    seed: int,
    params: dict[str, Any],
    X: Any,
    y: Any,
) -> Any:
    """The pipeline with tuned ``params`` fitted on ``X, y``: a cell's refit on its outer-train rows, and
    ``compare``'s final refit on every row (one place builds and fits what is scored and what is exported)."""

    est = pipeline_for(strategy, model, protocol, categorical, seed, **params)
    return est.fit(X, y)
