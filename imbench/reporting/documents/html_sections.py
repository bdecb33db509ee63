"""The HTML report's own sections (beyond the cheat-sheet): figures, the dataset × strategy grid per model,
thresholds and costs, statistics, coverage and failures, per-cell detail, and the run's provenance."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from imbench.reporting.documents import grid
from imbench.reporting.documents.cheatsheet import group_title
from imbench.reporting.documents.methods import METHOD_TITLE
from imbench.reporting.figures import data as figd
from imbench.reporting.figures import draw as fig
from imbench.reporting.renderers.blocks import (
    Block,
    Bullets,
    Details,
    Figure,
    FigureGrid,
    Heading,
    Para,
    Table,
    code,
    table_from_frame,
)
from imbench.reporting.tables.analysis import Analysis, label

MIN_IRS_FOR_CURVE = 3


def _code_names(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in ("dataset", "strategy", "model", "name"):
        if c in df:
            df[c] = df[c].map(code)
    return df


_COLUMN_LABELS = {
    "mean_diff": "mean difference",
    "median_diff": "median difference",
    "median_ci_low": "median 95 % low",
    "median_ci_high": "median 95 % high",
    "p_adj": "adjusted p (BH)",
    "p_better": "P(better)",
    "p_equivalent": "P(equivalent)",
    "p_worse": "P(worse)",
    "n_datasets": "datasets",
    "n_pairs": "pairs",
    "better": "better than none",
    "statistic": "W",
    "n_ok": "ok folds",
    "n_folds": "folds",
    "ci_low": "95 % low",
    "ci_high": "95 % high",
    "std": "std",
    "statuses": "statuses",
    "n_pos": "positives",
    "ir": "IR",
    "n": "rows",
    "band": "size",
    "folds": "folds",
    "mean_threshold": "mean threshold",
    "per_1000_at_threshold": "cost / 1,000 at stored threshold",
    "per_1000_at_bayes": "cost / 1,000 at Bayes threshold",
}


def _human(df: pd.DataFrame) -> pd.DataFrame:
    """A table as people read it: names as code, yes/no for booleans, statuses and metrics by their labels,
    human column names, and no column that is empty in every row."""
    df = _code_names(df)
    for c in df.columns:
        if df[c].dtype == bool or (set(df[c].dropna().unique()) <= {True, False} and df[c].notna().any()):
            df[c] = df[c].map({True: "yes", False: "no"})
    if "metric" in df:
        df["metric"] = df["metric"].map(lambda m: label(str(m)))
    if "statuses" in df:
        df["statuses"] = df["statuses"].map(lambda v: ", ".join(grid.status_label(x) for x in str(v).split(",")))
    empty = [c for c in df.columns if df[c].isna().all() or (df[c].astype(str).str.strip() == "").all()]
    df = df.drop(columns=empty)
    return df.rename(columns=lambda c: _COLUMN_LABELS.get(str(c), str(c).replace("_", " ")))


def run_section(a: Analysis) -> list:
    meta = a.meta.reset_index()
    keep = [c for c in ("dataset", "source", "n", "n_pos", "ir", "tier", "band") if c in meta]
    out: list = [Heading("Run")]
    raw = a.run.config.get("protocol")
    proto: dict = raw if isinstance(raw, dict) else {}
    items = [f"{k}: {label(str(v)) if k == 'metric' else v}" for k, v in sorted(proto.items())]
    items += [f"{k}: {v}" for k, v in a.run.manifest.provenance()]
    if items:
        out += [Heading("Protocol and provenance", 3), Bullets(items)]
    out.append(Details(f"Datasets ({len(meta)})", [table_from_frame(_human(meta[keep]), "{:.4g}")]))
    return out


def status_section(a: Analysis) -> list:
    cov = grid.coverage(a.results)
    out: list = [
        Heading("Coverage and failures"),
        Para(cov.sentence()),
        Para(
            "ok / failed / timed out per model × strategy over the cells that exist; failed and timed-out "
            "cells enter no rank and are never filled with values.",
            small=True,
        ),
        grid.status_rows(a.results),
    ]
    errors = grid.error_messages(a.results)
    if errors:
        out.append(Details(f"Full error messages ({len(errors)} distinct)", [Bullets(errors)], open=len(errors) <= 3))
    return out


def statistics_section(a: Analysis, method: Sequence[Block] = ()) -> list:
    out: list = [Heading("Statistics")]
    rows = []
    for (m, model), c in sorted(a.overall.items()):
        if m not in a.metrics:
            continue
        f = c.friedman
        rows.append(
            [
                label(m),
                code(model),
                str(len(c.strategies)),
                str(c.n_datasets),
                c.block_unit,
                f"{f.statistic:.3f}" if f else "—",
                f"{f.pvalue:.3g}" if f else "—",
                code(c.winner) if c.winner else "—",
            ]
        )
    out += [
        Heading("Friedman tests over all datasets", 3),
        Table(["metric", "model", "strategies", "datasets", "unit", "χ²", "p", "best mean rank"], rows),
    ]
    w = a.wilcoxon()
    w = w[(w["metric"] == a.metric)]
    if len(w):
        keep = [
            "model",
            "tier",
            "minority",
            "strategy",
            "baseline",
            "n_datasets",
            "mean_diff",
            "median_diff",
            "median_ci_low",
            "median_ci_high",
            "wins",
            "ties",
            "losses",
            "p",
            "p_adj",
            "significant",
            "p_better",
            "p_equivalent",
            "p_worse",
        ]
        w = w[[c for c in keep if c in w.columns]].copy()
        out += [
            Heading(
                f"Wilcoxon signed-rank over datasets (origins) vs none, Benjamini–Hochberg per question ({label(a.metric)})",
                3,
            ),
            Para(
                f"Differences = strategy − baseline per dataset (fold means; averaged per origin where datasets share "
                f"one); median interval = seeded bootstrap "
                f"95% interval of the median; p empty = too few datasets (origins) to test; adjusted p: "
                f"{a.correction_statement()}; P(better/equivalent/worse) = Bayesian signed-rank "
                "(baycomp), computed for the strategies the cheat-sheet names. Tier 'all' pools every dataset.",
                small=True,
            ),
            Details(f"{len(w)} comparisons with a baseline", [table_from_frame(_human(w))]),
        ]
    ex = a.exclusions()
    out.append(Heading("Left out of comparisons", 3))
    if ex.empty:
        out.append(Para("Nothing: every compared strategy is complete in every block."))
    else:
        out.append(
            Details(f"{len(ex)} strategies or datasets left out, with the reason", [table_from_frame(_human(ex))])
        )
    if method:
        out.append(Heading(METHOD_TITLE, 3))
    out += [Heading(b.text, 4) if isinstance(b, Heading) else b for b in method]
    return out


def grid_section(a: Analysis) -> list:
    out: list = [
        Heading(f"Results by dataset ({label(a.metric)})"),
        Para(
            f"Mean {label(a.metric)} over ok outer folds; bold = best in the row; second line = 95 % "
            "Nadeau–Bengio corrected interval over folds, clipped to the metric's range (hover a cell for the fold "
            "counts). Flags: ✗ failed or timed-out fold, ⚠ const = constant scores (ROC-AUC 0.5), "
            "⚠ thr = decision threshold ≈ 0 or 1; — = no ok fold. Strategies not applicable to a model have "
            "no column.",
            small=True,
        ),
    ]
    for model in sorted(a.results["model"].unique()):
        out += [Heading(f"{model}", 3), grid.dataset_grid(a, model)]
    return out


def threshold_section(a: Analysis) -> list:
    costs = grid.run_costs(a.run.config)
    out: list = [
        Heading("Operating thresholds and costs"),
        Para(
            "The decision threshold each strategy used on its test folds (chosen on training data; 0.5 for "
            "strategies that do not move it) and the expected misclassification cost per 1,000 cases at "
            "that threshold"
            + (f", with the run's costs cost_fn = {costs[0]:g}, cost_fp = {costs[1]:g}" if costs else "")
            + ". Means and medians are over datasets.",
            small=True,
        ),
        grid.threshold_table(a),
    ]
    resc = grid.rescored_cost_table(a)
    if resc is not None:
        out += [
            Heading(f"Re-scored at cost_fn = {a.cost_fn:g}, cost_fp = {a.cost_fp:g}", 3),
            Para(
                "Mean expected cost per 1,000 cases over datasets, re-scored from the stored test predictions "
                "without refitting, at the stored threshold and at the Bayes threshold t* = cost_fp / "
                "(cost_fp + cost_fn).",
                small=True,
            ),
            resc,
        ]
    return out


def detail_section(a: Analysis) -> list:
    out: list = [Heading("Per-cell detail")]
    summ = a.summary()
    summ = summ[(summ["metric"] == a.metric) & (summ["n_ok"] > 0)].drop(columns="metric")
    for model in sorted(summ["model"].unique()):
        sub = summ[summ["model"] == model].drop(columns="model")
        out.append(
            Details(
                f"{label(a.metric)} per dataset × strategy with 95 % intervals — {model} ({len(sub)} rows)",
                [
                    Para(
                        "Mean over ok outer folds with the Nadeau–Bengio corrected resampled t "
                        "interval (folds share training rows); cells with no ok fold (not applicable) are "
                        "left out.",
                        small=True,
                    ),
                    table_from_frame(_human(sub)),
                ],
            )
        )
    cs = a.cost_summary()
    if cs is not None:
        out.append(
            Details(
                f"Cost per 1,000 cases by dataset (cost_fn = {a.cost_fn:g}, cost_fp = {a.cost_fp:g})",
                [table_from_frame(_human(cs), "{:.3g}")],
            )
        )
    return out


def figure_section(a: Analysis, pr_dataset: str | None) -> list:
    out: list = [
        Heading("Figures"),
        Para(
            "Each strategy has one colour in every figure (and every report); none is always the dark dashed line.",
            small=True,
        ),
    ]
    cds = []
    for (m, model), c in sorted(
        a.overall.items(), key=lambda kv: (a.metrics.index(kv[0][0]) if kv[0][0] in a.metrics else 99, kv[0][1])
    ):
        if m in a.metrics and c.ok and len(c.strategies) >= 2:
            cds.append(
                Figure(
                    f"Critical-difference diagram: {label(m)}, {model}",
                    fig.to_png(fig.draw_cd_diagram(c, f"{label(m)} — {group_title(c.group)}")),
                    "mean rank (1 = best); strategies joined by a bar are not significantly different "
                    f"({c.posthoc_name or 'no post-hoc'}, α = 0.05; {len(c.block_values)} {c.block_unit} blocks)",
                )
            )
    if cds:
        out.append(FigureGrid(cds))
    greater = a.by_group[(a.metric, a.groups[0])].greater if a.groups else True
    heat = figd.gain_heatmap_data([c for (m, _), c in a.by_group.items() if m == a.metric])
    if len(heat):
        out.append(
            Figure(
                f"Gain over none by tier ({label(a.metric)})",
                fig.to_png(fig.draw_gain_heatmap(heat, label(a.metric), greater)),
                "cell = mean(strategy − none) over datasets (fold means); colour = improvement",
            )
        )
    ir = figd.metric_vs_ir_data(a.results, a.metric)
    if ir["ir"].nunique() >= MIN_IRS_FOR_CURVE:
        out.append(
            Figure(
                f"{label(a.metric)} vs imbalance ratio",
                fig.to_png(fig.draw_metric_vs_ir(ir, label(a.metric))),
                "mean over ok folds per dataset (an IR ladder: per rung, averaged over its base problems); "
                "dashed = none",
            )
        )
    cal = figd.calibration_harm_data([c for (m, _), c in a.overall.items() if m in ("brier", "ece")])
    if len(cal):
        out.append(
            Figure(
                "Calibration harm vs none",
                fig.to_png(fig.draw_calibration_harm(cal)),
                "mean difference vs none over datasets (fold means first) with a 95% t interval over "
                "datasets; right of 0 = worse",
            )
        )
    if a.run.predictions is not None and len(a.run.predictions):
        ds = pr_dataset or _most_imbalanced(a)
        if ds is not None:
            pr = figd.pr_curve_data(a.run.predictions, ds)
            if len(pr):
                out.append(
                    Figure(
                        f"Precision–recall curves on {ds}",
                        fig.to_png(fig.draw_pr_curves(pr, ds)),
                        "each curve pools the scores of all test folds. AP in the legend = mean of the "
                        "per-fold APs, the number in the tables and the cheat-sheet; pooled = area under "
                        "the drawn curve, which differs because each fold's scores come from a different "
                        "fitted model. Dotted = prevalence (a random ranking); the precision axis is "
                        f"fitted to the curves at recall ≥ {fig.RECALL_FOR_ZOOM:g}.",
                    )
                )
    acc = figd.accuracy_vs_prauc_data(a.results)
    if len(acc):
        out.append(
            Figure(
                "Accuracy vs PR-AUC",
                fig.to_png(fig.draw_accuracy_vs_prauc(acc)),
                "one point per dataset × model × strategy (colour = strategy, shape = tier); points high on "
                "accuracy but left on PR-AUC are the accuracy paradox",
            )
        )
    if len(out) == 2:
        out.append(Para("No figure could be drawn from this run."))
    return out


def _most_imbalanced(a: Analysis) -> str | None:
    preds = set(a.run.predictions["dataset"]) if a.run.predictions is not None else set()
    meta = a.meta[a.meta.index.isin(preds)]
    if meta.empty:
        return None
    return str(meta["ir"].idxmax()) if meta["ir"].notna().any() else str(meta.index[0])
