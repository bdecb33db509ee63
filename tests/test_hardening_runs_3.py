"""Runs that end badly (issue 3 of the hardening round): a driver killed with SIGKILL leaves no orphan workers, and
a full disk or a read-only run directory ends in a one-line error (exit 2) and a typed exception, never a
traceback, with the store left consistent."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_hardening_runs import RUN, cli, one_line_error, suite_file, table
from test_sweep import _env, cmd
from test_sweep_stop_signals import _alive, _children, _cmdline


# 6. workers exit when the driver dies ---------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_sigkill_of_the_driver_leaves_no_orphan_workers(tmp_path: Path) -> None:
    """`kill -9` of `imbench run --jobs 2` used to leave both pool workers (and multiprocessing's resource tracker)
    running under PID 1 for minutes, finishing cells nobody would store. Now they exit with the driver."""
    suite = tmp_path / "slow.yaml"
    suite.write_text(
        "name: slow\ndatasets: ['synthetic:ir=10,n=4000']\nstrategies: [none, smote]\nmodels: [random_forest]\n"
        "protocol: {outer_folds: 4, inner_folds: 3, n_trials: 30, seed: 0}\n"
    )
    proc = subprocess.Popen(
        cmd(suite, tmp_path / "out", "--jobs", "2"),
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    orphans: set[int] = set()
    try:
        deadline = time.time() + 120
        workers: set[int] = set()
        while time.time() < deadline and len(workers) < 2:
            workers = {p for p in _children(proc.pid) if "spawn_main" in _cmdline(p)}
            time.sleep(0.2)
        assert len(workers) >= 2, "the pool's workers did not start"
        time.sleep(1.0)  # the workers are computing their first cells
        helpers = {p for p in _children(proc.pid) if "resource_tracker" in _cmdline(p)}
        orphans = workers | helpers
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in orphans):
            time.sleep(0.1)
        left = {p: _cmdline(p).replace("\0", " ")[:80] for p in orphans if _alive(p)}
        assert not left, f"processes outlived the killed driver: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in orphans:  # never leave them behind, even when the test fails
            if _alive(p):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p, signal.SIGKILL)


# 7. a full disk or a read-only run directory: one line, exit 2, a typed error, a consistent store ---------------
class FullDisk:
    """A store connection on a disk that fills up: after ``ok`` commits, a cell's commit fails inside its transaction
    (the cell row and the revision written, the predictions not), with SQLite's own error."""

    def __init__(self, con: sqlite3.Connection, ok: int) -> None:
        self.con, self.ok = con, ok

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT OR REPLACE INTO predictions"):
            self.ok -= 1
            if self.ok < 0:
                raise sqlite3.OperationalError("database or disk is full")
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)

    def __enter__(self) -> Any:
        return self.con.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self.con.__exit__(*exc)


def fill_disk_after(m: pytest.MonkeyPatch, ok: int) -> None:
    from imbench.storage.store import Store

    init = Store.__init__

    def opened(self: Store, *args: Any, **kw: Any) -> None:
        init(self, *args, **kw)
        self.con = FullDisk(self.con, ok)  # type: ignore[assignment]

    m.setattr(Store, "__init__", opened)


def store_state(out: Path) -> tuple[int, int, int, str]:
    """(cells, predictions, revision, integrity check) of a run directory's store."""
    with contextlib.closing(sqlite3.connect(out / "store.sqlite")) as con:
        cells = con.execute("SELECT count(*) FROM cells").fetchone()[0]
        preds = con.execute("SELECT count(*) FROM predictions").fetchone()[0]
        rev = con.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0]
        return cells, preds, int(rev), con.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.slow
def test_full_disk_while_committing_a_cell_is_one_line_and_the_store_stays_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sqlite3.OperationalError: database or disk is full` used to end the sweep in a traceback."""
    from imbench.core.errors import StorageError
    from imbench.evaluation.suites import load_suite
    from imbench.sweep.run import run_sweep

    s, out = suite_file(tmp_path, table(tmp_path / "d.csv")), tmp_path / "run"
    with monkeypatch.context() as m:
        fill_disk_after(m, ok=2)
        with pytest.raises(StorageError, match="no space left on device; free some space and rerun"):
            run_sweep(load_suite(str(s)), out, tracking=False)
        msg = one_line_error(cli(tmp_path, "run", str(s), "--out", str(tmp_path / "cli"), *RUN))
    assert msg.startswith(f"error: cannot write {tmp_path / 'cli' / 'store.sqlite'}: no space left on device")
    assert store_state(out) == (2, 2, 2, "ok")  # the failed cell's transaction left nothing behind
    res = run_sweep(load_suite(str(s)), out, tracking=False)  # space freed: the rerun computes the rest
    assert (res.computed, res.skipped_done) == (2, 2)
    assert store_state(out) == (4, 4, 4, "ok")


@pytest.mark.slow
@pytest.mark.parametrize("export", ["predictions.parquet", "manifest.json"])
def test_full_disk_while_exporting_is_one_line_and_the_rerun_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export: str
) -> None:
    """`OSError: [Errno 28] No space left on device` from pyarrow or a plain write used to be a traceback."""
    import pandas as pd

    from imbench.storage.store import Store
    from imbench.sweep.run import exports_current

    tmp = f".{export}.tmp"
    to_parquet, write_bytes = pd.DataFrame.to_parquet, Path.write_bytes

    def parquet(df: pd.DataFrame, path: Any, *args: Any, **kw: Any) -> Any:
        if Path(path).name == tmp:  # half written, as pyarrow leaves it (its error names no file)
            write_bytes(Path(path), b"PAR1")
            raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")
        return to_parquet(df, path, *args, **kw)

    def plain(path: Path, data: Any) -> int:
        if path.name == tmp:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write_bytes(path, data)

    s, out = suite_file(tmp_path, table(tmp_path / "d.csv")), tmp_path / "run"
    with monkeypatch.context() as m:
        m.setattr(pd.DataFrame, "to_parquet", parquet)
        m.setattr(Path, "write_bytes", plain)
        msg = one_line_error(cli(tmp_path, "run", str(s), "--out", str(out), *RUN))
    where = out if export.endswith("parquet") else out / tmp
    assert msg == (
        f"error: cannot write {where}: no space left on device; free some space and rerun the same command: "
        "the cells committed so far are kept"
    )
    assert not list(out.glob(".*.tmp")), "a failed export leaves no temporary file"
    assert store_state(out) == (4, 4, 4, "ok")
    store = Store.open_existing(out)
    try:
        assert not exports_current(store)  # the manifest does not claim the half-done exports
    finally:
        store.close()
    assert cli(tmp_path, "run", str(s), "--out", str(out), *RUN).exit_code == 0
    store = Store.open_existing(out)
    try:
        assert exports_current(store)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("exc", "why", "hint"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/r/x"), "no space left on device", "FULL"),
        (OSError(errno.EDQUOT, "Disk quota exceeded", "/r/x"), "disk quota exceeded", "FULL"),
        (OSError(errno.EROFS, "Read-only file system", "/r/x"), "read-only file system", "RO"),
        (OSError(errno.EACCES, "Permission denied", "/r/x"), "permission denied", "RO"),
        (sqlite3.OperationalError("database or disk is full"), "no space left on device", "FULL"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "readonly database", "RO"),
    ],
)
def test_full_or_read_only_storage_becomes_a_typed_one_line_error(
    tmp_path: Path, exc: Exception, why: str, hint: str
) -> None:
    from imbench.core.errors import ImbenchError, StorageError
    from imbench.storage.store import storage_errors

    with pytest.raises(StorageError) as info, storage_errors(tmp_path, "FULL", "RO"):
        raise exc
    msg = str(info.value)
    assert isinstance(info.value, ImbenchError) and why in msg and msg.endswith(f"; {hint}") and "\n" not in msg
    assert info.value.__cause__ is exc  # the API keeps the original error for whoever debugs it


@pytest.mark.parametrize(
    "exc", [OSError(errno.ENOENT, "No such file"), sqlite3.OperationalError("database is locked"), ValueError("x")]
)
def test_other_errors_are_not_called_storage_errors(tmp_path: Path, exc: Exception) -> None:
    from imbench.storage.store import storage_errors

    with pytest.raises(type(exc)), storage_errors(tmp_path, "FULL", "RO"):
        raise exc


def test_read_only_file_system_at_the_first_write_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a read-only mount even root gets EROFS: the run directory's lock is the first thing a sweep writes."""
    import imbench.sweep.run

    def read_only(path: Path, wait: bool = True) -> Any:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    s, out = suite_file(tmp_path, table(tmp_path / "d.csv")), tmp_path / "run"
    out.mkdir()
    monkeypatch.setattr(imbench.sweep.run, "file_lock", read_only)
    msg = one_line_error(cli(tmp_path, "run", str(s), "--out", str(out), *RUN))
    assert msg.startswith(f"error: cannot write {out / '.imbench.lock'}: read-only file system; make {out} writable")


def _unprivileged() -> None:
    """preexec_fn: drop the capabilities that let root ignore file permissions (an ordinary user's view)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone from the bounding set, so after exec too
            raise OSError(ctypes.get_errno(), "PR_CAPBSET_DROP")


def imbench_read_only(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``imbench ARGS`` in a process that file permissions bind (root drops its override capabilities)."""
    return subprocess.run(
        [sys.executable, "-m", "imbench.cli", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_unprivileged if os.geteuid() == 0 else None,
    )


def _can_drop_privileges() -> bool:
    if os.geteuid() != 0:
        return True
    try:
        return subprocess.run([sys.executable, "-c", ""], preexec_fn=_unprivileged).returncode == 0
    except subprocess.SubprocessError:
        return False


def _chmod_tree(root: Path, writable: bool) -> None:
    for p in [root, *root.rglob("*")]:
        p.chmod((0o755 if p.is_dir() else 0o644) if writable else (0o555 if p.is_dir() else 0o444))


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="drops Linux capabilities")
def test_read_only_finished_run_is_reported_elsewhere_and_not_resumed(tmp_path: Path) -> None:
    """A finished run on a read-only disk: `imbench report` used to die on `attempt to write a readonly database`
    (it opened the store for writing when the -shm file was absent) and `imbench run` on `PermissionError`."""
    if not _can_drop_privileges():
        pytest.skip("cannot drop root's capabilities here")
    s, out = suite_file(tmp_path, table(tmp_path / "d.csv")), tmp_path / "run"
    assert cli(tmp_path, "run", str(s), "--out", str(out), *RUN).exit_code == 0
    sqlite3.connect(out / "store.sqlite").close()  # as a finished run is archived: no -wal/-shm beside the store
    assert not (out / "store.sqlite-shm").exists()
    here = tmp_path / "elsewhere"
    here.mkdir()
    before = _snapshot(out)
    _chmod_tree(out, writable=False)
    try:
        r = imbench_read_only(here, "report", str(out))
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-3000:]
        assert f"note: {out} is read-only; writing the report to run-report instead (choose with --out)" in r.stderr
        assert (here / "run-report" / "report.html").is_file() and "report: run-report/report.html" in r.stdout

        r = imbench_read_only(here, "run", str(s), "--out", str(out), *RUN)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr[-3000:]
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: cannot write {out / '.imbench.lock'}: permission")
        assert f"`imbench report {out} --out DIR`" in lines[0]
    finally:
        _chmod_tree(out, writable=True)
    assert _snapshot(out) == before  # nothing in the run directory was written, the store included
