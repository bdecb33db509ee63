"""The results store: one SQLite file per run directory, the single source of truth.

Each finished cell (its row and test-fold predictions) is committed in one transaction as
soon as it arrives, so a kill at any moment loses at most the cells in flight, and a rerun
computes only the missing ones. Exports (``results.parquet``, ``predictions.parquet``,
``config.yaml``, ``manifest.json``) are derived from it and written atomically.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from imbench.core.errors import RunDirectoryError, StorageError

DB_NAME = "store.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cells (
    id TEXT PRIMARY KEY, dataset TEXT, strategy TEXT, model TEXT, fold INTEGER,
    status TEXT, row TEXT NOT NULL, finished REAL);
CREATE TABLE IF NOT EXISTS predictions (id TEXT PRIMARY KEY, idx BLOB, y_true BLOB, score BLOB);
CREATE TABLE IF NOT EXISTS datasets (spec TEXT PRIMARY KEY, name TEXT, meta TEXT);
CREATE TABLE IF NOT EXISTS tracked (grp TEXT PRIMARY KEY, run_id TEXT);
CREATE TABLE IF NOT EXISTS fingerprints (spec TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
"""
LOCK_NAME = ".imbench.lock"
"""The run directory's lock file (held by the process writing to it; see ``sweep.run_sweep``)."""


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


WALL_UNKNOWN = "unknown"
"""``wall_seconds`` meta once any sitting's wall time went unrecorded (the total is then unknown for good)."""


class Store:
    """Cells, predictions and run metadata of one run directory."""

    def __init__(self, run_dir: str | Path, config_hash: str, config: dict[str, Any]) -> None:
        self.dir = Path(run_dir)
        db = self.dir / DB_NAME
        self.check_target(self.dir)
        if db.exists():
            _refuse_other_config(db, self.dir, config_hash, config)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.executescript(SCHEMA)
        found = self.get_meta("config_hash")
        if found is None:
            with self.con:
                self.con.execute("BEGIN")
                self._set_meta("config_hash", config_hash)
                self._set_meta("config", json.dumps(config, sort_keys=True))
                self._set_meta("created", str(time.time()))
                self._set_meta("run_id", uuid.uuid4().hex)
        elif found != config_hash:
            old = json.loads(self.get_meta("config") or "{}")
            diff = ", ".join(_diff(old, config)[:4]) or "hash differs"
            self.con.close()
            raise RunDirectoryError(
                f"{self.dir} holds a run with a different configuration ({diff}); use another --out or delete it"
            )

    @staticmethod
    def check_target(run_dir: Path) -> None:
        """Refuse a folder that holds other files and no store (never write into someone else's folder)."""
        if run_dir.is_file() or (
            run_dir.is_dir()
            and not (run_dir / DB_NAME).exists()
            and any(p.name != LOCK_NAME for p in run_dir.iterdir())
        ):
            raise RunDirectoryError(f"{run_dir} exists and is not an imbench run directory; choose another --out")

    @classmethod
    def open_existing(cls, run_dir: str | Path) -> Store:
        """Open a finished or partial run directory for reading only: it needs no write access there, so a run on a
        read-only disk (or one a sweep is writing) can be reported."""
        db = Path(run_dir) / DB_NAME
        if not db.exists():
            raise RunDirectoryError(f"{run_dir} is not an imbench run directory (no {DB_NAME})")
        store = cls.__new__(cls)  # not __init__: that opens the store for writing
        store.dir, store.con = Path(run_dir), connect_read_only(db)
        return store

    # meta -----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        r = self.con.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if r is None else str(r[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def set_meta(self, key: str, value: str) -> None:
        """Set one metadata value (committed at once)."""
        self._set_meta(key, value)

    def open_sitting(self) -> None:
        """Mark a sitting as running. A mark left by an earlier sitting means it ended without recording its wall
        time (SIGKILL, a SIGTERM outside the worker pool, older versions), as does a store with cells but no total:
        the running total becomes unknown instead of silently too low."""
        lost = self.get_meta("sitting_open") == "1"
        if lost or (self.revision() > 0 and self.get_meta("wall_seconds") is None):
            self.set_meta("wall_seconds", WALL_UNKNOWN)
        self.set_meta("sitting_open", "1")

    def close_sitting(self, seconds: float) -> float | None:
        """Add one sitting's wall seconds to the running total and close the sitting; None once any sitting's is
        unknown."""
        prev = self.get_meta("wall_seconds")
        self.set_meta("sitting_open", "0")
        if prev == WALL_UNKNOWN:
            return None
        total = float(prev or 0.0) + seconds
        self.set_meta("wall_seconds", str(total))
        return total

    @property
    def run_id(self) -> str:
        """A random id of this run directory (tags its MLflow runs; made on first use for older stores)."""
        rid = self.get_meta("run_id")
        if rid is None:
            with self.con:
                self.con.execute("BEGIN")
                self.con.execute("INSERT OR IGNORE INTO meta VALUES ('run_id', ?)", (uuid.uuid4().hex,))
            rid = self.get_meta("run_id")
        return str(rid)

    def revision(self) -> int:
        """Counts every change to the cells: the exports record it, so stale exports are detected."""
        return int(self.get_meta("revision") or 0)

    def _bump_revision(self) -> None:
        self.con.execute(
            "INSERT INTO meta VALUES ('revision', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    @property
    def config(self) -> dict[str, Any]:
        return dict(json.loads(self.get_meta("config") or "{}"))

    # datasets -------------------------------------------------------------------------------
    def dataset_names(self) -> dict[str, dict[str, Any]]:
        """spec → metadata (with ``dataset`` name) of datasets already loaded in this run."""
        return {s: json.loads(m) for s, m in self.con.execute("SELECT spec, meta FROM datasets")}

    def add_dataset(self, spec: str, meta: dict[str, Any]) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO datasets VALUES (?, ?, ?)",
            (spec, meta["dataset"], json.dumps(meta, default=_json_default)),
        )

    def fingerprints(self) -> dict[str, str]:
        """spec → content fingerprint of each dataset this run was computed on."""
        return dict(self.con.execute("SELECT spec, fingerprint FROM fingerprints").fetchall())

    def set_fingerprint(self, spec: str, fingerprint: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO fingerprints VALUES (?, ?)", (spec, fingerprint))

    def forget_dataset(self, spec: str, fingerprint: str) -> int:
        """Drop every cell, prediction and MLflow record of dataset ``spec`` (its content changed) and pin the
        new ``fingerprint``, in one transaction; the number of cells dropped."""
        meta = self.dataset_names().get(spec)
        with self.con:
            self.con.execute("BEGIN")
            n = 0
            if meta is not None:
                name = meta["dataset"]
                ids = [r[0] for r in self.con.execute("SELECT id FROM cells WHERE dataset=?", (name,))]
                self.con.executemany("DELETE FROM predictions WHERE id=?", [(i,) for i in ids])
                self.con.execute("DELETE FROM cells WHERE dataset=?", (name,))
                self.con.execute("DELETE FROM tracked WHERE instr(grp, ?) > 0", (f" {name}|",))
                n = len(ids)
                self._bump_revision()
            self.con.execute("DELETE FROM datasets WHERE spec=?", (spec,))
            self.set_fingerprint(spec, fingerprint)
        return n

    # cells ----------------------------------------------------------------------------------
    def done_ids(self, retry_prefix: str | tuple[str, ...] | None = None) -> set[str]:
        """Ids of committed cells (those whose error starts with ``retry_prefix`` count as missing)."""
        rows = self.con.execute("SELECT id, row FROM cells").fetchall()
        if retry_prefix is None:
            return {r[0] for r in rows}
        return {i for i, row in rows if not json.loads(row).get("error", "").startswith(retry_prefix)}

    def commit_cell(self, cell_id: str, row: dict[str, Any], predictions: dict[str, np.ndarray] | None) -> None:
        """Commit one finished cell and its predictions atomically."""
        data = json.dumps(row, default=_json_default)
        with self.con:
            self.con.execute("BEGIN")
            self.con.execute(
                "INSERT OR REPLACE INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cell_id,
                    row["dataset"],
                    row["strategy"],
                    row["model"],
                    int(row["fold"]),
                    row["status"],
                    data,
                    time.time(),
                ),
            )
            self._bump_revision()
            if predictions is not None:
                self.con.execute(
                    "INSERT OR REPLACE INTO predictions VALUES (?, ?, ?, ?)",
                    (
                        cell_id,
                        predictions["index"].astype(np.int64).tobytes(),
                        predictions["y_true"].astype(np.int8).tobytes(),
                        predictions["score"].astype(np.float64).tobytes(),
                    ),
                )

    def rows_of(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The committed rows of cells ``ids`` (those committed), by id."""
        out: dict[str, dict[str, Any]] = {}
        for cell_id in ids:
            hit = self.con.execute("SELECT row FROM cells WHERE id=?", (cell_id,)).fetchone()
            if hit is not None:
                out[cell_id] = json.loads(hit[0])
        return out

    def rows(self) -> list[dict[str, Any]]:
        """Every committed row."""
        return [json.loads(r[0]) for r in self.con.execute("SELECT row FROM cells ORDER BY id")]

    def predictions_frame(self) -> Any:
        """Long table: dataset, strategy, model, fold, index, y_true, score (one row per test row)."""
        import pandas as pd

        parts = []
        q = (
            "SELECT c.dataset, c.strategy, c.model, c.fold, p.idx, p.y_true, p.score "
            "FROM predictions p JOIN cells c ON c.id = p.id ORDER BY c.id"
        )
        for ds, st, mo, fo, idx, yt, sc in self.con.execute(q):
            index = np.frombuffer(idx, dtype=np.int64)
            parts.append(
                pd.DataFrame(
                    {
                        "dataset": ds,
                        "strategy": st,
                        "model": mo,
                        "fold": fo,
                        "index": index,
                        "y_true": np.frombuffer(yt, dtype=np.int8),
                        "score": np.frombuffer(sc, dtype=np.float64),
                    }
                )
            )
        if not parts:
            return pd.DataFrame(columns=["dataset", "strategy", "model", "fold", "index", "y_true", "score"])
        return pd.concat(parts, ignore_index=True)

    # tracking -------------------------------------------------------------------------------
    def tracked(self) -> set[str]:
        """Groups already mirrored to MLflow."""
        return {r[0] for r in self.con.execute("SELECT grp FROM tracked")}

    def close(self) -> None:
        self.con.close()


def connect_read_only(db: Path) -> sqlite3.Connection:
    """A connection that never writes the database. ``mode=ro`` sees a live sweep's commits but, the store being in WAL mode,
    needs a ``-shm`` file, which a read-only folder cannot get; there (where no sweep can be writing either) the
    database is opened ``immutable``."""
    uri = db.resolve().as_uri()
    con = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    try:
        con.execute("PRAGMA schema_version").fetchone()
        return con
    except sqlite3.OperationalError:
        con.close()
        if os.access(db.parent, os.W_OK):
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def _refuse_other_config(db: Path, run_dir: Path, config_hash: str, config: dict[str, Any]) -> None:
    """RunDirectoryError when ``db`` holds another configuration, read without touching the folder: an
    immutable read-only connection creates no ``-wal``/``-shm`` files, so a refused run leaves no trace."""
    con = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    try:
        rows = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('config_hash', 'config')").fetchall())
    except sqlite3.DatabaseError:
        return  # not readable this way (e.g. no meta table yet): the normal path decides
    finally:
        con.close()
    found = rows.get("config_hash")
    if found is not None and found != config_hash:
        diff = ", ".join(_diff(json.loads(rows.get("config") or "{}"), config)[:4]) or "hash differs"
        raise RunDirectoryError(
            f"{run_dir} holds a run with a different configuration ({diff}); use another --out or delete it"
        )


FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
SQLITE_FULL = ("database or disk is full",)
SQLITE_READ_ONLY = ("attempt to write a readonly database", "unable to open database file", "access permission denied")


def storage_problem(e: BaseException) -> tuple[str, bool] | None:
    """``(why, read_only)`` when ``e`` is a full disk or an unwritable file, as the OS or SQLite reports it (SQLite
    raises ``OperationalError`` with a fixed message, pyarrow an ``OSError`` with the errno); None otherwise."""
    if isinstance(e, sqlite3.OperationalError):
        msg = str(e).lower()
        if msg.startswith(SQLITE_FULL):
            return "no space left on device", False
        return (msg, True) if msg.startswith(SQLITE_READ_ONLY) else None
    if isinstance(e, OSError) and e.errno in FULL_ERRNOS | READ_ONLY_ERRNOS:
        return os.strerror(e.errno).lower(), e.errno in READ_ONLY_ERRNOS
    return None


@contextmanager
def storage_errors(folder: Path, hint_full: str, hint_read_only: str) -> Iterator[None]:
    """Turn a full disk or an unwritable file met in the block into a one-line ``StorageError`` that names the
    file and says what to do; any other error passes through. Nothing needs repair afterwards: a failed store
    transaction is rolled back and ``atomic_path`` replaces an export only once it is written whole."""
    try:
        yield
    except (OSError, sqlite3.OperationalError) as e:
        found = storage_problem(e)
        if found is None:
            raise
        why, read_only = found
        if isinstance(e, sqlite3.OperationalError):
            name = folder / DB_NAME
        else:  # pyarrow names no file: the folder it was writing to
            name = Path(str(e.filename)) if e.filename else folder
        raise StorageError(f"cannot write {name}: {why}; {hint_read_only if read_only else hint_full}") from e


def _diff(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for k in sorted(set(old) | set(new)):
        a, b = old.get(k), new.get(k)
        if isinstance(a, dict) and isinstance(b, dict):
            out += _diff(a, b, f"{prefix}{k}.")
        elif a != b:
            out.append(f"{prefix}{k}: {_short(a)} -> {_short(b)}")
    return out


def _short(v: Any) -> str:
    s = json.dumps(v, default=str)
    return s if len(s) <= 60 else s[:57] + "..."
