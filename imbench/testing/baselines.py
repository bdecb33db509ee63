"""The script a practitioner writes instead of running imbench: the bar ``compare`` must never fall below.

LightGBM with native categoricals, early stopping on a stratified 10 % validation split, refit at the best round
inside ``TunedThresholdClassifierCV(scoring="f1")`` — no resampling, no search. ``tests/test_comparison_scale.py``
and ``benchmarks/perf/compare_scale.py`` score it beside compare's exported model on the same held-out rows.
"""

from __future__ import annotations

from typing import Any


def practitioner_script(X: Any, y: Any, n_jobs: int = 2, seed: int = 0) -> Any:
    """A fitted classifier (``predict_proba``/``predict`` at its tuned threshold) that takes ``X``'s columns."""
    import lightgbm as lgb
    import pandas as pd
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split

    cats = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    levels = {c: pd.Categorical(X[c]).categories for c in cats}

    def typed(frame: Any) -> Any:
        out = frame.copy()
        for c in cats:
            out[c] = pd.Categorical(out[c], categories=levels[c])
        return out

    Xc = typed(X)
    Xa, Xv, ya, yv = train_test_split(Xc, y, test_size=0.1, stratify=y, random_state=seed)
    es = lgb.LGBMClassifier(n_estimators=5000, learning_rate=0.05, verbose=-1, n_jobs=n_jobs, random_state=seed)
    es.fit(Xa, ya, eval_X=Xv, eval_y=yv, callbacks=[lgb.early_stopping(50, verbose=False)])
    final = lgb.LGBMClassifier(
        n_estimators=es.best_iteration_, learning_rate=0.05, verbose=-1, n_jobs=n_jobs, random_state=seed
    )
    tuned = TunedThresholdClassifierCV(final, scoring="f1", random_state=seed).fit(Xc, y)

    class Script(ClassifierMixin, BaseEstimator):
        """The tuned model behind the raw columns (categoricals typed as at fit)."""

        classes_ = tuned.classes_

        def predict_proba(self, frame: Any) -> Any:
            return tuned.predict_proba(typed(frame))

        def predict(self, frame: Any) -> Any:
            return tuned.predict(typed(frame))

    return Script()
