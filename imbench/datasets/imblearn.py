"""``imblearn:`` imbalanced-learn's benchmark collection (27 datasets on Zenodo, Ding 2011).

Downloaded once by imblearn's own ``fetch_datasets`` into ``<data home>/zenodo/x<id>data.npz``
(data home: option ``data_home=``, else ``$IMBENCH_DATA_HOME``, else sklearn's data home).
Option ``download=False`` never touches the network. Targets are -1/1 there; here 1 = minority.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from imbench.core.errors import DataValidationError, UnknownNameError
from imbench.datasets.base import Dataset, data_home, register_source

CITATION = (
    "Lemaitre, Nogueira, Aridas, Imbalanced-learn: A Python Toolbox to Tackle the Curse of Imbalanced Datasets "
    "in Machine Learning, JMLR 18(17), 2017; data: Ding, Diversified Ensemble Classifiers for Highly Imbalanced "
    "Data Learning, PhD thesis, Georgia State University, 2011"
)


ORIGINS = {
    "abalone": "abalone",
    "abalone_19": "abalone",
    "car_eval_34": "car",
    "car_eval_4": "car",
    "ecoli": "ecoli",
    "sick_euthyroid": "thyroid",
    "thyroid_sick": "thyroid",
    "solar_flare_m0": "flare",
    "wine_quality": "winequality_white",
    "yeast_me2": "yeast",
}
"""Base tables shared with other sources (named as ``keel.ORIGINS`` names them) or with each other: Ding's
collection re-cuts UCI tables that KEEL cuts too (abalone, car, ecoli, flare, white wine, yeast); the two thyroid
sets come from the Garavan thyroid database. ``yeast_ml8`` is the multi-label yeast table (103 features), not
UCI yeast. Every other dataset is its own origin."""


def known_names() -> list[str]:
    """The 27 dataset names, read from imblearn's module (offline)."""
    from imblearn.datasets._zenodo import MAP_NAME_ID_KEYS

    return list(MAP_NAME_ID_KEYS)


@functools.cache
def _fetch(name: str, home: str, download: bool) -> tuple[np.ndarray, np.ndarray]:
    from imblearn.datasets import fetch_datasets

    try:
        bunch = fetch_datasets(data_home=home, filter_data=(name,), download_if_missing=download)[name]
    except OSError as exc:
        msg = " ".join(str(exc).split())
        raise DataValidationError(
            f"imblearn:{name} is not cached under {home} and could not be fetched ({msg})"
        ) from None
    return np.asarray(bunch.data), np.asarray(bunch.target)


@register_source("imblearn")
class ImblearnSource:
    """The 27 imbalanced-learn Zenodo datasets, cached after the first download."""

    description = "imbalanced-learn's Zenodo benchmark (27 datasets, IR 8.6-130), downloaded once and cached"
    example: str | None = None  # downloads: the conformance test loads it from a fixture cache

    def names(self) -> list[str]:
        return known_names()

    def origin(self, name: str) -> str:
        key = name.strip().lower()
        return ORIGINS.get(key, f"imblearn:{key}")

    def load(self, name: str, data_home: str | None = None, download: bool = True, **options: Any) -> Dataset:
        key = name.strip().lower()
        if key not in known_names():
            raise UnknownNameError(f"unknown imblearn dataset {name!r}; known: {', '.join(known_names())}")
        home = _home(data_home)
        X, target = _fetch(key, home, bool(download))
        labels, counts = np.unique(target, return_counts=True)
        positive = labels[np.argmin(counts)] if len(labels) == 2 and counts[0] != counts[1] else labels.max()
        y = (target == positive).astype(np.int8)
        cols = [f"x{i}" for i in range(X.shape[1])]
        return Dataset(
            name=f"imblearn:{key}",
            X=pd.DataFrame(X.copy(), columns=cols),
            y=y,
            source="imblearn",
            citation=CITATION,
            description=f"imbalanced-learn fetch_datasets: {key}",
        )


def _home(explicit: str | None) -> str:
    return data_home(explicit)
