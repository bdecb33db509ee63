"""``imbench run SUITE --jobs 2`` versus ``--jobs 1``: wall-time speed-up and identical results.

A moderately sized suite (written to a temp dir) is run with the real CLI (``--no-report
--no-mlflow``), alternating jobs 1 and jobs 2 so background load hits both alike. The result
tables must be equal except for the timing columns. Goal: speed-up ≥ 1.8×.

    .venv/bin/python benchmarks/perf/parallel.py [--small] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import IMBENCH, ROOT, Report, bench_env, env_note, loadavg

from imbench.core.schema import TIMING_COLUMNS

GOAL = 1.8
TIMING = list(TIMING_COLUMNS)
DATASETS = ["synthetic:ir=20,n=2000,seed=0", "synthetic:ir=50,n=3000,seed=1", "synthetic:ir=10,n=1500,seed=2"]
STRATEGIES = ["none", "smote", "class_weight", "random_under", "threshold"]
MODELS = ["logreg", "lightgbm"]


def suite_yaml(small: bool) -> str:
    ds = DATASETS[:2] if small else DATASETS
    lines = [
        "name: perf_parallel",
        "datasets:",
        *[f"  - {d}" for d in ds],
        f"strategies: [{', '.join(STRATEGIES)}]",
        f"models: [{', '.join(MODELS)}]",
        "protocol:",
        "  outer_folds: 3",
        "  repeats: 1",
        "  inner_folds: 2",
        f"  n_trials: {3 if small else 4}",
        "  metric: average_precision",
        "  seed: 0",
    ]
    return "\n".join(lines) + "\n"


def run(suite: Path, out: Path, jobs: int, pyc: bool) -> tuple[float, float]:
    """(wall s, CPU s of the CLI and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        [IMBENCH, "run", str(suite), "--out", str(out), "--no-report", "--no-mlflow", "--jobs", str(jobs), "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
        env=bench_env(pyc),
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


SPIN = "import time\nt=time.perf_counter()\nx=0\nfor i in range(20_000_000): x+=i\nprint(time.perf_counter()-t)"


def machine_ceiling() -> float:
    """Throughput of 2 concurrent CPU-bound Python loops vs 1 (the best speed-up this machine allows now)."""
    one = float(subprocess.run([sys.executable, "-c", SPIN], capture_output=True, text=True).stdout)
    t0 = time.perf_counter()
    ps = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.DEVNULL) for _ in range(2)]
    for p in ps:
        p.wait()
    return 2 * one / (time.perf_counter() - t0)


def compare(a: Path, b: Path) -> str:
    """'' if the two results tables are equal apart from timing columns, else what differs."""
    import pandas as pd

    da = pd.read_parquet(a / "results.parquet").drop(columns=TIMING)
    db = pd.read_parquet(b / "results.parquet").drop(columns=TIMING)
    key = ["dataset", "strategy", "model", "fold"]
    da = da.sort_values(key).reset_index(drop=True)
    db = db.sort_values(key).reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(da, db, check_exact=True)
    except AssertionError as e:
        return str(e).splitlines()[0] + " ... " + " ".join(str(e).split())[:300]
    pa = pd.read_parquet(a / "predictions.parquet")
    pb = pd.read_parquet(b / "predictions.parquet")
    cols = [c for c in pa.columns if c in pb.columns]
    pa = pa.sort_values(cols[:-1] if len(cols) > 1 else cols).reset_index(drop=True)
    pb = pb.sort_values(cols[:-1] if len(cols) > 1 else cols).reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(pa[cols], pb[cols], check_exact=True)
    except AssertionError as e:
        return "predictions differ: " + " ".join(str(e).split())[:300]
    return ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="2 datasets, 3 trials (60 cells)")
    ap.add_argument("--repeats", type=int, default=1, help="alternating (jobs 1, jobs 2) pairs")
    ap.add_argument("--no-pyc", action="store_true", help="no bytecode cache (as this machine is set up)")
    a = ap.parse_args()
    rep = Report("parallel" + ("_small" if a.small else "") + ("_nopyc" if a.no_pyc else ""))
    rep.out(env_note(not a.no_pyc))
    text = suite_yaml(a.small)
    rep.out("suite (written to a temp dir):")
    for line in text.splitlines():
        rep.out("  " + line)
    rep.out(f"cores available: {len(os.sched_getaffinity(0))}")
    rows = []
    ceilings: list[float] = []
    with tempfile.TemporaryDirectory(prefix="imbench-parallel-") as td:
        tmp = Path(td)
        suite = tmp / "perf_parallel.yaml"
        suite.write_text(text)
        subprocess.run([IMBENCH, "run", "--help"], check=True, stdout=subprocess.DEVNULL, env=bench_env(not a.no_pyc))
        subprocess.run(
            [sys.executable, "-c", "import sklearn, imblearn, lightgbm, optuna, pandas, pyarrow"],
            check=True,
            env=bench_env(not a.no_pyc),
        )  # warm the page cache (and the bytecode cache)
        first: Path | None = None
        diffs = []
        for r in range(a.repeats):
            order = (1, 2) if r % 2 == 0 else (2, 1)
            for jobs in order:
                out = tmp / f"j{jobs}-{r}"
                print(f"running jobs={jobs} (pair {r + 1}) ...", flush=True)
                la = loadavg()
                ceilings.append(machine_ceiling())
                wall, cpu = run(suite, out, jobs, not a.no_pyc)
                rows.append((r, jobs, wall, cpu, la))
                if first is None:
                    first = out
                else:
                    diffs.append((out.name, compare(first, out)))
        import pandas as pd

        n_cells = len(pd.read_parquet(first / "results.parquet"))
        status = pd.read_parquet(first / "results.parquet")["status"].value_counts().to_dict()
    rep.out(f"cells: {n_cells} {status}")
    rep.out("")
    rep.out(f"{'pair':>4s} {'jobs':>4s} {'wall s':>8s} {'CPU s':>8s} {'CPU/wall':>8s}  load avg before")
    for r, jobs, wall, cpu, la in rows:
        rep.out(f"{r + 1:4d} {jobs:4d} {wall:8.1f} {cpu:8.1f} {cpu / wall:8.2f}  {la}")
    speedups = []
    for r in range(a.repeats):
        w1 = next(w for rr, j, w, _, _ in rows if rr == r and j == 1)
        w2 = next(w for rr, j, w, _, _ in rows if rr == r and j == 2)
        speedups.append(w1 / w2)
        rep.out(f"pair {r + 1}: speed-up jobs1/jobs2 = {w1 / w2:.2f}x")
    ceilings.append(machine_ceiling())
    rep.out(f"load average after: {loadavg()}")
    rep.out(
        "machine ceiling (2 concurrent CPU-bound loops vs 1, measured before each run and at the end): "
        + ", ".join(f"{c:.2f}x" for c in ceilings)
    )
    rep.out("")
    for name, d in diffs:
        rep.out(f"results {name} vs first run (excluding {', '.join(TIMING)}): {'EQUAL' if not d else 'DIFFER: ' + d}")
    rep.verdict("results equal (1 = yes)", float(all(not d for _, d in diffs)), 1.0, higher_is_better=True)
    import statistics

    rep.verdict(
        "speed-up jobs 2 vs jobs 1 (median over pairs)",
        statistics.median(speedups),
        GOAL,
        higher_is_better=True,
        unit="x",
    )
    rep.save()


if __name__ == "__main__":
    main()
