"""``file:<path>`` a user's CSV or Parquet file.

Options: ``target=`` (required), ``positive=`` (default: the rarer class; required with more
than two classes), ``drop_id=True`` (drop ID-like columns, see ``columns.id_like_columns``).

Values are kept raw: numbers stay numbers, text stays text (object/string/category/bool columns
are listed as categorical), missing values stay missing. One exception: text columns that look
like dates or timestamps are **converted** to a numeric feature, days since 1970-01-01 (float,
unparseable -> NaN), so models can use them; each conversion and each dropped ID column is
recorded in ``Dataset.notes``. Text that is not UTF-8 is read in the encoding its bytes show (a UTF-16/32
byte-order mark or NUL pattern, else Windows-1252, else Latin-1), with a note saying so. Every problem with the
file raises a one-line DataValidationError.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import os
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from imbench.core.errors import ConfigError, DataValidationError
from imbench.datasets.base import Dataset, binarize_target, register_source
from imbench.datasets.columns import categorical_columns, datetime_like_columns, datetime_to_days, id_like_columns

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")


HIGH_CARDINALITY = 100
"""More categories than this in one column earns a note."""


def read_table(path: str, notes: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV (comma-separated; tab for .tsv) or Parquet file, raising DataValidationError on any problem;
    a text encoding other than UTF-8 is appended to ``notes``."""
    if not os.path.exists(path):
        raise DataValidationError(f"file not found: {path}")
    if os.path.isdir(path):
        raise DataValidationError(f"{path} is a folder; give a CSV or Parquet file")
    if os.path.getsize(path) == 0:
        raise DataValidationError(f"{path} is empty")
    encoding = "utf-8-sig"
    if not _is_parquet(path):
        _sniff_binary(path)
        encoding, note = text_encoding(path)
        if note and notes is not None:
            notes.append(note)
    _check_duplicate_columns(path, encoding)
    try:
        if path.lower().endswith(PARQUET_SUFFIXES):
            df = pd.read_parquet(path)
        else:
            sep = "\t" if path.lower().endswith((".tsv", ".tsv.gz", ".tab")) else ","
            df = pd.read_csv(path, sep=sep, low_memory=False, encoding=encoding)
    except DataValidationError:
        raise
    except Exception as exc:
        msg = " ".join(str(exc).split())[:200]
        what = "Parquet" if _is_parquet(path) else f"CSV ({encoding} text)"
        raise DataValidationError(f"cannot read {path} as {what}: {msg}") from None
    if df.shape[1] == 0 or len(df) == 0:
        raise DataValidationError(f"{path} has no data rows" if df.shape[1] else f"{path} has no columns")
    return df


BINARY_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
    (b"PAR1", "a Parquet file (name it .parquet)"),
)
"""First bytes of binary formats a user may hand over under a .csv name."""


def _sniff_binary(path: str) -> None:
    """A one-line error for a binary file given as CSV, instead of a decoding error from the parser."""
    if path.lower().endswith(".gz"):
        return
    with open(path, "rb") as fh:
        head = fh.read(8)
    for magic, what in BINARY_SIGNATURES:
        if head.startswith(magic):
            raise DataValidationError(f"{path} looks like {what}, not CSV; export it as CSV or Parquet")


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its mark starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def text_encoding(path: str) -> tuple[str, str]:
    """The encoding to read a text file with, and a note when it is not UTF-8 (empty otherwise).

    Spreadsheet programs save "CSV" as UTF-16 (with a byte-order mark) or Windows-1252; read as UTF-8 those
    fail with a decoding error that names a byte, not the encoding."""
    with _opener(path)(path, "rb") as fh:
        head = fh.read(1 << 16)
    for bom, enc in BOMS:
        if head.startswith(bom):
            return enc, "" if enc == "utf-8-sig" else f"{path} is {enc.upper()} text (byte-order mark): read as such"
    if b"\x00" in head:  # UTF-16 without a mark: every other byte of ASCII text is NUL
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le", f"{path} is UTF-16 (little-endian) text without a byte-order mark: read as such"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be", f"{path} is UTF-16 (big-endian) text without a byte-order mark: read as such"
        raise DataValidationError(f"{path} holds NUL bytes: not a text CSV (export it as CSV UTF-8 or Parquet)")
    if _decodes(path, "utf-8"):
        return "utf-8", ""
    if _decodes(path, "cp1252"):
        return "cp1252", (
            f"{path} is not UTF-8: read as Windows-1252 (Western European); check that accented text reads right, "
            "or save the file as CSV UTF-8"
        )
    return "latin-1", f"{path} is not UTF-8 nor Windows-1252: read as Latin-1; save it as CSV UTF-8 to be sure"


def _opener(path: str) -> Any:
    """``gzip.open`` for a ``.gz`` file, else ``open``."""
    return gzip.open if path.lower().endswith(".gz") else open


def _decodes(path: str, encoding: str) -> bool:
    """Whether the whole file decodes strictly in ``encoding`` (read in chunks: a large file stays cheap)."""
    dec = codecs.getincrementaldecoder(encoding)()
    try:
        with _opener(path)(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                dec.decode(chunk)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_parquet(path: str) -> bool:
    return path.lower().endswith(PARQUET_SUFFIXES)


def _header(path: str, encoding: str = "utf-8-sig") -> list[str]:
    if _is_parquet(path):
        try:
            import pyarrow.parquet as pq

            return [str(n) for n in pq.read_schema(path).names]
        except Exception as exc:
            msg = " ".join(str(exc).split())[:200]
            raise DataValidationError(f"cannot read {path} as Parquet: {msg}") from None
    try:
        with _opener(path)(path, "rt", newline="", encoding=encoding, errors="replace") as fh:
            delimiter = "\t" if path.lower().endswith((".tsv", ".tsv.gz", ".tab")) else ","
            return next(csv.reader(fh, delimiter=delimiter), [])
    except (OSError, csv.Error, UnicodeError) as exc:
        raise DataValidationError(f"cannot read {path} as CSV: {' '.join(str(exc).split())[:200]}") from None


def _check_duplicate_columns(path: str, encoding: str = "utf-8-sig") -> None:
    names = [h.strip() for h in _header(path, encoding)]
    dupes = sorted(n for n, k in Counter(names).items() if k > 1 and n)
    if dupes:
        raise DataValidationError(f"{path} has duplicate column names: {', '.join(map(repr, dupes[:5]))}; rename them")


def frame_to_dataset(
    df: pd.DataFrame,
    target: str | None,
    positive: Any = None,
    drop_id: bool = True,
    name: str = "data",
    source: str = "file",
    notes: list[str] | None = None,
) -> Dataset:
    """Validate a frame with a target column and build a raw Dataset from it (``notes``: what reading it noted)."""
    if not target:
        raise DataValidationError(f"{name}: pass target=COLUMN (columns: {_brief(df.columns)})")
    if target not in df.columns:
        raise DataValidationError(f"{name}: no target column {target!r}; columns: {_brief(df.columns)}")
    if df.columns.duplicated().any():
        dupes = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise DataValidationError(f"{name} has duplicate column names: {', '.join(map(repr, dupes[:5]))}; rename them")
    notes = list(notes or [])
    y = binarize_target(df[target], positive=positive, name=f"{name} target {target!r}", notes=notes)
    X = df.drop(columns=[target]).reset_index(drop=True)
    if X.shape[1] == 0:
        raise DataValidationError(f"{name} has no feature columns besides the target {target!r}")
    empty = [str(c) for c in X.columns if X[c].isna().all()]
    if empty:
        raise DataValidationError(f"{name}: feature columns with no values at all: {_brief(empty)}; drop them")
    if drop_id:
        ids = id_like_columns(X)
        if ids:
            X = X.drop(columns=ids)
            notes.append(f"dropped ID-like columns (a distinct value per row): {', '.join(ids)}")
            if X.shape[1] == 0:
                raise DataValidationError(f"{name}: every feature column looks like a row ID; pass drop_id=False")
    for col in datetime_like_columns(X):
        X[col] = datetime_to_days(X[col])
        notes.append(f"converted date-like column {col} to days since 1970-01-01")
    notes += infinite_to_missing(X)
    X.columns = [str(c) for c in X.columns]
    categorical = categorical_columns(X)
    notes += high_cardinality_notes(X, categorical)
    return Dataset(
        name=f"{source}:{name}",
        X=X,
        y=y,
        source=source,
        categorical=categorical,
        description=f"user data {name}, target {target!r}",
        notes=notes,
    )


def infinite_to_missing(X: pd.DataFrame) -> list[str]:
    """Turn ±inf in numeric columns into missing values (imputed inside the pipeline, on training rows only).

    Scalers and models reject infinities, so leaving them in fails every cell; one note per column says so.
    """
    notes = []
    for col in X.columns:
        if pd.api.types.is_float_dtype(X[col]):
            inf = np.isinf(X[col].to_numpy(dtype=float, na_value=np.nan))
            if inf.any():
                X[col] = X[col].mask(inf)
                notes.append(f"column {col}: {int(inf.sum())} infinite value(s) treated as missing")
    return notes


def high_cardinality_notes(X: pd.DataFrame, categorical: list[str]) -> list[str]:
    """A warning for categorical columns with many levels (one-hot encoding makes one column per level)."""
    notes = []
    for col in categorical:
        levels = int(X[col].nunique())
        if levels > HIGH_CARDINALITY:
            notes.append(
                f"column {col} has {levels} categories (high cardinality): one-hot encoding adds a column "
                "per category, which is slow and sparse; drop or encode it yourself if that is not intended"
            )
    return notes


def _brief(cols: Any, limit: int = 8) -> str:
    cols = [str(c) for c in cols]
    more = f", … (+{len(cols) - limit})" if len(cols) > limit else ""
    return ", ".join(cols[:limit]) + more


@register_source("file")
class FileSource:
    """A CSV or Parquet file with a named target column."""

    description = "your CSV or Parquet file: file:PATH with target=COLUMN [positive=LABEL]"
    example: str | None = None  # the user's file: the conformance test writes one

    def names(self) -> list[str]:
        return []

    def load(
        self,
        name: str,
        target: str | None = None,
        positive: Any = None,
        drop_id: bool = True,
        sha256: str | None = None,
        **options: Any,
    ) -> Dataset:
        if options:
            raise ConfigError(
                f"file: unknown option(s) {', '.join(sorted(options))}; known: target, positive, drop_id, sha256"
            )
        path = os.path.expanduser(name.strip())
        if not path:
            raise DataValidationError("file: needs a path, e.g. file:data.csv")
        if sha256 is not None and os.path.isfile(path) and file_digest(path) != sha256:
            raise DataValidationError(f"{path} changed since this run started (sha256 differs); use a new --out")
        notes: list[str] = []
        df = read_table(path, notes)
        return frame_to_dataset(df, target, positive=positive, drop_id=_truthy(drop_id), name=path, notes=notes)


def file_digest(path: str) -> str:
    """The first 16 hex digits of the file's SHA-256 (pins a run to the file's content)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() not in {"0", "false", "no", "off", ""}
    return bool(v)
