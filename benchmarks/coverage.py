"""Split-half coverage of the cheat-sheet's intervals: do they hold on datasets they were not computed from?

For every strategy × model of a published run (PR-AUC vs ``none``, per dataset the mean over outer folds), the
origins are split at random into two halves many times (so the halves share no base table); the 95 % bootstrap
interval of the median gain is computed on one half (as the reports compute it) and checked against the median
gain of the other half. Done twice on the same splits: with datasets as the units (as if every KEEL dataset were
independent, the earlier reports) and with origins as the units (datasets of one base table averaged first, as the
reports now do). Interval and estimate both carry noise, so even honest intervals
cover the other half's median less than 95 % of the time (about 83 % for two equal halves of a normal sample); what
matters is the gap between the two lines: an interval that treats re-cuts of one table as independent evidence is
too narrow, and misses the other half more often.

Run: ``.venv/bin/python benchmarks/coverage.py results/keel [--splits 200]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from imbench.core.schema import BASELINE
    from imbench.reporting.load import load_run
    from imbench.reporting.statistics.stats import bootstrap_median_interval

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="a published run folder (results.parquet)")
    ap.add_argument("--splits", type=int, default=200)
    ap.add_argument("--metric", default="average_precision")
    args = ap.parse_args()
    r = load_run(args.run).results
    ok = r[r["status"] == "ok"]
    col = f"test_{args.metric}"
    means = ok.groupby(["model", "strategy", "dataset"])[col].mean().unstack("strategy")
    origin = ok.groupby("dataset")["origin"].first()
    rng = np.random.default_rng(0)
    print(f"{args.run}: {ok['dataset'].nunique()} datasets, {origin.nunique()} origins; {args.metric} vs {BASELINE}")
    results: dict[str, list[int]] = {"dataset": [], "origin": []}
    widths: dict[str, list[float]] = {"dataset": [], "origin": []}
    for _model, block in means.groupby(level="model"):
        table = block.droplevel("model")
        gains = table.sub(table[BASELINE], axis=0).drop(columns=BASELINE)
        origins = gains.index.map(origin)
        names = np.array(sorted(set(origins)))
        for strategy in gains.columns:
            g = gains[strategy].dropna()
            o = g.index.map(origin)
            if len(set(o)) < 8:
                continue
            for _ in range(args.splits):
                half = set(rng.permutation(names)[: len(names) // 2])
                in_a = np.array([x in half for x in o])
                for unit in ("dataset", "origin"):
                    a, b = g[in_a], g[~in_a]
                    if unit == "origin":
                        a, b = a.groupby(o[in_a]).mean(), b.groupby(o[~in_a]).mean()
                    lo, hi = bootstrap_median_interval(
                        a.to_numpy(), n_resamples=500, seed=int(rng.integers(1_000_000_000))
                    )
                    if np.isfinite(lo) and np.isfinite(hi) and len(b):
                        results[unit].append(int(lo <= float(np.median(b)) <= hi))
                        widths[unit].append(hi - lo)
    for unit in ("dataset", "origin"):
        hits = results[unit]
        print(
            f"  intervals over {unit + 's':<8} cover the other origins' median in {np.mean(hits):.2f} of {len(hits)} "
            f"splits (median interval width {np.median(widths[unit]):.4f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
