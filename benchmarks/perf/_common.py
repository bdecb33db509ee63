"""Shared helpers of the perf scripts: machine header, tee to results/NAME.txt, PASS/MISS lines."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
PY = str(ROOT / ".venv" / "bin" / "python")
IMBENCH = str(ROOT / ".venv" / "bin" / "imbench")


class Report:
    """Collects printed lines and writes them to results/NAME.txt with the command and machine on top."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self.t0 = time.perf_counter()
        self.out("# " + name)
        self.out("command: " + " ".join([".venv/bin/python", os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]]))
        for line in machine_info():
            self.out(line)
        self.out("")

    def out(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def verdict(self, label: str, value: float, goal: float, higher_is_better: bool, unit: str = "") -> bool:
        """Print ``label: value (goal ...) PASS/MISS`` and return whether it passed."""
        ok = value >= goal if higher_is_better else value <= goal
        op = ">=" if higher_is_better else "<="
        self.out(f"{label}: {value:.3f}{unit} (goal {op} {goal}{unit}) {'PASS' if ok else 'MISS'}")
        return ok

    def save(self, suffix: str = "") -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.out(f"\nscript wall time: {time.perf_counter() - self.t0:.1f} s")
        path = RESULTS / f"{self.name}{suffix}.txt"
        path.write_text("\n".join(self.lines) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")
        return path


def machine_info() -> list[str]:
    """Date, git commit, CPU model/count, memory, load average, Python and key library versions."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    from importlib.metadata import PackageNotFoundError, version

    libs = []
    for name in ("scikit-learn", "imbalanced-learn", "optuna", "lightgbm", "mlflow"):
        try:
            libs.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    ncpu = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S %z')}  git: {commit}",
        f"machine: {platform.platform()}; {cpu}; {ncpu} cores; {mem} RAM",
        f"load average at start (other processes share the machine): {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"python {sys.version.split()[0]}; {'; '.join(libs)}",
    ]


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


PYCACHE = "/tmp/imbench-perf-pycache"


def bench_env(pyc: bool = True) -> dict[str, str]:
    """Environment for measured subprocesses.

    This machine sets ``PYTHONDONTWRITEBYTECODE=1`` and the venv has no ``__pycache__``, so every
    process compiles scikit-learn, scipy, pandas … from source (about 3× the import time of a
    normal install). With ``pyc=True`` (default) bytecode is cached under ``PYCACHE`` via
    ``PYTHONPYCACHEPREFIX`` — what a user of a normal ``pip install`` gets — without touching the venv.
    """
    env = dict(os.environ)
    if pyc:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = PYCACHE
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def env_note(pyc: bool) -> str:
    return f"bytecode cache: {'on (PYTHONPYCACHEPREFIX=' + PYCACHE + ', like a normal install)' if pyc else 'off (PYTHONDONTWRITEBYTECODE=1, as this machine is set up: every import compiles from source)'}"
