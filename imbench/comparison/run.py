"""``compare``: every applicable strategy × model on the user's own file, inside a time budget,
ranked with confidence intervals, with a recommended pipeline refit on all rows and exported."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from imbench.comparison.budget import BudgetPlan, parse_budget, plan_budget
from imbench.comparison.ranking import ranked_table, recommend
from imbench.comparison.refit import export_recommended
from imbench.core.metrics import check_costs
from imbench.core.schema import BASELINE, DataSource, Recommendation
from imbench.evaluation.protocol import EvalProtocol

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


def load_for_compare(path: str, target: str | None, positive: Any = None) -> Any:
    """The user's file as a Dataset (every validation error is a one-line DataValidationError)."""
    from imbench.datasets import load_dataset

    return load_dataset(f"file:{path}", target=target, positive=positive)


PLAN_FILE = "plan.json"


def compare(
    path: str,
    target: str,
    positive: Any = None,
    metric: str = "average_precision",
    budget: str = "10m",
    models: Sequence[str] | None = None,
    strategies: Sequence[str] | None = None,
    cost_fn: float | None = None,
    cost_fp: float | None = None,
    out: str | Path | None = None,
    jobs: int = 1,
    seed: int = 0,
    tracking: bool = True,
    tracking_uri: str | None = None,
    on_plan: Callable[[BudgetPlan], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
    ds: Any = None,
    optuna_storage: str | None = None,
    register: str | None = None,
    plan_file: str | None = None,
    raise_tracking_errors: bool = True,
) -> CompareOutcome:
    """Nested CV of strategies × models on ``path`` within ``budget``; see the module docstring.

    When logging to MLflow fails, ``TrackingError`` is raised after everything else is written, or, with
    ``raise_tracking_errors=False``, the outcome is returned with the reason in ``tracking_error``.

    The plan is computed from the data's size (never from measured timings) and saved as ``plan.json`` in the
    output folder; a rerun reuses it (so a killed compare resumes), and ``plan_file`` pins one.
    """
    from imbench.core.errors import TrackingError
    from imbench.datasets import check_evaluable
    from imbench.datasets.files import file_digest
    from imbench.evaluation.plan import with_baseline
    from imbench.evaluation.suites import DatasetEntry, Suite, validate
    from imbench.strategies import HEADLINE
    from imbench.sweep.run import run_sweep

    budget_s = parse_budget(budget)
    check_costs(cost_fn, cost_fp)
    pinned = BudgetPlan.load(plan_file) if plan_file else None
    ds = ds if ds is not None else load_for_compare(path, target, positive)
    check_evaluable(ds, 3)
    costs = cost_fn is not None
    base = EvalProtocol(
        metric=metric,
        seed=seed,
        cost_fn=cost_fn or 1.0,
        cost_fp=cost_fp or 1.0,
        threshold_objective="cost" if costs else "f1",
    )
    strategies = with_baseline(strategies or HEADLINE)
    if costs:
        strategies = with_threshold(strategies)
    digest = file_digest(path)
    stem = Path(path).stem
    request = {
        "file": digest,
        "target": target,
        "positive": positive,
        "metric": metric,
        "budget": budget_s,
        "models": list(models or DEFAULT_MODELS),
        "strategies": list(strategies),
        "cost_fn": cost_fn,
        "cost_fp": cost_fp,
        "seed": seed,
        "plan": pinned.to_dict() if pinned else None,
    }
    key = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()[:6]
    out = Path(out or f"runs/compare-{stem}-{key}")
    saved = out / PLAN_FILE
    if pinned is not None:
        plan = pinned
    elif saved.is_file():  # a rerun (or a resumed, killed compare) keeps the plan it started with
        plan = BudgetPlan.load(str(saved))
    else:
        plan = plan_budget(
            budget_s,
            ds.X,
            ds.y,
            strategies,
            list(models or DEFAULT_MODELS),
            jobs,
            base,
            categorical=list(ds.categorical),
        )
        if plan.protocol.outer_folds > ds.n_pos:
            plan.cuts.append(f"outer folds cut to {ds.n_pos} (one positive per test fold at least)")
            plan.protocol = replace(plan.protocol, outer_folds=ds.n_pos)
    if pinned is not None or saved.is_file():
        plan.protocol = replace(
            plan.protocol,
            metric=metric,
            seed=seed,
            cost_fn=base.cost_fn,
            cost_fp=base.cost_fp,
            threshold_objective=base.threshold_objective,
        )
    if on_plan:
        on_plan(plan)
    options: tuple[tuple[str, Any], ...] = (("sha256", digest), ("target", target))
    if positive is not None:
        options += (("positive", positive),)
    suite = validate(
        Suite(
            name=f"compare-{stem}",
            datasets=(DatasetEntry(f"file:{Path(path).resolve()}", options),),
            strategies=tuple(strategies),
            models=tuple(plan.models),
            protocol=plan.protocol,
            description=f"imbench compare on {path}, target {target}",
        )
    )
    res = run_sweep(
        suite,
        out,
        jobs=jobs,
        on_progress=on_progress,
        tracking=tracking,
        tracking_uri=tracking_uri,
        raise_tracking_errors=False,
        extra_files={PLAN_FILE: json.dumps(plan.to_dict(), indent=2)},
        optuna_storage=optuna_storage,
    )
    df = pd.read_parquet(out / "results.parquet")
    table = ranked_table(df, metric, costs)
    rec = recommend(table, df, metric, costs)
    if rec is not None:
        from imbench.reporting.statistics.selection import NAIVE, selection_summary

        rec.gain_vs_none_estimate, rec.selection_aware = NAIVE, selection_summary(df, metric)
        rec.load = DataSource(f"file:{Path(path).resolve()}", target, positive)
    exports = export_recommended(ds, rec, plan.protocol, out) if rec is not None else {}
    from imbench.reporting import build_report

    exports.update(build_report(out, metric=metric, cost_fn=cost_fn, cost_fp=cost_fp))
    from imbench.core.files import write_atomic

    if rec is not None:
        rec.cuts = list(plan.cuts)
    data = rec.to_dict() if rec is not None else {"cuts": plan.cuts}
    write_atomic(out / "recommendation.json", json.dumps(data, indent=2, default=str))
    exports["recommendation"] = out / "recommendation.json"
    exports["plan"] = saved
    outcome = CompareOutcome(out, table, rec, plan, exports)
    if res.tracking_error:
        outcome.tracking_error = res.tracking_error + " (the ranking, recommendation and report are written)"
        if raise_tracking_errors:
            raise TrackingError(outcome.tracking_error)
        return outcome
    if tracking:  # after the report and the export: the suite run holds the report, a model run the pipeline
        from imbench.tracking.logged_model import log_compare

        outcome.mlflow_model = log_compare(outcome, suite, ds.X, tracking_uri, register)
    return outcome


def with_threshold(strategies: Sequence[str]) -> list[str]:
    """With business costs, every strategy gets the cost-minimising threshold (``X+threshold``);
    ``none`` stays as it is: the unbalanced baseline at threshold 0.5 that savings are measured against."""
    from imbench.strategies import parse_strategy

    out = []
    for s in strategies:
        st = parse_strategy(s)
        keep = st.name == BASELINE or st.get("decision")
        out.append(st.name if keep else parse_strategy(f"{st.name}+threshold").name)
    return list(dict.fromkeys(out))
