"""One look per strategy, the same in every figure of every report.

Colours are keyed by strategy *name*, never by the order a plot happens to meet the strategies, so a
reader can learn "orange is SMOTE" once. Known names get fixed, well-separated colours; any other name
gets a deterministic colour from a hash of the name (stable across processes, unlike ``hash()``).
The baseline ``none`` is always near-black and dashed.
"""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

BASELINE = "none"
BASELINE_COLOR = "#1a1a1a"

KNOWN: dict[str, str] = {
    "smote": "#e66100",
    "adasyn": "#1f78b4",
    "class_weight": "#33a02c",
    "scale_pos_weight": "#6a3d9a",
    "easy_ensemble": "#8c564b",
    "balanced_rf": "#e7298a",
    "threshold": "#00a6a6",
    "random_over": "#b8860b",
    "random_under": "#5e81b5",
    "borderline_smote": "#d62728",
    "smote_tomek": "#9467bd",
    "smote_enn": "#7f7f00",
    "rus_boost": "#8c6d31",
    "balanced_bagging": "#d6616b",
    "smote+threshold": "#7f3b08",
    "class_weight+threshold": "#1b7837",
}
"""Fixed colours for the strategies the project ships (dark enough to read as text on white)."""


@dataclass(frozen=True)
class Look:
    """How one strategy is drawn: colour, line style, line width and marker."""

    color: str
    linestyle: str
    linewidth: float
    marker: str


def color(strategy: str) -> str:
    """The strategy's colour as ``#rrggbb``: fixed for known names, hash-derived for the rest."""
    if strategy == BASELINE:
        return BASELINE_COLOR
    if strategy in KNOWN:
        return KNOWN[strategy]
    digest = hashlib.sha256(strategy.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    light = 0.32 + 0.14 * digest[2] / 255
    sat = 0.55 + 0.35 * digest[3] / 255
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def look(strategy: str) -> Look:
    """Colour plus style: the baseline is dashed and thicker, every other strategy solid."""
    if strategy == BASELINE:
        return Look(BASELINE_COLOR, "--", 2.2, "s")
    return Look(color(strategy), "-", 1.4, "o")


def ordered(strategies: Iterable[str]) -> list[str]:
    """Legend order: the baseline first, then the rest by name (the same order in every figure)."""
    names = set(strategies)
    return ([BASELINE] if BASELINE in names else []) + sorted(names - {BASELINE})


def gid(strategy: str) -> str:
    """The artist id a figure sets on everything it draws for ``strategy`` (lets tests find it)."""
    return f"strategy:{strategy}"


__all__ = ["BASELINE", "BASELINE_COLOR", "KNOWN", "Look", "color", "gid", "look", "ordered"]
