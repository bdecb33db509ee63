"""Local executors: cells one after another in this process, or in worker processes that die with the driver."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from imbench.core.system import init_worker
from imbench.evaluation.cell import CellResult
from imbench.execution.tasks import Schedule, Task, died_result, execute, failed_result


class InProcessExecutor:
    """Runs cells one after another in this process."""

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, CellResult]]:
        from threadpoolctl import threadpool_limits

        schedule = Schedule(tasks)
        while schedule:
            t = schedule.pop()
            with threadpool_limits(1):  # as in worker processes: same numbers, no BLAS oversubscription
                res = execute(t)
            schedule.done(t, res)
            yield t, res


class ProcessExecutor:
    """Runs cells in ``jobs`` worker processes, one BLAS/OpenMP thread each (no oversubscription).

    A worker that dies (e.g. killed for memory) turns its in-flight cells into ``failed`` rows
    whose error starts with ``WorkerDied`` (retried on resume); the pool is restarted and the
    sweep goes on. Any other exception from a live worker (e.g. a result that cannot be pickled
    back) is a plain ``failed`` row: retrying it on every resume would fail the same way.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, CellResult]]:
        import multiprocessing as mp

        pending = Schedule(tasks)
        ctx = mp.get_context("spawn")
        with _stop_workers_on_sigterm() as stopped:
            yield from self._pooled(pending, ctx, stopped)

    def _pooled(self, pending: Schedule, ctx: Any, stopped: Any) -> Iterator[tuple[Task, CellResult]]:
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        while pending:
            pool = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=init_worker, initargs=(os.getpid(),))
            inflight: dict[Any, Task] = {}
            broken = False
            try:
                while pending or inflight:
                    while pending and len(inflight) < 2 * self.jobs:
                        t = pending.pop()
                        inflight[pool.submit(execute, t)] = t
                    done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                    for fut in done:
                        t = inflight.pop(fut)
                        try:
                            res = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            res = died_result(t)
                        except Exception as e:  # the worker lives: e.g. a result that cannot be pickled back
                            res = failed_result(t, e)
                        pending.done(t, res)
                        yield t, res
                    if broken:
                        for t in list(inflight.values()):
                            res = died_result(t)
                            pending.done(t, res)
                            yield t, res
                        inflight.clear()
                        break
            finally:
                pool.shutdown(wait=not (broken or stopped.is_set()), cancel_futures=True)


@contextmanager
def _stop_workers_on_sigterm() -> Iterator[Any]:
    """While the pool runs, SIGTERM to the driver terminates its worker processes and exits (143); Python's
    default would end the driver alone and leave the workers computing cells nobody will store. Finished
    cells are already committed, so a rerun resumes. A no-op outside the main thread (signals live there)."""
    import signal
    import threading

    stopped = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stopped
        return

    def handler(signum: int, frame: Any) -> None:
        import multiprocessing as mp

        stopped.set()
        for child in mp.active_children():
            child.terminate()
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGTERM, previous)
