"""Screenshots and layout measurements of a report.html in headless Chromium (Debian's package, no download).

    uv run python benchmarks/screenshots.py results/keel/report.html results/keel
    uv run python benchmarks/screenshots.py --publish results/keel

The first writes ``screenshot_top.png`` (the first screen at 1400 × 900) and ``screenshot_figure.png`` (one
figure) into the folder and prints the measurements the browser test asserts on (page height, where the first
figure starts, horizontal overflow at 1400 and 400 px). ``--publish RUN_DIR`` first rebuilds the published
folder's ``cheatsheet.md`` and ``report.html`` in place from its results (what ``imbench report RUN_DIR`` writes
to ``RUN_DIR/report/``), draws the README's metric-vs-IR figure when the folder has one (``pr_auc_vs_ir.png``),
then takes the screenshots there.
The browser test imports ``browser``, ``open_page`` and ``measure``.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

WIDE = (1400, 900)
NARROW = (400, 800)
CHROMIUM_NAMES = ("chromium", "chromium-browser")

_MEASURE = """() => {
  const el = document.scrollingElement;
  const top = s => { const e = document.querySelector(s); return e ? e.getBoundingClientRect().top + scrollY : null; };
  const tables = [...document.querySelectorAll('table')];
  return {
    scrollWidth: el.scrollWidth, innerWidth: innerWidth, innerHeight: innerHeight, pageHeight: el.scrollHeight,
    firstTableTop: top('table'), firstFigureTop: top('figure'),
    images: [...document.images].map(i => ({w: i.naturalWidth, complete: i.complete, shown: i.clientWidth})),
    tablesWiderThanPage: tables.filter(t => t.getBoundingClientRect().right > innerWidth + 1
                                           && !t.closest('.tw')).length,
  };
}"""


def find_chromium() -> str:
    """The system Chromium; RuntimeError naming what to install when there is none."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError(
        "no Chromium found (looked for 'chromium' and 'chromium-browser' on PATH); "
        "install Debian's package: apt-get install chromium"
    )


@contextmanager
def browser() -> Iterator[Any]:
    """A headless system Chromium driven by Playwright (never downloads a browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=find_chromium(), headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def open_page(b: Any, html: Path, size: tuple[int, int], requests: list[str] | None = None) -> Any:
    """A page of ``html`` at ``size``; every request URL is appended to ``requests`` (none is let out)."""
    page = b.new_page(viewport={"width": size[0], "height": size[1]})
    url = Path(html).resolve().as_uri()

    def route(r: Any) -> None:
        if requests is not None:
            requests.append(r.request.url)
        if r.request.url == url or r.request.url.startswith("data:"):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    if requests is not None:
        page.on("request", lambda req: requests.append(req.url))
    page.goto(url, wait_until="load")
    return page


def measure(page: Any) -> dict[str, Any]:
    """Layout numbers of the loaded page (see ``_MEASURE``)."""
    return page.evaluate(_MEASURE)


def screenshots(html: Path, out_dir: Path) -> dict[str, Any]:
    """Write the two screenshots of ``html`` into ``out_dir``; return measurements at both widths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with browser() as b:
        page = open_page(b, html, WIDE)
        wide = measure(page)
        page.screenshot(path=str(out_dir / "screenshot_top.png"))
        figs = page.locator("figure")
        pick = _figure_to_show(page)
        if figs.count():
            figs.nth(pick).screenshot(path=str(out_dir / "screenshot_figure.png"))
        narrow = measure(open_page(b, html, NARROW))
    return {"1400": wide, "400": narrow}


def _figure_to_show(page: Any) -> int:
    """The metric-vs-IR figure when there is one (the README's), else the first multi-panel one, else the first."""
    caps = page.eval_on_selector_all("figure figcaption", "els => els.map(e => e.textContent)")
    for key in ("vs imbalance ratio", "Calibration harm", "Precision–recall"):
        for i, c in enumerate(caps):
            if key in c:
                return i
    return 0


def publish(run_dir: Path) -> Path:
    """Rebuild ``run_dir/cheatsheet.md`` and ``report.html`` (and ``pr_auc_vs_ir.png`` if present) from the
    folder's results."""
    import tempfile

    from imbench.reporting import build_report
    from imbench.reporting.figures import data as figd
    from imbench.reporting.figures import draw as fig
    from imbench.reporting.tables.analysis import label

    with tempfile.TemporaryDirectory() as tmp:
        out = build_report(run_dir, formats=("md", "html"), out_dir=tmp)
        shutil.copyfile(out["report"], run_dir / "report.html")
        shutil.copyfile(out["cheatsheet"], run_dir / "cheatsheet.md")
    png = run_dir / "pr_auc_vs_ir.png"
    if png.exists():
        import pandas as pd

        data = figd.metric_vs_ir_data(pd.read_parquet(run_dir / "results.parquet"), "average_precision")
        png.write_bytes(fig.to_png(fig.draw_metric_vs_ir(data, label("average_precision"))))
    return run_dir / "report.html"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--publish":
        argv = [str(publish(Path(argv[1]))), argv[1]]
    if len(argv) != 2:
        print(__doc__)
        return 2
    m = screenshots(Path(argv[0]), Path(argv[1]))
    for width, v in m.items():
        v = {k: x for k, x in v.items() if k != "images"} | {
            "images": len(v["images"]),
            "undecoded": sum(i["w"] == 0 for i in v["images"]),
        }
        print(width, json.dumps(v))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
