"""What ``imbench compare`` prints: the plan, progress (a bar on a terminal, a line per finished pair
elsewhere), the decision box first, then the ranked table (readable at 80 columns) and the files written."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from imbench.core.schema import BASELINE, Status

if TYPE_CHECKING:
    from imbench.comparison.budget import BudgetPlan
    from imbench.comparison.run import CompareOutcome


def plan_lines(plan: BudgetPlan, budget_s: float, cost_fn: float | None, cost_fp: float | None) -> list[str]:
    """What ``compare`` chose to fit its budget, and what it cut."""
    p = plan.protocol
    inner = p.inner_validation
    strategies = f"{len(plan.strategies)} strategies, " if plan.strategies else ""
    out = [
        f"plan: {strategies}{len(plan.models)} models ({', '.join(plan.models)}), {p.outer_folds}×{p.repeats} "
        f"outer folds, {inner}, {p.n_trials} trials per cell; estimated {plan.estimated_seconds:.0f}s of a "
        f"{budget_s:.0f}s budget"
    ]
    if cost_fn is not None:
        out.append(
            f"costs: a missed positive costs {cost_fn:g}, a false alarm {cost_fp:g}; every strategy but "
            f"{BASELINE} gets its threshold chosen by expected cost on training rows (X+threshold)"
        )
    return out + [f"cut: {c}" for c in plan.cuts]


class CompareProgress:
    """A progress callback for ``compare``: a transient bar on a terminal; elsewhere (logs, CI, notebooks) one
    line per finished strategy × model with the elapsed time against the budget. Nothing when quiet.
    ``folds`` (cells per pair) is set once the plan is known."""

    def __init__(self, con: Console, quiet: bool, budget_s: float) -> None:
        self.con, self.quiet, self.budget_s = con, quiet, budget_s
        self.folds = 0
        self.t0 = time.monotonic()
        self.done: Counter[tuple[str, str]] = Counter()
        self.bar: Any = None

    def __call__(self, ev: Any) -> None:
        if self.quiet:
            return
        if not self.con.is_terminal:
            self.line(ev)
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress(
                BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=self.con, transient=True
            )
            self.bar.start()
            self.task = self.bar.add_task("cells", total=ev.total)
        self.bar.update(self.task, completed=ev.done)

    def line(self, ev: Any) -> None:
        row = getattr(ev, "row", None)
        if not row:
            return
        pair = (str(row["strategy"]), str(row["model"]))
        self.done[pair] += 1
        if self.done[pair] == self.folds:
            self.con.print(
                f"done {pair[0]} × {pair[1]} ({self.folds} folds): {ev.done}/{ev.total} cells, "
                f"{time.monotonic() - self.t0:.0f}s of the {self.budget_s:.0f}s budget",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )


@contextmanager
def compare_progress(con: Console, quiet: bool, budget_s: float) -> Iterator[CompareProgress]:
    """A ``CompareProgress`` whose bar (if any) is stopped on the way out."""
    progress = CompareProgress(con, quiet, budget_s)
    try:
        yield progress
    finally:
        if progress.bar is not None:
            progress.bar.stop()


def render_compare(con: Console, res: CompareOutcome, metric: str, costs: bool) -> None:
    """Print the decision box, the ranked table, not-applicable pairs and the exported files."""
    from imbench.comparison.decision import decision_lines
    from imbench.core.metrics import get_metric

    def say(text: str) -> None:  # whole lines: a log keeps them greppable, a terminal wraps them itself
        con.print(text, markup=False, highlight=False, soft_wrap=True)

    rec = res.recommendation
    if rec is None:
        say("no strategy × model completed every fold; see the status column")
    else:
        for text in decision_lines(rec, res.budget_s, costs):
            say(text)
        for cut in res.plan.cuts:
            if "UNTUNED" in cut or "barely tuned" in cut:  # the verdict is untuned: say so beside it
                say(f"  note: {cut}")
    m = get_metric(metric)
    short = {"average_precision": "PR-AUC", "roc_auc": "ROC-AUC"}.get(m.name, m.name)
    ranked_by = "cost/1000 cases" if costs else short
    t = Table(
        title=f"ranked by {ranked_by}, 95 % CI over {int(res.table['folds'].max())} outer folds", title_justify="left"
    )
    cols = ["#", "strategy", "model", short] + (["cost/1000"] if costs else []) + ["95 % CI", "F1", "thr", "status"]
    for c in cols:
        t.add_column(c, justify="left" if c in ("strategy", "model", "status") else "right", no_wrap=c != "status")
    na = res.table[res.table["status"] == Status.NOT_APPLICABLE]
    for _, r in res.table[res.table["status"] != Status.NOT_APPLICABLE].iterrows():
        status = "ok" if r["status"] == Status.OK else f"{r['status']}: {r['error'][:40]}"
        ci = (r["cost_ci_low"], r["cost_ci_high"]) if costs and "cost_ci_low" in r else (r["ci_low"], r["ci_high"])
        cells = [str(r["rank"]), r["strategy"], r["model"], f"{r['mean']:.4f}"]
        if costs:
            cells.append(f"{r['cost_per_1000']:.1f}")
        cells += [
            f"{ci[0]:.{1 if costs else 3}f}–{ci[1]:.{1 if costs else 3}f}",
            f"{r['f1']:.3f}",
            f"{r['threshold']:.2f}",
        ]
        t.add_row(*cells, status)
    con.print(t)
    for _, r in na.iterrows():
        say(f"{r['strategy']} × {r['model']}: {r['error']}")
    for name, path in res.exports.items():
        say(f"{name}: {path}")
