"""Figures: ``draw_*`` functions turn the tidy DataFrames of ``figures.data`` into matplotlib figures.

matplotlib (Agg backend) is imported only by the drawing functions. User text must never be parsed as mathtext,
so every label made from a name goes through ``_short``, which escapes ``$``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from imbench.core.schema import BASELINE
from imbench.reporting.figures import palette
from imbench.reporting.tables.analysis import label
from imbench.reporting.tables.comparisons import RankComparison
from imbench.reporting.tables.groups import TIER_ORDER

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_COLUMNS = 3
"""Multi-panel figures wrap after this many panels, so a figure stays legible in a 1,200-px column."""
RECALL_FOR_ZOOM = 0.05
"""PR curves: the y axis is fitted to precision at recall ≥ this (the first few ranks are noise)."""
TIER_MARKERS = {"low": "o", "medium": "s", "high": "^", "extreme": "D"}


@contextmanager
def _mpl() -> Any:
    import sys

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.size": 9, "axes.titlesize": 10}):
        yield plt


PAGE_INCHES = 1200 / 110
"""Widest figure the HTML report shows unscaled (its 1200 px page at ``to_png``'s 110 dpi)."""


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


def legend_label(strategy: str) -> str:
    """The text a legend shows for a strategy (figures and tests agree on it)."""
    return _short(strategy, 30)


def _panels(
    plt: Any, n: int, width: float, height: float, *, sharey: bool = False, ncols: int | None = None
) -> tuple[Figure, list[Axes]]:
    """``n`` panels wrapped into rows of at most ``MAX_COLUMNS`` (unused grid cells hidden)."""
    cols = max(1, min(ncols or MAX_COLUMNS, n))
    rows = -(-n // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(width * cols, height * rows), squeeze=False, sharey=sharey, layout="constrained"
    )
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _strategy_handles(strategies: Iterable[str], line: bool = True) -> list[Any]:
    """Legend proxies, one per strategy in palette order, drawn with the strategy's look."""
    from matplotlib.lines import Line2D

    out = []
    for s in palette.ordered(strategies):
        lk = palette.look(s)
        h = Line2D(
            [],
            [],
            color=lk.color,
            ls=lk.linestyle if line else "none",
            lw=lk.linewidth,
            marker=lk.marker if not line else None,
            label=legend_label(s),
        )
        h.set_gid(palette.gid(s))
        out.append(h)
    return out


def _figure_legend(fig: Figure, handles: list[Any], title: str | None = None) -> None:
    """One legend for the whole figure, below the panels, with every strategy of every panel."""
    if handles:
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=min(len(handles), 5),
            fontsize=8,
            title=title,
            frameon=False,
        )


def _tag(artist: Any, strategy: str) -> Any:
    artist.set_gid(palette.gid(strategy))
    return artist


def draw_cd_diagram(comp: RankComparison, title: str = "") -> Figure:
    """Critical-difference diagram (scikit-posthocs) of one comparison; bars join strategies not different.

    Each strategy's marker and label take the strategy's palette colour, as in every other figure.
    """
    import scikit_posthocs as sp

    with _mpl() as plt:
        ranks = comp.mean_ranks.rename(index=_short)
        names = {_short(s): s for s in comp.mean_ranks.index}
        k = len(ranks)
        fig, ax = plt.subplots(figsize=(5.8, 1.1 + 0.26 * k))
        sig = comp.posthoc
        if sig is None or (comp.friedman is not None and not comp.friedman.pvalue < comp.alpha):
            sig = pd.DataFrame(1.0, index=comp.mean_ranks.index, columns=comp.mean_ranks.index)
        sig = sig.rename(index=_short, columns=_short)
        colors = {lbl: palette.color(s) for lbl, s in names.items()}
        out = sp.critical_difference_diagram(
            ranks,
            sig,
            ax=ax,
            alpha=comp.alpha,
            color_palette=colors,
            label_fmt_left="{label} ({rank:.2f})",
            label_fmt_right="({rank:.2f}) {label}",
        )
        for i, text in enumerate(out.get("labels", [])):
            lbl = str(text.get_text())
            s = next((names[n] for n in names if lbl.startswith(n + " (") or lbl.endswith(") " + n)), None)
            if s is not None:
                for artist in (text, out["elbows"][i], out["markers"][i]):
                    _tag(artist, s)
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
        width = 2.2 + 1.05 * len(cols)
        # the report shows figures at most PAGE_INCHES wide: a wider one is scaled down, its text with it, so
        # the text grows by the same factor (16 tier × model columns: 7 px labels otherwise)
        grow = max(1.0, width / PAGE_INCHES)
        fig, ax = plt.subplots(figsize=(width, (1.2 + 0.36 * len(imp)) * grow), layout="constrained")
        lim = float(np.nanmax(np.abs(imp.to_numpy()))) if np.isfinite(imp.to_numpy()).any() else 1.0
        im = ax.imshow(imp.to_numpy(dtype=float), cmap="RdYlGn", vmin=-lim or -1, vmax=lim or 1, aspect="auto")
        ax.set_xticks(range(len(cols)), [_short(c, 28) for c in cols], rotation=30, ha="right", fontsize=9 * grow)
        ax.set_yticks(range(len(imp)), [_short(s, 30) for s in imp.index], fontsize=9 * grow)
        for i in range(imp.shape[0]):
            for j in range(imp.shape[1]):
                v, p = float(diff.iat[i, j]), float(pv.iat[i, j])
                if np.isfinite(v):
                    ax.text(j, i, f"{v:+.3f}" + ("*" if p < 0.05 else ""), ha="center", va="center", fontsize=8 * grow)
        bar = fig.colorbar(im, ax=ax)
        bar.set_label("improvement over none" + ("" if greater else " (sign flipped)"), fontsize=9 * grow)
        bar.ax.tick_params(labelsize=8 * grow)
        ax.set_title(f"{metric}: strategy − none (* adjusted Wilcoxon p < 0.05)", fontsize=10 * grow)
        return fig


def _tier_pos(t: str) -> int:
    return TIER_ORDER.index(t) if t in TIER_ORDER else len(TIER_ORDER)


def draw_metric_vs_ir(data: pd.DataFrame, metric: str) -> Figure:
    """Mean metric against imbalance ratio (log x), one line per strategy, one panel per model."""
    with _mpl() as plt:
        from matplotlib.ticker import NullFormatter, ScalarFormatter

        models = sorted(data["model"].unique())
        fig, axes = _panels(plt, len(models), 4.2, 3.3, sharey=True)
        for ax, m in zip(axes, models):
            sub = data[data["model"] == m]
            for s in palette.ordered(sub["strategy"].unique()):
                g = sub[sub["strategy"] == s].groupby("ir", as_index=False)["mean"].mean()
                lk = palette.look(s)
                (line,) = ax.plot(
                    g["ir"],
                    g["mean"],
                    marker=lk.marker,
                    ms=3.5,
                    lw=lk.linewidth,
                    ls=lk.linestyle,
                    color=lk.color,
                    label=legend_label(s),
                    zorder=3 if s == BASELINE else 2,
                )
                _tag(line, s)
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("imbalance ratio (n_neg / n_pos)")
            ax.set_title(_short(m))
            ax.grid(alpha=0.3)
        axes[0].set_ylabel(metric)
        _figure_legend(fig, _strategy_handles(data["strategy"].unique()))
        return fig


def draw_calibration_harm(data: pd.DataFrame) -> Figure:
    """Horizontal bars: Brier / ECE difference vs none per strategy (95% t interval); right = worse calibrated.

    One row of panels per metric, one column per model; bars take the strategy's palette colour.
    """
    with _mpl() as plt:
        metrics = list(dict.fromkeys(data["metric"]))
        models = sorted(data["model"].unique())
        panels = [(mt, md) for mt in metrics for md in models if ((data["metric"] == mt) & (data["model"] == md)).any()]
        n_bars = int(data.groupby(["metric", "model"]).size().max()) if len(data) else 1
        fig, axes = _panels(plt, len(panels), 4.6, 0.9 + 0.3 * n_bars, ncols=len(models))
        for ax, (metric, model) in zip(axes, panels):
            g = data[(data["metric"] == metric) & (data["model"] == model)].sort_values("mean_diff")
            for y, r in enumerate(g.itertuples(index=False)):
                (bar,) = ax.barh([y], [r.mean_diff], color=palette.color(str(r.strategy)), alpha=0.9, height=0.7)
                _tag(bar, str(r.strategy))
                if np.isfinite(r.ci_low) and np.isfinite(r.ci_high):
                    (ci,) = ax.plot([r.ci_low, r.ci_high], [y, y], color="#444444", lw=1.0)
                    ci.set_gid("ref:interval")
            ax.set_yticks(range(len(g)), [_short(s, 26) for s in g["strategy"]])
            ax.axvline(0, color="k", lw=0.8, gid="ref:zero")
            ax.set_title(_short(f"{label(metric)} − none ({model}); right = worse", 80))
            ax.grid(axis="x", alpha=0.3)
        _figure_legend(fig, _strategy_handles(list(data["strategy"].unique()), line=False))
        return fig


def _pr_ylim(sub: pd.DataFrame) -> float:
    """Top of the precision axis: the curves' highest precision past the first ranks, with headroom."""
    steady = sub[sub["recall"] >= RECALL_FOR_ZOOM]
    top = float(steady["precision"].max()) if len(steady) else 1.0
    prev = float(sub["prevalence"].max()) if len(sub) else 0.0
    return float(min(1.02, max(top * 1.1, prev * 3, 0.05)))


def draw_pr_curves(data: pd.DataFrame, dataset: str) -> Figure:
    """Pooled precision–recall curves on one dataset, one panel per model, prevalence drawn, y fitted to the data.

    Each panel's legend lists its strategies with the mean AP over test folds (the tables' number) and the
    pooled curve's AP in brackets.
    """
    with _mpl() as plt:
        from matplotlib.lines import Line2D

        models = sorted(data["model"].unique())
        fig, axes = _panels(plt, len(models), 4.4, 3.6)
        for ax, m in zip(axes, models):
            sub = data[data["model"] == m]
            handles = []
            for s in palette.ordered(sub["strategy"].unique()):
                g = sub[sub["strategy"] == s]
                lk = palette.look(s)
                text = f"{legend_label(s)} AP {g['ap'].iat[0]:.3f} (pooled {g['ap_pooled'].iat[0]:.3f})"
                (line,) = ax.plot(
                    g["recall"],
                    g["precision"],
                    lw=lk.linewidth,
                    ls=lk.linestyle,
                    color=lk.color,
                    label=text,
                    drawstyle="steps-post",
                )
                handles.append(_tag(line, s))
            if len(sub):
                prev = float(sub["prevalence"].iat[0])
                ax.axhline(prev, color="grey", lw=1.0, ls=":", gid="ref:prevalence")
                handles.append(Line2D([], [], color="grey", lw=1.0, ls=":", label=f"prevalence {prev:.3f}"))
                ax.set_ylim(0, _pr_ylim(sub))
            ax.set_xlabel("recall")
            ax.set_ylabel("precision")
            ax.set_xlim(0, 1)
            ax.set_title(_short(m))
            ax.legend(handles=handles, fontsize=7, loc="upper right")
            ax.grid(alpha=0.3)
        fig.suptitle(f"PR curves on {_short(dataset, 60)} (test folds pooled)")
        return fig


def draw_accuracy_vs_prauc(data: pd.DataFrame) -> Figure:
    """Accuracy against PR-AUC per dataset × model × strategy: colour = strategy, marker shape = tier."""
    with _mpl() as plt:
        from matplotlib.lines import Line2D

        fig, ax = plt.subplots(figsize=(7.5, 5.2), layout="constrained")
        tiers: list[str | None] = [t for t in TIER_ORDER if "tier" in data and t in set(data["tier"])]
        for s in palette.ordered(data["strategy"].unique()):
            g = data[data["strategy"] == s]
            for t in tiers or [None]:  # no tier column: one marker shape
                gt = g if t is None else g[g["tier"] == t]
                if len(gt):
                    pts = ax.scatter(
                        gt["average_precision"],
                        gt["accuracy"],
                        s=26 if s == BASELINE else 18,
                        alpha=0.8,
                        color=palette.color(s),
                        marker=TIER_MARKERS.get(str(t), "o"),
                        zorder=3 if s == BASELINE else 2,
                    )
                    _tag(pts, s)
        ax.plot([0, 1], [0, 1], color="grey", lw=0.6, ls=":", gid="ref:diagonal")
        ax.set_xlabel("PR-AUC (average precision)")
        ax.set_ylabel("accuracy at the decision threshold")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(min(0.5, float(data["accuracy"].min()) - 0.02) if len(data) else 0, 1.02)
        shapes = [
            Line2D(
                [], [], color="grey", ls="none", marker=TIER_MARKERS.get(str(t), "o"), label=f"tier {t}", gid="ref:tier"
            )
            for t in tiers
            if t is not None
        ]
        _figure_legend(fig, _strategy_handles(data["strategy"].unique(), line=False) + shapes)
        ax.grid(alpha=0.3)
        ax.set_title("Accuracy vs PR-AUC per dataset × model × strategy")
        return fig
