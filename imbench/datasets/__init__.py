"""Dataset sources, registered by prefix; ``load_dataset("keel:ecoli4")`` returns a Dataset."""

from __future__ import annotations

from typing import Any

from imbench.datasets.base import SOURCES, Dataset, binarize_target, check_evaluable, tier_of

def list_sources() -> list[dict[str, Any]]:
    """One row per registered source: prefix, description and how many names it can list offline."""
    rows = []
    for prefix in SOURCES.names():
        src = SOURCES.get(prefix)
        try:
            count = len(src.names())
        except Exception:  # a source whose catalogue needs an optional package
            count = 0
        rows.append({"prefix": prefix, "description": src.description, "count": count})
    return rows


def load_dataset(spec: str, **options: Any) -> Dataset:
    """Load a dataset from a ``prefix:name`` spec (e.g. ``synthetic:ir=50``, ``keel:ecoli4``)."""
    from imbench.errors import ConfigError

    prefix, sep, name = spec.partition(":")
    if not sep:
        raise ConfigError(f"dataset {spec!r} needs a source prefix, e.g. synthetic:{spec} or file:{spec}")
    return SOURCES.get(prefix).load(name, **options)


__all__ = ["SOURCES", "Dataset", "binarize_target", "check_evaluable", "list_sources", "load_dataset", "tier_of"]
