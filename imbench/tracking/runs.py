"""MLflow mirror of a run: one experiment per suite, a parent run per dataset × strategy × model
(mean and std over outer folds) and a child run per outer fold, logged in batches from the driver."""

from __future__ import annotations

import math
import os
import queue
import sqlite3
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from imbench.core.errors import ImbenchError
from imbench.core.results import fold_stats
from imbench.core.schema import BAD_STATUSES, METRIC_PREFIX, PARAM_PREFIX, TIMING_COLUMNS, Status
from imbench.core.system import file_lock, pause_point
from imbench.evaluation.suites import Suite
from imbench.tracking.artifacts import (
    ERROR_FILE,
    LEVEL_TAG,
    PR_CURVE_FILE,
    REASON_TAG,
    DatasetInputs,
    cell_finished,
    cell_span_ms,
    error_text,
    group_predictions,
    log_suite_run,
    pr_curve_figure,
    run_status,
    tag_experiment,
)

DEFAULT_URI = "sqlite:///mlflow.db"
TAG_KEYS = ("dataset", "source", "tier", "strategy", "family", "model")
FOLD_METRIC_KEYS = ("threshold", *TIMING_COLUMNS)
"""Row columns logged as metrics of a fold's child run, beside its ``test_*`` metrics."""
KEY_TAG, RUN_TAG, COMPLETE_TAG = "imbench.group_key", "imbench.run", "imbench.complete"
"""Parent-run tags: the group's key, the run directory's id, and the mark set once every child is logged."""
CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a tracking server to accept a connection before giving up."""


def resolve_uri(uri: str | None) -> str:
    """``uri``, else ``MLFLOW_TRACKING_URI``, else the embedded ``sqlite:///mlflow.db``."""
    return uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI


class Tracker:
    """Mirrors each dataset × strategy × model group to MLflow as soon as its outer folds are all in.

    Runs in a background thread of the driver (workers never talk to MLflow), so importing MLflow,
    creating its database and logging overlap with the cells still running. Each logged group is
    recorded in the run's store at once (keyed by tracking URI): a rerun logs only what is missing.
    """

    def __init__(
        self,
        store_path: Path,
        suite: Suite,
        uri: str | None = None,
        run_id: str = "",
        fingerprints: dict[str, str] | None = None,
    ) -> None:
        self.store_path = store_path
        self.suite = suite
        self.uri = resolve_uri(uri)
        self.run_id = run_id
        """The run directory's id: with the dataset fingerprint, it keys each group's parent run in MLflow."""
        self.fingerprints = dict(fingerprints or {})
        self.queue: queue.Queue[list[dict[str, Any]] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="imbench-mlflow", daemon=True)
        self.error: BaseException | None = None
        self.logged = 0

    def start(self) -> Tracker:
        self.thread.start()
        return self

    def submit(self, rows: list[dict[str, Any]]) -> None:
        """Queue one complete group (all its outer-fold rows)."""
        self.queue.put(list(rows))

    def close(self) -> str:
        """Wait for the queue to drain; re-raise a logging failure; a one-line note otherwise."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return f"MLflow: {self.logged} new parent runs in experiment {self.suite.name!r} at {self.uri}"

    def _loop(self) -> None:
        try:
            client, exp_id = _client(self.uri, self.suite.name)
            tag_experiment(client, exp_id, self.suite.description)
            con = sqlite3.connect(self.store_path, timeout=60)
            inputs = DatasetInputs(con)
            done = {r[0] for r in con.execute("SELECT grp FROM tracked")}
            existing = existing_parents(client, exp_id, self.run_id) if self.run_id else {}
            while (rows := self.queue.get()) is not None:
                gid = group_id(rows[0])
                if f"{self.uri} {gid}" in done:
                    continue
                key = group_key(self.run_id, gid, self.fingerprints.get(str(rows[0]["dataset"]), ""))
                pid = repair_group(client, existing.get(key, []))  # a complete parent from a killed run, or None
                if pid is None:
                    pid = log_group(client, exp_id, rows, self.suite, con, inputs, key, self.run_id)
                with con:  # at once: a kill while logging leaves no duplicates on rerun
                    con.execute("INSERT OR REPLACE INTO tracked VALUES (?, ?)", (f"{self.uri} {gid}", pid))
                done.add(f"{self.uri} {gid}")
                self.logged += 1
            con.close()
        except BaseException as e:  # reported by close(); drain so the driver never blocks
            self.error = e
            while self.queue.get() is not None:
                pass


def group_id(row: dict[str, Any]) -> str:
    """The MLflow parent-run key of a row: dataset|strategy|model."""
    return f"{row['dataset']}|{row['strategy']}|{row['model']}"


def _client(uri: str, experiment: str) -> tuple[Any, str]:
    import logging

    check_reachable(uri)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # offline by default; set it to false to opt in
    from mlflow.tracking import MlflowClient

    # after the import: MLflow configures its own loggers (INFO) when it is imported
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("mlflow").setLevel(logging.WARNING)

    with _init_lock(uri):  # the first use creates (migrates) the database: one process at a time
        _drop_stale_migration_tables(uri)
        client = MlflowClient(tracking_uri=uri)
        exp = client.get_experiment_by_name(experiment)
        return client, (exp.experiment_id if exp else client.create_experiment(experiment))


def check_reachable(uri: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Fail within ``timeout`` seconds when an http(s) tracking server does not accept connections (MLflow itself
    retries with backoff for minutes: ``MLFLOW_HTTP_REQUEST_MAX_RETRIES``/``_TIMEOUT``, left at their defaults
    because real servers rate-limit for longer than a connect probe should wait)."""
    import socket
    from urllib.parse import urlparse

    u = urlparse(uri)
    if u.scheme not in {"http", "https"}:
        return
    port = u.port or (443 if u.scheme == "https" else 80)
    try:
        socket.create_connection((u.hostname or "localhost", port), timeout=timeout).close()
    except OSError as e:
        raise ConnectionError(f"cannot connect to the tracking server at {uri} ({e.strerror or e})") from None


def _drop_stale_migration_tables(uri: str) -> None:
    """Drop ``_alembic_tmp_*`` tables a migration cut off by a crash (or by the pre-lock race) left behind: they
    make every later migration fail with "table _alembic_tmp_… already exists". Called under the init lock."""
    import sqlite3

    db = Path(uri[len("sqlite:///") :]) if uri.startswith("sqlite:///") else None
    if db is None or not db.is_file():
        return
    con = sqlite3.connect(db, timeout=60)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '\\_alembic\\_tmp\\_%' ESCAPE '\\'"
            )
        ]
        for name in names:
            con.execute(f'DROP TABLE "{name}"')
        con.commit()
    finally:
        con.close()


def _init_lock(uri: str) -> Any:
    """An exclusive file lock beside a ``sqlite:///`` database (so two first runs do not both migrate it);
    other stores need none."""
    from contextlib import nullcontext

    if not uri.startswith("sqlite:///"):
        return nullcontext()
    db = Path(uri[len("sqlite:///") :])
    db.parent.mkdir(parents=True, exist_ok=True)
    return file_lock(db.with_name(db.name + ".lock"))


def group_key(run_id: str, gid: str, fingerprint: str = "") -> str:
    """The ``imbench.group_key`` tag of a group's parent run: its run directory, group and dataset content
    (hex, so it is safe inside an MLflow filter string whatever the dataset name holds)."""
    import hashlib

    return hashlib.sha256(f"{run_id}\n{gid}\n{fingerprint}".encode()).hexdigest()[:32]


def existing_parents(client: Any, exp_id: str, run_id: str) -> dict[str, list[Any]]:
    """Parent runs this run directory already created in the experiment, by group key (a killed run's too)."""
    out: dict[str, list[Any]] = defaultdict(list)
    token = None
    while True:
        page = client.search_runs(
            [exp_id], filter_string=f"tags.`{RUN_TAG}` = '{run_id}'", max_results=1000, page_token=token
        )
        for r in page:
            key = r.data.tags.get(KEY_TAG)
            if key and "mlflow.parentRunId" not in r.data.tags:
                out[key].append(r)
        token = page.token
        if not token:
            return out


def repair_group(client: Any, parents: list[Any]) -> str | None:
    """The id of a complete parent among ``parents`` (kept); every incomplete one is deleted with its children,
    so a group killed while logging is logged again once, never twice."""
    keep = None
    for r in parents:
        if keep is None and r.data.tags.get(COMPLETE_TAG) == "true":
            keep = str(r.info.run_id)
            continue
        exp_id, pid = r.info.experiment_id, r.info.run_id
        children = client.search_runs([exp_id], filter_string=f"tags.`mlflow.parentRunId` = '{pid}'", max_results=1000)
        for c in children:
            client.delete_run(c.info.run_id)
        client.delete_run(pid)
    return keep


def log_group(
    client: Any,
    exp_id: str,
    rows: list[dict[str, Any]],
    suite: Suite,
    store: sqlite3.Connection | None = None,
    inputs: DatasetInputs | None = None,
    key: str = "",
    run_id: str = "",
) -> str:
    """Log one group: a parent run (mean/std over ok folds) and one child run per fold; the parent's id.

    Every run carries its dataset as an MLflow dataset input and the real times of its cells (from the
    store's commit times); failed and timed-out cells are FAILED runs with the error as a tag and as
    ``error.txt``; not-applicable cells are FINISHED with ``status=not_applicable`` and a ``reason`` tag
    (see ``run_status``); the parent holds the PR curve of its outer test folds. The parent is tagged
    ``imbench.complete`` last: a parent without that tag was cut off and is repaired (``repair_group``).
    """
    from mlflow.entities import Metric, Param, RunTag

    inputs = inputs if inputs is not None else DatasetInputs(store)
    rows = sorted(rows, key=lambda r: r["fold"])
    first = rows[0]
    ds, st, mo = first["dataset"], first["strategy"], first["model"]
    finished = cell_finished(store, ds, st, mo)
    spans = {r["fold"]: cell_span_ms(r, finished.get(int(r["fold"]))) for r in rows}
    now = int(time.time() * 1000)
    start = min((s for s, _ in spans.values() if s is not None), default=now)
    end = max((e for _, e in spans.values() if e is not None), default=now)
    tags = {k: str(first.get(k, "")) for k in TAG_KEYS}
    tags.update(
        {
            "ir": str(first.get("ir", "")),
            "suite": suite.name,
            "imbench.group": group_id(first),
            "status": ",".join(sorted({r["status"] for r in rows})),
        }
    )
    parent_tags = {KEY_TAG: key, RUN_TAG: run_id} if key else {}
    ok = [r for r in rows if r["status"] == Status.OK]
    errors = sorted({r["error"] for r in rows if r["error"] and r["status"] in BAD_STATUSES})
    reasons = sorted({r["error"] for r in rows if r["error"] and r["status"] == Status.NOT_APPLICABLE})
    if errors:
        tags["error"] = errors[0][:5000]
    if reasons:
        tags[REASON_TAG] = reasons[0][:5000]
    parent_tags = {KEY_TAG: key, RUN_TAG: run_id} if key else {}
    parent = client.create_run(
        exp_id,
        start_time=start,
        tags={**tags, **parent_tags, LEVEL_TAG: "group", "mlflow.runName": f"{st} × {mo} on {ds}"[:250]},
    )
    pid = parent.info.run_id
    metrics = []
    for col in sorted({k for r in ok for k in r if k.startswith(METRIC_PREFIX)}):
        mean, std, count = fold_stats([r.get(col) for r in ok])
        if count:  # std of a single fold is undefined: only its mean is logged
            metrics.append(Metric(f"{col}_mean", mean, end, 0))
            if count > 1:
                metrics.append(Metric(f"{col}_std", std, end, 0))
    proto = {f"protocol.{k}": v for k, v in suite.protocol.to_dict().items()}
    params = [Param(k, str(v)[:6000]) for k, v in {**proto, "n_folds_ok": len(ok)}.items()]
    client.log_batch(pid, metrics=metrics, params=params)
    dataset_input = inputs.for_row(first)
    client.log_inputs(pid, datasets=[dataset_input])
    if not ok and errors:
        client.log_text(pid, "\n\n".join(errors) + "\n", ERROR_FILE)
    fig = pr_curve_figure(group_predictions(store, ds, st, mo) if ok else {}, f"{st} × {mo} on {ds}")
    if fig is not None:
        client.log_figure(pid, fig, PR_CURVE_FILE)
    for r in rows:
        c_start, c_end = spans[r["fold"]]
        c_tags = {
            **tags,
            LEVEL_TAG: "fold",
            "status": r["status"],
            "fold": str(r["fold"]),
            "mlflow.parentRunId": pid,
            "mlflow.runName": f"fold {r['fold']}",
        }
        c_tags.pop("error", None)
        c_tags.pop(REASON_TAG, None)
        child = client.create_run(exp_id, start_time=c_start or start, tags=c_tags)
        cid = child.info.run_id
        ts = c_end or end
        m = [
            Metric(k, float(v), ts, 0)
            for k, v in r.items()
            if (k.startswith(METRIC_PREFIX) or k in FOLD_METRIC_KEYS) and v is not None and not _nan(v)
        ]
        p = [Param(k[len(PARAM_PREFIX) :], str(v)[:6000]) for k, v in r.items() if k.startswith(PARAM_PREFIX)]
        t = []
        if r["error"]:
            t.append(RunTag(REASON_TAG if r["status"] == Status.NOT_APPLICABLE else "error", r["error"][:5000]))
        client.log_batch(cid, metrics=m, params=p, tags=t)
        client.log_inputs(cid, datasets=[dataset_input])
        if r["status"] in BAD_STATUSES:
            client.log_text(cid, error_text(r), ERROR_FILE)
        client.set_terminated(cid, run_status([r["status"]]), end_time=c_end or end)
        pause_point("mlflow")
    client.set_terminated(pid, run_status([r["status"] for r in rows]), end_time=end)
    client.set_tag(pid, COMPLETE_TAG, "true")
    return str(pid)


def complete_groups(rows: list[dict[str, Any]], n_outer: int) -> list[list[dict[str, Any]]]:
    """Groups of rows that have all their outer folds."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[group_id(r)].append(r)
    return [g for _, g in sorted(groups.items()) if len(g) >= n_outer]


def _nan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)


SUITE_TRACKED = "suite-run"
"""Key (after the URI) of the suite-level run in the store's ``tracked`` table."""


def log_suite(
    run_dir: str | Path,
    suite: Suite,
    uri: str | None = None,
    report: dict[str, Path] | None = None,
    refresh: bool = True,
) -> str:
    """Log or refresh the suite-level run of ``run_dir`` (report, results table, manifest); a one-line note.

    Called once the report is written (``imbench run``, ``compare``), so the run holds the report that
    matches the results. With ``refresh=False`` (nothing new) it only logs a suite run that is missing,
    and returns "" without importing MLflow when it is there.
    """

    uri = resolve_uri(uri)
    key = f"{uri} {SUITE_TRACKED}"
    con = sqlite3.connect(Path(run_dir) / "store.sqlite", timeout=60)
    try:
        if not refresh and con.execute("SELECT 1 FROM tracked WHERE grp=?", (key,)).fetchone():
            return ""
        if report is None:  # the report already on disk (or none, with --no-report)
            report = {p.stem: p for p in sorted((Path(run_dir) / "report").glob("*.*"))}
        try:
            client, exp_id = _client(uri, suite.name)
            tag_experiment(client, exp_id, suite.description)
            rid = log_suite_run(client, exp_id, Path(run_dir), suite, report, DatasetInputs())
        except Exception as e:  # the results and report are safe; say so on one line
            why = (str(e).strip().splitlines() or [type(e).__name__])[0][:300]
            raise ImbenchError(
                f"results are saved in {run_dir}, but logging the report to MLflow at {uri} "
                f"failed ({why}); rerun the same command to retry the logging"
            ) from None
        with con:
            con.execute("INSERT OR REPLACE INTO tracked VALUES (?, ?)", (key, rid))
    finally:
        con.close()
    return f"MLflow: report and results table in run {rid} ('suite {suite.name}: report')"
