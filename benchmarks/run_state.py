"""Carry an unfinished run between sittings in git: its store as append-only, compressed shards.

A reference run takes longer than one session. ``save`` writes the cells (and their predictions)
finished since the last shard into ``STATE/shard-NNN.sqlite.gz``, with a full copy of the small
tables (meta: the config and its hash; datasets; fingerprints; tracked), so each commit adds only the
new work. ``restore`` rebuilds ``RUN/store.sqlite`` from every shard in order; ``imbench run SUITE
--out RUN`` then computes only the missing cells (same config hash, same seeds, so the finished run
is the one an uninterrupted run would have written).

Run: ``.venv/bin/python benchmarks/run_state.py save runs/keel_full state/keel_full``
     ``.venv/bin/python benchmarks/run_state.py restore state/keel_full runs/keel_full``
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from imbench.storage.store import DB_NAME, SCHEMA

APPENDED = ("cells", "predictions")
"""Tables whose rows a shard holds only when no earlier shard holds them (keyed by cell id)."""
COPIED = ("meta", "datasets", "fingerprints", "tracked")
"""Small tables copied whole into every shard; the last shard's copy wins on restore."""


def shards(state: Path) -> list[Path]:
    return sorted(state.glob("shard-*.sqlite.gz"))


def _unpacked(shard: Path, tmp: Path) -> Path:
    out = tmp / shard.name.removesuffix(".gz")
    with gzip.open(shard, "rb") as src, out.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def save(run: Path, state: Path) -> int:
    """Write the cells finished since the last shard; return how many."""
    db = run / DB_NAME
    if not db.exists():
        raise SystemExit(f"error: {db} does not exist")
    state.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        known: set[str] = set()
        for old in shards(state):
            con = sqlite3.connect(_unpacked(old, tmp))
            known |= {r[0] for r in con.execute("SELECT id FROM cells")}
            con.close()
        out = tmp / "new.sqlite"
        con = sqlite3.connect(out)
        con.executescript(SCHEMA)
        con.execute("ATTACH DATABASE ? AS run", (f"file:{db}?mode=ro",))
        con.execute("CREATE TEMP TABLE known (id TEXT PRIMARY KEY)")
        con.executemany("INSERT INTO known VALUES (?)", ((k,) for k in known))
        with con:
            for table in APPENDED:
                con.execute(
                    f"INSERT INTO main.{table} SELECT * FROM run.{table} WHERE id NOT IN (SELECT id FROM known)"
                )
            for table in COPIED:
                con.execute(f"INSERT INTO main.{table} SELECT * FROM run.{table}")
        new = con.execute("SELECT count(*) FROM main.cells").fetchone()[0]
        con.execute("DETACH DATABASE run")
        con.execute("VACUUM")
        con.close()
        if new == 0:
            print(f"{run}: no cells since the last shard; nothing written")
            return 0
        target = state / f"shard-{len(shards(state)) + 1:03d}.sqlite.gz"
        with out.open("rb") as src, gzip.open(target, "wb", compresslevel=9) as dst:
            shutil.copyfileobj(src, dst)
        print(f"{target}: {new} cells ({len(known) + new} in all), {target.stat().st_size / 1e6:.1f} MB")
        return int(new)


def restore(state: Path, run: Path) -> int:
    """Rebuild ``run``'s store from the shards; refuse to overwrite an existing store."""
    found = shards(state)
    if not found:
        raise SystemExit(f"error: no shard-*.sqlite.gz in {state}")
    db = run / DB_NAME
    if db.exists():
        raise SystemExit(f"error: {db} exists; restore into a new run directory")
    run.mkdir(parents=True, exist_ok=True)
    partial = run / (DB_NAME + ".partial")
    con = sqlite3.connect(partial)
    con.executescript(SCHEMA)
    with tempfile.TemporaryDirectory() as t:
        for shard in found:
            con.execute("ATTACH DATABASE ? AS shard", (str(_unpacked(shard, Path(t))),))
            with con:
                for table in (*APPENDED, *COPIED):
                    con.execute(f"INSERT OR REPLACE INTO main.{table} SELECT * FROM shard.{table}")
            con.execute("DETACH DATABASE shard")
    n = con.execute("SELECT count(*) FROM cells").fetchone()[0]
    con.close()
    partial.rename(db)  # nothing half-written under the store's name
    print(f"{db}: {n} cells from {len(found)} shard(s)")
    return int(n)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save", help="append the new cells of RUN to STATE")
    s.add_argument("run", type=Path)
    s.add_argument("state", type=Path)
    r = sub.add_parser("restore", help="rebuild RUN/store.sqlite from STATE")
    r.add_argument("state", type=Path)
    r.add_argument("run", type=Path)
    args = ap.parse_args()
    if args.cmd == "save":
        save(args.run, args.state)
    else:
        restore(args.state, args.run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
