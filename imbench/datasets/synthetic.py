"""``synthetic:`` datasets from ``make_classification`` with a controlled imbalance ratio.

Spec: ``synthetic:ir=50,n=2000,features=20,informative=5,sep=1.0,flip=0.01,seed=0`` (all optional).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from imbench.core.errors import ConfigError
from imbench.datasets.base import Dataset, register_source

DEFAULTS: dict[str, float] = {
    "ir": 10.0,
    "n": 2000,
    "features": 20,
    "informative": 5,
    "redundant": 2,
    "sep": 1.0,
    "flip": 0.01,
    "seed": 0,
}


def parse_params(name: str) -> dict[str, float]:
    """Parse ``key=value,key=value`` into the generator's parameters (unknown keys are errors)."""
    params = dict(DEFAULTS)
    for part in filter(None, (p.strip() for p in name.split(","))):
        key, sep, value = part.partition("=")
        if not sep or key not in DEFAULTS:
            raise ConfigError(f"bad synthetic parameter {part!r}; use key=value with keys {', '.join(DEFAULTS)}")
        try:
            params[key] = float(value)
        except ValueError:
            raise ConfigError(f"synthetic parameter {key} must be a number, got {value!r}") from None
    if params["ir"] < 1 or params["n"] < 20:
        raise ConfigError("synthetic needs ir >= 1 and n >= 20")
    for key in ("features", "informative", "redundant", "seed"):
        if not float(params[key]).is_integer() or params[key] < 0:
            raise ConfigError(f"synthetic parameter {key} must be a whole number >= 0, got {_fmt(params[key])}")
    if params["informative"] < 1 or params["informative"] + params["redundant"] > params["features"]:
        raise ConfigError(
            f"synthetic needs 1 <= informative and informative + redundant <= features; got informative="
            f"{_fmt(params['informative'])}, redundant={_fmt(params['redundant'])}, features={_fmt(params['features'])}"
        )
    if not 0 <= params["flip"] <= 1 or params["sep"] <= 0:
        raise ConfigError("synthetic needs 0 <= flip <= 1 and sep > 0")
    return params


@register_source("synthetic")
class SyntheticSource:
    """Gaussian clusters (sklearn ``make_classification``) at a chosen IR, size and difficulty."""

    description = "make_classification with controlled IR, size, class separation and label noise"
    example: str | None = "ir=9,n=300"

    def names(self) -> list[str]:
        return ["ir=10", "ir=50", "ir=100", "ir=500"]

    def canonical(self, name: str) -> str:
        """The name's one spelling (``n=500,ir=10`` → ``ir=10,n=500``), as its dataset is named: a suite
        listing two spellings of one dataset computes it once."""
        return canonical_name(parse_params(name))

    def load(self, name: str, **options: Any) -> Dataset:
        p = parse_params(name)
        n, ir = int(p["n"]), p["ir"]
        pos_frac = 1.0 / (1.0 + ir)
        X, y = _make(n, pos_frac, p)
        cols = [f"x{i}" for i in range(X.shape[1])]
        return Dataset(
            name=f"synthetic:{canonical_name(p)}",
            X=pd.DataFrame(X, columns=cols),
            y=y,
            source="synthetic",
            description=f"make_classification n={n} ir={_fmt(ir)} class_sep={p['sep']} flip_y={p['flip']}",
            citation="scikit-learn make_classification (Guyon 2003 design)",
        )


def canonical_name(p: dict[str, float]) -> str:
    """Parameters in ``DEFAULTS`` order, defaults left out (``ir`` always shown)."""
    return ",".join(f"{k}={_fmt(p[k])}" for k in DEFAULTS if p[k] != DEFAULTS[k] or k == "ir")


def _make(n: int, pos_frac: float, p: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n,
        n_features=int(p["features"]),
        n_informative=int(p["informative"]),
        n_redundant=int(p["redundant"]),
        weights=[1.0 - pos_frac],
        class_sep=p["sep"],
        flip_y=p["flip"],
        random_state=int(p["seed"]),
    )
    return X, y


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
