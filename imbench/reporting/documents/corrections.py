"""Probability corrections where they act: ``X+prior_correction`` and ``X+calibrate`` against ``X`` and ``none``.

Resampling and class weights move the base rate a model learns; a correction maps its probabilities
back. The section answers two questions from the run's numbers: how much of X's Brier harm (vs
``none``) a correction removes, and what it costs on the tuning metric and on F1 (tested against X,
in the report-wide Benjamini–Hochberg family).
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

from imbench.core.schema import BASELINE
from imbench.reporting.documents.evidence import _n, pair_items
from imbench.reporting.renderers.blocks import Bullets, Heading, Para, code
from imbench.reporting.tables.analysis import Analysis
from imbench.reporting.tables.comparisons import RankComparison, correction_base

SECTION_METRICS = ("brier", "f1")
"""Judged besides the run's tuning metric: the probability quality corrections target, and the thresholded cost."""


def correction_section(a: Analysis) -> list:
    """Harm removed per corrected strategy × model, then each correction's test against its base."""
    harm = [s for c in _comparisons(a, "brier") for s in harm_removed(c)]
    tests = []
    for m in (a.metric, *(x for x in SECTION_METRICS if x != a.metric)):
        for c in _comparisons(a, m):
            pairs = [(s, BASELINE, "wilcoxon") for s in c.strategies if correction_base(s) == BASELINE]
            pairs += [
                (s, str(b), "correction")
                for s, b in zip(c.correction.get("strategy", []), c.correction.get("baseline", []), strict=True)
            ]
            tests += pair_items(c, c.group.model, pairs)
    if not harm and not tests:
        return []
    return [
        Heading("Probability corrections where they act"),
        Para(
            f"{code('prior_correction')} maps probabilities learned on resampled or reweighted rows back to the "
            f"training prior; {code('calibrate')} recalibrates the whole pipeline on held-out training folds. "
            f"Harm = mean Brier over datasets (over origins where datasets share one) minus {code(BASELINE)}'s; the "
            "share removed is 1 − (corrected harm / uncorrected harm), with a 95 % t-interval of the per-dataset "
            "(per-origin) Brier reduction. The tests compare each "
            "corrected strategy with the same strategy uncorrected.",
            small=True,
        ),
        Bullets(harm + tests),
    ]


def _comparisons(a: Analysis, metric: str) -> list[RankComparison]:
    return [c for (m, _model), c in sorted(a.overall.items()) if m == metric and c.ok]


def harm_removed(c: RankComparison) -> list[str]:
    """For each base X with corrected variants in ``c`` (a Brier comparison): X's harm and what each variant leaves."""
    bv = c.block_values
    if BASELINE not in bv:
        return []
    variants: dict[str, list[str]] = {}
    for s in c.strategies:
        b = correction_base(s)
        if b is not None and b != BASELINE and b in bv:
            variants.setdefault(b, []).append(s)
    out = []
    for base, corrected in sorted(variants.items()):
        harm = float((bv[base] - bv[BASELINE]).mean())
        parts = []
        for v in sorted(corrected):
            left = float((bv[v] - bv[BASELINE]).mean())
            reduction = (bv[base] - bv[v]).to_numpy(dtype=float)
            lo, hi = _t_interval(reduction)
            share = ""
            if harm > 0:
                removed = 1 - left / harm
                share = (
                    ", removes all of the harm"
                    if removed >= 1
                    else ", adds to the harm"
                    if removed < 0
                    else f", removes {100 * removed:.0f} % of the harm"
                )
            parts.append(
                f"{code(v)} {left:+.4f}{share} (reduction {reduction.mean():+.4f}, 95 % CI {lo:+.4f} to {hi:+.4f})"
            )
        out.append(
            f"Brier vs {code(BASELINE)}, {code(c.group.model)} ({_n(len(bv), c.block_unit)}): {code(base)} "
            f"{harm:+.4f}; " + "; ".join(parts) + "."
        )
    return out


def _t_interval(x: np.ndarray) -> tuple[float, float]:
    if len(x) < 2:
        return float("nan"), float("nan")
    half = float(sps.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return float(x.mean()) - half, float(x.mean()) + half
