"""``openml:<id or name>`` any OpenML dataset through sklearn's ``fetch_openml`` (downloaded once, cached).

Options: ``target=`` (default: the dataset's default target), ``positive=`` (required when the
target has more than two classes; default: the rarer class), ``version=`` (for names),
``data_home=`` (cache root; else ``$IMBENCH_DATA_HOME``, else sklearn's data home).
Categorical columns are the frame's ``category`` columns.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from imbench.core.errors import DataValidationError
from imbench.datasets.base import Dataset, binarize_target, data_home, register_source

CITATION = "Vanschoren et al., OpenML: networked science in machine learning, SIGKDD Explorations 15(2), 2013"


@functools.lru_cache(maxsize=32)
def _fetch(ref: str, target: str | None, version: str | None, home: str) -> tuple[pd.DataFrame, pd.Series, str, str]:
    from sklearn.datasets import fetch_openml

    kwargs: dict[str, Any] = {"as_frame": True, "parser": "auto", "data_home": home}
    if ref.isdigit():
        kwargs["data_id"] = int(ref)
    else:
        kwargs["name"] = ref
        kwargs["version"] = int(version) if version else "active"
    if target:
        kwargs["target_column"] = target
    try:
        bunch = fetch_openml(**kwargs)
    except Exception as exc:  # network, unknown id, bad target column …
        msg = " ".join(str(exc).split())[:300]
        raise DataValidationError(f"openml:{ref} could not be loaded ({type(exc).__name__}: {msg})") from None
    frame_y = bunch.target
    if isinstance(frame_y, pd.DataFrame):
        if frame_y.shape[1] != 1:
            raise DataValidationError(f"openml:{ref} has {frame_y.shape[1]} target columns; pass target=COLUMN")
        frame_y = frame_y.iloc[:, 0]
    if frame_y is None:
        raise DataValidationError(f"openml:{ref} has no default target; pass target=COLUMN")
    name = str(bunch.details.get("name", ref)) if hasattr(bunch, "details") else ref
    return bunch.data, frame_y, name, str(getattr(frame_y, "name", target or "target"))


@register_source("openml")
class OpenMLSource:
    """OpenML datasets by id (``openml:1590``) or name (``openml:adult``)."""

    description = "OpenML datasets by id or name via sklearn fetch_openml (downloaded once, cached)"
    example: str | None = None  # downloads: the conformance test loads it from a fixture cache

    def names(self) -> list[str]:
        return []

    def load(
        self,
        name: str,
        target: str | None = None,
        positive: Any = None,
        version: str | int | None = None,
        data_home: str | None = None,
        **options: Any,
    ) -> Dataset:
        ref = name.strip()
        if not ref:
            raise DataValidationError("openml: needs a dataset id or name, e.g. openml:1590")
        X, y_raw, real_name, target_name = _fetch(ref, target, str(version) if version else None, _home(data_home))
        y = binarize_target(y_raw, positive=positive, name=f"openml:{ref} target {target_name!r}")
        X = X.copy().reset_index(drop=True)
        categorical = [str(c) for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
        pos_label = positive if positive is not None else y_raw[y.astype(bool)].iloc[0]
        return Dataset(
            name=f"openml:{ref}",
            X=X,
            y=y,
            source="openml",
            categorical=categorical,
            citation=CITATION,
            description=f"OpenML {real_name} (id/name {ref}); target {target_name}, positive = {pos_label!r}",
        )


def _home(explicit: str | None) -> str:
    return data_home(explicit)  # fetch_openml caches under <home>/openml/openml.org/...
