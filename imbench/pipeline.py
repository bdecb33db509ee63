"""``build_pipeline``: a strategy × model as a plain imbalanced-learn / scikit-learn estimator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from imbench.errors import ConfigError
from imbench.models import MODELS, ModelSpec
from imbench.preprocessing import impute_encode, one_hot
from imbench.strategies import FitContext, Strategy, parse_strategy
from imbench.strategies.base import CostComponent, DecisionComponent, EnsembleComponent, ResampleComponent

MODEL_PREFIX = "model__"


def split_columns(X: Any, categorical: Sequence[Any] | None = None) -> tuple[list[Any], list[Any]]:
    """(numeric, categorical) column names of a DataFrame; for arrays, every index is numeric."""
    if hasattr(X, "columns"):
        cols = list(X.columns)
        if categorical is None:
            categorical = [c for c in cols if not _is_numeric(X[c])]
        cat = [c for c in cols if c in set(categorical)]
        return [c for c in cols if c not in set(cat)], cat
    n = np.asarray(X).shape[1]
    cat_idx = list(categorical or [])
    return [i for i in range(n) if i not in set(cat_idx)], cat_idx


def _is_numeric(col: Any) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col))


def context_for(y: Any, numeric: Sequence[Any], categorical: Sequence[Any], **kw: Any) -> FitContext:
    """The FitContext of training target ``y`` (class counts) and its column split."""
    counts = np.bincount(np.asarray(y, dtype=int), minlength=2)
    return FitContext(n_pos=int(counts[1]), n_neg=int(counts[0]), n_categorical=len(categorical),
                      n_numeric=len(numeric), **kw)


def build_pipeline(
    strategy: str | Strategy,
    model: str | ModelSpec,
    *,
    X: Any = None,
    y: Any = None,
    categorical: Sequence[Any] | None = None,
    numeric: Sequence[Any] | None = None,
    seed: int = 0,
    ctx: FitContext | None = None,
    with_decision: bool = True,
    cost_fn: float = 1.0,
    cost_fp: float = 1.0,
    threshold_objective: str = "f1",
    **params: Any,
) -> Any:
    """An unfitted estimator for ``strategy`` × ``model`` with hyper-parameters ``params``.

    Parameters are prefixed: ``model__C``, ``smote__k_neighbors``, ``class_weight__multiplier``.
    Pass the training ``X`` (columns and dtypes; categoricals are detected from non-numeric
    dtypes unless ``categorical`` is given) and ``y`` (neg/pos for cost settings). Every
    preprocessing step, sampler and threshold is fitted inside the returned estimator, so it only
    ever learns from the rows it is fitted on.
    """
    strat = parse_strategy(strategy) if isinstance(strategy, str) else strategy
    spec = MODELS.get(model) if isinstance(model, str) else model
    if numeric is None:
        if X is None:
            raise ConfigError("build_pipeline needs X= (training features) or numeric=/categorical= column lists")
        numeric, categorical = split_columns(X, categorical)
    categorical = list(categorical or [])
    if ctx is None and y is not None:
        ctx = context_for(y, numeric, categorical, cost_fn=cost_fn, cost_fp=cost_fp,
                          threshold_objective=threshold_objective)
    reason = strat.skip(spec, ctx)
    if reason:
        raise ConfigError(f"{strat.name} × {spec.name}: not applicable: {reason}")
    unknown = [k for k in params if "__" not in k or k.split("__")[0] not in {"model", *(c.name for c in strat.components)}]
    if unknown:
        raise ConfigError(f"unknown parameter(s) {', '.join(unknown)}; prefix with model__ or a component name")

    from imblearn.pipeline import Pipeline

    resample = strat.get("resample")
    assert resample is None or isinstance(resample, ResampleComponent)
    scale = spec.scale or (resample is not None and resample.uses_distances)
    n_num, n_cat = len(numeric), len(categorical)
    steps: list[tuple[str, Any]] = [("prep", impute_encode(numeric, categorical, scale))]
    if resample is not None and not (resample.needs_numeric and n_cat):
        codes = list(range(n_num, n_num + n_cat))
        steps.append(("sampler", resample.sampler(strat.params_of(resample, params), ctx, seed, codes)))
        resample = None
    if n_cat:
        steps.append(("onehot", one_hot(n_num, n_cat)))
    if resample is not None:  # interpolating sampler without a categorical variant: after one-hot
        steps.append(("sampler", resample.sampler(strat.params_of(resample, params), ctx, seed, [])))
    steps.append(("model", _model_step(strat, spec, params, ctx, seed)))
    pipe = Pipeline(steps)
    decision = strat.get("decision")
    if decision is not None and with_decision:
        assert isinstance(decision, DecisionComponent)
        return decision.wrap(pipe, strat.params_of(decision, params), ctx, seed)
    return pipe


def _model_step(strat: Strategy, spec: ModelSpec, params: dict[str, Any], ctx: FitContext | None, seed: int) -> Any:
    model_params = {k[len(MODEL_PREFIX):]: v for k, v in params.items() if k.startswith(MODEL_PREFIX)}
    kwargs = dict(model_params)
    cost = strat.get("cost")
    if cost is not None:
        assert isinstance(cost, CostComponent)
        kwargs.update(cost.model_kwargs(strat.params_of(cost, params), ctx))
    est = spec.build(kwargs, seed)
    ensemble = strat.get("ensemble")
    if ensemble is not None:
        assert isinstance(ensemble, EnsembleComponent)
        est = ensemble.wrap(est, spec, model_params, strat.params_of(ensemble, params), seed)
    return est
