"""Where a run's compute went: CPU-hours in all, per model, per strategy and for the costliest datasets.

A cell runs single-threaded in its worker (threadpools capped at 1), so its tuning + refit + predict seconds
are CPU seconds; the sum over cells is the run's CPU time, next to the wall time the manifest records.

Run: ``.venv/bin/python benchmarks/run_cost.py runs/keel_full``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def main() -> int:
    from imbench.reporting.load import load_run

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("--top", type=int, default=8, help="costliest datasets to list")
    args = ap.parse_args()
    run = load_run(args.run)
    r = run.results
    parts = [c for c in ("tune_seconds", "fit_seconds", "predict_seconds") if c in r.columns]
    if not parts:
        raise SystemExit(f"error: {args.run} has no timing columns")
    r = r.assign(cpu_s=r[parts].fillna(0).sum(axis=1))
    for c in ("tune_seconds", "fit_seconds"):
        r[c] = r[c].fillna(0) if c in r.columns else 0.0
    total = max(float(r["cpu_s"].sum()), 1e-9)
    wall = run.manifest.wall_seconds_total
    print(
        f"{args.run}: {len(r)} cells ({(r['status'] == 'ok').sum()} ok), {total / 3600:.2f} CPU-hours in cells"
        + (f", {wall / 3600:.2f} h wall" if wall else "")
    )
    print(f"tuning {r['tune_seconds'].sum() / total:.0%} of it, final refits {r['fit_seconds'].sum() / total:.0%}")
    for key in ("model", "strategy"):
        t = r.groupby(key)["cpu_s"].agg(["sum", "mean", "max"]).sort_values("sum", ascending=False)
        t["share"] = t["sum"] / total
        print(f"\n| {key} | CPU-hours | share | mean s/cell | max s/cell |\n|---|---|---|---|---|")
        for name, row in t.iterrows():
            print(f"| {name} | {row['sum'] / 3600:.2f} | {row['share']:.0%} | {row['mean']:.1f} | {row['max']:.0f} |")
    t = r.groupby("dataset")["cpu_s"].sum().sort_values(ascending=False).head(args.top)
    print("\ncostliest datasets: " + ", ".join(f"{d} {s / 3600:.2f} h" for d, s in t.items()))
    slow = r[r["status"] == "timeout"]
    if len(slow):
        print(f"timeouts: {len(slow)} cells: " + ", ".join(pd.unique(slow["strategy"] + "×" + slow["model"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
