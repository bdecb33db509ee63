"""Does early stopping cost the boosting models PR-AUC? Paired outer PR-AUC of the fast and the plain protocol.

``cell_cost.py`` compares the fast protocol with the plain one, but the two draw different trial settings:
the fast side has no ``n_estimators`` in its search space, so Optuna's stream hands every other
parameter different values. Here both sides draw ``n_estimators`` (the fast side then ignores it and
stops early on the inner validation fold), so they try the same learning rates, leaves and sampling and
differ only in how the rounds are chosen. The learning-rate range is the plain one on both sides.

Run: ``.venv/bin/python benchmarks/perf/boosting_stopping.py`` (about 5 CPU-minutes)
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report
from cell_cost import DATASETS

STRATEGIES = ["none", "smote", "adasyn", "class_weight", "threshold"]
MODELS = ["lightgbm", "xgboost"]


def main() -> None:
    from threadpoolctl import threadpool_limits

    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.suites import load_suite
    from imbench.models import MODELS as REGISTRY

    base = load_suite("keel").protocol
    rep = Report("boosting_stopping")
    rep.out(f"protocol (keel suite): {base.to_dict()}; outer folds 0-2; threadpool_limits(1); CPU = time.process_time")
    rep.out(f"datasets: {', '.join(DATASETS)}; strategies: {', '.join(STRATEGIES)}")
    for model in MODELS:
        cls = type(REGISTRY.get(model))
        plain = cls.suggest

        def suggest(self: Any, trial: Any, early_stopping: bool = False, _plain: Any = plain) -> dict[str, Any]:
            drawn = _plain(self, trial)  # the plain space, n_estimators included, on both sides
            if early_stopping:
                drawn.pop("n_estimators")
            return drawn

        cls.suggest = suggest  # type: ignore[method-assign]
        res: dict[str, list[tuple[str, float, float]]] = {"early stopping": [], "n_estimators searched": []}
        with threadpool_limits(1):
            for name in DATASETS:
                ds = load_dataset(name)
                for strategy in STRATEGIES:
                    for fold in range(base.outer_folds):
                        for side, fast in (("early stopping", True), ("n_estimators searched", False)):
                            t0 = time.process_time()
                            row = run_cell(ds, CellKey(name, strategy, model, fold), replace(base, fast=fast)).row
                            ap = row.get("test_average_precision", math.nan)
                            res[side].append((name, time.process_time() - t0, ap))
        cls.suggest = plain  # type: ignore[method-assign]
        a, b = res["early stopping"], res["n_estimators searched"]
        pairs = [(x[2], y[2]) for x, y in zip(a, b, strict=True) if not (math.isnan(x[2]) or math.isnan(y[2]))]
        diffs = [x - y for x, y in pairs]
        mean = statistics.fmean(diffs)
        half = 1.96 * statistics.stdev(diffs) / math.sqrt(len(diffs))
        rep.out("")
        rep.out(
            f"{model}: {len(pairs)} paired cells; CPU early stopping {sum(c for _, c, _ in a):.1f} s, searched "
            f"{sum(c for _, c, _ in b):.1f} s; mean outer PR-AUC {statistics.fmean(x for x, _ in pairs):.4f} vs "
            f"{statistics.fmean(y for _, y in pairs):.4f}; difference {mean:+.4f} (95% CI {mean - half:+.4f} to "
            f"{mean + half:+.4f}); higher/equal/lower {sum(d > 1e-9 for d in diffs)}/"
            f"{sum(abs(d) <= 1e-9 for d in diffs)}/{sum(d < -1e-9 for d in diffs)}"
        )
    rep.save()


if __name__ == "__main__":
    main()
