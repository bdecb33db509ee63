"""What the MLflow mirror shows beyond numbers: dataset inputs, real run times, error texts, PR curves,
the experiment's view type and the suite-level run with the report.

Kept apart from ``tracking`` (which decides *when* and *whether* a group is logged) so the content of a
run can change without touching the resume mechanics. MLflow and matplotlib are imported lazily.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imbench.core.schema import BAD_STATUSES, Status
from imbench.datasets import load_dataset

EXPERIMENT_KIND_TAG = "mlflow.experimentKind"
"""The experiment tag MLflow 3 reads to pick the experiment page: traces/judges (GenAI) or the runs table."""
MODEL_TRAINING_KIND = "custom_model_development"
"""``EXPERIMENT_KIND_TAG`` value of the model-training ("Machine learning") view."""
DATASET_CONTEXT = "outer_cv"
"""The ``mlflow.data.context`` of every dataset input: the rows are split by the nested CV of the run."""
LEVEL_TAG = "imbench.level"
"""``suite``, ``group`` (dataset × strategy × model) or ``fold``: filters runs by level in the UI."""
REASON_TAG = "reason"
"""Why a pair is not applicable (a fact about the pair, so not an ``error``)."""
ERROR_FILE = "error.txt"
PR_CURVE_FILE = "pr_curve.png"


def tag_experiment(client: Any, exp_id: str, description: str = "") -> None:
    """Open the experiment in MLflow's model-training view (not the GenAI view), with the suite's description."""
    client.set_experiment_tag(exp_id, EXPERIMENT_KIND_TAG, MODEL_TRAINING_KIND)
    if description:
        client.set_experiment_tag(exp_id, "mlflow.note.content", description)


def run_status(statuses: list[str]) -> str:
    """MLflow status of a run from its cells' statuses.

    Not-applicable cells are FINISHED, not FAILED: nothing broke, the pair makes no sense (e.g.
    ``scale_pos_weight`` with a model without that parameter), and DESIGN says such pairs are reported,
    never dropped. So the run stays in the table beside the others, with ``status=not_applicable`` and
    the ``reason`` tag, and ``tags.status = 'not_applicable'`` filters them in or out. A run is FAILED
    only when a cell failed or timed out and no cell of it is ok.
    """
    if Status.OK in statuses or not any(s in BAD_STATUSES for s in statuses):
        return "FINISHED"
    return "FAILED"


# datasets ----------------------------------------------------------------------------------------
def dataset_digest(meta: dict[str, Any]) -> str:
    """The digest MLflow shows beside a dataset's name: its content fingerprint when the metadata has one,
    else a hash of the metadata (name, source, shape, class counts), which changes whenever those do."""
    if meta.get("fingerprint"):
        return str(meta["fingerprint"])[:16]
    keys = ("dataset", "source", "n", "n_pos", "n_features", "n_categorical")
    blob = json.dumps({k: meta.get(k) for k in keys}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def dataset_profile(meta: dict[str, Any]) -> dict[str, Any]:
    """Class counts and shape: what a reader of an imbalanced dataset looks at first."""
    n, n_pos = int(meta.get("n") or 0), int(meta.get("n_pos") or 0)
    return {
        "num_rows": n,
        "n_pos": n_pos,
        "n_neg": n - n_pos,
        "ir": meta.get("ir"),
        "tier": meta.get("tier"),
        "n_features": meta.get("n_features"),
        "n_categorical": meta.get("n_categorical"),
    }


@dataclass
class DatasetInputs:
    """Builds (once per dataset) the MLflow dataset input of a row: name = spec, digest, source,
    schema (column names and types) and class counts as profile.

    The schema needs the columns, which result rows do not carry: the dataset is loaded again from the
    store's list of specs. If it cannot be (offline, file moved), the input is logged without a schema.
    """

    store: sqlite3.Connection | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def for_row(self, row: dict[str, Any]) -> Any:
        """The ``mlflow.entities.DatasetInput`` of the row's dataset."""
        name = str(row["dataset"])
        if name not in self.cache:
            self.cache[name] = self._build(name, row)
        return self.cache[name]

    def _build(self, name: str, row: dict[str, Any]) -> Any:
        from mlflow.entities import Dataset, DatasetInput, InputTag
        from mlflow.utils.mlflow_tags import MLFLOW_DATASET_CONTEXT

        meta = {**row, **self._stored_meta(name)}
        spec, options = self._spec(name)
        source = {"spec": spec, **{k: str(v) for k, v in options.items()}}
        ds = Dataset(
            name=name,
            digest=dataset_digest(meta),
            source_type=str(meta.get("source") or "imbench"),
            source=json.dumps(source),
            schema=self._schema(spec, options),
            profile=json.dumps(dataset_profile(meta), default=str),
        )
        return DatasetInput(ds, tags=[InputTag(MLFLOW_DATASET_CONTEXT, DATASET_CONTEXT)])

    def _entries(self) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """(spec, options, meta) of every dataset the store has loaded."""
        if self.store is None:
            return []
        fingerprints = dict(self.store.execute("SELECT spec, fingerprint FROM fingerprints").fetchall())
        out = []
        for key, meta in self.store.execute("SELECT spec, meta FROM datasets"):
            cfg = json.loads(key)
            spec, opts = (cfg, {}) if isinstance(cfg, str) else (cfg.pop("spec"), cfg)
            stored = json.loads(meta)
            if key in fingerprints:  # the content fingerprint pinned in the run's identity
                stored["fingerprint"] = fingerprints[key]
            out.append((str(spec), opts, stored))
        return out

    def _stored_meta(self, name: str) -> dict[str, Any]:
        return next((m for _, _, m in self._entries() if m.get("dataset") == name), {})

    def _spec(self, name: str) -> tuple[str, dict[str, Any]]:
        return next(((s, o) for s, o, m in self._entries() if m.get("dataset") == name), (name, {}))

    @staticmethod
    def _schema(spec: str, options: dict[str, Any]) -> str | None:

        try:
            ds = load_dataset(spec, **options)
            return dataset_schema(ds.X)
        except Exception:  # the schema is a convenience: never lose a run's logging over it
            return None


def dataset_schema(X: Any) -> str:
    """MLflow's column-spec JSON of a feature frame (what the UI's dataset drawer lists)."""
    from mlflow.models import infer_signature

    inputs = infer_signature(X.head(50)).inputs
    return json.dumps({"mlflow_colspec": inputs.to_dict()})


# cells in the store ------------------------------------------------------------------------------
def cell_finished(store: sqlite3.Connection | None, dataset: str, strategy: str, model: str) -> dict[int, float]:
    """fold → when the store committed that cell (seconds since the epoch)."""
    if store is None:
        return {}
    q = "SELECT fold, finished FROM cells WHERE dataset=? AND strategy=? AND model=?"
    return {int(f): float(t) for f, t in store.execute(q, (dataset, strategy, model)) if t is not None}


def group_predictions(
    store: sqlite3.Connection | None, dataset: str, strategy: str, model: str
) -> dict[int, tuple[Any, Any]]:
    """fold → (y_true, score) of the group's ok cells, from the store's test-fold predictions."""
    import numpy as np

    if store is None:
        return {}
    q = (
        "SELECT c.fold, p.y_true, p.score FROM predictions p JOIN cells c ON c.id = p.id "
        "WHERE c.dataset=? AND c.strategy=? AND c.model=? ORDER BY c.fold"
    )
    return {
        int(f): (np.frombuffer(yt, dtype=np.int8), np.frombuffer(sc, dtype=np.float64))
        for f, yt, sc in store.execute(q, (dataset, strategy, model))
    }


def cell_span_ms(row: dict[str, Any], finished: float | None) -> tuple[int | None, int | None]:
    """(start, end) in ms: the cell ended when the store committed it and began its tuning, refit and
    prediction seconds before that (dataset loading and queueing are not part of a cell)."""
    if finished is None:
        return None, None
    busy = sum(float(row.get(k) or 0.0) for k in ("tune_seconds", "fit_seconds", "predict_seconds"))
    return int((finished - busy) * 1000), int(finished * 1000)


def error_text(row: dict[str, Any]) -> str:
    """The text artifact of a failed or timed-out cell: which cell, what happened, the whole message."""
    keys = ("dataset", "strategy", "model", "fold", "seed", "status")
    head = "\n".join(f"{k}: {row.get(k)}" for k in keys)
    return f"{head}\n\n{row.get('error') or ''}\n"


# figures -----------------------------------------------------------------------------------------
def pr_curve_figure(preds: dict[int, tuple[Any, Any]], title: str) -> Any:
    """Precision–recall curve of each outer test fold (AP in the legend) and the positive rate as the
    no-skill line; ``None`` without predictions. Pyplot-free: safe in the logging thread."""
    if not preds:
        return None
    import numpy as np
    from matplotlib.figure import Figure
    from sklearn.metrics import average_precision_score, precision_recall_curve

    fig = Figure(figsize=(4.2, 3.4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    rates = []
    for fold, (y, s) in sorted(preds.items()):
        if y.sum() == 0:
            continue
        p, r, _ = precision_recall_curve(y, s)
        ax.step(r, p, where="post", lw=1.2, label=f"fold {fold}: AP {average_precision_score(y, s):.3f}")
        rates.append(float(np.mean(y)))
    if rates:
        ax.axhline(float(np.mean(rates)), color="grey", ls="--", lw=1, label="positive rate")
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02))
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=7, loc="lower left")
    return fig


# the suite-level run -----------------------------------------------------------------------------
SUITE_LEVEL = "suite"


def log_suite_run(
    client: Any, exp_id: str, run_dir: Path, suite: Any, report: dict[str, Path] | None, inputs: DatasetInputs
) -> str:
    """Log (or refresh) the one suite-level run of ``run_dir``: the report, the results table, the manifest.

    It is a sibling of the group runs, not their parent: group runs are created as cells finish, long
    before the report exists, and a top-level row per group keeps the runs table browsable without
    expanding a parent. Found again by its config-hash tag, so a rerun updates it instead of adding one.
    """
    import pandas as pd

    config_hash = suite.config_hash()
    found = client.search_runs(
        [exp_id],
        filter_string=f"tags.`{LEVEL_TAG}` = '{SUITE_LEVEL}' and tags.`imbench.config_hash` = '{config_hash}'",
        max_results=1,
    )
    store = sqlite3.connect(run_dir / "store.sqlite")
    try:
        created = store.execute("SELECT value FROM meta WHERE key='created'").fetchone()
        last = store.execute("SELECT max(finished) FROM cells").fetchone()
        rows = [json.loads(r[0]) for r in store.execute("SELECT row FROM cells")]
        inputs = DatasetInputs(store) if inputs.store is None else inputs
        ds_inputs = {r["dataset"]: inputs.for_row(r) for r in rows}
    finally:
        store.close()
    start = int(float(created[0]) * 1000) if created else None
    end = int(float(last[0]) * 1000) if last and last[0] is not None else None
    counts = Counter(str(r["status"]) for r in rows)
    tags = {
        LEVEL_TAG: SUITE_LEVEL,
        "imbench.config_hash": config_hash,
        "suite": suite.name,
        "status": ",".join(sorted(counts)),
        "mlflow.runName": f"suite {suite.name}: report",
    }
    if found:
        rid = found[0].info.run_id
        for k, v in tags.items():
            client.set_tag(rid, k, v)
    else:
        rid = client.create_run(exp_id, start_time=start, tags=tags).info.run_id
        params = {
            "strategies": ",".join(suite.strategies),
            "models": ",".join(suite.models),
            "datasets": ",".join(sorted(ds_inputs)),
            **{f"protocol.{k}": v for k, v in suite.protocol.to_dict().items()},
        }
        client.log_batch(rid, params=_params(params))
        client.log_inputs(rid, datasets=list(ds_inputs.values()))
    from mlflow.entities import Metric

    ts = end or start or 0
    metrics = [Metric("cells", float(len(rows)), ts, 0)]
    metrics += [Metric(f"cells_{s}", float(counts.get(s, 0)), ts, 0) for s in Status]
    client.log_batch(rid, metrics=metrics)
    for name in ("results.parquet", "manifest.json", "config.yaml"):
        if (run_dir / name).exists():
            client.log_artifact(rid, str(run_dir / name))
    if rows and (run_dir / "results.parquet").exists():
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "results.csv").write_text(pd.read_parquet(run_dir / "results.parquet").to_csv(index=False))
            client.log_artifact(rid, str(Path(tmp) / "results.csv"))
    for path in (report or {}).values():
        client.log_artifact(rid, str(path), "report")
    client.set_terminated(rid, run_status(list(counts)), end_time=end)
    return str(rid)


def _params(d: dict[str, Any]) -> list[Any]:
    from mlflow.entities import Param

    return [Param(k, str(v)[:6000]) for k, v in d.items()]
