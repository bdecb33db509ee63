"""``build_report``: a run directory → cheat-sheet (Markdown), self-contained HTML report and CSV tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from imbench.errors import ConfigError
from imbench.report import figures as fig
from imbench.report.analysis import Analysis, analyse, label
from imbench.report.cheatsheet import cheatsheet_document, group_title
from imbench.report.load import load_run
from imbench.report.render import Bullets, Document, Figure, Heading, Para, Table, code, table_from_frame, to_html, to_markdown

FORMATS = ("html", "md")
MIN_IRS_FOR_CURVE = 3


def build_report(run_dir: str | Path, metric: str = "average_precision", formats: Sequence[str] = FORMATS,
                 cost_fn: float | None = None, cost_fp: float | None = None, out_dir: str | Path | None = None,
                 pr_dataset: str | None = None) -> dict[str, Path]:
    """Write the report of a run directory and return ``{name: path}`` of every file written.

    Outputs (in ``out_dir``, default ``<run_dir>/report``): ``cheatsheet.md`` (format ``md``),
    ``report.html`` (format ``html``; figures inline as base64 PNG, no scripts or external assets), and
    always the CSV tables ``ranks.csv``, ``summary.csv``, ``wilcoxon_vs_none.csv``, ``status.csv``,
    ``exclusions.csv`` (and ``costs.csv`` when ``cost_fn``/``cost_fp`` are given). Everything is computed
    before the first file is written, so bad input raises an ``ImbenchError`` and writes nothing.
    """
    fmts = _check_formats(formats)
    run = load_run(run_dir)
    a = analyse(run, metric, cost_fn, cost_fp)
    if pr_dataset is not None and pr_dataset not in set(run.results["dataset"]):
        raise ConfigError(f"unknown dataset {pr_dataset!r} for PR curves; the run has {run.results['dataset'].nunique()} datasets")
    texts: dict[str, str] = {}
    cheat = cheatsheet_document(a)
    if "md" in fmts:
        texts["cheatsheet.md"] = to_markdown(cheat)
    if "html" in fmts:
        texts["report.html"] = to_html(report_document(a, cheat, pr_dataset))
    for name, df in tables(a).items():
        texts[name] = df.to_csv(index=False)
    out = Path(out_dir) if out_dir is not None else run.path / "report"
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, text in texts.items():
        written[name.rsplit(".", 1)[0]] = _write_atomic(out / name, text)
    return written


def _check_formats(formats: Sequence[str] | str) -> set[str]:
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    fmts = {f.lower() for f in formats}
    bad = sorted(fmts - set(FORMATS))
    if bad:
        raise ConfigError(f"unknown report format(s) {', '.join(bad)}; known: {', '.join(FORMATS)}")
    return fmts


def _write_atomic(path: Path, text: str) -> Path:
    """Write via a temporary sibling and ``os.replace``; the file gets the usual umask permissions."""
    from imbench.store import write_atomic

    write_atomic(path, text)
    return path


def tables(a: Analysis) -> dict[str, pd.DataFrame]:
    """The CSV tables of a report, by file name."""
    out = {"ranks.csv": a.ranks(), "summary.csv": a.summary(), "wilcoxon_vs_none.csv": a.wilcoxon(),
           "status.csv": a.status, "exclusions.csv": a.exclusions(), "flags.csv": a.degenerate,
           "under_budget.csv": a.under_budget}
    cs = a.cost_summary()
    if cs is not None:
        out["costs.csv"] = cs
    return out


def report_document(a: Analysis, cheat: Document, pr_dataset: str | None = None) -> Document:
    """The HTML report: the cheat-sheet, then run details, statistics and figures."""
    doc = Document(f"imbench report — {a.run.name}")
    doc.add(*cheat.blocks)
    doc.add(*_run_section(a))
    doc.add(*_status_section(a))
    doc.add(*_statistics_section(a))
    doc.add(*_figure_section(a, pr_dataset))
    if a.cost_cells is not None:
        cs = a.cost_summary()
        assert cs is not None
        doc.add(Heading("Cost per 1,000 cases by dataset"), table_from_frame(_code_names(cs), "{:.2f}"))
    doc.add(Heading(f"Summary with 95% confidence intervals ({label(a.metric)})"),
            Para("Mean over ok outer folds with the Nadeau–Bengio corrected resampled t interval (variance × "
                 "(1/k + n_test/n_train)): folds share training rows, so a plain t interval is too narrow; "
                 "n_ok of n_folds folds finished ok.", small=True),
            table_from_frame(_code_names(a.summary().query("metric == @a.metric").drop(columns="metric"))))
    return doc


def _code_names(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in ("dataset", "strategy", "model"):
        if c in df:
            df[c] = df[c].map(code)
    return df


def _run_section(a: Analysis) -> list:
    meta = a.meta.reset_index()
    keep = [c for c in ("dataset", "source", "n", "n_pos", "ir", "tier", "band") if c in meta]
    out: list = [Heading("Run"), Heading("Datasets", 3), table_from_frame(_code_names(meta[keep]))]
    proto = a.run.config.get("protocol") if isinstance(a.run.config.get("protocol"), dict) else {}
    items = [f"{k}: {v}" for k, v in sorted(proto.items())]
    items += [f"{k}: {v}" for k, v in a.run.manifest.provenance()]
    if items:
        out += [Heading("Protocol and provenance", 3), Bullets(items)]
    return out


def _status_section(a: Analysis) -> list:
    st = a.status.copy()
    st["strategy"], st["model"] = st["strategy"].map(code), st["model"].map(code)
    ex = a.exclusions()
    out: list = [Heading("Status of every cell"),
                 Para("Counts per strategy × model; failed and timed-out cells are shown here and enter no rank. "
                      "Not-applicable pairs (e.g. balanced_rf with a model other than random_forest) do not exist "
                      "for that model."),
                 table_from_frame(st), Heading("Left out of comparisons", 3)]
    if ex.empty:
        out.append(Para("Nothing: every compared strategy is complete in every block."))
    else:
        ex = ex.copy()
        ex["model"], ex["name"] = ex["model"].map(code), ex["name"].map(code)
        out.append(table_from_frame(ex))
    return out


def _statistics_section(a: Analysis) -> list:
    out: list = [Heading("Statistics")]
    rows = []
    for (m, model), c in sorted(a.overall.items()):
        if m not in a.metrics:
            continue
        f = c.friedman
        rows.append([label(m), code(model), str(len(c.strategies)), str(c.n_datasets), c.block_unit,
                     f"{f.statistic:.3f}" if f else "—", f"{f.pvalue:.3g}" if f else "—",
                     code(c.winner) if c.winner else "—"])
    out += [Heading("Friedman tests over all datasets", 3),
            Table(["metric", "model", "strategies", "datasets", "unit", "χ²", "p", "best mean rank"], rows)]
    w = a.wilcoxon()
    w = w[(w["metric"] == a.metric)]
    if len(w):
        keep = ["model", "tier", "minority", "strategy", "baseline", "n_datasets", "mean_diff", "median_diff",
                "median_ci_low", "median_ci_high", "wins", "ties", "losses", "p", "p_adj", "significant", "p_better",
                "p_equivalent", "p_worse"]
        w = w[keep].copy()
        w["model"], w["strategy"], w["baseline"] = w["model"].map(code), w["strategy"].map(code), w["baseline"].map(code)
        out += [Heading(f"Wilcoxon signed-rank over datasets vs none, Benjamini–Hochberg across the report "
                        f"({label(a.metric)})", 3),
                Para(f"Differences = strategy − baseline per dataset (fold means); median_ci = seeded bootstrap 95% "
                     f"interval of the median; p empty = too few datasets to test; p_adj over all {a.family_size} "
                     "tests of the report; P(better/equivalent/worse) = Bayesian signed-rank (baycomp), computed for "
                     "the strategies the cheat-sheet names. tier 'all' pools every dataset.", small=True),
                table_from_frame(w)]
    return out


def _figure_section(a: Analysis, pr_dataset: str | None) -> list:
    out: list = [Heading("Figures")]
    for (m, model), c in sorted(a.overall.items()):
        if m in a.metrics and c.ok and len(c.strategies) >= 2:
            out.append(Figure(f"Critical-difference diagram: {label(m)}, {model}",
                              fig.to_png(fig.draw_cd_diagram(c, f"{label(m)} — {group_title(c.group)}")),
                              "mean rank (1 = best); strategies joined by a bar are not significantly different "
                              f"({c.posthoc_name or 'no post-hoc'}, α = 0.05; {len(c.block_values)} {c.block_unit} blocks)"))
    greater = a.by_group[(a.metric, a.groups[0])].greater if a.groups else True
    heat = fig.gain_heatmap_data([c for (m, _), c in a.by_group.items() if m == a.metric])
    if len(heat):
        out.append(Figure(f"Gain over none by tier ({label(a.metric)})",
                          fig.to_png(fig.draw_gain_heatmap(heat, label(a.metric), greater)),
                          "cell = mean(strategy − none) over datasets (fold means); colour = improvement"))
    ir = fig.metric_vs_ir_data(a.results, a.metric)
    if ir["ir"].nunique() >= MIN_IRS_FOR_CURVE:
        out.append(Figure(f"{label(a.metric)} vs imbalance ratio", fig.to_png(fig.draw_metric_vs_ir(ir, label(a.metric))),
                          "mean over ok folds per dataset; dashed = none"))
    cal = fig.calibration_harm_data([c for (m, _), c in a.overall.items() if m in ("brier", "ece")])
    if len(cal):
        out.append(Figure("Calibration harm vs none", fig.to_png(fig.draw_calibration_harm(cal)),
                          "mean difference vs none over datasets (fold means first) with a 95% t interval over "
                          "datasets; right of 0 = worse"))
    if a.run.predictions is not None and len(a.run.predictions):
        ds = pr_dataset or _most_imbalanced(a)
        if ds is not None:
            pr = fig.pr_curve_data(a.run.predictions, ds)
            if len(pr):
                out.append(Figure(f"Precision–recall curves on {ds}", fig.to_png(fig.draw_pr_curves(pr, ds)),
                                  "test folds pooled; dotted = prevalence (a random ranking)"))
    acc = fig.accuracy_vs_prauc_data(a.results)
    if len(acc):
        out.append(Figure("Accuracy vs PR-AUC", fig.to_png(fig.draw_accuracy_vs_prauc(acc)),
                          "one point per dataset × model × strategy; points high on accuracy but left on PR-AUC are "
                          "the accuracy paradox"))
    if len(out) == 1:
        out.append(Para("No figure could be drawn from this run."))
    return out


def _most_imbalanced(a: Analysis) -> str | None:
    preds = set(a.run.predictions["dataset"]) if a.run.predictions is not None else set()
    meta = a.meta[a.meta.index.isin(preds)]
    if meta.empty:
        return None
    return str(meta["ir"].idxmax()) if meta["ir"].notna().any() else str(meta.index[0])


__all__ = ["FORMATS", "build_report", "report_document", "tables"]
