"""Regression tests for scale (issue 15, third round): extreme magnitudes and large tables.

Each test whose docstring says what used to happen failed before its fix; the others pin what the fixes keep
(the old neighbourhood definition, stratified samples, row-order independence, the reference's inputs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import imbench
from imbench.advice import metafeatures as mf
from imbench.cli.main import main
from imbench.datasets.base import Dataset
from imbench.pipeline.preprocessing import MAX_MAGNITUDE, MagnitudeGuard

ROOT = Path(__file__).resolve().parents[1]

# --- extreme magnitudes --------------------------------------------------------------------------------------


def _extreme_frame(n: int = 300) -> pd.DataFrame:
    """A signal column times 1e200 (its squares overflow float64) and a noise column holding ±1e308."""
    rng = np.random.default_rng(0)
    y = (np.arange(n) % 10 == 0).astype(int)
    noise = rng.normal(size=n)
    noise[[3, 50]], noise[9] = 1e308, -1e308
    return pd.DataFrame({"signal": (rng.normal(size=n) + 1.5 * y) * 1e200, "noise": noise, "y": y})


def test_magnitude_guard_scales_huge_columns_exactly_and_leaves_ordinary_ones_alone() -> None:
    """There was no guard: every pipeline squared 1e200 (NaN) or cast it to float32 (inf)."""
    X = np.array([[1.5, 3e200, 1e308], [-0.25, -1e199, 2.0], [np.nan, 7e150, -1e308]])
    guard = MagnitudeGuard().fit(X)
    out = guard.transform(X)
    np.testing.assert_array_equal(out[:, 0], X[:, 0])  # bit for bit, missing stays missing
    assert np.isfinite(out[:, 1:]).all() and np.nanmax(np.abs(out)) <= MAX_MAGNITUDE
    assert ((out[:, 1:] ** 2).sum(axis=0) < np.inf).all()  # what StandardScaler and SMOTE compute
    np.testing.assert_array_equal(out[:, 1:] / guard.scale_[1:], X[:, 1:])  # a power of two: exact
    later = guard.transform(np.array([[1e300, 1e300, 1.0], [-np.inf, 0.0, 0.0]]))
    assert later[0, 0] == MAX_MAGNITUDE and later[1, 0] == -np.inf  # clipped; inf is left for the imputer to refuse


def test_cells_score_the_same_whatever_a_columns_magnitude(fast_models: None) -> None:
    """logreg failed (StandardScaler's variance overflowed to NaN), random_forest too (float32 holds no 1e200)."""
    df = _extreme_frame().drop(columns="noise")
    y = df.pop("y").to_numpy()
    scores = []
    for factor in (1.0, 2.0**700):  # ordinary units, then times ~5e210 (a power of two, so the guard's inverse)
        ds = Dataset("magnitude", df.assign(signal=df["signal"] / 1e200 * factor), y, "file", [])
        r = imbench.evaluate(
            ds, ["none", "smote"], ["logreg", "random_forest"], n_trials=1, outer_folds=2, inner_folds=2
        )
        scores.append(r.sort_values(["strategy", "model", "fold"]).filter(like="test_").reset_index(drop=True))
        assert set(r["status"]) == {"ok"}
    assert not scores[1].isna().any().any()
    pd.testing.assert_frame_equal(scores[0], scores[1], check_exact=True)


def test_compare_and_advise_handle_huge_and_extreme_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both exited 1 with a traceback in the quick baseline; compare's cells all failed."""
    path = tmp_path / "extreme.csv"
    _extreme_frame().to_csv(path, index=False)
    monkeypatch.chdir(tmp_path)
    adv = CliRunner().invoke(main, ["advise", str(path), "--target", "y", "--positive", "1", "--json"])
    assert adv.exit_code == 0 and "Traceback" not in adv.output, adv.output
    meta = json.loads(adv.output)["meta"]
    assert all(meta[k] is not None for k in ("baseline_pr_auc", "baseline_roc_auc", "f1", "minority_safe"))
    out = tmp_path / "out"
    args = ["compare", str(path), "--target", "y", "--positive", "1", "--budget", "30s", "--models", "logreg"]
    r = CliRunner().invoke(
        main, [*args, "--strategies", "none,smote", "--no-mlflow", "-q", "-j", "1", "--out", str(out)]
    )
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    results = pd.read_parquet(out / "results.parquet")
    assert set(results["status"]) == {"ok"}
    assert not results.filter(like="test_").isna().any().any()


# --- large tables -----------------------------------------------------------------------------------------------


def _table(n: int, share: float, seed: int = 0, levels: int = 0) -> Dataset:
    """``n`` rows × 5 features, ``share`` of them positive, shifted so the classes overlap but are learnable;
    ``levels`` > 0 rounds the features to that many values each (discrete data: ties everywhere)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < share).astype(int)
    values = rng.normal(size=(n, 5)) + 0.8 * y[:, None]
    if levels:
        values = np.clip(np.round(values), 0, levels - 1)
    return Dataset(f"table-{n}", pd.DataFrame(values, columns=[f"x{i}" for i in range(5)]), y, "file", [])


def _per_query_radius_search(Z: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    """The neighbourhood measure as it was computed before: one radius search per query."""
    from sklearn.neighbors import NearestNeighbors

    pos = np.flatnonzero(y == 1)
    queries = np.sort(rng.choice(pos, min(len(pos), mf.NEIGHBOUR_QUERIES), replace=False))
    nn = NearestNeighbors().fit(Z)
    dist, _ = nn.kneighbors(Z[queries], n_neighbors=mf.NEIGHBOURS + 1)
    share = []
    for q, r in zip(queries, dist[:, -1]):
        idx = nn.radius_neighbors(Z[q : q + 1], radius=r * (1 + 1e-9) + 1e-12, return_distance=False)[0]
        share.append(np.mean(y[idx[idx != q]] == 1))
    return float(np.mean(np.array(share) >= 0.8)), float(np.mean(np.array(share) == 0))


def _searches(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts the calls of the neighbour index's two searches."""
    from sklearn.neighbors import NearestNeighbors

    calls = {"kneighbors": 0, "radius_neighbors": 0}

    def counting(name: str) -> Any:
        original = getattr(NearestNeighbors, name)

        def counted(self: Any, *a: Any, **kw: Any) -> Any:
            calls[name] += 1
            return original(self, *a, **kw)

        return counted

    for name in calls:
        monkeypatch.setattr(NearestNeighbors, name, counting(name))
    return calls


def test_minority_neighbourhood_is_one_batched_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """advise took 15-35 s of CPU at 300k × 30: one radius search per query (500) in a 200,000-row pool."""
    ds = _table(20_000, 0.02)
    Z = mf._design(ds.X, [])
    expected = _per_query_radius_search(Z, ds.y, np.random.default_rng(0))
    calls = _searches(monkeypatch)
    assert mf._minority_neighbourhood(Z, ds.y, np.random.default_rng(0)) == expected
    assert calls == {"kneighbors": 1, "radius_neighbors": 0}


def test_batched_search_counts_ties_like_a_radius_search_per_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """On discrete data the ties reach past the rows fetched: those queries are asked again, with the same result."""
    ds = _table(3_000, 0.1, levels=3)
    Z = mf._design(ds.X, [])
    expected = _per_query_radius_search(Z, ds.y, np.random.default_rng(0))
    calls = _searches(monkeypatch)
    assert mf._minority_neighbourhood(Z, ds.y, np.random.default_rng(0)) == expected
    assert calls["radius_neighbors"] > 0


def _seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Records the rows the neighbour search and the baseline's fits get."""
    import sklearn.model_selection

    seen: dict[str, list[Any]] = {"pool": [], "baseline": []}
    search, cross_validate = mf._minority_neighbourhood, sklearn.model_selection.cross_validate

    def record_search(Z: np.ndarray, y: np.ndarray, *a: Any) -> tuple[float, float]:
        seen["pool"].append((len(Z), int(y.sum())))
        return search(Z, y, *a)

    def record_fit(est: Any, X: np.ndarray, y: np.ndarray, **kw: Any) -> Any:
        seen["baseline"].append(len(X))
        return cross_validate(est, X, y, **kw)

    monkeypatch.setattr(mf, "_minority_neighbourhood", record_search)
    monkeypatch.setattr(sklearn.model_selection, "cross_validate", record_fit)
    return seen


def test_meta_features_see_capped_stratified_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the cap (made small here) the search sees a sample in the class ratio, every positive of a rare class
    up to the number of queries; the baseline fits at most ``BASELINE_MAX_ROWS``."""
    from imbench.datasets.inspect import BASELINE_MAX_ROWS

    monkeypatch.setattr(mf, "NEIGHBOUR_POOL", 5_000)
    seen = _seen(monkeypatch)
    common, rare = _table(12_000, 0.1), _table(12_000, 0.01)
    for ds in (common, rare):
        mf.meta_features(ds)
    (pool_common, pos_common), (pool_rare, pos_rare) = seen["pool"]
    assert pool_common == pool_rare == 5_000
    assert abs(pos_common - 5_000 * common.n_pos / common.n) <= 1  # positives at their share
    assert rare.n_pos < mf.NEIGHBOUR_QUERIES and pos_rare == rare.n_pos  # a rare class: every positive kept
    assert seen["baseline"] and max(seen["baseline"]) <= BASELINE_MAX_ROWS


def test_capped_meta_features_do_not_depend_on_row_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mf, "NEIGHBOUR_POOL", 5_000)
    ds = _table(12_000, 0.02, seed=1)
    p = np.random.default_rng(2).permutation(ds.n)
    shuffled = Dataset(ds.name, ds.X.iloc[p].reset_index(drop=True), ds.y[p], ds.source, [])
    a, b = mf.meta_features(ds).to_dict(), mf.meta_features(shuffled).to_dict()
    a.pop("seconds"), b.pop("seconds")
    assert a == b


def test_reference_sized_tables_are_described_from_all_their_rows() -> None:
    """The reference table was computed on every row of each reference dataset: the cap must stay above them."""
    ref = json.loads((ROOT / "imbench" / "advice" / "reference.json").read_text())
    largest = max(d["n"] for d in ref["datasets"].values())
    assert largest < mf.NEIGHBOUR_POOL
    y = (np.arange(largest) % 30 == 0).astype(int)
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    np.testing.assert_array_equal(mf._stratified(y, mf.NEIGHBOUR_POOL, mf.NEIGHBOUR_QUERIES, rng), np.arange(largest))
    assert rng.bit_generator.state == state  # no draw: the later samples are the reference's too
