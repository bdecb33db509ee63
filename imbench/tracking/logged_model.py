"""``compare``'s recommended pipeline as an MLflow model, so MLflow's own tools can register, load and serve it.

The logged model is the exported ``model.skops`` itself (loaded back from the file just written), with a
signature, an input example, the imbench code it needs (``code_paths``) and pinned requirements, so
``mlflow.sklearn.load_model`` works where imbench is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imbench.core.schema import Recommendation
from imbench.storage.model_file import trusted_types
from imbench.tracking.artifacts import LEVEL_TAG, tag_experiment
from imbench.tracking.runs import log_suite, resolve_uri

REQUIREMENTS = ("scikit-learn", "imbalanced-learn", "numpy", "pandas", "scipy", "lightgbm", "xgboost")
"""Libraries a refit pipeline may use; the installed versions are pinned in the logged model."""
EXAMPLE_ROWS = 5


@dataclass
class LoggedModel:
    """Where the recommended model is in MLflow."""

    run_id: str
    model_uri: str
    threshold: float
    registered: str | None = None
    """``models:/NAME/VERSION`` when ``--register NAME`` was given."""

    def usage(self) -> list[str]:
        """How to register and load it (printed by ``imbench compare``)."""
        load = f'mlflow.sklearn.load_model("{self.model_uri}")'
        lines = [
            f"MLflow model: {self.model_uri} (run {self.run_id})",
            f"  load:     model = {load}; p = model.predict_proba(X)[:, 1]  "
            f"# model.predict(X) applies the threshold {self.threshold:.4f}",
            "            (X: new rows loaded with imbench.load_dataset, as rebuild_pipeline.py shows)",
        ]
        if self.registered:
            lines.append(f'  registered: {self.registered}  (load with mlflow.sklearn.load_model("{self.registered}"))')
        else:
            lines.append(
                f'  register: mlflow.register_model("{self.model_uri}", "NAME")  '
                f"(or rerun compare with --register NAME)"
            )
        return lines


def pip_requirements() -> list[str]:
    """``name==version`` of the installed libraries in ``REQUIREMENTS`` (no slow inference by MLflow)."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in REQUIREMENTS:
        try:
            out.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            continue
    return out


def log_recommended(
    model_path: Path,
    X: Any,
    rec: Recommendation,
    experiment: str,
    uri: str | None = None,
    register: str | None = None,
    decision: Any = None,
) -> LoggedModel:
    """Log the refit pipeline saved at ``model_path`` as an MLflow sklearn model in a run of ``experiment``.

    ``decision`` (compare's decision box: ``lines`` and ``metrics``) becomes the run's ``decision`` tag and
    metrics, so the MLflow run of the recommendation says what the console said first."""
    import mlflow
    import skops.io as sio

    import imbench

    # trusted: imbench wrote this file a moment ago, in this process; MLflow stores the same list in the model

    trusted = trusted_types(model_path)  # only public types imbench lists (ImbenchError otherwise)
    pipe = sio.load(model_path, trusted=trusted)
    example = X.head(EXAMPLE_ROWS)
    signature = mlflow.models.infer_signature(X.head(50), pipe.predict(X.head(50)))
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(resolve_uri(uri))
    try:
        exp = mlflow.set_experiment(experiment)
        tag_experiment(mlflow.MlflowClient(), exp.experiment_id)
        threshold = float(rec.final_threshold if rec.final_threshold is not None else 0.5)
        tags = {LEVEL_TAG: "model", "strategy": rec.strategy, "model": rec.model, "status": "ok"}
        with mlflow.start_run(run_name=f"recommended: {rec.strategy} × {rec.model}", tags=tags) as run:
            mlflow.log_params({k: str(v)[:6000] for k, v in rec.final_params.items()})
            metrics = {
                f"cv_{rec.metric}_mean": rec.mean,
                f"cv_{rec.metric}_ci_low": rec.ci_low,
                f"cv_{rec.metric}_ci_high": rec.ci_high,
                "threshold": threshold,
            }
            if rec.gain_vs_none is not None:
                metrics[f"cv_{rec.metric}_gain_vs_none"] = rec.gain_vs_none
            if decision is not None:
                metrics.update(decision.metrics)
                mlflow.set_tag("decision", "\n".join(decision.lines)[:5000])
            mlflow.log_metrics(metrics)
            info = mlflow.sklearn.log_model(
                pipe,
                name="model",
                signature=signature,
                input_example=example,
                code_paths=[str(Path(imbench.__file__).parent)],
                pip_requirements=pip_requirements(),
                serialization_format="skops",
                skops_trusted_types=trusted,
                registered_model_name=register,
                metadata={"threshold": threshold, "strategy": rec.strategy, "imbench_model": rec.model},
            )
    finally:
        mlflow.set_tracking_uri(previous)
    version = getattr(info, "registered_model_version", None)
    registered = f"models:/{register}/{version}" if register and version else None
    return LoggedModel(run.info.run_id, info.model_uri, threshold, registered)


def log_compare(outcome: Any, suite: Any, X: Any, uri: str | None, register: str | None) -> LoggedModel | None:
    """After ``compare``: the suite-level run with the report, and the recommended pipeline as a model."""

    report = {k: v for k, v in outcome.exports.items() if Path(v).parent.name == "report"}
    log_suite(outcome.out, suite, uri, report)
    if outcome.recommendation is None or "model" not in outcome.exports:
        return None
    return log_recommended(
        outcome.exports["model"], X, outcome.recommendation, suite.name, uri, register, outcome.decision
    )
