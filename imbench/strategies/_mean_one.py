"""Sample-weight rescaling wrapper used by RUSBoost (imports scikit-learn, so it is loaded lazily)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone


class MeanOneWeights(ClassifierMixin, BaseEstimator):
    """Fits ``estimator`` with the sample weights rescaled to mean 1.

    AdaBoost normalises its weights to sum to 1; a model whose regularisation or leaf limits are in
    absolute weight units (XGBoost's ``min_child_weight``, LightGBM's hessian floor, the logistic
    penalty) then behaves as if it had n times fewer rows and collapses to a constant.
    """

    def __init__(self, estimator: Any = None) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> MeanOneWeights:
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float)
            sample_weight = sample_weight * (len(sample_weight) / sample_weight.sum())
        self.estimator_ = clone(self.estimator).fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.estimator_.classes_
        return self

    def predict(self, X: Any) -> Any:
        return self.estimator_.predict(X)

    def predict_proba(self, X: Any) -> Any:
        return self.estimator_.predict_proba(X)
