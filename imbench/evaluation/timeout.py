"""A per-cell time limit: SIGALRM in a process's main thread, Optuna's own timeout elsewhere."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from imbench.core.errors import CellTimeout


@contextmanager
def time_limit(seconds: float | None) -> Iterator[bool]:
    """Raise CellTimeout in the block after ``seconds``; yields whether a hard limit is armed.

    Only a process's main thread can receive the alarm (worker processes run cells there);
    in other threads (e.g. Dask's) the block runs unarmed and relies on the study's deadline.
    """
    armed = bool(seconds) and threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    if not armed:
        yield False
        return

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise CellTimeout(f"cell exceeded its {seconds:g} s budget")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
