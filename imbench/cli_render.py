"""Rendering for the CLI: progress bar, summary and winners tables, listings (rich)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from imbench.suites import Suite


def console() -> Console:
    """The console for human output (stderr keeps stdout clean for pipes)."""
    return Console(stderr=False, highlight=False)


def load_user_dataset(spec: str, target: str | None = None, positive: str | None = None) -> Any:
    """A dataset from a ``prefix:name`` spec, or from a CSV/Parquet path (``--target`` required)."""
    from imbench.datasets import SOURCES, _load_sources, load_dataset

    _load_sources()
    prefix, sep, _ = spec.partition(":")
    if sep and prefix in SOURCES:
        opts = {k: v for k, v in (("target", target), ("positive", positive)) if v is not None}
        return load_dataset(spec, **opts)
    return load_dataset(f"file:{spec}", target=target, positive=positive)


def render_run(suite: Suite, out: str, *, jobs: int, executor: str, scheduler: str | None, tracking: bool,
               tracking_uri: str | None, quiet: bool, report: bool, con: Console) -> None:
    """Run a sweep with a live progress bar (or plain lines), then print summary, winners and paths."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from imbench.sweep import SweepEvent, run_sweep

    p = suite.protocol
    con.print(f"[bold]{suite.name}[/]: {len(suite.datasets)} datasets × {len(suite.strategies)} strategies × "
              f"{len(suite.models)} models × {p.n_outer} outer folds; {p.n_trials} trials × {p.inner_folds} inner "
              f"folds per cell; metric {p.metric}; seed {p.seed}; jobs {jobs} → {out}", soft_wrap=True)
    t0 = time.perf_counter()
    if quiet:
        def on_progress(ev: SweepEvent) -> None:
            r = ev.row
            if r is None:
                con.print(f"{ev.done}/{ev.total} cells already done", highlight=False, soft_wrap=True)
                return
            val = r.get(f"test_{p.metric}")
            score = f" {p.metric}={val:.4f}" if isinstance(val, float) else ""
            con.print(f"[{ev.done}/{ev.total}] {r['dataset']} {r['strategy']} {r['model']} fold {r['fold']}: "
                      f"{r['status']}{score}", highlight=False, markup=False, soft_wrap=True)
        result = run_sweep(suite, out, jobs=jobs, executor=executor, scheduler=scheduler, on_progress=on_progress,
                           tracking=tracking, tracking_uri=tracking_uri)
    else:
        columns = (TextColumn("cells"), BarColumn(), MofNCompleteColumn(), TextColumn("failures {task.fields[failed]}"),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
        with Progress(*columns, console=con, transient=False) as prog:
            task = prog.add_task("cells", total=None, failed=0)

            def on_progress(ev: SweepEvent) -> None:
                if ev.row is None:  # first event: cells already in the store count as done
                    prog.reset(task, total=ev.total, completed=ev.done, failed=ev.failed)
                else:
                    prog.update(task, completed=ev.done, failed=ev.failed)

            result = run_sweep(suite, out, jobs=jobs, executor=executor, scheduler=scheduler,
                               on_progress=on_progress, tracking=tracking, tracking_uri=tracking_uri)
    wall = time.perf_counter() - t0
    con.print(f"{result.computed} cells computed, {result.skipped_done} already done, in {wall:.1f} s; "
              f"status: {', '.join(f'{k} {v}' for k, v in sorted(result.status_counts.items()))}", soft_wrap=True)
    import pandas as pd

    df = pd.read_parquet(Path(out) / "results.parquet")
    con.print(winners_table(df, p.metric))
    if result.tracking:
        con.print(result.tracking, soft_wrap=True)
    cheatsheet = Path(out) / "report" / "cheatsheet.md"
    if report and result.computed == 0 and cheatsheet.exists() and \
            cheatsheet.stat().st_mtime >= (Path(out) / "results.parquet").stat().st_mtime:
        con.print(f"report up to date: {cheatsheet.parent}")
    elif report:
        from imbench.report import build_report

        paths = build_report(out, metric=p.metric)
        for name, path in paths.items():
            con.print(f"{name}: {path}")
    con.print(f"results: {Path(out) / 'results.parquet'}", soft_wrap=True)


def winners_table(df: Any, metric: str) -> Table:
    """Best strategy per dataset × model on ``metric`` (mean over ok folds), against ``none``."""
    from imbench.evaluation.metrics import get_metric

    m = get_metric(metric)
    col = f"test_{m.name}"
    t = Table(title=f"Winners by mean {m.name} over outer folds ({'higher' if m.greater else 'lower'} is better)")
    for c in ("dataset", "IR", "model", "best strategy", m.name, "none", "gain", "not run / failed"):
        t.add_column(c, justify="right" if c in ("IR", m.name, "none", "gain") else "left")
    ok = df[df["status"] == "ok"]
    if ok.empty or col not in ok:
        return t
    means = ok.groupby(["dataset", "model", "strategy"])[col].mean()
    n_folds = df["fold"].nunique()
    full = ok.groupby(["dataset", "model", "strategy"])[col].count() == n_folds
    for (ds, mo), g in means[full[full].index].groupby(level=[0, 1]):
        g = g.droplevel([0, 1])
        best = g.idxmax() if m.greater else g.idxmin()
        base = g.get("none", float("nan"))
        bad = df[(df["dataset"] == ds) & (df["model"] == mo) & (df["status"].isin(["failed", "timeout"]))]
        ir = df.loc[df["dataset"] == ds, "ir"].iloc[0]
        t.add_row(ds, f"{ir:.0f}", mo, best, f"{g[best]:.4f}", f"{base:.4f}", f"{g[best] - base:+.4f}",
                  ", ".join(sorted(set(bad["strategy"]))) or "")
    return t


def render_list(what: str) -> None:
    """Print a listing of strategies, models, dataset sources, suites or metrics."""
    con = console()
    t = Table()
    if what == "strategies":
        from imbench.strategies import COMPONENTS, HEADLINE
        from imbench.strategies.none import SUMMARY

        for c in ("strategy", "family", "headline", "what it does"):
            t.add_column(c)
        t.add_row("none", "baseline", "yes", SUMMARY)
        for name in sorted(COMPONENTS.names()):
            comp = COMPONENTS.get(name)
            t.add_row(name, comp.family, "yes" if name in HEADLINE else "", comp.summary)
        t.caption = "Compose with '+', at most one per family: smote+threshold, class_weight+threshold"
    elif what == "models":
        from imbench.models import MODELS

        for c in ("model", "capabilities", "scaled inputs"):
            t.add_column(c)
        for name in MODELS.names():
            spec = MODELS.get(name)
            t.add_row(name, ", ".join(sorted(spec.capabilities)), "yes" if spec.scale else "no")
    elif what == "datasets":
        from imbench.datasets import list_sources

        for c in ("source", "datasets", "description"):
            t.add_column(c)
        for row in list_sources():
            t.add_row(f"{row['prefix']}:", str(row["count"]) if row["count"] else "-", row["description"])
        t.caption = "Use as PREFIX:NAME, e.g. keel:ecoli4, synthetic:ir=100, file:data.csv"
    elif what == "suites":
        from imbench.suites import builtin_suites, load_suite

        for c in ("suite", "datasets", "strategies", "models", "description"):
            t.add_column(c)
        for name in builtin_suites():
            s = load_suite(name)
            t.add_row(name, str(len(s.datasets)), str(len(s.strategies)), ",".join(s.models), s.description)
    else:
        from imbench.evaluation.metrics import METRICS

        for c in ("metric", "better", "uses threshold"):
            t.add_column(c)
        for m in METRICS.values():
            t.add_row(m.name, "higher" if m.greater else "lower", "yes" if m.uses_threshold else "")
    con.print(t)


def render_compare(file: str, *, target: str, positive: str | None, metric: str, budget: str,
                   models: list[str] | None, strategies: list[str] | None, cost_fn: float | None,
                   cost_fp: float | None, out: str | None, jobs: int, seed: int, tracking: bool,
                   tracking_uri: str | None, quiet: bool, con: Console) -> None:
    """Inspect the file, run the comparison with progress, print the ranked table and recommendation."""
    from imbench.budget import BudgetPlan, parse_budget
    from imbench.compare import compare, load_for_compare
    from imbench.datasets.inspect import inspect_dataset
    from imbench.evaluation.metrics import get_metric

    parse_budget(budget)  # a bad budget fails before any work
    get_metric(metric)
    ds = load_for_compare(file, target, positive)
    from imbench.datasets import check_evaluable

    check_evaluable(ds, 3)  # the fewest outer folds any budget uses
    con.print(inspect_dataset(ds, outer_folds=5).to_text(), markup=False, highlight=False)

    def on_plan(plan: BudgetPlan) -> None:
        p = plan.protocol
        con.print(f"plan: {len(plan.models)} models ({', '.join(plan.models)}), {p.outer_folds}×{p.repeats} outer "
                  f"folds, {p.inner_folds} inner folds, {p.n_trials} trials per cell; estimated "
                  f"{plan.estimated_seconds:.0f}s of a {parse_budget(budget):.0f}s budget")
        if cost_fn is not None:
            con.print(f"costs: a missed positive costs {cost_fn:g}, a false alarm {cost_fp:g}; every strategy but "
                      "none gets its threshold chosen by expected cost on training rows (X+threshold)")
        for c in plan.cuts:
            con.print(f"cut: {c}", markup=False)

    bar: dict[str, Any] = {}

    def on_progress(ev: Any) -> None:
        if quiet:
            return
        if "p" not in bar:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            bar["p"] = Progress(BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=con, transient=True)
            bar["p"].start()
            bar["t"] = bar["p"].add_task("cells", total=ev.total)
        bar["p"].update(bar["t"], completed=ev.done)

    try:
        res = compare(file, target, positive, metric=metric, budget=budget, models=models, strategies=strategies,
                      cost_fn=cost_fn, cost_fp=cost_fp, out=out, jobs=jobs, seed=seed, tracking=tracking,
                      tracking_uri=tracking_uri, on_plan=on_plan, on_progress=on_progress, ds=ds)
    finally:
        if "p" in bar:
            bar["p"].stop()
    m = get_metric(metric)
    costs = cost_fn is not None
    t = Table(title=f"Strategies × models ranked by {'expected cost per 1,000 cases' if costs else 'mean ' + m.name} "
                    f"(95 % CI over {int(res.table['folds'].max())} outer folds)")
    cols = ["rank", "strategy", "model", m.name, "95 % CI", "F1", "threshold"] + (["cost/1000"] if costs else []) + ["status"]
    for c in cols:
        t.add_column(c, justify="right" if c not in ("strategy", "model", "status") else "left")
    na = res.table[res.table["status"] == "not_applicable"]
    for _, r in res.table[res.table["status"] != "not_applicable"].iterrows():
        status = r["status"] if r["status"] == "ok" else f"{r['status']}: {r['error'][:80]}"
        cells = [str(r["rank"]), r["strategy"], r["model"], f"{r['mean']:.4f}",
                 f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}]", f"{r['f1']:.3f}", f"{r['threshold']:.3f}"]
        if costs:
            cells.append(f"{r['cost_per_1000']:.1f}")
        t.add_row(*cells, status)
    con.print(t)
    for _, r in na.iterrows():
        con.print(f"{r['strategy']} × {r['model']}: {r['error']}", markup=False, highlight=False)
    rec = res.recommendation
    if not rec:
        con.print("no strategy × model completed every fold; see the status column")
        return
    gain = rec.get("gain_vs_none")
    con.print(f"[bold]Recommended:[/] {rec['strategy']} with {rec['model']}: {m.name} {rec['mean']:.4f} "
              f"[{rec['ci_low']:.3f}, {rec['ci_high']:.3f}]"
              + (f", {gain:+.4f} vs doing nothing ({rec['none_mean']:.4f}); F1 {rec['f1']:.3f} vs "
                 f"{rec['none_f1']:.3f} for doing nothing" if gain is not None else ""))
    sel = rec.get("selection_aware") or {}
    if gain is not None and "gain_vs_none" in sel:
        con.print(f"Gain above is {rec['gain_vs_none_estimate']}. Selection-aware estimate ({sel['estimate']}): "
                  f"{sel['gain_vs_none']:+.4f} [{sel['gain_ci_low']:.3f}, {sel['gain_ci_high']:.3f}]", markup=False)
    how = ("chosen by cross-validation on all rows" + (" to minimise expected cost" if costs else " to maximise F1")
           if "threshold" in rec["strategy"].split("+") else "the default 0.5: this strategy does not tune it")
    con.print(f"Operating threshold: {rec['final_threshold']:.4f} ({how})")
    if costs and "saving_per_1000" in rec:
        con.print(f"Expected cost per 1,000 cases: {rec['cost_per_1000']:.1f} vs {rec['none_cost_per_1000']:.1f} "
                  f"for the unbalanced baseline (saving {rec['saving_per_1000']:.1f})")
    for name, path in res.exports.items():
        con.print(f"{name}: {path}")
