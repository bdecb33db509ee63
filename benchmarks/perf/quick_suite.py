"""``imbench run quick`` with the fast tuning machinery on and off: wall and CPU seconds of the whole suite.

Both runs use the quick suite exactly as shipped except the protocol's ``fast`` switch (a copy of
imbench/evaluation/builtin_suites/quick.yaml with ``fast: false`` for the off side), ``--jobs 1 --no-mlflow --no-report``, a fresh
run directory each, fast side first. CPU = user + system time of the ``imbench`` child process
(``resource.getrusage(RUSAGE_CHILDREN)``), which the machine's other load does not inflate as much as wall time.

Run: ``.venv/bin/python benchmarks/perf/quick_suite.py`` (about 2 × 5 CPU-minutes)
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import IMBENCH, ROOT, Report, loadavg


def run(suite: Path, out: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit code) of one ``imbench run``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(
        [IMBENCH, "run", str(suite), "--out", str(out), "--jobs", "1", "--no-mlflow", "--no-report"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    ).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), rc


def main() -> None:
    import pandas as pd

    rep = Report("quick_suite")
    spec = yaml.safe_load((ROOT / "benchmarks" / "quick.yaml").read_text())
    rep.out(
        f"suite: imbench/evaluation/builtin_suites/quick.yaml, protocol {spec['protocol']}; --jobs 1 --no-mlflow --no-report"
    )
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        off = tmp / "quick_off.yaml"
        off.write_text(yaml.safe_dump({**spec, "protocol": {**spec["protocol"], "fast": False}}, sort_keys=False))
        sides = {"fast": ROOT / "benchmarks" / "quick.yaml", "off": off}
        res = {}
        for side, suite in sides.items():
            wall, cpu, rc = run(suite, tmp / side)
            df = pd.read_parquet(tmp / side / "results.parquet")
            ok = df[df["status"] == "ok"]
            res[side] = (wall, cpu)
            rep.out(
                f"{side:5s} exit {rc}  wall {wall:7.1f} s  CPU {cpu:7.1f} s  cells {len(df)} (ok {len(ok)})  "
                f"mean PR-AUC {ok['test_average_precision'].mean():.4f}  load {loadavg()}"
            )
    rep.out(f"off / fast: wall {res['off'][0] / res['fast'][0]:.2f}x, CPU {res['off'][1] / res['fast'][1]:.2f}x")
    rep.save()


if __name__ == "__main__":
    main()
