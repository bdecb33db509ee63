"""Screenshots of the MLflow UI for the README: the runs table of a suite and one run.

Usage (with ``mlflow ui --backend-store-uri sqlite:///mlflow.db --port 5055`` running on a fresh run)::

    uv run python benchmarks/perf/mlflow_screenshots.py quick docs/img --url http://127.0.0.1:5055

Uses Debian's chromium (``/usr/bin/chromium``); no browser is downloaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    from mlflow.tracking import MlflowClient
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("experiment")
    ap.add_argument("out", type=Path)
    ap.add_argument("--url", default="http://127.0.0.1:5055")
    ap.add_argument("--run-name", default="smote × lightgbm")
    a = ap.parse_args()
    client = MlflowClient(tracking_uri=a.url)
    exp = client.get_experiment_by_name(a.experiment)
    assert exp is not None, a.experiment
    runs = client.search_runs([exp.experiment_id], filter_string="tags.`imbench.level` = 'group'")
    run = next(r for r in runs if r.info.run_name.startswith(a.run_name))
    a.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        base = f"{a.url}/#/experiments/{exp.experiment_id}"
        page.goto(f"{base}/runs?workflowType=machine_learning", wait_until="load")
        page.wait_for_timeout(10000)
        _close_assistant(page)
        page.screenshot(path=str(a.out / "mlflow_runs.png"))
        page.set_viewport_size({"width": 1600, "height": 1500})
        page.goto(f"{base}/runs/{run.info.run_id}?workflowType=machine_learning", wait_until="load")
        page.wait_for_timeout(10000)
        _close_assistant(page)
        page.screenshot(path=str(a.out / "mlflow_run.png"))
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(
            f"{base}/runs/{run.info.run_id}/artifacts/pr_curve.png?workflowType=machine_learning", wait_until="load"
        )
        page.wait_for_timeout(8000)
        _close_assistant(page)
        page.screenshot(path=str(a.out / "mlflow_run_pr_curve.png"))
        browser.close()


def _close_assistant(page: Any) -> None:
    """Close MLflow 3.17's assistant side panel (it hides half of the page)."""
    panel = page.get_by_text("MLflow Assistant")
    if panel.count():
        box = panel.first.bounding_box()
        buttons = page.locator("button").all()
        right = [
            b
            for b in buttons
            if (bb := b.bounding_box()) and box and abs(bb["y"] - box["y"]) < 20 and bb["x"] > box["x"] + 200
        ]
        if right:
            right[-1].click()
            page.wait_for_timeout(1000)


if __name__ == "__main__":
    main()
