"""CPU seconds of ``imbench advise`` on a tall (300k × 30) and a wide (6,000 × 100) table (goal: 10 s each).

Both are ``make_classification`` tables with 1 % positives written to CSV. Each ``imbench advise`` runs as a user
runs it (a fresh process: start-up, CSV parsing, meta-features, advice); its CPU time is user + sys of the child
(``RUSAGE_CHILDREN``), the median of ``--repeats`` runs taken in turns across tables, after one warm-up run that
fills the bytecode cache. CPU time, not wall time, because the machine is shared. Beside it, in this process, the
CPU seconds of the quick baseline that ``compare`` (``inspect``) runs on the same rows.

    .venv/bin/python benchmarks/perf/advise_scale.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import IMBENCH, ROOT, Report, bench_env, env_note, loadavg

GOAL_CPU_S = 10.0
TABLES = {"tall": (300_000, 30), "wide": (6_000, 100)}


def child_cpu(cmd: list[str]) -> tuple[float, float, str]:
    """(user + sys CPU seconds, wall seconds, stdout) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT, env=bench_env())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall, out.stdout


def write_table(path: Path, rows: int, features: int) -> None:
    import pandas as pd
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=rows, n_features=features, n_informative=10, weights=[0.99], random_state=0)
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(features)])
    df["y"] = y
    df.to_csv(path, index=False)


def baseline_cpu(path: Path) -> float:
    """CPU seconds of compare's quick baseline (``baseline_scores``, as ``inspect_dataset`` runs it) on the file."""
    from imbench.datasets import load_dataset
    from imbench.datasets.inspect import baseline_scores

    ds = load_dataset(f"file:{path}", target="y", positive="1")
    baseline_scores(ds.X.iloc[:3000], ds.y[:3000])  # warm-up: its imports are start-up, not the baseline
    t0 = time.process_time()
    baseline_scores(ds.X, ds.y)
    return time.process_time() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rep = Report("advise_scale")
    rep.out(env_note(True))
    with tempfile.TemporaryDirectory() as tmp:
        files = {name: Path(tmp) / f"{name}.csv" for name in TABLES}
        for name, (rows, features) in TABLES.items():
            write_table(files[name], rows, features)
        cmd = {n: [IMBENCH, "advise", str(f), "--target", "y", "--positive", "1", "--json"] for n, f in files.items()}
        child_cpu(cmd["wide"])  # warm-up: compiles the bytecode cache once
        cpu: dict[str, list[float]] = {n: [] for n in TABLES}
        wall: dict[str, list[float]] = {n: [] for n in TABLES}
        meta: dict[str, list[float]] = {n: [] for n in TABLES}
        for _ in range(args.repeats):
            for name in TABLES:
                c, w, out = child_cpu(cmd[name])
                cpu[name].append(c)
                wall[name].append(w)
                meta[name].append(float(json.loads(out)["meta"]["seconds"]))
        base = {name: baseline_cpu(files[name]) for name in TABLES}
    rep.out(f"load average during the runs: {loadavg()}")
    rep.out(
        "| table | rows × features | advise CPU (user+sys, median) | advise wall | meta-features wall "
        "| compare's quick baseline CPU | advise / goal |"
    )
    rep.out("|---|---|---|---|---|---|---|")
    for name, (rows, features) in TABLES.items():
        c = statistics.median(cpu[name])
        rep.out(
            f"| {name} | {rows:,} × {features} | {c:.1f} s | {statistics.median(wall[name]):.1f} s | "
            f"{statistics.median(meta[name]):.1f} s | {base[name]:.1f} s | {c / GOAL_CPU_S:.2f} |"
        )
    for name in TABLES:
        rep.verdict(f"advise CPU, {name} table (median)", statistics.median(cpu[name]), GOAL_CPU_S, False, " s")
    rep.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
