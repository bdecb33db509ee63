"""Inner loop: an Optuna study (seeded TPE, a pruner across inner folds) per outer-train split."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from imbench.core.errors import CellTimeout
from imbench.core.metrics import get_metric, score_one
from imbench.evaluation.prepared import TrialFitter, supports_prepared, uses_early_stopping
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.splits import inner_folds
from imbench.evaluation.study_storage import StudyStorage, create_fresh_study
from imbench.models import ModelSpec
from imbench.pipeline.build import build_pipeline
from imbench.strategies import FitContext, Strategy
from imbench.strategies.compose import PrefixedTrial


@dataclass
class TuneResult:
    """Best parameters of a study and how the budget was spent."""

    params: dict[str, Any]
    best_value: float
    n_trials: int
    n_pruned: int
    n_failed: int
    seconds: float
    errors: list[str] = field(default_factory=list)


class TuningFailed(RuntimeError):
    """Every trial of the study failed; the message is the first trial's error."""


def pipeline_for(
    strategy: Strategy, model: ModelSpec, protocol: EvalProtocol, categorical: list[Any], seed: int, **kw: Any
) -> Any:
    """``build_pipeline`` with the protocol's cost matrix, threshold objective and inner folds."""

    return build_pipeline(
        strategy,
        model,
        categorical=categorical,
        seed=seed,
        **protocol.fit_settings.as_kwargs(),
        **kw,
    )


def make_pruner(protocol: EvalProtocol, n_folds: int) -> Any:
    """The protocol's Optuna pruner; inner folds are its resource: a trial reports step k after k folds.

    Steps count from 1 so successive halving's first rung (``min_resource=1``) comes after the first
    fold, where pruning saves the most; the median pruner compares trials at equal steps either way.
    """
    import optuna

    if protocol.pruner == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    if protocol.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=n_folds, reduction_factor=3)
    if protocol.pruner == "none":
        return optuna.pruners.NopPruner()
    return optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0)


MIN_MEMBER_TREES = 10
"""Fewest trees (boosting rounds) an ensemble member grows when members share the model's tree budget."""


def share_tree_budget(strategy: Strategy, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with an ensemble's members sharing the model's tree budget (fast protocol).

    EasyEnsemble, balanced bagging and RUSBoost fit one model per member on a bag of 2 × n_pos rows: ten
    members of a 100-tree model grow 1000 trees on tiny bags. Each member grows ``n_estimators / members``
    (at least ``MIN_MEMBER_TREES``), so the ensemble as a whole has the tree budget of the model alone.
    """
    ens = strategy.get("ensemble")
    members = params.get(f"{ens.name}__n_estimators") if ens is not None else None
    trees = params.get("model__n_estimators")
    if members is None or trees is None:
        return params
    return {**params, "model__n_estimators": max(MIN_MEMBER_TREES, round(int(trees) / int(members)))}


REFIT_MARGIN = 1.5
"""Safety factor on the time a study keeps in hand for one more trial and the refit: fit times vary."""


@dataclass
class RefitReserve:
    """An Optuna callback that stops the study unless one more trial and the refit still fit before ``deadline``.

    Optuna's own ``timeout`` let the trial loop spend the whole cell budget: the refit then ran out of time and
    the cell lost every trial. The reserve is measured, not guessed: the slowest time per inner fold of any trial
    so far, for a trial's ``n_folds`` fits plus ``refit_fits`` (the refit's cost in inner fits), times a margin.
    """

    deadline: float
    """``time.monotonic()`` by which the refit must be done."""
    n_folds: int
    refit_fits: float
    slowest_fit: float = 0.0

    def __call__(self, study: Any, trial: Any) -> None:
        folds = max(1, len(trial.intermediate_values))  # a pruned or failed trial fitted fewer folds
        seconds = trial.duration.total_seconds() if trial.duration is not None else 0.0
        self.slowest_fit = max(self.slowest_fit, seconds / folds)
        if time.monotonic() + REFIT_MARGIN * self.slowest_fit * (self.n_folds + self.refit_fits) > self.deadline:
            study.stop()


def refit_fits(strategy: Strategy, protocol: EvalProtocol) -> float:
    """The refit's cost in inner fits: one fit on all outer-train rows (k/(k-1) times an inner-train's, at
    about linear cost), plus, for a decision strategy, the threshold's own k-fold cross-validation (with an
    inner holdout: one fit on the holdout's training side and one refit on all rows)."""
    decision = strategy.get("decision") is not None
    if protocol.inner_holdout:
        return 1 / (1 - protocol.inner_holdout) + (2 if decision else 0)
    k = protocol.inner_folds
    return k / (k - 1) + (k if decision else 0)


@dataclass
class _Trials:
    """What every trial of one study shares: the rows, folds, search space and the errors met so far."""

    strategy: Strategy
    model: ModelSpec
    X: Any
    y: np.ndarray
    categorical: list[Any]
    ctx: FitContext
    protocol: EvalProtocol
    seed: int
    folds: list[tuple[np.ndarray, np.ndarray]]
    study: Any = None
    errors: list[str] = field(default_factory=list)
    timed_out: list[CellTimeout] = field(default_factory=list)
    tried: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Parameters by trial number: the best ones come from here, never back from a storage."""
    fitter: Any = None
    """Prepared folds (``TrialFitter``), made on the first trial, inside the study's time budget."""

    def __post_init__(self) -> None:

        self.early = uses_early_stopping(self.strategy, self.model, self.protocol)
        self.fast = self.protocol.fast and supports_prepared(self.strategy)
        self.metric = get_metric(self.protocol.metric)

    def defaults(self) -> dict[str, Any]:
        """The first trial: the model's and the strategy's defaults."""
        model = {f"model__{k}": v for k, v in self.model.defaults(early_stopping=self.early).items()}
        return {**model, **self.strategy.defaults(self.ctx)}

    def fold_scores(self, params: dict[str, Any]) -> Any:
        """(fold index, validation scores, rounds kept or None) for every inner fold, lazily."""
        if self.fast:
            if self.fitter is None:
                self.fitter = TrialFitter.prepare(
                    self.strategy, self.model, self.protocol, self.X, self.y, self.folds, self.categorical, self.seed
                )
            for i in range(len(self.folds)):
                yield (i, *self.fitter.fit_score(i, params))
            return
        # each fit reads its inner-train rows' class counts, not the outer-train's
        est = pipeline_for(
            self.strategy, self.model, self.protocol, self.categorical, self.seed, with_decision=False, **params
        )
        for i, (tr, va) in enumerate(self.folds):
            est.fit(self.X.iloc[tr], self.y[tr])
            yield i, est.predict_proba(self.X.iloc[va])[:, 1], None

    def suggest(self, trial: Any) -> dict[str, Any]:
        """The trial's model and strategy parameters (ensemble members share the tree budget when fast)."""
        model_params = self.model.suggest(PrefixedTrial(trial, "model"), early_stopping=self.early)
        params = {**{f"model__{k}": v for k, v in model_params.items()}, **self.strategy.suggest(trial, self.ctx)}
        return share_tree_budget(self.strategy, params) if self.fast else params

    def objective(self, trial: Any) -> float:
        import optuna

        try:  # all of it: a CellTimeout outside the try would be caught by Optuna as one failed trial
            return self._score(trial)
        except optuna.TrialPruned:
            raise
        except CellTimeout as e:  # the cell's budget is spent: Optuna would catch it as a failed trial
            self.timed_out.append(e)
            self.study.stop()
            raise
        except Exception as e:  # a failed trial is data: recorded, the study goes on
            self.errors.append(f"{type(e).__name__}: {e}")
            raise

    def _score(self, trial: Any) -> float:
        import optuna

        scores: list[float] = []
        rounds: list[int] = []
        params = self.tried[trial.number] = self.suggest(trial)
        p = self.protocol
        for step, s, kept in self.fold_scores(params):
            va = self.folds[step][1]
            scores.append(score_one(self.metric.name, self.y[va], s, 0.5, p.cost_fn, p.cost_fp))
            if kept is not None:
                rounds.append(kept)
            trial.report(float(np.mean(scores)), step + 1)  # resource used: folds scored so far
            if step + 1 < len(self.folds) and trial.should_prune():  # a trial that scored every fold is complete
                raise optuna.TrialPruned()
        if rounds:  # the refit has no validation rows: it grows the folds' mean best round
            params["model__n_estimators"] = max(1, round(float(np.mean(rounds))))
        trial.set_user_attr("params", json.loads(json.dumps(params, default=str)))  # what a storage can hold
        return float(np.mean(scores))


def tune(
    strategy: Strategy,
    model: ModelSpec,
    X: Any,
    y: np.ndarray,
    categorical: list[Any],
    ctx: FitContext,
    protocol: EvalProtocol,
    seed: int,
    deadline: float | None = None,
    study: tuple[StudyStorage, str] | None = None,
) -> TuneResult:
    """Tune strategy + model parameters on inner folds of the outer-train rows ``X, y``.

    The decision step (threshold) is not part of the inner loop: it is fitted at refit time by
    its own cross-validation, so tuning targets the ranking/probability quality of the pipeline.
    The first trial is always the defaults, so tuning can only improve on an untuned pipeline. With a
    ``deadline`` the study stops while the refit still fits before it (see ``RefitReserve``).
    Under ``protocol.fast`` trials run on prepared folds (:mod:`imbench.evaluation.prepared`) and
    boosting models learn ``n_estimators`` by early stopping on the inner validation folds: the
    returned parameters then hold the mean of the folds' best rounds for the refit.
    With ``study`` (a storage and a study id) the study is kept there (see ``study_storage``); in memory otherwise.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)  # failed trials are recorded, not logged
    folds = inner_folds(y, protocol.inner_folds, seed, protocol.inner_holdout)
    full = max(len(tr) for tr, _ in folds)
    folds = [(trial_sample(tr, y, protocol.trial_rows, seed), va) for tr, va in folds]
    trials = _Trials(strategy, model, X, y, categorical, ctx, protocol, seed, folds)
    trials.study = _create_study(protocol, trials.metric, seed, len(folds), study)
    trials.study.enqueue_trial(trials.defaults())
    t0 = time.perf_counter()
    scale = full / max(len(tr) for tr, _ in folds)  # a refit on every row costs this many sampled trial fits
    reserve = [] if deadline is None else [RefitReserve(deadline, len(folds), refit_fits(strategy, protocol) * scale)]
    trials.study.optimize(trials.objective, n_trials=protocol.n_trials, callbacks=reserve, catch=(Exception,))
    if trials.timed_out:
        raise trials.timed_out[0]
    states = [t.state for t in trials.study.trials]
    if optuna.trial.TrialState.COMPLETE not in states:
        raise TuningFailed(trials.errors[0] if trials.errors else "no trial completed within the time budget")
    best = trials.study.best_trial
    return TuneResult(
        params=dict(trials.tried[best.number]),
        best_value=float(best.value) if best.value is not None else float("nan"),
        n_trials=len(states),
        n_pruned=sum(s == optuna.trial.TrialState.PRUNED for s in states),
        n_failed=sum(s == optuna.trial.TrialState.FAIL for s in states),
        seconds=time.perf_counter() - t0,
        errors=trials.errors,
    )


def trial_sample(train: np.ndarray, y: np.ndarray, rows: int, seed: int) -> np.ndarray:
    """At most ``rows`` of the inner-training indices ``train``, stratified and seeded (all of them when 0)."""
    if not rows or len(train) <= rows:
        return train
    from sklearn.model_selection import train_test_split

    kept, _ = train_test_split(train, train_size=rows, stratify=y[train], random_state=seed)
    return np.sort(kept)


def _create_study(protocol: EvalProtocol, metric: Any, seed: int, n_folds: int, study: Any) -> Any:
    """A seeded TPE study with the protocol's pruner, in memory or in ``study`` = (storage, id)."""
    import optuna

    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=max(2, min(10, protocol.n_trials // 2)))
    create_kw: dict[str, Any] = {
        "direction": "maximize" if metric.greater else "minimize",
        "sampler": sampler,
        "pruner": make_pruner(protocol, n_folds),
    }
    if study is None:
        return optuna.create_study(**create_kw)

    kept = create_fresh_study(study[0], study[1], **create_kw)
    kept.set_metric_names([metric.name])
    kept.set_user_attr("seed", seed)
    return kept
