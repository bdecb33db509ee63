"""Trial fits that reuse what no trial changes: the preprocessing of each inner fold and repeated sampler outputs.

A trial fit here is the same computation as ``ImbalancePipeline.fit`` on the inner-train rows followed
by ``predict_proba`` on the inner-validation rows (``tests/test_prepared.py`` checks they agree): the
imputer/encoder/scaler is fitted on the inner-train rows only, once per fold instead of once per trial,
and a sampler with the same parameters and seed on the same fold returns the rows it returned before.
Boosting models stop early on the inner-validation fold; the rounds they keep are returned so the
refit on the outer-train rows can use their mean (it never sees a validation set of its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from imbench.evaluation.protocol import EvalProtocol
from imbench.models import ModelSpec
from imbench.pipeline.build import assemble, context_for, prep_step, split_columns
from imbench.strategies import Strategy


@dataclass
class PreparedFold:
    """One inner split with the preprocessing fitted on its training rows: arrays in, arrays out."""

    train: np.ndarray
    valid: np.ndarray
    y_train: np.ndarray
    y_valid: np.ndarray
    X_train: np.ndarray
    X_valid: np.ndarray


def supports_prepared(strategy: Strategy) -> bool:
    """Whether trials of ``strategy`` can run on prepared folds: a wrapper around the whole pipeline (post-hoc
    calibration, prior correction) or around the model (a custom loss) fits the plain path instead."""
    return strategy.get("calibration") is None and strategy.get("loss") is None


def uses_early_stopping(strategy: Strategy, model: ModelSpec, protocol: EvalProtocol) -> bool:
    """Whether tuning learns the rounds (trees) by early stopping (a bare booster or forest under the fast protocol).

    Inside an ensemble the members are fitted on bags by the ensemble itself, without a validation
    set, so their ``n_estimators`` stays in the search space.
    """
    return protocol.fast and model.early_stopping and strategy.get("ensemble") is None and supports_prepared(strategy)


@dataclass
class TrialFitter:
    """Fits trials of one strategy × model on prepared inner folds; keeps sampler outputs by parameters."""

    strategy: Strategy
    model: ModelSpec
    protocol: EvalProtocol
    numeric: Sequence[Any]
    categorical: Sequence[Any]
    seed: int
    folds: list[PreparedFold]
    early_stopping: bool
    _resampled: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def prepare(
        cls,
        strategy: Strategy,
        model: ModelSpec,
        protocol: EvalProtocol,
        X: Any,
        y: np.ndarray,
        folds: list[tuple[np.ndarray, np.ndarray]],
        categorical: Sequence[Any],
        seed: int,
    ) -> TrialFitter:
        """Fit the preprocessing once on each inner training fold and transform its two sides."""
        from sklearn.base import clone

        numeric, cat = split_columns(X, categorical)
        template = prep_step(strategy, model, numeric, cat)
        prepared = []
        for tr, va in folds:
            prep = clone(template)
            X_tr = np.asarray(prep.fit_transform(X.iloc[tr], y[tr]), dtype=float)
            X_va = np.asarray(prep.transform(X.iloc[va]), dtype=float)
            prepared.append(PreparedFold(tr, va, y[tr], y[va], X_tr, X_va))
        return cls(
            strategy, model, protocol, numeric, cat, seed, prepared, uses_early_stopping(strategy, model, protocol)
        )

    def fit_score(self, index: int, params: dict[str, Any]) -> tuple[np.ndarray, int | None]:
        """(validation scores of fold ``index``, boosting rounds kept or None) for a trial's ``params``."""

        fold = self.folds[index]
        p = self.protocol
        ctx = context_for(fold.y_train, self.numeric, self.categorical, p.fit_settings)
        pipe = assemble(
            self.strategy,
            self.model,
            params,
            ctx,
            self.numeric,
            self.categorical,
            self.seed,
            with_decision=False,
            prepared=True,
        )
        X, y, X_va = fold.X_train, fold.y_train, fold.X_valid
        for name, step in pipe.steps[:-1]:
            if name == "sampler":  # samplers act on training rows only; validation rows pass untouched
                X, y = self._resample(index, params, step, X, y)
            else:
                X = step.fit_transform(X, y)
                X_va = step.transform(X_va)
        model = pipe.steps[-1][1]
        if not self.early_stopping:
            model.fit(X, y)
            return model.predict_proba(X_va)[:, 1], None
        rounds = self.model.fit_early(model, X, y, X_va, fold.y_valid)
        return model.predict_proba(X_va)[:, 1], rounds

    def _resample(
        self, index: int, params: dict[str, Any], sampler: Any, X: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        comp = self.strategy.get("resample")
        assert comp is not None
        key = (index, *sorted(self.strategy.params_of(comp, params).items()))
        if key not in self._resampled:  # same fold, parameters and seed: the same rows
            if len(self._resampled) >= 2 * len(self.folds):  # bounded memory: the oldest entry goes
                self._resampled.pop(next(iter(self._resampled)))
            self._resampled[key] = sampler.fit_resample(X, y)
        return self._resampled[key]
