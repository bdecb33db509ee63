"""Base learners: ``MODELS.get("lightgbm")``; one module per model, found by the registry."""

from __future__ import annotations

from imbench.models.base import CAPABILITIES, MODELS, ModelSpec, register_model

__all__ = ["CAPABILITIES", "MODELS", "ModelSpec", "register_model"]
