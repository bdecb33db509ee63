"""The exported model file: what is saved (no private scorer inside) and which types loading it may trust.

``compare`` writes it and the MLflow model logs it; both take the trusted list from here, so a type
enters the list only by being written down in this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TRUSTED_TYPES: tuple[str, ...] = (
    "collections.OrderedDict",
    "imblearn.pipeline.Pipeline",
    "imbench.strategies._mean_one.MeanOneWeights",  # rus_boost's weight-normalising wrapper (imbench's own class)
    "sklearn.frozen._frozen.FrozenEstimator",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",  # the metric object a fitted KDTree holds
    "sklearn.model_selection._classification_threshold.FixedThresholdClassifier",
    "sklearn.tree._tree.Tree",  # the fitted structure of every sklearn tree (forests, balanced_rf)
)
"""Types the exported ``model.skops`` may hold beyond skops' defaults: public classes only (listed here, never
taken from ``get_untrusted_types``). The threshold search's scorer is not exported: the model carries the chosen
threshold as a FixedThresholdClassifier."""


def trusted_types(model_path: str | Path) -> list[str]:
    """The types to pass to ``skops.io.load``: those the file needs, each checked against ``TRUSTED_TYPES`` and the
    public estimator classes of the libraries imbench builds on; ImbenchError on anything else."""
    import skops.io as sio

    from imbench.errors import ImbenchError

    needed = sio.get_untrusted_types(file=model_path)
    bad = [t for t in needed if t not in TRUSTED_TYPES and not _public_estimator(t)]
    if bad:
        raise ImbenchError(f"{model_path} holds types imbench does not trust: {', '.join(bad[:5])}")
    return list(needed)


PUBLIC_PACKAGES = ("imbench", "sklearn", "imblearn", "lightgbm", "xgboost", "numpy", "scipy")


def _public_estimator(qualname: str) -> bool:
    """A public name (no leading underscore) of a library imbench builds models from, importable under that name
    from the public part of its module path (``imblearn.over_sampling._smote.base.SMOTENC`` from
    ``imblearn.over_sampling``)."""
    import importlib
    from itertools import takewhile

    module, _, name = qualname.rpartition(".")
    parts = module.split(".")
    if parts[0] not in PUBLIC_PACKAGES or name.startswith("_"):
        return False
    public = ".".join(takewhile(lambda p: not p.startswith("_"), parts))
    try:
        return getattr(importlib.import_module(public), name, None) is not None
    except ImportError:
        return False


def exportable(pipe: Any) -> Any:
    """The fitted estimator to save: a threshold-tuned model becomes a FixedThresholdClassifier around its fitted
    pipeline (same scores, same threshold) so the file holds no scorer (private functions) to trust."""
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import FixedThresholdClassifier, TunedThresholdClassifierCV

    if not isinstance(pipe, TunedThresholdClassifierCV):
        return pipe
    fixed = FixedThresholdClassifier(
        FrozenEstimator(pipe.estimator_), threshold=float(pipe.best_threshold_), response_method="predict_proba"
    )
    return _fit_frozen(fixed, pipe.classes_)


def _fit_frozen(fixed: Any, classes: Any) -> Any:
    import numpy as np

    # a frozen estimator ignores the data: two rows that name both classes are enough to set classes_
    X = np.zeros((len(classes), 1))
    return fixed.fit(X, np.asarray(classes))
