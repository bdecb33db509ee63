"""Sound bites: facts stated in the run's own figures (accuracy paradox, calibration cost of resampling,
threshold tuning against resampling); each is left out when the run lacks what it needs."""

from __future__ import annotations

import numpy as np

from imbench.core.schema import BASELINE
from imbench.reporting.renderers.blocks import code
from imbench.reporting.tables.analysis import Analysis
from imbench.strategies import parse_strategy

MATCH_TOLERANCE = 0.01
"""``threshold`` 'matches' resampling when its F1 is at least the best resampler's minus this."""


def sound_bites(a: Analysis) -> list[str]:
    """Facts in the run's own figures; each is omitted when the run lacks what it needs."""
    return [s for s in (accuracy_paradox(a), calibration_cost(a), threshold_vs_resampling(a)) if s]


def accuracy_paradox(a: Analysis) -> str | None:
    """Accuracy vs PR-AUC of ``none`` on the most imbalanced dataset, against the always-negative accuracy."""
    r = a.results
    need = {"test_accuracy", "test_average_precision", "ir"}
    if not need <= set(r.columns):
        return None
    base = r[(r["strategy"] == BASELINE) & (r["status"] == "ok")].dropna(
        subset=["test_accuracy", "test_average_precision"]
    )
    if base.empty or base["ir"].isna().all():
        return None
    ds = base.loc[base["ir"].idxmax(), "dataset"]
    sub = base[base["dataset"] == ds]
    ir = float(sub["ir"].iat[0])
    parts = []
    for model, g in sub.groupby("model"):
        parts.append(
            f"accuracy {g['test_accuracy'].mean():.3f} but PR-AUC {g['test_average_precision'].mean():.3f} "
            f"with {code(model)}"
        )
    s = (
        f"Accuracy paradox: on {code(ds)} (IR {ir:.1f}, the most imbalanced dataset), {code(BASELINE)} scores "
        + "; ".join(parts)
    )
    return s + f" — predicting the majority class for every case would already score accuracy {ir / (1 + ir):.3f}."


def _families(a: Analysis) -> dict[str, str]:
    r = a.results
    fam: dict[str, str] = {}
    if "family" in r.columns:
        fam = (
            r.dropna(subset=["family"])
            .drop_duplicates("strategy")
            .set_index("strategy")["family"]
            .astype(str)
            .to_dict()
        )
    for s in r["strategy"].unique():
        if s not in fam:
            try:
                fam[s] = parse_strategy(s).family
            except Exception:
                fam[s] = ""
    return fam


def calibration_cost(a: Analysis) -> str | None:
    """Mean Brier change of resampling strategies vs none over all datasets, per model."""
    fam = _families(a)
    diffs, sig_worse, tested, pairs, base_vals, units = [], 0, 0, 0, [], set()
    for (m, _model), c in a.overall.items():
        if m != "brier" or not c.ok or c.wilcoxon.empty:
            continue
        w = c.wilcoxon[c.wilcoxon["strategy"].map(lambda s: "resample" in fam.get(s, "").split("+"))]
        for row in w.itertuples(index=False):
            pairs += 1
            diffs.append(row.mean_diff)
            tested += int(np.isfinite(row.p_adj))
            sig_worse += int(row.significant and row.mean_diff > 0)
        if len(w):
            base_vals.append(float(c.fold_values[BASELINE].mean()))
            units.add(c.block_unit)
    if not pairs:
        return None
    mean = float(np.mean(diffs))
    direction = "raises" if mean > 0 else "lowers"
    few = "too few origins" if units == {"origin"} else "too few datasets"
    over = "origins" if "origin" in units else "datasets"
    return (
        f"Calibration: resampling {direction} the Brier score by {abs(mean):.4f} on average over datasets vs "
        f"{code(BASELINE)} (whose mean Brier is {np.mean(base_vals):.4f}), over {pairs} resampling strategy × model "
        + (
            f"pair(s); {few} for a test in every pair."
            if not tested
            else f"pair(s); significantly worse (Wilcoxon over {over}, Benjamini–Hochberg) in {sig_worse} of "
            + (f"{pairs}." if tested == pairs else f"the {tested} tested ({pairs - tested} had {few}).")
        )
    )


def threshold_vs_resampling(a: Analysis) -> str | None:
    """How often ``threshold`` alone reaches the F1 of the best pure resampling strategy, per dataset × model (a
    pick made after seeing the test scores, which favours resampling), and of each resampler on its own."""
    fam = _families(a)
    matched = total = 0
    t_vals, r_vals = [], []
    each: dict[str, list[int]] = {}
    for (m, _model), c in a.overall.items():
        if m != "f1" or not c.ok or "threshold" not in c.strategies:
            continue
        resamplers = [s for s in c.strategies if fam.get(s) == "resample"]
        if not resamplers:
            continue
        means = c.fold_values.groupby(level="dataset").mean()
        for _, row in means.iterrows():
            best = float(row[resamplers].max())
            total += 1
            matched += int(row["threshold"] >= best - MATCH_TOLERANCE)
            t_vals.append(float(row["threshold"]))
            r_vals.append(best)
            for s in resamplers:
                each.setdefault(s, []).append(int(row["threshold"] >= float(row[s]) - MATCH_TOLERANCE))
    if not total:
        return None
    singles = ", ".join(f"{code(s)} {sum(v)}/{len(v)}" for s, v in sorted(each.items()))
    return (
        f"Threshold tuning alone ({code('threshold')}) reaches the F1 of the best of {len(each)} resampling "
        f"strategies (within {MATCH_TOLERANCE}; the best picked per dataset after seeing the test scores, which "
        f"favours resampling) in {matched} of {total} dataset × model pair(s); mean F1 "
        f"{np.mean(t_vals):.3f} vs {np.mean(r_vals):.3f} for that pick. Against each resampler on its own it is within "
        f"{MATCH_TOLERANCE} or better in: {singles}."
    )
