"""Strategy components: six families, one base class each, and the registry.

A component declares its family, its Optuna search space (``suggest``), the models it applies to
(``skip`` returns a reason or None) and how it changes the pipeline. Components compose by name
(``smote+threshold``) into a :class:`~imbench.strategies.compose.Strategy`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, replace
from typing import Any, ClassVar

from imbench.core.metrics import Metric
from imbench.core.registry import Registry
from imbench.models.base import ModelSpec

FAMILIES = ("resample", "cost", "loss", "ensemble", "calibration", "decision")
"""Family order is the order of composition, inside out: rows are resampled, the model is weighted or given
its loss, wrapped by an ensemble, its probabilities mapped by a calibration, and ``decision`` (the threshold,
chosen on the final scores) stays outermost."""


@dataclass(frozen=True)
class FitSettings:
    """What every fit of a cell takes from the protocol: how an operating point is chosen (the business costs,
    the threshold's objective (``f1``, ``cost``, a metric) and the inner folds it is tuned on) and how categorical
    columns reach a tree model. One record, passed whole from the protocol to every fit."""

    cost_fn: float = 1.0
    cost_fp: float = 1.0
    threshold_objective: str = "f1"
    inner_folds: int = 3
    inner_holdout: float = 0.0
    """When positive, the threshold is chosen on one stratified holdout of this share of the training rows
    instead of ``inner_folds`` folds (large tables: one split has positives enough, and costs a k-th)."""
    tree_codes: bool = False
    """When True, tree models (``ModelSpec.takes_codes``) are fitted on the ordinal codes of categorical columns
    instead of their one-hot columns, unless a sampler without a categorical variant must run after encoding
    (ADASYN, SVM-SMOTE …: they interpolate, so they need the one-hot columns): one column per category instead of
    one per level, a tree splits codes as well, and a 50-level column costs one feature, not 50."""

    def as_kwargs(self) -> dict[str, Any]:
        """The settings as keyword arguments (``build_pipeline``'s and ``ImbalancePipeline``'s own names)."""
        return asdict(self)


@dataclass(frozen=True)
class FitContext:
    """What a component may know about the training rows it will be fitted on (never test rows).

    Built by ``ImbalancePipeline.fit`` from the rows it is given; the tuner also reads it for search ranges.
    """

    n_pos: int
    n_neg: int
    n_categorical: int = 0
    n_numeric: int = 1
    cost_fn: float = 1.0
    cost_fp: float = 1.0
    threshold_objective: str = "f1"
    inner_folds: int = 3
    inner_holdout: float = 0.0
    tree_codes: bool = False

    @property
    def neg_pos(self) -> float:
        """n_neg / n_pos of the training rows."""
        return self.n_neg / max(self.n_pos, 1)

    @property
    def pos_neg(self) -> float:
        """n_pos / n_neg of the training rows (imblearn's float ``sampling_strategy`` scale)."""
        return self.n_pos / max(self.n_neg, 1)


class Component(ABC):
    """One thing done about the imbalance. Subclass one of the family bases below."""

    name: ClassVar[str]
    family: ClassVar[str]
    summary: ClassVar[str] = ""

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        """Draw this component's hyper-parameters (names without prefix)."""
        return {}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        """Parameters tried in the first trial of every study."""
        return {}

    def skip(self, model: ModelSpec, ctx: FitContext | None = None) -> str | None:
        """A reason why this component does not apply to ``model`` (or to the data), else None."""
        return None

    def shares_search(self, metric: Metric) -> bool:
        """Whether this component only post-processes a fitted model in a way the tuning ``metric`` cannot see,
        so a strategy with it reuses the search of the strategy without it (``evaluation.shared``)."""
        return False

    def conflict(self, others: tuple[Component, ...]) -> str | None:
        """A reason why this component cannot act together with the strategy's ``others``, else None.

        For rules between families (a prior correction needs something that moved the prior); the
        one-per-family rule is checked by ``parse_strategy``.
        """
        return None


class ResampleComponent(Component):
    """An imblearn sampler placed inside the pipeline, so it only ever sees training rows."""

    family = "resample"
    needs_numeric: ClassVar[bool] = False
    """True for samplers that interpolate and have no categorical variant: with categorical
    columns they run after one-hot encoding instead of on the ordinal codes."""
    uses_distances: ClassVar[bool] = True
    """Whether the sampler works in a feature-distance space (numeric features are then scaled)."""

    @abstractmethod
    def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
        """An unfitted imblearn sampler. ``categorical`` holds the indices of categorical codes."""

    def resampled(self, params: dict[str, Any], ctx: FitContext) -> FitContext:
        """The class counts the model sees after this sampler (oversampling to ``sampling_strategy``, 1 by default)."""
        ratio = float(params.get("sampling_strategy") or 1.0)
        return replace(ctx, n_pos=max(ctx.n_pos, int(ratio * ctx.n_neg)))


ALPHA_RANGE = (0.0, 1.25)
"""Cost exponent range: the positive weight (neg/pos)^alpha spans no weighting (0) to beyond full balance (1)."""
DEFAULT_ALPHA = 1.0
"""Default cost exponent: full balance, weight = neg/pos (the textbook setting users start from)."""


class CostComponent(Component):
    """A cost-sensitive setting of the model (a constructor keyword); needs that capability.

    The positive class weighs ``(neg/pos)^alpha`` with ``alpha`` tuned in [0, 1.25]: mild weights
    (often best for probability quality) are searched as well as full balance (``alpha = 1``, the default).
    """

    family = "cost"
    keyword: ClassVar[str]

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {"alpha": trial.suggest_float("alpha", *ALPHA_RANGE)}

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"alpha": DEFAULT_ALPHA}

    def skip(self, model: ModelSpec, ctx: FitContext | None = None) -> str | None:
        if self.keyword not in model.capabilities:
            caps = ", ".join(sorted(model.capabilities)) or "none"
            return f"{model.name} has no {self.keyword} setting (its cost capabilities: {caps})"
        return None

    def positive_weight(self, params: dict[str, Any], ctx: FitContext) -> float:
        """(neg/pos)^alpha of the training rows; an explicit ``multiplier`` (pre-0.3 parameter) gives neg/pos × it."""
        if "multiplier" in params:
            return ctx.neg_pos * float(params["multiplier"])
        return float(ctx.neg_pos ** float(params.get("alpha", DEFAULT_ALPHA)))

    @abstractmethod
    def model_kwargs(self, params: dict[str, Any], ctx: FitContext) -> dict[str, Any]:
        """Constructor keywords for the model."""


class EnsembleComponent(Component):
    """Replaces or wraps the model with an imbalance-aware ensemble."""

    family = "ensemble"

    def bag(self, params: dict[str, Any], ctx: FitContext) -> FitContext:
        """The class counts one member is fitted on: a balanced bag of n_pos + n_pos rows by default."""
        return replace(ctx, n_neg=min(ctx.n_neg, ctx.n_pos))

    @abstractmethod
    def wrap(
        self, model_estimator: Any, model: ModelSpec, model_params: dict[str, Any], params: dict[str, Any], seed: int
    ) -> Any:
        """The estimator that takes the model's place in the pipeline."""


class LossComponent(Component):
    """Replaces the model's training objective (a custom loss); needs a model with that API."""

    family = "loss"

    @abstractmethod
    def wrap_model(self, model_estimator: Any, model: ModelSpec, params: dict[str, Any], seed: int) -> Any:
        """The estimator that trains ``model_estimator`` on this loss (it keeps the model's own parameters)."""


class CalibrationComponent(Component):
    """Maps the pipeline's probabilities after training (fitted on training rows only); wraps the pipeline."""

    family = "calibration"

    @abstractmethod
    def wrap(self, pipeline: Any, params: dict[str, Any], ctx: FitContext, seed: int) -> Any:
        """A meta-estimator around ``pipeline`` whose ``predict_proba`` is the mapped probability
        and whose fitted ``pipeline_`` is the wrapped pipeline refitted on all its rows."""


class DecisionComponent(Component):
    """Chooses the operating point on training data only; wraps the whole pipeline."""

    family = "decision"

    @abstractmethod
    def wrap(self, pipeline: Any, params: dict[str, Any], ctx: FitContext, seed: int) -> Any:
        """A meta-estimator around ``pipeline`` that fits its threshold on training rows."""

    def shares_search(self, metric: Metric) -> bool:
        return True  # the decision is outside the inner loop: the search never sees it


COMPONENTS: Registry[Component] = Registry("strategy", package="imbench.strategies")
"""Registered strategy components by name (``none`` is the baseline, not a component)."""


def register_component(cls: type[Component]) -> type[Component]:
    """Class decorator: register an instance of ``cls`` under ``cls.name``."""
    COMPONENTS.add(cls.name, cls())
    return cls
