"""The cheat-sheet at a glance: per metric, one tier × model grid of verdicts, each with its effect and interval.

The same verdicts as the full table below it (``imbench.reporting.tables.verdicts``), shortened to what a reader
scans for: the strategy to use (its median gain over ``none`` and the 95 % bootstrap interval of that
median), or ``none`` where no strategy is reliably better, and the strategies reliably worse.
"""

from __future__ import annotations

import numpy as np

from imbench.core.schema import BASELINE
from imbench.reporting.documents.evidence import _n
from imbench.reporting.renderers.blocks import Cell, Heading, Para, Table, code
from imbench.reporting.tables.analysis import Analysis, label
from imbench.reporting.tables.comparisons import RankComparison
from imbench.reporting.tables.groups import Group
from imbench.reporting.tables.verdicts import Verdict

MAX_AVOID = 2


def glance_cell(c: RankComparison, v: Verdict) -> str | Cell:
    """``X +0.020 [+0.008, +0.032]`` (bold), ``keep none`` (+ ``avoid …``), ``too few datasets: …`` or ``—``."""
    if v.kind == "empty" or not c.ok:
        return "—"
    avoid = ""
    if v.avoid:
        avoid = "; avoid " + ", ".join(code(s) for s in v.avoid[:MAX_AVOID])
        avoid += f" +{len(v.avoid) - MAX_AVOID} more" if len(v.avoid) > MAX_AVOID else ""
    flags = " ⚑" if v.flags else ""
    if v.kind == "untestable":
        return f"too few {c.block_unit}s: keep {code(BASELINE)}{avoid}{flags}"
    if v.kind != "better" or v.strategy is None:
        return f"keep {code(BASELINE)}{avoid}{flags}"
    row = c.versus_baseline(v.strategy) or {}
    med, lo, hi = (float(row.get(k, np.nan)) for k in ("median_diff", "median_ci_low", "median_ci_high"))
    text = f"{code(v.strategy)} {med:+.3f}"
    if np.isfinite(lo) and np.isfinite(hi):
        text += f" [{lo:+.3f}, {hi:+.3f}]"
    if c.mostly_within_rope(v.strategy):
        text += " ≈"
    if v.calibration:
        text += " ⚠"
    return Cell(text + avoid + flags, bold=True)


def glance_section(a: Analysis) -> list:
    """Heading, one grid per metric (rows: imbalance tiers, columns: models) and the legend."""
    groups = a.groups
    if not groups:
        return []
    models = list(dict.fromkeys(g.model for g in groups))
    rows_of: dict[str, dict[str, Group]] = {}
    sizes: dict[str, str] = {}
    units: set[str] = set()
    for g in groups:
        name = g.label
        rows_of.setdefault(name, {})[g.model] = g
        c = a.by_group[(a.metric, g)]
        units.add(c.block_unit)
        unit = "" if c.block_unit == "dataset" else f" ({_n(c.n_datasets, c.block_unit)})"
        sizes.setdefault(name, _n(len(g.datasets(a.meta)), "dataset") + unit)
    blocks: list = [Heading("At a glance")]
    lower: list[str] = []
    for m in a.metrics:
        rows = []
        for name, by_model in rows_of.items():
            cells: list[str | Cell] = [f"{name}: {sizes[name]}"]
            for model in models:
                at = by_model.get(model)
                cells.append("—" if at is None else glance_cell(a.by_group[(m, at)], a.verdict(m, at)))
            rows.append(cells)
        greater = next(a.by_group[(m, g)].greater for g in groups)
        lower += [] if greater else [label(m)]
        title = f"{label(m)}{'' if greater else ' (lower is better)'}: strategy to use per imbalance tier and model"
        blocks += [Para(title), Table(["tier", *map(code, models)], rows)]
    blocks.append(Para(legend(a, units, lower), small=True))
    return blocks


def legend(a: Analysis, units: set[str], lower: list[str]) -> str:
    """What the grid's words, numbers and marks mean, for this run (its test family, units, metric directions)."""
    none = code(BASELINE)
    family = a.correction_statement()
    per = "per dataset" + (
        " (per origin: the datasets cut from one base table are one unit of evidence, averaged)"
        if "origin" in units
        else ""
    )
    sign = f"; for {', '.join(lower)} a negative change is the better one" if lower else ""
    return (
        f"A strategy is named (bold) only where it is reliably better than {none} (Wilcoxon signed-rank over "
        f"origins, {family}); the number is its median change over {none} {per}, in the metric's units{sign}, "
        f"with the 95 % bootstrap interval of that median. ≈: the Bayesian signed-rank test puts the gain mostly "
        f'within the ROPE (reliable but small). ⚠: the named strategy worsens calibration. "keep {none}": no '
        f'strategy is reliably better. "avoid": reliably worse than {none} (the worst first; "+N more": further '
        f"ones). ⚑: degenerate cells among the row's datasets. —: not run. The full evidence (IQR, "
        'wins/ties/losses, Bayesian probabilities, q, flags) is in "Verdicts by imbalance tier and model".'
    )
