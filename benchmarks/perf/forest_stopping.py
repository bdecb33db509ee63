"""Why the random forest does not stop early: paired outer PR-AUC of trial-forest shortcuts against the full search.

The fast protocol once grew each trial's forest in stages (25, 50, 100, 200 trees, stopping when the
inner-validation log-loss gained < 0.002) and refitted with the size kept; a cheaper variant fits
every trial forest with 32 trees and refits with 100. Both are compared here with the plain search
(``n_estimators`` drawn from 50-200 in every trial, ``fast=False``) on the same keel cells. To pair
the comparison, every side draws ``n_estimators`` from the same Optuna stream (the shortcuts then
ignore it), so all sides try the same depth / leaf / feature settings and differ only in how a
trial's forest is grown and the refit's size.

Run: ``.venv/bin/python benchmarks/perf/forest_stopping.py`` (about 6 CPU-minutes).
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report
from cell_cost import DATASETS

STRATEGIES = ["none", "smote", "adasyn", "class_weight", "threshold"]
STAGES = (25, 50, 100, 200)
MIN_GAIN = 0.002


def staged(estimator: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> int:
    """The removed rule: grow in stages while the validation log-loss gains at least MIN_GAIN."""
    from sklearn.metrics import log_loss

    estimator.set_params(warm_start=True)
    best, kept = float("inf"), STAGES[0]
    for n in STAGES:
        estimator.set_params(n_estimators=n).fit(X, y)
        loss = log_loss(y_val, estimator.predict_proba(X_val)[:, 1], labels=[0, 1])
        if loss > best - MIN_GAIN:
            break
        best, kept = loss, n
    estimator.estimators_ = estimator.estimators_[:kept]
    estimator.set_params(n_estimators=kept, warm_start=False)
    return kept


def fixed(estimator: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> int:
    """32 trees per trial forest, 100 in the refit."""
    estimator.set_params(n_estimators=32).fit(X, y)
    return 100


def main() -> None:
    from threadpoolctl import threadpool_limits

    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.suites import load_suite
    from imbench.models.random_forest import RandomForest

    base = load_suite("keel").protocol
    plain_suggest = RandomForest.suggest

    def suggest(self: Any, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        drawn = plain_suggest(self, trial)
        if early_stopping:  # drawn (same stream) but not used
            drawn.pop("n_estimators")
        return drawn

    def defaults(self: Any, early_stopping: bool = False) -> dict[str, Any]:
        return {k: v for k, v in plain_defaults(self).items() if not (early_stopping and k == "n_estimators")}

    plain_defaults = RandomForest.defaults
    sides: dict[str, Any] = {"staged": staged, "fixed32": fixed, "plain": None}
    rep = Report("forest_stopping")
    rep.out(f"protocol (keel suite): {base.to_dict()}; outer folds 0-2; threadpool_limits(1); CPU = time.process_time")
    rep.out(f"datasets: {', '.join(DATASETS)}; strategies: {', '.join(STRATEGIES)}; model random_forest")
    res: dict[str, list[tuple[str, float, float]]] = {s: [] for s in sides}
    with threadpool_limits(1):
        for name in DATASETS:
            ds = load_dataset(name)
            for strategy in STRATEGIES:
                for fold in range(base.outer_folds):
                    for side, grow in sides.items():
                        if grow is None:
                            RandomForest.early_stopping = False
                            RandomForest.suggest, RandomForest.defaults = plain_suggest, plain_defaults  # type: ignore[method-assign]
                        else:
                            RandomForest.early_stopping = True
                            RandomForest.suggest, RandomForest.defaults = suggest, defaults  # type: ignore[method-assign]
                            RandomForest.fit_early = lambda self, *a, g=grow: g(*a)  # type: ignore[method-assign]
                        t0 = time.process_time()
                        row = run_cell(ds, CellKey(name, strategy, "random_forest", fold), base).row
                        res[side].append((name, time.process_time() - t0, row.get("test_average_precision", math.nan)))
            rep.out(
                f"{name:32s} " + "  ".join(f"{s} {sum(c for d, c, _ in r if d == name):6.1f} s" for s, r in res.items())
            )
    rep.out("")
    plain = res["plain"]
    for side, rows in res.items():
        diffs = [a[2] - b[2] for a, b in zip(rows, plain, strict=True)]
        se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if side != "plain" else 0.0
        cpu = sum(c for _, c, _ in rows)
        rep.out(
            f"{side:8s} cells {len(rows)}  CPU {cpu:6.1f} s ({sum(c for _, c, _ in plain) / cpu:.2f}x less than plain)  "
            f"mean outer PR-AUC {statistics.fmean(a for *_, a in rows):.4f}  − plain {statistics.fmean(diffs):+.4f} "
            f"(95% CI {statistics.fmean(diffs) - 1.96 * se:+.4f} to {statistics.fmean(diffs) + 1.96 * se:+.4f})"
        )
        if side != "plain":
            per = {d: statistics.fmean(x for (dd, *_), x in zip(rows, diffs, strict=True) if dd == d) for d in DATASETS}
            rep.out("         per dataset: " + ", ".join(f"{d.split(':')[1]} {v:+.3f}" for d, v in per.items()))
    rep.save()


if __name__ == "__main__":
    main()
