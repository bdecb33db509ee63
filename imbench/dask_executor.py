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

from imbench.evaluation.cell import CellResult
from imbench.executors import Task, died_result, execute, failed_result


class DaskExecutor:
    """Runs tasks on a Dask cluster and yields results in completion order."""

    def __init__(self, scheduler: str | None = None, jobs: int = 1) -> None:
        self.scheduler = scheduler
        self.jobs = max(jobs, 1)

    def _client(self) -> tuple[Any, Any]:
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - dask is a declared dependency
            from imbench.errors import ConfigError

            raise ConfigError(f"--executor dask needs the 'distributed' package ({e})") from None
        if self.scheduler:
            return Client(self.scheduler, timeout="30s"), None
        cluster = LocalCluster(
            n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
        )
        return Client(cluster), cluster

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, CellResult]]:
        from distributed import as_completed

        todo = list(tasks)
        if not todo:
            return
        client, cluster = self._client()
        try:
            futures = {client.submit(execute, t, key=f"imbench-cell-{t.key.id}-{id(t)}", pure=False): t for t in todo}
            for fut in as_completed(futures):
                t = futures[fut]
                try:
                    res = fut.result()
                except Exception as e:
                    res = _result_of_error(t, e)
                yield t, res
                fut.release()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _result_of_error(t: Task, e: BaseException) -> CellResult:
    """KilledWorker (the task's workers kept dying) is a worker-died row, retried on resume; any other
    exception came from a live worker (e.g. an unpicklable result) and is a plain ``failed`` row."""
    from distributed import KilledWorker

    if isinstance(e, KilledWorker):
        return died_result(t, f"{type(e).__name__}: {e}")
    return failed_result(t, e)
