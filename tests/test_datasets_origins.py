"""Origins: the base table a dataset was cut from is data (a column of every result row), by a committed rule per
source, and the KEEL rule is checked on the data itself: datasets that share rows have one origin."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from imbench.datasets import load_dataset
from imbench.datasets.base import origin_of
from imbench.datasets.keel import ORIGINS, catalogue, origin
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.protocol import EvalProtocol


@pytest.mark.parametrize(
    ("dataset", "expected"),
    [
        ("keel:yeast1", "yeast"),
        ("keel:yeast_1_vs_7", "yeast"),
        ("keel:flaref", "flare"),
        ("keel:ecoli_0_1_4_7_vs_2_3_5_6", "ecoli"),
        ("keel:winequality_red_8_vs_6", "winequality_red"),
        ("keel:winequality_white_3_vs_7", "winequality_white"),
        ("keel:kr_vs_k_zero_vs_eight", "kr_vs_k"),
        ("ladder:20/keel:yeast3", "yeast"),  # a rung holds its base's rows
        ("ladder:50/keel:yeast1@seed=2", "yeast"),
        ("imblearn:yeast_me2", "yeast"),  # Ding's collection re-cuts UCI yeast too
        ("imblearn:yeast_ml8", "imblearn:yeast_ml8"),  # the multi-label yeast table is another one
        ("synthetic:ir=20", "synthetic:ir=20"),  # generated: its own origin
        ("file:/tmp/a.csv", "file:/tmp/a.csv"),
    ],
)
def test_origin_rule(dataset: str, expected: str) -> None:
    assert origin_of(dataset) == expected


def test_every_keel_dataset_has_a_listed_origin_and_the_published_suite_has_15() -> None:
    assert {origin(n) for n in catalogue()} <= set(ORIGINS)
    published = pd.read_parquet("results/keel/results.parquet", columns=["dataset"])["dataset"].unique()
    assert len({origin_of(d) for d in published}) == 15


def _scaled(name: str) -> np.ndarray:
    X = load_dataset(f"keel:{name}").X.select_dtypes("number").astype(float)
    X = X.fillna(X.median())
    span = (X.max() - X.min()).replace(0, 1)
    return ((X - X.min()) / span).to_numpy()


def shared_row_share(a: np.ndarray, b: np.ndarray, tol: float = 0.03) -> float:
    """The share of the smaller table's rows that appear in the other (each column min-max scaled, so a table KEEL
    rescaled ×100 still matches; columns paired by their quantiles, one may be missing; rows within ``tol``)."""
    from sklearn.neighbors import NearestNeighbors

    if abs(a.shape[1] - b.shape[1]) > 1 or min(a.shape[1], b.shape[1]) < 2:
        return 0.0
    q = np.linspace(0, 1, 21)
    qa, qb = np.quantile(a, q, axis=0).T, np.quantile(b, q, axis=0).T
    pairs = []
    for i, col in enumerate(qa):
        dist = np.abs(qb - col).max(axis=1)
        if dist.min() < 0.1:
            pairs.append((i, int(dist.argmin())))
    if len(pairs) < min(a.shape[1], b.shape[1]) - 1:
        return 0.0
    a, b = a[:, [i for i, _ in pairs]], b[:, [j for _, j in pairs]]
    if len(a) > len(b):
        a, b = b, a
    dist, _ = NearestNeighbors(n_neighbors=1, metric="chebyshev").fit(b).kneighbors(a)
    return float((dist[:, 0] <= tol).mean())


@pytest.mark.slow
def test_keel_datasets_that_share_rows_have_one_origin() -> None:
    tables = {n: _scaled(n) for n in catalogue()}
    sharing = [(a, b) for a, b in itertools.combinations(tables, 2) if shared_row_share(tables[a], tables[b]) >= 0.5]
    assert len(sharing) > 40  # the check finds the re-cuts (it can fail) …
    assert ("yeast1", "yeast3") in sharing and ("ecoli1", "ecoli2") in sharing
    assert [(a, b) for a, b in sharing if origin(a) != origin(b)] == []  # … and none crosses two origins
    # the two wine tables share their columns, not their rows: two origins
    assert shared_row_share(tables["winequality_red_4"], tables["winequality_white_9_vs_4"]) < 0.5


def test_origin_is_a_column_of_every_result_row() -> None:
    ds = load_dataset("keel:yeast_1_vs_7")
    row = run_cell(ds, CellKey(ds.name, "none", "logreg", 0), EvalProtocol(n_trials=1, outer_folds=2)).row
    assert row["origin"] == "yeast" and ds.meta()["origin"] == "yeast"


def test_inspect_names_the_origin() -> None:
    from imbench.datasets.inspect import inspect_dataset

    text = inspect_dataset(load_dataset("keel:yeast4"), baseline=False).to_text()
    assert "origin       yeast " in text.splitlines()[1]
    own = inspect_dataset(load_dataset("synthetic:ir=10,n=300"), baseline=False)
    assert own.origin == "synthetic:ir=10,n=300"
