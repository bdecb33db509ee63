"""``none``: the baseline — the model as it is, threshold 0.5, no resampling or weights.

It is not a component: ``parse_strategy("none")`` returns a Strategy with no components.
Always run, it is the reference every gain is measured against.
"""

from __future__ import annotations

SUMMARY = "the model as it is: no resampling, no weights, threshold 0.5"
