"""CPU seconds per cell with the fast tuning machinery on and off, side by side, on a fixed sample of keel cells.

Every cell (dataset × strategy × model, outer fold 0, the keel suite's protocol) runs twice in this
process, once with ``EvalProtocol(fast=True)`` and once with ``fast=False``, alternating which goes
first, under ``threadpool_limits(1)`` as in imbench's workers. CPU time is ``time.process_time``
(the machine is shared, so wall time would measure the neighbours). The model's own ``fit`` (the
estimator classes' ``fit``, outermost call, on the arrays the pipeline hands it) is timed the same
way, to show how much of a cell is left outside it.

Run: ``.venv/bin/python benchmarks/perf/cell_cost.py`` (about 10 minutes on 2 shared cores);
``--pruner halving`` compares a pruner instead of the fast switch (both sides fast);
``--trials 15 --inner-folds 3 --suffix _reference`` measures at the second reference run's budget.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report, loadavg

DATASETS = [
    "keel:glass0",
    "keel:ecoli_0_4_6_vs_5",
    "keel:yeast_1_vs_7",
    "keel:poker_9_vs_7",
    "keel:winequality_red_3_vs_5",
    "keel:poker_8_vs_6",
]
"""Six keel-suite datasets over the four imbalance tiers (low 1, medium 1, high 2, extreme 2), 203–1477 rows."""
MODELS = ["logreg", "random_forest", "xgboost", "lightgbm"]


class FitClock:
    """CPU seconds inside the models' own ``fit`` (outermost call only: an ensemble's members count once)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = 0

    def patch(self, cls: type) -> Callable[[], None]:
        original = cls.fit

        @functools.wraps(original)
        def fit(est: Any, *args: Any, **kw: Any) -> Any:
            self._depth += 1
            t0 = time.process_time()
            try:
                return original(est, *args, **kw)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.seconds += time.process_time() - t0

        cls.fit = fit  # type: ignore[method-assign]
        return lambda: setattr(cls, "fit", original)

    @contextmanager
    def installed(self) -> Iterator[FitClock]:
        from imblearn.ensemble import BalancedRandomForestClassifier
        from lightgbm import LGBMClassifier
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from xgboost import XGBClassifier

        undo = [
            self.patch(c)
            for c in (
                LogisticRegression,
                RandomForestClassifier,
                XGBClassifier,
                LGBMClassifier,
                BalancedRandomForestClassifier,
            )
        ]
        try:
            yield self
        finally:
            for u in reversed(undo):
                u()


def cell_cpu(ds: Any, strategy: str, model: str, protocol: Any, clock: FitClock) -> tuple[float, float, dict[str, Any]]:
    """(CPU seconds of the cell, of which inside model fits, result row)."""
    from imbench.evaluation.cell import CellKey, run_cell

    fit0 = clock.seconds
    t0 = time.process_time()
    row = run_cell(ds, CellKey(ds.name, strategy, model, 0), protocol).row
    return time.process_time() - t0, clock.seconds - fit0, row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="*", default=DATASETS)
    ap.add_argument("--models", nargs="*", default=MODELS)
    ap.add_argument("--pruner", default=None, help="compare this pruner against median (both sides fast)")
    ap.add_argument("--trials", type=int, default=None, help="trials per cell (default: the keel suite's)")
    ap.add_argument("--inner-folds", type=int, default=None, help="inner folds (default: the keel suite's)")
    ap.add_argument("--suffix", default="", help="appended to the results file name")
    args = ap.parse_args()

    from threadpoolctl import threadpool_limits

    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.suites import load_suite
    from imbench.strategies import HEADLINE

    base = load_suite("keel").protocol
    base = replace(base, n_trials=args.trials or base.n_trials, inner_folds=args.inner_folds or base.inner_folds)
    if args.pruner:
        sides = {
            "median": replace(base, fast=True, pruner="median"),
            args.pruner: replace(base, fast=True, pruner=args.pruner),
        }
    else:
        sides = {"fast": replace(base, fast=True), "off": replace(base, fast=False)}
    names = list(sides)
    rep = Report("cell_cost" + args.suffix)
    rep.out(
        f"protocol (keel suite's, trials/inner folds as given): {base.to_dict()}; outer fold 0; threadpool_limits(1); CPU = time.process_time"
    )
    rep.out(f"sides: {', '.join(f'{k}: fast={v.fast} pruner={v.pruner}' for k, v in sides.items())}")
    rep.out(
        f"datasets: {', '.join(args.datasets)}; models: {', '.join(args.models)}; strategies: {', '.join(HEADLINE)}"
    )
    rep.out("")
    clock = FitClock()
    rows: list[dict[str, Any]] = []
    with threadpool_limits(1), clock.installed():
        warm = load_dataset(args.datasets[0])
        for m in args.models:  # imports and first-call costs out of the measurement
            run_cell(warm, CellKey(warm.name, "none", m, 1), replace(base, n_trials=1))
        i = 0
        for name in args.datasets:
            ds = load_dataset(name)
            for model in args.models:
                for strategy in HEADLINE:
                    order = names if i % 2 == 0 else names[::-1]
                    i += 1
                    res: dict[str, Any] = {"dataset": name, "model": model, "strategy": strategy}
                    for side in order:
                        cpu, fit, row = cell_cpu(ds, strategy, model, sides[side], clock)
                        if row["status"] == "not_applicable":
                            break
                        res[side] = {
                            "cpu": cpu,
                            "fit": fit,
                            "status": row["status"],
                            "inner": row.get("inner_score", float("nan")),
                            "outer": row.get("test_average_precision", float("nan")),
                            "auc": row.get("test_roc_auc", float("nan")),
                            "pruned": row["trials_pruned"],
                            "failed": row["trials_failed"],
                        }
                    if all(s in res for s in names):
                        rows.append(res)
                        a, b = res[names[0]], res[names[1]]
                        rep.out(
                            f"{name:32s} {model:13s} {strategy:15s} {names[0]} {a['cpu']:6.2f} s "
                            f"AP {a['outer']:.3f} | {names[1]} {b['cpu']:6.2f} s AP {b['outer']:.3f}  "
                            f"load {loadavg()}"
                        )
    summarise(rep, rows, names)
    rep.save()


def summarise(rep: Report, rows: list[dict[str, Any]], names: list[str]) -> None:
    """Per-model and total CPU per cell, PR-AUC of both sides, the fit share and the paired AP difference."""
    import math

    ok = [r for r in rows if all(r[s]["status"] == "ok" for s in names)]
    rep.out("")
    not_ok = ", ".join(f"{s} {sum(r[s]['status'] != 'ok' for r in rows)}" for s in names)
    rep.out(f"cells: {len(rows)} applicable, {len(ok)} ok on both sides; not ok: {not_ok}")
    rep.out(
        f"{'model':14s} {'cells':>5s} "
        + " ".join(f"{s + ' CPU/cell':>14s} {s + ' fit share':>14s}" for s in names)
        + f" {'ratio':>6s}"
    )
    for model in [*sorted({r["model"] for r in ok}), "all"]:
        sel = [r for r in ok if model in ("all", r["model"])]
        cols = []
        for s in names:
            cpu = sum(r[s]["cpu"] for r in sel)
            fit = sum(r[s]["fit"] for r in sel)
            cols.append(f"{cpu / len(sel):12.2f} s {100 * fit / cpu:13.1f}%")
        ratio = sum(r[names[1]]["cpu"] for r in sel) / sum(r[names[0]]["cpu"] for r in sel)
        rep.out(f"{model:14s} {len(sel):5d} " + " ".join(cols) + f" {ratio:5.2f}x")
    for s in names:
        inner = statistics.fmean(r[s]["inner"] for r in ok if not math.isnan(r[s]["inner"]))
        outer = statistics.fmean(r[s]["outer"] for r in ok)
        pruned = statistics.fmean(r[s]["pruned"] for r in ok)
        failed = sum(r[s]["failed"] for r in ok)
        rep.out(
            f"{s}: mean inner PR-AUC {inner:.4f}, mean outer PR-AUC {outer:.4f}, "
            f"trials pruned/cell {pruned:.2f}, failed trials {failed}"
        )
    diffs = [r[names[0]]["outer"] - r[names[1]]["outer"] for r in ok]
    mean = statistics.fmean(diffs)
    se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else float("nan")
    rep.out(
        f"outer PR-AUC {names[0]} − {names[1]}: mean {mean:+.4f} (paired SE {se:.4f}, 95% CI "
        f"{mean - 1.96 * se:+.4f} to {mean + 1.96 * se:+.4f}), median {statistics.median(diffs):+.4f}, "
        f"higher/equal/lower {sum(d > 1e-9 for d in diffs)}/{sum(abs(d) <= 1e-9 for d in diffs)}/"
        f"{sum(d < -1e-9 for d in diffs)}"
    )
    total = [sum(r[s]["cpu"] for r in ok) for s in names]
    rep.verdict(f"CPU per cell, {names[1]} / {names[0]}", total[1] / total[0], 3.0, True, "x")
    constant = [f"{r['dataset']} {r['model']} {r['strategy']} ({s})" for r in ok for s in names if r[s]["auc"] == 0.5]
    rep.out(f"cells with constant scores (ROC-AUC exactly 0.5): {len(constant)} {'; '.join(constant)}")


if __name__ == "__main__":
    main()
