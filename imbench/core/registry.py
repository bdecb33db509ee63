"""A small generic registry that finds its plugins: every module of its package is imported on first use.

A plugin is one file: drop ``imbench/strategies/near_miss.py`` with a ``@register_component`` class in it and
the registry (and with it the CLI, the suites and every test family) knows it, with no import list to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from imbench.core.errors import UnknownNameError, did_you_mean

T = TypeVar("T")


class Registry(Generic[T]):
    """Named objects of one kind (strategies, models, dataset sources), discovered from ``package``.

    Modules whose name starts with ``_`` are private helpers and are not imported by discovery.
    """

    def __init__(self, kind: str, package: str | None = None) -> None:
        self.kind = kind
        self.package = package
        self._items: dict[str, T] = {}
        self._discovered = package is None

    def discover(self) -> None:
        """Import every public module of the package once, so their ``register`` decorators run."""
        if self._discovered:
            return
        self._discovered = True  # set first: plugin modules import the package that owns this registry
        assert self.package is not None
        pkg = importlib.import_module(self.package)
        for info in pkgutil.iter_modules(pkg.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{self.package}.{info.name}")

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: register ``obj`` under ``name`` (names are unique)."""

        def deco(obj: T) -> T:
            if name in self._items:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._items[name] = obj
            return obj

        return deco

    def add(self, name: str, obj: T) -> T:
        """Register ``obj`` under ``name`` without a decorator."""
        return self.register(name)(obj)

    def get(self, name: str) -> T:
        """The object registered as ``name``; an UnknownNameError lists the known names."""
        self.discover()
        try:
            return self._items[name]
        except KeyError:
            known = sorted(self._items)
            hint = did_you_mean(name, known)
            raise UnknownNameError(f"unknown {self.kind} {name!r}{hint}; known: {', '.join(known)}") from None

    def names(self) -> list[str]:
        """Registered names, sorted (the same whatever order the plugin modules were imported in)."""
        self.discover()
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        self.discover()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        self.discover()
        return len(self._items)
