"""Figures: ``*_data`` functions compute tidy DataFrames; ``draw_*`` functions turn them into matplotlib figures.

matplotlib (Agg backend) is imported only by the drawing functions. User text must never be parsed as mathtext,
so every label made from a name goes through ``_short``, which escapes ``$``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from imbench.report.tables import BASELINE, TIER_ORDER, RankComparison

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_STRATEGIES_IN_LEGEND = 20


# ---------------------------------------------------------------- data


def cd_data(comp: RankComparison) -> pd.DataFrame:
    """Mean rank per strategy of a comparison, best first (the CD diagram's points)."""
    mr = comp.mean_ranks
    return pd.DataFrame({"strategy": mr.index, "mean_rank": mr.to_numpy()})


def gain_heatmap_data(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """Long table strategy × (tier, model): mean difference vs none over datasets and its adjusted Wilcoxon p."""
    rows = []
    for c in comparisons:
        if not c.ok or c.wilcoxon.empty:
            continue
        col = c.group.tier + (f" {c.group.band}" if c.group.band else "") + f" | {c.group.model}"
        for r in c.wilcoxon.itertuples(index=False):
            rows.append({"strategy": r.strategy, "column": col, "tier": c.group.tier, "model": c.group.model,
                         "mean_diff": r.mean_diff, "improvement": r.mean_diff if c.greater else -r.mean_diff,
                         "p_adj": r.p_adj})
    return pd.DataFrame(rows, columns=["strategy", "column", "tier", "model", "mean_diff", "improvement", "p_adj"])


def metric_vs_ir_data(results: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean ``test_<metric>`` per dataset × model × strategy over ok folds, with the dataset's IR."""
    col = f"test_{metric}"
    ok = results[(results["status"] == "ok")]
    if col not in ok or "ir" not in ok:
        return pd.DataFrame(columns=["dataset", "model", "strategy", "ir", "mean"])
    agg = ok.groupby(["dataset", "model", "strategy"]).agg(ir=("ir", "first"), mean=(col, "mean")).reset_index()
    return agg.sort_values(["model", "strategy", "ir"]).reset_index(drop=True)


def calibration_harm_data(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """Per calibration comparison (Brier or ECE, one model): each strategy's mean difference vs none over datasets."""
    from imbench.report.stats import t_interval

    rows = []
    for c in comparisons:
        if not c.ok or BASELINE not in c.block_values:
            continue
        for s in c.strategies:
            if s == BASELINE:
                continue
            mean, low, high = t_interval((c.block_values[s] - c.block_values[BASELINE]).to_numpy())
            rows.append({"metric": c.metric, "model": c.group.model, "strategy": s, "mean_diff": mean,
                         "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["metric", "model", "strategy", "mean_diff", "ci_low", "ci_high"])


def pr_curve_data(predictions: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Precision–recall curves on one dataset, test folds pooled, per model × strategy (with pooled AP)."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    sub = predictions[predictions["dataset"] == dataset]
    frames = []
    for (m, s), g in sub.groupby(["model", "strategy"]):
        y, score = g["y_true"].to_numpy(dtype=int), g["score"].to_numpy(dtype=float)
        if y.min() == y.max():
            continue
        p, r, _ = precision_recall_curve(y, score)
        frames.append(pd.DataFrame({"model": m, "strategy": s, "recall": r, "precision": p,
                                    "ap": average_precision_score(y, score), "prevalence": y.mean()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["model", "strategy", "recall", "precision", "ap", "prevalence"])


def accuracy_vs_prauc_data(results: pd.DataFrame) -> pd.DataFrame:
    """Mean accuracy and PR-AUC per dataset × model × strategy (ok folds), with tier and IR."""
    need = {"test_accuracy", "test_average_precision"}
    ok = results[results["status"] == "ok"]
    if not need <= set(ok.columns):
        return pd.DataFrame(columns=["dataset", "model", "strategy", "tier", "ir", "accuracy", "average_precision"])
    extra = {c: (c, "first") for c in ("tier", "ir") if c in ok}
    agg = ok.groupby(["dataset", "model", "strategy"]).agg(
        accuracy=("test_accuracy", "mean"), average_precision=("test_average_precision", "mean"), **extra)
    return agg.reset_index()


# ---------------------------------------------------------------- drawing


@contextmanager
def _mpl() -> Any:
    import sys

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.size": 9, "axes.titlesize": 10}):
        yield plt


def to_png(fig: Figure, dpi: int = 110) -> bytes:
    """PNG bytes of a figure (and close it)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _short(name: str, n: int = 40) -> str:
    """A label cut to ``n`` characters, with ``$`` escaped so matplotlib never parses it as mathtext."""
    name = str(name) if len(str(name)) <= n else str(name)[: n - 1] + "…"
    return name.replace("$", r"\$")


def draw_cd_diagram(comp: RankComparison, title: str = "") -> Figure:
    """Critical-difference diagram (scikit-posthocs) of one comparison; bars join strategies not different."""
    import scikit_posthocs as sp

    with _mpl() as plt:
        ranks = comp.mean_ranks.rename(index=_short)
        k = len(ranks)
        fig, ax = plt.subplots(figsize=(8, 1.2 + 0.28 * k))
        sig = comp.posthoc
        if sig is None or (comp.friedman is not None and not comp.friedman.pvalue < comp.alpha):
            sig = pd.DataFrame(1.0, index=comp.mean_ranks.index, columns=comp.mean_ranks.index)
        sig = sig.rename(index=_short, columns=_short)
        sp.critical_difference_diagram(ranks, sig, ax=ax, alpha=comp.alpha, label_fmt_left="{label} ({rank:.2f})",
                                       label_fmt_right="({rank:.2f}) {label}")
        ax.set_title(_short(title or f"{comp.metric} — {comp.group.model}, {comp.group.label}", 120))
        return fig


def draw_gain_heatmap(data: pd.DataFrame, metric: str, greater: bool) -> Figure:
    """Heatmap of the improvement over none (green = better than none), '*' where the report-wide adjusted p < 0.05."""
    with _mpl() as plt:
        cols = sorted(data["column"].unique(), key=lambda c: (_tier_pos(c.split(" ")[0]), c))
        imp = data.pivot_table(index="strategy", columns="column", values="improvement", aggfunc="mean")
        imp = imp.reindex(columns=cols)
        imp = imp.loc[imp.mean(axis=1).sort_values(ascending=False).index]
        diff = data.pivot_table(index="strategy", columns="column", values="mean_diff").reindex_like(imp)
        pv = data.pivot_table(index="strategy", columns="column", values="p_adj").reindex_like(imp)
        fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(cols), 1.0 + 0.42 * len(imp)))
        lim = float(np.nanmax(np.abs(imp.to_numpy()))) if np.isfinite(imp.to_numpy()).any() else 1.0
        im = ax.imshow(imp.to_numpy(dtype=float), cmap="RdYlGn", vmin=-lim or -1, vmax=lim or 1, aspect="auto")
        ax.set_xticks(range(len(cols)), [_short(c, 28) for c in cols], rotation=30, ha="right")
        ax.set_yticks(range(len(imp)), [_short(s, 30) for s in imp.index])
        for i in range(imp.shape[0]):
            for j in range(imp.shape[1]):
                v, p = diff.iat[i, j], pv.iat[i, j]
                if np.isfinite(v):
                    ax.text(j, i, f"{v:+.3f}" + ("*" if p < 0.05 else ""), ha="center", va="center", fontsize=8)
        fig.colorbar(im, ax=ax, label="improvement over none" + ("" if greater else " (sign flipped)"))
        ax.set_title(f"{metric}: strategy − none (* adjusted Wilcoxon p < 0.05)")
        return fig


def _tier_pos(t: str) -> int:
    return TIER_ORDER.index(t) if t in TIER_ORDER else len(TIER_ORDER)


def draw_metric_vs_ir(data: pd.DataFrame, metric: str) -> Figure:
    """Mean metric against imbalance ratio (log x), one line per strategy, one panel per model."""
    with _mpl() as plt:
        from matplotlib.ticker import NullFormatter, ScalarFormatter

        models = sorted(data["model"].unique())
        fig, axes = plt.subplots(1, len(models), figsize=(4.5 * len(models) + 1.5, 3.6), squeeze=False, sharey=True)
        for ax, m in zip(axes[0], models):
            sub = data[data["model"] == m]
            for s, g in sub.groupby("strategy"):
                g = g.groupby("ir", as_index=False)["mean"].mean()
                ax.plot(g["ir"], g["mean"], marker="o", lw=2.2 if s == BASELINE else 1.3,
                        ls="--" if s == BASELINE else "-", label=_short(s, 30))
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("imbalance ratio (n_neg / n_pos)")
            ax.set_title(_short(m))
            ax.grid(alpha=0.3)
        axes[0][0].set_ylabel(metric)
        handles, labels = axes[0][-1].get_legend_handles_labels()
        fig.legend(handles[:MAX_STRATEGIES_IN_LEGEND], labels[:MAX_STRATEGIES_IN_LEGEND], loc="center left",
                   bbox_to_anchor=(1.0, 0.5), fontsize=8)
        fig.tight_layout()
        return fig


def draw_calibration_harm(data: pd.DataFrame) -> Figure:
    """Horizontal bars: Brier / ECE difference vs none per strategy (95% t interval); right = worse calibrated."""
    with _mpl() as plt:
        panels = list(data.groupby(["metric", "model"]).groups)
        fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels) + 1, 0.8 + 0.35 * data["strategy"].nunique()),
                                 squeeze=False)
        for ax, (metric, model) in zip(axes[0], panels):
            g = data[(data["metric"] == metric) & (data["model"] == model)].sort_values("mean_diff")
            err = np.vstack([g["mean_diff"] - g["ci_low"], g["ci_high"] - g["mean_diff"]])
            err = np.where(np.isfinite(err), err, 0)
            colors = ["#c0392b" if v > 0 else "#27ae60" for v in g["mean_diff"]]
            ax.barh([_short(s, 26) for s in g["strategy"]], g["mean_diff"], xerr=err, color=colors, alpha=0.85)
            ax.axvline(0, color="k", lw=0.8)
            ax.set_title(_short(f"{metric} − none ({model})", 80))
            ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        return fig


def draw_pr_curves(data: pd.DataFrame, dataset: str) -> Figure:
    """Pooled precision–recall curves on one dataset, one panel per model, with the prevalence line."""
    with _mpl() as plt:
        models = sorted(data["model"].unique())
        fig, axes = plt.subplots(1, len(models), figsize=(4.2 * len(models) + 1.5, 3.8), squeeze=False)
        for ax, m in zip(axes[0], models):
            sub = data[data["model"] == m]
            for s, g in sub.groupby("strategy"):
                ax.plot(g["recall"], g["precision"], lw=2.0 if s == BASELINE else 1.2,
                        ls="--" if s == BASELINE else "-", label=f"{_short(s, 24)} (AP {g['ap'].iat[0]:.3f})",
                        drawstyle="steps-post")
            if len(sub):
                ax.axhline(sub["prevalence"].iat[0], color="grey", lw=0.8, ls=":", label="prevalence")
            ax.set_xlabel("recall")
            ax.set_ylabel("precision")
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1.02)
            ax.set_title(_short(m))
            ax.legend(fontsize=7, loc="upper right")
            ax.grid(alpha=0.3)
        fig.suptitle(f"PR curves on {_short(dataset, 60)} (test folds pooled)")
        fig.tight_layout()
        return fig


def draw_accuracy_vs_prauc(data: pd.DataFrame) -> Figure:
    """Scatter of accuracy against PR-AUC per dataset × model × strategy, coloured by tier; ``none`` ringed."""
    with _mpl() as plt:
        fig, ax = plt.subplots(figsize=(6.5, 4.8))
        tiers = [t for t in TIER_ORDER if "tier" in data and t in set(data["tier"])] or ["all"]
        for t in tiers:
            g = data if t == "all" else data[data["tier"] == t]
            ax.scatter(g["average_precision"], g["accuracy"], s=22, alpha=0.75, label=_short(t))
            base = g[g["strategy"] == BASELINE]
            ax.scatter(base["average_precision"], base["accuracy"], s=70, facecolors="none", edgecolors="k", lw=0.8)
        ax.plot([0, 1], [0, 1], color="grey", lw=0.6, ls=":")
        ax.set_xlabel("PR-AUC (average precision)")
        ax.set_ylabel("accuracy at the decision threshold")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(min(0.5, float(data["accuracy"].min()) - 0.02) if len(data) else 0, 1.02)
        ax.legend(title="tier (ringed: none)", fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_title("Accuracy vs PR-AUC per dataset × model × strategy")
        return fig
