"""Conformance checks for plugins: what every strategy component, model and dataset source must pass.

imbench's own test suite runs these over every registered plugin; a plugin written in another package runs
them the same way (as imbalanced-learn's ``check_estimator`` lets an outside sampler prove itself)::

    import imbench.testing

    imbench.testing.check_strategy("random_half_under")  # after registering it with @register_component
    imbench.testing.check_model("my_model")              # after @register_model
    imbench.testing.check_source("mysource")             # after @register_source("mysource")

A check returns None or raises AssertionError naming the check, the plugin and what went wrong. The
``check_strategy`` / ``check_model`` entry points cap every model at a few trees (:func:`fast_models`), so a
plugin is checked in seconds; the single checks they are made of are public too, for a test suite that
parametrizes over plugins itself.
"""

from __future__ import annotations

from imbench.testing.checks import (
    CHECK_PROTOCOL,
    UNKNOWN_NAME,
    applicable_case,
    capped_methods,
    check_cell,
    check_choices_ignore_test_rows,
    check_determinism,
    check_export,
    check_failures_are_rows,
    check_fits_see_training_rows_only,
    check_model,
    check_pipeline,
    check_source,
    check_source_loads,
    check_source_refuses,
    check_strategy,
    fast_models,
    skip_reason,
    tiny_dataset,
)

__all__ = [
    "CHECK_PROTOCOL",
    "UNKNOWN_NAME",
    "applicable_case",
    "capped_methods",
    "check_cell",
    "check_choices_ignore_test_rows",
    "check_determinism",
    "check_export",
    "check_failures_are_rows",
    "check_fits_see_training_rows_only",
    "check_model",
    "check_pipeline",
    "check_source",
    "check_source_loads",
    "check_source_refuses",
    "check_strategy",
    "fast_models",
    "skip_reason",
    "tiny_dataset",
]
