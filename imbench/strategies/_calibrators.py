"""Meta-estimators of the calibration family: prior correction and cross-validated recalibration.

Imported lazily (scikit-learn, imblearn). Each wraps the strategy's imblearn pipeline, fits it on
the rows it is given only, and exposes the fitted pipeline as ``pipeline_``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

BALANCE_ALL = ("auto", "all", "majority", "not minority")
"""imblearn ``sampling_strategy`` values that undersample a binary problem to 1:1."""


def member_ratio(model: Any) -> float | None:
    """pos/neg that each member of a balanced-undersampling ensemble is trained on, else None.

    EasyEnsemble, balanced bagging and the balanced random forest undersample every member's rows
    to the ``sampling_strategy`` ratio (1:1 by default), whatever the prior of the rows they get.
    """
    from imblearn.ensemble import BalancedBaggingClassifier, BalancedRandomForestClassifier, EasyEnsembleClassifier

    if not isinstance(model, (BalancedBaggingClassifier, BalancedRandomForestClassifier, EasyEnsembleClassifier)):
        return None
    ratio = model.get_params()["sampling_strategy"]
    if isinstance(ratio, float):
        return ratio
    if ratio in BALANCE_ALL:
        return 1.0
    raise ValueError(f"prior_correction cannot read the member prior of sampling_strategy={ratio!r}")


def cost_weight(model: Any, counts: np.ndarray) -> float:
    """Positive/negative weight ratio that the model's own class weights apply (1.0 without any).

    Reads ``class_weight`` (a dict, or 'balanced' on the ``counts`` the model is fitted on) and
    ``scale_pos_weight`` from the model or the model inside an ensemble.
    """
    params = model.get_params(deep=True)
    w = 1.0
    for keyword in ("class_weight", "scale_pos_weight"):
        found = [v for k, v in params.items() if k == keyword or k.endswith(f"__{keyword}")]
        value = found[0] if found else None
        if value is None:
            continue
        if isinstance(value, dict):
            w *= float(value.get(1, 1.0)) / float(value.get(0, 1.0))
        elif value == "balanced":
            w *= float(counts[0]) / float(counts[1])
        elif isinstance(value, str):
            raise ValueError(f"prior_correction cannot read {keyword}={value!r}")
        else:
            w *= float(value)
    return w


class PriorCorrected(ClassifierMixin, BaseEstimator):
    """The pipeline's probabilities mapped back to the class prior of the rows it was fitted on.

    A model trained on rows whose positive-class odds were multiplied by ``w`` (resampled to another
    pos/neg ratio, or weighted by a class weight) learns odds ``w`` times the true odds; Bayes' rule
    undoes it in closed form, ``odds' = odds / w`` (Elkan 2001; Saerens et al. 2002). ``w`` is read in
    ``fit`` from the training rows only: (pos/neg the model saw: the sampler's actual output counts, or
    the members' ratio inside a balanced ensemble) / (pos/neg of the rows given) × the class-weight
    ratio. For an ensemble the average of the members' probabilities is corrected (each member has
    the same ``w``). Fitted: ``pipeline_``, ``weight_`` (w), ``classes_``.
    """

    def __init__(self, estimator: Any = None) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any) -> PriorCorrected:
        """Fit the pipeline on ``X, y`` and read the odds factor of its sampler, ensemble and weights."""
        self.classes_, y01 = np.unique(np.asarray(y), return_inverse=True)
        given = np.bincount(y01, minlength=2)
        if given.min() == 0:
            raise ValueError("prior_correction needs both classes in the training rows")
        self.pipeline_ = clone(self.estimator).fit(X, y)
        steps = self.pipeline_.named_steps
        sampler = steps.get("sampler")
        seen = given if sampler is None else np.asarray(sampler.counts_)
        model = steps["model"]
        members = member_ratio(model)
        seen_ratio = members if members is not None else seen[1] / max(seen[0], 1)
        self.weight_ = float(seen_ratio / (given[1] / given[0]) * cost_weight(model, seen))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities with the odds divided by ``weight_``: ``p / (p + w (1 − p))``."""
        p = self.pipeline_.predict_proba(X)[:, 1]
        corrected = p / (p + self.weight_ * (1.0 - p))
        return np.column_stack([1.0 - corrected, corrected])

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class after correction (``argmax``: a tie at 0.5 is the negative class)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class Recalibrated(ClassifierMixin, BaseEstimator):
    """``CalibratedClassifierCV(ensemble=False)`` around the pipeline, with folds capped by the positives.

    The calibrator (sigmoid or isotonic) is fitted on out-of-fold predictions of the rows given
    (``cross_val_predict`` over stratified folds), and the pipeline is refitted once on all of them:
    one model, the same one the uncalibrated strategy would fit, whose scores are then mapped. The
    folds are ``min(folds, positives)`` of the rows this fit receives (every fold needs a positive).
    Fitted: ``calibrated_`` (the CalibratedClassifierCV), ``pipeline_``, ``classes_``.
    """

    def __init__(self, estimator: Any = None, method: str = "sigmoid", folds: int = 3, seed: int = 0) -> None:
        self.estimator = estimator
        self.method = method
        self.folds = folds
        self.seed = seed

    def fit(self, X: Any, y: Any) -> Recalibrated:
        """Calibrate on held-out folds of ``X, y`` and refit the pipeline on all of them."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.model_selection import StratifiedKFold

        counts = np.unique(np.asarray(y), return_counts=True)[1]
        if len(counts) != 2 or counts.min() < 2:
            raise ValueError(f"calibrate needs two rows of each class for held-out folds; got counts {counts.tolist()}")
        k = max(2, min(int(self.folds), int(counts.min())))
        cv = StratifiedKFold(k, shuffle=True, random_state=self.seed)
        self.calibrated_ = CalibratedClassifierCV(clone(self.estimator), method=self.method, cv=cv, ensemble=False).fit(
            X, y
        )
        self.pipeline_ = self.calibrated_.calibrated_classifiers_[0].estimator
        self.classes_ = self.calibrated_.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated class probabilities."""
        return np.asarray(self.calibrated_.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class after calibration (``argmax``: a tie at 0.5 is the negative class)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
