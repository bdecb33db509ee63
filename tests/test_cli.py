"""The ``imbench`` command: help, listings, one-line errors with exit code 2, inspect, quiet run lines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

ANSI = re.compile(r"\x1b\[")


def imbench(cwd: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``imbench ARGS`` in a fresh interpreter, working folder ``cwd`` (so nothing lands in the repo)."""
    env = dict(os.environ, COLUMNS="200", MLFLOW_DISABLE_TELEMETRY="true")
    env.pop("MLFLOW_TRACKING_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "imbench.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def invoke(cwd: Path, *args: str) -> Any:
    """``imbench ARGS`` in this process (for output-only commands): a click Result."""
    import contextlib

    from click.testing import CliRunner

    from imbench.cli.main import main

    with contextlib.chdir(cwd):
        return CliRunner(env={"COLUMNS": "200"}).invoke(main, list(args), catch_exceptions=False)


def assert_one_line_error(r: Any) -> str:
    """``r`` (a CompletedProcess or a click Result) failed with exit code 2 and one line on stderr."""
    code = r.returncode if isinstance(r, subprocess.CompletedProcess) else r.exit_code
    assert code == 2, (code, r.stdout, r.stderr)
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    assert "Traceback" not in r.stderr + r.stdout
    return err


# --- help ------------------------------------------------------------------------------------


def test_help_lists_commands_and_stays_light(tmp_path: Path) -> None:
    r = imbench(tmp_path, "--help")
    assert r.returncode == 0, r.stderr
    for cmd in ("run", "list", "inspect", "report"):
        assert re.search(rf"^\s+{cmd}\b", r.stdout, re.M), cmd
    # --help imports no heavy library (they are imported lazily by the commands that need them)
    probe = (
        "import sys\nfrom imbench.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('mlflow', 'sklearn', 'optuna', 'lightgbm', 'xgboost', 'dask', 'pandas') "
        "if m in sys.modules)\nprint('HEAVY', heavy)"
    )
    p = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in p.stdout, p.stdout + p.stderr


def test_run_help_documents_options(tmp_path: Path) -> None:
    r = invoke(tmp_path, "run", "--help")
    assert r.exit_code == 0
    for opt in (
        "--out",
        "--jobs",
        "--strategies",
        "--n-trials",
        "--timeout-per-cell",
        "--tracking-uri",
        "--no-mlflow",
        "--quiet",
    ):
        assert opt in r.stdout, opt


# --- list ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "names"),
    [
        (
            "strategies",
            [
                "none",
                "smote",
                "adasyn",
                "class_weight",
                "scale_pos_weight",
                "easy_ensemble",
                "balanced_rf",
                "threshold",
            ],
        ),
        ("models", ["logreg", "random_forest", "lightgbm", "xgboost"]),
        ("datasets", ["synthetic:", "keel:", "sklearn:", "imblearn:", "openml:", "file:"]),
        ("suites", ["quick", "keel", "ir_ladder", "imblearn27", "climb"]),
        ("metrics", ["average_precision", "roc_auc", "f1", "mcc", "gmean", "brier", "expected_cost"]),
    ],
)
def test_list(tmp_path: Path, what: str, names: list[str]) -> None:
    r = invoke(tmp_path, "list", what)
    assert r.exit_code == 0, r.output
    for name in names:
        assert re.search(rf"(?<![\w:]){re.escape(name)}(?![\w])", r.stdout), (what, name)


def test_list_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    r = invoke(tmp_path, "list", "wombats")
    assert r.exit_code == 2 and "strategies" in r.stderr


# --- one-line errors -------------------------------------------------------------------------


def test_run_unknown_suite(tmp_path: Path) -> None:
    err = assert_one_line_error(imbench(tmp_path, "run", "nosuch"))
    assert "nosuch" in err and "quick" in err
    assert list(tmp_path.iterdir()) == []  # no run directory, no mlflow.db


def test_run_unknown_strategy_lists_known(tmp_path: Path) -> None:
    err = assert_one_line_error(imbench(tmp_path, "run", "quick", "--strategies", "nope"))
    assert "nope" in err
    for known in ("smote", "class_weight", "threshold", "easy_ensemble"):
        assert known in err
    assert list(tmp_path.iterdir()) == []


def test_run_bad_suite_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: bad\ndatasets: [ecoli4]\nstrategies: [none]\nmodels: [logreg]\n")
    err = assert_one_line_error(invoke(tmp_path, "run", "bad.yaml"))
    assert "ecoli4" in err and "prefix" in err


# --- inspect ---------------------------------------------------------------------------------


def test_inspect_keel_dataset(tmp_path: Path) -> None:
    r = invoke(tmp_path, "inspect", "keel:ecoli4")
    assert r.exit_code == 0, r.output
    assert re.search(r"^rows\s+336 \(316 negative, 20 positive\)", r.stdout, re.M), r.stdout
    assert re.search(r"^IR\s+15\.80 \(tier high\)", r.stdout, re.M), r.stdout


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 220
    y = np.where(np.arange(n) % 11 == 0, "fraud", "ok")
    df = pd.DataFrame({"amount": rng.normal(size=n) + (y == "fraud"), "age": rng.integers(18, 80, n), "label": y})
    p = tmp_path / "data.csv"
    df.to_csv(p, index=False)
    return p


def test_inspect_csv_with_target(tmp_path: Path, csv_file: Path) -> None:
    r = invoke(tmp_path, "inspect", csv_file.name, "--target", "label", "--positive", "fraud")
    assert r.exit_code == 0, r.output
    assert re.search(r"^rows\s+220 \(200 negative, 20 positive\)", r.stdout, re.M), r.stdout
    assert re.search(r"^IR\s+10\.00", r.stdout, re.M), r.stdout
    assert re.search(r"^features\s+2 ", r.stdout, re.M), r.stdout


def test_inspect_csv_target_errors(tmp_path: Path, csv_file: Path) -> None:
    err = assert_one_line_error(invoke(tmp_path, "inspect", csv_file.name))
    assert "label" in err  # names the columns to choose from
    err = assert_one_line_error(invoke(tmp_path, "inspect", csv_file.name, "--target", "nope"))
    assert "nope" in err and "label" in err


# --- run -q ----------------------------------------------------------------------------------


def test_quiet_run_prints_plain_cell_lines(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(
        "name: tiny\ndatasets: ['synthetic:ir=10,n=300']\nstrategies: [none, scale_pos_weight]\nmodels: [logreg]\n"
        "protocol: {outer_folds: 2, inner_folds: 2, n_trials: 2}\n"
    )
    # --datasets overrides the suite; a comma inside a spec does not split it
    r = imbench(tmp_path, "run", "tiny.yaml", "-q", "--no-mlflow", "--no-report", "--datasets", "synthetic:ir=8,n=200")
    assert r.returncode == 0, r.stderr
    assert not ANSI.search(r.stdout)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("[")]
    assert len(lines) == 4, r.stdout
    pat = re.compile(
        r"^\[(\d)/4\] synthetic:ir=8,n=200 (none|scale_pos_weight) logreg fold [01]: "
        r"(ok average_precision=\d\.\d{4}|not_applicable)$"
    )
    assert all(pat.match(ln) for ln in lines), lines
    assert [int(pat.match(ln).group(1)) for ln in lines] == [1, 2, 3, 4]  # type: ignore[union-attr]
    assert re.search(r"^4 cells computed, 0 already done, in [\d.]+ s; status: not_applicable 2, ok 2$", r.stdout, re.M)
    assert (tmp_path / "runs" / "tiny" / "results.parquet").exists()  # default --out: runs/SUITE
    assert not (tmp_path / "mlflow.db").exists()


def test_dataset_override_splits_only_between_specs() -> None:
    from imbench.cli.main import _specs

    assert _specs("synthetic:ir=10,n=300,keel:ecoli4, file:data.csv") == [
        "synthetic:ir=10,n=300",
        "keel:ecoli4",
        "file:data.csv",
    ]
    assert _specs("keel:ecoli4") == ["keel:ecoli4"]
    assert _specs(None) is None
