"""``build_pipeline`` as a scikit-learn estimator: built without data, data read in ``fit``, usable in a user's
own ``GridSearchCV``, ``cross_validate`` and ``Pipeline`` on DataFrames and numpy arrays."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_tiny
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from imbench.core.errors import ConfigError
from imbench.pipeline.build import ImbalancePipeline, build_pipeline


def test_class_counts_are_read_by_each_fit(fast_models: None) -> None:
    est = build_pipeline("class_weight", "logreg", class_weight__multiplier=2.0)
    assert isinstance(est, ImbalancePipeline) and not hasattr(est, "classes_")
    for ir in (3.0, 9.0):
        ds = make_tiny(n=200, ir=ir)
        fitted = clone(est).fit(ds.X, ds.y)
        neg_pos = float(np.sum(ds.y == 0) / np.sum(ds.y == 1))
        weight = fitted.pipeline_.named_steps["model"].class_weight
        assert weight == {0: 1.0, 1: pytest.approx(2.0 * neg_pos)}


def test_gridsearch_on_a_dataframe_with_categorical_columns(fast_models: None) -> None:
    ds = make_tiny(n=200, categorical=True, missing=True)
    grid = GridSearchCV(
        build_pipeline("smote", "logreg"),
        {"smote__k_neighbors": [2, 3], "model__C": [0.1, 1.0]},
        scoring="average_precision",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    )
    grid.fit(ds.X, ds.y)
    best = grid.best_estimator_
    assert set(grid.best_params_) == {"smote__k_neighbors", "model__C"}
    steps = best.pipeline_.named_steps
    assert list(steps) == ["prep", "sampler", "onehot", "model"]  # the colour column was detected in fit
    assert type(steps["sampler"].sampler_).__name__ == "SMOTENC"
    assert list(best.feature_names_in_) == list(ds.X.columns)


def test_inside_a_user_pipeline_on_numpy_arrays(fast_models: None) -> None:
    ds = make_tiny(n=200)
    X, y = ds.X.to_numpy(), ds.y
    user = Pipeline([("scale", StandardScaler()), ("clf", build_pipeline("smote+threshold", "logreg"))])
    user.set_params(clf__model__C=0.5, clf__smote__k_neighbors=3)  # routed to the prefixed hyper-parameters
    assert user.get_params()["clf__model__C"] == 0.5
    res = cross_validate(
        user,
        X,
        y,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="average_precision",
        return_estimator=True,
    )
    assert np.all(res["test_score"] > 0.5)
    for fitted in res["estimator"]:
        clf = fitted.named_steps["clf"]
        assert 0.0 < clf.threshold_ < 1.0 and clf.threshold_ == clf.best_threshold_
        assert clf.pipeline_.named_steps["model"].C == 0.5


def test_threshold_folds_are_capped_by_the_positives_fit_sees(fast_models: None) -> None:
    ds = make_tiny(n=60, ir=19)  # 3 positives
    est = build_pipeline("threshold", "logreg", inner_folds=5).fit(ds.X, ds.y)
    assert int(np.sum(ds.y == 1)) == 3 and est.estimator_.cv.get_n_splits() == 3


def test_labels_other_than_zero_one(fast_models: None) -> None:
    ds = make_tiny(n=150)
    y = np.where(ds.y == 1, "yes", "no")  # the positive class is the larger label, classes_[1]
    est = build_pipeline("class_weight", "lightgbm").fit(ds.X, y)
    assert list(est.classes_) == ["no", "yes"]
    assert set(est.predict(ds.X)) <= {"no", "yes"}
    weights = est.pipeline_.named_steps["model"].class_weight
    assert weights[1] == pytest.approx(np.sum(y == "no") / np.sum(y == "yes"))
    with pytest.raises(ValueError, match="Only binary classification"):
        build_pipeline("none", "logreg").fit(ds.X, np.arange(len(y)) % 3)


def test_training_rows_and_contexts_are_not_keywords() -> None:
    """Column types and class counts are read by fit: X=, y=, numeric=, ctx= are refused like any unprefixed name."""
    ds = make_tiny(n=80)
    for kw in ("X", "y", "numeric", "ctx"):
        with pytest.raises(ConfigError, match=f"unknown parameter\\(s\\) {kw}; prefix with model__"):
            build_pipeline("smote", "logreg", **{kw: ds.X})


def test_parameters_set_later_are_validated_by_fit() -> None:
    ds = make_tiny(n=80)
    est = build_pipeline("smote", "logreg").set_params(threshold__x=1)
    with pytest.raises(ConfigError, match="unknown parameter"):
        est.fit(ds.X, ds.y)
    with pytest.raises(ConfigError, match="not applicable"):
        build_pipeline("smote", "logreg").set_params(strategy="balanced_rf").fit(ds.X, ds.y)
