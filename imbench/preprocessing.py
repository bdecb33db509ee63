"""Preprocessing steps fitted inside the pipeline (on training rows only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def impute_encode(numeric: Sequence[Any], categorical: Sequence[Any], scale: bool) -> Any:
    """Median-impute (and optionally standardise) numeric columns; impute and ordinal-code categoricals.

    Output columns: numeric first, then one integer code per categorical column (unseen
    categories become -1), so a categorical-aware sampler (SMOTENC) can find them by index.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder, StandardScaler

    num_steps: list[Any] = [SimpleImputer(strategy="median", keep_empty_features=True)]
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
