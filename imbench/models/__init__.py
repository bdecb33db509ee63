"""Base learners: ``MODELS.get("lightgbm")``; one module per model."""

from __future__ import annotations

from imbench.models import lightgbm, logreg, random_forest, xgboost  # noqa: F401  (registration)
from imbench.models.base import CAPABILITIES, MODELS, ModelSpec, register_model

__all__ = ["CAPABILITIES", "MODELS", "ModelSpec", "register_model"]
