"""``advise``: what the reference runs suggest for data like yours, in seconds, and how sure that is.

The user's file is validated like ``compare`` (same loader, same one-line errors), described by its
meta-features, and placed among the reference datasets; per model the strategies are ranked by the gain
the nearest reference datasets saw. Where the leave-one-family-out validation did not show the advice
beating "always the overall best strategy" for that model, the advice says so and recommends that strategy.
Nothing is written to disk.
"""

from __future__ import annotations

import math
import shlex
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from imbench.advice.metafeatures import MetaFeatures, meta_features
from imbench.advice.metamodel import Estimate, KnnMetaModel, Neighbour, overall_gains
from imbench.advice.reference import Reference, cost_objective, load_reference
from imbench.advice.validation import ADVICE, NONE, OVERALL
from imbench.core.errors import ConfigError, DataValidationError, UnknownNameError
from imbench.core.metrics import check_costs
from imbench.core.schema import BASELINE
from imbench.datasets import load_dataset

BRIER_WARN = 0.005
"""Predicted Brier worsening above which the advice warns that probabilities will be miscalibrated."""
FEW_NEIGHBOURS = 3
MIN_POSITIVES = 3
TIE = 0.002
"""Mean gains closer than this over all reference families are named as ties beside the fallback strategy."""
TOP_FOR_COMPARE = 3
OBJECTIVE_LABEL = {"pr_auc": "PR-AUC", "f1": "F1", "brier": "Brier (lower is better; gain = reduction)"}


@dataclass
class ModelAdvice:
    """The advice for one model: strategies ranked on the objective, the recommendation and why."""

    model: str
    ranked: list[Estimate]
    recommended: str
    basis: str
    """``advice`` (the nearest datasets' ranking, validated) or ``overall_best`` (the fallback rule)."""
    reason: str
    """Why this strategy, in one plain sentence."""
    validation: str = ""
    """The held-out validation behind the choice, with its numbers."""
    f1: dict[str, Estimate] = field(default_factory=dict)
    brier: dict[str, Estimate] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Advice:
    """The outcome of ``advise`` (``to_dict`` gives plain JSON-ready data)."""

    file: str
    target: str
    positive: Any
    objective: str
    meta: MetaFeatures
    neighbours: list[Neighbour]
    models: list[ModelAdvice]
    compare_command: str
    typical_distance: float = float("nan")
    """Median distance of a reference dataset to its nearest reference dataset of another family (a yardstick)."""
    range_coverage: float | None = None
    """Share of held-out reference gains the ranges held (leave-one-family-out validation), when known."""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (non-finite numbers become None)."""
        return _finite(asdict(self))


def _finite(x: Any) -> Any:
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def advise(
    path: str,
    target: str,
    positive: Any = None,
    model: str | None = None,
    cost_fn: float | None = None,
    cost_fp: float | None = None,
    reference: Reference | str | Path | None = None,
    seed: int = 0,
) -> Advice:
    """Advice for the file at ``path`` (CSV or Parquet) with binary target ``target``; see the module docstring.

    Raises ``DataValidationError`` / ``ConfigError`` / ``UnknownNameError`` (one line) on bad input.
    """

    start = time.perf_counter()
    costs = check_costs(cost_fn, cost_fp)
    ref = reference if isinstance(reference, Reference) else load_reference(reference)
    meta_model = KnnMetaModel(ref)
    if model is not None and model not in meta_model.models:
        raise UnknownNameError(f"model {model!r} is not in the reference runs; known: {', '.join(meta_model.models)}")
    objective = cost_objective(costs[0] / costs[1]) if costs else "pr_auc"
    if objective not in ref.objectives:
        raise ConfigError(
            "the reference table has no expected-cost gains (its runs kept no predictions); leave out the costs, or "
            "measure them on your data with imbench compare FILE --target COL --cost-fn N --cost-fp M"
        )
    ds = load_dataset(f"file:{path}", target=target, positive=positive)
    if ds.n_pos < MIN_POSITIVES or ds.n_neg < MIN_POSITIVES:
        raise DataValidationError(
            f"{path}: {ds.n_pos} positive and {ds.n_neg} negative rows; advise needs at least {MIN_POSITIVES} of each "
            "(its quick baseline uses 3 folds)"
        )
    meta = meta_features(ds, seed=seed)
    notes = [*ds.notes, *_distance_note(meta_model, meta)]
    missing = [k for k, v in meta.vector().items() if not math.isfinite(v)]
    if missing:
        notes.append(f"could not compute {', '.join(missing)}; distances ignore them")
    if costs:
        notes.append(
            f"costs: ranked by expected cost at the Bayes threshold, as stored for cost_fn/cost_fp = "
            f"{objective.removeprefix('cost_')} (nearest to {costs[0] / costs[1]:g})"
        )
    models = [model] if model else meta_model.models
    advice = [_for_model(ref, meta_model, meta, m, objective) for m in models]
    command = _compare_command(path, target, positive, advice, cost_fn, cost_fp)
    return Advice(
        file=path,
        target=target,
        positive=positive,
        objective=objective,
        meta=meta,
        neighbours=meta_model.neighbours(meta, k=3),
        models=advice,
        compare_command=command,
        typical_distance=meta_model.typical_distance(0.5),
        range_coverage=ref.validation.get("objectives", {}).get(objective, {}).get("range_coverage"),
        notes=notes,
        seconds=time.perf_counter() - start,
    )


def _for_model(ref: Reference, meta_model: KnnMetaModel, meta: MetaFeatures, model: str, objective: str) -> ModelAdvice:
    ranked = meta_model.predict(meta, model, objective)
    f1 = {e.strategy: e for e in meta_model.predict(meta, model, "f1")}
    brier = {e.strategy: e for e in meta_model.predict(meta, model, "brier")}
    summary = ref.validation.get("objectives", {}).get(objective, {}).get("models", {}).get(model)
    top = ranked[0].strategy if ranked else BASELINE
    overall = overall_gains(ref, model, objective)
    detail = ""
    if summary:
        fallback_regret = summary[f"regret_{summary['fallback']}"]
        detail = (
            f"held out by dataset family ({summary['families']} families, {summary['datasets']} datasets), choosing by "
            f"the nearest datasets lost {summary['regret_advice']:.3f} {_units(objective)} on average against the best "
            f"strategy in hindsight, always {_rule(summary)} lost {fallback_regret:.3f}: a "
            f"difference of {summary['advice_minus_fallback']:+.3f} (unadjusted 95% CI {summary['ci_low']:+.3f} to "
            f"{summary['ci_high']:+.3f}, bootstrap over families; q = {summary.get('q', float('nan')):.2g}, sign-flip "
            "test over families, Benjamini–Hochberg across models and objectives)"
        )
    if summary and summary.get("verdict") == ADVICE:
        recommended, basis = top, ADVICE
        reason = "the top of the ranking from similar datasets; in validation this reliably beat the fixed rule"
    else:
        fallback = summary.get("fallback", NONE) if summary else NONE  # no evidence: keep doing nothing
        recommended = str(overall.index[0]) if fallback == OVERALL else BASELINE
        basis = fallback
        rule = (
            "doing nothing" if fallback == NONE else "the strategy with the best mean gain over all reference datasets"
        )
        reason = (
            f"fixed rule: {rule}; choosing by similar datasets did not reliably beat it in validation, so the "
            "ranking is shown for information"
            if summary
            else f"fixed rule: {rule} (no validation for this model and objective)"
        )
        tie = [str(s) for s in overall.index[1:] if abs(float(overall[s]) - float(overall.iloc[0])) < TIE]
        if fallback == OVERALL and tie:
            reason += f"; {', '.join(tie)} within {TIE} of it"
    return ModelAdvice(
        model, ranked, recommended, basis, reason, detail, f1, brier, _warnings(recommended, ranked, brier)
    )


def _units(objective: str) -> str:
    return {"pr_auc": "PR-AUC", "f1": "F1", "brier": "Brier"}.get(objective, "of a constant guess's cost")


def _rule(summary: dict[str, Any]) -> str:
    """The fallback rule in words: ``none`` or the overall best strategy."""
    return BASELINE if summary.get("fallback") == NONE else f"the overall best strategy ({summary['overall_strategy']})"


def _warnings(recommended: str, ranked: list[Estimate], brier: dict[str, Estimate]) -> list[str]:
    out = []
    b = brier.get(recommended)
    if b is not None and b.gain < -BRIER_WARN:
        out.append(
            f"{recommended}: probabilities likely miscalibrated (Brier worse by {-b.gain:.3f} on similar datasets, "
            f"10–90% range {-b.high:+.3f} to {-b.low:+.3f}); rank with its scores, or add +calibrate before reading them "
            "as probabilities"
        )
    est = next((e for e in ranked if e.strategy == recommended), None)
    if est is not None and recommended != BASELINE and est.neighbours < FEW_NEIGHBOURS:
        out.append(f"{recommended}: measured on only {est.neighbours} of the nearest datasets")
    return out


def _distance_note(meta_model: KnnMetaModel, meta: MetaFeatures) -> list[str]:
    near = meta_model.neighbours(meta, k=1)
    typical = meta_model.typical_distance()
    if near and near[0].distance > typical:
        return [
            f"your data is farther from every reference dataset (distance {near[0].distance:.1f}) than 95% of the "
            f"reference datasets are from their nearest neighbour ({typical:.1f}): treat the advice as a weak prior"
        ]
    return []


def _compare_command(
    path: str, target: str, positive: Any, advice: list[ModelAdvice], cost_fn: float | None, cost_fp: float | None
) -> str:
    """The ``imbench compare`` call that checks the advice on this data (every user string shell-quoted)."""
    strategies: list[str] = []
    for m in advice:
        for s in [m.recommended, *(e.strategy for e in m.ranked[:TOP_FOR_COMPARE])]:
            if s != BASELINE and s not in strategies:
                strategies.append(s)
    parts = ["imbench", "compare", "--target", target]
    if positive is not None:
        parts += ["--positive", str(positive)]
    parts += ["--models", ",".join(m.model for m in advice)]
    parts += ["--strategies", ",".join(strategies or [BASELINE])]
    if cost_fn is not None and cost_fp is not None:
        parts += ["--cost-fn", f"{cost_fn:g}", "--cost-fp", f"{cost_fp:g}"]
    parts += ["--", path] if path.startswith("-") else [path]  # a file named like an option stays a file
    return " ".join(shlex.quote(p) for p in parts)
