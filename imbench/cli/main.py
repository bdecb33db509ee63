"""The ``imbench`` command: parses options, calls the API, renders with rich. Heavy imports are lazy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from imbench import __version__
from imbench.cli.options import (
    CLUSTER_OPTIONS,
    COMPARE_JOBS_OPTION,
    COST_OPTIONS,
    JOBS_OPTION,
    OVERRIDE_OPTIONS,
    SEARCH_OPTIONS,
    TRACKING_OPTIONS,
    Cluster,
    Costs,
    Overrides,
    Search,
    Target,
    Tracking,
    grouped,
    target_options,
)
from imbench.core.system import cpu_count


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _specs(value: str | None) -> list[str] | None:
    """Comma-separated dataset specs; a comma starts a new spec only before ``prefix:``, so
    ``synthetic:ir=10,n=300,keel:ecoli4`` is two specs."""
    import re

    return [v.strip() for v in re.split(r",(?=\s*[A-Za-z_][\w-]*:)", value) if v.strip()] if value else None


def _load_user_dataset(spec: str, target: str | None = None, positive: str | None = None) -> Any:
    """A dataset from a ``prefix:name`` spec, or from a CSV/Parquet path (``--target`` required)."""
    from imbench.datasets import SOURCES, load_dataset

    prefix, sep, _ = spec.partition(":")
    if sep and prefix in SOURCES:
        opts = {k: v for k, v in (("target", target), ("positive", positive)) if v is not None}
        return load_dataset(spec, **opts)
    return load_dataset(f"file:{spec}", target=target, positive=positive)


class Cli(click.Group):
    """Turns ImbenchError into a one-line message and exit code 2 (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        from imbench.core.errors import ImbenchError

        try:
            return super().invoke(ctx)
        except ImbenchError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="imbench")
def main() -> None:
    """imbench: which class-imbalance strategy works best where, measured with nested CV.

    \b
    imbench run quick                      run a benchmark suite (resumable)
    imbench compare data.csv --target y    compare strategies on your own data
    imbench report runs/quick              cheat-sheet and HTML report of a run
    imbench advise data.csv --target y     what the reference runs suggest, in seconds
    """


@main.command()
@click.argument("suite")
@click.option("--out", type=click.Path(file_okay=False), help="run directory [default: runs/SUITE]")
@JOBS_OPTION
@grouped("overrides", Overrides, OVERRIDE_OPTIONS)
@grouped("costs", Costs, COST_OPTIONS)
@grouped("tracking", Tracking, TRACKING_OPTIONS)
@grouped("cluster", Cluster, CLUSTER_OPTIONS)
@click.option("--report/--no-report", default=True, show_default=True, help="write the cheat-sheet and HTML report")
@click.option(
    "--recompute-changed",
    is_flag=True,
    help="recompute the cells of datasets whose content changed since the run directory was made",
)
@click.option("--quiet", "-q", is_flag=True, help="plain log lines instead of a live progress bar")
def run(
    suite: str,
    out: str | None,
    jobs: int,
    overrides: Overrides,
    costs: Costs,
    tracking: Tracking,
    cluster: Cluster,
    report: bool,
    recompute_changed: bool,
    quiet: bool,
) -> None:
    """Run (or resume) a benchmark SUITE: every dataset × strategy × model × outer fold."""
    import time
    import warnings

    import pandas as pd

    from imbench.cli.render import console, render_outputs, render_sweep, sweep_header, sweep_progress
    from imbench.evaluation.suites import SuiteWarning, load_suite
    from imbench.sweep.run import run_sweep

    with warnings.catch_warnings():  # the header prints the suite's notes once, instead of Python warnings
        warnings.simplefilter("ignore", SuiteWarning)
        o = overrides
        s = load_suite(suite).with_overrides(
            datasets=_specs(o.datasets),
            strategies=_csv(o.strategies),
            models=_csv(o.models),
            n_trials=o.n_trials,
            outer_folds=o.outer_folds,
            inner_folds=o.inner_folds,
            repeats=o.repeats,
            seed=o.seed,
            metric=o.metric,
            timeout_per_cell=o.timeout_per_cell,
            cost_fn=costs.cost_fn,
            cost_fp=costs.cost_fp,
        )
    run_dir, jobs, con = Path(out or f"runs/{s.name}"), jobs or cpu_count(), console()
    con.print(sweep_header(s, str(run_dir), jobs), soft_wrap=True)
    t0 = time.perf_counter()
    with sweep_progress(con, quiet, s.protocol.metric) as on_progress:
        result = run_sweep(
            s,
            run_dir,
            jobs=jobs,
            executor=cluster.executor,
            scheduler=cluster.scheduler,
            on_progress=on_progress,
            tracking=tracking.enabled,
            tracking_uri=tracking.tracking_uri,
            optuna_storage=tracking.optuna_storage,
            recompute_changed=recompute_changed,
            raise_tracking_errors=False,
        )
    wall = time.perf_counter() - t0
    render_sweep(con, result, wall, pd.read_parquet(run_dir / "results.parquet"), s.protocol.metric)
    up_to_date = report and _report_current(run_dir)
    paths = None
    if report and not up_to_date:
        from imbench.reporting import build_report

        paths = build_report(run_dir, metric=s.protocol.metric)
    render_outputs(con, result, paths, run_dir / "report" if up_to_date else None)
    if tracking.enabled and not result.tracking_error:  # after the report: the suite-level run holds it
        from imbench.tracking.runs import log_suite

        note = log_suite(run_dir, s, tracking.tracking_uri, paths, refresh=paths is not None or result.computed > 0)
        if note:
            con.print(note, soft_wrap=True)
    if result.tracking_error:
        from imbench.core.errors import TrackingError

        raise TrackingError(result.tracking_error + (" (the report is written)" if report else ""))


REPORT_FILES = ("cheatsheet.md", "report.html", "ranks.csv", "summary.csv", "status.csv")


def _report_current(run_dir: Any) -> bool:
    """Every report file exists and was written after the exports it reads (a run killed while writing its
    report, or one whose store changed, gets a new report)."""
    manifest = run_dir / "manifest.json"
    files = [run_dir / "report" / f for f in REPORT_FILES]
    if not manifest.exists() or not all(f.exists() for f in files):
        return False
    return min(f.stat().st_mtime_ns for f in files) >= manifest.stat().st_mtime_ns


def _report_folder(run_dir: Path) -> Path:
    """``RUN_DIR/report``, or ``./NAME-report`` (with a note) when that cannot be written: a published or archived
    run on a read-only disk still gets its report, and the note says where it went."""
    import os

    default = run_dir / "report"
    probe = default if default.is_dir() else run_dir
    if not probe.is_dir() or os.access(probe, os.W_OK):
        return default
    elsewhere = Path(f"{run_dir.resolve().name}-report")
    click.echo(f"note: {run_dir} is read-only; writing the report to {elsewhere} instead (choose with --out)", err=True)
    return elsewhere


@main.command(name="list")
@click.argument("what", type=click.Choice(["strategies", "models", "datasets", "suites", "metrics"]))
def list_(what: str) -> None:
    """List registered strategies, models, dataset sources, suites or metrics."""
    from imbench.cli.render import console, listing_table

    console().print(listing_table(what))


@main.command()
@click.argument("dataset")
@grouped("data", Target, target_options(required=False))
@click.option("--outer-folds", type=click.IntRange(2), default=5, show_default=True)
def inspect(dataset: str, data: Target, outer_folds: int) -> None:
    """Sanity checks of a DATASET spec (keel:ecoli4) or a CSV/Parquet file: class counts first."""
    from imbench.datasets.inspect import inspect_dataset

    ds = _load_user_dataset(dataset, data.target, data.positive)
    click.echo(inspect_dataset(ds, outer_folds=outer_folds).to_text())


@main.command()
@click.argument("run_dir", type=click.Path())
@click.option("--metric", default="average_precision", show_default=True, help="primary metric for ranks")
@click.option("--format", "formats", default="html,md", show_default=True, help="comma-separated: html, md")
@grouped("costs", Costs, COST_OPTIONS)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="report folder [default: RUN_DIR/report, or ./NAME-report when RUN_DIR is read-only]",
)
def report(run_dir: str, metric: str, formats: str, costs: Costs, out: str | None) -> None:
    """Cheat-sheet (Markdown), self-contained HTML report and CSV tables of a RUN_DIR (with costs, the expected
    cost is re-scored from the stored predictions)."""
    from imbench.reporting import build_report

    paths = build_report(
        run_dir,
        metric=metric,
        formats=tuple(_csv(formats) or ()),
        cost_fn=costs.cost_fn,
        cost_fp=costs.cost_fp,
        out_dir=out or _report_folder(Path(run_dir)),
    )
    for name, path in paths.items():
        click.echo(f"{name}: {path}")


@main.command()
@click.argument("file", type=click.Path())
@grouped("data", Target, target_options(required=True))
@grouped("search", Search, SEARCH_OPTIONS)
@grouped("costs", Costs, COST_OPTIONS)
@click.option("--out", type=click.Path(file_okay=False), help="output folder [default: runs/compare-FILE-HASH]")
@COMPARE_JOBS_OPTION
@click.option("--seed", type=int, default=0, show_default=True)
@grouped("tracking", Tracking, TRACKING_OPTIONS)
@click.option("--register", metavar="NAME", help="register the recommended model in the MLflow model registry as NAME")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar")
def compare(
    file: str,
    data: Target,
    search: Search,
    costs: Costs,
    out: str | None,
    jobs: int,
    seed: int,
    tracking: Tracking,
    register: str | None,
    quiet: bool,
) -> None:
    """Which strategy should you use on FILE? Ranked table, recommendation and exported pipeline."""
    target, positive, cost_fn, cost_fp = data.target or "", data.positive, costs.cost_fn, costs.cost_fp
    metric, budget, plan_file = search.metric, search.budget, search.plan_file
    if register and not tracking.enabled:
        from imbench.core.errors import ConfigError

        raise ConfigError("--register needs MLflow; leave out --no-mlflow")
    from imbench.cli.compare_view import compare_progress, plan_lines, render_compare
    from imbench.cli.render import console
    from imbench.comparison.budget import BudgetPlan, parse_budget
    from imbench.comparison.run import compare as run_compare
    from imbench.comparison.run import load_for_compare
    from imbench.core.metrics import check_costs, get_metric
    from imbench.datasets import check_evaluable
    from imbench.datasets.inspect import inspect_dataset

    con = console()
    budget_s = parse_budget(budget)  # a bad budget, metric, cost pair or plan fails before any work
    get_metric(metric)
    check_costs(cost_fn, cost_fp)
    if plan_file:
        BudgetPlan.load(plan_file)
    ds = load_for_compare(file, target, positive)
    check_evaluable(ds, 3)  # the fewest outer folds any budget uses
    con.print(inspect_dataset(ds, outer_folds=5).to_text(), markup=False, highlight=False)

    with compare_progress(con, quiet, budget_s) as on_progress:

        def on_plan(plan: BudgetPlan) -> None:
            on_progress.folds = plan.protocol.n_outer
            for line in plan_lines(plan, budget_s, cost_fn, cost_fp):
                con.print(line, markup=False, soft_wrap=True)

        res = run_compare(
            file,
            target,
            positive,
            metric=metric,
            budget=budget,
            models=_csv(search.models),
            strategies=_csv(search.strategies),
            cost_fn=cost_fn,
            cost_fp=cost_fp,
            out=out,
            jobs=jobs or cpu_count(),
            seed=seed,
            tracking=tracking.enabled,
            tracking_uri=tracking.tracking_uri,
            on_plan=on_plan,
            on_progress=on_progress,
            ds=ds,
            optuna_storage=tracking.optuna_storage,
            register=register,
            plan_file=plan_file,
            raise_tracking_errors=False,
        )
    render_compare(con, res, metric, costs=cost_fn is not None)
    for line in res.mlflow_model.usage() if res.mlflow_model is not None else []:
        con.print(line, markup=False, highlight=False, soft_wrap=True)
    if res.tracking_error:  # after the table: the ranking stands, the logging did not happen
        from imbench.core.errors import TrackingError

        raise TrackingError(res.tracking_error)


@main.command()
@click.argument("file", type=click.Path())
@grouped("data", Target, target_options(required=True))
@click.option("--model", help="advise for this model only, one of the reference runs' models [default: all of them]")
@grouped("costs", Costs, COST_OPTIONS)
@click.option("--json", "as_json", is_flag=True, help="print the advice as JSON")
def advise(file: str, data: Target, model: str | None, costs: Costs, as_json: bool) -> None:
    """What the reference runs suggest for FILE, in seconds, and how sure that is (writes nothing)."""
    from imbench.advice import advise as run_advise
    from imbench.cli.render import console, render_advice

    res = run_advise(file, data.target or "", data.positive, model=model, cost_fn=costs.cost_fn, cost_fp=costs.cost_fp)
    if as_json:
        import json

        click.echo(json.dumps(res.to_dict(), indent=2, default=str, allow_nan=False))
        return
    render_advice(console(), res)
