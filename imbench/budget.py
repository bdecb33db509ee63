"""Time budgets: parse ``10m`` / ``90s`` / ``1h30m`` and choose the protocol that fits one."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Any

from imbench.errors import ConfigError
from imbench.evaluation.protocol import EvalProtocol

_UNIT = {"s": 1, "m": 60, "h": 3600}
LADDER: tuple[tuple[int, int, int, int], ...] = (
    # (outer folds, repeats, inner folds, trials), most thorough first
    (5, 2, 3, 20), (5, 1, 3, 15), (5, 1, 3, 10), (5, 1, 3, 6), (5, 1, 2, 4), (4, 1, 2, 3), (3, 1, 2, 2), (3, 1, 2, 1),
)
FAMILY_COST = {"baseline": 1.0, "resample": 1.6, "cost": 1.0, "ensemble": 4.0, "decision": 1.0}


def parse_budget(text: str) -> float:
    """Seconds in a budget such as ``600``, ``90s``, ``10m``, ``1h30m``; ConfigError otherwise."""
    t = str(text).strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", t):
        seconds = float(t)
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smh])", t)
        if not parts or re.sub(r"\s", "", "".join(a + b for a, b in parts)) != re.sub(r"\s", "", t):
            raise ConfigError(f"cannot parse budget {text!r}; use e.g. 90s, 10m, 1h30m or seconds")
        seconds = sum(float(a) * _UNIT[b] for a, b in parts)
    if seconds <= 0:
        raise ConfigError(f"budget must be positive, got {text!r}")
    return seconds


@dataclass
class BudgetPlan:
    """The protocol and models chosen for a budget, and what was cut to fit."""

    protocol: EvalProtocol
    models: list[str]
    estimated_seconds: float
    cuts: list[str]


def fit_seconds(X: Any, y: Any, model: str, seed: int = 0) -> float:
    """Wall time of one default fit + predict of ``none`` × ``model`` on 2/3 of the rows."""
    import numpy as np

    from imbench.pipeline import build_pipeline

    n = len(y)
    idx = np.random.default_rng(seed).permutation(n)[: max(2 * n // 3, 10)]
    if len(set(np.asarray(y)[idx])) < 2:
        idx = np.arange(n)
    from imbench.models import MODELS

    spec = MODELS.get(model)
    pipe = build_pipeline("none", model, **{f"model__{k}": v for k, v in spec.defaults().items()})
    t0 = time.perf_counter()
    pipe.fit(X.iloc[idx], np.asarray(y)[idx])
    pipe.predict_proba(X.iloc[idx[:100]])
    return time.perf_counter() - t0


def plan_budget(budget_s: float, X: Any, y: Any, strategies: list[str], models: list[str], jobs: int,
                base: EvalProtocol) -> BudgetPlan:
    """The most thorough protocol from LADDER whose estimated run time fits the budget.

    Estimate per cell = (trials × inner folds + 1 refit [+ inner folds for threshold]) × one
    measured fit of the model × a family factor. Models are dropped, slowest first, only when
    even the lightest protocol does not fit. 70 % of the budget is planned; the rest covers
    start-up, the final refit and exports.
    """
    from imbench.strategies import parse_strategy

    per_fit = {m: fit_seconds(X, y, m, base.seed) for m in models}
    fams = [parse_strategy(s) for s in strategies]

    def estimate(p: tuple[int, int, int, int], ms: list[str]) -> float:
        outer, rep, inner, trials = p
        total = 0.0
        for s in fams:
            factor = max([FAMILY_COST.get(c.family, 1.0) for c in s.components] or [1.0])
            extra = inner if s.get("decision") else 0
            for m in ms:
                total += outer * rep * (trials * inner + 1 + extra) * per_fit[m] * factor
        # the final tuning + refit on all rows costs about one more cell of the best pair
        return total / max(jobs, 1) + (trials * inner + 1) * max(per_fit[m] for m in ms) * 1.5

    usable = 0.7 * budget_s
    kept = sorted(models, key=lambda m: per_fit[m])
    cuts: list[str] = []
    while True:
        for i, p in enumerate(LADDER):
            est = estimate(p, kept)
            if est <= usable:
                if i:
                    top = LADDER[0]
                    cuts.append(f"protocol cut from {top[0]}×{top[1]} outer folds, {top[2]} inner, {top[3]} trials "
                                f"to {p[0]}×{p[1]}, {p[2]}, {p[3]} to fit the budget")
                proto = replace(base, outer_folds=p[0], repeats=p[1], inner_folds=p[2], n_trials=p[3],
                                timeout_per_cell=max(10.0, budget_s * max(jobs, 1) / 4))
                return BudgetPlan(proto, [m for m in models if m in kept], est, cuts)
        if len(kept) == 1:
            p = LADDER[-1]
            cuts.append(f"even the lightest protocol is estimated at {estimate(p, kept):.0f}s; running it anyway")
            proto = replace(base, outer_folds=p[0], repeats=p[1], inner_folds=p[2], n_trials=p[3],
                            timeout_per_cell=max(10.0, budget_s * max(jobs, 1) / 4))
            return BudgetPlan(proto, kept, estimate(p, kept), cuts)
        dropped = kept.pop()
        cuts.append(f"model {dropped} dropped (one fit takes {per_fit[dropped]:.2f}s)")
