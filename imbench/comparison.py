"""``compare``: every applicable strategy × model on the user's own file, inside a time budget,
ranked with confidence intervals, with a recommended pipeline refit on all rows and exported."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imbench.budget import BudgetPlan, parse_budget, plan_budget
from imbench.evaluation.protocol import EvalProtocol
from imbench.export import TRUSTED_TYPES, exportable, trusted_types  # noqa: F401  (also public here)
from imbench.schema import BASELINE, DataSource, Recommendation

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
    """``imbench.mlflow_model.LoggedModel`` of the recommended pipeline, when logged to MLflow."""
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
    from imbench.datasets import check_evaluable
    from imbench.datasets.files import file_digest
    from imbench.errors import TrackingError
    from imbench.evaluation.evaluate import with_baseline
    from imbench.strategies import HEADLINE
    from imbench.suites import DatasetEntry, Suite, validate
    from imbench.sweep import run_sweep

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
        from imbench.reporting.selection import NAIVE, selection_summary

        rec.gain_vs_none_estimate, rec.selection_aware = NAIVE, selection_summary(df, metric)
        rec.load = DataSource(f"file:{Path(path).resolve()}", target, positive)
    exports = export_recommended(ds, rec, plan.protocol, out) if rec is not None else {}
    from imbench.reporting import build_report

    exports.update(build_report(out, metric=metric, cost_fn=cost_fn, cost_fp=cost_fp))
    from imbench.store import write_atomic

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
        from imbench.mlflow_model import log_compare

        outcome.mlflow_model = log_compare(outcome, suite, ds.X, tracking_uri, register)
    return outcome


def check_costs(cost_fn: float | None, cost_fp: float | None) -> None:
    """Both costs or neither (checked before any data is read)."""
    if (cost_fn is None) != (cost_fp is None):
        from imbench.errors import ConfigError

        raise ConfigError("give both --cost-fn and --cost-fp (or neither)")


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


def ranked_table(df: pd.DataFrame, metric: str, costs: bool = False) -> pd.DataFrame:
    """One row per strategy × model: mean and 95 % Nadeau–Bengio interval of the metric over outer folds, ranked.

    ``folds_ok`` counts ok folds with a finite metric (``aggregate_folds``): a fold whose metric is
    undefined does not make its pair complete, and does not turn the mean into NaN. Folds share training
    rows, so the interval uses the Nadeau–Bengio corrected resampled t, not the naive one.
    """
    from imbench.metrics import get_metric
    from imbench.reporting.stats import nadeau_bengio_interval
    from imbench.results import aggregate_folds

    m = get_metric(metric)
    n_folds = int(df["fold"].nunique())
    by = ["strategy", "model"]
    main = aggregate_folds(df, m.name, by)
    f1, cost = aggregate_folds(df, "f1", by), aggregate_folds(df, "expected_cost", by) if costs else None
    thr = aggregate_folds(df, "threshold", by)
    rows = []
    for (st, mo), g in df.groupby(by):
        a = main.loc[(st, mo)]
        mean, count = float(a["mean"]), int(a["count"])
        ok = g[g["status"] == "ok"]
        col = f"test_{m.name}"
        vals = pd.to_numeric(ok[col], errors="coerce").to_numpy(dtype=float) if col in ok else np.array([])
        vals = vals[np.isfinite(vals)]
        if count > 1 and np.std(vals) > 0:
            sizes = (ok["n_train"].mean(), ok["n_test"].mean()) if "n_train" in ok else (len(vals) - 1, 1)
            _, lo, hi = nadeau_bengio_interval(vals, float(sizes[0]), float(sizes[1]), bounds=m.bounds)
        else:
            lo = hi = mean
        row = {
            "strategy": st,
            "model": mo,
            "folds_ok": count,
            "folds": n_folds,
            "mean": mean,
            "ci_low": float(lo),
            "ci_high": float(hi),
            "f1": float(f1.loc[(st, mo), "mean"]),
            "threshold": float(thr.loc[(st, mo), "mean"]),
            "status": ",".join(sorted(set(g["status"]))),
            "error": next((e for e in g["error"] if e), ""),
        }
        if cost is not None:
            row["cost_per_1000"] = float(cost.loc[(st, mo), "mean"] * 1000)
        rows.append(row)
    t = pd.DataFrame(rows)
    # ties on the primary metric (e.g. PR-AUC of none and threshold, which only moves the cut-off)
    # are broken by the quality of the operating point: F1, or expected cost with costs
    keys, asc = (
        (["cost_per_1000", "mean"], [True, not m.greater]) if costs else (["mean", "f1"], [not m.greater, False])
    )
    t["mean"] = t["mean"].round(10)
    complete = t["folds_ok"] == t["folds"]
    t = pd.concat([t[complete].sort_values(keys, ascending=asc), t[~complete].sort_values(keys, ascending=asc)])
    t.insert(0, "rank", range(1, len(t) + 1))
    return t.reset_index(drop=True)


def recommend(table: pd.DataFrame, df: pd.DataFrame, metric: str, costs: bool) -> Recommendation | None:
    """The top complete row and its gain over ``none`` with the same model; None if no row is complete."""
    complete = table[table["folds_ok"] == table["folds"]]
    if complete.empty:
        return None
    best = complete.iloc[0]
    base = table[(table["strategy"] == BASELINE) & (table["model"] == best["model"])]
    rec = Recommendation.from_dict(
        {**{k: (v.item() if hasattr(v, "item") else v) for k, v in best.items()}, "metric": metric}
    )
    if not base.empty:
        b = base.iloc[0]
        rec.none_mean = float(b["mean"])
        rec.gain_vs_none = float(best["mean"] - b["mean"])
        rec.none_f1 = float(b["f1"])
        if costs:
            rec.none_cost_per_1000 = float(b["cost_per_1000"])
            rec.saving_per_1000 = float(b["cost_per_1000"] - best["cost_per_1000"])
    return rec


def final_context(ds: Any, protocol: EvalProtocol) -> dict[str, Any]:
    """The FitContext settings of the final refit (the rebuild script passes exactly these)."""
    return {
        "cost_fn": protocol.cost_fn,
        "cost_fp": protocol.cost_fp,
        "threshold_objective": protocol.threshold_objective,
        "inner_folds": protocol.inner_folds,
    }


def export_recommended(ds: Any, rec: Recommendation, protocol: EvalProtocol, out: Path) -> dict[str, Path]:
    """Tune the recommended pair on all rows (same inner CV and trials), refit, save with skops."""
    import skops.io as sio

    from imbench.evaluation.seeds import derive_seed
    from imbench.evaluation.tuning import pipeline_for, tune
    from imbench.models import MODELS
    from imbench.pipeline import context_for, split_columns
    from imbench.store import atomic_path, write_atomic
    from imbench.strategies import parse_strategy

    strategy, model = parse_strategy(rec.strategy), MODELS.get(rec.model)
    numeric, categorical = split_columns(ds.X, ds.categorical)
    ctx = context_for(ds.y, numeric, categorical, **final_context(ds, protocol))
    seed = derive_seed(protocol.seed, "final", rec.strategy, rec.model)
    tuned = tune(strategy, model, ds.X, ds.y, categorical, ctx, protocol, seed)
    pipe = pipeline_for(strategy, model, protocol, categorical, seed, **tuned.params)
    pipe.fit(ds.X, ds.y)
    rec.final_params = tuned.params
    rec.final_threshold = float(getattr(pipe, "best_threshold_", 0.5))
    rec.columns = [str(c) for c in ds.X.columns]
    rec.data_notes = list(getattr(ds, "notes", []))
    model_path = out / "model.skops"
    with atomic_path(model_path) as tmp:
        sio.dump(exportable(pipe.estimator_), tmp)
        trusted_types(tmp)  # never leave a file behind that the documented load would refuse
    snippet = out / "rebuild_pipeline.py"
    write_atomic(snippet, rebuild_script(ds, rec, protocol, seed, out))
    return {"model": model_path, "snippet": snippet}


def rebuild_script(ds: Any, rec: Recommendation, protocol: EvalProtocol, seed: int, out: Path) -> str:
    """The rebuild script's source. Every value that comes from the user (file path, column names, labels,
    notes) reaches it only inside one JSON document embedded with ``repr``: data, never code.

    The data file is found by its absolute path, else by its path from the script's own folder (``out``), so the
    script runs from any working directory and still finds the data after the project folder moved."""
    load = rec.load
    assert load is not None
    options: dict[str, Any] = {"target": load.target}
    if load.positive is not None:
        options["positive"] = load.positive
    data = Path(load.spec.removeprefix("file:"))
    spec = {
        "data": str(data),
        "data_from_here": os.path.relpath(data, out.resolve()),
        "options": options,
        "strategy": rec.strategy,
        "model": rec.model,
        "seed": seed,
        "context": final_context(ds, protocol),
        "params": rec.final_params,
    }
    cols = ", ".join(rec.columns[:12]) + (" …" if len(rec.columns) > 12 else "")
    doc = (
        f"Rebuild and refit the pipeline imbench recommended ({rec.strategy} × {rec.model}).\n\n"
        "Load the saved one instead with skops (the types it needs are listed in imbench.comparison.TRUSTED_TYPES):\n"
        "    import skops.io as sio\n"
        "    from imbench.comparison import trusted_types\n"
        '    model = sio.load("model.skops", trusted=trusted_types("model.skops"))\n'
        "    p = model.predict_proba(X)[:, 1]; y_hat = model.predict(X)  # "
        f"threshold {rec.final_threshold!r}\n"
        f"X must have the columns imbench used: {cols}\n"
        "(load new data with imbench.load_dataset to apply the same column handling: "
        f"{'; '.join(rec.data_notes) or 'none'}).\n"
    )
    return f"""{doc!r}
import json
import os

import imbench

SPEC = json.loads({json.dumps(spec, default=_plain)!r})
HERE = os.path.dirname(os.path.abspath(__file__))
data = SPEC["data"] if os.path.exists(SPEC["data"]) else os.path.join(HERE, SPEC["data_from_here"])

ds = imbench.load_dataset("file:" + data, **SPEC["options"])
pipe = imbench.build_pipeline(SPEC["strategy"], SPEC["model"], categorical=ds.categorical, seed=SPEC["seed"],
                              **SPEC["context"], **SPEC["params"])
pipe.fit(ds.X, ds.y)
print("decision threshold:", repr(float(pipe.threshold_)))
"""


def _plain(o: Any) -> Any:
    """numpy scalars as Python numbers in JSON (anything else as text)."""
    return o.item() if hasattr(o, "item") else str(o)
