"""Time budgets: parse ``10m`` / ``90s`` / ``1h30m`` and choose the protocol that fits one."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from imbench.comparison.costs import cell_cost, final_seconds, table_size
from imbench.comparison.ranking import BASELINE_PAIR
from imbench.core.errors import ConfigError, UnknownNameError
from imbench.core.schema import BASELINE
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.shared import search_base
from imbench.strategies import parse_strategy

_UNIT = {"s": 1, "m": 60, "h": 3600}


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
    strategies: list[str] = field(default_factory=list)
    """The strategies kept (every requested one unless the budget cut some); empty in plans saved before."""
    final_seconds: float = 0.0
    """The estimated share of ``estimated_seconds`` kept for the final refit on every row (after the cells)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``plan.json`` (saved in compare's output folder, reused by a rerun, ``--plan``)."""
        return {
            "protocol": self.protocol.to_dict(),
            "models": list(self.models),
            "estimated_seconds": round(self.estimated_seconds, 3),
            "cuts": list(self.cuts),
            "strategies": list(self.strategies),
            "final_seconds": round(self.final_seconds, 3),
        }

    @classmethod
    def from_dict(cls, d: Any, where: str = "plan") -> BudgetPlan:
        """Parse a saved plan; ConfigError (one line) when it is not one."""

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
            [str(x) for x in d.get("strategies") or []],
            float(d.get("final_seconds") or 0.0),
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


OVERRUN = 2.0
"""A plan estimated at more than this many times the budget is refused (with the budget that would do)."""
CHECK_COST = 2.0e-6
"""Seconds per cell of the table for loading and checking it (``inspect``) before any fit: inside the budget."""
PLANNED_SHARE = 0.75
"""Share of the budget (after loading and checking) the cells and the final refit are planned to fill; the
rest covers start-up, the report and the estimate's error."""
SHAPES: tuple[tuple[int, int, int], ...] = ((5, 2, 3), (5, 1, 3), (4, 1, 2), (3, 1, 2))
"""(outer folds, repeats, inner folds), most thorough first."""
TRIALS_MAX = 20
"""Trials per cell when the budget allows (the study's gains flatten beyond)."""
TRIALS_GOOD = 10
TRIALS_TUNED = 4
"""Fewest trials still called tuned (the defaults plus three searched points)."""
HOLDOUT_ROWS = 20_000
HOLDOUT_POSITIVES = 500
"""From this many outer-train rows and positives the inner validation is one stratified holdout of
``HOLDOUT_SHARE`` (100 positives or more to validate on): k inner folds would cost k times as much."""
HOLDOUT_SHARE = 0.2
TRIAL_ROWS = 100_000
"""With an inner holdout, trials fit on at most this many inner-training rows (stratified sample; the refit and
the validation use all rows): at 1M rows a full fit leaves room for one trial, a 100k-row one for ten."""
CHEAP_MODEL = 0.25
"""A model whose cells cost less than this share of the baseline model's is dropped only after every
non-essential strategy: keeping it costs almost nothing."""
BASELINE_STRATEGY, BASELINE_MODEL = BASELINE_PAIR
"""The practitioner's baseline, always in the plan: a boosted model with early stopping (fast protocol) and a
threshold tuned on training rows, no resampling. Everything else must beat it to be recommended."""


def essential(strategy: str) -> bool:
    """``none`` and the baseline's strategy are never cut from a plan."""
    return strategy in (BASELINE, BASELINE_STRATEGY)


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
    """The plan that spends ``budget_s`` on what matters most, from the data's size alone.

    Everything asked for is kept while the most thorough shape (folds) that fits still reaches ``TRIALS_GOOD``
    trials, then ``TRIALS_TUNED``. Beyond that, cuts follow the value order at scale: the baseline
    (``threshold`` × LightGBM, early-stopped and tuned) first, then the other strategies on it, then the other
    models, so the most expensive other model goes first, then the most expensive non-essential strategy; only
    the baseline alone runs with fewer trials. Trials fill the budget up to ``TRIALS_MAX``. Large tables
    validate on one inner holdout (``HOLDOUT_ROWS``) and sample their trials' rows (``TRIAL_ROWS``). Costs come from the
    calibrated laws of :mod:`imbench.comparison.costs`, never from timing anything now.
    """

    size = table_size(X, y, categorical)
    planner = _Planner(budget_s, size, max(jobs, 1), base)
    kept_models = [
        BASELINE_MODEL,
        *sorted((m for m in dict.fromkeys(models) if m != BASELINE_MODEL), key=planner.model_cost),
    ]
    if BASELINE_MODEL not in models:
        planner.cuts.append(f"model {BASELINE_MODEL} added: the practitioner's baseline every answer must beat")
    names = [parse_strategy(s).name for s in strategies]
    kept = [BASELINE, BASELINE_STRATEGY, *[s for s in dict.fromkeys(names) if not essential(s)]]
    return planner.plan(kept, kept_models)


class _Planner:
    """The search behind ``plan_budget``: shapes × trials for shrinking sets of strategies and models."""

    def __init__(self, budget_s: float, size: Any, jobs: int, base: EvalProtocol) -> None:
        self.budget_s, self.size, self.jobs, self.base = budget_s, size, jobs, base
        self.checks = CHECK_COST * size.rows * max(size.numeric + len(size.levels), 1)
        self.usable = PLANNED_SHARE * max(budget_s - self.checks, 0.0)
        self.cuts: list[str] = []

    def protocol(self, shape: tuple[int, int, int], trials: int) -> EvalProtocol:
        outer, repeats, inner = shape
        outer = max(2, min(outer, self.size.positives))
        train = self.size.rows * (outer - 1) / outer
        pos = self.size.positives * (outer - 1) / outer
        holdout = HOLDOUT_SHARE if train >= HOLDOUT_ROWS and pos >= HOLDOUT_POSITIVES else 0.0
        trial_rows = TRIAL_ROWS if holdout and train * (1 - holdout) > TRIAL_ROWS else 0
        return replace(
            self.base,
            outer_folds=outer,
            repeats=repeats,
            inner_folds=inner,
            n_trials=trials,
            inner_holdout=holdout,
            trial_rows=trial_rows,
        )

    def model_cost(self, model: str) -> float:

        return cell_cost(parse_strategy(BASELINE), model, self.protocol(SHAPES[-1], 1), self.size).seconds(1)

    def estimate(self, proto: EvalProtocol, strategies: list[str], models: list[str]) -> tuple[float, float, float]:
        """(estimated wall seconds of the cells and the final refit, the slowest cell's, the final refit's)."""

        shared = {s for s in strategies if search_base(s, proto) in strategies}  # no search of their own
        cells = [
            cell_cost(parse_strategy(s), m, proto, self.size).seconds(0 if s in shared else proto.n_trials)
            for s in strategies
            for m in models
        ]
        per_fold = sum(cells)
        total = per_fold * proto.n_outer
        final = max(final_seconds(parse_strategy(s), m, proto, self.size) for s in strategies for m in models)
        return max(total / self.jobs, max(cells)) + final, max(cells), final

    def fill(self, shape: tuple[int, int, int], strategies: list[str], models: list[str]) -> tuple[EvalProtocol, float]:
        """The shape's protocol with as many trials as fit (at least 1) and its estimate."""
        best = self.protocol(shape, 1)
        est = self.estimate(best, strategies, models)[0]
        for trials in range(2, TRIALS_MAX + 1):
            proto = self.protocol(shape, trials)
            e = self.estimate(proto, strategies, models)[0]
            if e > self.usable:
                break
            best, est = proto, e
        return best, est

    def plan(self, strategies: list[str], models: list[str]) -> BudgetPlan:
        for floor in (TRIALS_GOOD, TRIALS_TUNED):  # everything asked for, well tuned, then tuned
            found = self.first_shape(strategies, models, floor)
            if found is not None:
                return found
        while self.drop(strategies, models):  # then cuts in value order, keeping a tuned search
            found = self.first_shape(strategies, models, TRIALS_TUNED)
            if found is not None:
                return found
        proto, est = self.fill(SHAPES[-1], strategies, models)
        if est + self.checks > OVERRUN * self.budget_s:  # refuse rather than take several times the budget
            need = math.ceil((est + self.checks) / PLANNED_SHARE / 60) * 60
            raise ConfigError(
                f"budget {format_budget(self.budget_s)} is too small for this table: even the lightest plan "
                f"({BASELINE_STRATEGY} × {BASELINE_MODEL}, {proto.outer_folds} outer folds, 1 trial) is estimated at "
                f"{est + self.checks:.0f}s; use --budget {format_budget(need)} or more"
            )
        if est > self.usable:
            self.cuts.append(f"even the lightest plan is estimated at {est:.0f}s; running it anyway")
        return self.done(proto, est, strategies, models, cut_shape=True)

    def first_shape(self, strategies: list[str], models: list[str], floor: int) -> BudgetPlan | None:
        """The plan of the most thorough shape whose trials reach ``floor`` within the budget, if any."""
        for i, shape in enumerate(SHAPES):
            proto, est = self.fill(shape, strategies, models)
            if proto.n_trials >= floor and est <= self.usable:
                return self.done(proto, est, strategies, models, cut_shape=i > 0)
        return None

    def drop(self, strategies: list[str], models: list[str]) -> bool:
        """Cut the most expensive other model, else the most expensive non-essential strategy; False when
        only the baseline is left."""

        proto = self.protocol(SHAPES[-1], 1)
        floor = CHEAP_MODEL * self.model_cost(models[0])
        costly = [m for m in models[1:] if self.model_cost(m) >= floor]
        optional = [s for s in strategies if not essential(s)]
        if costly or (len(models) > 1 and not optional):
            dropped = max(costly or models[1:], key=self.model_cost)
            models.remove(dropped)
            self.cuts.append(f"model {dropped} dropped to keep the budget for the baseline model ({BASELINE_MODEL})")
            return True
        if optional:
            dropped = max(optional, key=lambda s: cell_cost(parse_strategy(s), models[0], proto, self.size).seconds(1))
            strategies.remove(dropped)
            self.cuts.append(f"strategy {dropped} dropped to fit the budget")
            return True
        return False

    def done(
        self, proto: EvalProtocol, est: float, strategies: list[str], models: list[str], cut_shape: bool
    ) -> BudgetPlan:
        _, slowest, final = self.estimate(proto, strategies, models)
        # a safety net only: a cell runs past 3× its estimate only when the estimate is badly wrong
        proto = replace(proto, timeout_per_cell=max(30.0, 3.0 * slowest))
        top = SHAPES[0]
        if proto.outer_folds == self.size.positives < top[0]:
            self.cuts.append(f"outer folds cut to {proto.outer_folds} (one positive per test fold at least)")
        if cut_shape:
            self.cuts.append(
                f"protocol cut from {top[0]}×{top[1]} outer folds, {top[2]} inner to {proto.outer_folds}×"
                f"{proto.repeats}, {'one 20 % inner holdout' if proto.inner_holdout else proto.inner_folds} to fit the budget"
            )
        if proto.inner_holdout:
            self.cuts.append(
                f"inner validation: one stratified {proto.inner_holdout:.0%} holdout (outer-train rows ≥ "
                f"{HOLDOUT_ROWS:,} with ≥ {HOLDOUT_POSITIVES} positives) instead of k inner folds"
            )
        if proto.trial_rows:
            self.cuts.append(
                f"trials fit on a stratified {proto.trial_rows:,}-row sample of the inner-training rows (the refit "
                "and the validation use all rows)"
            )
        if proto.n_trials < TRIALS_TUNED:
            self.cuts.append(
                f"{proto.n_trials} trial(s) per cell: the ranking and recommendation are "
                f"{'UNTUNED (default hyperparameters)' if proto.n_trials == 1 else 'barely tuned'}; "
                f"--budget {format_budget(self.budget_for(proto, strategies, models))} or more would tune them "
                f"({TRIALS_TUNED} trials)"
            )
        return BudgetPlan(proto, list(models), est + self.checks, self.cuts, list(strategies), final)

    def budget_for(self, proto: EvalProtocol, strategies: list[str], models: list[str]) -> float:
        est = self.estimate(replace(proto, n_trials=TRIALS_TUNED), strategies, models)[0]
        return math.ceil((est / PLANNED_SHARE + self.checks) / 10) * 10


def format_budget(seconds: float) -> str:
    """``90`` → ``1m30s``; ``600`` → ``10m``."""
    s = math.ceil(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (sec, "s")) if v) or "0s"
