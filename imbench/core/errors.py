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


class StorageError(ImbenchError):
    """A full disk or an unwritable (read-only) folder stopped a write. The store stays consistent (a failed
    transaction is rolled back, an export is replaced only once written whole): rerun once it is fixed."""


class UntrustedModelError(ImbenchError):
    """A model file that holds a type imbench does not list as trusted (it could run code when loaded or used)."""


class TrackingError(ImbenchError):
    """Logging to MLflow failed (the results on disk are complete; a rerun retries the logging)."""


class CellTimeout(Exception):
    """Raised inside a cell when it exceeds its time budget (becomes a ``timeout`` row)."""


def did_you_mean(name: str, known: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'smote'?)`` for a near miss of a known name, else empty: a typo gets a hint, not a list
    to read through."""
    import difflib

    close = difflib.get_close_matches(str(name).strip().lower(), list(known), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
