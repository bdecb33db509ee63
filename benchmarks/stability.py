"""Is a reference run's budget enough? Rerun a seeded random share of its dataset × model blocks with more trials.

A block (one dataset × one model, every strategy and outer fold) is the unit the cheat-sheet ranks
within. ``run`` picks ``--fraction`` of the suite's blocks with ``--seed`` and reruns them with
``--factor`` × the trials (one run directory per model under ``OUT``, same folds and seeds otherwise).
``compare`` then reports, for those blocks, how the per-dataset strategy ranks move (Spearman rank
correlation of the strategies' fold-mean PR-AUC, 1× vs more trials) and how many cheat-sheet verdicts
change when the main run's rows of those blocks are replaced by the reruns' rows.

Run: ``.venv/bin/python benchmarks/stability.py run imbench/evaluation/builtin_suites/keel_full.yaml runs/keel_full_x2``
     ``.venv/bin/python benchmarks/stability.py compare imbench/evaluation/builtin_suites/keel_full.yaml runs/keel_full runs/keel_full_x2``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
IMBENCH = str(ROOT / ".venv" / "bin" / "imbench")


def blocks(suite: Any, fraction: float, seed: int) -> list[tuple[str, str]]:
    """A seeded random ``fraction`` (at least one) of the suite's dataset × model blocks, sorted."""
    every = [(d.spec, m) for d in suite.datasets for m in suite.models]
    k = max(1, round(fraction * len(every)))
    pick = np.random.default_rng(seed).choice(len(every), size=k, replace=False)
    return sorted(every[i] for i in pick)


def run(args: argparse.Namespace) -> int:
    from imbench.evaluation.suites import load_suite

    suite = load_suite(str(args.suite))
    chosen = blocks(suite, args.fraction, args.seed)
    trials = suite.protocol.n_trials * args.factor
    print(f"{len(chosen)} of {len(suite.datasets) * len(suite.models)} blocks, {trials} trials each")
    for model in sorted({m for _, m in chosen}):
        datasets = [d for d, m in chosen if m == model]
        cmd = [IMBENCH, "run", str(args.suite), "--out", str(args.out / model), "--models", model]
        cmd += ["--datasets", ",".join(datasets), "--n-trials", str(trials), "--jobs", str(args.jobs)]
        print(" ".join(cmd), flush=True)
        rc = subprocess.run([*cmd, "--no-mlflow", "--no-report", "-q"], check=False).returncode
        if rc != 0:
            return rc
    return 0


def _fold_means(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    ok = df[df["status"] == "ok"]
    return ok.groupby(["dataset", "model", "strategy"])[f"test_{metric}"].mean().unstack("strategy")


def _verdicts(results: pd.DataFrame, template: Any) -> dict[tuple[str, str], tuple[str, str | None]]:
    from dataclasses import replace

    from imbench.reporting.tables.analysis import analyse

    t = analyse(replace(template, results=results)).verdict_table()
    t = t[t["view"] == "tier"]
    return {(r.metric, f"{r.group} × {r.model}"): (r.verdict, r.recommended or None) for r in t.itertuples(index=False)}


def compare(args: argparse.Namespace) -> int:
    from imbench.evaluation.suites import load_suite
    from imbench.reporting.load import load_run

    suite = load_suite(str(args.suite))
    metric = suite.protocol.metric
    main = load_run(args.main)
    reruns = pd.concat([load_run(p).results for p in sorted(args.out.iterdir()) if p.is_dir()], ignore_index=True)
    keys = set(zip(reruns["dataset"], reruns["model"], strict=True))
    a, b = _fold_means(main.results, metric), _fold_means(reruns, metric)
    rhos, moved, same_top = [], [], []
    for key in sorted(keys):
        if key not in a.index or key not in b.index:
            continue
        x, y = a.loc[key].dropna(), b.loc[key].dropna()
        common = x.index.intersection(y.index)
        if len(common) >= 3:
            x, y = x[common], y[common]
            rhos.append(x.rank().corr(y.rank(), method="pearson"))
            moved.append(float((x - y).abs().mean()))
            # decision-only strategies tie with their base on this metric: a top strategy is any tied at the top
            same_top.append(bool(set(x.index[x == x.max()]) & set(y.index[y == y.max()])))
    print(f"blocks rerun with more trials: {len(keys)} (suite {suite.name}, metric {metric})")
    print(
        f"per-block Spearman rank correlation of the strategies, 1x vs more trials: median {np.median(rhos):.3f}, "
        f"min {np.min(rhos):.3f}, share >= 0.8: {np.mean(np.array(rhos) >= 0.8 - 1e-9):.2f}"
    )
    print(f"mean |Δ {metric}| per strategy and block: {np.mean(moved):.4f}")
    test = (b.stack() - a.stack().reindex(b.stack().index)).dropna()
    print(
        f"test {metric}, more − fewer trials, per strategy and block: mean {test.mean():+.4f}, median "
        f"{test.median():+.4f}, higher in {np.mean(test > 0):.0%} of {len(test)}"
    )
    if "inner_score" in reruns and "inner_score" in main.results:
        ok = [
            r[r["status"] == "ok"].set_index(["dataset", "model", "strategy", "fold"])["inner_score"]
            for r in (main.results, reruns)
        ]
        inner = (ok[1] - ok[0].reindex(ok[1].index)).dropna()
        print(f"inner-CV score of the picked configuration, more − fewer trials, per cell: mean {inner.mean():+.4f}")
    print(f"same best strategy in {sum(same_top)} of {len(same_top)} blocks")
    block_of = list(zip(main.results["dataset"], main.results["model"], strict=True))
    kept = main.results[[k not in keys for k in block_of]]
    merged = pd.concat([kept, reruns[main.results.columns.intersection(reruns.columns)]], ignore_index=True)
    before, after = _verdicts(main.results, main), _verdicts(merged, main)
    changed = [(k, before[k], after.get(k)) for k in sorted(before) if before[k] != after.get(k)]
    print(f"cheat-sheet verdicts (tier × model × metric): {len(before)}; changed with the reruns: {len(changed)}")
    for k, was, now in changed:
        print(f"  {k[0]} {k[1]}: {was} -> {now}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("suite", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--fraction", type=float, default=0.1)
    r.add_argument("--factor", type=int, default=2)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--jobs", type=int, default=2)
    c = sub.add_parser("compare")
    c.add_argument("suite", type=Path)
    c.add_argument("main", type=Path)
    c.add_argument("out", type=Path)
    args = ap.parse_args()
    return run(args) if args.cmd == "run" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
