"""Base learners: a ModelSpec builds the estimator and declares its search space and capabilities."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from imbench.core.registry import Registry

CAPABILITIES = frozenset({"class_weight", "scale_pos_weight", "sample_weight"})

LEAF_FRAC = "min_leaf_frac"
"""The tree models' leaf-size parameter, a fraction of the minority rows the model sees (resolved in fit)."""
DEFAULT_LEAF_FRAC = 0.1
"""Default: a leaf needs a tenth of the minority the model sees (never more than the library default)."""
MAX_ROUNDS = 1000
"""Boosting rounds a model may grow under early stopping (the inner validation fold stops it sooner)."""
EARLY_STOPPING_ROUNDS = 25
"""Rounds without improvement of the inner validation log-loss before boosting stops."""


def leaf_rows(frac: float, n_minority: int, cap: int | None = None) -> int:
    """``frac`` × the minority rows a model sees, at least 1 and at most ``cap``.

    Leaf limits counted in rows (LightGBM's ``min_child_samples`` 20) make a model constant when the
    minority it sees is smaller than a leaf, as inside an EasyEnsemble bag of 2 × n_pos rows.
    """
    rows = max(1, round(frac * max(n_minority, 1)))
    return rows if cap is None else min(rows, cap)


class ModelSpec(ABC):
    """A base learner with an Optuna search space.

    Subclasses set ``name``, ``capabilities`` and ``scale`` and implement ``build`` and ``suggest``.
    Settings that depend on the minority the model sees are drawn as fractions and turned into the
    library's own parameters by ``resolve`` at fit time, from the rows the model is fitted on.
    """

    name: ClassVar[str]
    capabilities: ClassVar[frozenset[str]] = frozenset()
    scale: ClassVar[bool] = True
    takes_codes: ClassVar[bool] = False
    """A tree model: it splits ordinal codes of a categorical column as well as its one-hot columns, so the
    protocol's ``tree_codes`` may hand it the codes."""
    """Whether numeric features are standardised for this model (distance/gradient-based models)."""
    early_stopping: ClassVar[bool] = False
    """Whether the model can stop growing on a validation set (the tuner then learns ``n_estimators``)."""

    @abstractmethod
    def build(self, params: dict[str, Any], seed: int) -> Any:
        """A fresh, unfitted estimator with ``params`` (keys as returned by ``suggest``, after ``resolve``)."""

    @abstractmethod
    def suggest(self, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        """Draw hyper-parameters from an Optuna ``trial``; without ``n_estimators`` under early stopping."""

    def defaults(self, early_stopping: bool = False) -> dict[str, Any]:
        """Parameters tried first in every study (the library defaults, with leaf sizes scaled to the minority)."""
        return {}

    def resolve(self, params: dict[str, Any], n_pos: int, n_neg: int) -> dict[str, Any]:
        """``params`` with fractions of the minority turned into the library's parameters.

        ``n_pos``/``n_neg`` are the class counts of the rows this model itself is fitted on (after a
        sampler, or inside an ensemble's bag). A library parameter given explicitly wins.
        """
        return dict(params)

    def fit_early(self, estimator: Any, X: Any, y: Any, X_val: Any, y_val: Any) -> int:
        """Fit ``estimator`` on ``X, y``, stopping on the validation rows; return the rounds (trees) it keeps."""
        raise NotImplementedError(f"{self.name} does not stop early")


MODELS: Registry[ModelSpec] = Registry("model", package="imbench.models")
"""Registered base learners by name."""


def register_model(cls: type[ModelSpec]) -> type[ModelSpec]:
    """Class decorator: register an instance of ``cls`` under ``cls.name``."""
    MODELS.add(cls.name, cls())
    return cls
