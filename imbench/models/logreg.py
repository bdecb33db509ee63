"""Logistic regression (L2, lbfgs) on standardised features."""

from __future__ import annotations

from typing import Any

from imbench.models.base import ModelSpec, register_model


@register_model
class LogReg(ModelSpec):
    """``sklearn.linear_model.LogisticRegression``; tunes the inverse regularisation C."""

    name = "logreg"
    capabilities = frozenset({"class_weight", "sample_weight"})
    scale = True

    def build(self, params: dict[str, Any], seed: int) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=2000, random_state=seed, **params)

    def suggest(self, trial: Any, early_stopping: bool = False) -> dict[str, Any]:
        return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}

    def defaults(self, early_stopping: bool = False) -> dict[str, Any]:
        return {"C": 1.0}
