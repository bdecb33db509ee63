"""Shared fixtures: no network, tiny imbalanced datasets and cheaper models for fast end-to-end tests."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from imbench.core.schema import TIMING_COLUMNS
from imbench.datasets.base import Dataset
from imbench.testing import capped_methods, tiny_dataset


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX path (or abstract name): local inter-process communication
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections to anything but this machine fail: tests must never touch the network.

    Unix sockets and loopback stay usable (multiprocessing, a local Dask cluster); worker
    processes started with ``spawn`` talk over pipes anyway.
    """
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(address: Any) -> None:
        if not _is_local(address):
            raise OSError(f"network access is disabled in tests (tried to connect to {address!r})")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


make_tiny = tiny_dataset
"""A small imbalanced Dataset (y=1 is the minority), optionally with a categorical column and NaNs
(:func:`imbench.testing.tiny_dataset`, the data the plugin conformance checks use)."""


@pytest.fixture
def tiny_factory() -> Callable[..., Dataset]:
    """The :func:`make_tiny` factory (``tiny_factory(n=120, ir=9, categorical=True)``)."""
    return make_tiny


@pytest.fixture
def numeric_ds() -> Dataset:
    """200 numeric rows, IR 5, no missing values."""
    return make_tiny()


@pytest.fixture
def mixed_ds() -> Dataset:
    """200 rows, IR 5, one categorical column and missing values in numeric and categorical columns."""
    return make_tiny(categorical=True, missing=True)


def cap_estimators(monkeypatch: pytest.MonkeyPatch, n: int = 8) -> None:
    """Make every registered model, and every ensemble component, build at most ``n`` members
    (this process only; :func:`imbench.testing.fast_models` without a ``with`` block), and compare's plans
    at most 3 trials per cell."""
    for cls, attr, method in capped_methods(n):
        monkeypatch.setattr(cls, attr, method)
    # compare fills its budget with trials (up to 20 per cell): tests that only need a working compare stay small
    from imbench.comparison import budget

    monkeypatch.setattr(budget, "TRIALS_MAX", 3)
    monkeypatch.setattr(budget, "TRIALS_GOOD", 3)
    monkeypatch.setattr(budget, "TRIALS_TUNED", 2)


@pytest.fixture
def fast_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cap models at 8 trees/rounds and ensembles at 4 members so end-to-end cells take a fraction of a second."""
    cap_estimators(monkeypatch)


def drop_timing(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without wall-time columns, columns sorted by name (their order is not a result)."""
    df = df.drop(columns=[c for c in TIMING_COLUMNS if c in df.columns])
    return df[sorted(df.columns)]
