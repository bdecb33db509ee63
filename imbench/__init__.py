"""imbench: which class-imbalance strategy works best where, measured with nested cross-validation.

Public API (heavy libraries load on first use)::

    import imbench
    result = imbench.run_suite("quick")                       # journey 1: a suite, resumable, with its report
    outcome = imbench.compare("data.csv", target="is_fraud")  # journey 2: strategies on your own data
    files = imbench.report("runs/quick")                      # journey 3: cheat-sheet and HTML report
    advice = imbench.advise("data.csv", target="is_fraud")    # what the reference runs suggest, in seconds
    df = imbench.evaluate("synthetic:ir=50", ["none", "smote", "threshold"], ["logreg", "lightgbm"])
    pipe = imbench.build_pipeline("smote+threshold", "logreg", smote__k_neighbors=3).fit(X, y)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


def _version() -> str:
    """The installed distribution's version: ``version`` in pyproject.toml is the one source of truth."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imbench")
    except PackageNotFoundError:  # a checkout on sys.path that was never installed
        return "0+unknown"


__version__ = _version()

_LAZY = {
    "run_suite": "imbench.sweep.run",
    "compare": "imbench.comparison.run",
    "advise": "imbench.advice",
    "report": "imbench.reporting.build",
    "build_pipeline": "imbench.pipeline.build",
    "evaluate": "imbench.sweep.experiment",
    "EvalProtocol": "imbench.evaluation.protocol",
    "results_frame": "imbench.core.results",
    "summarize": "imbench.core.results",
    "load_dataset": "imbench.datasets",
    "Dataset": "imbench.datasets.base",
    "score_all": "imbench.core.metrics",
    "parse_strategy": "imbench.strategies",
    "ImbenchError": "imbench.core.errors",
    "ConfigError": "imbench.core.errors",
    "DataValidationError": "imbench.core.errors",
    "UnknownNameError": "imbench.core.errors",
    "RunDirectoryError": "imbench.core.errors",
    "StorageError": "imbench.core.errors",
    "UntrustedModelError": "imbench.core.errors",
}

_ATTR = {"report": "build_report"}
"""Public names that differ from the attribute they stand for."""

if TYPE_CHECKING:  # names resolved lazily by __getattr__ below
    from imbench.advice import advise
    from imbench.comparison.run import compare
    from imbench.core.errors import (
        ConfigError,
        DataValidationError,
        ImbenchError,
        RunDirectoryError,
        StorageError,
        UnknownNameError,
        UntrustedModelError,
    )
    from imbench.core.metrics import score_all
    from imbench.core.results import results_frame, summarize
    from imbench.datasets import load_dataset
    from imbench.datasets.base import Dataset
    from imbench.evaluation.protocol import EvalProtocol
    from imbench.pipeline.build import build_pipeline
    from imbench.reporting.build import build_report as report
    from imbench.strategies import parse_strategy
    from imbench.sweep.experiment import evaluate
    from imbench.sweep.run import run_suite


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), _ATTR.get(name, name))
    raise AttributeError(f"module 'imbench' has no attribute {name!r}")


__all__ = [
    "ConfigError",
    "DataValidationError",
    "Dataset",
    "EvalProtocol",
    "ImbenchError",
    "RunDirectoryError",
    "StorageError",
    "UnknownNameError",
    "UntrustedModelError",
    "advise",
    "build_pipeline",
    "compare",
    "evaluate",
    "load_dataset",
    "parse_strategy",
    "report",
    "results_frame",
    "run_suite",
    "score_all",
    "summarize",
]
