"""Base learners: a ModelSpec builds the estimator and declares its search space and capabilities."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from imbench.registry import Registry

CAPABILITIES = frozenset({"class_weight", "scale_pos_weight", "sample_weight"})


class ModelSpec(ABC):
    """A base learner with an Optuna search space.

    Subclasses set ``name``, ``capabilities`` and ``scale`` and implement ``build`` and ``suggest``.
    """

    name: ClassVar[str]
    capabilities: ClassVar[frozenset[str]] = frozenset()
    scale: ClassVar[bool] = True
    """Whether numeric features are standardised for this model (distance/gradient-based models)."""

    @abstractmethod
    def build(self, params: dict[str, Any], seed: int) -> Any:
        """A fresh, unfitted estimator with ``params`` (keys as returned by ``suggest``)."""

    @abstractmethod
    def suggest(self, trial: Any) -> dict[str, Any]:
        """Draw hyper-parameters from an Optuna ``trial``."""

    def defaults(self) -> dict[str, Any]:
        """Parameters tried first in every study (the library defaults a user would start from)."""
        return {}



MODELS: Registry[ModelSpec] = Registry("model", package="imbench.models")
"""Registered base learners by name."""


def register_model(cls: type[ModelSpec]) -> type[ModelSpec]:
    """Class decorator: register an instance of ``cls`` under ``cls.name``."""
    MODELS.add(cls.name, cls())
    return cls
