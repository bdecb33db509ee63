"""Rendering for the CLI (rich): progress callbacks, headers, the end-of-run standing, listings.

Nothing here runs a sweep or a comparison: ``cli.py`` calls the API and hands the results to these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from imbench.core.schema import BASELINE, Status, metric_column
from imbench.evaluation.suites import Suite

if TYPE_CHECKING:
    from imbench.advice import Advice
    from imbench.sweep.run import SweepEvent, SweepResult


def console() -> Console:
    """The console for human output (stderr keeps stdout clean for pipes)."""
    return Console(stderr=False, highlight=False)


def sweep_header(suite: Suite, out: str, jobs: int) -> str:
    """One line saying what a sweep will run, then a line per note of the suite (``Suite.notes``)."""
    from rich.markup import escape

    p = suite.protocol
    notes = "".join(f"\nnote: {escape(n)}" for n in suite.notes)
    inner = p.inner_validation
    levers = [f"trials on ≤ {p.trial_rows:,} rows"] if p.trial_rows else []
    levers += ["ordinal codes for trees"] if p.tree_codes else []
    extra = f" ({', '.join(levers)})" if levers else ""
    return (
        f"[bold]{suite.name}[/]: {len(suite.datasets)} datasets × {len(suite.strategies)} strategies × "
        f"{len(suite.models)} models × {p.n_outer} outer folds; {p.n_trials} trials per cell on {inner}{extra}; "
        f"metric {p.metric}; seed {p.seed}; jobs {jobs} → {out}{notes}"
    )


@contextmanager
def sweep_progress(con: Console, quiet: bool, metric: str) -> Iterator[Callable[[SweepEvent], None]]:
    """A progress callback for ``run_sweep``: a live bar, or one plain line per cell when ``quiet``."""
    if quiet:

        def log_line(ev: SweepEvent) -> None:
            r = ev.row
            if r is None:
                con.print(f"{ev.done}/{ev.total} cells already done", highlight=False, soft_wrap=True)
                return
            val = r.get(metric_column(metric))
            score = f" {metric}={val:.4f}" if isinstance(val, float) else ""
            con.print(
                f"[{ev.done}/{ev.total}] {r['dataset']} {r['strategy']} {r['model']} fold {r['fold']}: "
                f"{r['status']}{score}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )

        yield log_line
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("cells"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failures {task.fields[failed]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=con, transient=False) as prog:
        task = prog.add_task("cells", total=None, failed=0)

        def update(ev: SweepEvent) -> None:
            if ev.row is None:  # first event: cells already in the store count as done
                prog.reset(task, total=ev.total, completed=ev.done, failed=ev.failed)
            else:
                prog.update(task, completed=ev.done, failed=ev.failed)

        yield update


def render_sweep(con: Console, result: SweepResult, wall: float, df: Any, metric: str) -> None:
    """Print what a finished sweep did: counts, what the run supports (``standing_table``), tracking note."""
    con.print(
        f"{result.computed} cells computed, {result.skipped_done} already done, in {wall:.1f} s; "
        f"status: {', '.join(f'{k} {v}' for k, v in sorted(result.status_counts.items()))}",
        soft_wrap=True,
    )
    con.print(standing_table(df, metric), soft_wrap=True)
    if result.tracking:
        con.print(result.tracking, soft_wrap=True)


def render_outputs(
    con: Console, result: SweepResult, report_paths: dict[str, Path] | None, report_up_to_date: Path | None
) -> None:
    """Print where the report and results are."""
    if report_up_to_date is not None:
        con.print(f"report up to date: {report_up_to_date}")
    for name, path in (report_paths or {}).items():
        con.print(f"{name}: {path}")
    con.print(f"results: {result.run_dir / 'results.parquet'}", soft_wrap=True)


MIN_RANKED = 6
"""Fewest independent blocks (datasets, or origins where datasets share one) a standing is printed for: below it
the exact signed-rank test cannot reach p < 0.05 at all (2/2^5 = 0.0625)."""


def standing_table(df: Any, metric: str) -> Table | str:
    """What a finished run supports, per model: each strategy ahead of, behind or not reliably different from
    ``none`` on ``metric``, with the median change over datasets (origins where datasets share one) and its 95 %
    bootstrap interval; Wilcoxon signed-rank, Benjamini–Hochberg over this table. A run with too few independent
    datasets (``quick``) gets a sentence instead: per-dataset "winners" are mostly noise (issue #30)."""
    from imbench.core.metrics import get_metric
    from imbench.reporting.load import fill_dataset_meta
    from imbench.reporting.tables.comparisons import adjust_by_question, compare_strategies
    from imbench.reporting.tables.groups import Group, dataset_meta

    m = get_metric(metric)
    df = fill_dataset_meta(df)
    if metric_column(m.name) not in df or not (df["status"] == Status.OK).any():
        return f"no ok cells with {m.name}: nothing to rank"
    meta = dataset_meta(df)
    comps = [
        compare_strategies(df, metric_column(m.name), m.greater, Group(model), meta, metric=m.name)
        for model in sorted(df["model"].unique())
    ]
    adjust_by_question({"run": comps})
    n = max((c.n_datasets for c in comps), default=0)
    unit = next((c.block_unit for c in comps if c.ok), "dataset")
    if n < MIN_RANKED:
        return (
            f"too few datasets to rank strategies: {n} {unit}{'s' if n != 1 else ''} (at least {MIN_RANKED} "
            f"independent ones are needed for a test); the per-dataset numbers are in the report"
        )
    t = Table(title=f"{m.label}: each strategy vs {BASELINE} over {unit}s (Wilcoxon, Benjamini–Hochberg)")
    for col in ("model", "strategy", "median Δ", "95 % interval", "q", "verdict"):
        t.add_column(col, justify="right" if col in ("median Δ", "95 % interval", "q") else "left", overflow="fold")
    for c in comps:
        if c.wilcoxon.empty:
            continue
        for r in c.wilcoxon.sort_values("median_diff", ascending=not m.greater).itertuples():
            sig = bool(r.significant)
            verdict = ("ahead" if r.better else "behind") if sig else "no reliable difference"
            t.add_row(
                c.group.model,
                str(r.strategy),
                f"{r.median_diff:+.3f}",
                f"[{r.median_ci_low:+.3f}, {r.median_ci_high:+.3f}]",
                "" if r.p_adj != r.p_adj else f"{r.p_adj:.2g}",
                verdict,
            )
    return t


def listing_table(what: str) -> Table:
    """A listing of strategies, models, dataset sources, suites or metrics."""
    return _LISTINGS.get(what, _list_metrics)()


def _table(*columns: str) -> Table:
    t = Table()
    for c in columns:
        t.add_column(c)
    return t


def _list_strategies() -> Table:
    from imbench.strategies import COMPONENTS, HEADLINE
    from imbench.strategies.none import SUMMARY

    t = _table("strategy", "family", "headline", "what it does")
    t.add_row(BASELINE, "baseline", "yes", SUMMARY)
    for name in sorted(COMPONENTS.names()):
        comp = COMPONENTS.get(name)
        t.add_row(name, comp.family, "yes" if name in HEADLINE else "", comp.summary)
    t.caption = "Compose with '+', at most one per family: smote+threshold, class_weight+threshold"
    return t


def _list_models() -> Table:
    from imbench.models import MODELS

    t = _table("model", "capabilities", "scaled inputs")
    for name in MODELS.names():
        spec = MODELS.get(name)
        t.add_row(name, ", ".join(sorted(spec.capabilities)), "yes" if spec.scale else "no")
    return t


def _list_datasets() -> Table:
    from imbench.datasets import list_sources

    t = _table("source", "datasets", "description")
    for row in list_sources():
        t.add_row(f"{row['prefix']}:", str(row["count"]) if row["count"] else "-", row["description"])
    t.caption = "Use as PREFIX:NAME, e.g. keel:ecoli4, synthetic:ir=100, file:data.csv"
    return t


def _list_suites() -> Table:
    from imbench.evaluation.suites import builtin_suites, load_suite

    t = _table("suite", "datasets", "strategies", "models", "description")
    for name in builtin_suites():
        s = load_suite(name)
        t.add_row(name, str(len(s.datasets)), str(len(s.strategies)), ",".join(s.models), s.description)
    return t


def _list_metrics() -> Table:
    from imbench.core.metrics import METRICS

    t = _table("metric", "label", "better", "uses threshold")
    for m in METRICS.values():
        t.add_row(m.name, m.label, "higher" if m.greater else "lower", "yes" if m.uses_threshold else "")
    return t


_LISTINGS: dict[str, Callable[[], Table]] = {
    "strategies": _list_strategies,
    "models": _list_models,
    "datasets": _list_datasets,
    "suites": _list_suites,
    "metrics": _list_metrics,
}


def _signed(x: float, digits: int = 3) -> str:
    """``+0.012``, and ``+0.000`` rather than ``-0.000``."""
    text = f"{x:+.{digits}f}"
    return "+" + text[1:] if float(text) == 0 else text


def render_advice(con: Console, adv: Advice) -> None:
    """Meta-features, nearest reference datasets, ranked strategies per model, the compare command to check it."""
    from rich.markup import escape

    from imbench.advice.advise import OBJECTIVE_LABEL
    from imbench.advice.metamodel import RANGE, K
    from imbench.advice.reference import LOWER_IS_BETTER

    def say(text: str) -> None:
        con.print(text, markup=False, highlight=False)

    m = adv.meta
    say(
        f"{adv.file}: {m.n} rows, {m.n_pos} positive (IR {m.ir:.1f}), {m.n_features} features "
        f"({m.categorical_share:.0%} categorical, {m.missing_share:.1%} cells missing)"
    )
    for n in adv.notes:
        say(f"note: {n}")
    say(
        f"overlap: F1 {m.f1:.2f}, N1 {m.n1:.2f}, N3 {m.n3:.2f}; positives safe {m.minority_safe:.0%}, "
        f"outliers {m.minority_outlier:.0%}; quick baseline PR-AUC {m.baseline_pr_auc:.3f}, "
        f"ROC-AUC {m.baseline_roc_auc:.3f} ({m.seconds:.1f}s)"
    )
    near = Table(title="Nearest reference datasets")
    near.add_column("dataset", overflow="fold")
    for c in ("distance", "n", "n_pos", "IR", "baseline PR-AUC"):
        near.add_column(c, justify="right")
    for nb in adv.neighbours:
        near.add_row(
            escape(nb.dataset),
            f"{nb.distance:.2f}",
            str(nb.meta.n),
            str(nb.meta.n_pos),
            f"{nb.meta.ir:.1f}",
            f"{nb.meta.baseline_pr_auc:.3f}",
        )
    con.print(near)
    label = OBJECTIVE_LABEL.get(adv.objective, f"expected cost ({adv.objective}, as share of a constant guess)")
    lower = adv.objective.startswith("cost_") or adv.objective in LOWER_IS_BETTER
    spread = f"{RANGE[0]:.0%}–{RANGE[1]:.0%} range"
    for ma in adv.models:
        con.print(f"[bold]{escape(ma.model)}: recommended {escape(ma.recommended)}[/] — {escape(ma.reason)}")
        if ma.validation:
            say(f"  validation: {ma.validation}")
        for w in ma.warnings:
            say(f"  warning: {w}")
        t = Table(title=f"{escape(ma.model)}: gain over {BASELINE} on {label}, on the {K} nearest datasets")
        t.add_column("strategy", no_wrap=True)
        for c in (f"mean gain [{spread}]", "datasets", "F1 gain", "Brier Δ"):
            t.add_column(c, justify="right", no_wrap=True)
        for e in ma.ranked:
            f1, br = ma.f1.get(e.strategy), ma.brier.get(e.strategy)
            t.add_row(
                escape(e.strategy) + (" ◀" if e.strategy == ma.recommended else ""),
                f"{_signed(e.gain)} [{_signed(e.low)}, {_signed(e.high)}]",
                str(e.neighbours),
                _signed(f1.gain) if f1 else "",
                _signed(-br.gain, 4) if br else "",
            )
        con.print(t)
    coverage = (
        f"; on held-out reference datasets it held {adv.range_coverage:.0%} of the gains, so read it as a rough guide"
        if adv.range_coverage is not None
        else ""
    )
    say(
        f"How to read it: gain = how much the strategy improves {label} over {BASELINE} with the same model "
        f"(positive = better{', i.e. a lower value' if lower else ''}), averaged over the "
        f"nearest reference datasets that measured it (column 'datasets'); the {spread} is the spread of their "
        f"gains{coverage}. F1 gain is at the strategy's own threshold; Brier Δ > 0 means worse-calibrated "
        "probabilities. Distance is in robust standard deviations of the meta-features (a reference dataset's "
        f"nearest dataset of another family is typically {adv.typical_distance:.1f} away). ◀ marks the recommendation."
    )
    say(
        "Meta-features: F1/N1/N3 near 0 = classes well separated, near 1 = overlapping; safe = positives whose five "
        "nearest neighbours are mostly positive, outliers = positives surrounded by negatives."
    )
    say(f"Check it on your data ({adv.seconds:.1f}s so far):")
    con.print(adv.compare_command, markup=False, highlight=False, soft_wrap=True)
