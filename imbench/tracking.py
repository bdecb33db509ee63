"""MLflow mirror of a run: one experiment per suite, a parent run per dataset × strategy × model
(mean and std over outer folds) and a child run per outer fold, logged in batches from the driver."""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from typing import Any

from imbench.store import Store
from imbench.suites import Suite

DEFAULT_URI = "sqlite:///mlflow.db"
TAG_KEYS = ("dataset", "source", "tier", "strategy", "family", "model")


def resolve_uri(uri: str | None) -> str:
    """``uri``, else ``MLFLOW_TRACKING_URI``, else the embedded ``sqlite:///mlflow.db``."""
    return uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI


def log_run(store: Store, suite: Suite, uri: str | None = None) -> str:
    """Mirror every complete, not yet logged group of ``store`` to MLflow; returns a one-line note."""
    import logging

    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # offline by default; set it to false to opt in
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.tracking import MlflowClient

    uri = resolve_uri(uri)
    client = MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name(suite.name)
    exp_id = exp.experiment_id if exp else client.create_experiment(suite.name)
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in store.rows():
        groups[(row["dataset"], row["strategy"], row["model"])].append(row)
    done = store.tracked()  # keyed by URI too: a rerun against another server mirrors everything there
    n_outer = suite.protocol.n_outer
    logged: list[tuple[str, str]] = []
    proto = {f"protocol.{k}": v for k, v in suite.protocol.to_dict().items()}
    now = int(time.time() * 1000)
    for (ds, st, mo), rows in sorted(groups.items()):
        gid = f"{ds}|{st}|{mo}"
        if f"{uri} {gid}" in done or len(rows) < n_outer:
            continue
        rows.sort(key=lambda r: r["fold"])
        first = rows[0]
        tags = {k: str(first.get(k, "")) for k in TAG_KEYS}
        tags.update({"ir": str(first.get("ir", "")), "suite": suite.name, "imbench.group": gid,
                     "status": ",".join(sorted({r["status"] for r in rows}))})
        ok = [r for r in rows if r["status"] == "ok"]
        errors = sorted({r["error"] for r in rows if r["error"]})
        if errors:
            tags["error"] = errors[0][:5000]
        parent = client.create_run(exp_id, tags={**tags, "mlflow.runName": f"{st} × {mo} on {ds}"[:250]})
        pid = parent.info.run_id
        metrics = []
        for col in sorted({k for r in ok for k in r if k.startswith("test_")}):
            vals = [float(r[col]) for r in ok if r.get(col) is not None and not _nan(r[col])]
            if vals:
                mean = sum(vals) / len(vals)
                std = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1)) if len(vals) > 1 else 0.0
                metrics += [Metric(f"{col}_mean", mean, now, 0), Metric(f"{col}_std", std, now, 0)]
        params = [Param(k, str(v)[:6000]) for k, v in {**proto, "n_folds_ok": len(ok)}.items()]
        client.log_batch(pid, metrics=metrics, params=params)
        client.set_terminated(pid, "FINISHED" if ok else "FAILED")
        for r in rows:
            child = client.create_run(exp_id, tags={**tags, "status": r["status"], "fold": str(r["fold"]),
                                                    "mlflow.parentRunId": pid,
                                                    "mlflow.runName": f"fold {r['fold']}"})
            m = [Metric(k, float(v), now, 0) for k, v in r.items()
                 if (k.startswith("test_") or k in ("threshold", "tune_seconds", "fit_seconds", "predict_seconds"))
                 and v is not None and not _nan(v)]
            p = [Param(k[2:], str(v)[:6000]) for k, v in r.items() if k.startswith("p_")]
            t = [RunTag("error", r["error"][:5000])] if r["error"] else []
            client.log_batch(child.info.run_id, metrics=m, params=p, tags=t)
            client.set_terminated(child.info.run_id, "FINISHED" if r["status"] == "ok" else "FAILED")
        store.mark_tracked([(f"{uri} {gid}", pid)])  # at once: a kill while logging leaves no duplicates
        logged.append((gid, pid))
    return f"MLflow: {len(logged)} new parent runs in experiment {suite.name!r} at {uri}"


def _nan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)
