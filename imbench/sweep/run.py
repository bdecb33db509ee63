"""Sweeps: plan every cell of a suite, run the missing ones, commit each to the store, export."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from imbench import __version__
from imbench.core.errors import DataValidationError, RunDirectoryError, TrackingError
from imbench.core.files import atomic_path, write_atomic
from imbench.core.results import results_frame
from imbench.core.schema import BAD_STATUSES, RETRIED, WALL_COLUMNS, Manifest, ResultRow
from imbench.core.system import LockBusy, cpu_count, file_lock, pause_point
from imbench.datasets import check_evaluable, dataset_fingerprint
from imbench.evaluation.plan import cell_keys
from imbench.evaluation.study_storage import with_storage
from imbench.evaluation.suites import Suite, load_suite
from imbench.execution import make_executor
from imbench.execution.tasks import DatasetRef, Task, link_searches, load_cached
from imbench.reporting.build import build_report
from imbench.storage.store import DB_NAME, LOCK_NAME, Store, storage_errors
from imbench.tracking.runs import Tracker, complete_groups, group_id, resolve_uri


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
    tracking_error: str = ""
    """Why logging to MLflow failed (the results and exports are complete regardless); empty when it did not."""
    report: dict[str, Path] = field(default_factory=dict)
    """Files of the report written by ``run_suite`` (name → path); empty when none was written."""


def dataset_refs(suite: Suite) -> list[tuple[Any, str, DatasetRef, str]]:
    """(entry, spec key, worker reference, content fingerprint) of each dataset of ``suite``.

    A ``file:`` reference carries the file's digest, so a worker refuses a file changed during the run.
    """

    out = []
    for entry in suite.datasets:
        fp = dataset_fingerprint(entry.spec, entry.options)
        opts = entry.options
        if entry.spec.startswith("file:") and fp.startswith("sha256:") and "sha256" not in dict(opts):
            opts = (*opts, ("sha256", fp.removeprefix("sha256:")))
        out.append((entry, json.dumps(entry.to_config(), sort_keys=True), DatasetRef(entry.spec, opts), fp))
    return out


Refs = list[tuple[Any, str, DatasetRef, str]]


def validate_datasets(suite: Suite, refs: Refs | None = None) -> None:
    """Load every dataset and check it against the protocol (before anything is written to disk)."""

    proto = suite.protocol
    for _, _, ref, _ in refs if refs is not None else dataset_refs(suite):
        ds = load_cached(ref.spec, ref.options)
        check_evaluable(ds, proto.outer_folds)
        train_pos = ds.n_pos - -(-ds.n_pos // proto.outer_folds)  # positives left in the smallest outer-train
        if train_pos < proto.inner_folds:
            raise DataValidationError(
                f"{ds.name}: an outer-train split keeps {train_pos} positives, fewer than the "
                f"{proto.inner_folds} inner folds; use fewer folds or more data"
            )


def check_fingerprints(
    suite: Suite, store: Store, recompute_changed: bool = False, refs: Refs | None = None
) -> list[str]:
    """Pin each dataset's content fingerprint in the store; refuse a changed dataset (RunDirectoryError naming
    it), or with ``recompute_changed`` drop its cells so they are computed again. Names of recomputed datasets."""
    pinned = store.fingerprints()
    known = store.dataset_names()
    changed = []
    for entry, key, _, fp in refs if refs is not None else dataset_refs(suite):
        old = pinned.get(key)
        if old is None or old == fp:
            if old is None:
                store.set_fingerprint(key, fp)
            continue
        if not recompute_changed:
            raise RunDirectoryError(
                f"dataset {entry.spec} changed since {store.dir} computed its cells (content fingerprint {old} -> "
                f"{fp}); rerun with --recompute-changed to recompute them, or use another --out"
            )
        store.forget_dataset(key, fp)
        changed.append(str(known.get(key, {}).get("dataset", entry.spec)))
    return changed


def plan(suite: Suite, store: Store, refs: Refs | None = None) -> tuple[list[Task], int]:
    """Tasks for cells not yet in the store, and the total number of cells in the suite.

    Datasets whose cells are all committed are not loaded again (their names and metadata are
    remembered in the store).
    """

    known = store.dataset_names()
    done = store.done_ids(retry_prefix=RETRIED)
    n_outer = suite.protocol.n_outer
    tasks: list[Task] = []
    total = 0
    for _, spec_key, ref, _ in refs if refs is not None else dataset_refs(suite):
        meta = known.get(spec_key)
        if meta is None:
            ds = load_cached(ref.spec, ref.options)  # workers in this process reuse it
            check_evaluable(ds, suite.protocol.outer_folds)
            meta = ds.meta()
            store.add_dataset(spec_key, meta)
        keys = cell_keys(meta["dataset"], suite.strategies, suite.models, n_outer)
        total += len(keys)
        missing = [k for k in keys if k.id not in done]
        tasks += [Task(ref, k, suite.protocol, meta) for k in missing]

    def finished(ids: set[str]) -> dict[str, ResultRow]:
        return {i: ResultRow.from_dict(r) for i, r in store.rows_of(ids & done).items()}

    return link_searches(tasks, finished), total


@contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold the run directory's lock: a second process writing to the same directory is refused at once."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        with file_lock(out / LOCK_NAME, wait=False):
            yield
    except LockBusy:
        raise RunDirectoryError(
            f"{out} is in use by another imbench process; wait for it to finish or use another --out"
        ) from None


def run_sweep(
    suite: Suite, out: str | Path, jobs: int = 1, raise_tracking_errors: bool = True, **settings: Any
) -> SweepResult:
    """Run (or resume) ``suite`` into run directory ``out`` and export its tables.

    ``settings`` are the fields of :class:`Sitting` after ``refs`` (executor, scheduler, on_progress, tracking,
    tracking_uri, recompute_changed, extra_files, optuna_storage, deadline; an unknown one is a TypeError).
    Nothing is written before every dataset has loaded and passed the protocol's checks. A full disk or a read-only
    ``out`` raises ``StorageError`` (the store keeps every committed cell; rerun once it is fixed). A logging failure
    (e.g. an unreachable tracking server) never costs the results: they are exported first, then a
    ``TrackingError`` is raised, or, with ``raise_tracking_errors=False``, returned in ``tracking_error``.
    """
    out = Path(out)
    refs = dataset_refs(suite)  # once per run: a file: dataset is hashed here, not in every step below
    sitting = Sitting(suite, out, refs, jobs, **settings)
    if not (out / DB_NAME).exists():
        Store.check_target(out)
        validate_datasets(suite, refs)
    with storage_errors(out, *_storage_hints(out)), run_lock(out):
        result = _run_locked(sitting)
    if result.tracking_error and raise_tracking_errors:
        raise TrackingError(result.tracking_error)
    return result


def _storage_hints(out: Path) -> tuple[str, str]:
    """What to do when a sweep meets a full disk / a read-only run directory (see ``store.storage_errors``)."""
    return (
        "free some space and rerun the same command: the cells committed so far are kept",
        f"make {out} writable to resume it (`imbench report {out} --out DIR` reads a finished run without writing "
        "to it)",
    )


@dataclass(frozen=True)
class Sitting:
    """One invocation of ``run_sweep``: what it was asked for, with the datasets' references computed once."""

    suite: Suite
    out: Path
    refs: Refs
    jobs: int = 1
    executor: str = "local"
    scheduler: str | None = None
    on_progress: Callable[[SweepEvent], None] | None = None
    tracking: bool = True
    tracking_uri: str | None = None
    recompute_changed: bool = False
    extra_files: dict[str, str] = field(default_factory=dict)
    """Name → text written into the run directory once it is validated and locked."""
    optuna_storage: str | None = None
    """An RDB URL where every inner Optuna study is kept (see ``evaluation.study_storage``)."""
    deadline: float | None = None
    """Wall-clock time (``time.time()``) after which no cell starts: cells that would start later are not run,
    their rows say so and the next resume computes them (``compare`` keeps its budget this way)."""


def _run_locked(sitting: Sitting) -> SweepResult:
    suite, out, jobs = sitting.suite, sitting.out, sitting.jobs
    on_progress, tracking, tracking_uri = sitting.on_progress, sitting.tracking, sitting.tracking_uri
    t0 = time.perf_counter()
    started = _now()
    store = Store(out, suite.config_hash(), suite.config())
    for name, text in sitting.extra_files.items():
        if not (out / name).is_file() or (out / name).read_text() != text:
            write_atomic(out / name, text)
    tracker = None
    store.open_sitting()
    wall_open = True  # this invocation's wall time is not yet in the store's meta
    try:
        recomputed = check_fingerprints(suite, store, sitting.recompute_changed, sitting.refs)
        tasks, total = _tasks(sitting, store)
        done_before = total - len(tasks)
        if on_progress:
            on_progress(SweepEvent(done_before, total, sum(r["status"] in BAD_STATUSES for r in store.rows())))
        tracker, groups = _start_tracker(sitting, store, bool(tasks))
        _run_cells(sitting, store, tasks, total, tracker, groups)
        wall = time.perf_counter() - t0
        if tasks or not exports_current(store):  # missing or stale exports are always rewritten
            total_wall = store.close_sitting(wall)
            wall_open = False
            counts = export(store, suite, wall, jobs, sitting.executor, started, total_wall)
        else:  # nothing new: the exports already describe the store (and a no-op adds no wall time)
            store.close_sitting(0.0)
            wall_open = False
            counts = dict(Counter(r["status"] for r in store.rows()))
        note = "MLflow: 0 new parent runs (every group is already logged)" if tracking and tracker is None else ""
        error = ""
        if tracker is not None:
            note, error = _close_tracker(tracker, out, tracking_uri)
            tracker = None
        if recomputed:
            note = f"recomputed the cells of changed dataset(s) {', '.join(recomputed)}. {note}".strip()
        return SweepResult(out, total, len(tasks), done_before, wall, counts, note, error)
    finally:
        if tracker is not None:  # an error above: let the logging thread finish what it has
            with suppress(BaseException):
                tracker.close()
        if wall_open:  # stopped (SIGTERM, Ctrl-C, an error): the next sitting's total still counts this one
            with suppress(Exception):
                store.close_sitting(time.perf_counter() - t0)
        store.close()


def _tasks(sitting: Sitting, store: Store) -> tuple[list[Task], int]:
    """The tasks still to run (with their study storage and start deadline) and the suite's total cells."""
    suite = sitting.suite
    tasks, total = plan(suite, store, sitting.refs)
    if sitting.optuna_storage and tasks:
        tasks = with_storage(tasks, sitting.optuna_storage, suite.name, suite.config_hash())
    if sitting.deadline is not None:
        tasks = [replace(t, not_after=sitting.deadline) for t in tasks]
    return tasks, total


def _run_cells(
    sitting: Sitting, store: Store, tasks: list[Task], total: int, tracker: Any, groups: dict[str, list[Any]]
) -> None:
    """Run the tasks, committing each cell as it finishes; a group of folds complete goes to the tracker."""
    done = total - len(tasks)
    failed = sum(r["status"] in BAD_STATUSES for r in store.rows())
    for task, res in make_executor(sitting.jobs, sitting.executor, sitting.scheduler).run(tasks):
        row = res.row
        store.commit_cell(task.key.id, row, res.predictions)
        pause_point("cell")
        done += 1
        failed += row["status"] in BAD_STATUSES
        if tracker is not None:
            g = groups[group_id(row)]
            g.append(row)
            if len(g) == sitting.suite.protocol.n_outer:
                tracker.submit(g)
        if sitting.on_progress:
            sitting.on_progress(SweepEvent(done, total, failed, row))


def _start_tracker(sitting: Sitting, store: Store, new_cells: bool) -> tuple[Any, dict[str, list[dict[str, Any]]]]:
    """(the MLflow tracker, rows so far by group) when tracking: groups completed but not yet logged (an earlier
    sitting stopped before logging them) are submitted first. None when there is nothing to log."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not sitting.tracking:
        return None, groups

    suite = sitting.suite
    rows = store.rows()
    logged = store.tracked()
    uri = resolve_uri(sitting.tracking_uri)
    backlog = [g for g in complete_groups(rows, suite.protocol.n_outer) if f"{uri} {group_id(g[0])}" not in logged]
    if not (new_cells or backlog):  # a finished, fully logged run does not even import MLflow
        return None, groups
    tracker = Tracker(
        store.dir / DB_NAME,
        suite,
        sitting.tracking_uri,
        run_id=store.run_id,
        fingerprints=_fingerprints_by_name(sitting.refs, store),
    ).start()
    for g in backlog:
        tracker.submit(g)
    for r in rows:
        groups[group_id(r)].append(r)
    return tracker, groups


def _close_tracker(tracker: Any, out: Path, tracking_uri: str | None) -> tuple[str, str]:
    """(note, error) of closing the tracker: a logging failure is one line, the results are already saved."""

    try:
        return tracker.close(), ""
    except Exception as e:  # the results are safe; say so on one line instead of a traceback
        why = (str(e).strip().splitlines() or [type(e).__name__])[0][:300]
        return "", (
            f"results are saved in {out}, but logging to MLflow at {resolve_uri(tracking_uri)} failed "
            f"({why}); rerun the same command to retry the logging"
        )


def _fingerprints_by_name(refs: Refs, store: Store) -> dict[str, str]:
    """Dataset name → content fingerprint (MLflow groups are keyed on it: new data, new runs)."""
    names = store.dataset_names()
    pinned = store.fingerprints()
    return {str(names[k]["dataset"]): pinned[k] for _, k, _, _ in refs if k in names and k in pinned}


def exports_current(store: Store) -> bool:
    """True when every export exists and the manifest (written last) records the store's current revision."""
    d = store.dir
    if not all((d / name).is_file() for name in EXPORTS):
        return False
    try:
        m = Manifest.from_dict(json.loads((d / "manifest.json").read_text()))
    except (OSError, ValueError, TypeError):
        return False
    return m.store_revision == store.revision() and m.config_hash == store.get_meta("config_hash")


EXPORTS = ("results.parquet", "predictions.parquet", "config.yaml", "manifest.json")
"""Files derived from the store (manifest.json last: it records the store revision they describe)."""


def export(
    store: Store,
    suite: Suite,
    wall: float,
    jobs: int,
    executor: str,
    started: str = "",
    total_wall: float | None = None,
) -> dict[str, int]:
    """Write results.parquet, predictions.parquet, config.yaml and manifest.json from the store (idempotent).
    ``total_wall``: the run's wall seconds over all sittings (None: not recorded for every sitting)."""
    import yaml

    revision = store.revision()
    df = results_frame(store.rows())
    d = store.dir
    _parquet_atomic(df, d / "results.parquet")
    pause_point("export")
    _parquet_atomic(store.predictions_frame(), d / "predictions.parquet")
    write_atomic(d / "config.yaml", yaml.safe_dump(suite.config(), sort_keys=False))
    counts = {str(k): int(v) for k, v in df["status"].value_counts().items()} if len(df) else {}
    timing = [c for c in WALL_COLUMNS if c in df]
    manifest = Manifest(
        suite=suite.name,
        config_hash=suite.config_hash(),
        seed=suite.protocol.seed,
        cells=len(df),
        status_counts=counts,
        wall_seconds_total=None if total_wall is None else round(total_wall, 2),
        wall_seconds_last_invocation=round(wall, 2),
        jobs=jobs,
        executor=executor,
        fit_seconds_sum=round(float(df[timing].sum().sum()), 2) if len(df) and timing else 0.0,
        cpu_seconds_total=round(float(df["cpu_seconds"].sum()), 2) if "cpu_seconds" in df else 0.0,
        peak_mib_max=round(float(df["peak_mib"].max()), 1)
        if "peak_mib" in df and df["peak_mib"].notna().any()
        else None,
        python=sys.version.split()[0],
        platform=platform.platform(),
        machine=platform.machine(),
        cpu_count=cpu_count(),
        libraries=library_versions(),
        git_commit=_git_commit(),
        started_at=started,
        finished_at=_now(),
        store_revision=revision,
    )
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

    out = {"imbench": __version__}
    for name in (
        "numpy",
        "pandas",
        "scikit-learn",
        "imbalanced-learn",
        "optuna",
        "xgboost",
        "lightgbm",
        "mlflow",
        "scipy",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git_commit() -> str | None:
    try:
        r = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, cwd=Path(__file__).resolve().parent
        )
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def run_suite(
    suite: str | Path | Suite,
    out: str | Path | None = None,
    *,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    tracking: bool = True,
    tracking_uri: str | None = None,
    report: bool = True,
) -> SweepResult:
    """The first journey from a notebook: run (or resume) a built-in suite, a YAML file or a Suite into ``out``
    (default ``runs/NAME``), then write its report, as ``imbench run`` does."""

    s = suite if isinstance(suite, Suite) else load_suite(str(suite))
    run_dir = Path(out) if out is not None else Path("runs") / s.name
    result = run_sweep(
        s, run_dir, jobs=jobs, executor=executor, scheduler=scheduler, tracking=tracking, tracking_uri=tracking_uri
    )
    if report:
        result.report = build_report(run_dir)
    return result
