"""Regression tests for bad inputs found by attacking imbench (issue 15): each reproduced the failure first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_cli import imbench as run_cli

from imbench.core.errors import ConfigError, DataValidationError
from imbench.datasets import load_dataset
from imbench.datasets.base import binarize_target
from imbench.evaluation.suites import parse_suite


def _frame_with_infinities(n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    y = (np.arange(n) % 6 == 0).astype(int)
    amount = rng.normal(size=n) + 2 * y
    amount[[1, 7, 13]] = [np.inf, -np.inf, np.inf]
    return pd.DataFrame({"amount": amount, "other": rng.normal(size=n), "target": y})


def test_infinite_values_become_missing_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "inf.csv"
    _frame_with_infinities().to_csv(path, index=False)
    ds = load_dataset(f"file:{path}", target="target")
    assert not np.isinf(ds.X["amount"].to_numpy(dtype=float, na_value=np.nan)).any()
    assert ds.X["amount"].isna().sum() == 3
    assert any("amount: 3 infinite" in n for n in ds.notes)


def test_infinite_values_inspect_and_evaluate(tmp_path: Path) -> None:
    """inspect exited 1 with a traceback, and every cell of a run failed; now both work."""
    import imbench

    path = tmp_path / "inf.csv"
    _frame_with_infinities().to_csv(path, index=False)
    r = run_cli(tmp_path, "inspect", str(path), "--target", "target")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    df = imbench.evaluate(
        load_dataset(f"file:{path}", target="target"),
        ["none", "smote"],
        ["logreg"],
        n_trials=1,
        outer_folds=2,
        inner_folds=2,
    )
    assert set(df["status"]) == {"ok"}


def test_positive_label_given_as_text_matches_a_float_target() -> None:
    y = pd.Series([0.0] * 8 + [1.0] * 2)
    assert binarize_target(y, positive="1").tolist() == [0] * 8 + [1] * 2
    assert binarize_target(y, positive="1.0").sum() == 2
    with pytest.raises(DataValidationError, match="positive label '2' not found"):
        binarize_target(y, positive="2")


def test_single_class_message_prints_plain_values() -> None:
    with pytest.raises(DataValidationError) as e:
        binarize_target(pd.Series(np.zeros(5, dtype=np.int64)))
    assert "(0)" in str(e.value) and "np.int64" not in str(e.value)


def test_high_cardinality_categorical_gets_a_note(tmp_path: Path) -> None:
    n = 600
    df = pd.DataFrame(
        {
            "merchant": [f"m{i % 300}" for i in range(n)],
            "x": np.arange(n) % 7,
            "target": (np.arange(n) % 10 == 0).astype(int),
        }
    )
    path = tmp_path / "card.csv"
    df.to_csv(path, index=False)
    ds = load_dataset(f"file:{path}", target="target")
    assert any("merchant has 300 categories" in n for n in ds.notes)


@pytest.mark.parametrize("name", ["../../x", "/abs", ".hidden", "a/b", "a\\b", ""])
def test_suite_name_cannot_leave_runs(name: str) -> None:
    data = {"name": name, "datasets": ["synthetic:ir=5"], "strategies": ["none"], "models": ["logreg"]}
    if name == "":
        assert parse_suite(data, default_name="fine").name == "fine"
        return
    with pytest.raises(ConfigError, match="suite name"):
        parse_suite(data)


def test_suite_name_traversal_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "name: ../../escaped\ndatasets: ['synthetic:ir=5']\nstrategies: [none]\nmodels: [logreg]\n"
    )
    r = run_cli(tmp_path, "run", "s.yaml", "--no-mlflow")
    assert r.returncode == 2 and "suite name" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
    assert not (tmp_path.parent.parent / "escaped").exists()


@pytest.mark.parametrize(
    ("magic", "what"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003"),
        (b"PAR1xxxx", "Parquet"),
    ],
)
def test_a_binary_file_named_csv_gets_a_clear_message(tmp_path: Path, magic: bytes, what: str) -> None:
    from imbench.datasets.files import read_table

    path = tmp_path / "data.csv"
    path.write_bytes(magic + bytes(range(256)) * 4)
    with pytest.raises(DataValidationError, match=f"looks like .*{what}.*export it as CSV or Parquet"):
        read_table(str(path))
