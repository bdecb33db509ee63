"""The evaluation protocol: folds, trials, metric, seed, costs and time budget."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from imbench.core.errors import ConfigError
from imbench.core.metrics import get_metric
from imbench.strategies.base import FitSettings

PRUNERS = ("median", "halving", "hyperband", "none")


@dataclass(frozen=True)
class EvalProtocol:
    """How every cell is scored. Equal for every strategy, so comparisons are fair.

    Named ``EvalProtocol`` so it cannot be mistaken for ``typing.Protocol``."""

    outer_folds: int = 5
    repeats: int = 1
    inner_folds: int = 3
    n_trials: int = 10
    metric: str = "average_precision"
    seed: int = 0
    timeout_per_cell: float | None = None
    cost_fn: float = 1.0
    cost_fp: float = 1.0
    threshold_objective: str = "f1"
    fast: bool = True
    """Tuning machinery that saves compute without changing what is measured: preprocessing fitted once per
    inner training fold, sampler outputs reused when their parameters repeat, and early stopping of
    XGBoost/LightGBM on the inner validation fold (the refit uses the folds' mean best round).
    ``False`` refits the whole pipeline in every trial and searches ``n_estimators`` (for side-by-side runs)."""
    inner_holdout: float = 0.0
    """When positive, the inner validation (tuning trials and the decision threshold) is one stratified holdout
    of this share of the outer-train rows instead of ``inner_folds`` folds: what ``compare`` uses on large
    tables, where one split holds positives enough and k folds would cost k times as much."""
    trial_rows: int = 0
    """When positive, each trial fits on at most this many of the inner-training rows (a stratified, seeded
    sample; validation rows and the refit use all of them): a search at lower fidelity on tables whose full
    fits would leave room for one or two trials. 0: every trial sees every row."""
    tree_codes: bool = False
    """Tree models fit on ordinal codes of categorical columns instead of one-hot columns (``FitSettings``):
    what large, wide-categorical tables need (FARS: 26 columns instead of 332; a random-forest fit 5.7× cheaper,
    ``benchmarks/perf/codes_forest.py``)."""
    pruner: str = "median"
    """Pruner across inner folds: ``median`` (Optuna's MedianPruner), ``halving`` (SuccessiveHalvingPruner),
    ``hyperband`` (HyperbandPruner) or ``none``."""

    @property
    def fit_settings(self) -> FitSettings:
        """The settings every fit of a cell takes from the protocol (costs, threshold objective, inner folds,
        categorical codes for trees)."""
        return FitSettings(
            self.cost_fn, self.cost_fp, self.threshold_objective, self.inner_folds, self.inner_holdout, self.tree_codes
        )

    def __post_init__(self) -> None:

        if self.outer_folds < 2 or self.inner_folds < 2:
            raise ConfigError("outer_folds and inner_folds must be at least 2")
        if self.repeats < 1 or self.n_trials < 1:
            raise ConfigError("repeats and n_trials must be at least 1")
        if self.cost_fn <= 0 or self.cost_fp <= 0:
            raise ConfigError("cost_fn and cost_fp must be positive")
        if self.timeout_per_cell is not None and self.timeout_per_cell <= 0:
            raise ConfigError("timeout_per_cell must be positive")
        if self.trial_rows < 0:
            raise ConfigError(f"trial_rows must be 0 (all rows) or a number of rows, not {self.trial_rows}")
        if not 0.0 <= self.inner_holdout < 0.5:
            raise ConfigError(
                f"inner_holdout must be a share in [0, 0.5) of the training rows, not {self.inner_holdout}"
            )
        if self.pruner not in PRUNERS:
            raise ConfigError(f"pruner must be one of {', '.join(PRUNERS)}, not {self.pruner!r}")
        get_metric(self.metric)
        if self.threshold_objective != "cost":
            get_metric(self.threshold_objective)

    @property
    def inner_validation(self) -> str:
        """How trials are validated, in words: ``one 20 % inner holdout`` or ``3 inner folds``."""
        return (
            f"one {self.inner_holdout:.0%} inner holdout" if self.inner_holdout else f"{self.inner_folds} inner folds"
        )

    @property
    def n_outer(self) -> int:
        """Number of outer folds over all repeats."""
        return self.outer_folds * self.repeats

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for configs and manifests). ``inner_holdout``, ``trial_rows`` and ``tree_codes`` are left out
        while they are 0 / False, so the run folders and config hashes of protocols written before they existed stay what they were."""
        d = asdict(self)
        for key in ("inner_holdout", "trial_rows", "tree_codes"):
            if not d[key]:
                del d[key]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvalProtocol:
        """Build from a dict; unknown keys are a ConfigError naming the known ones."""
        known = {f.name for f in fields(cls)}
        bad = sorted(set(d) - known)
        if bad:
            raise ConfigError(f"unknown protocol key(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
        try:
            return cls(**d)
        except TypeError as e:
            raise ConfigError(f"bad protocol: {e}") from None
