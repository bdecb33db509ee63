"""scikit-learn's estimator checks over every registered strategy × model pair.

``build_pipeline`` returns an :class:`~imbench.pipeline.build.ImbalancePipeline`, which claims to be a
scikit-learn classifier (clonable, tunable by ``GridSearchCV``, data read in ``fit``); these checks
hold it to that. The pairs come from the registries, so a new component or model is checked
without touching this file; pairs whose ``skip()`` gives a reason are not estimators and are left out.

Speed (about 65 s of CPU in one process): the full check list runs on every strategy with one model
(``lightgbm``, which every strategy but ``balanced_rf`` applies to; ``balanced_rf`` uses
``random_forest``); every other pair runs ``CORE_CHECKS``, the checks that go through the model's own
fit/predict path (training on blobs, also read-only and float32, string labels, seeded refits,
pickling). ``IMBENCH_FULL_ESTIMATOR_CHECKS=1`` runs the full list on every pair (several minutes).
scikit-learn itself skips its array-API check unless ``SCIPY_ARRAY_API=1`` is set (reported as skipped).
Models get few trees and ensembles two members; LightGBM may grow leaves of two rows, because the
checks' data sets have 10-30 rows, where its default of 20 rows per leaf predicts a constant.

Checks that cannot pass for a principled reason are in ``EXPECTED_FAILURES`` (one table: component,
models, check → reason) and run as strict xfail: a listed check that starts passing fails the test,
so the table stays true.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from imbench.models import MODELS
from imbench.pipeline.build import build_pipeline
from imbench.strategies import parse_strategy, strategy_names

FAST_PARAMS: dict[str, dict[str, Any]] = {
    "random_forest": {"model__n_estimators": 5},
    "xgboost": {"model__n_estimators": 5},
    "lightgbm": {"model__n_estimators": 5, "model__min_child_samples": 2},
    "easy_ensemble": {"easy_ensemble__n_estimators": 2},
    "balanced_bagging": {"balanced_bagging__n_estimators": 2},
    "rus_boost": {"rus_boost__n_estimators": 2},
}
"""Small, valid hyper-parameters that keep each check to a fraction of a second (keyed by model or component)."""

FULL_MODEL = "lightgbm"
CORE_CHECKS = frozenset(
    {
        "check_estimator_cloneable",
        "check_classifiers_train",
        "check_classifiers_classes",
        "check_fit_idempotent",
        "check_estimators_pickle",
    }
)
ALL = frozenset(MODELS.names())

_THRESHOLD_PREDICT = (
    "predict applies the threshold TunedThresholdClassifierCV tuned, not argmax(predict_proba) "
    "(a 0.5 threshold); with a linear model some blob rows fall between the two"
)
_CONSTANT = (
    "TunedThresholdClassifierCV refuses an inner-fold model that predicts a constant (there is no threshold "
    "to choose); few-tree boosters and forests do on this check's 10-30-row data"
)
_ENN_ONE_CLASS = (
    "Edited Nearest Neighbours deletes every row its neighbours misclassify; on this check's tiny "
    "random data it leaves the model one class (or one row), which the model refuses"
)
_ADABOOST_WORSE_THAN_RANDOM = (
    "AdaBoost (inside RUSBoost) stops with an error when a round's learner is worse than "
    "random, as a linear model on this check's data is"
)
EXPECTED_FAILURES: list[tuple[str, frozenset[str], str, str]] = [
    # (component, models, check, reason)
    ("threshold", frozenset({"logreg"}), "check_classifiers_train", _THRESHOLD_PREDICT),
    ("threshold", frozenset({"lightgbm", "xgboost", "random_forest"}), "check_fit2d_1feature", _CONSTANT),
    ("threshold", frozenset({"xgboost"}), "check_classifier_data_not_an_array", _CONSTANT),
    ("rus_boost", frozenset({"logreg"}), "check_fit_idempotent", _ADABOOST_WORSE_THAN_RANDOM),
    ("smote_enn", frozenset({"logreg", "xgboost"}), "check_estimators_dtypes", _ENN_ONE_CLASS),
    ("smote_enn", frozenset({"logreg", "xgboost"}), "check_classifier_data_not_an_array", _ENN_ONE_CLASS),
    ("smote_enn", frozenset({"logreg"}), "check_n_features_in_after_fitting", _ENN_ONE_CLASS),
]
"""Every check expected to fail, for which component and models, and why."""


def expected_failed_checks(strategy: str, model: str) -> dict[str, str]:
    """scikit-learn's ``expected_failed_checks`` (check name → reason) for one pair."""
    components = {c.name for c in parse_strategy(strategy).components}
    return {
        check: reason for comp, models, check, reason in EXPECTED_FAILURES if comp in components and model in models
    }


CHECKED_COMPOSITES = (
    "smote+prior_correction",
    "class_weight+prior_correction",
    "easy_ensemble+prior_correction",
    "smote+calibrate",
)
"""Composites checked as well: ``prior_correction`` applies only on top of a component that moves the prior."""


def applicable_pairs() -> list[tuple[str, str]]:
    """Every registered strategy (and checked composite) × model that is an estimator (``skip()`` gives no reason)."""
    return [
        (s, m)
        for s in [*strategy_names(), *CHECKED_COMPOSITES]
        for m in MODELS.names()
        if not parse_strategy(s).skip(MODELS.get(m))
    ]


def full_model(strategy: str) -> str:
    """The model a strategy runs the full check list with."""
    return next(m for s, m in sorted(applicable_pairs(), key=lambda p: p[1] != FULL_MODEL) if s == strategy)


def check_name(check: Any) -> str:
    func = check.func if isinstance(check, partial) else check
    return str(func.__name__)


def check_id(check: Any) -> str:
    kw = check.keywords if isinstance(check, partial) else {}
    return check_name(check) + "".join(f"[{k}={v}]" for k, v in kw.items())


def cases() -> Iterator[Any]:
    full_everywhere = os.environ.get("IMBENCH_FULL_ESTIMATOR_CHECKS") == "1"
    for strategy, model in applicable_pairs():
        params = {
            **FAST_PARAMS.get(model, {}),
            **{k: v for c in parse_strategy(strategy).components for k, v in FAST_PARAMS.get(c.name, {}).items()},
        }
        est = build_pipeline(strategy, model, **params)
        full = full_everywhere or model == full_model(strategy)
        for item in estimator_checks_generator(
            est, expected_failed_checks=expected_failed_checks(strategy, model), mark="xfail", xfail_strict=True
        ):
            values, marks = (item.values, item.marks) if hasattr(item, "values") else (item, ())
            if full or check_name(values[1]) in CORE_CHECKS:
                yield pytest.param(*values, marks=marks, id=f"{strategy}-{model}-{check_id(values[1])}")


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@pytest.mark.parametrize(("estimator", "check"), list(cases()))
def test_sklearn_estimator_check(estimator: Any, check: Any) -> None:
    check(estimator)


def test_every_applicable_pair_is_checked() -> None:
    """No registered strategy or model escapes the checks; each strategy gets the full list once."""
    pairs = applicable_pairs()
    # a component that never applies alone (prior_correction) is checked inside a composite
    named = {s for s, _ in pairs if s not in CHECKED_COMPOSITES}
    assert named | {c.name for s, _ in pairs for c in parse_strategy(s).components} == set(strategy_names())
    assert {m for _, m in pairs} == set(MODELS.names())
    assert all(full_model(s) in MODELS.names() for s, _ in pairs)
    known = {c for _, _, c, _ in EXPECTED_FAILURES}
    ids = {p.id.rsplit("-", 1)[-1].split("[")[0] for p in cases()}
    assert known <= ids, f"expected failures name checks that never run: {known - ids}"
