"""Groups of a report: which datasets a cheat-sheet row compares (imbalance tier, data-size band or minority
size, per model), the datasets' metadata those rows are cut from, and the merging of rows too small to test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from imbench.datasets.base import tier_of

TIER_ORDER = ("low", "medium", "high", "extreme")
TIER_RANGES = {"low": "IR < 5", "medium": "5 ≤ IR < 10", "high": "10 ≤ IR < 50", "extreme": "IR ≥ 50"}
BANDS = (("n<1000", 1000), ("1000–10000", 10001), (">10000", float("inf")))
TIER_BOUNDS = {"low": (None, 5), "medium": (5, 10), "high": (10, 50), "extreme": (50, None)}
MIN_DATASETS = 3
"""A cheat-sheet row resting on fewer datasets is merged with its neighbour."""
MINORITY_BINS = (("< 30", 30), ("30–100", 101), ("> 100", float("inf")))
"""Second view: datasets by their number of positives (minority size), as the IR tiers confound it."""
MINORITY_BOUNDS = {"< 30": (None, 29), "30–100": (30, 100), "> 100": (101, None)}


def minority_bin(n_pos: float) -> str:
    """Minority-size bin of a dataset with ``n_pos`` positives."""
    for name, upper in MINORITY_BINS:
        if n_pos < upper:
            return name
    return MINORITY_BINS[-1][0]


def tier_range(tier: str) -> str:
    """'IR < 5' for one tier, the span of the merged tiers for 'low+medium+high' (IR < 50)."""
    parts = tier.split("+")
    if len(parts) == 1:
        return TIER_RANGES.get(tier, "?")
    if any(p not in TIER_BOUNDS for p in parts):
        return "?"
    lo, hi = TIER_BOUNDS[parts[0]][0], TIER_BOUNDS[parts[-1]][1]
    return f"IR < {hi}" if lo is None else f"IR ≥ {lo}" if hi is None else f"{lo} ≤ IR < {hi}"


def band_of(n: float) -> str:
    """Data-size band of a dataset with ``n`` rows."""
    for name, upper in BANDS:
        if n < upper:
            return name
    return BANDS[-1][0]


def dataset_meta(results: pd.DataFrame) -> pd.DataFrame:
    """One row per dataset: ir, tier, n, n_pos, band (from the first row that has them)."""

    cols = [c for c in ("dataset", "ir", "tier", "n", "n_pos", "source") if c in results.columns]
    meta = results[cols].drop_duplicates("dataset").set_index("dataset")
    if "ir" not in meta:
        meta["ir"] = np.nan
    if "tier" not in meta:
        meta["tier"] = [tier_of(v) if pd.notna(v) else "unknown" for v in meta["ir"]]
    meta["tier"] = meta["tier"].fillna("unknown").astype(str)
    if "n" not in meta:
        meta["n"] = np.nan
    meta["band"] = [band_of(v) if pd.notna(v) else "unknown" for v in meta["n"]]
    if "n_pos" not in meta:
        meta["n_pos"] = np.nan
    meta["minority"] = [minority_bin(v) if pd.notna(v) else "unknown" for v in meta["n_pos"]]
    return meta.sort_values(["ir", "n"], na_position="last")


@dataclass(frozen=True)
class Group:
    """A slice of the run compared on its own: one model and the datasets of a tier (and size band)."""

    model: str
    tier: str = "all"
    """One tier, tiers merged with '+' (a row that would rest on too few datasets), or 'all'."""
    band: str | None = None
    minority: str | None = None
    """Minority-size bins (merged with '+'); set instead of a tier for the second view."""

    @property
    def tier_label(self) -> str:
        """'low (IR < 5)', 'low–high (IR < 50)' for merged tiers, 'all'."""
        if self.tier == "all":
            return "all"
        parts = self.tier.split("+")
        name = parts[0] if len(parts) == 1 else f"{parts[0]}–{parts[-1]}"
        return f"{name} ({tier_range(self.tier)})"

    @property
    def minority_label(self) -> str:
        """'< 30 positives', or the span of merged bins ('≤ 100 positives', '≥ 30 positives')."""
        parts = (self.minority or "").split("+")
        lo, hi = MINORITY_BOUNDS.get(parts[0], (None, None))[0], MINORITY_BOUNDS.get(parts[-1], (None, None))[1]
        if len(parts) == 1:
            return f"{parts[0]} positives"
        text = (
            "any number of"
            if lo is None and hi is None
            else f"≤ {hi}"
            if lo is None
            else f"≥ {lo}"
            if hi is None
            else f"{lo}–{hi}"
        )
        return f"{text} positives"

    @property
    def label(self) -> str:
        parts = [self.minority_label if self.minority else self.tier_label]
        if self.band:
            parts.append(self.band)
        return ", ".join(parts)

    def datasets(self, meta: pd.DataFrame) -> list[str]:
        m = meta
        if self.tier != "all":
            m = m[m["tier"].isin(self.tier.split("+"))]
        if self.band:
            m = m[m["band"] == self.band]
        if self.minority:
            m = m[m["minority"].isin(self.minority.split("+"))]
        return list(m.index)


MIN_BAND_DATASETS = 3


def cheat_groups(results: pd.DataFrame, meta: pd.DataFrame) -> list[Group]:
    """Tier × model groups (× size band when the run spans more than one band) that have rows.

    Size bands split a tier only when every tier × band cell then still holds at least
    ``MIN_BAND_DATASETS`` datasets; otherwise the split would leave groups too small to rank.
    """
    per_cell = meta.groupby(["tier", "band"]).size()
    use_band = meta["band"].nunique() > 1 and bool((per_cell >= MIN_BAND_DATASETS).all())
    models = sorted(results["model"].unique())
    present = [t for t in TIER_ORDER if t in set(meta["tier"])] + sorted(set(meta["tier"]) - set(TIER_ORDER))
    counts = meta["tier"].value_counts()
    groups = []
    for tier in merge_small(present, [int(counts.get(t, 0)) for t in present]):
        in_tier = meta["tier"].isin(tier.split("+"))
        bands = [b for b, _ in BANDS if b in set(meta.loc[in_tier, "band"])] if use_band else [None]
        for band in bands:
            for model in models:
                g = Group(model, tier, band)
                if g.datasets(meta):
                    groups.append(g)
    return groups


def minority_groups(results: pd.DataFrame, meta: pd.DataFrame) -> list[Group]:
    """Minority-size bin × model groups (bins with fewer than ``MIN_DATASETS`` datasets merged)."""
    present = [b for b, _ in MINORITY_BINS if b in set(meta["minority"])]
    counts = meta["minority"].value_counts()
    return [
        Group(model, "all", None, bins)
        for bins in merge_small(present, [int(counts.get(b, 0)) for b in present])
        for model in sorted(results["model"].unique())
    ]


def merge_small(names: Sequence[str], counts: Sequence[int], minimum: int = MIN_DATASETS) -> list[str]:
    """Merge ordered bins ('+'-joined) so that each holds at least ``minimum`` datasets where the run allows.

    Bins accumulate forward until they reach ``minimum``; a short tail joins the previous bin.
    """
    out: list[tuple[list[str], int]] = []
    cur: list[str] = []
    n = 0
    for name, c in zip(names, counts):
        cur.append(name)
        n += c
        if n >= minimum:
            out.append((cur, n))
            cur, n = [], 0
    if cur:
        if out:
            out[-1] = (out[-1][0] + cur, out[-1][1] + n)
        else:
            out.append((cur, n))
    return ["+".join(parts) for parts, _ in out]
