"""KEEL, sklearn and ladder sources, and the source listing (all offline)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from imbench.core.errors import ConfigError, DataValidationError, UnknownNameError
from imbench.datasets import SOURCES, list_sources, load_dataset
from imbench.datasets.keel import KeelSource, catalogue
from imbench.datasets.ladder import subsample_to_ir

KEEL_NAMES = list(catalogue())  # the binary sets; ONE_VS_REST (large multiclass tables) are tested below


def test_keel_collection_size_and_ir_range() -> None:
    assert 100 <= len(KEEL_NAMES) <= 110
    irs = [e.ir for e in catalogue().values()]
    assert 1.8 <= min(irs) < 2 and 120 < max(irs) < 140
    for expected in ("ecoli4", "abalone19", "yeast_1_vs_7", "glass1", "page_blocks0", "car_good"):
        assert expected in KEEL_NAMES


@pytest.mark.parametrize("name", KEEL_NAMES)
def test_every_keel_dataset_loads(name: str) -> None:
    ds = load_dataset(f"keel:{name}")
    entry = catalogue()[name]
    assert ds.name == f"keel:{name}" and ds.source == "keel"
    assert set(np.unique(ds.y)) == {0, 1}
    assert ds.n_pos <= ds.n_neg
    assert len(ds.X) == len(ds.y) == entry.n
    assert ds.n_pos == entry.n_minority  # same target as the package's own loader
    assert not np.isnan(ds.y.astype(float)).any()
    assert all(isinstance(c, str) for c in ds.X.columns)
    assert set(ds.categorical) <= set(ds.X.columns)
    assert "KEEL" in ds.citation


def test_keel_categoricals_are_raw_categories() -> None:
    ds = load_dataset("keel:car_good")
    assert ds.categorical == list(ds.X.columns)
    assert all(str(ds.X[c].dtype) == "category" for c in ds.categorical)
    ab = load_dataset("keel:abalone19")
    assert ab.categorical == ["Sex"] and ab.X["Sex"].notna().all()


def test_keel_name_spellings_and_cache_isolation() -> None:
    a = load_dataset("keel:yeast-1_vs_7")
    assert a.name == "keel:yeast_1_vs_7"
    a.X.iloc[0, 0] = -999.0
    b = load_dataset("keel:yeast_1_vs_7")
    assert b.X.iloc[0, 0] != -999.0


def test_keel_unknown_name_is_one_line() -> None:
    with pytest.raises(UnknownNameError) as err:
        load_dataset("keel:ecoli99")
    assert "\n" not in str(err.value) and "ecoli" in str(err.value)


@pytest.mark.parametrize(
    ("name", "n", "n_pos"),
    [("breast_cancer", 569, 212), ("digits_3", 1797, 183), ("wine_0", 178, 59), ("iris_2", 150, 50)],
)
def test_sklearn_sources(name: str, n: int, n_pos: int) -> None:
    ds = load_dataset(f"sklearn:{name}")
    assert (ds.n, ds.n_pos) == (n, n_pos)
    assert ds.n_pos < ds.n_neg and ds.source == "sklearn"


def test_sklearn_breast_cancer_positive_is_malignant() -> None:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    ds = load_dataset("sklearn:breast_cancer")
    assert bunch.target_names[0] == "malignant"
    np.testing.assert_array_equal(ds.y, (bunch.target == 0).astype(np.int8))


def test_sklearn_unknown() -> None:
    with pytest.raises(UnknownNameError):
        load_dataset("sklearn:digits_10")


def test_list_sources() -> None:
    rows = {r["prefix"]: r for r in list_sources()}
    assert {"synthetic", "keel", "sklearn", "imblearn", "openml", "file", "ladder"} <= set(rows)
    assert rows["keel"]["count"] == len(KeelSource().names())
    assert rows["imblearn"]["count"] == 27
    assert rows["sklearn"]["count"] == 17
    assert all(r["description"] and "\n" not in r["description"] for r in rows.values())
    for prefix in rows:  # the conformance every source owes
        src = SOURCES.get(prefix)
        assert isinstance(src.names(), list)


LADDER_BASE = "synthetic:ir=1,n=4000,flip=0"


@pytest.mark.parametrize("ir", [2, 5, 10, 20, 50, 100])
def test_ladder_ir_is_exact_and_keeps_negatives(ir: int) -> None:
    base = load_dataset(LADDER_BASE)
    ds = load_dataset(f"ladder:{ir}/{LADDER_BASE}")
    assert ds.n_neg == base.n_neg == 2000
    assert ds.n_pos == 2000 // ir
    assert ds.ir == pytest.approx(ir)
    assert ds.source == "ladder" and ds.name == f"ladder:{ir}/{base.name}"


def test_ladder_seed_determinism_and_nesting() -> None:
    base = load_dataset(LADDER_BASE)
    a = subsample_to_ir(base, 20, seed=3)
    b = subsample_to_ir(base, 20, seed=3)
    c = subsample_to_ir(base, 20, seed=4)
    assert a.X.equals(b.X) and np.array_equal(a.y, b.y)
    assert not a.X.equals(c.X)
    hi = subsample_to_ir(base, 100, seed=3)
    pos_lo = {tuple(r) for r in a.X[a.y == 1].round(8).to_numpy()}
    pos_hi = {tuple(r) for r in hi.X[hi.y == 1].round(8).to_numpy()}
    assert pos_hi <= pos_lo  # rungs are nested
    via_spec = load_dataset(f"ladder:20/{LADDER_BASE}", seed=3)
    assert via_spec.X.equals(a.X)


def test_ladder_errors() -> None:
    with pytest.raises(DataValidationError, match="cannot subsample"):
        load_dataset("ladder:2/synthetic:ir=10")
    with pytest.raises(ConfigError):
        load_dataset("ladder:synthetic:ir=10")
    with pytest.raises(ConfigError):
        load_dataset("ladder:abc/synthetic:ir=10")


@pytest.mark.parametrize("suite", ["keel", "ir_ladder", "imblearn27", "climb"])
def test_suite_files_name_real_datasets(suite: str) -> None:
    import yaml

    from imbench.datasets.imblearn import known_names
    from imbench.evaluation.suites import builtin_suites

    spec = yaml.safe_load(builtin_suites()[suite].read_text())
    assert spec["name"] == suite and spec["datasets"] and spec["strategies"] and spec["models"]
    for ds_spec in spec["datasets"]:
        prefix, _, name = ds_spec.partition(":")
        if prefix == "keel":
            assert load_dataset(ds_spec).n_pos >= 8
        elif prefix == "imblearn":
            assert name in known_names()
        elif prefix == "openml":
            assert name.isdigit()
        else:
            assert prefix == "ladder"
    if suite == "ir_ladder":
        last = load_dataset(spec["datasets"][-1])
        assert last.ir == pytest.approx(1000) and last.n_pos >= 20


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("synthetic:features=6", "informative + redundant <= features"),
        ("synthetic:informative=0", "1 <= informative"),
        ("synthetic:informative=2.5", "whole number"),
        ("synthetic:features=-3", "whole number"),
        ("synthetic:flip=2", "0 <= flip <= 1"),
        ("synthetic:sep=0", "sep > 0"),
    ],
)
def test_synthetic_parameters_make_classification_refuses_are_one_line_errors(spec: str, says: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)) as e:
        load_dataset(spec)
    assert "\n" not in str(e.value)


def test_synthetic_smallest_valid_feature_count() -> None:
    ds = load_dataset("synthetic:features=7,n=100")  # 5 informative + 2 redundant
    assert ds.X.shape == (100, 7)
