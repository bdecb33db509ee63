"""Shared searches on KEEL cells: CPU with and without them, and what they change in the results.

A post-processing strategy (``threshold``, ``smote+threshold``, ``smote+prior_correction``) reuses its base's
search (``none``'s, ``smote``'s) instead of running the same Optuna study again (``imbench.evaluation.shared``).
Per dataset × model × outer fold of a suite's protocol (keel: 3 outer folds, 2 inner, 4 trials), the base cells
run once, and each dependent runs twice on the same rows: with its own search (as before) and with the base's.
Every cell's CPU seconds are its process's CPU time (one BLAS/OpenMP thread).

Printed: CPU of the dependents and of the whole set of cells both ways, the dependents' CPU as a share of their
base's, whether the threshold strategies' parameters and test metrics are bit-identical (they must be), and for
``smote+prior_correction`` (whose own search took the plain path: the fast protocol's early stopping does not
see through a wrapper) the paired test PR-AUC / Brier difference shared − own over datasets, with a 95 % t interval.

    .venv/bin/python benchmarks/perf/shared_search.py [--datasets 8] [--jobs 2] [--suite keel_full]
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report

BASES = ("none", "smote")
DEPENDENTS = {"threshold": "none", "smote+threshold": "smote", "smote+prior_correction": "smote"}
MODELS = ("logreg", "lightgbm")


def keel_datasets(n: int, suite: str) -> list[str]:
    """``n`` datasets of ``suite``, spread over its tiers (every k-th in the file's order)."""
    from imbench.evaluation.suites import load_suite

    specs = [d.spec for d in load_suite(suite).datasets]
    step = max(1, len(specs) // n)
    return specs[::step][:n]


def run_group(spec: str, model: str, suite: str) -> list[dict[str, Any]]:
    """Every cell of one dataset × model: bases, dependents with their own search and with the base's."""
    from threadpoolctl import threadpool_limits

    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.shared import SharedSearch
    from imbench.evaluation.suites import load_suite

    protocol = load_suite(suite).protocol
    ds = load_dataset(spec)
    out = []
    with threadpool_limits(1):
        for fold in range(protocol.n_outer):
            base_rows = {}
            for base in BASES:
                res = run_cell(ds, CellKey(ds.name, base, model, fold), protocol)
                base_rows[base] = res.record
                out.append({"kind": "base", **res.row})
            for dep, base in DEPENDENTS.items():
                own = run_cell(ds, CellKey(ds.name, dep, model, fold), protocol)
                shared = run_cell(
                    ds, CellKey(ds.name, dep, model, fold), protocol, search=SharedSearch.of(base_rows[base])
                )
                out += [{"kind": "own", **own.row}, {"kind": "shared", **shared.row}]
    return out


def main() -> None:
    import numpy as np
    import pandas as pd
    from scipy import stats

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--suite", default="keel", help="whose datasets and protocol (keel_full: the reference's)")
    args = ap.parse_args()
    rep = Report("shared_search" + ("" if args.suite == "keel" else f"_{args.suite}"))
    specs = keel_datasets(args.datasets, args.suite)
    p = __import__("imbench.evaluation.suites", fromlist=["load_suite"]).load_suite(args.suite).protocol
    rep.out(f"datasets ({len(specs)}): {', '.join(s.removeprefix('keel:') for s in specs)}")
    rep.out(
        f"models: {', '.join(MODELS)}; protocol: the {args.suite} suite's ({p.outer_folds} outer folds, "
        f"{p.inner_folds} inner, {p.n_trials} trials)"
    )
    with ProcessPoolExecutor(args.jobs) as pool:
        jobs = [(s, m, args.suite) for s in specs for m in MODELS]
        groups = list(pool.map(run_group, *zip(*jobs, strict=True)))
    df = pd.DataFrame([r for g in groups for r in g])
    ok = df[df["status"] == "ok"]
    cpu = df.groupby("kind")["cpu_seconds"].sum()
    without, with_ = cpu["base"] + cpu["own"], cpu["base"] + cpu["shared"]
    rep.out("")
    rep.out(f"cells: {len(df)} ({(df['status'] != 'ok').sum()} not ok)")
    rep.out(
        f"CPU of the dependents: own search {cpu['own']:.1f} s, shared {cpu['shared']:.1f} s "
        f"(ratio {cpu['shared'] / cpu['own']:.3f})"
    )
    rep.out(f"CPU of all cells: without sharing {without:.1f} s, with {with_:.1f} s (saved {1 - with_ / without:.1%})")
    base_cpu = df[df["kind"] == "base"].groupby(["dataset", "model", "fold", "strategy"])["cpu_seconds"].sum()
    rep.out("")
    rep.out("strategy                  CPU own/base  CPU shared/base  tuning shared/base  identical (params, metrics)")
    for dep, base in DEPENDENTS.items():
        rows = {}
        for kind in ("own", "shared"):
            d = ok[(ok["kind"] == kind) & (ok["strategy"] == dep)].set_index(["dataset", "model", "fold"])
            rows[kind] = d
        b = base_cpu.xs(base, level="strategy").reindex(rows["own"].index)
        own_ratio = float(rows["own"]["cpu_seconds"].sum() / b.sum())
        shared_ratio = float(rows["shared"]["cpu_seconds"].reindex(b.index).sum() / b.sum())
        tune_ratio = float(rows["shared"]["tune_seconds"].sum() / max(rows["own"]["tune_seconds"].sum(), 1e-9))
        params = [c for c in df.columns if c.startswith("p_")]
        metrics = [c for c in df.columns if c.startswith("test_")]
        a, s = rows["own"].sort_index(), rows["shared"].reindex(rows["own"].index).sort_index()
        same_p = int((a[params].fillna(-1).astype(str) == s[params].fillna(-1).astype(str)).all(axis=1).sum())
        same_m = int((a[metrics].fillna(-1) == s[metrics].fillna(-1)).all(axis=1).sum())
        rep.out(
            f"{dep:<25} {own_ratio:>12.2f}  {shared_ratio:>15.2f}  {tune_ratio:>18.3f}  "
            f"{same_p}/{len(a)}, {same_m}/{len(a)}"
        )
    rep.out("")
    rep.out("smote+prior_correction, shared − own, paired over datasets (fold means first), 95 % t interval:")
    pc = ok[ok["strategy"] == "smote+prior_correction"]
    for model in MODELS:
        for col, label in (("test_average_precision", "PR-AUC"), ("test_brier", "Brier")):
            m = pc[pc["model"] == model].groupby(["dataset", "kind"])[col].mean().unstack()
            d = (m["shared"] - m["own"]).dropna().to_numpy()
            half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
            rep.out(
                f"  {model:<9} {label:<7} {d.mean():+.4f} [{d.mean() - half:+.4f}, {d.mean() + half:+.4f}] "
                f"({len(d)} datasets)"
            )
    rep.save()


if __name__ == "__main__":
    main()
