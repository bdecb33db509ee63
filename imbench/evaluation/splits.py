"""Outer folds: RepeatedStratifiedKFold seeded by run seed and dataset, shared by every strategy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.seeds import derive_seed


@dataclass(frozen=True)
class OuterFold:
    """One outer split: ``index`` runs over repeats × folds."""

    index: int
    repeat: int
    fold: int
    train: np.ndarray
    test: np.ndarray


def outer_folds(y: np.ndarray, protocol: EvalProtocol, dataset: str) -> list[OuterFold]:
    """The outer folds of ``dataset`` (identical for every strategy and model: paired comparisons)."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    cv = RepeatedStratifiedKFold(
        n_splits=protocol.outer_folds,
        n_repeats=protocol.repeats,
        random_state=derive_seed(protocol.seed, "outer", dataset),
    )
    X0 = np.zeros((len(y), 1))
    return [
        OuterFold(i, i // protocol.outer_folds, i % protocol.outer_folds, tr, te)
        for i, (tr, te) in enumerate(cv.split(X0, y))
    ]


def inner_folds(y: np.ndarray, k: int, seed: int, holdout: float = 0.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified inner folds of outer-train rows (``k`` capped at the minority count), or with ``holdout``
    one stratified split that validates on that share of them."""
    from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit

    if holdout:
        split = StratifiedShuffleSplit(1, test_size=holdout, random_state=seed)
        return list(split.split(np.zeros((len(y), 1)), y))
    k = max(2, min(k, int(np.bincount(np.asarray(y, dtype=int)).min())))
    return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros((len(y), 1)), y))
