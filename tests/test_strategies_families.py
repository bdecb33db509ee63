"""Every registered plugin through every test family: leakage, determinism and failures.

The lists come from the registries (filled by walking the packages), so a strategy component or a
model added as one file is checked here without touching this module. The checks themselves are
:mod:`imbench.testing`, which a plugin in another package runs too.
"""

from __future__ import annotations

import pytest
from conftest import make_tiny

from imbench.datasets.base import Dataset
from imbench.models import MODELS
from imbench.strategies import COMPONENTS, strategy_names
from imbench.testing import (
    applicable_case,
    check_choices_ignore_test_rows,
    check_determinism,
    check_failures_are_rows,
    check_fits_see_training_rows_only,
)


def _data() -> Dataset:
    return make_tiny(categorical=True, missing=True, name="families")


def _cases() -> list[tuple[str, str]]:
    strategies = [applicable_case(s, data=_data()) for s in strategy_names()]
    models = [("none", m) for m in MODELS.names() if m != "logreg"]
    decision = [n for n in COMPONENTS.names() if COMPONENTS.get(n).family == "decision"]
    composed = [(f"smote+{d}", "logreg") for d in decision]  # a decision component after a sampler
    return list(dict.fromkeys(strategies + models + composed))


CASES = _cases()


def test_every_registered_plugin_is_a_case() -> None:
    parts = {part for s, _ in CASES for part in s.split("+")}
    assert set(COMPONENTS.names()) <= parts
    assert set(MODELS.names()) == {m for _, m in CASES}


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_leakage_no_fit_sees_outer_test_rows(strategy: str, model: str, fast_models: None) -> None:
    check_fits_see_training_rows_only(strategy, model, _data())


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_leakage_choices_ignore_test_features(strategy: str, model: str, fast_models: None) -> None:
    check_choices_ignore_test_rows(strategy, model, _data())


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_determinism_same_cell_same_row(strategy: str, model: str, fast_models: None) -> None:
    check_determinism(strategy, model, _data())


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_failures_are_rows_on_hopeless_data(strategy: str, model: str, fast_models: None) -> None:
    """One or two positives per outer-train split: a plugin may fail, but as a row with a one-line reason."""
    check_failures_are_rows(strategy, model)
