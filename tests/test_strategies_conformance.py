"""Every registered strategy × every registered model builds, fits, predicts and runs as a cell.

The parameter lists are read from the registries at collection time, so a newly registered
component or model is covered without touching this file. Models are capped at a few trees
(``fast_models``) so the whole cross product runs in seconds. The checks themselves are
:mod:`imbench.testing` (``check_pipeline``, ``check_cell``), which a plugin in another package runs too.
"""

from __future__ import annotations

import itertools
from functools import cache

import pytest
from conftest import make_tiny

from imbench.datasets.base import Dataset
from imbench.models import MODELS
from imbench.pipeline.build import context_for, split_columns
from imbench.strategies import COMPONENTS, parse_strategy, strategy_names
from imbench.testing import check_cell, check_pipeline, skip_reason

STRATEGIES = strategy_names()
MODEL_NAMES = MODELS.names()
PAIRS = list(itertools.product(STRATEGIES, MODEL_NAMES))
COMPOSITES = sorted(
    parse_strategy(f"{a}+{b}").name
    for a, b in itertools.combinations(COMPONENTS.names(), 2)
    if COMPONENTS.get(a).family != COMPONENTS.get(b).family
)
"""Every two-component strategy (one component from each of two families)."""
RUN_COMPOSITES = [
    "smote+threshold",
    "class_weight+threshold",
    "smote+class_weight",
    "random_under+easy_ensemble",
    "scale_pos_weight+threshold",
    "adasyn+balanced_rf",
    "smote+prior_correction",
    "focal_loss+calibrate",
]
"""Composites also run end to end as cells (the rest are built, fitted and predicted)."""
VARIANTS = ["numeric", "mixed"]


@cache
def dataset(variant: str) -> Dataset:
    """The shared tiny dataset: numeric only, or with a categorical column and missing values."""
    return make_tiny(categorical=variant == "mixed", missing=variant == "mixed", name=f"conformance-{variant}")


def test_registries_are_what_the_parameters_cover() -> None:
    assert STRATEGIES[0] == "none" and len(STRATEGIES) == len(COMPONENTS) + 1
    assert set(MODEL_NAMES) >= {"logreg", "random_forest", "xgboost", "lightgbm"}
    assert {"smote+threshold", "class_weight+threshold"} <= set(COMPOSITES)
    assert set(RUN_COMPOSITES) <= set(COMPOSITES)
    for s in STRATEGIES:
        assert parse_strategy(s).name == s


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("strategy", "model"), PAIRS)
def test_pipeline_builds_fits_and_predicts(strategy: str, model: str, variant: str, fast_models: None) -> None:
    check_pipeline(strategy, model, dataset(variant))


COMPOSITE_CASES = [(s, MODEL_NAMES[i % len(MODEL_NAMES)]) for i, s in enumerate(COMPOSITES)]
"""Each composite with one model, the models taken in turn (the full product is 4x slower)."""


@pytest.mark.parametrize(("strategy", "model"), COMPOSITE_CASES)
def test_composite_pipeline_builds_fits_and_predicts(strategy: str, model: str, fast_models: None) -> None:
    check_pipeline(strategy, model, dataset("mixed"))


@pytest.mark.parametrize("strategy", COMPOSITES)
def test_composite_skips_where_a_component_skips(strategy: str) -> None:
    """A component's reason for the model first, else a reason why the components cannot act together."""
    ds = dataset("mixed")
    comps = parse_strategy(strategy).components
    ctx = context_for(ds.y, *split_columns(ds.X, ds.categorical))
    for model in MODEL_NAMES:
        reasons = [r for c in comps if (r := c.skip(MODELS.get(model), ctx))]
        reasons += [r for c in comps if (r := c.conflict(tuple(o for o in comps if o is not c)))]
        assert skip_reason(strategy, model, ds) == (reasons[0] if reasons else None)


@pytest.mark.parametrize(("strategy", "model"), PAIRS)
def test_run_cell(strategy: str, model: str, fast_models: None) -> None:
    check_cell(strategy, model, dataset("mixed"))


@pytest.mark.parametrize("model", MODEL_NAMES)
@pytest.mark.parametrize("strategy", RUN_COMPOSITES)
def test_run_cell_composite(strategy: str, model: str, fast_models: None) -> None:
    check_cell(strategy, model, dataset("mixed"))


@pytest.mark.parametrize("strategy", ["none", "smote", "class_weight", "threshold"])
def test_run_cell_numeric_only(strategy: str, fast_models: None) -> None:
    check_cell(strategy, "logreg", dataset("numeric"))
