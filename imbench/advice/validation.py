"""Leave-one-family-out validation of the advice: would it have helped on datasets it never saw?

Every family of reference datasets (a ladder with its base, KEEL variants of one source) is held out in
turn; the meta-model is built from the others and advises on each held-out dataset × model. The advice's
*regret* is the gain of the best strategy in hindsight minus the gain of the advised one (0 = it picked the
best); a pick that has no result on the held-out dataset (it failed there, or does not apply) scores as
``none`` would, and is counted. Two rules that need no meta-features stand beside it: "always ``none``" and
"always the strategy with the best mean gain on the other families".

Decisions, each a test over held-out families (datasets of one family are not independent): the mean
difference of regrets over datasets is tested with a sign-flip test over families (exact: under no difference
each family's total is as likely positive as negative), with one Benjamini–Hochberg family across every
model × objective and all three comparisons (overall best − none, advice − none, advice − overall best); the
95 % interval beside it is a cluster bootstrap, unadjusted. The fallback is "always ``none``" unless the overall
best strategy reliably regrets less (q < 0.05, mean below zero): as in the cheat-sheet, a change from doing
nothing needs evidence. The advice is trusted for a model and objective only where advice − fallback is
reliably below zero in the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from imbench.advice.metamodel import K, KnnMetaModel, overall_gains
from imbench.advice.reference import Reference
from imbench.core.schema import BASELINE
from imbench.reporting.statistics.stats import ALPHA, fdr_bh

K_GRID = (3, 5, 7, 11, 15)
BOOTSTRAP = 2000
EXACT_FAMILIES = 16
"""Up to this many families the sign-flip test enumerates every sign pattern (2^16 = 65,536)."""
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


@lru_cache(maxsize=4)
def _all_signs(f: int) -> np.ndarray:
    """Every ±1 pattern over ``f`` families, one per row."""
    return ((np.arange(2**f)[:, None] >> np.arange(f)) & 1) * 2 - 1


def _sign_flip_p(totals: np.ndarray, seed: int) -> float:
    """Two-sided p of ``sum(totals) = 0`` by flipping the sign of whole families (exact up to 2^16 sign patterns,
    else 2^16 random ones with the +1 correction): under no difference a family's total is as likely + as −."""
    f, obs = len(totals), abs(float(totals.sum()))
    if f <= EXACT_FAMILIES:
        return float(np.mean(np.abs(_all_signs(f) @ totals) >= obs - 1e-12))
    signs = np.random.default_rng(seed).choice([-1, 1], size=(2**EXACT_FAMILIES, f))
    return float((np.sum(np.abs(signs @ totals) >= obs - 1e-12) + 1) / (2**EXACT_FAMILIES + 1))


def _cluster_test(diff: pd.Series, family: pd.Series, seed: int) -> dict[str, float]:
    """Mean of ``diff`` over datasets, its (unadjusted) 95 % bootstrap interval resampling whole families, and the
    sign-flip p over families; p is NaN where the two rules never differ (nothing to test) or with one family."""
    groups = [g.to_numpy() for _, g in diff.groupby(family)]
    mean = float(diff.mean())
    if len(groups) < 2:
        return {"mean": mean, "ci_low": float("nan"), "ci_high": float("nan"), "p": float("nan")}
    rng = np.random.default_rng(seed)
    means = [
        np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))]).mean() for _ in range(BOOTSTRAP)
    ]
    lo, hi = np.quantile(means, [0.025, 0.975])
    p = float("nan") if (diff == 0).all() else _sign_flip_p(np.array([g.sum() for g in groups]), seed)
    return {"mean": mean, "ci_low": float(lo), "ci_high": float(hi), "p": p}


def summarize(choices: pd.DataFrame, seed: int = 0) -> dict[str, dict[str, Any]]:
    """Per model (and ``all``, pooled for reading only): mean regret of each rule, and overall best − none and
    advice − each rule with interval and p. No decision: ``decide`` takes them over a whole family."""
    out: dict[str, dict[str, Any]] = {}
    if choices.empty:
        return out
    for model, g in [*choices.groupby("model"), ("all", choices)]:
        regret = {r: float(g[f"regret_{r}"].mean()) for r in (ADVICE, OVERALL, NONE)}
        over = _cluster_test(g[f"regret_{OVERALL}"] - g[f"regret_{NONE}"], g["family"], seed)
        vs = {}
        for r in (NONE, OVERALL):
            diff = g[f"regret_{ADVICE}"] - g[f"regret_{r}"]
            vs[r] = _cluster_test(diff, g["family"], seed) | {
                "better": int((diff < 0).sum()),
                "worse": int((diff > 0).sum()),
            }
        overall = g[OVERALL].mode()
        out[str(model)] = {
            "datasets": int(g["dataset"].nunique()),
            "families": int(g["family"].nunique()),
            **{f"regret_{r}": v for r, v in regret.items()},
            "advice_missing": int(g[f"{ADVICE}_missing"].sum()),
            "overall_missing": int(g[f"{OVERALL}_missing"].sum()),
            "overall_strategy": str(overall.iloc[0]) if len(overall) else BASELINE,
            "overall_minus_none": over["mean"],
            "overall_ci_low": over["ci_low"],
            "overall_ci_high": over["ci_high"],
            "overall_p": over["p"],
            "advice_vs": vs,
        }
    return out


def decide(summaries: list[dict[str, Any]]) -> int:
    """Both decisions for every summary, from one Benjamini–Hochberg family of all their tests (in place).

    Three tests per summary (overall best − none, advice − none, advice − overall best; untestable ones, where
    the two rules never differ, are left out of the family). The fallback is the overall best where it reliably
    regrets less than ``none``; the verdict is the advice where it reliably regrets less than that fallback.
    Sets ``overall_q``, ``fallback``, ``advice_minus_fallback``, ``ci_low``/``ci_high``, ``p``, ``q``,
    ``advice_better``/``advice_worse`` (datasets, against the fallback) and ``verdict``; returns the family size.
    """
    ps = [x for s in summaries for x in (s["overall_p"], s["advice_vs"][NONE]["p"], s["advice_vs"][OVERALL]["p"])]
    qs = iter(fdr_bh(ps))
    for s in summaries:
        s["overall_q"], q_none, q_overall = float(next(qs)), float(next(qs)), float(next(qs))
        s["fallback"] = OVERALL if s["overall_q"] < ALPHA and s["overall_minus_none"] < 0 else NONE
        d = s["advice_vs"][s["fallback"]]
        s.update(advice_minus_fallback=d["mean"], ci_low=d["ci_low"], ci_high=d["ci_high"], p=d["p"])
        s.update(advice_better=d["better"], advice_worse=d["worse"])
        s["q"] = q_none if s["fallback"] == NONE else q_overall
        s["verdict"] = ADVICE if s["q"] < ALPHA and s["advice_minus_fallback"] < 0 else s["fallback"]
    return int(np.sum(np.isfinite(np.asarray(ps, dtype=float))))


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
    # one family of tests across every objective and model advise answers for; the pooled rows form their own
    rows = [(m, s) for b in result["objectives"].values() for m, s in b["models"].items()]
    result["family_size"] = decide([s for m, s in rows if m != "all"])
    result["pooled_family_size"] = decide([s for m, s in rows if m == "all"])
    result["decisions"] = (
        "sign-flip test over families (exact), Benjamini–Hochberg across all models × objectives "
        "(3 tests each: overall best − none, advice − none, advice − overall best); intervals unadjusted"
    )
    result["k_sensitivity"] = {
        str(k): float(held_out_choices(reference, "pr_auc", k)[f"regret_{ADVICE}"].mean()) for k in K_GRID
    }
    return result
