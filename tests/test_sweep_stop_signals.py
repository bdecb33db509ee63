"""A stopped sweep: SIGTERM to `imbench run --jobs 2` ends its pool workers too, prints no traceback and still
records the sitting's wall time (the process table is read from /proc)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from test_sweep import _env, cmd

pytestmark = pytest.mark.slow


def _children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid`` (from /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(stat.parent.name))
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_sigterm_to_the_driver_stops_its_workers_too(tmp_path: Path) -> None:
    """`kill PID` (SIGTERM) on `imbench run --jobs 2` used to end the driver alone, leaving two workers computing
    cells nobody would store. Now the workers go with it, and the committed cells resume as usual."""
    suite = tmp_path / "slow.yaml"
    suite.write_text(
        "name: slow\ndatasets: ['synthetic:ir=10,n=4000']\nstrategies: [none, smote]\nmodels: [random_forest]\n"
        "protocol: {outer_folds: 4, inner_folds: 3, n_trials: 30, seed: 0}\n"
    )
    err = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen(cmd(suite, tmp_path / "out", "--jobs", "2"), cwd=tmp_path, env=_env(), stderr=err)
    try:
        deadline = time.time() + 120
        workers: set[int] = set()
        while time.time() < deadline and len(workers) < 2:  # the two pool workers (beside a resource tracker)
            workers = {p for p in _children(proc.pid) if "spawn_main" in _cmdline(p)}
            time.sleep(0.2)
        assert len(workers) >= 2, "the pool's workers did not start"
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) != 0
        deadline = time.time() + 20
        while time.time() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "worker processes outlived the driver"
        err.close()
        assert "Traceback" not in (tmp_path / "stderr.txt").read_text(), "a stop is not a crash: no traceback"
        with sqlite3.connect(tmp_path / "out" / "store.sqlite") as con:  # the stopped sitting's wall time counts
            (stopped_wall,) = con.execute("SELECT value FROM meta WHERE key = 'wall_seconds'").fetchone()
        assert float(stopped_wall) > 1.0
    finally:
        err.close()
        if proc.poll() is None:
            proc.kill()
