"""Options shared by several commands, each written once (one help text), and grouped into small records so a
command takes a few typed arguments instead of one per flag."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import click

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


@dataclass(frozen=True)
class Costs:
    """``--cost-fn`` / ``--cost-fp``: both or neither (checked by the API before any data is read)."""

    cost_fn: float | None = None
    cost_fp: float | None = None


@dataclass(frozen=True)
class Tracking:
    """Where the run is mirrored: MLflow (``--tracking-uri``, ``--no-mlflow``) and the Optuna studies."""

    tracking_uri: str | None = None
    no_mlflow: bool = False
    optuna_storage: str | None = None

    @property
    def enabled(self) -> bool:
        return not self.no_mlflow


@dataclass(frozen=True)
class Target:
    """The target column of a user's file and its positive label."""

    target: str | None = None
    positive: str | None = None


@dataclass(frozen=True)
class Cluster:
    """Where ``imbench run`` computes its cells: here (worker processes) or on a Dask cluster."""

    executor: str = "local"
    scheduler: str | None = None


CLUSTER_OPTIONS = (
    click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True),
    click.option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (with --executor dask)"),
)


@dataclass(frozen=True)
class Search:
    """What ``imbench compare`` searches and within what: metric, budget (or a pinned plan), models, strategies."""

    metric: str = "average_precision"
    budget: str = "10m"
    models: str | None = None
    strategies: str | None = None
    plan_file: str | None = None


SEARCH_OPTIONS = (
    click.option("--metric", default="average_precision", show_default=True, help="metric to rank by (and tune on)"),
    click.option("--budget", default="10m", show_default=True, help="time budget, e.g. 90s, 10m, 1h"),
    click.option("--models", help="comma-separated models [default: logreg,random_forest,lightgbm,xgboost]"),
    click.option("--strategies", help="comma-separated strategies [default: the eight headline strategies]"),
    click.option(
        "--plan",
        "plan_file",
        type=click.Path(dir_okay=False),
        help="pin the protocol and models to a saved plan.json (instead of planning from the budget)",
    ),
)


@dataclass(frozen=True)
class Overrides:
    """What ``imbench run`` changes in a suite (None: keep the suite's)."""

    strategies: str | None = None
    models: str | None = None
    datasets: str | None = None
    n_trials: int | None = None
    outer_folds: int | None = None
    inner_folds: int | None = None
    repeats: int | None = None
    seed: int | None = None
    metric: str | None = None
    timeout_per_cell: float | None = None


POSITIVE = click.FloatRange(min=0, min_open=True)
COST_OPTIONS = (
    click.option("--cost-fn", type=POSITIVE, help="cost of a false negative (a missed positive)"),
    click.option("--cost-fp", type=POSITIVE, help="cost of a false positive (a false alarm)"),
)
TRACKING_OPTIONS = (
    click.option("--tracking-uri", help="MLflow tracking URI [default: $MLFLOW_TRACKING_URI or sqlite:///mlflow.db]"),
    click.option("--no-mlflow", is_flag=True, help="do not log to MLflow"),
    click.option(
        "--optuna-storage",
        metavar="URL",
        help="keep every inner Optuna study in this RDB storage (e.g. sqlite:///optuna.db) for optuna-dashboard",
    ),
)
JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0),
    default=0,
    help="cells run in parallel [default: 0 = one per CPU core; results do not depend on it]",
)
COMPARE_JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0),
    default=0,
    help="cells run in parallel [default: 0 = one per CPU core]; the plan fits the budget to this many "
    "workers, so a different --jobs can plan (and answer) differently; --plan pins one",
)
OVERRIDE_OPTIONS = (
    click.option("--strategies", help="comma-separated strategies (overrides the suite; 'none' is always added)"),
    click.option("--models", help="comma-separated models (overrides the suite)"),
    click.option("--datasets", help="comma-separated dataset specs (overrides the suite)"),
    click.option("--n-trials", type=click.IntRange(1), help="Optuna trials per outer fold"),
    click.option("--outer-folds", type=click.IntRange(2), help="outer CV folds"),
    click.option("--inner-folds", type=click.IntRange(2), help="inner CV folds"),
    click.option("--repeats", type=click.IntRange(1), help="outer CV repeats"),
    click.option("--seed", type=int, help="run seed"),
    click.option("--metric", help="tuning metric (default average_precision = PR-AUC)"),
    click.option(
        "--timeout-per-cell",
        type=POSITIVE,
        help="seconds per cell before it becomes a timeout row",
    ),
)


def target_options(required: bool) -> tuple[Decorator, ...]:
    """``--target`` (required for a file; optional where a dataset spec names its own) and ``--positive``."""
    return (
        click.option("--target", required=required, help="target column (of a CSV/Parquet file)"),
        click.option("--positive", help="label of the positive class (required with more than two classes)"),
    )


def grouped(name: str, record: type, options: tuple[Decorator, ...]) -> Decorator:
    """Add ``options`` to a command and hand their values to it as one ``record`` argument called ``name``."""
    keys = [f.name for f in fields(record)]

    def deco(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs[name] = record(**{k: kwargs.pop(k) for k in keys})
            return command(*args, **kwargs)

        decorated: Callable[..., Any] = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return decorated

    return deco
