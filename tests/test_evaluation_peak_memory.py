"""A cell's peak memory is its own: the worker's high-water mark is reset when the cell starts."""

from __future__ import annotations

import numpy as np
import pytest

from imbench.core.schema import Manifest, ResultRow
from imbench.datasets import load_dataset
from imbench.evaluation.cell import CellKey, run_cell
from imbench.evaluation.peak_memory import peak_mib, reset_peak
from imbench.evaluation.protocol import EvalProtocol

pytestmark = pytest.mark.skipif(not reset_peak(), reason="the kernel offers no resettable high-water mark")


def test_the_high_water_mark_resets_and_sees_a_new_allocation() -> None:
    assert reset_peak()
    start = peak_mib()
    block = np.ones(40_000_000)  # 305 MiB, touched
    high = peak_mib()
    assert start is not None and high is not None and high - start > 250
    del block
    assert reset_peak()
    after = peak_mib()
    assert after is not None and after < high - 250  # the freed block no longer counts


def test_every_cell_records_its_peak_and_the_manifest_its_largest() -> None:
    ds = load_dataset("synthetic:n=600,ir=10")
    p = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=2)
    row = run_cell(ds, CellKey(ds.name, "none", "logreg", 0), p).record
    assert row.peak_mib is not None and 20 < row.peak_mib < 4096
    assert ResultRow.from_dict(row.to_dict()).peak_mib == row.peak_mib
    labels = dict(Manifest(peak_mib_max=2048.0).provenance())
    assert labels["peak memory of a cell"] == "2.00 GiB"
