"""The reference table ``advise`` learns from: each reference dataset's meta-features and, per model and
strategy, its gain over ``none`` measured by the published reference runs.

Gains are per dataset (the mean over its outer folds, datasets being the unit of evidence), signed so that
positive is better: PR-AUC and F1 higher, Brier lower, and the expected cost at the Bayes threshold lower
(as a share of the cost of the best constant prediction) for a grid of cost ratios. Only pairs whose
strategy and ``none`` completed every fold enter. The table is plain JSON (``reference.json`` in this
package), rebuilt by ``benchmarks/advice_reference.py`` from ``results/``; nothing is pickled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imbench.advice.metafeatures import MetaFeatures, meta_features
from imbench.core.errors import ConfigError, DataValidationError
from imbench.core.schema import BASELINE
from imbench.datasets import load_dataset
from imbench.reporting.load import load_run
from imbench.reporting.statistics.costs import rescore_cells
from imbench.reporting.tables.comparisons import strategy_base

FORMAT = 1
REFERENCE_FILE = "reference.json"
METRICS = {"pr_auc": "test_average_precision", "f1": "test_f1", "brier": "test_brier"}
"""Objective name → results column; the gain is the strategy's value minus none's (Brier: none's minus the strategy's)."""
LOWER_IS_BETTER = ("brier",)
COST_RATIOS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
"""cost_fn / cost_fp ratios at which the expected-cost gain is stored (``advise`` uses the nearest in log scale)."""


def cost_objective(ratio: float) -> str:
    """The gains column for the expected cost at cost_fn / cost_fp = ``ratio`` (the nearest stored ratio)."""
    nearest = min(COST_RATIOS, key=lambda r: abs(np.log(r) - np.log(ratio)))
    return f"cost_{nearest:g}"


NAMED_SOURCES = ("keel", "imblearn", "openml", "sklearn")
"""Sources whose dataset names start with the name of the original data (``yeast1``, ``yeast_me2`` …)."""


def thresholded(objective: str) -> bool:
    """Whether a decision-only strategy (``threshold``, ``X+threshold``) acts on this objective (F1 only: the
    cost objectives are re-scored at the Bayes threshold, not at the tuned one)."""
    return objective == "f1"


def family_of(dataset: str) -> str:
    """The group a dataset is held out with: rungs of a ladder with their base; variants of one original source,
    from any collection (``keel:yeast1``, ``keel:yeast_1_vs_7``, ``imblearn:yeast_me2`` → ``yeast``); anything
    else (synthetic specs, files) by itself."""
    if dataset.startswith("ladder:"):
        return family_of(dataset.partition("/")[2])
    prefix, _, name = dataset.partition(":")
    m = re.match(r"[a-z]+", name.lower())
    if prefix in NAMED_SOURCES and m:
        return m.group(0)
    return dataset


@dataclass
class Reference:
    """Meta-features per dataset and a long table of gains (dataset, model, strategy, objective → gain)."""

    meta: dict[str, MetaFeatures]
    gains: pd.DataFrame
    """Columns: dataset, model, strategy, folds, then one column per objective (``pr_auc``, ``f1``, ``brier``,
    ``cost_R`` …); NaN where not measured."""
    sources: list[dict[str, Any]] = field(default_factory=list)
    validation: dict[str, Any] = field(default_factory=dict)

    @property
    def objectives(self) -> list[str]:
        return [c for c in self.gains.columns if c not in ("dataset", "model", "strategy", "folds")]

    def families(self) -> dict[str, str]:
        return {d: family_of(d) for d in self.meta}

    def subset(self, datasets: Sequence[str]) -> Reference:
        """The same table restricted to ``datasets`` (for leave-one-family-out validation)."""
        keep = set(datasets)
        return Reference(
            {d: m for d, m in self.meta.items() if d in keep},
            self.gains[self.gains["dataset"].isin(keep)].reset_index(drop=True),
            self.sources,
        )

    def to_json(self) -> str:
        g = self.gains
        rows = [[_jsonable(v) for v in r] for r in g.itertuples(index=False)]
        data = {
            "format": FORMAT,
            "sources": self.sources,
            "datasets": {d: m.to_dict() for d, m in sorted(self.meta.items())},
            "gains": {"columns": list(g.columns), "rows": rows},
            "validation": _floats(self.validation, to_json=True),
        }
        return json.dumps(data, indent=1, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> Reference:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
            gains = pd.DataFrame(data["gains"]["rows"], columns=data["gains"]["columns"])
            meta = {d: MetaFeatures.from_dict(m) for d, m in data["datasets"].items()}
        except (ValueError, KeyError, TypeError) as e:
            raise DataValidationError(f"not an imbench reference table: {e}") from None
        for c in gains.columns[4:]:
            gains[c] = pd.to_numeric(gains[c], errors="coerce")
        return cls(meta, gains, list(data.get("sources", [])), _floats(dict(data.get("validation", {})), to_json=False))


def _floats(v: Any, to_json: bool) -> Any:
    """The validation block with NaN (no test: two rules that never differ) as JSON null, and back."""
    if isinstance(v, dict):
        return {k: _floats(x, to_json) for k, x in v.items()}
    if isinstance(v, list):
        return [_floats(x, to_json) for x in v]
    if to_json:
        return None if isinstance(v, float) and not np.isfinite(v) else v
    return float("nan") if v is None else v


def _jsonable(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else round(float(v), 6)
    if isinstance(v, np.integer):
        return int(v)
    return v


def load_reference(path: str | Path | None = None) -> Reference:
    """The reference table shipped with imbench, or one at ``path``."""
    if path is None:
        text = resources.files("imbench.advice").joinpath(REFERENCE_FILE).read_text(encoding="utf-8")
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"reference table {str(p)!r} does not exist")
        text = p.read_text(encoding="utf-8")
    return Reference.from_json(text)


def dataset_gains(results: pd.DataFrame, predictions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per dataset × model × strategy: the mean-over-folds gain over ``none`` for every objective.

    A pair enters only when the strategy and ``none`` have ``ok`` rows for the same folds and every fold of
    the strategy is ``ok`` (a strategy that failed somewhere has no gain there, and is counted elsewhere).
    """
    keys = ["dataset", "model", "strategy", "fold"]
    cols = {name: col for name, col in METRICS.items() if col in results.columns}
    cells = results[[*keys, "status", *cols.values()]].rename(columns={v: k for k, v in cols.items()})
    if predictions is not None and len(predictions):
        cells = cells.merge(_cost_cells(results, predictions), on=keys, how="left")
    objectives = [c for c in cells.columns if c not in (*keys, "status")]
    complete = cells.groupby(["dataset", "model", "strategy"])["status"].transform(lambda s: (s == "ok").all())
    cells = cells[complete & (cells["status"] == "ok")]
    base = cells[cells["strategy"] == BASELINE].drop(columns=["strategy", "status"])
    other = cells[cells["strategy"] != BASELINE].drop(columns=["status"])
    paired = other.merge(base, on=["dataset", "model", "fold"], suffixes=("", "_none"))

    decision_only = paired["strategy"].map(lambda s: strategy_base(s) is not None)
    for o in objectives:
        sign = -1.0 if o in LOWER_IS_BETTER or o.startswith("cost_") else 1.0
        paired[o] = sign * (paired[o] - paired[f"{o}_none"])
        if not thresholded(o):  # same scores as its base by construction (costs are re-scored at the Bayes
            paired.loc[decision_only, o] = np.nan  # threshold, so a tuned cut-off does not enter either)
    out = paired.groupby(["dataset", "model", "strategy"], sort=True).agg(
        folds=("fold", "nunique"), **{o: (o, "mean") for o in objectives}
    )
    return out.reset_index()


def _cost_cells(results: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """Expected cost at the Bayes threshold per cell for every ``COST_RATIOS`` ratio, in units of the cost of the
    best constant prediction on that test fold (so datasets of different prevalence are comparable)."""

    keys = ["dataset", "model", "strategy", "fold"]
    prevalence = predictions.groupby(["dataset", "fold"])["y_true"].mean().rename("prevalence").reset_index()
    out: pd.DataFrame | None = None
    for r in COST_RATIOS:
        cells = rescore_cells(results, predictions, cost_fn=r, cost_fp=1.0).merge(prevalence, on=["dataset", "fold"])
        trivial = np.minimum(r * cells["prevalence"], 1.0 - cells["prevalence"])
        cells[cost_objective(r)] = cells["cost_at_bayes"] / trivial.where(trivial > 0)
        part = cells[[*keys, cost_objective(r)]]
        out = part if out is None else out.merge(part, on=keys, how="outer")
    assert out is not None
    return out


def build_reference(
    run_dirs: Sequence[str | Path],
    describe: Callable[[str], MetaFeatures] | None = None,
    on_dataset: Callable[[str], None] | None = None,
) -> Reference:
    """The reference table of the runs in ``run_dirs`` (meta-features computed by loading each dataset)."""

    frames, sources = [], []
    for i, d in enumerate(run_dirs):
        run = load_run(d)
        frames.append(dataset_gains(run.results, run.predictions).assign(_run=i))
        sources.append(
            {
                "run": Path(d).as_posix(),
                "suite": run.name,
                "cells": len(run.results),
                "git_commit": run.manifest.git_commit,
            }
        )
    gains = pd.concat(frames, ignore_index=True)
    # a dataset × model measured by several runs keeps the first run's gains only (never mixed against two nones)
    first = gains.groupby(["dataset", "model"])["_run"].transform("min")
    gains = gains[gains["_run"] == first].drop(columns="_run").reset_index(drop=True)
    meta: dict[str, MetaFeatures] = {}
    for name in sorted(gains["dataset"].unique()):
        if on_dataset:
            on_dataset(name)
        meta[name] = (describe or _describe)(name)
    return Reference(meta, gains, sources)


def _describe(spec: str) -> MetaFeatures:

    return meta_features(load_dataset(spec))
