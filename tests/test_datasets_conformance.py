"""Every registered dataset source obeys the Dataset contract (found by walking imbench/datasets/).

A new source module is picked up automatically; it must declare ``example`` (a name that loads offline)
or get a fixture builder in FIXTURES below, else ``test_every_source_can_be_loaded_here`` fails.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_datasets_sources import _imblearn_cache, _openml_cache, user_frame

from imbench.core.errors import ImbenchError
from imbench.datasets import SOURCES, Dataset, load_dataset


def _file(tmp: Path) -> tuple[str, dict[str, Any]]:
    path = tmp / "data.csv"
    user_frame().to_csv(path, index=False)
    return str(path), {"target": "is_fraud"}


def _imblearn(tmp: Path) -> tuple[str, dict[str, Any]]:
    _imblearn_cache(tmp, "ecoli")
    return "ecoli", {"data_home": str(tmp), "download": False}


def _openml(tmp: Path) -> tuple[str, dict[str, Any]]:
    _openml_cache(tmp, 1590)
    return "1590", {"data_home": str(tmp)}


FIXTURES: dict[str, Callable[[Path], tuple[str, dict[str, Any]]]] = {
    "file": _file,
    "imblearn": _imblearn,
    "openml": _openml,
}
"""Sources whose data comes from outside (a user file, a download): the real loader on fixture files."""

UNKNOWN = {"file": "/no/such/file.csv", "openml": "40945", "ladder": "7/unknownsource:x", "synthetic": "ir=-5"}
"""A name each source must refuse with a one-line ImbenchError (default: a made-up dataset name)."""

PREFIXES = SOURCES.names()


def example(prefix: str, tmp: Path) -> tuple[str, dict[str, Any]]:
    src = SOURCES.get(prefix)
    if src.example is not None:
        return src.example, {}
    if prefix not in FIXTURES:
        pytest.fail(f"source {prefix!r} declares no offline example and has no fixture here; add one")
    return FIXTURES[prefix](tmp)


def test_discovery_found_every_source_module() -> None:
    import pkgutil

    import imbench.datasets as pkg

    modules = {m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")}
    assert {"synthetic", "keel", "sklearn", "imblearn", "openml", "files", "ladder"} <= modules
    assert {"synthetic", "keel", "sklearn", "imblearn", "openml", "file", "ladder"} <= set(PREFIXES)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_source_can_be_loaded_here(prefix: str, tmp_path: Path) -> None:
    src = SOURCES.get(prefix)
    assert isinstance(src.description, str) and src.description
    assert all(isinstance(n, str) for n in src.names())
    name, options = example(prefix, tmp_path)
    ds = load_dataset(f"{prefix}:{name}", **options)
    assert isinstance(ds, Dataset) and isinstance(ds.X, pd.DataFrame)
    assert ds.name.startswith(f"{prefix}:") and ds.source in (prefix, ds.name.split(":")[0])
    assert len(ds.X) == len(ds.y) == ds.n
    assert set(np.unique(ds.y)) == {0, 1} and 0 < ds.n_pos <= ds.n_neg  # 1 = the minority
    assert set(ds.categorical) <= set(ds.X.columns)
    assert set(ds.meta()) >= {"dataset", "source", "n", "n_pos", "n_features", "n_categorical", "ir", "tier"}
    again = load_dataset(f"{prefix}:{name}", **options)
    pd.testing.assert_frame_equal(ds.X, again.X)
    assert np.array_equal(ds.y, again.y)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_source_refuses_an_unknown_name_on_one_line(prefix: str, tmp_path: Path) -> None:
    name = UNKNOWN.get(prefix, "no_such_dataset_xyz")
    options = {"data_home": str(tmp_path), "download": False} if prefix == "imblearn" else {}
    if prefix == "openml":
        options = {"data_home": str(tmp_path)}
    with pytest.raises(ImbenchError) as err:
        load_dataset(f"{prefix}:{name}", **options)
    assert "\n" not in str(err.value)
