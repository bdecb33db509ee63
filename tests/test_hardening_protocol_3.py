"""Regression tests for a suite's protocol and dataset list: a huge ``n_trials`` under a cell timeout keeps the
tuning it managed (the study stops in time for the refit), a huge ``n_trials`` with no timeout is flagged, and
a dataset listed twice (verbatim or in another spelling) is computed once, with a note."""

from __future__ import annotations

import contextlib
import math
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_tiny

from imbench.cli.main import main
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.suites import DatasetEntry, Suite, SuiteWarning, load_suite, parse_suite, validate
from imbench.sweep.run import run_sweep

TINY = {"outer_folds": 2, "inner_folds": 2, "n_trials": 1}


# 4. the refit is not starved by the trial loop --------------------------------------------------------
@pytest.mark.parametrize("strategy", ["none", "random_under+threshold"])
def test_huge_n_trials_under_a_timeout_keeps_its_trials_and_refits_in_time(strategy: str) -> None:
    ds, budget = make_tiny(n=300), 2.0
    key = CellKey(ds.name, strategy, "logreg", 0)
    run_cell(ds, key, EvalProtocol(**TINY))  # first-use imports are not the budget's to measure
    p = EvalProtocol(n_trials=10**6, outer_folds=2, inner_folds=2, timeout_per_cell=budget)
    t0 = time.monotonic()
    row = run_cell(ds, key, p).row
    wall = time.monotonic() - t0
    assert row["status"] == "ok", row["error"]
    assert row["trials"] >= 1 and wall < budget, (row["trials"], wall)
    assert not math.isnan(row["test_average_precision"])


def test_huge_n_trials_without_a_timeout_is_flagged_at_validation() -> None:
    data = {"datasets": ["synthetic:ir=10,n=200"], "strategies": ["none"], "models": ["logreg"]}
    with pytest.warns(SuiteWarning, match="n_trials 1000000 with no timeout_per_cell"):
        s = parse_suite({**data, "protocol": {"n_trials": 10**6}})
    assert any("timeout_per_cell" in n for n in s.notes)
    capped = parse_suite({**data, "protocol": {"n_trials": 10**6, "timeout_per_cell": 60}})
    assert capped.notes == []


# 5. a dataset listed twice is computed once ------------------------------------------------------------
SPELLINGS = ("synthetic:ir=10,n=200", "synthetic:ir=10,n=200", "synthetic:n=200,ir=10.0")


def test_a_dataset_listed_twice_in_a_suite_file_is_computed_once(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    specs = ", ".join(f"'{s}'" for s in SPELLINGS)
    path.write_text(f"name: dup\ndatasets: [{specs}]\nstrategies: [none]\nmodels: [logreg]\nprotocol: {TINY}\n")
    with pytest.warns(SuiteWarning) as seen:
        s = load_suite(str(path))
    assert [d.spec for d in s.datasets] == [SPELLINGS[0]]
    assert len(s.notes) == 2 and len(seen) == 2
    assert "'synthetic:n=200,ir=10.0' (the dataset of 'synthetic:ir=10,n=200')" in s.notes[1], s.notes
    res = run_sweep(s, tmp_path / "run", tracking=False)
    assert (res.total, res.computed) == (TINY["outer_folds"], TINY["outer_folds"])
    # the CLI prints each note once, as a note rather than a Python warning
    with contextlib.chdir(tmp_path):
        r = CliRunner(env={"COLUMNS": "200"}).invoke(
            main, ["run", str(path), "--out", "run2", "--no-mlflow", "--no-report", "-q", "-j", "1"]
        )
    assert r.exit_code == 0, r.output
    assert r.output.count("listed more than once") == 2 and "SuiteWarning" not in r.output, r.output


def test_a_dataset_listed_twice_in_a_suite_object_is_validated_once() -> None:
    entries = (DatasetEntry(SPELLINGS[0]), DatasetEntry(SPELLINGS[2]), DatasetEntry("synthetic:ir=20,n=200"))
    with pytest.warns(SuiteWarning, match="listed more than once"):
        s = validate(Suite("dup", entries, ("none",), ("logreg",), EvalProtocol(**TINY)))
    assert [d.spec for d in s.datasets] == [SPELLINGS[0], "synthetic:ir=20,n=200"]
    assert len(s.notes) == 1
    # the note survives overrides that keep the datasets, and is dropped by ones that replace them
    assert s.with_overrides(n_trials=2).notes == s.notes
    assert s.with_overrides(datasets=["synthetic:ir=20,n=200"]).notes == []
