"""Facts about the machine (kept import-light: the CLI uses it before any heavy import)."""

from __future__ import annotations

import os


def cpu_count() -> int:
    """CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
