"""``build_report``: a run directory → cheat-sheet (Markdown), self-contained HTML report and CSV tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from imbench.core.errors import ConfigError
from imbench.core.files import write_atomic
from imbench.reporting.documents import grid
from imbench.reporting.documents.cheatsheet import cheatsheet_document
from imbench.reporting.documents.html_sections import (
    detail_section,
    figure_section,
    grid_section,
    run_section,
    statistics_section,
    status_section,
    threshold_section,
)
from imbench.reporting.documents.methods import METHOD_TITLE
from imbench.reporting.load import load_run
from imbench.reporting.renderers.blocks import Block, Document, Heading, Para
from imbench.reporting.renderers.html import to_html
from imbench.reporting.renderers.markdown import to_markdown
from imbench.reporting.tables.analysis import Analysis, analyse
from imbench.storage.store import storage_errors

FORMATS = ("html", "md")


def build_report(
    run_dir: str | Path,
    metric: str = "average_precision",
    formats: Sequence[str] = FORMATS,
    cost_fn: float | None = None,
    cost_fp: float | None = None,
    out_dir: str | Path | None = None,
    pr_dataset: str | None = None,
    lead: Sequence[Block] | None = None,
) -> dict[str, Path]:
    """Write the report of a run directory and return ``{name: path}`` of every file written.

    Outputs (in ``out_dir``, default ``<run_dir>/report``): ``cheatsheet.md`` (format ``md``),
    ``report.html`` (format ``html``; figures inline as base64 PNG, no scripts or external assets), and
    always the CSV tables ``ranks.csv``, ``summary.csv``, ``wilcoxon_vs_none.csv``, ``status.csv``,
    ``exclusions.csv`` (and ``costs.csv`` when ``cost_fn``/``cost_fp`` are given). Everything is computed
    before the first file is written, so bad input raises an ``ImbenchError`` and writes nothing; a full disk or
    a read-only ``out_dir`` raises ``StorageError``. Reading the run needs no write access to ``run_dir``.

    With ``lead`` (a ``compare`` of one file: its decision box and ranked table) the report is the single
    dataset's: ``decision.md`` and an HTML page that open with ``lead`` instead of the multi-dataset cheat-sheet,
    whose verdicts need many datasets.
    """
    fmts = _check_formats(formats)
    run = load_run(run_dir)
    a = analyse(run, metric, cost_fn, cost_fp)
    if pr_dataset is not None and pr_dataset not in set(run.results["dataset"]):
        raise ConfigError(
            f"unknown dataset {pr_dataset!r} for PR curves; the run has {run.results['dataset'].nunique()} datasets"
        )
    texts: dict[str, str] = {}
    if lead is not None:
        decision = Document(f"imbench compare — {run.name}", list(lead))
        if "md" in fmts:
            texts["decision.md"] = to_markdown(decision)
        if "html" in fmts:
            texts["report.html"] = to_html(compare_document(a, decision, pr_dataset))
    else:
        cheat = cheatsheet_document(a)
        if "md" in fmts:
            texts["cheatsheet.md"] = to_markdown(cheat)
        if "html" in fmts:
            texts["report.html"] = to_html(report_document(a, cheat, pr_dataset))
    for name, df in tables(a).items():
        texts[name] = df.to_csv(index=False)
    out = Path(out_dir) if out_dir is not None else run.path / "report"
    written: dict[str, Path] = {}
    with storage_errors(out, "free some space and run it again", "write it elsewhere (--out DIR; out_dir= in Python)"):
        out.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            write_atomic(out / name, text)
            written[name.rsplit(".", 1)[0]] = out / name
    return written


def _check_formats(formats: Sequence[str] | str) -> set[str]:
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    fmts = {f.lower() for f in formats}
    bad = sorted(fmts - set(FORMATS))
    if bad:
        raise ConfigError(f"unknown report format(s) {', '.join(bad)}; known: {', '.join(FORMATS)}")
    return fmts


def tables(a: Analysis) -> dict[str, pd.DataFrame]:
    """The CSV tables of a report, by file name."""
    out = {
        "ranks.csv": a.ranks(),
        "verdicts.csv": a.verdict_table(),
        "summary.csv": a.summary(),
        "wilcoxon_vs_none.csv": a.wilcoxon(),
        "status.csv": a.status,
        "exclusions.csv": a.exclusions(),
        "flags.csv": a.degenerate,
        "under_budget.csv": a.under_budget,
    }
    cs = a.cost_summary()
    if cs is not None:
        out["costs.csv"] = cs
    return out


def report_document(a: Analysis, cheat: Document, pr_dataset: str | None = None) -> Document:
    """The HTML report, in reading order.

    Verdicts first (the cheat-sheet, with coverage stated over the cells that exist), then the figures, the
    dataset × strategy grid per model, thresholds and costs, the statistics, coverage and failures; per-cell
    detail sits in collapsible sections, and the run's provenance closes the page.
    """
    doc = Document(f"imbench report — {a.run.name}")
    verdicts, later = _split_cheatsheet(a, cheat)
    doc.add(*verdicts)
    doc.add(*figure_section(a, pr_dataset))
    doc.add(*grid_section(a))
    doc.add(*threshold_section(a))
    doc.add(*statistics_section(a, later.get("method", [])))
    doc.add(*status_section(a))
    doc.add(*detail_section(a))
    doc.add(*run_section(a))
    return doc


def compare_document(a: Analysis, decision: Document, pr_dataset: str | None = None) -> Document:
    """The HTML report of a ``compare``: its decision box and ranked table first, then the figures, thresholds,
    statistics' method notes, coverage and failures, and the run's provenance (no multi-dataset verdicts)."""
    doc = Document(decision.title)
    doc.add(*decision.blocks)
    doc.add(*figure_section(a, pr_dataset))
    doc.add(*threshold_section(a))
    doc.add(*status_section(a))
    doc.add(*detail_section(a))
    doc.add(*run_section(a))
    return doc


_OVERVIEW = re.compile(r"\d+ of \d+ cells ok")
_LATER = {"coverage": "Coverage", "method": METHOD_TITLE}


def _split_cheatsheet(a: Analysis, cheat: Document) -> tuple[list[Block], dict[str, list[Block]]]:
    """The cheat-sheet's verdict blocks for the top of the page, and the sections the HTML shows further down.

    Its one-line cell count is replaced by the coverage sentence (ok / failed / timed out over the cells that
    exist, not-applicable apart); its Coverage section is superseded by the report's own (with full messages).
    """
    top: list[Block] = []
    later: dict[str, list[Block]] = {}
    current: list[Block] = top
    for b in cheat.blocks:
        if isinstance(b, Heading) and b.level == 2:
            key = next((k for k, title in _LATER.items() if b.text.startswith(title)), None)
            current = top if key is None else later.setdefault(key, [])
            if key is not None:
                continue
        if isinstance(b, Para) and current is top and _OVERVIEW.search(b.text):
            b = Para(grid.coverage(a.results).sentence(reasons=False))
        current.append(b)
    return top, later


__all__ = ["FORMATS", "build_report", "compare_document", "report_document", "tables"]
