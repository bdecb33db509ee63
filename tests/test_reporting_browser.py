"""report.html of a small real sweep, loaded in headless Chromium (Debian's package, driven by Playwright).

Checks what a reader sees: every image decodes, nothing overflows sideways at 1400 px or 400 px (wide tables
scroll inside their own wrapper), the cheat-sheet table is on the first screen, and the page requests
nothing but itself. A missing Chromium is a failure, not a skip: CI installs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbench.evaluation.suites import parse_suite
from imbench.reporting import build_report
from imbench.sweep.run import run_sweep

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from screenshots import NARROW, WIDE, browser, find_chromium, measure, open_page

pytestmark = pytest.mark.slow
SUITE = parse_suite(
    {
        "name": "browsertiny",
        "datasets": ["synthetic:ir=4,n=240", "synthetic:ir=12,n=390", "synthetic:ir=30,n=620,seed=1"],
        "strategies": ["none", "smote", "threshold"],
        "models": ["logreg", "lightgbm"],
        "protocol": {"outer_folds": 3, "inner_folds": 2, "n_trials": 2, "seed": 0, "cost_fn": 5.0, "cost_fp": 1.0},
    }
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(run directory, report.html) of a real sweep: 3 datasets × 3 strategies × 2 models × 3 folds."""
    from conftest import cap_estimators

    run = tmp_path_factory.mktemp("browser") / "run"
    with pytest.MonkeyPatch.context() as mp:
        cap_estimators(mp)
        run_sweep(SUITE, run, jobs=1, tracking=False)
    out = build_report(run, cost_fn=10, cost_fp=1)
    return run, out["report"]


def test_chromium_is_installed() -> None:
    try:
        find_chromium()
    except RuntimeError as e:
        pytest.fail(str(e))


def test_report_reads_in_a_browser(report: tuple[Path, Path]) -> None:
    _, html = report
    requests: list[str] = []
    page_url = html.resolve().as_uri()
    with browser() as b:
        page = open_page(b, html, WIDE, requests)
        wide = measure(page)
        cheat_top = page.evaluate("document.querySelector('table').getBoundingClientRect().top")
        first_caption = page.evaluate("document.querySelector('h2').textContent")
        narrow = measure(open_page(b, html, NARROW, requests))
    assert wide["images"] and all(i["w"] > 0 and i["complete"] for i in wide["images"]), wide["images"]
    assert len(wide["images"]) >= 5  # CD diagrams, heatmap, metric vs IR, calibration, PR curves, scatter
    assert wide["scrollWidth"] <= wide["innerWidth"], wide
    assert first_caption == "At a glance", first_caption  # the verdict grids open the report
    assert cheat_top < WIDE[1], f"the first verdict grid starts at {cheat_top}px, below the first screen"
    assert wide["firstFigureTop"] < wide["pageHeight"] / 2, wide  # figures come before the detail
    assert all(i["shown"] <= WIDE[0] for i in wide["images"])
    assert narrow["scrollWidth"] <= narrow["innerWidth"], narrow  # tables scroll inside .tw, the page does not
    assert narrow["tablesWiderThanPage"] == 0
    assert all(i["shown"] <= NARROW[0] for i in narrow["images"])
    outside = [u for u in requests if u != page_url and not u.startswith("data:")]
    assert not outside, outside


def test_report_content_a_reader_needs(report: tuple[Path, Path]) -> None:
    _, html = report
    text = html.read_text(encoding="utf-8")
    for needed in (
        '<meta name="viewport"',
        '<div class="tw">',
        "<details",
        "Results by dataset (PR-AUC)",
        "positives / test fold",
        "Operating thresholds and costs",
        "cost_fn = 5, cost_fp = 1",
        "Re-scored at cost_fn = 10, cost_fp = 1",
        "Coverage and failures",
        "finished ok",
    ):
        assert needed in text, needed
    for raw in ("average_precision", "mean_diff", "p_holm", "not_applicable", ">True<", ">False<", "cells ok"):
        assert raw not in text, raw
    body = text[text.index("</nav>") :]
    order = [
        body.index(h)
        for h in (
            "Verdicts by imbalance tier",
            "<figure",
            "Results by dataset",
            "Operating thresholds",
            "Statistics",
            "Per-cell detail",
        )
    ]
    assert order == sorted(order)


def test_pr_legend_ap_is_the_tables_number(report: tuple[Path, Path]) -> None:
    """The AP the PR figure names is the mean over folds of the stored PR-AUC, as in the cheat-sheet."""
    from imbench.reporting.figures.data import pr_curve_data

    run, _ = report
    res = pd.read_parquet(run / "results.parquet")
    preds = pd.read_parquet(run / "predictions.parquet")
    ds = res.loc[res["ir"].idxmax(), "dataset"]
    pr = pr_curve_data(preds, ds).drop_duplicates(["model", "strategy"]).set_index(["model", "strategy"])
    ok = res[(res["dataset"] == ds) & (res["status"] == "ok")]
    table = ok.groupby(["model", "strategy"])["test_average_precision"].mean()
    assert len(pr) == len(table)
    np.testing.assert_allclose(pr.loc[table.index, "ap"].to_numpy(), table.to_numpy(), atol=1e-9)
