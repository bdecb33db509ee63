"""``imbench compare`` at the size users have, beside the 30-line script a practitioner would write instead.

Per size n (20k / 200k / 1M rows of ``make_large_table``: 30 columns, about 1:100, 4 categorical columns, 5 %
missing in two), n / 0.8 rows are generated and split 80/20 (stratified, seed 0): compare sees n rows. On them:

- imbench: ``imbench compare train.csv --target label --budget 5m --no-mlflow --jobs 2`` as a user runs it;
  its exported ``model.skops`` (loaded with ``trusted_types``) scores the 20 % held-out rows;
- the script: LightGBM (native categoricals, ``n_jobs=2``) with early stopping on a 10 % validation split, then
  refit at the best round inside ``TunedThresholdClassifierCV(scoring="f1")``; it scores the same held-out rows.

Printed per size: the plan, wall time against the budget, the plan's estimate against the measured time, peak
memory (the sum of the resident sizes of compare's whole process tree, sampled every 0.2 s), and held-out PR-AUC
and F1 of both. Goals (issue #29): wall ≤ budget + 10 %, estimate/measured within 0.5-2×, imbench's PR-AUC ≥ the
script's − 0.02 and F1 ≥ the script's − 0.03, peak memory < 4 GiB at 1M rows.

    .venv/bin/python benchmarks/perf/compare_scale.py [--sizes 20000,200000,1000000] [--budget 5m]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import IMBENCH, Report, bench_env

GOAL_WALL = 1.10
GOAL_RATIO = (0.5, 2.0)
GOAL_AP, GOAL_F1 = 0.02, 0.03
GOAL_MEM_GIB = 4.0


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and all its descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_compare(train: Path, out: Path, budget: str) -> dict:
    cmd = [IMBENCH, "compare", str(train), "--target", "label", "--budget", budget, "--no-mlflow", "--jobs", "2"]
    cmd += ["--out", str(out)]
    t0 = time.perf_counter()
    log = out.with_suffix(".log")
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=bench_env())
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.2)
    wall = time.perf_counter() - t0
    return {"rc": proc.returncode, "wall": wall, "peak_gib": peak / 2**30, "log": log.read_text()}


def held_out_scores(model_path: Path, X, y) -> tuple[float, float]:
    import skops.io as sio
    from sklearn.metrics import average_precision_score, f1_score

    from imbench.comparison import trusted_types

    model = sio.load(model_path, trusted=trusted_types(model_path))
    return float(average_precision_score(y, model.predict_proba(X)[:, 1])), float(f1_score(y, model.predict(X)))


def script(X_train, y_train, X_held, y_held) -> tuple[float, float, float]:
    """The 30-line practitioner's baseline (``imbench.testing.baselines``): (held-out PR-AUC, F1, seconds)."""
    from sklearn.metrics import average_precision_score, f1_score

    from imbench.testing.baselines import practitioner_script

    t0 = time.perf_counter()
    model = practitioner_script(X_train, y_train)
    seconds = time.perf_counter() - t0
    ap = float(average_precision_score(y_held, model.predict_proba(X_held)[:, 1]))
    return ap, float(f1_score(y_held, model.predict(X_held))), seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,200000,1000000")
    ap.add_argument("--budget", default="5m")
    args = ap.parse_args()
    from sklearn.model_selection import train_test_split

    from imbench.comparison.budget import parse_budget
    from imbench.datasets.example import make_large_table

    budget_s = parse_budget(args.budget)
    rep = Report("compare_scale")
    rows = []
    with tempfile.TemporaryDirectory(prefix="imbench-compare-scale-") as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            df = make_large_table(round(n / 0.8))  # compare sees n rows; a fifth more are held out
            train, held = train_test_split(df, test_size=0.2, stratify=df["label"], random_state=0)
            path = Path(tmp) / f"train{n}.csv"
            train.to_csv(path, index=False)
            X_held, y_held = held.drop(columns="label"), held["label"].to_numpy()
            rep.out(f"== {n:,} rows: {len(train):,} to compare ({int(train['label'].sum())} positives), "
                    f"{len(held):,} held out ({int(y_held.sum())})")  # fmt: skip
            res = run_compare(path, Path(tmp) / f"out{n}", args.budget)
            for line in res["log"].splitlines():
                if line.startswith(("plan: ", "cut:", "done ", "Recommended:", "  ")) and "/tmp" not in line:
                    rep.out("  " + line)
            if res["rc"] != 0:
                rep.out(f"  compare exited {res['rc']}: {res['log'].strip().splitlines()[-1][:200]}")
                continue
            rec = json.loads((Path(tmp) / f"out{n}" / "recommendation.json").read_text())
            ours = held_out_scores(Path(tmp) / f"out{n}" / "model.skops", X_held, y_held)
            theirs = script(train.drop(columns="label"), train["label"].to_numpy(), X_held, y_held)
            ratio = rec["measured_seconds"] / rec["estimated_seconds"]
            row = {
                "rows": n,
                "recommended": f"{rec['strategy']} × {rec['model']}",
                "wall_s": res["wall"],
                "budget_s": budget_s,
                "ratio": ratio,
                "peak_gib": res["peak_gib"],
                "ap": ours[0],
                "f1": ours[1],
                "script_ap": theirs[0],
                "script_f1": theirs[1],
                "script_s": theirs[2],
            }
            rows.append(row)
            rep.out(f"  wall {res['wall']:.0f}s of a {budget_s:.0f}s budget; estimate {rec['estimated_seconds']:.0f}s, "
                    f"measured {rec['measured_seconds']:.0f}s (measured/estimated {ratio:.2f}); peak {res['peak_gib']:.2f} GiB")  # fmt: skip
            rep.out(f"  held-out PR-AUC {ours[0]:.4f} vs script {theirs[0]:.4f}; F1 {ours[1]:.4f} vs {theirs[1]:.4f} "
                    f"(script {theirs[2]:.0f}s)")  # fmt: skip
            rep.verdict(f"  wall / budget at {n:,}", res["wall"] / budget_s, GOAL_WALL, higher_is_better=False)
            rep.out(f"  measured/estimated at {n:,}: {ratio:.2f} (goal {GOAL_RATIO[0]}-{GOAL_RATIO[1]}) "
                    f"{'PASS' if GOAL_RATIO[0] <= ratio <= GOAL_RATIO[1] else 'MISS'}")  # fmt: skip
            rep.verdict(f"  PR-AUC − script at {n:,}", ours[0] - theirs[0], -GOAL_AP, higher_is_better=True)
            rep.verdict(f"  F1 − script at {n:,}", ours[1] - theirs[1], -GOAL_F1, higher_is_better=True)
            if n >= 1_000_000:
                rep.verdict(f"  peak memory at {n:,}", res["peak_gib"], GOAL_MEM_GIB, False, " GiB")
    rep.out("")
    rep.out(
        "| rows | recommended | wall / budget | measured / estimated | peak memory | held-out PR-AUC (script) | held-out F1 (script) |"
    )
    rep.out("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        rep.out(f"| {r['rows']:,} | {r['recommended']} | {r['wall_s']:.0f} / {r['budget_s']:.0f} s | {r['ratio']:.2f} | "
                f"{r['peak_gib']:.2f} GiB | {r['ap']:.3f} ({r['script_ap']:.3f}) | {r['f1']:.3f} ({r['script_f1']:.3f}) |")  # fmt: skip
    rep.save()


if __name__ == "__main__":
    main()
