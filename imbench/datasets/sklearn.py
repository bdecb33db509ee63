"""``sklearn:`` scikit-learn's bundled datasets as binary imbalanced tasks (offline).

Names: ``breast_cancer`` (1 = malignant, the minority), ``digits_<k>`` (digit k vs the rest,
IR ~9), ``wine_<k>`` and ``iris_<k>`` (class k vs the rest).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from imbench.core.errors import UnknownNameError
from imbench.datasets.base import Dataset, register_source

_ONE_VS_REST = {"digits": 10, "wine": 3, "iris": 3}
_CITATION = "Pedregosa et al., Scikit-learn: Machine Learning in Python, JMLR 12, 2011 (bundled toy datasets)"


@functools.cache
def _bunch(kind: str) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    from sklearn import datasets

    loader = getattr(datasets, f"load_{kind}")
    bunch = loader(as_frame=True)
    return bunch.data, np.asarray(bunch.target), [str(t) for t in getattr(bunch, "target_names", [])]


def _names() -> list[str]:
    names = ["breast_cancer"]
    for kind, k in _ONE_VS_REST.items():
        names += [f"{kind}_{i}" for i in range(k)]
    return names


@register_source("sklearn")
class SklearnSource:
    """Bundled scikit-learn datasets, one class against the rest."""

    description = "scikit-learn bundled datasets as binary tasks (breast_cancer, digits_<k>, wine_<k>, iris_<k>)"
    example: str | None = "breast_cancer"
    package = "scikit-learn"  # the bundled data ships with it: part of the dataset fingerprint

    def names(self) -> list[str]:
        return _names()

    def load(self, name: str, **options: Any) -> Dataset:
        key = name.strip().lower()
        if key not in _names():
            raise UnknownNameError(
                f"unknown sklearn dataset {name!r}; known: breast_cancer, digits_0..9, wine_0..2, iris_0..2"
            )
        if key == "breast_cancer":
            X, target, _ = _bunch("breast_cancer")
            y = (target == 0).astype(np.int8)  # 0 = malignant (212 of 569)
            desc = "Wisconsin diagnostic breast cancer; 1 = malignant"
        else:
            kind, _, k = key.rpartition("_")
            X, target, target_names = _bunch(kind)
            y = (target == int(k)).astype(np.int8)
            label = target_names[int(k)] if target_names else k
            desc = f"sklearn {kind}: class {label} vs the rest"
        return Dataset(
            name=f"sklearn:{key}",
            X=X.copy().reset_index(drop=True),
            y=y,
            source="sklearn",
            citation=_CITATION,
            description=desc,
        )
