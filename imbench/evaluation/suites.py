"""Suites: declarative YAML benchmarks (datasets × strategies × models × protocol), validated on load."""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from imbench.core.errors import ConfigError, UnknownNameError, did_you_mean
from imbench.datasets import SOURCES, canonical_spec
from imbench.evaluation.plan import with_baseline
from imbench.evaluation.protocol import EvalProtocol
from imbench.models import MODELS

SUITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
"""A suite name is one path component: it becomes ``runs/NAME``, so no separators and no leading dot."""
SUITE_KEYS = {"name", "description", "datasets", "strategies", "models", "protocol"}
MANY_TRIALS = 1000
"""More trials than this with no ``timeout_per_cell`` gets a note: nothing would bound how long a cell runs."""


class SuiteWarning(UserWarning):
    """A suite that validates but probably does not do what was meant (its text is also in ``Suite.notes``)."""


@dataclass(frozen=True)
class DatasetEntry:
    """A dataset spec (``keel:ecoli4``) and loader options (``target``, ``positive`` …)."""

    spec: str
    options: tuple[tuple[str, Any], ...] = ()

    def to_config(self) -> str | dict[str, Any]:
        return self.spec if not self.options else {"spec": self.spec, **dict(self.options)}


@dataclass(frozen=True)
class Suite:
    """A validated benchmark definition."""

    name: str
    datasets: tuple[DatasetEntry, ...]
    strategies: tuple[str, ...]
    models: tuple[str, ...]
    protocol: EvalProtocol = field(default_factory=EvalProtocol)
    description: str = ""
    dataset_notes: tuple[str, ...] = field(default=(), compare=False)
    """Datasets ``validate`` left out as repeats of an earlier entry, one line each."""

    @property
    def notes(self) -> list[str]:
        """What validation changed or doubts about this suite, one line each (the CLI prints them)."""
        return [*self.dataset_notes, *protocol_notes(self.protocol)]

    def config(self) -> dict[str, Any]:
        """The resolved configuration (what the run directory is keyed on)."""
        return {
            "name": self.name,
            "description": self.description,
            "datasets": [d.to_config() for d in self.datasets],
            "strategies": list(self.strategies),
            "models": list(self.models),
            "protocol": self.protocol.to_dict(),
        }

    def config_hash(self) -> str:
        """Hash of everything that changes results (not the description)."""
        cfg = self.config()
        cfg.pop("description")
        return hashlib.sha256(json.dumps(cfg, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def with_overrides(
        self,
        datasets: list[str] | None = None,
        strategies: list[str] | None = None,
        models: list[str] | None = None,
        **protocol: Any,
    ) -> Suite:
        """A copy with CLI overrides applied and validated."""
        proto = {k: v for k, v in protocol.items() if v is not None}
        new = replace(
            self,
            datasets=tuple(DatasetEntry(d) for d in datasets) if datasets else self.datasets,
            dataset_notes=() if datasets else self.dataset_notes,
            strategies=tuple(strategies) if strategies else self.strategies,
            models=tuple(models) if models else self.models,
            protocol=EvalProtocol.from_dict({**self.protocol.to_dict(), **proto}),
        )
        return validate(new)


BUILTIN_PACKAGE = "imbench.evaluation"
BUILTIN_FOLDER = "builtin_suites"
"""Built-in suites are package data (``imbench/evaluation/builtin_suites/*.yaml``), found with importlib.resources,
so a wheel install has them too."""


def builtin_suites() -> dict[str, Path]:
    """Built-in suite names → YAML paths (the package's own files, from a checkout or an installed wheel)."""
    from importlib.resources import files

    folder = files(BUILTIN_PACKAGE) / BUILTIN_FOLDER
    paths = sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))
    return {p.stem: p for p in paths}


def load_suite(name_or_path: str) -> Suite:
    """Load and validate a built-in suite by name or a YAML file by path."""
    import yaml

    path = Path(name_or_path)
    if not (path.suffix in {".yaml", ".yml"} and path.exists()):
        known = builtin_suites()
        if name_or_path not in known:
            if path.suffix in {".yaml", ".yml"}:
                raise ConfigError(f"suite file {name_or_path} does not exist")
            raise UnknownNameError(
                f"unknown suite {name_or_path!r}{did_you_mean(name_or_path, list(known))}; known: {', '.join(known)} "
                "(or a path to a .yaml file)"
            )
        path = known[name_or_path]
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: invalid YAML ({str(e).splitlines()[0]})") from None
    return parse_suite(data, default_name=path.stem, where=str(path))


def parse_suite(data: Any, default_name: str = "suite", where: str = "suite") -> Suite:
    """Build a Suite from parsed YAML, with one-line errors that say what is wrong."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: a suite is a mapping with keys {', '.join(sorted(SUITE_KEYS))}")
    bad = sorted(set(data) - SUITE_KEYS)
    if bad:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(bad)}; known: {', '.join(sorted(SUITE_KEYS))}")
    for key in ("datasets", "strategies", "models"):
        if not isinstance(data.get(key), list) or not data[key]:
            raise ConfigError(f"{where}: '{key}' must be a non-empty list")
    entries = []
    for d in data["datasets"]:
        if isinstance(d, str):
            entries.append(DatasetEntry(d))
        elif isinstance(d, dict) and isinstance(d.get("spec"), str):
            entries.append(DatasetEntry(d["spec"], tuple(sorted((k, v) for k, v in d.items() if k != "spec"))))
        else:
            raise ConfigError(f"{where}: a dataset is a spec string or a mapping with 'spec', got {d!r}")
    proto = data.get("protocol") or {}
    if not isinstance(proto, dict):
        raise ConfigError(f"{where}: 'protocol' must be a mapping")
    _check_protocol_types(proto, where)
    try:
        protocol = EvalProtocol.from_dict(proto)
    except (UnknownNameError, ConfigError) as e:
        raise type(e)(f"{where}: {e}") from None
    name = str(data.get("name") or default_name)
    if not SUITE_NAME.fullmatch(name):
        raise ConfigError(
            f"{where}: suite name {name!r} must be letters, digits, '_', '-' or '.', starting with a "
            "letter or digit (it names the run folder runs/NAME)"
        )
    suite = Suite(
        name=name,
        description=str(data.get("description") or ""),
        datasets=tuple(entries),
        strategies=tuple(str(s) for s in data["strategies"]),
        models=tuple(str(m) for m in data["models"]),
        protocol=protocol,
    )
    return validate(suite, where)


def _check_protocol_types(proto: dict[str, Any], where: str) -> None:
    """Reject protocol values of the wrong type (``outer_folds: 2.5``, ``seed: abc``) with a one-line error."""
    from dataclasses import fields

    for f in fields(EvalProtocol):
        if f.name not in proto:
            continue
        v, kind = proto[f.name], str(f.type)
        if v is None and "None" in kind:
            continue
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        if kind == "bool":
            ok, want = isinstance(v, bool), "true or false"
        elif kind == "int":
            ok, want = number and isinstance(v, int), "an integer"
        elif kind.startswith("float"):
            ok, want = number, "a number"
        else:
            ok, want = isinstance(v, str), "a string"
        if not ok:
            raise ConfigError(f"{where}: protocol {f.name} must be {want}, got {v!r}")


def protocol_notes(protocol: EvalProtocol) -> list[str]:
    """Doubts about a valid protocol: a huge ``n_trials`` with no timeout runs every trial however long it takes."""
    if protocol.n_trials > MANY_TRIALS and protocol.timeout_per_cell is None:
        return [
            f"n_trials {protocol.n_trials} with no timeout_per_cell: every cell runs all its trials however long "
            "they take; set timeout_per_cell to bound it (tuning then stops in time for the refit)"
        ]
    return []


def unique_datasets(entries: tuple[DatasetEntry, ...]) -> tuple[tuple[DatasetEntry, ...], list[str]]:
    """``entries`` without repeats (the same spec and options, or another spelling of the spec, e.g.
    ``synthetic:n=500,ir=10`` after ``synthetic:ir=10,n=500``), and a note for each repeat left out.

    A repeat would compute every cell of its dataset a second time under the same cell keys."""

    first: dict[tuple[str, tuple[tuple[str, Any], ...]], DatasetEntry] = {}
    notes = []
    for d in entries:
        kept = first.setdefault((canonical_spec(d.spec), d.options), d)
        if kept is d:
            continue
        same = "" if kept.spec == d.spec else f" (the dataset of {kept.spec!r})"
        notes.append(f"dataset {d.spec!r}{same} is listed more than once; its cells are computed once")
    return tuple(first.values()), notes


def validate(suite: Suite, where: str = "suite") -> Suite:
    """Check strategy, model and dataset-source names; strategies are normalised (``none`` first) and datasets
    listed twice kept once. Each note (see ``Suite.notes``) is also a ``SuiteWarning``."""

    try:
        strategies = tuple(with_baseline(suite.strategies))
        for m in suite.models:
            MODELS.get(m)
        for d in suite.datasets:
            prefix, sep, _ = d.spec.partition(":")
            if not sep and "=" in d.spec:
                raise ConfigError(
                    f"dataset {d.spec!r} has no source prefix: quote specs that contain commas "
                    "in a YAML [list], e.g. 'synthetic:ir=10,n=300'"
                )
            if not sep:
                raise ConfigError(f"dataset {d.spec!r} needs a source prefix (e.g. keel:{d.spec})")
            SOURCES.get(prefix)
        datasets, repeats = unique_datasets(suite.datasets)
    except (UnknownNameError, ConfigError) as e:
        raise type(e)(f"{where}: {e}") from None
    for note in [*repeats, *protocol_notes(suite.protocol)]:
        warnings.warn(f"{where}: {note}", SuiteWarning, stacklevel=2)
    return replace(suite, strategies=strategies, datasets=datasets, dataset_notes=(*suite.dataset_notes, *repeats))
