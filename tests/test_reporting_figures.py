"""Figures tell the truth about colours: every strategy is drawn in its palette colour in every figure, and
every line, bar or marker drawn for a strategy has a legend entry of that strategy in that colour."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from test_reporting import make_run

from imbench.reporting.figures import data as figd
from imbench.reporting.figures import draw as fig
from imbench.reporting.figures import palette
from imbench.reporting.load import load_run
from imbench.reporting.tables.analysis import Analysis, analyse

DATASETS = {"low0": 2.0, "low1": 3.0, "med0": 7.0, "high0": 20.0, "ext0": 80.0}
EFFECTS = {"none": 0.0, "smote": 0.02, "threshold": 0.0, "class_weight": 0.01, "my_custom+threshold": -0.01}


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    run = make_run(tmp_path_factory.mktemp("figs") / "run", DATASETS, EFFECTS, models=("logreg", "lightgbm"), folds=3)
    return analyse(load_run(run))


def all_figures(a: Analysis) -> Iterator[tuple[str, Any]]:
    """Every figure the report draws, as matplotlib Figures (before PNG encoding)."""
    import matplotlib.pyplot as plt

    for (m, model), c in a.overall.items():
        if m in a.metrics and c.ok:
            yield f"cd {m} {model}", fig.draw_cd_diagram(c)
    heat = figd.gain_heatmap_data([c for (m, _), c in a.by_group.items() if m == a.metric])
    yield "heatmap", fig.draw_gain_heatmap(heat, "PR-AUC", True)
    yield "metric vs ir", fig.draw_metric_vs_ir(figd.metric_vs_ir_data(a.results, a.metric), "PR-AUC")
    yield (
        "calibration",
        fig.draw_calibration_harm(
            figd.calibration_harm_data([c for (m, _), c in a.overall.items() if m in ("brier", "ece")])
        ),
    )
    assert a.run.predictions is not None
    yield "pr curves", fig.draw_pr_curves(figd.pr_curve_data(a.run.predictions, "ext0"), "ext0")
    yield "accuracy", fig.draw_accuracy_vs_prauc(figd.accuracy_vs_prauc_data(a.results))
    plt.close("all")


def _colour(artist: Any) -> str:
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    if isinstance(artist, Line2D):
        c = artist.get_color() if artist.get_linestyle() != "None" else artist.get_markerfacecolor()
    elif isinstance(artist, Collection):
        c = artist.get_facecolor()[0]
    elif isinstance(artist, Text):
        c = artist.get_color()
    else:
        c = artist.get_facecolor()
    return to_hex(c)


def _legend_entries(figure: Any) -> list[tuple[str, str]]:
    legends = list(figure.legends) + [ax.get_legend() for ax in figure.axes if ax.get_legend() is not None]
    return [(t.get_text(), _colour(h)) for lg in legends for h, t in zip(lg.legend_handles, lg.texts)]


def _strategy_artists(figure: Any) -> list[tuple[str, Any]]:
    out = []
    for ax in figure.axes:
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
            gid = artist.get_gid() or ""
            if gid.startswith("strategy:"):
                out.append((gid.removeprefix("strategy:"), artist))
    return out


def test_palette_is_stable_and_keyed_by_name() -> None:
    assert palette.color("none") == palette.BASELINE_COLOR and palette.look("none").linestyle == "--"
    assert palette.color("smote") == palette.KNOWN["smote"]
    other = palette.color("my_custom+threshold")
    assert other == palette.color("my_custom+threshold") and other.startswith("#") and len(other) == 7
    assert other not in (palette.BASELINE_COLOR, palette.color("my_other"))
    assert len(set(palette.KNOWN.values())) == len(palette.KNOWN)
    assert palette.ordered(["threshold", "none", "adasyn"]) == ["none", "adasyn", "threshold"]


def test_every_strategy_mark_matches_its_legend_entry(analysis: Analysis) -> None:
    seen: dict[str, set[str]] = {}
    figures = list(all_figures(analysis))
    assert len(figures) >= 8
    for name, figure in figures:
        artists = _strategy_artists(figure)
        if name == "heatmap":
            continue
        assert artists, f"{name}: nothing drawn for a strategy"
        entries = _legend_entries(figure)
        for s, artist in artists:
            colour = _colour(artist)
            assert colour == to_hex(palette.color(s)), f"{name}: {s} drawn in {colour}"
            seen.setdefault(s, set()).add(colour)
            if name.startswith("cd "):  # the diagram's own labels are its legend
                continue
            label = fig.legend_label(s)
            mine = [c for text, c in entries if text == label or text.startswith(label + " AP ")]
            assert mine, f"{name}: no legend entry for {s} (entries: {[t for t, _ in entries]})"
            assert set(mine) == {colour}, f"{name}: legend colour of {s} is {mine}, drawn {colour}"
        if not name.startswith("cd "):
            for ax in figure.axes:  # nothing drawn anonymously: every mark is a strategy's or a reference
                for artist in [*ax.lines, *ax.collections, *ax.patches]:
                    assert artist.get_gid(), f"{name}: untagged {type(artist).__name__}"
        drawn = {s for s, _ in artists}
        if name in ("metric vs ir", "accuracy"):
            assert drawn == set(EFFECTS), f"{name}: {drawn}"
    assert all(len(c) == 1 for c in seen.values()), seen
    assert seen["none"] == {palette.BASELINE_COLOR}


def test_panels_wrap_and_pr_axis_fits_the_data(analysis: Analysis) -> None:
    import matplotlib.pyplot as plt

    assert analysis.run.predictions is not None
    pr = figd.pr_curve_data(analysis.run.predictions, "ext0")
    figure = fig.draw_pr_curves(pr, "ext0")
    ax = figure.axes[0]
    top = ax.get_ylim()[1]
    steady = pr[pr["recall"] >= fig.RECALL_FOR_ZOOM]["precision"].max()
    assert steady <= top <= max(1.1 * steady, 3 * pr["prevalence"].max(), 0.05) + 1e-9
    assert any(line.get_gid() == "ref:prevalence" for line in ax.lines)
    assert np.isfinite(pr["ap"]).all() and {"ap", "ap_pooled"} <= set(pr.columns)
    plt.close(figure)
    data = figd.metric_vs_ir_data(analysis.results, analysis.metric)
    base = data[data["model"] == "logreg"]
    five = pd.concat([base.assign(model=m) for m in "abcde"], ignore_index=True)
    wide = fig.draw_metric_vs_ir(five, "PR-AUC")
    visible = [a for a in wide.axes if a.get_visible()]
    assert len(visible) == 5
    assert wide.get_size_inches()[0] * 110 <= 1400  # wraps into rows instead of one 5-panel strip
    plt.close(wide)


def test_palette_cross_report_stability(tmp_path: Path) -> None:
    """A second, different run draws smote in the same colour (colour depends on the name only)."""
    run = make_run(tmp_path / "other", {"a": 3.0, "b": 30.0, "c": 90.0}, {"smote": 0.0, "none": 0.0}, folds=2)
    a = analyse(load_run(run))
    figure = fig.draw_metric_vs_ir(figd.metric_vs_ir_data(a.results, a.metric), "PR-AUC")
    colours = {s: _colour(x) for s, x in _strategy_artists(figure)}
    assert colours == {"smote": palette.KNOWN["smote"], "none": palette.BASELINE_COLOR}


def test_ladder_curve_averages_bases_at_each_rung(tmp_path: Path) -> None:
    """Two ladder bases whose exact IRs differ (9.9 vs 10.1) share one point per rung: the curve is the mean
    over bases at the nominal rung, not a zigzag between the bases' slightly different IRs."""
    ladder = {f"ladder:{r}/{b}": r + d for r in (10, 20, 50) for b, d in (("keel:a", -0.1), ("keel:b", 0.1))}
    a = analyse(load_run(make_run(tmp_path / "ladder", ladder, {"none": 0.0, "smote": 0.02}, folds=2)))
    data = figd.metric_vs_ir_data(a.results, a.metric)
    assert sorted(data["ir"].unique()) == [10.0, 20.0, 50.0]
    figure = fig.draw_metric_vs_ir(data, "PR-AUC")
    for line in figure.axes[0].lines:
        assert list(line.get_xdata()) == [10.0, 20.0, 50.0]
    none = data[data["strategy"] == "none"].groupby("ir")["mean"].mean()
    drawn = next(x for s, x in _strategy_artists(figure) if s == "none")
    assert np.allclose(drawn.get_ydata(), none.to_numpy())
    import matplotlib.pyplot as plt

    plt.close(figure)


def test_a_wide_heatmap_keeps_its_text_legible_on_the_page() -> None:
    """16 tier × model columns make a figure wider than the report's page, which scales it down: its text is
    drawn larger by the same factor, so a cell value still shows at 8 pt or more (7 px before)."""
    rows = [
        {"strategy": s, "column": f"{t} {m}", "improvement": 0.01 * k, "mean_diff": 0.01 * k, "p_adj": 0.5}
        for k, s in enumerate(["smote", "adasyn", "class_weight"])
        for t in ("low", "medium", "high", "extreme")
        for m in ("logreg", "lightgbm", "xgboost", "random_forest")
    ]
    f = fig.draw_gain_heatmap(pd.DataFrame(rows), "PR-AUC", True)
    shown = min(1.0, fig.PAGE_INCHES / f.get_figwidth())  # the page's scale factor
    sizes = [t.get_fontsize() * shown for t in f.axes[0].texts]
    ticks = [t.get_fontsize() * shown for t in f.axes[0].get_xticklabels()]
    assert len(sizes) == 48 and min(sizes) >= 8 - 1e-9 and min(ticks) >= 9 - 1e-9
