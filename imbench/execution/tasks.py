"""What an executor runs: a Task (one cell, with how a worker gets its dataset), the function workers call, the
Executor contract, and the rows of cells that could not run (a dead worker, an exception)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from imbench.core.schema import BUDGET_SPENT, WORKER_DIED, ResultRow, Status
from imbench.datasets import load_dataset
from imbench.datasets.base import Dataset
from imbench.evaluation.cell import CellKey, CellResult, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.study_storage import StudyStorage


@dataclass(frozen=True)
class DatasetRef:
    """How a worker gets a dataset: a loader spec (loaded once per worker) or the Dataset itself."""

    spec: str
    options: tuple[tuple[str, Any], ...] = ()
    dataset: Dataset | None = field(default=None, compare=False)

    def resolve(self) -> Dataset:
        """The Dataset (cached per process for specs)."""
        return self.dataset if self.dataset is not None else load_cached(self.spec, self.options)


@lru_cache(maxsize=8)
def load_cached(spec: str, options: tuple[tuple[str, Any], ...] = ()) -> Dataset:
    """Load a dataset spec once per process."""

    return load_dataset(spec, **dict(options))


@dataclass(frozen=True)
class Task:
    """One cell to run."""

    ref: DatasetRef
    key: CellKey
    protocol: EvalProtocol
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    """The dataset's metadata (``Dataset.meta()``) when the planner knows it: a worker-died row carries it."""
    storage: StudyStorage | None = field(default=None, compare=False)
    """Where to keep the cell's Optuna study (``--optuna-storage``); None: in memory."""
    not_after: float | None = field(default=None, compare=False)
    """Wall-clock time (``time.time()``, comparable across processes) after which the cell is not started: its row
    is a retried ``timeout`` saying the budget was spent (``BUDGET_SPENT``)."""


def execute(task: Task) -> CellResult:
    """Run one task (the function workers call), unless its start deadline has passed."""
    import time

    if task.not_after is not None and time.time() > task.not_after:
        why = f"{BUDGET_SPENT}: the budget was spent before this cell started; rerun the same command to compute it"
        res = _error_result(task, why)
        res.record.status = Status.TIMEOUT
        return res
    return run_cell(task.ref.resolve(), task.key, task.protocol, task.storage)


class Executor(Protocol):
    """Runs tasks, yielding ``(task, result)`` pairs in completion order."""

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, CellResult]]: ...


def died_result(t: Task, why: str = "the worker process running this cell died") -> CellResult:
    """A ``failed`` row for a cell whose worker died (its error starts with WORKER_DIED: retried on resume).

    It carries the dataset's metadata, so reports file the dataset under its tier whichever row comes first.
    """
    return _error_result(t, f"{WORKER_DIED}: {why}")


def failed_result(t: Task, exc: BaseException) -> CellResult:
    """A ``failed`` row for an exception raised around a cell in a live worker (not retried on resume)."""
    return _error_result(t, f"{type(exc).__name__}: {exc}".splitlines()[0][:500])


def _error_result(t: Task, error: str) -> CellResult:
    k = t.key
    return CellResult(
        ResultRow(k.dataset, k.strategy, k.model, k.fold, status=Status.FAILED, error=error, dataset_meta=dict(t.meta))
    )
