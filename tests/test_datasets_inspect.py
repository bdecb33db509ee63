"""inspect_dataset: counts, fold feasibility and data-quality warnings."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from imbench.datasets import Dataset, load_dataset
from imbench.datasets.inspect import Inspection, inspect_dataset


def messy() -> Dataset:
    rng = np.random.default_rng(0)
    n = 200
    X = pd.DataFrame(
        {
            "row_id": np.arange(n),
            "const": 1.0,
            "noise": rng.normal(size=n),
            "cat": rng.choice(["a", "b"], size=n),
            "gappy": np.where(np.arange(n) % 4 == 0, np.nan, rng.normal(size=n)),
        }
    )
    y = np.zeros(n, dtype=int)
    y[:3] = 1
    # rows 10..12 duplicate rows 0..2 (features) with the opposite label; drop the ID so they collide
    X.loc[10:12, ["noise", "cat", "gappy"]] = X.loc[0:2, ["noise", "cat", "gappy"]].to_numpy()
    return Dataset(name="messy", X=X, y=y, source="test", categorical=["cat"])


def test_counts_and_folds() -> None:
    ds = load_dataset("keel:ecoli4")
    info = inspect_dataset(ds, outer_folds=5)
    assert isinstance(info, Inspection)
    assert (info.n, info.n_pos, info.n_neg) == (336, 20, 316)
    assert info.tier == "high" and info.ir == pytest.approx(15.8)
    assert info.pos_per_fold == pytest.approx(4.0) and info.min_pos_per_fold == 4
    text = info.to_text()
    assert "keel:ecoli4" in text and "15.80" in text and "tier high" in text


def test_warnings_on_messy_data() -> None:
    info = inspect_dataset(messy(), outer_folds=5)
    text = " | ".join(info.warnings)
    assert "only 3 positives for 5 outer folds" in text
    assert info.constant_columns == ["const"]
    assert info.id_columns == ["row_id"]
    assert info.missing == {"gappy": 50}
    assert "missing values in 1 columns" in text
    assert "constant columns: const" in text and "ID-like columns" in text
    no_id = messy()
    no_id.X = no_id.X.drop(columns=["row_id"])
    dup = inspect_dataset(no_id, outer_folds=2, baseline=False)
    assert dup.duplicate_rows == 3 and dup.conflicting_duplicates == 6
    assert any("3 duplicated feature rows (6 with conflicting labels)" in w for w in dup.warnings)


def test_saturation_warning_and_speed() -> None:
    easy = load_dataset("synthetic:ir=20,n=4000,sep=4,flip=0")
    start = time.perf_counter()
    info = inspect_dataset(easy)
    assert time.perf_counter() - start < 10  # generous for a loaded CI box; ~1 s normally
    assert info.saturated and any(w.startswith("saturated") for w in info.warnings)
    hard = inspect_dataset(load_dataset("keel:abalone19"))
    assert not hard.saturated and hard.baseline_auc is not None and 0.5 < hard.baseline_auc < 0.99


def test_big_data_is_subsampled_for_baseline() -> None:
    big = load_dataset("synthetic:ir=50,n=30000,sep=0.5")
    start = time.perf_counter()
    info = inspect_dataset(big, baseline=True)
    assert info.baseline_auc is not None
    assert time.perf_counter() - start < 15


def test_clean_dataset_has_no_warnings() -> None:
    info = inspect_dataset(load_dataset("keel:pima"), baseline=False)
    assert info.warnings == [] or all("duplicated" in w or "missing" in w for w in info.warnings)
    assert "warnings     none" in info.to_text() or info.warnings
