"""``build_pipeline``: a strategy × model as one scikit-learn classifier that reads its data in ``fit``.

:class:`ImbalancePipeline` follows scikit-learn's estimator contract: its constructor only stores
parameters, so it can be cloned, pickled and tuned by a user's own ``GridSearchCV``; everything that
depends on the data (column types, class counts, neighbour caps, threshold folds) is settled in
``fit`` from the rows it is fitted on, never from rows it will be scored on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from imbench.core.errors import ConfigError
from imbench.models import MODELS, ModelSpec
from imbench.pipeline.preprocessing import impute_encode, one_hot
from imbench.strategies import FitContext, Strategy, parse_strategy
from imbench.strategies.base import (
    CalibrationComponent,
    CostComponent,
    DecisionComponent,
    EnsembleComponent,
    FitSettings,
    LossComponent,
    ResampleComponent,
)

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


def context_for(
    y: Any, numeric: Sequence[Any], categorical: Sequence[Any], settings: FitSettings | None = None
) -> FitContext:
    """The FitContext of training target ``y`` (class counts), its column split and the decision settings."""
    counts = np.bincount(np.asarray(y, dtype=int), minlength=2)
    return FitContext(
        n_pos=int(counts[1]),
        n_neg=int(counts[0]),
        n_categorical=len(categorical),
        n_numeric=len(numeric),
        **(settings or FitSettings()).as_kwargs(),
    )


def resolve(strategy: str | Strategy, model: str | ModelSpec, params: dict[str, Any]) -> tuple[Strategy, ModelSpec]:
    """The Strategy and ModelSpec named, checked for applicability and for unknown parameter prefixes."""
    strat = parse_strategy(strategy) if isinstance(strategy, str) else strategy
    spec = MODELS.get(model) if isinstance(model, str) else model
    reason = strat.skip(spec)
    if reason:
        raise ConfigError(f"{strat.name} × {spec.name}: not applicable: {reason}")
    prefixes = {"model", *(c.name for c in strat.components)}
    unknown = [k for k in params if "__" not in k or k.split("__")[0] not in prefixes]
    if unknown:
        raise ConfigError(f"unknown parameter(s) {', '.join(unknown)}; prefix with model__ or a component name")
    return strat, spec


def prep_step(strat: Strategy, spec: ModelSpec, numeric: Sequence[Any], categorical: Sequence[Any]) -> Any:
    """The unfitted impute/encode(/scale) step of ``strat`` × ``spec``: output columns numeric first, then codes.

    It is not tuned, so the tuner fits it once per training fold and reuses it (``assemble(prepared=True)``).
    """
    resample = strat.get("resample")
    scale = spec.scale or (isinstance(resample, ResampleComponent) and resample.uses_distances)
    return impute_encode(numeric, categorical, scale)


def assemble(
    strat: Strategy,
    spec: ModelSpec,
    params: dict[str, Any],
    ctx: FitContext,
    numeric: Sequence[Any],
    categorical: Sequence[Any],
    seed: int,
    with_decision: bool = True,
    prepared: bool = False,
) -> Any:
    """The concrete, unfitted estimator for training rows described by ``ctx`` and the column split.

    ``prep → [sampler] → [onehot] → model`` as an imblearn Pipeline, inside the calibration
    component's wrapper when there is one, all inside sklearn's ``TunedThresholdClassifierCV`` when
    the strategy has a decision component (so the threshold is chosen on calibrated scores). With
    ``prepared`` the ``prep`` step is left out: the input is the output of an already fitted :func:`prep_step`.
    """
    from imblearn.pipeline import Pipeline

    resample = strat.get("resample")
    assert resample is None or isinstance(resample, ResampleComponent)
    n_num, n_cat = len(numeric), len(categorical)
    steps: list[tuple[str, Any]] = [] if prepared else [("prep", prep_step(strat, spec, numeric, categorical))]
    seen = ctx
    if resample is not None:
        seen = resample.resampled(strat.params_of(resample, params), ctx)
    if resample is not None and not (resample.needs_numeric and n_cat):
        codes = list(range(n_num, n_num + n_cat))
        steps.append(("sampler", resample.sampler(strat.params_of(resample, params), ctx, seed, codes)))
        resample = None
    if n_cat and not (ctx.tree_codes and spec.takes_codes and resample is None):
        steps.append(("onehot", one_hot(n_num, n_cat)))
    if resample is not None:  # interpolating sampler without a categorical variant: after one-hot
        steps.append(("sampler", resample.sampler(strat.params_of(resample, params), ctx, seed, [])))
    steps.append(("model", _model_step(strat, spec, params, ctx, seen, seed)))
    pipe = Pipeline(steps)
    est: Any = pipe
    calibration = strat.get("calibration")
    if calibration is not None:  # part of tuning (its method is a hyper-parameter), unlike the decision
        assert isinstance(calibration, CalibrationComponent)
        est = calibration.wrap(pipe, strat.params_of(calibration, params), ctx, seed)
    decision = strat.get("decision")
    if decision is not None and with_decision:
        assert isinstance(decision, DecisionComponent)
        return decision.wrap(est, strat.params_of(decision, params), ctx, seed)
    return est


def _model_step(
    strat: Strategy, spec: ModelSpec, params: dict[str, Any], ctx: FitContext, seen: FitContext, seed: int
) -> Any:
    """The model (or the ensemble around it), its settings resolved for the class counts it will be fitted on.

    ``seen`` holds the counts after the sampler; an ensemble's members see its bags instead.
    """
    model_params = {k[len(MODEL_PREFIX) :]: v for k, v in params.items() if k.startswith(MODEL_PREFIX)}
    kwargs = dict(model_params)
    cost = strat.get("cost")
    if cost is not None:
        assert isinstance(cost, CostComponent)
        kwargs.update(cost.model_kwargs(strat.params_of(cost, params), ctx))
    ensemble = strat.get("ensemble")
    if ensemble is not None:
        assert isinstance(ensemble, EnsembleComponent)
        seen = ensemble.bag(strat.params_of(ensemble, params), seen)
    est = spec.build(spec.resolve(kwargs, seen.n_pos, seen.n_neg), seed)
    loss = strat.get("loss")
    if loss is not None:
        assert isinstance(loss, LossComponent)
        est = loss.wrap_model(est, spec, strat.params_of(loss, params), seed)
    if ensemble is not None:
        est = ensemble.wrap(est, spec, model_params, strat.params_of(ensemble, params), seed)
    return est


def preload(strategy: str | Strategy, model: str | ModelSpec) -> None:
    """Import every library that fitting ``strategy`` × ``model`` needs (they are imported lazily).

    A cell arms a timeout alarm around its fit; an alarm inside an import leaves a half-initialised
    module behind, so the harness imports first.
    """
    strat, spec = resolve(strategy, model, {})
    assemble(strat, spec, {}, FitContext(n_pos=2, n_neg=2, n_categorical=1, n_numeric=1), [0], [1], 0)


class ImbalancePipeline(ClassifierMixin, BaseEstimator):
    """A strategy × model as one binary classifier; data-dependent settings are read in ``fit``.

    ``fit(X, y)`` reads, from the training rows only: the column types (non-numeric DataFrame
    columns are categorical unless ``categorical`` names them; array columns are numeric unless
    ``categorical`` lists their indices), the class counts (cost weights ``(neg/pos)^alpha``,
    sampling ratios, neighbour caps, leaf sizes scaled to the minority the model sees, threshold CV
    folds capped by the positives), then builds and
    fits the concrete pipeline (:func:`assemble`). The positive (minority) class is ``classes_[1]``,
    the larger label, as in scikit-learn's binary metrics.

    Hyper-parameters are keyword arguments prefixed by component (``model__C``,
    ``smote__k_neighbors``, ``class_weight__alpha``); ``get_params``/``set_params`` expose
    them, so ``GridSearchCV`` can tune them. Fitted attributes: ``estimator_`` (the fitted concrete
    estimator), ``pipeline_`` (its imblearn Pipeline; for a decision strategy the one refitted on
    all rows), ``classes_``, ``threshold_`` (0.5 without a decision component),
    ``best_threshold_`` (decision strategies only), ``adaptations_`` (sampler settings adapted to
    the rows), ``n_features_in_``, ``feature_names_in_``.
    """

    def __init__(  # noqa: PLR0913 - an sklearn estimator: every setting is a constructor parameter (clone, get_params)
        self,
        strategy: str | Strategy = "none",
        model: str | ModelSpec = "logreg",
        *,
        seed: int = 0,
        categorical: Sequence[Any] | None = None,
        cost_fn: float = 1.0,
        cost_fp: float = 1.0,
        threshold_objective: str = "f1",
        inner_folds: int = 3,
        inner_holdout: float = 0.0,
        tree_codes: bool = False,
        with_decision: bool = True,
        **params: Any,
    ) -> None:
        self.strategy = strategy
        self.model = model
        self.seed = seed
        self.categorical = categorical
        self.cost_fn = cost_fn
        self.cost_fp = cost_fp
        self.threshold_objective = threshold_objective
        self.inner_folds = inner_folds
        self.inner_holdout = inner_holdout
        self.tree_codes = tree_codes
        self.with_decision = with_decision
        # prefixed hyper-parameters: private, so only the signature's names look like attributes
        self._hyper_params = dict(params)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters and the prefixed hyper-parameters."""
        return {**super().get_params(deep=deep), **self._hyper_params}

    def set_params(self, **params: Any) -> ImbalancePipeline:
        """Set constructor parameters or prefixed hyper-parameters (``model__C=0.5``); ``fit`` validates them."""
        own = set(self._get_param_names())
        for key, value in params.items():
            if key in own:
                setattr(self, key, value)
            else:
                self._hyper_params[key] = value
        return self

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # imputed inside the pipeline
        tags.classifier_tags.multi_class = False
        return tags

    def fit(self, X: Any, y: Any) -> ImbalancePipeline:
        """Read the column types and class counts of ``X, y``, build the concrete pipeline and fit it."""
        X, y = self._check_fit_data(X, y)
        strat, spec = resolve(self.strategy, self.model, self._hyper_params)
        self.classes_, y_fit = _encode_binary(y)
        numeric, categorical = split_columns(X, self.categorical)
        settings = FitSettings(
            self.cost_fn, self.cost_fp, self.threshold_objective, self.inner_folds, self.inner_holdout, self.tree_codes
        )
        ctx = context_for(y_fit, numeric, categorical, settings)
        reason = strat.skip(spec, ctx)
        if reason:
            raise ConfigError(f"{strat.name} × {spec.name}: not applicable: {reason}")
        est = assemble(strat, spec, dict(self._hyper_params), ctx, numeric, categorical, self.seed, self.with_decision)
        self.estimator_ = est.fit(X, y_fit)
        decided = self.with_decision and strat.get("decision") is not None
        inner = self.estimator_.estimator_ if decided else self.estimator_
        self.pipeline_ = getattr(inner, "pipeline_", inner)  # a calibration wrapper exposes its pipeline
        self.threshold_ = float(self.estimator_.best_threshold_) if decided else 0.5
        if decided:
            self.best_threshold_ = self.threshold_
        sampler = self.pipeline_.named_steps.get("sampler")
        self.adaptations_ = list(getattr(sampler, "adaptations_", []))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        X = self._check_predict_data(X)
        return self.estimator_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        """Labels at the decision threshold (``threshold_``)."""
        X = self._check_predict_data(X)
        pred = self.estimator_.predict(X)
        return np.take(self.classes_, np.asarray(pred, dtype=np.intp))

    def _check_fit_data(self, X: Any, y: Any) -> tuple[Any, np.ndarray]:
        from sklearn.utils import assert_all_finite, check_array, check_consistent_length, column_or_1d
        from sklearn.utils.multiclass import check_classification_targets, type_of_target
        from sklearn.utils.validation import validate_data

        if not hasattr(X, "columns"):  # DataFrames pass untouched: their dtypes say which columns are categorical
            X = check_array(X, dtype=None, ensure_all_finite="allow-nan")
        validate_data(self, X, y, skip_check_array=True)
        y = column_or_1d(y, warn=True)
        assert_all_finite(y, input_name="y")
        check_consistent_length(X, y)
        check_classification_targets(y)
        kind = type_of_target(y, input_name="y")
        if kind != "binary":
            raise ValueError(f"Only binary classification is supported. The type of the target is {kind}.")
        return X, y

    def _check_predict_data(self, X: Any) -> Any:
        from sklearn.utils import check_array
        from sklearn.utils.validation import check_is_fitted, validate_data

        check_is_fitted(self)
        if not hasattr(X, "columns"):
            X = check_array(X, dtype=None, ensure_all_finite="allow-nan")
        validate_data(self, X, reset=False, skip_check_array=True)
        return X


def _encode_binary(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(classes, targets coded 0/1); integer 0/1 targets pass through as given (dtype kept)."""
    classes, codes = np.unique(y, return_inverse=True)
    if len(classes) != 2:
        raise ValueError(f"y needs both classes to fit an imbalance strategy; got {len(classes)} class: {classes}")
    if y.dtype.kind in "iu" and classes[0] == 0 and classes[1] == 1:
        return classes, y
    return classes, codes


def build_pipeline(  # noqa: PLR0913 - ImbalancePipeline's parameters, by name
    strategy: str | Strategy,
    model: str | ModelSpec,
    *,
    seed: int = 0,
    categorical: Sequence[Any] | None = None,
    cost_fn: float = 1.0,
    cost_fp: float = 1.0,
    threshold_objective: str = "f1",
    inner_folds: int = 3,
    inner_holdout: float = 0.0,
    tree_codes: bool = False,
    with_decision: bool = True,
    **params: Any,
) -> ImbalancePipeline:
    """An unfitted :class:`ImbalancePipeline` for ``strategy`` × ``model`` with hyper-parameters ``params``.

    Parameters are prefixed: ``model__C``, ``smote__k_neighbors``, ``class_weight__alpha``.
    Names, applicability and parameter prefixes are checked now (``ConfigError``); column types
    and class counts are read by ``fit``. Every preprocessing step, sampler and threshold is fitted
    inside the estimator, so it only ever learns from the rows it is fitted on.
    """
    strat, spec = resolve(strategy, model, params)
    registered = spec.name in MODELS.names() and MODELS.get(spec.name) is spec
    return ImbalancePipeline(
        strat.name,
        spec.name if registered else spec,
        seed=seed,
        categorical=categorical,
        cost_fn=cost_fn,
        cost_fp=cost_fp,
        threshold_objective=threshold_objective,
        inner_folds=inner_folds,
        inner_holdout=inner_holdout,
        tree_codes=tree_codes,
        with_decision=with_decision,
        **params,
    )
