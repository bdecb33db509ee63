"""``imbench advise`` end to end on 10k / 100k / 1M-row files (goal: under 10 s at 100k rows).

Each size is a transactions-like CSV (ID, date, categoricals, missing values, 1:38 fraud). The command is
timed as a user runs it (a fresh process: start-up, CSV parsing, meta-features, advice), median of
``--repeats`` runs taken in turns across sizes so background load affects all alike; beside it the time
pandas alone needs to read the same file, and the meta-features' own seconds.

    .venv/bin/python benchmarks/perf/advise_speed.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import IMBENCH, ROOT, Report, bench_env, loadavg

GOAL_S = 10.0
SIZES = (10_000, 100_000, 1_000_000)


def main() -> int:
    import pandas as pd

    from imbench.datasets.example import make_transactions

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rep = Report("advise_speed")
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n in SIZES:
            files[n] = Path(tmp) / f"tx_{n}.csv"
            make_transactions(n=n, seed=0).to_csv(files[n], index=False)
        walls: dict[int, list[float]] = {n: [] for n in SIZES}
        reads: dict[int, list[float]] = {n: [] for n in SIZES}
        inner: dict[int, list[float]] = {n: [] for n in SIZES}
        for _ in range(args.repeats):
            for n in SIZES:
                t0 = time.perf_counter()
                pd.read_csv(files[n])
                reads[n].append(time.perf_counter() - t0)
                cmd = [IMBENCH, "advise", str(files[n]), "--target", "is_fraud", "--positive", "yes", "--json"]
                t0 = time.perf_counter()
                out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT, env=bench_env())
                walls[n].append(time.perf_counter() - t0)
                data = json.loads(out.stdout)
                inner[n].append(float(data["meta"]["seconds"]))
        rep.out(f"load average during the runs: {loadavg()}")
        rep.out(
            "| rows | imbench advise (wall, median) | meta-features alone | pandas read_csv alone | advise / goal |"
        )
        rep.out("|---|---|---|---|---|")
        for n in SIZES:
            w = statistics.median(walls[n])
            rep.out(
                f"| {n:,} | {w:.1f} s | {statistics.median(inner[n]):.1f} s | {statistics.median(reads[n]):.1f} s | "
                f"{w / GOAL_S:.2f} |"
            )
        rep.verdict("advise at 100,000 rows (wall, median)", statistics.median(walls[100_000]), GOAL_S, False, " s")
    rep.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
