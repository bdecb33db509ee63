"""Choose where cells run: in this process, in local worker processes, or on a Dask cluster."""

from __future__ import annotations

from imbench.execution.local import InProcessExecutor, ProcessExecutor
from imbench.execution.tasks import Executor


def make_executor(jobs: int = 1, kind: str = "local", scheduler: str | None = None) -> Executor:
    """``local`` (in-process for jobs=1, worker processes otherwise) or ``dask``."""
    if kind == "dask":
        from imbench.execution.dask_cluster import DaskExecutor

        return DaskExecutor(scheduler=scheduler, jobs=jobs)
    return InProcessExecutor() if jobs <= 1 else ProcessExecutor(jobs)
