"""Typed exceptions. Every user-facing error is an ``ImbenchError`` with a one-line message."""

from __future__ import annotations


class ImbenchError(Exception):
    """Base class: the CLI prints the message on one line and exits with code 2."""


class UnknownNameError(ImbenchError, KeyError):
    """A strategy, model, dataset, metric or suite name that is not registered."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ConfigError(ImbenchError, ValueError):
    """An invalid suite file, option value or strategy composition."""


class DataValidationError(ImbenchError, ValueError):
    """A dataset that cannot be evaluated as a binary imbalanced task."""


class RunDirectoryError(ImbenchError):
    """A run directory that belongs to another configuration."""


class TrackingError(ImbenchError):
    """Logging to MLflow failed (the results on disk are complete; a rerun retries the logging)."""


class CellTimeout(Exception):
    """Raised inside a cell when it exceeds its time budget (becomes a ``timeout`` row)."""
