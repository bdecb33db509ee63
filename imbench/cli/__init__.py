"""The ``imbench`` command: options and commands (``main``), their console rendering (``render``).
Only click and rich are imported at start-up, so ``imbench --help`` stays fast."""

from __future__ import annotations

from imbench.cli.main import main

__all__ = ["main"]
