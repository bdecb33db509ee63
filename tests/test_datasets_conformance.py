"""Every registered dataset source obeys the Dataset contract (found by walking imbench/datasets/).

A new source module is picked up automatically; it must declare ``example`` (a name that loads offline)
or get a fixture builder in FIXTURES below, else ``test_every_source_can_be_loaded_here`` fails. The checks
themselves are :mod:`imbench.testing` (``check_source_loads``, ``check_source_refuses``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_datasets_sources import _imblearn_cache, _openml_cache, user_frame

from imbench.datasets import SOURCES
from imbench.testing import UNKNOWN_NAME, check_source_loads, check_source_refuses


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
    name, options = example(prefix, tmp_path)
    check_source_loads(prefix, name, **options)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_source_refuses_an_unknown_name_on_one_line(prefix: str, tmp_path: Path) -> None:
    options = {"data_home": str(tmp_path), "download": False} if prefix == "imblearn" else {}
    if prefix == "openml":
        options = {"data_home": str(tmp_path)}
    check_source_refuses(prefix, UNKNOWN.get(prefix, UNKNOWN_NAME), **options)
