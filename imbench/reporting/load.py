"""Read and validate a run directory: results.parquet, predictions.parquet, config.yaml, manifest.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from imbench.core.errors import ConfigError, DataValidationError
from imbench.core.results import results_frame
from imbench.core.schema import CELL_KEY_COLUMNS, DATASET_META_COLUMNS, Manifest
from imbench.datasets.base import origin_of
from imbench.storage.store import DB_NAME, Store, connect_read_only

REQUIRED_COLUMNS = (*CELL_KEY_COLUMNS, "status")
PREDICTION_COLUMNS = (*CELL_KEY_COLUMNS, "y_true", "score")


@dataclass
class RunData:
    """The tables of one run directory (predictions may be absent)."""

    path: Path
    results: pd.DataFrame
    predictions: pd.DataFrame | None = None
    config: dict[str, Any] = field(default_factory=dict)
    manifest: Manifest = field(default_factory=Manifest)

    @property
    def name(self) -> str:
        """The suite name from config.yaml, else the directory name."""
        return str(self.config.get("name") or self.path.name)


def load_run(run_dir: str | Path) -> RunData:
    """Load a run directory; ConfigError / DataValidationError (one line) when it cannot be reported on."""
    path = Path(run_dir)
    if not path.exists():
        raise ConfigError(f"run directory {str(path)!r} does not exist")
    if not path.is_dir():
        raise ConfigError(f"{str(path)!r} is not a directory")
    res_file = path / "results.parquet"
    from_store = (path / DB_NAME).is_file() and not _exports_current(path)
    if not res_file.is_file() and not from_store:
        raise DataValidationError(f"no results.parquet in {str(path)!r}; is this a run directory?")
    # exports missing or stale (a run killed while exporting): the store is the source of truth
    results = _from_store(path, "results") if from_store else _read_parquet(res_file)
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise DataValidationError(f"results.parquet lacks column(s) {', '.join(missing)}")
    results = results.copy()
    for c in ("dataset", "strategy", "model", "status"):
        results[c] = results[c].astype(str)
    if "error" not in results.columns:
        results["error"] = ""
    results["error"] = results["error"].fillna("").astype(str)
    results = fill_dataset_meta(results)
    predictions = None
    pred_file = path / "predictions.parquet"
    if pred_file.is_file() or from_store:
        predictions = _from_store(path, "predictions") if from_store else _read_parquet(pred_file)
        missing = [c for c in PREDICTION_COLUMNS if c not in predictions.columns]
        if missing:
            raise DataValidationError(f"predictions.parquet lacks column(s) {', '.join(missing)}")
        for c in ("dataset", "strategy", "model"):
            predictions[c] = predictions[c].astype(str)
    return RunData(
        path, results, predictions, _read_config(path / "config.yaml"), _read_manifest(path / "manifest.json")
    )


def _exports_current(path: Path) -> bool:
    """True when manifest.json records the store's current revision (every export was written after it)."""
    import sqlite3

    try:
        manifest = json.loads((path / "manifest.json").read_text())
        con = connect_read_only(path / DB_NAME)
        try:
            row = con.execute("SELECT value FROM meta WHERE key='revision'").fetchone()
        finally:
            con.close()
    except (OSError, ValueError, sqlite3.Error):
        return False
    revision = int(row[0]) if row else 0
    files = ("results.parquet", "predictions.parquet")
    return manifest.get("store_revision") == revision and all((path / f).is_file() for f in files)


def _from_store(path: Path, table: str) -> pd.DataFrame:
    """``results`` or ``predictions`` read from the run's store (when its export is missing)."""

    store = Store.open_existing(path)
    try:
        return results_frame(store.rows()) if table == "results" else store.predictions_frame()
    finally:
        store.close()


def fill_dataset_meta(results: pd.DataFrame) -> pd.DataFrame:
    """Give every row its dataset's metadata (source, n, ir, tier, …) from any row of that dataset that has it.

    A row without metadata (a worker-died row of an older version) must not decide a dataset's tier just
    because it sorts first.
    """
    cols = [c for c in DATASET_META_COLUMNS if c in results.columns]
    if not cols or results.empty:
        return results
    known = results.groupby("dataset")[cols].transform("first")
    out = results.copy()
    for c in cols:
        if out[c].isna().any():
            out[c] = out[c].where(out[c].notna(), known[c])
    return with_origin(out)


def with_origin(results: pd.DataFrame) -> pd.DataFrame:
    """``results`` with an ``origin`` for every row: a run written before origins were recorded gets them from
    its dataset names by the sources' rules (``imbench.datasets.origin_of``), the same rule new rows carry."""
    if "dataset" not in results or results.empty:
        return results
    derived = results["dataset"].map(lambda d: origin_of(str(d)))
    if "origin" not in results:
        return results.assign(origin=derived)
    return results.assign(origin=results["origin"].where(results["origin"].notna(), derived))


def _read_parquet(file: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(file)
    except Exception as e:  # a truncated or foreign file
        raise DataValidationError(f"cannot read {file.name}: {type(e).__name__}: {str(e).splitlines()[0]}") from None


def _read_config(file: Path) -> dict[str, Any]:
    if not file.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise DataValidationError(f"cannot parse {file.name}: {str(e).splitlines()[0]}") from None
    return data if isinstance(data, dict) else {}


def _read_manifest(file: Path) -> Manifest:
    if not file.is_file():
        return Manifest()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DataValidationError(f"cannot parse {file.name}: {e}") from None
    try:
        return Manifest.from_dict(data) if isinstance(data, dict) else Manifest()
    except TypeError as e:
        raise DataValidationError(f"cannot read {file.name}: {e}") from None
