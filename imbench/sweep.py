"""Sweeps: plan every cell of a suite, run the missing ones, commit each to the store, export."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imbench.errors import ImbenchError
from imbench.evaluation.evaluate import cell_keys
from imbench.executors import DatasetRef, Task, make_executor
from imbench.schema import BAD_STATUSES, TIMING_COLUMNS, WORKER_DIED, Manifest
from imbench.store import DB_NAME, Store, atomic_path, write_atomic
from imbench.suites import Suite
from imbench.system import cpu_count


@dataclass
class SweepEvent:
    """Progress information passed to the ``on_progress`` callback after each cell."""

    done: int
    total: int
    failed: int
    row: dict[str, Any] | None = None


@dataclass
class SweepResult:
    """What a sweep did: run directory, cell counts, wall time, tracking outcome."""

    run_dir: Path
    total: int
    computed: int
    skipped_done: int
    wall_seconds: float
    status_counts: dict[str, int] = field(default_factory=dict)
    tracking: str = ""


def plan(suite: Suite, store: Store) -> tuple[list[Task], int]:
    """Tasks for cells not yet in the store, and the total number of cells in the suite.

    Datasets whose cells are all committed are not loaded again (their names and metadata are
    remembered in the store).
    """
    from imbench.datasets import check_evaluable
    from imbench.executors import load_cached

    known = store.dataset_names()
    done = store.done_ids(retry_prefix=WORKER_DIED)
    n_outer = suite.protocol.n_outer
    tasks: list[Task] = []
    total = 0
    for entry in suite.datasets:
        spec_key = json.dumps(entry.to_config(), sort_keys=True)
        meta = known.get(spec_key)
        if meta is None:
            ds = load_cached(entry.spec, entry.options)  # workers in this process reuse it
            check_evaluable(ds, suite.protocol.outer_folds)
            meta = ds.meta()
            store.add_dataset(spec_key, meta)
        keys = cell_keys(meta["dataset"], suite.strategies, suite.models, n_outer)
        total += len(keys)
        missing = [k for k in keys if k.id not in done]
        ref = DatasetRef(entry.spec, entry.options)
        tasks += [Task(ref, k, suite.protocol, meta) for k in missing]
    return tasks, total


def run_sweep(suite: Suite, out: str | Path, jobs: int = 1, executor: str = "local", scheduler: str | None = None,
              on_progress: Callable[[SweepEvent], None] | None = None,
              tracking: bool = True, tracking_uri: str | None = None, optuna_storage: str | None = None) -> SweepResult:
    """Run (or resume) ``suite`` into run directory ``out`` and export its tables (``optuna_storage``: an RDB
    URL where every inner Optuna study is kept, see ``evaluation.study_storage``)."""
    t0 = time.perf_counter()
    started = _now()
    store = Store(out, suite.config_hash(), suite.config())
    try:
        tasks, total = plan(suite, store)
        if optuna_storage and tasks:
            from imbench.evaluation.study_storage import with_storage

            tasks = with_storage(tasks, optuna_storage, suite.name, suite.config_hash())
        done_before = total - len(tasks)
        failed = sum(r["status"] in BAD_STATUSES for r in store.rows())
        done = done_before
        if on_progress:
            on_progress(SweepEvent(done, total, failed))
        tracker, groups = None, defaultdict(list)
        if tracking:
            from imbench.tracking import Tracker, complete_groups, group_id, resolve_uri

            rows = store.rows()
            logged = store.tracked()
            uri = resolve_uri(tracking_uri)
            backlog = [g for g in complete_groups(rows, suite.protocol.n_outer)
                       if f"{uri} {group_id(g[0])}" not in logged]
            if tasks or backlog:  # a finished, fully logged run does not even import MLflow
                tracker = Tracker(store.dir / DB_NAME, suite, tracking_uri).start()
                for g in backlog:
                    tracker.submit(g)
                for r in rows:
                    groups[group_id(r)].append(r)
        for task, res in make_executor(jobs, executor, scheduler).run(tasks):
            row = res.row
            store.commit_cell(task.key.id, row, res.predictions)
            done += 1
            failed += row["status"] in BAD_STATUSES
            if tracker is not None:
                g = groups[group_id(row)]
                g.append(row)
                if len(g) == suite.protocol.n_outer:
                    tracker.submit(g)
            if on_progress:
                on_progress(SweepEvent(done, total, failed, row))
        wall = time.perf_counter() - t0
        if tasks or not (store.dir / "results.parquet").exists():
            counts = export(store, suite, wall, jobs, executor, started)
        else:  # nothing new: the exports already describe the store
            counts = dict(Counter(r["status"] for r in store.rows()))
        note = "MLflow: 0 new parent runs (every group is already logged)" if tracking and tracker is None else ""
        if tracker is not None:
            from imbench.tracking import resolve_uri

            try:
                note = tracker.close()
            except Exception as e:  # the results are safe; say so on one line instead of a traceback
                why = (str(e).strip().splitlines() or [type(e).__name__])[0][:300]
                raise ImbenchError(f"results are saved in {out}, but logging to MLflow at {resolve_uri(tracking_uri)} "
                                   f"failed ({why}); rerun the same command to retry the logging") from None
        return SweepResult(Path(out), total, len(tasks), done_before, wall, counts, note)
    finally:
        store.close()


def export(store: Store, suite: Suite, wall: float, jobs: int, executor: str, started: str = "") -> dict[str, int]:
    """Write results.parquet, predictions.parquet, config.yaml and manifest.json from the store."""
    import yaml

    from imbench.results import results_frame

    df = results_frame(store.rows())
    d = store.dir
    _parquet_atomic(df, d / "results.parquet")
    _parquet_atomic(store.predictions_frame(), d / "predictions.parquet")
    write_atomic(d / "config.yaml", yaml.safe_dump(suite.config(), sort_keys=False))
    total_wall = float(store.get_meta("wall_seconds") or 0.0) + wall
    store.set_meta("wall_seconds", str(total_wall))
    counts = {str(k): int(v) for k, v in df["status"].value_counts().items()} if len(df) else {}
    timing = [c for c in TIMING_COLUMNS if c in df]
    manifest = Manifest(
        suite=suite.name, config_hash=suite.config_hash(), seed=suite.protocol.seed, cells=int(len(df)),
        status_counts=counts, wall_seconds_total=round(total_wall, 2), wall_seconds_last_invocation=round(wall, 2),
        jobs=jobs, executor=executor,
        fit_seconds_sum=round(float(df[timing].sum().sum()), 2) if len(df) and timing else 0.0,
        python=sys.version.split()[0], platform=platform.platform(), machine=platform.machine(),
        cpu_count=cpu_count(), libraries=library_versions(), git_commit=_git_commit(),
        started_at=started, finished_at=_now())
    write_atomic(d / "manifest.json", json.dumps(manifest.to_dict(), indent=2))
    return counts


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _parquet_atomic(df: Any, path: Path) -> None:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)


def library_versions() -> dict[str, str]:
    """Versions of the libraries that decide the numbers."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("imbench", "numpy", "pandas", "scikit-learn", "imbalanced-learn", "optuna", "xgboost", "lightgbm",
                 "mlflow", "scipy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git_commit() -> str | None:
    try:
        r = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                           cwd=Path(__file__).resolve().parent)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None
