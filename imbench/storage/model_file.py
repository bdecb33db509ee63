"""The exported model file: what is saved (no private scorer inside) and which types loading it may trust.

``compare`` writes it and the MLflow model logs it; both take the trusted list from here, so a type
enters the list only by being written down in this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from imbench.core.errors import UntrustedModelError

TRUSTED_TYPES: tuple[str, ...] = (
    # containers and array types that fitted estimators hold
    "collections.OrderedDict",
    "numpy.dtype",
    "scipy.sparse._csr.csr_matrix",
    # the pipeline and its final wrappers
    "imblearn.pipeline.Pipeline",
    "sklearn.frozen._frozen.FrozenEstimator",
    "sklearn.model_selection._classification_threshold.FixedThresholdClassifier",
    # resample components (imblearn samplers) and the neighbour index they keep
    "imblearn.combine._smote_enn.SMOTEENN",
    "imblearn.combine._smote_tomek.SMOTETomek",
    "imblearn.over_sampling._adasyn.ADASYN",
    "imblearn.over_sampling._random_over_sampler.RandomOverSampler",
    "imblearn.over_sampling._smote.base.SMOTE",
    "imblearn.over_sampling._smote.base.SMOTENC",
    "imblearn.over_sampling._smote.filter.BorderlineSMOTE",
    "imblearn.under_sampling._prototype_selection._edited_nearest_neighbours.EditedNearestNeighbours",
    "imblearn.under_sampling._prototype_selection._random_under_sampler.RandomUnderSampler",
    "imblearn.under_sampling._prototype_selection._tomek_links.TomekLinks",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.neighbors._kd_tree.KDTree",
    # ensemble components (imblearn)
    "imblearn.ensemble._bagging.BalancedBaggingClassifier",
    "imblearn.ensemble._easy_ensemble.EasyEnsembleClassifier",
    "imblearn.ensemble._forest.BalancedRandomForestClassifier",
    "imblearn.ensemble._weight_boosting.RUSBoostClassifier",
    # models beyond sklearn's own (which skops trusts by default)
    "lightgbm.basic.Booster",
    "lightgbm.sklearn.LGBMClassifier",
    "xgboost.core.Booster",
    "xgboost.sklearn.XGBClassifier",
    "sklearn.tree._tree.Tree",  # the fitted structure of every sklearn tree (forests, balanced_rf)
    # calibration (calibrate, prior_correction)
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
    # imbench's own classes
    "imbench.pipeline.preprocessing.MagnitudeGuard",  # bounds huge numeric values (every pipeline's first numeric step)
    "imbench.strategies._calibrators.PriorCorrected",
    "imbench.strategies._calibrators.Recalibrated",
    "imbench.strategies._focal.FocalBoosted",
    "imbench.strategies._focal.FocalObjective",
    "imbench.strategies._mean_one.MeanOneWeights",  # rus_boost's weight-normalising wrapper
    "imbench.strategies.capped.NeighbourCapped",
)
"""Every type an exported ``model.skops`` may hold beyond skops' defaults: classes only, each written here by hand
(never derived from the file or from a package's public names), found by exporting every strategy × model in the
conformance tests (``check_export``, which fails when a plugin needs a class not listed). No function and no
``FunctionTransformer`` is on it: those run arbitrary callables when the model predicts. The threshold search's
scorer is not exported: the model carries the chosen threshold as a FixedThresholdClassifier."""


def trusted_types(model_path: str | Path) -> list[str]:
    """The types to pass to ``skops.io.load``: those the file needs, each of them on ``TRUSTED_TYPES``;
    UntrustedModelError (one line, naming them) on anything else, and on anything ``refused_types`` finds.

    Only an explicit list of classes is trusted, never "any public name of numpy or sklearn": public *functions*
    (``numpy.savetxt`` inside a ``FunctionTransformer``) run when the model predicts, so a crafted file could
    write anywhere. skops' own defaults (numpy arrays, builtin containers) need no listing."""
    import skops.io as sio

    refused = refused_types(model_path)  # first: a file that is not a skops zip gets its one-line error here
    needed = sio.get_untrusted_types(file=model_path)
    bad = list(dict.fromkeys([t for t in needed if t not in TRUSTED_TYPES] + refused))
    if bad:
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise UntrustedModelError(
            f"{model_path} holds types imbench does not trust: {', '.join(bad[:5])}{more} "
            "(only the classes in imbench.storage.model_file.TRUSTED_TYPES are loaded: is this a model file imbench wrote?)"
        )
    return list(needed)


IDENTITY_ONLY = "sklearn.preprocessing._function_transformer.FunctionTransformer"
"""A class skops trusts by default that exists to call a function when the model transforms (the attack's
vehicle). imbench's files hold it only as the identity a fitted ColumnTransformer keeps for passthrough columns
(``func`` and ``inverse_func`` None), so any other FunctionTransformer is refused."""
CALLABLE_LOADERS = frozenset({"FunctionNode", "MethodNode"})
"""skops nodes that rebuild a callable: refused whatever skops would trust, so no function is ever loaded."""


def refused_types(model_path: str | Path) -> list[str]:
    """What in the file is refused whatever the allow-list says: every function or method, and every
    FunctionTransformer that is not the identity. Read from the file's schema (skops' defaults included, which
    ``get_untrusted_types`` leaves out)."""
    import json
    import zipfile

    try:
        with zipfile.ZipFile(model_path) as z:
            schema = json.loads(z.read("schema.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UntrustedModelError(f"{model_path} is not a skops model file ({exc})") from None
    refused: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = f"{node.get('__module__')}.{node.get('__class__')}"
            if node.get("__loader__") in CALLABLE_LOADERS:
                refused.add(name)
            elif name == IDENTITY_ONLY and not _identity(node):
                refused.add(f"{name} (with a function)")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return sorted(refused)


def _identity(node: dict[str, Any]) -> bool:
    """A FunctionTransformer node whose ``func`` and ``inverse_func`` are stored as JSON null."""
    attrs = node.get("content", {}).get("content", {})
    return all(attrs.get(k, {}).get("content") == "null" for k in ("func", "inverse_func"))


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
