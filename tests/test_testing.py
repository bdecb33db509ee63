"""``imbench.testing``: a plugin written outside imbench passes the conformance checks, and broken ones fail them.

Every plugin here is defined and registered in the test, as an outside package would, and taken out of the
registries again afterwards (``registries``), so the parametrized suites elsewhere see only imbench's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from test_readme_snippet import README, snippet

import imbench.testing
from imbench.core.errors import UnknownNameError
from imbench.datasets.base import SOURCES, Dataset, register_source
from imbench.models import MODELS, ModelSpec, register_model
from imbench.strategies import COMPONENTS, FitContext, register_component
from imbench.strategies.base import CalibrationComponent, ResampleComponent

MARKER = "<!-- snippet: plugin"


@pytest.fixture(autouse=True)
def registries() -> Iterator[None]:
    """Whatever a test registers is gone after it (the registries hold exactly imbench's plugins again)."""
    regs: list[Any] = [COMPONENTS, MODELS, SOURCES]
    for reg in regs:
        reg.names()  # discovers imbench's own plugins first, so they are part of what is kept
    saved = [dict(reg._items) for reg in regs]
    yield
    for reg, items in zip(regs, saved):
        reg._items.clear()
        reg._items.update(items)


def test_the_readme_plugin_passes_every_check() -> None:
    """The README's example component, run exactly as printed (its last line is the check)."""
    code = snippet(MARKER)
    assert "@register_component" in code and 'imbench.testing.check_strategy("random_half_under")' in code
    assert len(code.strip().splitlines()) <= 30
    exec(compile(code, f"{README}:plugin", "exec"), {"__name__": "readme_plugin"})
    assert "random_half_under" in COMPONENTS and COMPONENTS.get("random_half_under").family == "resample"


def test_registrations_are_undone_between_tests() -> None:
    assert "random_half_under" not in COMPONENTS  # the README test's registration did not leak


# broken strategies ------------------------------------------------------------------------------------------


def _under(name: str, sampler: Any) -> None:
    """Register a half-undersampling component ``name`` whose sampler is ``sampler(seed)``."""

    class Under(ResampleComponent):
        uses_distances = False

        def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
            return sampler(seed)

        def resampled(self, params: dict[str, Any], ctx: FitContext) -> FitContext:
            return replace(ctx, n_neg=min(ctx.n_neg, 2 * ctx.n_pos))

    Under.name = name
    register_component(Under)


def test_an_unseeded_sampler_fails_determinism() -> None:
    _under("unseeded_under", lambda seed: RandomUnderSampler(sampling_strategy=0.5))  # ignores the seed
    imbench.testing.check_pipeline("unseeded_under", "logreg", imbench.testing.tiny_dataset())  # it does work
    with imbench.testing.fast_models(), pytest.raises(AssertionError, match="check_determinism.*different"):
        imbench.testing.check_determinism("unseeded_under", "logreg")


class HalfUnderSampler(RandomUnderSampler):
    """A sampler of the plugin's own: not a class the exported model file may hold."""


def test_a_fitted_class_off_the_trusted_list_fails_the_export_check() -> None:
    _under("own_class_under", lambda seed: HalfUnderSampler(sampling_strategy=0.5, random_state=seed))
    with pytest.raises(AssertionError) as err:
        imbench.testing.check_strategy("own_class_under", models=["logreg"])
    message = str(err.value)
    assert "check_pipeline('own_class_under', 'logreg'" in message and "check_export" in message
    assert "does not trust: test_testing.HalfUnderSampler" in message and "TRUSTED_TYPES" in message


class SelfTrained(ClassifierMixin, BaseEstimator):
    """Transductive "calibration": refits the pipeline on the rows it scores, labelled by itself (a leak)."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline

    def fit(self, X: Any, y: Any) -> SelfTrained:
        self.pipeline_ = clone(self.pipeline).fit(X, y)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X: Any) -> Any:
        pseudo = self.pipeline_.predict(X)
        if len(np.unique(pseudo)) == 2:
            self.pipeline_ = clone(self.pipeline).fit(X, pseudo)
        return self.pipeline_.predict_proba(X)


def test_a_component_that_fits_on_the_rows_it_scores_fails_the_leakage_check() -> None:
    @register_component
    class SelfTrain(CalibrationComponent):
        name = "self_train"

        def wrap(self, pipeline: Any, params: dict[str, Any], ctx: FitContext, seed: int) -> Any:
            return SelfTrained(pipeline)

    with imbench.testing.fast_models(), pytest.raises(AssertionError, match="fit.* saw rows outside the outer-train"):
        imbench.testing.check_fits_see_training_rows_only("self_train", "logreg")


# models -----------------------------------------------------------------------------------------------------


class OutsideLogReg(ModelSpec):
    name = "outside_logreg"
    capabilities = frozenset({"class_weight", "sample_weight"})

    def build(self, params: dict[str, Any], seed: int) -> Any:
        return LogisticRegression(max_iter=500, random_state=seed, **params)

    def suggest(self, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        return {"C": trial.suggest_float("C", 1e-2, 1e2, log=True)}

    def defaults(self, early_stopping: bool = False) -> dict[str, Any]:
        return {"C": 1.0}


class NanLogisticRegression(LogisticRegression):
    def predict_proba(self, X: Any) -> Any:
        return np.full((len(X), 2), np.nan)


class NanModel(OutsideLogReg):
    name = "nan_model"

    def build(self, params: dict[str, Any], seed: int) -> Any:
        return NanLogisticRegression(max_iter=500, random_state=seed, **params)


def test_an_outside_model_passes_and_a_nan_one_fails() -> None:
    register_model(OutsideLogReg)
    register_model(NanModel)
    # scale_pos_weight does not apply: the check wants the not_applicable refusal and row instead
    imbench.testing.check_model("outside_logreg", strategies=["none", "class_weight", "scale_pos_weight"])
    with pytest.raises(AssertionError, match=r"check_pipeline\('none', 'nan_model'.*non-finite"):
        imbench.testing.check_model("nan_model", strategies=["none"])
    with pytest.raises(AssertionError, match="no model 'not_registered'"):
        imbench.testing.check_model("not_registered")


# dataset sources --------------------------------------------------------------------------------------------


class TinySource:
    description = "two tiny generated datasets"
    example: str | None = "small"
    prefix = "tiny"
    flip = False

    def names(self) -> list[str]:
        return ["small", "mixed"]

    def load(self, name: str, **options: Any) -> Dataset:
        if name not in self.names():
            raise UnknownNameError(f"no dataset {name!r} in this source; known: {', '.join(self.names())}")
        ds = imbench.testing.tiny_dataset(categorical=name == "mixed", missing=name == "mixed", **options)
        y = 1 - ds.y if self.flip else ds.y
        return Dataset(f"{self.prefix}:{name}", ds.X, y, self.prefix, categorical=ds.categorical)


class FlippedSource(TinySource):
    prefix = "flipped"
    flip = True  # 1 is the majority: every metric would be about the wrong class


class ChattySource(TinySource):
    prefix = "chatty"

    def load(self, name: str, **options: Any) -> Dataset:
        if name not in self.names():
            raise KeyError(name)  # a traceback in the CLI, not a one-line error
        return super().load(name, **options)


def test_an_outside_source_passes_and_broken_ones_fail() -> None:
    register_source("tiny")(TinySource)
    imbench.testing.check_source("tiny")
    imbench.testing.check_source("tiny", "mixed", seed=3)
    register_source("flipped")(FlippedSource)
    with pytest.raises(AssertionError, match="1 the minority"):
        imbench.testing.check_source_loads("flipped")
    register_source("chatty")(ChattySource)
    with pytest.raises(AssertionError, match="KeyError.*not an ImbenchError"):
        imbench.testing.check_source("chatty")


# helpers ----------------------------------------------------------------------------------------------------


def test_fast_models_caps_inside_the_block_only() -> None:
    spec = MODELS.get("random_forest")
    build = type(spec).__dict__["build"]
    with imbench.testing.fast_models(3):
        assert spec.build({}, 0).n_estimators == 3
        with imbench.testing.fast_models(2):  # nests: the inner cap, then the outer one again
            assert spec.build({}, 0).n_estimators == 2
        assert spec.build({}, 0).n_estimators == 3
    assert type(spec).__dict__["build"] is build and spec.build({}, 0).n_estimators > 3


def test_tiny_dataset_is_the_conftest_one(tiny_factory: Any) -> None:
    ds = imbench.testing.tiny_dataset(categorical=True, missing=True)
    assert tiny_factory is imbench.testing.tiny_dataset
    assert ds.name == "tiny-cat-nan-0" and ds.categorical == ["colour"] and ds.X.isna().any().any()
    assert ds.n == 200 and ds.n_pos == 33


def test_the_public_names_resolve() -> None:
    assert all(hasattr(imbench.testing, n) for n in imbench.testing.__all__)
    assert all((getattr(imbench.testing, n).__doc__ or "").strip() for n in imbench.testing.__all__ if n[0].islower())
