"""What a compare will cost, from the data's size alone: calibrated fit laws per model, cells from fits.

The laws (``fit_costs.json``, written by ``benchmarks/perf/calibrate_costs.py`` from timed fits on 10k-1M
rows × 10-200 columns on one thread) give the seconds of one trial fit + predict as ``fixed + a · rows^b · columns^c``.
A cell is counted in those fits: the trials' inner fits, the refit (and a decision step's own fits), times
the rows a sampler adds or removes and the harness's own overhead. Nothing is timed at plan time, so the
same data, budget and options always give the same plan (and the same answer), however busy the machine.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.tuning import refit_fits
from imbench.models import MODELS
from imbench.strategies import FitContext

CELL_OVERHEAD = 1.15
"""A cell costs this many times its models' own fits (preprocessing per fold, predictions, scoring, the
store): 1.13 measured on 200,000 rows."""
CELL_FIXED = 0.15
FIT_OVERHEAD = 0.01
"""Seconds a cell and each of its fits cost whatever the size (splits, pipeline assembly, Optuna, scoring):
on a 900-row table a 2-trial logreg cell took 0.18 s and each further trial's three inner fits ~0.02 s."""
ENSEMBLE_FACTOR = 0.6
"""An ensemble strategy counted as this many fits of its model: its members grow on bags of 2 × the positives
and share the model's tree budget (fast protocol), so on imbalanced tables it costs less than the model alone
(easy_ensemble × lightgbm: 0.57 of a plain cell on the 20k example table, ``benchmarks/perf/compare_scale.py``)."""


@dataclass(frozen=True)
class TableSize:
    """The size of a table as the planner sees it."""

    rows: int
    positives: int
    numeric: int
    levels: tuple[int, ...]
    """Distinct values of each categorical column (one-hot columns they become)."""

    def width(self, model: str, codes: bool = False) -> int:
        """Columns ``model`` is fitted on: after one-hot encoding, or one per categorical column where ``codes``
        (the protocol's ``tree_codes``) hands a tree model the ordinal codes. One-hot columns are not free to
        LightGBM's feature bundling: its trials on the 200k example table (26 numeric + 92 one-hot columns) took
        about 5 s each, what its law gives near 100 columns, not near 30."""
        if codes and model in MODELS.names() and MODELS.get(model).takes_codes:
            return max(1, self.numeric + len(self.levels))
        return max(1, self.numeric + sum(self.levels))


def table_size(X: Any, y: Any, categorical: list[str] | None = None) -> TableSize:
    """The TableSize of a feature frame and 0/1 target."""
    import numpy as np
    import pandas as pd

    cats = categorical if categorical is not None else [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    return TableSize(
        rows=len(y),
        positives=int(np.asarray(y).sum()),
        numeric=int(X.shape[1] - len(cats)),
        levels=tuple(int(X[c].nunique()) for c in cats),
    )


@cache
def laws() -> dict[str, dict[str, float]]:
    """The calibrated fit laws per model (package data)."""
    from importlib.resources import files

    doc = json.loads(files("imbench.comparison").joinpath("fit_costs.json").read_text())
    return dict(doc["models"])


def fit_seconds(model: str, rows: float, width: int) -> float:
    """Seconds of one trial fit + predict of ``model`` on ``rows`` training rows and ``width`` columns (one
    thread). A model without a calibrated law is counted as the most expensive calibrated one."""
    known = laws()
    chosen = [known[model]] if model in known else list(known.values())
    return FIT_OVERHEAD + max(
        law.get("fixed", 0.0)
        + math.exp(law["log_a"]) * max(rows, 1.0) ** law["rows_exp"] * max(width, 1) ** law["columns_exp"]
        for law in chosen
    )


def row_factor(strategy: Any, size: TableSize) -> float:
    """Rows the model is fitted on after the strategy's sampler (defaults), per row of the table; an ensemble
    counts ``ENSEMBLE_FACTOR`` fits."""

    if strategy.get("ensemble") is not None:
        return ENSEMBLE_FACTOR
    resample = strategy.get("resample")
    if resample is None:
        return 1.0
    ctx = FitContext(n_pos=max(size.positives, 1), n_neg=max(size.rows - size.positives, 1))
    seen = resample.resampled(resample.defaults(ctx), ctx)
    return (seen.n_pos + seen.n_neg) / (ctx.n_pos + ctx.n_neg)


@dataclass(frozen=True)
class CellCost:
    """A cell's estimated seconds: ``fixed`` (refit, decision fits, overhead) + ``per_trial`` × trials."""

    fixed: float
    per_trial: float

    def seconds(self, trials: int) -> float:
        """The cell at ``trials`` trials."""
        return self.fixed + self.per_trial * trials


def cell_cost(strategy: Any, model: str, protocol: EvalProtocol, size: TableSize) -> CellCost:
    """The cost of one cell of ``strategy`` × ``model`` under ``protocol`` (trials left free); a pair that does
    not apply (e.g. ``balanced_rf`` with any model but its own forest) costs only the cell's fixed overhead."""

    if model in MODELS.names():
        ctx = FitContext(n_pos=max(size.positives, 1), n_neg=max(size.rows - size.positives, 1))
        if strategy.skip(MODELS.get(model), ctx):
            return CellCost(fixed=CELL_FIXED, per_trial=0.0)

    train = size.rows * (protocol.outer_folds - 1) / protocol.outer_folds
    if protocol.inner_holdout:
        inner_rows, fits_per_trial = train * (1 - protocol.inner_holdout), 1
    else:
        inner_rows, fits_per_trial = train * (protocol.inner_folds - 1) / protocol.inner_folds, protocol.inner_folds
    trial_rows = min(inner_rows, protocol.trial_rows) if protocol.trial_rows else inner_rows
    factor, width = row_factor(strategy, size), size.width(model, _codes(strategy, protocol))
    one = fit_seconds(model, inner_rows * factor, width) * CELL_OVERHEAD
    trial = fit_seconds(model, trial_rows * factor, width) * CELL_OVERHEAD
    return CellCost(fixed=CELL_FIXED + refit_fits(strategy, protocol) * one, per_trial=fits_per_trial * trial)


def final_seconds(strategy: Any, model: str, protocol: EvalProtocol, size: TableSize) -> float:
    """The recommended pipeline's refit on every row (its decision step's fits included)."""

    width = size.width(model, _codes(strategy, protocol))
    one = fit_seconds(model, size.rows * row_factor(strategy, size), width) * CELL_OVERHEAD
    return refit_fits(strategy, protocol) * one


def _codes(strategy: Any, protocol: EvalProtocol) -> bool:
    """Whether a tree model of this cell sees ordinal codes (``tree_codes``, and no sampler that runs after
    one-hot encoding: see ``pipeline.build.assemble``)."""
    resample = strategy.get("resample")
    return protocol.tree_codes and (resample is None or not resample.needs_numeric)
