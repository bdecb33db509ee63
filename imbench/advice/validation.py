"""Leave-one-family-out validation of the advice: would it have helped on datasets it never saw?

Every family of reference datasets (a ladder with its base, KEEL variants of one source) is held out in
turn; the meta-model is built from the others and advises on each held-out dataset × model. The advice's
*regret* is the gain of the best strategy in hindsight minus the gain of the advised one (0 = it picked the
best); a pick that has no result on the held-out dataset (it failed there, or does not apply) scores as
``none`` would, and is counted. Two rules that need no meta-features stand beside it: "always ``none``" and
"always the strategy with the best mean gain on the other families".

Decisions, each a test over held-out families (datasets of one family are not independent, so whole families
are resampled: a cluster bootstrap gives the 95 % interval and a two-sided p of the mean difference), with
Benjamini–Hochberg across every model × objective of the table (the family of decisions ``advise`` rests on):
the fallback is "always ``none``" unless the overall best strategy reliably regrets less (q < 0.05, mean
below zero): as in the cheat-sheet, a change from doing nothing needs evidence. The advice is trusted for a
model and objective only where advice − fallback is reliably below zero in the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from imbench.advice.metamodel import K, KnnMetaModel, overall_gains
from imbench.advice.reference import Reference
from imbench.reporting.stats import ALPHA, fdr_bh
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


def _cluster_test(diff: pd.Series, family: pd.Series, seed: int) -> dict[str, float]:
    """Mean of ``diff`` with its 95 % bootstrap interval and two-sided bootstrap p, resampling whole families."""
    groups = [g.to_numpy() for _, g in diff.groupby(family)]
    mean = float(diff.mean())
    if len(groups) < 2:
        return {"mean": mean, "ci_low": float("nan"), "ci_high": float("nan"), "p": float("nan")}
    rng = np.random.default_rng(seed)
    means = np.array(
        [
            np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))]).mean()
            for _ in range(BOOTSTRAP)
        ]
    )
    lo, hi = np.quantile(means, [0.025, 0.975])
    if np.allclose(means, 0.0):  # the rules never differ: no evidence either way
        p = 1.0
    else:  # share of resamples on the far side of zero, both tails, with the +1 of a permutation-style p
        p = min(1.0, 2 * (min(int((means >= 0).sum()), int((means <= 0).sum())) + 1) / (BOOTSTRAP + 1))
    return {"mean": mean, "ci_low": float(lo), "ci_high": float(hi), "p": float(p)}


def summarize(choices: pd.DataFrame, seed: int = 0) -> dict[str, dict[str, Any]]:
    """Per model (and ``all``, pooled for reading only): mean regret of each rule, overall best − none and
    advice − each rule with interval and p, then the decisions (``decide``) within this objective's models."""
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
    decide([s for m, s in out.items() if m != "all"])
    decide([out["all"]])  # the pooled row: its own decision, for reading only
    return out


def decide(summaries: list[dict[str, Any]]) -> None:
    """The two decisions for every summary in one family, Benjamini–Hochberg across it (in place).

    First the fallback (overall best when it reliably regrets less than ``none``), then the verdict (the advice
    when it reliably regrets less than that fallback). Sets ``fallback``, ``overall_q``, ``advice_minus_fallback``,
    ``ci_low``/``ci_high``, ``p``, ``q``, ``advice_better``/``advice_worse`` (datasets, against the fallback) and
    ``verdict``.
    """
    for s, q in zip(summaries, fdr_bh([s["overall_p"] for s in summaries]), strict=True):
        s["overall_q"] = float(q)
        s["fallback"] = OVERALL if q < ALPHA and s["overall_minus_none"] < 0 else NONE
    for s in summaries:
        d = s["advice_vs"][s["fallback"]]
        s.update(advice_minus_fallback=d["mean"], ci_low=d["ci_low"], ci_high=d["ci_high"], p=d["p"])
        s.update(advice_better=d["better"], advice_worse=d["worse"])
    for s, q in zip(summaries, fdr_bh([s["p"] for s in summaries]), strict=True):
        s["q"] = float(q)
        s["verdict"] = ADVICE if q < ALPHA and s["advice_minus_fallback"] < 0 else s["fallback"]


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
    # one family of decisions across every objective and model advise may answer for (pooled rows stay apart)
    decide([s for b in result["objectives"].values() for m, s in b["models"].items() if m != "all"])
    result["decisions"] = "cluster bootstrap over families, two-sided p, Benjamini–Hochberg across models × objectives"
    result["k_sensitivity"] = {
        str(k): float(held_out_choices(reference, "pr_auc", k)[f"regret_{ADVICE}"].mean()) for k in K_GRID
    }
    return result
