"""Shared fixtures: no network, tiny imbalanced datasets and cheaper models for fast end-to-end tests."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from imbench.datasets.base import Dataset

TIMING_COLUMNS = ("tune_seconds", "fit_seconds", "predict_seconds")
"""Result columns that measure wall time (never equal between runs)."""


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


def make_tiny(
    n: int = 200,
    ir: float = 5.0,
    *,
    categorical: bool = False,
    missing: bool = False,
    seed: int = 0,
    sep: float = 1.5,
    n_numeric: int = 5,
    name: str | None = None,
) -> Dataset:
    """A small imbalanced Dataset (y=1 is the minority), optionally with a categorical column and NaNs."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n,
        n_features=n_numeric,
        n_informative=min(3, n_numeric),
        n_redundant=0,
        n_repeated=0,
        weights=[ir / (1.0 + ir)],
        class_sep=sep,
        flip_y=0.0,
        random_state=seed,
    )
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(n_numeric)])
    rng = np.random.default_rng(seed)
    cats: list[str] = []
    if categorical:
        # informative about y, so a model using the column does better than chance
        colour = np.where(rng.random(n) < 0.7, np.where(y == 1, "red", "blue"), rng.choice(["red", "blue", "green"], n))
        df["colour"] = pd.Categorical(colour)
        cats = ["colour"]
    if missing:
        df.loc[rng.random(n) < 0.1, "x0"] = np.nan
        df.loc[rng.random(n) < 0.1, "x1"] = np.nan
        if categorical:
            df.loc[rng.random(n) < 0.1, "colour"] = np.nan
    label = name or f"tiny{'-cat' if categorical else ''}{'-nan' if missing else ''}-{seed}"
    return Dataset(label, df, y, "test", categorical=cats)


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


def _capped(est: Any, n: int) -> Any:
    params = est.get_params(deep=False)
    if "n_estimators" in params:
        est.set_params(n_estimators=min(params["n_estimators"] or 100, n))
    if "min_child_samples" in params:  # LightGBM: let it split on tiny (undersampled) folds
        est.set_params(min_child_samples=min(params["min_child_samples"] or 20, 5))
    return est


def cap_estimators(monkeypatch: pytest.MonkeyPatch, n: int = 8) -> None:
    """Make every registered model, and every ensemble component, build at most ``n`` members
    (this process only)."""
    from imbench.models import MODELS
    from imbench.strategies import COMPONENTS
    from imbench.strategies.base import EnsembleComponent

    for name in MODELS.names():
        cls = type(MODELS.get(name))

        def build(self: Any, params: dict[str, Any], seed: int, _original: Any = cls.build) -> Any:
            return _capped(_original(self, params, seed), n)

        monkeypatch.setattr(cls, "build", build)
    for name in COMPONENTS.names():
        comp = COMPONENTS.get(name)
        if isinstance(comp, EnsembleComponent):
            ecls = type(comp)

            def wrap(self: Any, *args: Any, _original: Any = ecls.wrap, **kw: Any) -> Any:
                return _capped(_original(self, *args, **kw), max(n // 2, 2))

            monkeypatch.setattr(ecls, "wrap", wrap)


@pytest.fixture
def fast_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cap models at 8 trees/rounds and ensembles at 4 members so end-to-end cells take a fraction of a second."""
    cap_estimators(monkeypatch)


def drop_timing(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without wall-time columns, columns sorted by name (their order is not a result)."""
    df = df.drop(columns=[c for c in TIMING_COLUMNS if c in df.columns])
    return df[sorted(df.columns)]
