"""Facts about the machine (kept import-light: the CLI uses it before any heavy import)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


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
