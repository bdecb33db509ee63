"""file:, imblearn: and openml: sources — all offline (imblearn/openml read a pre-built cache)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbench.core.errors import DataValidationError, UnknownNameError
from imbench.datasets import load_dataset
from imbench.datasets.columns import datetime_like_columns, id_like_columns


def user_frame(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "customer_id": np.arange(1000, 1000 + n),
            "amount": rng.normal(size=n).round(3),
            "country": rng.choice(["fr", "de", "it"], size=n),
            "vip": rng.choice([True, False], size=n),
            "age": np.where(np.arange(n) % 7 == 0, np.nan, rng.integers(18, 80, size=n)),
            "signup": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
            "is_fraud": np.where(np.arange(n) % 6 == 0, "yes", "no"),
        }
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_file_loader_raw_features(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"data.{fmt}"
    df = user_frame()
    df.to_csv(path, index=False) if fmt == "csv" else df.to_parquet(path, index=False)
    ds = load_dataset(f"file:{path}", target="is_fraud")
    assert ds.n == 60 and ds.n_pos == 10 and ds.source == "file"
    assert "is_fraud" not in ds.X.columns
    assert "customer_id" not in ds.X.columns  # ID column dropped …
    assert any("customer_id" in n for n in ds.notes)  # … and recorded
    assert set(ds.categorical) == {"country", "vip"}
    assert ds.X["age"].isna().sum() == 9  # missing values stay missing
    assert ds.X["signup"].dtype == np.float64  # date text -> days since epoch
    assert ds.X["signup"].iloc[0] == pytest.approx((pd.Timestamp("2024-01-01") - pd.Timestamp("1970-01-01")).days)
    assert any("signup" in n for n in ds.notes)
    kept = load_dataset(f"file:{path}", target="is_fraud", drop_id=False)
    assert "customer_id" in kept.X.columns


def test_file_positive_option_and_multiclass(tmp_path: Path) -> None:
    df = user_frame()
    df["tier"] = np.array(["a", "b", "c"])[np.arange(60) % 3]
    df.loc[:4, "tier"] = "d"
    path = tmp_path / "multi.csv"
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="positive="):
        load_dataset(f"file:{path}", target="tier")
    ds = load_dataset(f"file:{path}", target="tier", positive="d")
    assert ds.n_pos == 5
    flipped = load_dataset(f"file:{path}", target="is_fraud", positive="no")
    assert flipped.n_pos == 50  # explicit positive wins even when it is the majority


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BAD_INPUTS = {
    "empty": ("empty.csv", "", "empty"),
    "header_only": ("header.csv", "a,b,y\n", "no data rows"),
    "missing_target": ("nt.csv", "a,b\n1,2\n3,4\n", "no target column 'y'; columns: a, b"),
    "single_class": ("one.csv", "a,y\n1,0\n2,0\n3,0\n", "single class"),
    "three_classes": ("three.csv", "a,y\n1,0\n2,1\n3,2\n4,2\n", "3 classes"),
    "missing_target_values": ("nan.csv", "a,y\n1,0\n2,\n3,1\n", "missing values"),
    "duplicate_columns": ("dup.csv", "a,a,y\n1,2,0\n3,4,1\n", "duplicate column names: 'a'"),
    "all_missing_feature": ("allna.csv", "a,b,y\n1,,0\n2,,1\n3,,0\n", "no values at all: b"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_file_bad_inputs_are_one_line_errors(tmp_path: Path, case: str) -> None:
    fname, text, match = BAD_INPUTS[case]
    path = _write(tmp_path, fname, text)
    with pytest.raises(DataValidationError) as err:
        load_dataset(f"file:{path}", target="y")
    assert match in str(err.value)
    assert "\n" not in str(err.value)


def test_file_missing_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="not found"):
        load_dataset(f"file:{tmp_path / 'nope.csv'}", target="y")
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"this is not parquet")
    with pytest.raises(DataValidationError, match="Parquet") as err:
        load_dataset(f"file:{bad}", target="y")
    assert "\n" not in str(err.value)
    ok = _write(tmp_path, "ok.csv", "a,y\n1,0\n2,1\n")
    with pytest.raises(DataValidationError, match="target=COLUMN"):
        load_dataset(f"file:{ok}")


def test_id_and_datetime_helpers() -> None:
    n = 40
    df = pd.DataFrame(
        {
            "id": np.random.default_rng(0).permutation(n) * 7,  # unique ints named id
            "row": np.arange(n),  # consecutive run
            "uuid_text": [f"u{i:04x}" for i in range(n)],
            "measurement": np.linspace(0, 1, n),  # unique floats are features
            "count": np.random.default_rng(1).integers(0, 5, n),
            "when": ["2023-05-01 10:00:00"] * n,
            "code": ["12"] * n,
        }
    )
    assert id_like_columns(df) == ["id", "row", "uuid_text"]
    assert id_like_columns(df.head(10)) == []  # too small to judge
    assert datetime_like_columns(df) == ["when"]


# --- imblearn: a cache folder laid out like imblearn's fetch_datasets (<home>/zenodo/x<id>data.npz)


def _imblearn_cache(home: Path, name: str, n_pos: int = 12, n_neg: int = 88) -> None:
    from imblearn.datasets._zenodo import MAP_NAME_ID

    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_pos + n_neg, 5))
    label = np.r_[np.ones(n_pos, dtype=int), -np.ones(n_neg, dtype=int)]
    (home / "zenodo").mkdir(parents=True, exist_ok=True)
    np.savez(home / "zenodo" / f"x{MAP_NAME_ID[name]}data.npz", data=X, label=label)


def test_imblearn_from_cache(tmp_path: Path) -> None:
    _imblearn_cache(tmp_path, "ecoli")
    ds = load_dataset("imblearn:ecoli", data_home=str(tmp_path), download=False)
    assert (ds.n, ds.n_pos, ds.n_features) == (100, 12, 5)
    assert set(np.unique(ds.y)) == {0, 1}
    assert ds.source == "imblearn" and "Lemaitre" in ds.citation


def test_imblearn_data_home_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _imblearn_cache(tmp_path, "abalone_19", n_pos=4, n_neg=96)
    monkeypatch.setenv("IMBENCH_DATA_HOME", str(tmp_path))
    ds = load_dataset("imblearn:abalone_19", download=False)
    assert ds.n_pos == 4


def test_imblearn_missing_cache_and_unknown(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="not cached") as err:
        load_dataset("imblearn:oil", data_home=str(tmp_path), download=False)
    assert "\n" not in str(err.value)
    with pytest.raises(UnknownNameError):
        load_dataset("imblearn:not_a_dataset")


# --- openml: a data_home pre-populated from scikit-learn's own fetch_openml test fixtures

FIXTURES = Path(__import__("sklearn").__file__).parent / "datasets" / "tests" / "data" / "openml"


def _openml_cache(home: Path, data_id: int) -> None:
    src = FIXTURES / f"id_{data_id}"
    api = home / "openml" / "openml.org" / "api" / "v1" / "json" / "data"
    for prefix, dest in (("jd", api), ("jdf", api / "features"), ("jdq", api / "qualities")):
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(src / f"api-v1-{prefix}-{data_id}.json.gz", dest / f"{data_id}.gz")
    with gzip.open(src / f"api-v1-jd-{data_id}.json.gz") as fh:
        url = json.load(fh)["data_set_description"]["url"]
    rel = url.split("openml.org/", 1)[1]
    target = home / "openml" / "openml.org" / f"{rel}.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    (arff,) = src.glob("data-v1-dl-*.arff.gz")
    shutil.copy(arff, target)


def test_openml_binary_with_categoricals(tmp_path: Path) -> None:
    _openml_cache(tmp_path, 1590)  # adult: class >50K vs <=50K, categorical features
    ds = load_dataset("openml:1590", data_home=str(tmp_path))
    assert ds.source == "openml" and ds.n > 0
    assert set(np.unique(ds.y)) == {0, 1} and ds.n_pos <= ds.n_neg
    assert "workclass" in ds.categorical and "age" not in ds.categorical
    assert "class" not in ds.X.columns


def test_openml_target_and_positive(tmp_path: Path) -> None:
    _openml_cache(tmp_path, 1590)
    with pytest.raises(DataValidationError, match="positive=") as err:  # education has many classes
        load_dataset("openml:1590", data_home=str(tmp_path), target="education")
    assert "\n" not in str(err.value)
    ds = load_dataset("openml:1590", data_home=str(tmp_path), target="education", positive="HS-grad")
    assert 0 < ds.n_pos < ds.n and "education" not in ds.X.columns
    flipped = load_dataset("openml:1590", data_home=str(tmp_path), positive="<=50K")
    default = load_dataset("openml:1590", data_home=str(tmp_path))
    assert np.array_equal(flipped.y, 1 - default.y)


def test_openml_offline_failure_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as err:
        load_dataset("openml:40945", data_home=str(tmp_path))
    assert "\n" not in str(err.value)
