"""``compare``: every applicable strategy × model on the user's own file, inside a time budget,
ranked with confidence intervals, with a recommended pipeline refit on all rows and exported."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from imbench.comparison.budget import BudgetPlan, parse_budget, plan_budget
from imbench.comparison.decision import DecisionBox, report_lead
from imbench.comparison.ranking import ranked_table, recommend
from imbench.comparison.refit import export_recommended
from imbench.core.errors import TrackingError
from imbench.core.files import write_atomic
from imbench.core.metrics import check_costs
from imbench.core.schema import BASELINE, DataSource, Recommendation
from imbench.datasets import check_evaluable, load_dataset
from imbench.datasets.files import file_digest
from imbench.evaluation.plan import with_baseline
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.suites import DatasetEntry, Suite, validate
from imbench.reporting import build_report
from imbench.reporting.statistics.selection import NAIVE, selection_summary
from imbench.strategies import HEADLINE, parse_strategy
from imbench.sweep.run import run_sweep
from imbench.tracking.logged_model import log_compare

DEFAULT_MODELS = ("logreg", "random_forest", "lightgbm", "xgboost")


@dataclass
class CompareOutcome:
    """The outcome of ``compare``: ranked table, recommendation (None when no pair completed every fold),
    plan and exported files."""

    out: Path
    table: pd.DataFrame
    recommendation: Recommendation | None
    plan: BudgetPlan
    exports: dict[str, Path] = field(default_factory=dict)
    mlflow_model: Any = None
    """``imbench.tracking.logged_model.LoggedModel`` of the recommended pipeline, when logged to MLflow."""
    tracking_error: str = ""
    """Why logging to MLflow failed (with ``raise_tracking_errors=False``); the outcome is complete regardless."""
    decision: Any = None
    """The decision box (``imbench.comparison.decision.DecisionBox``) when there is a recommendation."""
    budget_s: float = 0.0
    seconds: float = 0.0
    """Measured wall seconds of the whole compare (from the call to the written recommendation)."""


def load_for_compare(path: str, target: str | None, positive: Any = None) -> Any:
    """The user's file as a Dataset (every validation error is a one-line DataValidationError)."""

    return load_dataset(f"file:{path}", target=target, positive=positive)


PLAN_FILE = "plan.json"
REPORT_SHARE, REPORT_SECONDS = 0.05, 10.0
"""Kept at the end of the budget for the report, the exports and the recommendation: 5 % of it, at most 10 s."""
DEADLINE_SLACK = 1.05
"""No cell starts after this share of the budget (less the final refit and the report): the planner fills 75 %
of it, so a deadline only bites when cells run well past their estimate (a loaded machine, unusual data)."""


@dataclass
class CompareOptions:
    """Everything ``compare`` takes besides the file and its target: its keyword arguments, one typed record."""

    positive: Any = None
    metric: str = "average_precision"
    budget: str = "10m"
    models: Sequence[str] | None = None
    strategies: Sequence[str] | None = None
    cost_fn: float | None = None
    cost_fp: float | None = None
    out: str | Path | None = None
    jobs: int = 1
    seed: int = 0
    tracking: bool = True
    tracking_uri: str | None = None
    on_plan: Callable[[BudgetPlan], None] | None = None
    on_progress: Callable[[Any], None] | None = None
    ds: Any = None
    """The loaded Dataset of ``path`` when the caller has it already (the CLI loads it to inspect it first)."""
    optuna_storage: str | None = None
    register: str | None = None
    plan_file: str | None = None
    raise_tracking_errors: bool = True

    @property
    def costs(self) -> bool:
        """Whether business costs were given (the table is then ranked by expected cost)."""
        return self.cost_fn is not None


def compare(path: str, target: str, positive: Any = None, **options: Any) -> CompareOutcome:
    """Nested CV of strategies × models on ``path`` within ``budget``; see the module docstring.

    Keyword arguments are the fields of :class:`CompareOptions` (an unknown one is a TypeError). When logging
    to MLflow fails, ``TrackingError`` is raised after everything else is written, or, with
    ``raise_tracking_errors=False``, the outcome is returned with the reason in ``tracking_error``.

    The plan is computed from the data's size (never from measured timings) and saved as ``plan.json`` in the
    output folder; a rerun reuses it (so a killed compare resumes), and ``plan_file`` pins one.
    """

    o = CompareOptions(positive=positive, **options)
    budget_s = parse_budget(o.budget)
    check_costs(o.cost_fn, o.cost_fp)
    started = time.monotonic()
    pinned = BudgetPlan.load(o.plan_file) if o.plan_file else None
    ds = o.ds if o.ds is not None else load_for_compare(path, target, positive)
    check_evaluable(ds, 3)
    strategies = requested_strategies(o)
    out, digest = output_folder(path, target, o, strategies, budget_s, pinned)
    base = EvalProtocol(
        metric=o.metric,
        seed=o.seed,
        cost_fn=o.cost_fn or 1.0,
        cost_fp=o.cost_fp or 1.0,
        threshold_objective="cost" if o.costs else "f1",
    )
    plan = _plan(out, pinned, budget_s, ds, strategies, list(o.models or DEFAULT_MODELS), o.jobs, base)
    if o.on_plan:
        o.on_plan(plan)
    suite = compare_suite(path, target, o, digest, plan)
    # no cell starts once the budget, less the final refit's share, is spent (they are left for a rerun)
    report = min(REPORT_SECONDS, REPORT_SHARE * budget_s)
    deadline = time.time() + DEADLINE_SLACK * budget_s - (time.monotonic() - started) - plan.final_seconds - report
    res = run_sweep(
        suite,
        out,
        deadline=deadline,
        jobs=o.jobs,
        on_progress=o.on_progress,
        tracking=o.tracking,
        tracking_uri=o.tracking_uri,
        raise_tracking_errors=False,
        extra_files={PLAN_FILE: json.dumps(plan.to_dict(), indent=2)},
        optuna_storage=o.optuna_storage,
    )
    outcome = _conclude(path, target, o, ds, out, plan, budget_s, started)
    return _track(outcome, res.tracking_error, suite, ds, o)


def requested_strategies(o: CompareOptions) -> list[str]:
    """The strategies asked for (the headline ones by default), ``none`` first, each but ``none`` with its
    decision threshold tuned on training rows (for F1, or expected cost with costs): a pair is then judged at its
    own operating point, as a practitioner would deploy it, and the exported model carries that threshold. A
    threshold does not move PR-AUC or ROC-AUC, so a ranking on them is unchanged."""
    return with_threshold(with_baseline(o.strategies or HEADLINE))


def output_folder(
    path: str, target: str, o: CompareOptions, strategies: list[str], budget_s: float, pinned: BudgetPlan | None
) -> tuple[Path, str]:
    """(the output folder, the file's digest): ``runs/compare-STEM-KEY`` keyed on everything that changes results."""

    digest = file_digest(path)
    request = {
        "file": digest,
        "target": target,
        "positive": o.positive,
        "metric": o.metric,
        "budget": budget_s,
        "models": list(o.models or DEFAULT_MODELS),
        "strategies": list(strategies),
        "cost_fn": o.cost_fn,
        "cost_fp": o.cost_fp,
        "seed": o.seed,
        "plan": pinned.to_dict() if pinned else None,
    }
    key = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()[:6]
    return Path(o.out or f"runs/compare-{Path(path).stem}-{key}"), digest


def compare_suite(path: str, target: str, o: CompareOptions, digest: str, plan: BudgetPlan) -> Any:
    """The one-dataset suite the plan runs (the file pinned by its digest)."""

    options: tuple[tuple[str, Any], ...] = (("sha256", digest), ("target", target))
    if o.positive is not None:
        options += (("positive", o.positive),)
    return validate(
        Suite(
            name=f"compare-{Path(path).stem}",
            datasets=(DatasetEntry(f"file:{Path(path).resolve()}", options),),
            strategies=tuple(plan.strategies or requested_strategies(o)),
            models=tuple(plan.models),
            protocol=plan.protocol,
            description=f"imbench compare on {path}, target {target}",
        )
    )


def _conclude(
    path: str, target: str, o: CompareOptions, ds: Any, out: Path, plan: BudgetPlan, budget_s: float, started: float
) -> CompareOutcome:
    """Rank, recommend, refit and export, write the report and ``recommendation.json``."""

    df = pd.read_parquet(out / "results.parquet")
    table = ranked_table(df, o.metric, o.costs)
    rec = recommend(table, df, o.metric, o.costs)
    exports: dict[str, Path] = {}
    decision = None
    if rec is not None:
        rec.gain_vs_none_estimate, rec.selection_aware = NAIVE, selection_summary(df, o.metric)
        rec.load = DataSource(f"file:{Path(path).resolve()}", target, o.positive)
        exports = export_recommended(ds, rec, plan.protocol, out)
        rec.cuts = list(plan.cuts)
        rec.estimated_seconds = round(plan.estimated_seconds, 1)
        rec.measured_seconds = round(time.monotonic() - started, 1)
        decision = DecisionBox.of(rec, budget_s, o.costs)
    lead = report_lead(decision, table, plan, o.metric, o.costs)
    exports.update(build_report(out, metric=o.metric, cost_fn=o.cost_fn, cost_fp=o.cost_fp, lead=lead))
    data = rec.to_dict() if rec is not None else {"cuts": plan.cuts}
    write_atomic(out / "recommendation.json", json.dumps(data, indent=2, default=str))
    exports["recommendation"] = out / "recommendation.json"
    exports["plan"] = out / PLAN_FILE
    return CompareOutcome(
        out, table, rec, plan, exports, decision=decision, budget_s=budget_s, seconds=time.monotonic() - started
    )


def _track(outcome: CompareOutcome, sweep_error: str, suite: Any, ds: Any, o: CompareOptions) -> CompareOutcome:
    """Log the suite run and the recommended model to MLflow (after everything else is written)."""

    if sweep_error:
        outcome.tracking_error = sweep_error + " (the ranking, recommendation and report are written)"
        if o.raise_tracking_errors:
            raise TrackingError(outcome.tracking_error)
        return outcome
    if o.tracking:  # after the report and the export: the suite run holds the report, a model run the pipeline
        outcome.mlflow_model = log_compare(outcome, suite, ds.X, o.tracking_uri, o.register)
    return outcome


def _plan(
    out: Path,
    pinned: BudgetPlan | None,
    budget_s: float,
    ds: Any,
    strategies: list[str],
    models: list[str],
    jobs: int,
    base: EvalProtocol,
) -> BudgetPlan:
    """The pinned plan, else the one a previous (killed) compare in ``out`` saved, else a new one; a kept plan
    takes this run's metric, seed and costs."""
    saved = out / PLAN_FILE
    kept = pinned if pinned is not None else (BudgetPlan.load(str(saved)) if saved.is_file() else None)
    if kept is None:
        return plan_budget(budget_s, ds.X, ds.y, strategies, models, jobs, base, categorical=list(ds.categorical))
    kept.protocol = replace(
        kept.protocol,
        metric=base.metric,
        seed=base.seed,
        cost_fn=base.cost_fn,
        cost_fp=base.cost_fp,
        threshold_objective=base.threshold_objective,
    )
    return kept


def with_threshold(strategies: Sequence[str]) -> list[str]:
    """Every strategy gets a tuned threshold (``X+threshold``: F1, or expected cost with business costs);
    ``none`` stays as it is: doing nothing at threshold 0.5, what gains and savings are measured against."""

    out = []
    for s in strategies:
        st = parse_strategy(s)
        keep = st.name == BASELINE or st.get("decision")
        out.append(st.name if keep else parse_strategy(f"{st.name}+threshold").name)
    return list(dict.fromkeys(out))
