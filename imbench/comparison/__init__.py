"""Journey 2, ``compare``: plan the budget (``budget``), run every applicable strategy × model on the user's file
(``run``), rank with intervals and recommend (``ranking``), refit and export the recommendation (``refit``).

The public face: ``compare``, ``CompareOutcome`` and, for loading an exported model, ``trusted_types``."""

from __future__ import annotations

from imbench.comparison.run import CompareOutcome, compare
from imbench.storage.model_file import TRUSTED_TYPES, trusted_types

__all__ = ["TRUSTED_TYPES", "CompareOutcome", "compare", "trusted_types"]
