"""Evidence sentences: one strategy against its baseline, in the numbers of a comparison table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from imbench.reporting.renderers.blocks import code
from imbench.reporting.tables.analysis import label
from imbench.reporting.tables.comparisons import RankComparison


def _n(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else many or one + 's'}"


def _f(x: float, scale: float = 1.0, digits: int = 3) -> str:
    return f"{scale * x:+.{digits}f}" if np.isfinite(x) else "n/a"


def evidence_text(
    c: RankComparison, strategy: str, scale: float = 1.0, digits: int = 3, table: str = "wilcoxon"
) -> str:
    """Median Δ with IQR, mean, win/tie/loss, Bayesian probabilities and adjusted p of one strategy vs its baseline."""
    df = getattr(c, table)
    row = df.set_index("strategy").loc[strategy]
    pb, pe, pw = c.bayes(strategy, table)
    text = (
        f"median Δ {_f(row['median_diff'], scale, digits)} (IQR {_f(row['q1_diff'], scale, digits)} to "
        f"{_f(row['q3_diff'], scale, digits)}; mean {_f(row['mean_diff'], scale, digits)}), "
        f"W/T/L {int(row['wins'])}/{int(row['ties'])}/{int(row['losses'])}"
    )
    if np.isfinite(pb):
        text += f", P(better/≈/worse) {pb:.2f}/{pe:.2f}/{pw:.2f}"
    if bool(row["testable"]) and np.isfinite(row["p_adj"]):
        text += f", q = {row['p_adj']:.2g}"
        if not bool(row["significant"]) and np.isfinite(row.get("detectable", np.nan)):
            text += f"; 80 % power needs a change of ≥ {abs(scale) * row['detectable']:.{digits}f}"
    return text


def verdict_word(row: pd.Series, unit: str = "dataset") -> str:
    """better / worse / no reliable difference / too few datasets (origins) to test, from a comparison-table row."""
    if bool(row["significant"]):
        return "better" if row["better"] else "worse"
    return "no reliable difference" if bool(row["testable"]) else f"too few {unit}s to test"


def pair_items(c: RankComparison, model: str, pairs: Sequence[tuple[str, str, str]]) -> list[str]:
    """One sentence per (strategy, its baseline, table holding the test): the verdict and its evidence."""
    items = []
    for s, b, table in pairs:
        row = getattr(c, table).set_index("strategy").loc[s]
        items.append(
            f"{code(s)} vs {code(b)}, {label(c.metric)}, {code(model)} ({_n(c.n_datasets, c.block_unit)}): "
            f"{verdict_word(row, c.block_unit)}; " + evidence_text(c, s, table=table) + "."
        )
    return items
