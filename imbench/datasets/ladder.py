"""``ladder:<ir>/<inner spec>`` an inner dataset with its minority class subsampled to an exact IR.

``ladder:100/synthetic:ir=1,n=40000,flip=0`` keeps every negative of the inner dataset and a
seeded subset of its positives so that n_neg / n_pos is as close to 100 as whole rows allow.
Option ``seed=`` (default 0). The positives kept at a higher IR are a subset of those kept at a
lower IR (same seed), so the rungs of a ladder differ only in how many positives they keep.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from imbench.core.errors import ConfigError, DataValidationError
from imbench.datasets import load_dataset
from imbench.datasets.base import Dataset, register_source


def subsample_to_ir(ds: Dataset, ir: float, seed: int = 0) -> Dataset:
    """Keep all negatives of ``ds`` and ``round(n_neg / ir)`` of its positives (seeded, nested across IRs)."""
    if not ir >= 1:
        raise ConfigError(f"target IR must be >= 1, got {ir}")
    if ir < ds.ir * (1 - 1e-9):
        raise DataValidationError(f"{ds.name} already has IR {ds.ir:.3g}; cannot subsample it down to IR {ir:g}")
    n_keep = max(1, round(ds.n_neg / ir))
    pos_idx = np.flatnonzero(ds.y == 1)
    order = np.random.default_rng(seed).permutation(len(pos_idx))
    keep_pos = pos_idx[np.sort(order[:n_keep])]
    keep = np.sort(np.concatenate([np.flatnonzero(ds.y == 0), keep_pos]))
    out = Dataset(
        name=f"ladder:{ir:g}/{ds.name}",
        X=ds.X.iloc[keep].reset_index(drop=True),
        y=ds.y[keep],
        source="ladder",
        categorical=list(ds.categorical),
        citation=ds.citation,
        description=f"{ds.name} with positives subsampled to IR {ir:g} (seed {seed}); {ds.description}".strip("; "),
        notes=list(ds.notes),
        origin=ds.meta()["origin"],  # a rung holds its base's rows
    )
    if seed:
        out.name += f"@seed={seed}"
    return out


def parse_spec(name: str) -> tuple[float, str]:
    """Split ``"100/synthetic:ir=1"`` into (100.0, ``"synthetic:ir=1"``)."""
    ir_text, sep, inner = name.partition("/")
    if not sep or not inner:
        raise ConfigError(
            f"ladder spec {name!r} must look like ladder:IR/INNER_SPEC, e.g. ladder:100/synthetic:ir=1,n=40000"
        )
    try:
        ir = float(ir_text.strip().removeprefix("1:"))
    except ValueError:
        raise ConfigError(f"ladder IR must be a number, got {ir_text!r}") from None
    return ir, inner.strip()


@register_source("ladder")
class LadderSource:
    """Any dataset resampled (minority only) to a target imbalance ratio."""

    description = "ladder:IR/INNER: an inner dataset with its minority subsampled to an exact IR (seed=)"
    example: str | None = "20/sklearn:breast_cancer"

    def names(self) -> list[str]:
        return []

    def load(self, name: str, seed: int | str = 0, **options: Any) -> Dataset:

        ir, inner = parse_spec(name)
        try:
            seed_int = int(seed)
        except (TypeError, ValueError):
            raise ConfigError(f"ladder seed must be an integer, got {seed!r}") from None
        return subsample_to_ir(load_dataset(inner, **options), ir, seed=seed_int)

    def origin(self, name: str) -> str:
        """The inner dataset's origin (``ladder:20/keel:yeast1`` → ``yeast``; a seed suffix is not part of it)."""
        from imbench.datasets.base import origin_of

        _, inner = parse_spec(name.split("@", 1)[0])
        return origin_of(inner)
