"""The result schema: statuses, column names, the result row, the run manifest and compare's recommendation.

One module defines every name that crosses a file boundary (the store, ``results.parquet``,
``manifest.json``, ``recommendation.json``, MLflow), so writers and readers cannot drift apart.
It is the lowest layer: it imports nothing from imbench but ``errors``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What became of a cell. A ``str`` enum: rows hold the plain value (``"ok"``) in JSON and parquet."""

    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"
    NOT_APPLICABLE = "not_applicable"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
"""Every status value, in report order."""
BAD_STATUSES: tuple[str, ...] = (Status.FAILED.value, Status.TIMEOUT.value)
"""Statuses counted as failures (not_applicable is a fact about the pair, not a failure)."""
WORKER_DIED = "WorkerDied"
"""Error prefix of a cell whose worker process died: such rows are retried on resume."""
BUDGET_SPENT = "BudgetSpent"
"""Error prefix of a cell that was not started because the run's deadline (compare's budget) had passed: like a
worker-died row it is computed on the next resume."""
RETRIED = (WORKER_DIED, BUDGET_SPENT)
"""Error prefixes whose rows a resume computes again."""
NOT_APPLICABLE_PREFIX = "not applicable: "

BASELINE = "none"
"""The strategy that does nothing about the imbalance; always run, every gain is measured against it."""

# tiers -------------------------------------------------------------------------------------------
TIERS: tuple[tuple[str, float], ...] = (("low", 5.0), ("medium", 10.0), ("high", 50.0), ("extreme", float("inf")))
"""Imbalance tiers by IR = n_neg / n_pos (CLIMB's): low < 5 <= medium < 10 <= high < 50 <= extreme."""
TIER_ORDER: tuple[str, ...] = tuple(name for name, _ in TIERS)
UNKNOWN_TIER = "unknown"


def tier_of(ir: float) -> str:
    """The tier name for an imbalance ratio."""
    for name, upper in TIERS:
        if ir < upper:
            return name
    return TIER_ORDER[-1]


def tier_range(tier: str) -> str:
    """Human bounds of a tier, e.g. ``5 ≤ IR < 10``; ``?`` for an unknown tier."""
    lows = dict(zip(TIER_ORDER, (0.0, *(u for _, u in TIERS[:-1])), strict=True))
    ups = dict(TIERS)
    if tier not in ups:
        return "?"
    lo, up = lows[tier], ups[tier]
    if lo == 0:
        return f"IR < {up:g}"
    return f"IR ≥ {lo:g}" if math.isinf(up) else f"{lo:g} ≤ IR < {up:g}"


# columns -----------------------------------------------------------------------------------------
PARAM_PREFIX = "p_"
"""Result columns of tuned hyperparameters: ``p_<component>__<param>``."""
METRIC_PREFIX = "test_"
"""Result columns of outer-test-fold metrics: ``test_<metric>``."""
COMPONENT_SEP = "__"
"""Separates a pipeline step (component) from its parameter: ``smote__k_neighbors``."""

CELL_KEY_COLUMNS: tuple[str, ...] = ("dataset", "strategy", "model", "fold")
"""What identifies a cell (and the sort order of results.parquet)."""
GROUP_COLUMNS: tuple[str, ...] = ("dataset", "model", "strategy")
"""A fold group: the outer folds of one dataset × model × strategy are averaged first."""
KEY_COLUMNS: tuple[str, ...] = (*CELL_KEY_COLUMNS, "repeat", "outer_fold", "seed", "status", "error")
DATASET_META_COLUMNS: tuple[str, ...] = ("source", "n", "n_pos", "n_features", "n_categorical", "ir", "tier", "origin")
"""Dataset metadata copied into every row (from ``Dataset.meta()``, without its ``dataset`` key)."""
WALL_COLUMNS: tuple[str, ...] = ("tune_seconds", "fit_seconds", "predict_seconds")
"""A cell's wall time by phase (``tune_seconds`` is 0 for a cell that reused its base's search)."""
TIMING_COLUMNS: tuple[str, ...] = (*WALL_COLUMNS, "cpu_seconds", "peak_mib")
"""Every column that measures the machine (time, memory) rather than results (left out when runs are compared
for equality)."""
_ROW_TAIL: tuple[str, ...] = (
    "n_train",
    "n_test",
    "n_pos_test",
    "metric",
    "threshold",
    "adaptations",
    *TIMING_COLUMNS,
    "trials",
    "trials_pruned",
    "trials_failed",
    "inner_score",
    "search_from",
)
META_COLUMNS: tuple[str, ...] = ("family", *DATASET_META_COLUMNS, *_ROW_TAIL)
"""Columns between the keys and the ``p_``/``test_`` columns, in results.parquet order."""


def param_column(name: str) -> str:
    """``smote__k_neighbors`` → ``p_smote__k_neighbors``."""
    return PARAM_PREFIX + name


def metric_column(metric: str) -> str:
    """``average_precision`` → ``test_average_precision``."""
    return METRIC_PREFIX + metric


def split_param(name: str) -> tuple[str, str]:
    """``smote__k_neighbors`` → (``smote``, ``k_neighbors``); a name without ``__`` has component ``""``."""
    comp, sep, param = name.partition(COMPONENT_SEP)
    return (comp, param) if sep else ("", name)


def component_param(component: str, param: str) -> str:
    """``(smote, k_neighbors)`` → ``smote__k_neighbors`` (the sklearn/imblearn step-parameter rule)."""
    return f"{component}{COMPONENT_SEP}{param}"


# the result row ----------------------------------------------------------------------------------
_ROW_SCALARS: tuple[str, ...] = ("repeat", "outer_fold", "seed", "status", "error", "family")


@dataclass
class ResultRow:
    """One cell's result. ``to_dict()`` is the flat row stored and exported; ``None`` fields are left out
    (a row that never got that far, such as a worker-died row, has no ``seed`` or ``n_train``)."""

    dataset: str
    strategy: str
    model: str
    fold: int
    repeat: int | None = None
    outer_fold: int | None = None
    seed: int | None = None
    status: Status = Status.OK
    error: str = ""
    family: str | None = None
    dataset_meta: dict[str, Any] = field(default_factory=dict)
    """``Dataset.meta()`` without ``dataset``: source, n, n_pos, n_features, n_categorical, ir, tier."""
    n_train: int | None = None
    n_test: int | None = None
    n_pos_test: int | None = None
    metric: str | None = None
    threshold: float | None = None
    adaptations: str | None = None
    tune_seconds: float | None = None
    fit_seconds: float | None = None
    predict_seconds: float | None = None
    cpu_seconds: float | None = None
    """CPU time of the cell's process while it ran the cell (every thread of it), for CPU budgets and totals."""
    peak_mib: float | None = None
    """Peak resident memory of the cell's process while it ran the cell, MiB (``evaluation.peak_memory``;
    None where the system cannot reset its high-water mark)."""
    trials: int | None = None
    trials_pruned: int | None = None
    trials_failed: int | None = None
    inner_score: float | None = None
    search_from: str | None = None
    """The base strategy whose search this cell reused (``threshold`` reuses ``none``'s), or None for its own
    search; ``tune_seconds`` is then 0 and ``trials``/``inner_score`` are the base's (``evaluation.shared``)."""
    params: dict[str, Any] = field(default_factory=dict)
    """Tuned hyperparameters by ``component__param`` name (columns ``p_…``)."""
    metrics: dict[str, float] = field(default_factory=dict)
    """Outer-test-fold metrics by name (columns ``test_…``)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Columns this version does not know (rows written by another version), kept as they are."""

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.dataset, self.strategy, self.model, self.fold)

    def fail(self, status: Status | str, error: str) -> None:
        """Mark the row as not ok, with the reason."""
        self.status, self.error = Status(status), error

    def to_dict(self) -> dict[str, Any]:
        """The flat row: keys, metadata, ``p_*`` params, ``test_*`` metrics (plain str/int/float values)."""
        out: dict[str, Any] = {k: getattr(self, k) for k in CELL_KEY_COLUMNS}
        for k in _ROW_SCALARS:
            v = getattr(self, k)
            if v is not None:
                out[k] = v.value if isinstance(v, Status) else v
        out.update({k: v for k, v in self.dataset_meta.items() if k != "dataset"})
        out.update({k: getattr(self, k) for k in _ROW_TAIL if getattr(self, k) is not None})
        out.update({param_column(k): v for k, v in self.params.items()})
        out.update({metric_column(k): v for k, v in self.metrics.items()})
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> ResultRow:
        """Parse a flat row (from the store or results.parquet); unknown columns go to ``extra``."""
        known = {f.name for f in fields(cls)} - {"dataset_meta", "params", "metrics", "extra"}
        kw: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        params: dict[str, Any] = {}
        metrics: dict[str, float] = {}
        extra: dict[str, Any] = {}
        for k, v in row.items():
            if k in known:
                kw[k] = v
            elif k in DATASET_META_COLUMNS:
                meta[k] = v
            elif k.startswith(PARAM_PREFIX):
                params[k[len(PARAM_PREFIX) :]] = v
            elif k.startswith(METRIC_PREFIX):
                metrics[k[len(METRIC_PREFIX) :]] = v
            else:
                extra[k] = v
        return cls(**kw, dataset_meta=meta, params=params, metrics=metrics, extra=extra)


def is_worker_died(row: dict[str, Any]) -> bool:
    """A row whose worker died: retried on the next resume."""
    return str(row.get("error") or "").startswith(WORKER_DIED)


# the run manifest --------------------------------------------------------------------------------
@dataclass
class Manifest:
    """Provenance of a run directory (``manifest.json``): what ran, where, with which library versions."""

    suite: str = ""
    config_hash: str = ""
    seed: int | None = None
    cells: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    wall_seconds_total: float | None = None
    wall_seconds_last_invocation: float | None = None
    jobs: int | None = None
    executor: str = ""
    fit_seconds_sum: float | None = None
    cpu_seconds_total: float | None = None
    """CPU seconds of every cell, summed (cells that ran before this column existed count 0)."""
    peak_mib_max: float | None = None
    """The largest per-cell peak resident memory, MiB (None where no cell could measure its own)."""
    python: str = ""
    platform: str = ""
    machine: str = ""
    cpu_count: int | None = None
    libraries: dict[str, str] = field(default_factory=dict)
    git_commit: str | None = None
    started_at: str = ""
    finished_at: str = ""
    store_revision: int | None = None
    """The store revision the exports were derived from (stale exports are rewritten on the next run)."""

    @property
    def imbench_version(self) -> str:
        return self.libraries.get("imbench", "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of manifest.json."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Manifest:
        """Parse manifest.json; keys of other versions are ignored, missing ones keep their defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def provenance(self) -> list[tuple[str, str]]:
        """(label, value) pairs a report shows, in reading order; empty values are left out."""
        wall = "" if self.wall_seconds_total is None else f"{self.wall_seconds_total:.1f} s"
        if self.wall_seconds_total is None and self.wall_seconds_last_invocation is not None:
            wall = f"not recorded for every sitting (last invocation {self.wall_seconds_last_invocation:.1f} s)"
        if (
            self.wall_seconds_total is not None
            and self.wall_seconds_last_invocation is not None
            and self.wall_seconds_last_invocation != self.wall_seconds_total
        ):
            wall += f" (last invocation {self.wall_seconds_last_invocation:.1f} s)"
        libs = ", ".join(f"{k} {v}" for k, v in self.libraries.items() if k != "imbench" and v != "not installed")
        items = [
            ("imbench", self.imbench_version),
            ("seed", "" if self.seed is None else str(self.seed)),
            ("config hash", self.config_hash),
            ("git commit", self.git_commit or ""),
            ("started", self.started_at),
            ("finished", self.finished_at),
            ("wall time", wall),
            ("CPU time", "" if not self.cpu_seconds_total else f"{self.cpu_seconds_total / 3600:.2f} CPU-hours"),
            ("peak memory of a cell", "" if not self.peak_mib_max else f"{self.peak_mib_max / 1024:.2f} GiB"),
            ("executor", f"{self.executor}, {self.jobs} jobs" if self.executor and self.jobs else self.executor),
            ("machine", ", ".join(x for x in (self.machine, self.platform) if x)),
            ("cpu count", "" if self.cpu_count is None else str(self.cpu_count)),
            ("python", self.python),
            ("libraries", libs),
        ]
        return [(k, v) for k, v in items if v]


# compare's recommendation ------------------------------------------------------------------------
@dataclass
class DataSource:
    """How the compared file was loaded (for the rebuild snippet)."""

    spec: str
    target: str
    positive: Any = None


@dataclass
class Recommendation:
    """What ``compare`` recommends: the top complete strategy × model, its gain over ``none`` with the
    same model, and (once refit on all rows) its final parameters and threshold."""

    rank: int
    strategy: str
    model: str
    folds_ok: int
    folds: int
    mean: float
    ci_low: float
    ci_high: float
    f1: float
    threshold: float
    status: str
    error: str
    metric: str
    cost_per_1000: float | None = None
    none_mean: float | None = None
    gain_vs_none: float | None = None
    none_f1: float | None = None
    none_cost_per_1000: float | None = None
    saving_per_1000: float | None = None
    gain_vs_none_estimate: str | None = None
    """How ``gain_vs_none`` was estimated (naive: the winner scored on the folds that chose it)."""
    selection_aware: dict[str, Any] | None = None
    """The selection-aware (nested) estimate of the gain of choosing by inner score (report/selection.py)."""
    load: DataSource | None = None
    final_params: dict[str, Any] = field(default_factory=dict)
    final_threshold: float | None = None
    columns: list[str] = field(default_factory=list)
    data_notes: list[str] = field(default_factory=list)
    cuts: list[str] = field(default_factory=list)
    ranked_first: str | None = None
    """The pair at the top of the table when it is not the recommendation (its gain over the baseline was not
    reliable), with the reason; None when the top pair is recommended."""
    gains: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Gain of the recommendation over ``none`` (same model), over threshold tuning alone (same model) and over
    the practitioner's baseline, on the ranking objective: mean and 95 % Nadeau–Bengio interval over the
    paired outer folds (the decision box)."""
    final_source: str | None = None
    """Where the final refit's parameters came from (the winning cell's search, not a new one)."""
    estimated_seconds: float | None = None
    measured_seconds: float | None = None

    _ORDER = (
        "rank",
        "strategy",
        "model",
        "folds_ok",
        "folds",
        "mean",
        "ci_low",
        "ci_high",
        "f1",
        "threshold",
        "status",
        "error",
        "cost_per_1000",
        "metric",
        "none_mean",
        "gain_vs_none",
        "none_f1",
        "none_cost_per_1000",
        "saving_per_1000",
        "gain_vs_none_estimate",
        "selection_aware",
        "load",
        "final_params",
        "final_threshold",
        "columns",
        "data_notes",
        "cuts",
        "ranked_first",
        "gains",
        "final_source",
        "estimated_seconds",
        "measured_seconds",
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of recommendation.json (fields that do not apply are left out)."""
        out: dict[str, Any] = {}
        for k in self._ORDER:
            v = getattr(self, k)
            if v is None:
                continue
            out[k] = asdict(v) if isinstance(v, DataSource) else v
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Recommendation:
        """Parse recommendation.json (or a ranked-table row plus the keys above)."""
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        if isinstance(kw.get("load"), dict):
            kw["load"] = DataSource(**kw["load"])
        return cls(**kw)


__all__ = [
    "BAD_STATUSES",
    "BASELINE",
    "BUDGET_SPENT",
    "CELL_KEY_COLUMNS",
    "COMPONENT_SEP",
    "DATASET_META_COLUMNS",
    "GROUP_COLUMNS",
    "KEY_COLUMNS",
    "META_COLUMNS",
    "METRIC_PREFIX",
    "NOT_APPLICABLE_PREFIX",
    "PARAM_PREFIX",
    "RETRIED",
    "STATUSES",
    "TIERS",
    "TIER_ORDER",
    "TIMING_COLUMNS",
    "UNKNOWN_TIER",
    "WALL_COLUMNS",
    "WORKER_DIED",
    "DataSource",
    "Manifest",
    "Recommendation",
    "ResultRow",
    "Status",
    "component_param",
    "is_worker_died",
    "metric_column",
    "param_column",
    "split_param",
    "tier_of",
    "tier_range",
]
