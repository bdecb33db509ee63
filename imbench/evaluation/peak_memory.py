"""Peak resident memory of one cell: the process's high-water mark, reset when the cell starts (Linux).

A worker process runs many cells, so its lifetime peak (``getrusage``) says nothing about one cell. Linux lets a
process reset its own high-water mark (writing ``5`` to ``/proc/self/clear_refs``); ``VmHWM`` in
``/proc/self/status`` is then the peak since the reset: the memory this cell needed, everything the worker already
held included. Elsewhere the figure is unknown (None), never a lifetime peak passed off as the cell's.
"""

from __future__ import annotations

from pathlib import Path

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def reset_peak() -> bool:
    """Start a new high-water mark; False where the system offers none (the cell's peak is then unknown)."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_mib() -> float | None:
    """Peak resident memory (MiB) since the last ``reset_peak``, or None where it cannot be read."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
