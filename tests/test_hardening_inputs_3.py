"""Regression tests for the third attack on imbench (issue 27): a model file that runs code, labels that
silently flip, a rebuild script tied to one folder, and near misses without a hint. Each failed before its fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_cli import imbench as run_cli

from imbench.core.errors import DataValidationError, UnknownNameError, UntrustedModelError
from imbench.datasets import load_dataset


# 1. a crafted model file whose FunctionTransformer steps call numpy functions is refused -------------------
def _crafted_model(path: Path) -> Path:
    """A pipeline in the shape of the attack: FunctionTransformer steps whose functions (``numpy.full_like``,
    ``numpy.take``, ``numpy.savetxt``) are public names of numpy, so the old public-name check trusted them."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    pipe = Pipeline(
        [
            ("fill", FunctionTransformer(np.full_like, kw_args={"fill_value": 7})),
            ("take", FunctionTransformer(np.take, kw_args={"indices": [0]})),
            ("save", FunctionTransformer(np.savetxt)),
            ("lr", LogisticRegression()),
        ]
    )
    sio.dump(pipe, path)
    return path


def test_trusted_types_refuses_a_model_file_that_calls_functions(tmp_path: Path) -> None:
    import skops.io as sio

    from imbench.comparison import trusted_types

    model = _crafted_model(tmp_path / "model.skops")
    needed = sio.get_untrusted_types(file=model)
    assert "numpy.savetxt" in needed and "numpy.full_like" in needed  # the file really holds the functions
    with pytest.raises(UntrustedModelError) as err:
        trusted_types(model)
    msg = str(err.value)
    assert "\n" not in msg and "numpy.savetxt" in msg and "FunctionTransformer" in msg


def test_only_the_identity_function_transformer_is_accepted(tmp_path: Path) -> None:
    """The identity (a fitted ColumnTransformer's passthrough) loads; one with any function is refused by name,
    and so is a function skops would trust by default (``builtins.print``)."""
    import skops.io as sio
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    from imbench.storage.model_file import trusted_types

    ok = tmp_path / "ct.skops"
    ct = ColumnTransformer([("oh", OneHotEncoder(), [0])], remainder="passthrough").fit(np.array([[0, 1], [1, 2]]))
    sio.dump(ct, ok)
    assert sio.load(ok, trusted=trusted_types(ok)).transform(np.array([[1, 5]])).tolist() == [[0.0, 1.0, 5.0]]
    for func in (np.savetxt, print):
        path = tmp_path / "ft.skops"
        sio.dump(Pipeline([("f", FunctionTransformer(func))]), path)
        with pytest.raises(UntrustedModelError, match="FunctionTransformer|print|savetxt"):
            trusted_types(path)
    (tmp_path / "junk.skops").write_text("not a zip")
    with pytest.raises(UntrustedModelError, match="not a skops model file"):
        trusted_types(tmp_path / "junk.skops")


def test_the_allow_list_holds_classes_only() -> None:
    """No function, no FunctionTransformer: each trusted name imports as a class (a type skops rebuilds)."""
    import importlib

    from imbench.storage.model_file import TRUSTED_TYPES

    assert not [t for t in TRUSTED_TYPES if "FunctionTransformer" in t]
    for name in TRUSTED_TYPES:
        module, _, attr = name.rpartition(".")
        obj = getattr(importlib.import_module(module), attr)
        assert isinstance(obj, type), name


def test_the_cli_load_check_is_one_line(tmp_path: Path) -> None:
    """The documented load, run as a user would, fails with one line."""
    model = _crafted_model(tmp_path / "model.skops")
    code = (
        "import skops.io as sio, imbench.comparison as c, imbench as e, sys\n"
        "try:\n    sio.load(sys.argv[1], trusted=c.trusted_types(sys.argv[1]))\n"
        "except e.UntrustedModelError as err:\n    print(err); sys.exit(2)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(model)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr[-2000:]
    assert len(r.stdout.strip().splitlines()) == 1 and "does not trust" in r.stdout


# 2. labels that differ only in case or spaces are one label, with a note -----------------------------------
def _labels(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    y = ["no"] * 180 + ["Yes"] * 6 + ["yes "] * 7 + [" YES"] * 7
    path = tmp_path / "labels.csv"
    pd.DataFrame({"x": rng.normal(size=200), "t": y}).to_csv(path, index=False)
    return path


def test_near_duplicate_labels_are_merged_with_a_note(tmp_path: Path) -> None:
    ds = load_dataset(f"file:{_labels(tmp_path)}", target="t", positive="Yes")
    assert ds.n_pos == 20  # was 6: 14 of 20 positives silently became negatives
    note = next(n for n in ds.notes if "differ only in case" in n)
    assert "'yes '" in note and "' YES'" in note


def test_near_duplicate_labels_are_shown_by_compare_checks(tmp_path: Path) -> None:
    r = run_cli(tmp_path, "inspect", str(_labels(tmp_path)), "--target", "t", "--positive", "Yes")
    assert r.returncode == 0, r.stderr
    assert "differ only in case" in r.stdout and "20" in r.stdout


def test_binarize_target_warns_when_no_note_list_is_given() -> None:
    from imbench.datasets.base import binarize_target

    with pytest.warns(UserWarning, match="differ only in case"):
        y = binarize_target(pd.Series(["a", "A ", "b", "b", "b"]), positive="a")
    assert y.tolist() == [1, 1, 0, 0, 0]


# 8. the rebuild script works from its own folder and from anywhere ----------------------------------------
@pytest.mark.slow
def test_rebuild_script_runs_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import cap_estimators

    from imbench.comparison.run import compare

    cap_estimators(monkeypatch)
    work = tmp_path / "project"
    work.mkdir()
    rng = np.random.default_rng(3)
    y = (np.arange(300) % 6 == 0).astype(int)
    pd.DataFrame({"a": rng.normal(size=300) + 2 * y, "b": rng.normal(size=300), "y": y}).to_csv(
        work / "d.csv", index=False
    )
    monkeypatch.chdir(work)
    res = compare("d.csv", "y", budget="30s", models=["logreg"], strategies=["none"], out="out", tracking=False)
    script = (work / res.exports["snippet"]).resolve()
    for cwd in (script.parent, tmp_path, Path("/")):
        r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=cwd)
        assert r.returncode == 0, (cwd, r.stderr[-2000:])
        assert "decision threshold:" in r.stdout
    moved = tmp_path / "moved"
    work.rename(moved)  # the absolute path is gone: the script finds the data from its own folder
    r = subprocess.run(
        [sys.executable, str(moved / "out" / "rebuild_pipeline.py")], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr[-2000:]


# 10. near misses that deserve a hint -----------------------------------------------------------------------
def _text_table() -> pd.DataFrame:
    y = ["oui"] * 10 + ["non"] * 50
    return pd.DataFrame({"ville": ["Orléans", "Besançon", "Zürich"] * 20, "x": np.arange(60.0), "cible": y})


@pytest.mark.parametrize(("encoding", "expected"), [("utf-16", "UTF-16"), ("latin-1", "Windows-1252")])
def test_non_utf8_files_are_read_with_a_note(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / f"{encoding}.csv"
    _text_table().to_csv(path, index=False, encoding=encoding)
    ds = load_dataset(f"file:{path}", target="cible", positive="oui")
    assert ds.n_pos == 10
    assert set(ds.X["ville"]) == {"Orléans", "Besançon", "Zürich"}  # decoded right, not mojibake
    assert any(expected in n for n in ds.notes), ds.notes


def test_utf16_without_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "le.csv"
    path.write_bytes(_text_table().to_csv(index=False).encode("utf-16-le"))
    ds = load_dataset(f"file:{path}", target="cible")
    assert ds.n_pos == 10 and any("little-endian" in n for n in ds.notes)


def test_nul_bytes_in_a_csv_name_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b,t\n1,\x00\x002,0\n" * 50)
    with pytest.raises(DataValidationError, match="NUL bytes"):
        load_dataset(f"file:{path}", target="t")


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--strategies", "smoet"], "did you mean 'smote'"),
        (["--strategies", "smote+treshold"], "did you mean 'threshold'"),
        (["--models", "lightbgm"], "did you mean 'lightgbm'"),
    ],
)
def test_a_typo_in_a_name_gets_did_you_mean(tmp_path: Path, args: list[str], hint: str) -> None:
    r = run_cli(tmp_path, "run", "quick", "--no-mlflow", "--out", str(tmp_path / "r"), *args)
    assert r.returncode == 2, r.stderr
    assert hint in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "r").exists()


def test_a_typo_in_a_suite_or_metric_name_gets_did_you_mean() -> None:
    from imbench.core.metrics import get_metric
    from imbench.evaluation.suites import load_suite

    with pytest.raises(UnknownNameError, match="did you mean 'quick'"):
        load_suite("quik")
    with pytest.raises(UnknownNameError, match="did you mean 'pr_auc'"):
        get_metric("pr-auc")
