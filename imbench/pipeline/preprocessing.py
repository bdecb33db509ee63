"""Preprocessing steps fitted inside the pipeline (on training rows only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from imbench.datasets.columns import MAX_MAGNITUDE, magnitude_scales


class MagnitudeGuard(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Divides each numeric column whose training values exceed ``MAX_MAGNITUDE`` by a power of two
    (``magnitude_scales``) and clips a later finite value beyond the bound to it, so huge but finite numbers
    (1e200, ±1e308) reach the imputer, scaler, samplers and models as finite, squarable floats. Ordinary data
    passes through unchanged; ±inf is left for the imputer to refuse (the loaders turn it into missing)."""

    def fit(self, X: Any, y: Any = None) -> MagnitudeGuard:
        A = validate_data(self, X, dtype=np.float64, ensure_all_finite=False, reset=True)
        self.scale_ = magnitude_scales(A)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "scale_")
        A = validate_data(self, X, dtype=np.float64, ensure_all_finite=False, reset=False) * self.scale_
        return np.where(np.isfinite(A), np.clip(A, -MAX_MAGNITUDE, MAX_MAGNITUDE), A)


def impute_encode(numeric: Sequence[Any], categorical: Sequence[Any], scale: bool) -> Any:
    """Bound (``MagnitudeGuard``), median-impute and optionally standardise numeric columns; impute and
    ordinal-code categoricals.

    Output columns: numeric first, then one integer code per categorical column (unseen
    categories become -1), so a categorical-aware sampler (SMOTENC) can find them by index.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder, StandardScaler

    num_steps: list[Any] = [MagnitudeGuard(), SimpleImputer(strategy="median", keep_empty_features=True)]
    if scale:
        num_steps.append(StandardScaler())
    parts: list[tuple[str, Any, list[Any]]] = []
    if numeric:
        parts.append(("num", make_pipeline(*num_steps), list(numeric)))
    if categorical:
        cat = make_pipeline(
            SimpleImputer(strategy="most_frequent", keep_empty_features=True),
            OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1),
        )
        parts.append(("cat", cat, list(categorical)))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=False)


def one_hot(first_categorical: int, n_categorical: int) -> Any:
    """One-hot encode the categorical code columns (numeric columns pass through)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    idx = list(range(first_categorical, first_categorical + n_categorical))
    enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer([("onehot", enc, idx)], remainder="passthrough", sparse_threshold=0.0)
