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
    from imbench.core.errors import ConfigError

    prefix, sep, name = spec.partition(":")
    if not sep:
        raise ConfigError(f"dataset {spec!r} needs a source prefix, e.g. synthetic:{spec} or file:{spec}")
    return SOURCES.get(prefix).load(name, **options)


def canonical_spec(spec: str) -> str:
    """The spec a dataset is named by, found without loading it: a source with a ``canonical(name)`` method
    (``synthetic:``) spells its parameters one way; other specs are kept as written."""
    prefix, sep, name = spec.partition(":")
    canonical = getattr(SOURCES.get(prefix), "canonical", None) if sep else None
    return f"{prefix}:{canonical(name)}" if canonical is not None else spec


def dataset_fingerprint(spec: str, options: tuple[tuple[str, Any], ...] = ()) -> str:
    """What identifies a dataset's content: a file by its SHA-256, anything else (generated or bundled data)
    by its spec, options and loader version (a source bumps its ``version`` attribute when its output changes).

    A run directory pins these, so a resumed run never mixes cells scored on two versions of a dataset.
    """
    import hashlib
    import json
    import os
    from importlib.metadata import PackageNotFoundError, version

    prefix, _, name = spec.partition(":")
    if prefix == "file":
        from imbench.datasets.files import file_digest

        path = os.path.expanduser(name.strip())
        return f"sha256:{file_digest(path)}" if os.path.isfile(path) else "missing"
    src = SOURCES.get(prefix)
    loader = str(getattr(src, "version", "1"))
    package = getattr(src, "package", None)  # bundled data: the version of the package that ships it
    if package:
        try:
            loader += f"+{package} {version(package)}"
        except PackageNotFoundError:
            loader += f"+{package} not installed"
    ident = json.dumps(
        {"spec": spec, "options": [list(o) for o in options], "loader": loader}, default=str, sort_keys=True
    )
    return "spec:" + hashlib.sha256(ident.encode()).hexdigest()[:16]


__all__ = [
    "SOURCES",
    "Dataset",
    "binarize_target",
    "canonical_spec",
    "check_evaluable",
    "dataset_fingerprint",
    "list_sources",
    "load_dataset",
    "tier_of",
]
