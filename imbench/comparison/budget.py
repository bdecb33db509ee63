"""Time budgets: parse ``10m`` / ``90s`` / ``1h30m`` and choose the protocol that fits one."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any

from imbench.core.errors import ConfigError
from imbench.evaluation.protocol import EvalProtocol

_UNIT = {"s": 1, "m": 60, "h": 3600}
LADDER: tuple[tuple[int, int, int, int], ...] = (
    # (outer folds, repeats, inner folds, trials), most thorough first
    (5, 2, 3, 20),
    (5, 1, 3, 15),
    (5, 1, 3, 10),
    (5, 1, 3, 6),
    (5, 1, 2, 4),
    (4, 1, 2, 3),
    (3, 1, 2, 2),
    (3, 1, 2, 1),
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

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``plan.json`` (saved in compare's output folder, reused by a rerun, ``--plan``)."""
        return {
            "protocol": self.protocol.to_dict(),
            "models": list(self.models),
            "estimated_seconds": round(self.estimated_seconds, 3),
            "cuts": list(self.cuts),
        }

    @classmethod
    def from_dict(cls, d: Any, where: str = "plan") -> BudgetPlan:
        """Parse a saved plan; ConfigError (one line) when it is not one."""
        from imbench.core.errors import UnknownNameError

        if (
            not isinstance(d, dict)
            or not isinstance(d.get("protocol"), dict)
            or not isinstance(d.get("models"), list)
            or not d["models"]
        ):
            raise ConfigError(f"{where}: not an imbench plan (needs 'protocol' and a non-empty 'models' list)")
        try:
            proto = EvalProtocol.from_dict(d["protocol"])
        except (TypeError, ValueError, UnknownNameError) as e:
            raise ConfigError(f"{where}: bad protocol ({e})") from None
        return cls(
            proto,
            [str(m) for m in d["models"]],
            float(d.get("estimated_seconds") or 0.0),
            [str(c) for c in d.get("cuts") or []],
        )

    @classmethod
    def load(cls, path: str) -> BudgetPlan:
        """Read a ``plan.json``."""
        try:
            with open(path) as fh:
                data = json.loads(fh.read())
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot read plan {path}: {' '.join(str(e).split())[:200]}") from None
        return cls.from_dict(data, where=path)


MODEL_COST: dict[str, tuple[float, float]] = {
    # (seconds per fit, seconds per training cell = row × encoded column) of one default fit + predict,
    # measured once on one core of a typical machine; any other model gets the most expensive pair
    "logreg": (0.1, 1.0e-6),
    "lightgbm": (0.2, 1.0e-5),
    "xgboost": (0.2, 1.2e-5),
    "random_forest": (0.3, 7.0e-5),
}
OVERRUN = 2.0
"""A plan estimated at more than this many times the budget is refused (with the budget that would do)."""
CHECK_COST = 2.0e-6
"""Seconds per cell of the table for loading and checking it (``inspect``) before any fit: inside the budget."""


def encoded_width(X: Any, categorical: list[str] | None = None) -> int:
    """Columns after one-hot encoding (numeric columns + one per category level)."""
    import pandas as pd

    cats = categorical if categorical is not None else [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    return int(X.shape[1] - len(cats) + sum(int(X[c].nunique()) for c in cats))


def fit_seconds(n_rows: int, width: int, model: str) -> float:
    """Estimated seconds of one default fit + predict of ``model`` on 2/3 of ``n_rows`` rows and ``width`` encoded
    columns. Computed from the data's size, never measured: the plan (and so the answer) must not depend on how
    busy the machine is."""
    fixed, per_cell = MODEL_COST.get(model, max(MODEL_COST.values(), key=lambda c: c[1]))
    return fixed + per_cell * (2 * n_rows / 3) * max(width, 1)


def plan_budget(
    budget_s: float,
    X: Any,
    y: Any,
    strategies: list[str],
    models: list[str],
    jobs: int,
    base: EvalProtocol,
    categorical: list[str] | None = None,
) -> BudgetPlan:
    """The most thorough protocol from LADDER whose estimated run time fits the budget.

    Estimate per cell = (trials × inner folds + 1 refit [+ inner folds for threshold]) × one
    estimated fit of the model (from the data's size: ``fit_seconds``) × a family factor. Models are dropped,
    slowest first, only when even the lightest protocol does not fit. 70 % of the budget left after loading and
    checking the data is planned; the rest covers start-up, the final refit and exports. The same data, budget and
    options always give the same plan.
    """
    from imbench.strategies import parse_strategy

    width = encoded_width(X, categorical)
    per_fit = {m: fit_seconds(len(y), width, m) for m in models}
    checks = CHECK_COST * len(y) * max(X.shape[1], 1)
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

    usable = 0.7 * max(budget_s - checks, 0.0)
    kept = sorted(models, key=lambda m: (per_fit[m], m))
    cuts: list[str] = []

    def done(p: tuple[int, int, int, int], ms: list[str], est: float) -> BudgetPlan:
        proto = replace(
            base,
            outer_folds=p[0],
            repeats=p[1],
            inner_folds=p[2],
            n_trials=p[3],
            timeout_per_cell=max(10.0, budget_s * max(jobs, 1) / 4),
        )
        if p[3] <= 1:
            cuts.append(untuned_note(ms))
        return BudgetPlan(proto, [m for m in models if m in ms], est, cuts)

    def untuned_note(ms: list[str]) -> str:
        tuned = next(q for q in reversed(LADDER) if q[3] > 1)
        need = math.ceil((estimate(tuned, ms) / 0.7 + checks) / 10) * 10
        return (
            f"1 trial per cell: the ranking and recommendation are UNTUNED (default hyperparameters); "
            f"--budget {format_budget(need)} or more would tune them ({tuned[3]} trials)"
        )

    while True:
        for i, p in enumerate(LADDER):
            est = estimate(p, kept)
            if est <= usable:
                if i:
                    top = LADDER[0]
                    cuts.append(
                        f"protocol cut from {top[0]}×{top[1]} outer folds, {top[2]} inner, {top[3]} trials "
                        f"to {p[0]}×{p[1]}, {p[2]}, {p[3]} to fit the budget"
                    )
                return done(p, kept, est)
        if len(kept) == 1:
            p = LADDER[-1]
            est = estimate(p, kept)
            if est + checks > OVERRUN * budget_s:  # refuse rather than take several times the budget
                raise ConfigError(
                    f"budget {format_budget(budget_s)} is too small for this table: even the lightest "
                    f"plan ({kept[0]}, {p[0]} outer folds, 1 trial) is estimated at {est + checks:.0f}s; "
                    f"use --budget {format_budget(math.ceil((est + checks) / 0.7 / 60) * 60)} or more, or "
                    "fewer strategies"
                )
            cuts.append(f"even the lightest protocol is estimated at {est:.0f}s; running it anyway")
            return done(p, kept, est)
        dropped = kept.pop()
        cuts.append(f"model {dropped} dropped (one fit is estimated at {per_fit[dropped]:.2f}s)")


def format_budget(seconds: float) -> str:
    """``90`` → ``1m30s``; ``600`` → ``10m``."""
    s = math.ceil(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (sec, "s")) if v) or "0s"
