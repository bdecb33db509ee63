"""Leave-one-family-out validation of the advice: would it have helped on datasets it never saw?

Every family of reference datasets (a ladder with its base, KEEL variants of one source) is held out in
turn; the meta-model is built from the others and advises on each held-out dataset × model. The advice's
*regret* is the gain of the best strategy in hindsight minus the gain of the advised one (0 = it picked the
best); it is set beside two rules that need no meta-features: "always ``none``" and "always the strategy
with the best mean gain on the other datasets". The difference in mean regret is given with a 95 %
bootstrap interval that resamples families (datasets of one family are not independent), and the advice
is trusted for a model only where that interval lies below zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from imbench.advice.metamodel import K, KnnMetaModel, overall_gains
from imbench.advice.reference import Reference
from imbench.schema import BASELINE

K_GRID = (3, 5, 7, 11, 15)
BOOTSTRAP = 2000
ADVICE, OVERALL, NONE = "advice", "overall_best", "none"


def held_out_choices(reference: Reference, objective: str = "pr_auc", k: int = K) -> pd.DataFrame:
    """One row per held-out dataset × model: the strategies each rule chose and their regrets."""
    families = reference.families()
    rows: list[dict[str, Any]] = []
    gains = reference.gains
    for fam in sorted(set(families.values())):
        held = [d for d, f in families.items() if f == fam]
        train = reference.subset([d for d in reference.meta if d not in held])
        if not train.meta:
            continue
        meta_model = KnnMetaModel(train, k=k)
        for d in held:
            for model, actual in gains[gains["dataset"] == d].groupby("model"):
                truth = actual.set_index("strategy")[objective].dropna()
                if truth.empty:
                    continue
                truth[BASELINE] = 0.0
                ranked = [e.strategy for e in meta_model.predict(reference.meta[d], str(model), objective)]
                advice = next((s for s in ranked if s in truth.index), BASELINE)
                overall = next(
                    (s for s in overall_gains(train, str(model), objective).index if s in truth.index), BASELINE
                )
                best = float(truth.max())
                rows.append(
                    {
                        "family": fam,
                        "dataset": d,
                        "model": str(model),
                        "best": str(truth.idxmax()),
                        "advice": advice,
                        "overall_best": overall,
                        f"regret_{ADVICE}": best - float(truth[advice]),
                        f"regret_{OVERALL}": best - float(truth[overall]),
                        f"regret_{NONE}": best,
                    }
                )
    return pd.DataFrame(rows)


def coverage(reference: Reference, objective: str = "pr_auc", k: int = K) -> float:
    """Share of held-out (dataset, model, strategy) gains inside the predicted 80 % range."""
    families = reference.families()
    hits, total = 0, 0
    for fam in sorted(set(families.values())):
        held = [d for d, f in families.items() if f == fam]
        meta_model = KnnMetaModel(reference.subset([d for d in reference.meta if d not in held]), k=k)
        for d in held:
            actual = reference.gains[reference.gains["dataset"] == d]
            for model, a in actual.groupby("model"):
                truth = a.set_index("strategy")[objective].dropna()
                for e in meta_model.predict(reference.meta[d], str(model), objective):
                    if e.strategy in truth.index and e.neighbours >= 2:
                        total += 1
                        hits += int(e.low <= truth[e.strategy] <= e.high)
    return hits / total if total else float("nan")


def _cluster_ci(diff: pd.Series, family: pd.Series, seed: int) -> tuple[float, float]:
    """95 % bootstrap interval of the mean of ``diff``, resampling whole families."""
    groups = [g.to_numpy() for _, g in diff.groupby(family)]
    if len(groups) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(groups), len(groups))
        means.append(np.concatenate([groups[i] for i in pick]).mean())
    lo, hi = np.quantile(means, [0.025, 0.975])
    return float(lo), float(hi)


def summarize(choices: pd.DataFrame, seed: int = 0) -> dict[str, dict[str, Any]]:
    """Per model (and ``all``): mean regret of each rule, advice − overall-best with its interval, the verdict."""
    out: dict[str, dict[str, Any]] = {}
    if choices.empty:
        return out
    for model, g in [*choices.groupby("model"), ("all", choices)]:
        diff = g[f"regret_{ADVICE}"] - g[f"regret_{OVERALL}"]
        lo, hi = _cluster_ci(diff, g["family"], seed)
        overall = g[OVERALL].mode()
        out[str(model)] = {
            "datasets": int(g["dataset"].nunique()),
            "families": int(g["family"].nunique()),
            **{f"regret_{r}": float(g[f"regret_{r}"].mean()) for r in (ADVICE, OVERALL, NONE)},
            "advice_minus_overall": float(diff.mean()),
            "ci_low": lo,
            "ci_high": hi,
            "advice_better": int((diff < 0).sum()),
            "advice_worse": int((diff > 0).sum()),
            "overall_strategy": str(overall.iloc[0]) if len(overall) else BASELINE,
            "verdict": ADVICE if hi < 0 else OVERALL,
        }
    return out


def validate(reference: Reference, seed: int = 0) -> dict[str, Any]:
    """The validation block stored in the reference table: per objective the summary, the range coverage (for
    the primary objectives) and, for PR-AUC, the advice's mean regret at other k."""
    result: dict[str, Any] = {"k": K, "method": "leave-one-family-out", "bootstrap": BOOTSTRAP, "objectives": {}}
    for objective in reference.objectives:
        choices = held_out_choices(reference, objective)
        block: dict[str, Any] = {"models": summarize(choices, seed)}
        if not objective.startswith("cost_"):
            block["range_coverage"] = coverage(reference, objective)
        result["objectives"][objective] = block
    result["k_sensitivity"] = {
        str(k): float(held_out_choices(reference, "pr_auc", k)[f"regret_{ADVICE}"].mean()) for k in K_GRID
    }
    return result
