"""Dask executor: cells as Dask tasks on a local or remote cluster; the driver alone writes results.

``--executor dask`` starts a ``LocalCluster`` (``--jobs`` single-threaded worker processes);
``--scheduler tcp://HOST:8786`` connects to an existing cluster. Dask reschedules the tasks of a
worker that dies (up to ``distributed.scheduler.allowed-failures`` times), and results are only
committed by the driver as they arrive, so nothing is lost or duplicated. Workers must be able
to import imbench and reach the datasets (``file:`` paths must exist on every worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from imbench.core.errors import ConfigError
from imbench.evaluation.cell import CellResult
from imbench.execution.tasks import Schedule, Task, died_result, execute, failed_result


class DaskExecutor:
    """Runs tasks on a Dask cluster and yields results in completion order."""

    def __init__(self, scheduler: str | None = None, jobs: int = 1) -> None:
        self.scheduler = scheduler
        self.jobs = max(jobs, 1)

    def _client(self) -> tuple[Any, Any]:
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - dask is a declared dependency
            raise ConfigError(f"--executor dask needs the 'distributed' package ({e})") from None
        if self.scheduler:
            return Client(self.scheduler, timeout="30s"), None
        cluster = LocalCluster(
            n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
        )
        return Client(cluster), cluster

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, CellResult]]:
        from distributed import as_completed

        schedule = Schedule(tasks)
        if not schedule:
            return
        client, cluster = self._client()
        attempts: dict[int, int] = {}

        def submit(t: Task) -> Any:
            attempts[id(t)] = attempts.get(id(t), 0) + 1
            key = f"imbench-cell-{t.key.id}-{id(t)}-{attempts[id(t)]}"
            return client.submit(execute, t, key=key, pure=False)

        try:
            futures: dict[Any, Task] = {}
            while schedule:
                t = schedule.pop()
                futures[submit(t)] = t
            pending = as_completed(list(futures))
            for fut in pending:
                t = futures.pop(fut)
                try:
                    res = fut.result()
                except Exception as e:
                    lost = _lost_in_transit(e, fut.status)
                    if lost and attempts[id(t)] <= MAX_RESUBMITS:
                        new = submit(t)  # the cell never ran to an answer: run it again, same seed
                        futures[new] = t
                        pending.add(new)
                        fut.release()
                        continue
                    res = _result_of_error(t, e, lost)
                schedule.done(t, res)
                while schedule:  # the cells that reuse this one's search
                    ready = schedule.pop()
                    new = submit(ready)
                    futures[new] = ready
                    pending.add(new)
                yield t, res
                fut.release()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


MAX_RESUBMITS = 2
"""How often a cell whose result was lost with its worker (not a KilledWorker: dask already retried those) is resubmitted."""


_UNFINISHED = frozenset({"pending", "lost", "cancelled"})
"""Future states in which ``result()`` raising cannot be the cell's own error: the task never finished."""


def _lost_in_transit(e: BaseException, status: str = "error") -> bool:
    """A cluster error rather than the cell's own: a cancelled future, a closed connection, a lost worker,
    or any exception while the future had not finished (the client's wait broke while dask rescheduled the
    task of a killed worker, e.g. distributed's "Event … is bound to a different event loop" RuntimeError)."""
    import concurrent.futures

    from distributed import KilledWorker

    if isinstance(e, KilledWorker):
        return False
    if status in _UNFINISHED:
        return True
    cluster_error = type(e).__module__.split(".")[0] in ("distributed", "tornado")
    return cluster_error or isinstance(e, (concurrent.futures.CancelledError, ConnectionError, TimeoutError))


def _result_of_error(t: Task, e: BaseException, lost: bool) -> CellResult:
    """KilledWorker (the task's workers kept dying) and cluster errors that outlived the resubmits are
    worker-died rows, retried on resume; any other exception came from a live worker (e.g. an
    unpicklable result) and is a plain ``failed`` row."""
    from distributed import KilledWorker

    if isinstance(e, KilledWorker) or lost:
        return died_result(t, f"{type(e).__name__}: {e}")
    return failed_result(t, e)
