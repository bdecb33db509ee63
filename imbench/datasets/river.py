"""``river:`` the tables bundled inside the ``river`` wheel (offline), as binary imbalanced tasks.

Only the files that ship in the wheel are used (``river/datasets/*.csv.gz``); river's other datasets download at
run time and are not offered. The file is read straight from the installed package, found without importing it
(importing river costs a second and its compiled extensions).

- ``shuttle``: the Statlog (NASA) Shuttle data in river's anomaly-detection form: 49,097 rows × 9 numeric sensor
  readings, 1 = not the normal "Rad Flow" state (7.15 %). KEEL's ``shuttle_*`` sets are cut from the same
  table, so it shares their origin ``shuttle``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imbench.core.errors import DataValidationError, UnknownNameError
from imbench.datasets.base import Dataset, package_data, register_source

_FILES = {"shuttle": ("shuttle.csv.gz", "anomaly", "shuttle")}
"""name -> (file in river/datasets, target column (1 = minority), origin)."""
_CITATION = (
    "Montiel et al., River: machine learning for streaming data in Python, JMLR 22, 2021; Shuttle: Statlog "
    "(Catlett, NASA), UCI Machine Learning Repository"
)


@functools.cache
def read_file(name: str, root: str | None = None) -> pd.DataFrame:
    path = Path(root or package_data("river", "datasets")) / _FILES[name][0]
    if not path.is_file():
        raise DataValidationError(f"river file {path.name} not found at {path}")
    return pd.read_csv(path)


@register_source("river")
class RiverSource:
    """Tables bundled in the river package (offline): ``shuttle``."""

    description = "tables bundled in the river wheel: shuttle (Statlog Shuttle, 49,097 rows, 7.15 % anomalies)"
    example: str | None = "shuttle"
    package = "river"

    def names(self) -> list[str]:
        return list(_FILES)

    def origin(self, name: str) -> str:
        return _FILES[name][2] if name in _FILES else f"river:{name}"

    def load(self, name: str, **options: Any) -> Dataset:
        key = name.strip().lower()
        if key not in _FILES:
            raise UnknownNameError(f"unknown river dataset {name!r}; known: {', '.join(_FILES)}")
        frame = read_file(key, options.get("root")).copy()
        target = _FILES[key][1]
        if target not in frame.columns:
            raise DataValidationError(f"river:{key}: the file has no {target!r} column")
        y = frame.pop(target).to_numpy()
        if not set(np.unique(y)) <= {0, 1}:
            raise DataValidationError(f"river:{key}: target {target!r} is not 0/1")
        return Dataset(
            name=f"river:{key}",
            X=frame.reset_index(drop=True),
            y=y,
            source="river",
            citation=_CITATION,
            description="Statlog Shuttle sensor readings; 1 = not the normal Rad Flow state (river's anomaly form)",
            origin=self.origin(key),
        )
