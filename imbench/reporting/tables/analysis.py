"""All numbers a report needs, computed once from a run's tables (no rendering, no files written)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from imbench.core.errors import DataValidationError
from imbench.core.metrics import METRICS, check_costs, get_metric
from imbench.core.metrics import label as metrics_label
from imbench.reporting.load import RunData
from imbench.reporting.statistics import costs as cost_mod
from imbench.reporting.statistics import quality
from imbench.reporting.tables.comparisons import (
    RankComparison,
    adjust_by_question,
    compare_strategies,
    exclusions_table,
    ranks_table,
    status_table,
    summary_table,
    wilcoxon_table,
)
from imbench.reporting.tables.groups import Group, cheat_groups, dataset_meta, minority_groups
from imbench.reporting.tables.verdicts import CALIBRATION_METRICS, Verdict, verdict

CHEAT_METRICS = ("average_precision", "f1", "brier")
"""The cheat-sheet's columns: PR-AUC, F1 at the decision threshold, Brier score."""
label = metrics_label
"""Human name of a metric; an alias of :func:`imbench.core.metrics.label` (the labels live in the metric registry)."""


@dataclass
class Analysis:
    """Comparisons, tables and re-scored costs of one run for one primary metric."""

    run: RunData
    metric: str
    metrics: list[str]
    meta: pd.DataFrame
    status: pd.DataFrame
    groups: list[Group]
    by_group: dict[tuple[str, Group], RankComparison] = field(default_factory=dict)
    """(metric, group) → comparison, for the cheat-sheet groups (tier × model [× band]); also Brier/ECE."""
    minority: list[Group] = field(default_factory=list)
    by_minority: dict[tuple[str, Group], RankComparison] = field(default_factory=dict)
    """(metric, group) → comparison, for the second view (minority size × model)."""
    families: dict[tuple[str, str, str], int] = field(default_factory=dict)
    """(view, metric, kind) → tests in that Benjamini–Hochberg family (one per question a table answers)."""

    @property
    def family_size(self) -> int:
        """Number of tests corrected, over every family."""
        return sum(self.families.values())

    def family_of(self, metric: str, view: str = "tier", kind: str = "vs none") -> int:
        """The size of the correction family behind one table's verdicts (0 when nothing was testable)."""
        return self.families.get((view, metric, kind), 0)

    degenerate: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_trials: int | None = None
    under_budget: pd.DataFrame = field(default_factory=pd.DataFrame)
    overall: dict[tuple[str, str], RankComparison] = field(default_factory=dict)
    """(metric, model) → comparison over all datasets."""
    cost_fn: float | None = None
    cost_fp: float | None = None
    cost_cells: pd.DataFrame | None = None
    cost_by_group: dict[tuple[str, Group], RankComparison] = field(default_factory=dict)

    @property
    def results(self) -> pd.DataFrame:
        return self.run.results

    @property
    def all_comparisons(self) -> list[RankComparison]:
        return [
            *self.overall.values(),
            *self.by_group.values(),
            *self.by_minority.values(),
            *self.cost_by_group.values(),
        ]

    def verdict(self, metric: str, g: Group) -> Verdict:
        """The verdict of a cheat-sheet cell (tier or minority view), with its group's calibration checks."""
        table = self.by_minority if g.minority else self.by_group
        c = table.get((metric, g)) or self.cost_by_group[(metric, g)]
        cal = [] if metric in CALIBRATION_METRICS else [table[(m, g)] for m in CALIBRATION_METRICS if (m, g) in table]
        return verdict(c, cal, self.degenerate)

    def correction_statement(self) -> str:
        """How p-values were corrected, for this run: the families and the size of the primary table's."""
        if not self.families:
            return "no comparison of this report had enough datasets or origins to be tested"
        main = self.family_of(self.metric)
        example = (
            f"; the tier view's {label(self.metric)} tests vs none are one family of {main}"
            if main
            else f"; the tier view has no testable {label(self.metric)} test"
        )
        return (
            f"Benjamini–Hochberg within each question a table answers (one metric × one view × one kind of "
            f"comparison: {len(self.families)} families, {self.family_size} tests{example}), never across all of them"
        )

    def ranks(self) -> pd.DataFrame:
        return ranks_table(self.all_comparisons)

    def verdict_table(self) -> pd.DataFrame:
        """One row per cheat-sheet cell (tier view and minority-size view × model × metric): the verdict kind,
        the recommended strategy, the best other one described, the strategies to avoid (for diffing runs)."""
        rows = []
        for g in [*self.groups, *self.minority]:
            table = self.by_minority if g.minority else self.by_group
            for m in CHEAT_METRICS:
                if (m, g) not in table:
                    continue
                v = self.verdict(m, g)
                rows.append(
                    {
                        "view": "positives" if g.minority else "tier",
                        "group": g.label,
                        "model": g.model,
                        "metric": m,
                        "verdict": v.kind,
                        "recommended": v.recommended or "",
                        "best_other": "" if v.recommended else (v.strategy or ""),
                        "avoid": ",".join(v.avoid),
                        "datasets": v.n_datasets,
                        "calibration_warning": bool(v.calibration),
                    }
                )
        return pd.DataFrame(rows)

    def wilcoxon(self) -> pd.DataFrame:
        return wilcoxon_table(self.all_comparisons)

    def exclusions(self) -> pd.DataFrame:
        return exclusions_table(self.all_comparisons)

    def summary(self) -> pd.DataFrame:
        return summary_table(self.results, self.metrics)

    def cost_summary(self) -> pd.DataFrame | None:
        return None if self.cost_cells is None else cost_mod.cost_summary(self.cost_cells)


def resolve_metric(results: pd.DataFrame, metric: str) -> str:
    """The canonical metric name; UnknownNameError if unknown, DataValidationError if not in the results."""
    name = get_metric(metric).name
    if f"test_{name}" not in results.columns:
        raise DataValidationError(f"results.parquet has no column test_{name} for metric {metric!r}")
    return name


def analyse(
    run: RunData, metric: str = "average_precision", cost_fn: float | None = None, cost_fp: float | None = None
) -> Analysis:
    """Compute every comparison and table of the report (raises before anything is written)."""
    results = run.results
    metric = resolve_metric(results, metric)
    costs = check_costs(cost_fn, cost_fp)
    if not (results["status"] == "ok").any():
        raise DataValidationError(f"no ok rows in {run.path / 'results.parquet'}: nothing to report")
    if costs is not None and run.predictions is None:
        raise DataValidationError("cost re-scoring needs predictions.parquet, which this run directory lacks")
    metrics = [metric] + [m for m in CHEAT_METRICS if m != metric and f"test_{m}" in results.columns]
    meta = dataset_meta(results)
    groups = cheat_groups(results, meta)
    a = Analysis(run, metric, metrics, meta, status_table(results), groups)
    a.minority = minority_groups(results, meta)
    models = sorted(results["model"].unique())
    calib = metrics + [m for m in CALIBRATION_METRICS if f"test_{m}" in results.columns and m not in metrics]
    for m in calib:
        greater = METRICS[m].greater
        for model in models:
            a.overall[(m, model)] = compare_strategies(results, f"test_{m}", greater, Group(model), meta, metric=m)
        for g in groups:
            a.by_group[(m, g)] = compare_strategies(results, f"test_{m}", greater, g, meta, metric=m)
        for g in a.minority:
            a.by_minority[(m, g)] = compare_strategies(results, f"test_{m}", greater, g, meta, metric=m)
    a.degenerate = quality.degenerate_cells(results)
    a.n_trials = quality.protocol_trials(run.config)
    a.under_budget = quality.under_budget(results, a.n_trials)
    if costs is not None and run.predictions is not None:
        a.cost_fn, a.cost_fp = costs
        a.cost_cells = cost_mod.rescore_cells(results, run.predictions, *costs)
        with_c = cost_mod.with_costs(results, a.cost_cells)
        for col in ("cost_at_threshold", "cost_at_bayes"):
            for g in groups:
                a.cost_by_group[(col, g)] = compare_strategies(with_c, col, False, g, meta, metric=col)
    views: dict[str, list[RankComparison]] = {
        "overall": list(a.overall.values()),
        "tier": list(a.by_group.values()),
        "positives": list(a.by_minority.values()),
        "cost": list(a.cost_by_group.values()),
    }
    a.families = adjust_by_question(views)
    return a
