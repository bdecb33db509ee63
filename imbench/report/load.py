"""Read and validate a run directory: results.parquet, predictions.parquet, config.yaml, manifest.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from imbench.errors import ConfigError, DataValidationError

REQUIRED_COLUMNS = ("dataset", "strategy", "model", "fold", "status")
PREDICTION_COLUMNS = ("dataset", "strategy", "model", "fold", "y_true", "score")


@dataclass
class RunData:
    """The tables of one run directory (predictions may be absent)."""

    path: Path
    results: pd.DataFrame
    predictions: pd.DataFrame | None = None
    config: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

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
    if not res_file.is_file():
        raise DataValidationError(f"no results.parquet in {str(path)!r}; is this a run directory?")
    results = _read_parquet(res_file)
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise DataValidationError(f"results.parquet lacks column(s) {', '.join(missing)}")
    results = results.copy()
    for c in ("dataset", "strategy", "model", "status"):
        results[c] = results[c].astype(str)
    if "error" not in results.columns:
        results["error"] = ""
    results["error"] = results["error"].fillna("").astype(str)
    predictions = None
    pred_file = path / "predictions.parquet"
    if pred_file.is_file():
        predictions = _read_parquet(pred_file)
        missing = [c for c in PREDICTION_COLUMNS if c not in predictions.columns]
        if missing:
            raise DataValidationError(f"predictions.parquet lacks column(s) {', '.join(missing)}")
        for c in ("dataset", "strategy", "model"):
            predictions[c] = predictions[c].astype(str)
    return RunData(path, results, predictions, _read_config(path / "config.yaml"), _read_manifest(path / "manifest.json"))


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


def _read_manifest(file: Path) -> dict[str, Any]:
    if not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DataValidationError(f"cannot parse {file.name}: {e}") from None
    return data if isinstance(data, dict) else {}
