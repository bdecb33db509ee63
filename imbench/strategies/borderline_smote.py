"""Borderline-SMOTE: SMOTE restricted to minority rows near the class border."""

from __future__ import annotations

from typing import Any

from imbench.strategies._samplers import NeighbourSampler, cap, ratio_param
from imbench.strategies.base import FitContext, register_component


@register_component
class BorderlineSmote(NeighbourSampler):
    """``imblearn.over_sampling.BorderlineSMOTE`` (kind 1 or 2)."""

    name = "borderline_smote"
    summary = "SMOTE seeded only from minority rows in danger near the border (Han et al. 2005)"
    needs_numeric = True

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        return {
            "m_neighbors": trial.suggest_int("m_neighbors", 5, 15),
            "kind": trial.suggest_categorical("kind", ["borderline-1", "borderline-2"]),
            **super().suggest(trial, ctx),
        }

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        return {"m_neighbors": 10, "kind": "borderline-1", **super().defaults(ctx)}

    def sampler(self, params: dict[str, Any], ctx: FitContext, seed: int, categorical: list[int]) -> Any:
        from imblearn.over_sampling import BorderlineSMOTE

        return cap(
            BorderlineSMOTE(
                k_neighbors=self.neighbours(params),
                m_neighbors=int(params.get("m_neighbors", 10)),
                kind=params.get("kind", "borderline-1"),
                sampling_strategy=ratio_param(params, ctx),
                random_state=seed,
            )
        )
