"""What an executor runs: a Task (one cell, with how a worker gets its dataset), the order tasks may start in
(a cell that reuses its base's search waits for the base), the function workers call, the Executor contract, and
the rows of cells that could not run (a dead worker, an exception)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol

from imbench.core.schema import BUDGET_SPENT, WORKER_DIED, ResultRow, Status
from imbench.datasets import load_dataset
from imbench.datasets.base import Dataset
from imbench.evaluation.cell import CellKey, CellResult, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.shared import SharedSearch, search_base
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
    search: SharedSearch | None = field(default=None, compare=False)
    """The base cell's search to reuse instead of searching again (see ``evaluation.shared``)."""
    after: str | None = field(default=None, compare=False)
    """The id of the base cell this task waits for: it starts once that cell's row is in, with its search."""


def link_searches(
    tasks: Iterable[Task], finished: Callable[[set[str]], Mapping[str, ResultRow]] | None = None
) -> list[Task]:
    """``tasks`` with each post-processing cell tied to its base's search: waited for where the base is one of
    ``tasks``, else taken from the base's row that ``finished(ids)`` returns (a resumed run's store); a cell whose
    base is neither searches alone. The reused search is the one the cell's own would be (same seed, same
    trials), so the order cells finish in changes nothing."""
    tasks = list(tasks)
    ids = {t.key.id for t in tasks}
    bases: dict[str, str] = {}
    for t in tasks:
        base = search_base(t.key.strategy, t.protocol)
        if base is not None:
            bases[t.key.id] = CellKey(t.key.dataset, base, t.key.model, t.key.fold).id
    rows = finished({b for b in bases.values() if b not in ids}) if finished is not None else {}
    out = []
    for t in tasks:
        base_id = bases.get(t.key.id)
        if base_id is None:
            pass
        elif base_id in ids:
            t = replace(t, after=base_id)
        elif base_id in rows:
            t = replace(t, search=SharedSearch.of(rows[base_id]))
        out.append(t)
    return out


class Schedule:
    """The order tasks start in: as given, except that a task waiting for its base starts right after the base's
    result is in (first in line, so a ``compare`` budget reaches a baseline's threshold as soon as its base)."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self._ready: deque[Task] = deque()
        self._waiting: dict[str, list[Task]] = {}
        for t in tasks:
            if t.after is None:
                self._ready.append(t)
            else:
                self._waiting.setdefault(t.after, []).append(t)

    def __bool__(self) -> bool:
        return bool(self._ready)

    def pop(self) -> Task:
        """The next task to start."""
        return self._ready.popleft()

    def done(self, task: Task, result: CellResult) -> None:
        """Record ``task``'s result: its dependents become ready, with its search (none if it did not succeed)."""
        search = SharedSearch.of(result.record)
        for t in reversed(self._waiting.pop(task.key.id, [])):
            self._ready.appendleft(replace(t, after=None, search=search))


def execute(task: Task) -> CellResult:
    """Run one task (the function workers call), unless its start deadline has passed."""
    import time

    if task.not_after is not None and time.time() > task.not_after:
        why = f"{BUDGET_SPENT}: the budget was spent before this cell started; rerun the same command to compute it"
        res = _error_result(task, why)
        res.record.status = Status.TIMEOUT
        return res
    return run_cell(task.ref.resolve(), task.key, task.protocol, task.storage, task.search)


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
