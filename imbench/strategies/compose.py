"""Strategies: ``none`` or components joined by ``+`` (at most one per family), e.g. ``smote+threshold``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imbench.core.errors import ConfigError
from imbench.core.metrics import Metric
from imbench.models.base import ModelSpec
from imbench.strategies.base import COMPONENTS, FAMILIES, Component, FitContext

BASELINE = "none"


class PrefixedTrial:
    """An Optuna trial view that prefixes parameter names (``smote__k_neighbors``, ``model__C``)."""

    def __init__(self, trial: Any, prefix: str) -> None:
        self._trial = trial
        self._prefix = prefix

    def __getattr__(self, attr: str) -> Any:
        fn = getattr(self._trial, attr)
        if not attr.startswith("suggest_"):
            return fn
        return lambda name, *a, **kw: fn(f"{self._prefix}__{name}", *a, **kw)


@dataclass(frozen=True)
class Strategy:
    """A named, validated composition of components (empty for the ``none`` baseline)."""

    name: str
    components: tuple[Component, ...]

    @property
    def family(self) -> str:
        """``baseline`` or the families joined by ``+`` (e.g. ``resample+decision``)."""
        return "+".join(c.family for c in self.components) or "baseline"

    def get(self, family: str) -> Component | None:
        """The component of ``family``, if any."""
        return next((c for c in self.components if c.family == family), None)

    def skip(self, model: ModelSpec, ctx: FitContext | None = None) -> str | None:
        """Why this strategy does not apply to ``model`` (first component's reason), else why its
        components cannot act together (first ``conflict``), else None."""
        for c in self.components:
            reason = c.skip(model, ctx)
            if reason:
                return reason
        for c in self.components:
            reason = c.conflict(tuple(o for o in self.components if o is not c))
            if reason:
                return reason
        return None

    def suggest(self, trial: Any, ctx: FitContext) -> dict[str, Any]:
        """Draw every component's parameters, keyed ``component__param``."""
        out: dict[str, Any] = {}
        for c in self.components:
            out.update({f"{c.name}__{k}": v for k, v in c.suggest(PrefixedTrial(trial, c.name), ctx).items()})
        return out

    def defaults(self, ctx: FitContext) -> dict[str, Any]:
        """Every component's default parameters, keyed ``component__param``."""
        return {f"{c.name}__{k}": v for c in self.components for k, v in c.defaults(ctx).items()}

    def search_base(self, metric: Metric) -> str | None:
        """The strategy whose search this one reuses: this one without its post-processing components (those that
        ``shares_search`` under ``metric``), e.g. ``smote`` for ``smote+threshold``; None when it has none."""
        kept = [c.name for c in self.components if not c.shares_search(metric)]
        if len(kept) == len(self.components):
            return None
        return "+".join(kept) or BASELINE

    def params_of(self, component: Component, params: dict[str, Any]) -> dict[str, Any]:
        """The un-prefixed parameters of one component."""
        head = f"{component.name}__"
        return {k[len(head) :]: v for k, v in params.items() if k.startswith(head)}


def parse_strategy(name: str) -> Strategy:
    """Validate a strategy name such as ``smote+threshold`` into a Strategy."""
    name = name.strip()
    if name == BASELINE:
        return Strategy(BASELINE, ())
    parts = [p.strip() for p in name.split("+")]
    if BASELINE in parts:
        raise ConfigError(f"{name!r}: 'none' is the baseline and does not combine with other components")
    comps = tuple(COMPONENTS.get(p) for p in parts)
    seen: dict[str, str] = {}
    for c in comps:
        if c.family in seen:
            raise ConfigError(
                f"{name!r} combines two {c.family} components ({seen[c.family]}, {c.name}); use at most one"
            )
        seen[c.family] = c.name
    ordered = tuple(sorted(comps, key=lambda c: FAMILIES.index(c.family)))
    return Strategy("+".join(c.name for c in ordered), ordered)


def strategy_names() -> list[str]:
    """``none`` and every registered component (composites are formed with ``+``)."""
    return [BASELINE, *COMPONENTS.names()]
