"""Facts about the machine and process plumbing (kept import-light: the CLI and each starting pool worker use it
before any heavy import)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

SINGLE_THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0


def cpu_count() -> int:
    """CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class LockBusy(Exception):
    """Another process holds the lock (raised by ``file_lock(..., wait=False)``)."""


@contextmanager
def file_lock(path: str | os.PathLike[str], wait: bool = True) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (created if missing) for the duration of the block.

    ``fcntl.flock`` is released by the kernel when the holder dies, even by SIGKILL, so a crash never
    leaves a stale lock behind. With ``wait=False`` a held lock raises ``LockBusy`` at once.
    """
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockBusy(str(path)) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


_PAUSE_HITS: dict[str, int] = {}


def pause_point(point: str) -> None:
    """A hook for the fault-injection test: pause at a named point so a kill lands there deterministically.

    Only active when ``IMBENCH_TEST_PAUSE`` names ``point`` (comma-separated; ``cell:3`` = at the third hit in this
    process); the process then appends the point's name to ``$IMBENCH_TEST_PAUSE_FILE`` and sleeps until it is
    killed (at most a minute).
    """
    names = os.environ.get("IMBENCH_TEST_PAUSE", "")
    if not names:
        return
    _PAUSE_HITS[point] = hits = _PAUSE_HITS.get(point, 0) + 1
    wanted = {n.partition(":")[0]: int(n.partition(":")[2] or 1) for n in names.split(",") if n}
    if wanted.get(point) != hits:
        return
    import time

    marker = os.environ.get("IMBENCH_TEST_PAUSE_FILE")
    if marker:
        with open(marker, "a") as fh:
            fh.write(point + "\n")
    time.sleep(60)


def init_worker(driver: int) -> None:
    """A pool worker's initializer: exit with the ``driver`` process, one BLAS/OpenMP thread. It lives in this light
    module so that a spawned worker runs it within moments of starting, before the seconds of numeric imports."""
    exit_with_parent(driver)
    for var in SINGLE_THREAD_ENV:  # libraries loaded from now on start with one thread
        os.environ[var] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # and those already loaded (e.g. by a ``__main__`` that imports numpy)


def exit_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` dies. A worker whose driver was killed (SIGKILL: no handler runs)
    would otherwise finish cells nobody stores, under PID 1, for minutes. On Linux the kernel sends SIGKILL at once
    (``PR_SET_PDEATHSIG``: it works while the worker is deep in C code holding the GIL); elsewhere, and as a fallback,
    a daemon thread polls the parent pid. The kernel signal follows the parent *thread* that spawned the worker: the
    one iterating the pool, alive as long as the pool. With the workers gone, multiprocessing's resource tracker
    sees its pipe close and exits too."""
    import signal
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the thread below still ends the worker
    if os.getppid() != parent:  # it died before the kernel signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="imbench-parent-watch", daemon=True).start()
