"""Publish a finished reference run into ``results/NAME``: its tables, then the report regenerated from them.

Refuses an unfinished run: the run must hold a result row for every cell its config asks for (datasets ×
strategies × models × outer folds × repeats) — a run still in progress stays in ``state/``. Copies
``results.parquet``, ``predictions.parquet``, ``config.yaml`` and ``manifest.json`` (which ``imbench run``
exports when the last cell is done), then rebuilds ``cheatsheet.md``, ``report.html`` and the screenshots from the
copied files with ``benchmarks/screenshots.py --publish``, so what is published is what ``imbench report``
makes of the published tables on a fresh clone.

Run: ``.venv/bin/python benchmarks/publish_run.py runs/keel_full results/keel``
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("results.parquet", "predictions.parquet", "config.yaml", "manifest.json")


def expected_cells(config: dict) -> int:
    """Cells a suite config asks for."""
    p = config.get("protocol", {})
    return (
        len(config["datasets"])
        * len(config["strategies"])
        * len(config["models"])
        * int(p.get("outer_folds", 5))
        * int(p.get("repeats", 1))
    )


def main() -> int:
    from imbench.reporting.load import load_run
    from imbench.storage.store import Store

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument("dest", type=Path)
    args = ap.parse_args()
    store = Store.open_existing(args.run)  # the store, not an export, says what the run asked for
    config = store.config
    store.close()
    run = load_run(args.run)  # exports from the store when results.parquet is missing or stale
    want, have = expected_cells(config), len(run.results)
    if have < want:
        raise SystemExit(f"error: {args.run} holds {have} of {want} cells; publish only finished runs")
    missing = [f for f in FILES if not (args.run / f).is_file()]
    if missing:  # a run restored from state shards: one more `imbench run` finds nothing to do and exports
        raise SystemExit(
            f"error: {args.run} lacks {', '.join(missing)}; export it first with "
            f"imbench run {config.get('name', 'SUITE')} --out {args.run} --no-mlflow"
        )
    args.dest.mkdir(parents=True, exist_ok=True)
    for f in FILES:
        shutil.copyfile(args.run / f, args.dest / f)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "screenshots.py"), "--publish", str(args.dest)], check=True
    )
    print(f"published {args.run} ({have} cells) to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
