"""Column heuristics shared by the file loader and ``inspect``: categorical, ID-like, datetime-like, and the
magnitude bound every consumer of raw numbers applies (pipelines, quick baselines, meta-features)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_ID_NAME = re.compile(
    r"(^|[_\W])(id|uuid|guid|key|index|idx|row|record|rowid)s?$|^(id|uuid|guid)[_\W]|^unnamed: ?0$", re.I
)
_DATE_TEXT = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?\s*$"
)


def is_text(s: pd.Series) -> bool:
    """True for object / string columns (text that has not been parsed)."""
    return pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)


def categorical_columns(df: pd.DataFrame) -> list[str]:
    """Columns with object, string, category or bool dtype."""
    return [
        str(c)
        for c in df.columns
        if is_text(df[c]) or isinstance(df[c].dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(df[c].dtype)
    ]


def id_like_columns(df: pd.DataFrame, min_rows: int = 20) -> list[str]:
    """Columns that identify rows rather than describe them.

    A column is ID-like when it has no missing values, a distinct value on every row, and either
    an ID-ish name (``id``, ``customer_id``, ``uuid`` …), or text values, or integers that form
    a consecutive run (0..n-1, 1..n, 1001..). Unique floats are ordinary measurements, and
    date-like text is a timestamp, not an ID.
    Frames with fewer than ``min_rows`` rows are not judged (small data is unique by chance).
    """
    n = len(df)
    if n < min_rows:
        return []
    out: list[str] = []
    dates = set(datetime_like_columns(df))
    for col in df.columns:
        s = df[col]
        if isinstance(s, pd.DataFrame) or str(col) in dates or s.isna().any() or s.nunique(dropna=False) != n:
            continue
        if pd.api.types.is_float_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            continue
        named = bool(_ID_NAME.search(str(col).strip()))
        if (
            named
            or is_text(s)
            or isinstance(s.dtype, pd.CategoricalDtype)
            or (pd.api.types.is_integer_dtype(s.dtype) and int(s.max()) - int(s.min()) == n - 1)
        ):
            out.append(str(col))
    return out


def datetime_like_columns(df: pd.DataFrame, min_share: float = 0.9) -> list[str]:
    """Text columns whose non-missing values look like dates or timestamps (ISO, d/m/y, with time)."""
    out: list[str] = []
    for col in df.columns:
        s = df[col]
        if isinstance(s, pd.DataFrame) or not is_text(s):
            continue
        values = s.dropna().astype(str)
        if values.empty:
            continue
        sample = values.iloc[:500]
        if sample.map(lambda v: bool(_DATE_TEXT.match(v))).mean() >= min_share:
            out.append(str(col))
    return out


def datetime_to_days(s: pd.Series) -> pd.Series:
    """Parse a date-like text column to float days since 1970-01-01 (unparseable -> NaN)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(s, errors="coerce", utc=True, format="mixed")
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    return ((parsed - epoch) / pd.Timedelta(days=1)).astype("float64")


MAX_EXPONENT = 100
MAX_MAGNITUDE = 2.0**MAX_EXPONENT
"""Largest |number| a model sees (about 1.3e30). Finite values far beyond it are legal data, but their squares
overflow float64 (StandardScaler's variance and SMOTE's distances become inf/NaN beyond ~1e154) and float32
(random forest, xgboost) holds nothing above ~3.4e38."""


def magnitude_scales(X: np.ndarray) -> np.ndarray:
    """Per column of ``X`` (one number for a 1-D array), the power of two that brings its largest finite |value|
    within ``MAX_MAGNITUDE`` (1.0 where it already is). A power of two, so multiplying by it is exact: an ordinary
    column stays bit for bit the same and a huge one keeps its order and ratios (only values some 1e300 times
    smaller than its peak lose digits)."""
    A = np.abs(np.asarray(X, dtype=np.float64))
    peak = np.where(np.isfinite(A), A, 0.0).max(axis=0, initial=0.0)
    _, exponent = np.frexp(peak)  # peak = m · 2**exponent with 0.5 <= m < 1, so m · 2**MAX_EXPONENT < MAX_MAGNITUDE
    return np.where(peak > MAX_MAGNITUDE, np.ldexp(1.0, MAX_EXPONENT - exponent), 1.0)
