"""Leave-one-family-out validation of the advice: would it have helped on datasets it never saw?

Every family of reference datasets (a ladder with its base, KEEL variants of one source) is held out in
turn; the meta-model is built from the others and advises on each held-out dataset × model. The advice's
*regret* is the gain of the best strategy in hindsight minus the gain of the advised one (0 = it picked the
best); a pick that has no result on the held-out dataset (it failed there, or does not apply) scores as
``none`` would, and is counted. Two rules that need no meta-features stand beside it: "always ``none``" and
"always the strategy with the best mean gain on the other families". The fallback is "always ``none``" unless
the overall best strategy reliably regrets less (95 % bootstrap interval of overall best − none below zero):
as in the cheat-sheet, a change from doing nothing needs evidence. The advice is trusted for a model only where the 95 % bootstrap interval of
advice − fallback (resampling whole families: datasets of one family are not independent) lies below zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from imbench.advice.metamodel import K, KnnMetaModel, overall_gains
from imbench.advice.reference import Reference
from imbench.schema import BASELINE

K_GRID = (3, 5, 7, 11, 15)
BOOTSTRAP = 2000
ADVICE, OVERALL, NONE = "advice", "overall_best", "none"


def _held_out(reference: Reference, k: int) -> Iterator[tuple[str, Reference, KnnMetaModel, str]]:
    """(family, the other families' table, the meta-model built from it, a dataset of the family) for every
    reference dataset: the one place that holds a family out."""
    families = reference.families()
    for fam in sorted(set(families.values())):
        held = [d for d, f in families.items() if f == fam]
        train = reference.subset([d for d in reference.meta if d not in held])
        if not train.meta:
            continue
        meta_model = KnnMetaModel(train, k=k)
        for d in held:
            yield fam, train, meta_model, d


def held_out_choices(reference: Reference, objective: str = "pr_auc", k: int = K) -> pd.DataFrame:
    """One row per held-out dataset × model: the strategies each rule chose and their regrets."""
    rows: list[dict[str, Any]] = []
    for fam, train, meta_model, d in _held_out(reference, k):
        for model, actual in reference.gains[reference.gains["dataset"] == d].groupby("model"):
            truth = actual.set_index("strategy")[objective].dropna()
            if truth.empty:
                continue
            truth[BASELINE] = 0.0
            ranked = meta_model.predict(reference.meta[d], str(model), objective)
            advice = ranked[0].strategy if ranked else BASELINE
            overall = str(overall_gains(train, str(model), objective).index[0])
            best = float(truth.max())
            rows.append(
                {
                    "family": fam,
                    "dataset": d,
                    "model": str(model),
                    "best": str(truth.idxmax()),
                    ADVICE: advice,
                    OVERALL: overall,
                    f"regret_{ADVICE}": best - float(truth.get(advice, 0.0)),
                    f"regret_{OVERALL}": best - float(truth.get(overall, 0.0)),
                    f"regret_{NONE}": best,
                    f"{ADVICE}_missing": advice not in truth.index,
                    f"{OVERALL}_missing": overall not in truth.index,
                }
            )
    return pd.DataFrame(rows)


def coverage(reference: Reference, objective: str = "pr_auc", k: int = K) -> float:
    """Share of held-out (dataset, model, strategy) gains inside the predicted 80 % range."""
    hits, total = 0, 0
    for _fam, _train, meta_model, d in _held_out(reference, k):
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
    """Per model (and ``all``): mean regret of each rule, the fallback rule, advice − fallback with its interval,
    and the verdict (``advice``, or the fallback's name)."""
    out: dict[str, dict[str, Any]] = {}
    if choices.empty:
        return out
    for model, g in [*choices.groupby("model"), ("all", choices)]:
        regret = {r: float(g[f"regret_{r}"].mean()) for r in (ADVICE, OVERALL, NONE)}
        over_none = g[f"regret_{OVERALL}"] - g[f"regret_{NONE}"]
        o_lo, o_hi = _cluster_ci(over_none, g["family"], seed)
        fallback = OVERALL if o_hi < 0 else NONE
        diff = g[f"regret_{ADVICE}"] - g[f"regret_{fallback}"]
        lo, hi = _cluster_ci(diff, g["family"], seed)
        overall = g[OVERALL].mode()
        out[str(model)] = {
            "datasets": int(g["dataset"].nunique()),
            "families": int(g["family"].nunique()),
            **{f"regret_{r}": v for r, v in regret.items()},
            "advice_missing": int(g[f"{ADVICE}_missing"].sum()),
            "overall_missing": int(g[f"{OVERALL}_missing"].sum()),
            "overall_strategy": str(overall.iloc[0]) if len(overall) else BASELINE,
            "overall_minus_none": float(over_none.mean()),
            "overall_ci_low": o_lo,
            "overall_ci_high": o_hi,
            "fallback": fallback,
            "advice_minus_fallback": float(diff.mean()),
            "ci_low": lo,
            "ci_high": hi,
            "advice_better": int((diff < 0).sum()),
            "advice_worse": int((diff > 0).sum()),
            "verdict": ADVICE if hi < 0 else fallback,
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
