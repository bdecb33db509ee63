"""A strategy × model as one scikit-learn estimator: column preprocessing (``preprocessing``) and the assembled
``ImbalancePipeline`` (``build``), whose every fitted step sees training rows only."""

from __future__ import annotations

from imbench.pipeline.build import ImbalancePipeline, build_pipeline

__all__ = ["ImbalancePipeline", "build_pipeline"]
