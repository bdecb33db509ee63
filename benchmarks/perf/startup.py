"""Start-up time of the CLI: ``imbench --help`` and ``imbench list strategies`` (median of N runs).

Goal: each < 1 s. The two commands are run alternately so background load affects both alike.
A miss is explained with the heaviest imports of the slow command (``python -X importtime``).

    .venv/bin/python benchmarks/perf/startup.py [--small]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import IMBENCH, PY, ROOT, Report, bench_env, loadavg

GOAL_S = 1.0
COMMANDS = {"imbench --help": [IMBENCH, "--help"], "imbench list strategies": [IMBENCH, "list", "strategies"]}
BASELINES = {"python -c pass": [PY, "-c", "pass"]}


def timed(cmd: list[str], pyc: bool = True) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT, env=bench_env(pyc))
    return time.perf_counter() - t0


def heaviest_imports(args: list[str], top: int = 8) -> list[str]:
    """The top-level imbench-caused imports by cumulative time (one ``-X importtime`` run)."""
    code = (
        f"import sys; from imbench.cli.main import main; sys.argv=['imbench', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    r = subprocess.run([PY, "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=ROOT, env=bench_env())
    rows = []
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line.split("|")
        try:
            cum = int(parts[1])
        except ValueError:
            continue
        name = parts[2].rstrip()
        rows.append((cum, name))
    rows.sort(reverse=True)
    return [f"  {cum / 1e6:7.3f} s  {name}" for cum, name in rows[:top]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="3 runs each instead of 5")
    a = ap.parse_args()
    n = 3 if a.small else 5
    rep = Report("startup" + ("_small" if a.small else ""))
    everything = {**BASELINES, **COMMANDS}
    for cmd in everything.values():  # warm the page cache and the bytecode cache once
        timed(cmd)
    times: dict[tuple[str, bool], list[float]] = {}
    for _ in range(n):  # alternate the commands: background load hits all alike
        for pyc in (True, False):
            for label, cmd in everything.items():
                times.setdefault((label, pyc), []).append(timed(cmd, pyc))
    rep.out("pyc on = bytecode cached (normal install); pyc off = PYTHONDONTWRITEBYTECODE=1 as this machine is set up")
    rep.out(f"{'command':28s} {'pyc':>4s} {'median s':>9s} {'min s':>7s} {'max s':>7s}  runs")
    for (label, pyc), ts in times.items():
        rep.out(
            f"{label:28s} {'on' if pyc else 'off':>4s} {statistics.median(ts):9.3f} {min(ts):7.3f} {max(ts):7.3f}  {n}"
        )
    rep.out(f"load average after: {loadavg()}")
    rep.out("")
    misses = []
    for pyc in (True, False):
        for label in COMMANDS:
            med = statistics.median(times[(label, pyc)])
            if (
                not rep.verdict(
                    f"{label} median (pyc {'on' if pyc else 'off'})", med, GOAL_S, higher_is_better=False, unit=" s"
                )
                and label not in misses
            ):
                misses.append(label)
    for label in misses:
        args = COMMANDS[label][1:]
        rep.out(f"\nwhy '{label}' is slow: heaviest imports (cumulative, -X importtime, one run):")
        for line in heaviest_imports(args):
            rep.out(line)
    rep.save()


if __name__ == "__main__":
    main()
