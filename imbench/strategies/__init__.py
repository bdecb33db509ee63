"""Strategy components (one module each, found by the registry) and their composition into named strategies."""

from __future__ import annotations

from imbench.strategies.base import COMPONENTS, FAMILIES, Component, FitContext, register_component
from imbench.strategies.compose import BASELINE, Strategy, parse_strategy, strategy_names

HEADLINE = ("none", "smote", "adasyn", "class_weight", "scale_pos_weight", "easy_ensemble", "balanced_rf", "threshold")
"""The eight strategies users ask about most (the ``quick`` suite runs them all)."""

__all__ = [
    "BASELINE",
    "COMPONENTS",
    "FAMILIES",
    "HEADLINE",
    "Component",
    "FitContext",
    "Strategy",
    "parse_strategy",
    "register_component",
    "strategy_names",
]
