"""Focal loss (Lin et al. 2017) as a gradient-boosting objective, and the estimator that trains on it.

Imported lazily (numpy, scipy, scikit-learn); the component is :mod:`imbench.strategies.focal_loss`.

Derivation. With ``y ∈ {0, 1}``, raw margin ``z`` and ``p = σ(z)``, write ``s = 2y − 1``, ``u = s·z`` and
``q = σ(u)`` (``q`` is ``p_t``, the probability given to the true class; ``dq/du = q(1 − q)``). With
``a = α`` for positives and ``1 − α`` for negatives (``a = 1`` when α is off), the focal loss is

    FL(z) = −a (1 − q)^γ log q.

First derivative, by the product rule in ``u`` (``d(1 − q)^γ/du = −γ(1 − q)^γ q``, ``d log q/du = 1 − q``):

    dFL/du = a (1 − q)^γ [γ q log q − (1 − q)],      so   g = dFL/dz = s · dFL/du.

Second derivative: ``s² = 1``, so ``h = d²FL/dz² = d²FL/du²``. Write ``f(q) = (1 − q)^γ [γ q log q − (1 − q)]``;
``df/dq = −γ(1 − q)^(γ−1)[γ q log q − (1 − q)] + (1 − q)^γ [γ log q + γ + 1]`` and ``h = a · f'(q) · q(1 − q)``:

    h = a q (1 − q)^γ [−γ² q log q + (1 − q)(γ log q + 2γ + 1)].

At γ = 0, a = 1 these are the logistic loss's ``g = p − y`` and ``h = p(1 − p)``. For γ > 0 the loss is not
convex in the margin: where the true class gets a small probability (``q`` below about 0.05–0.1) the
bracket is negative, and a Newton step (leaf value ``−Σg/Σh``) would climb the loss or divide by zero. The
boosters are therefore given ``|h|`` (the saddle-free Newton step, Dauphin et al. 2014: a descent step
whose size is set by the curvature's magnitude) floored at ``HESSIAN_FLOOR``; the gradient is exact. The
tests check ``g`` and ``h`` against finite differences of ``FL``.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone

HESSIAN_FLOOR = 1e-6
"""Smallest curvature given to the booster for one row (keeps every leaf's Newton step finite)."""
MARGIN_BOUND = 30.0
"""The constant starting margin is searched in [−bound, bound] (σ(30) ≈ 1 − 1e-13)."""


def _parts(
    y: np.ndarray, z: np.ndarray, alpha: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(s, a, q, 1 − q, log q) for targets ``y`` and margins ``z``, computed without cancellation."""
    y = np.asarray(y, dtype=float)
    s = 2.0 * y - 1.0
    u = s * np.asarray(z, dtype=float)
    a = np.ones_like(u) if alpha is None else np.where(y > 0.5, alpha, 1.0 - alpha)
    return s, a, expit(u), expit(-u), log_expit(u)


def focal_loss(y: Any, z: Any, gamma: float, alpha: float | None = None) -> np.ndarray:
    """Per-row focal loss ``−a (1 − p_t)^γ log p_t`` at raw margins ``z``."""
    _, a, _, one_minus_q, log_q = _parts(np.asarray(y), np.asarray(z), alpha)
    return -a * one_minus_q**gamma * log_q


def focal_grad_hess(y: Any, z: Any, gamma: float, alpha: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact first and second derivatives of :func:`focal_loss` in the raw margin (see the module docstring)."""
    s, a, q, one_minus_q, log_q = _parts(np.asarray(y), np.asarray(z), alpha)
    mod = one_minus_q**gamma
    grad = s * a * mod * (gamma * q * log_q - one_minus_q)
    hess = a * q * mod * (-(gamma**2) * q * log_q + one_minus_q * (gamma * log_q + 2.0 * gamma + 1.0))
    return grad, hess


class FocalObjective:
    """A custom objective for XGBoost's and LightGBM's scikit-learn wrappers: ``(y_true, y_pred[, weight])``.

    ``y_pred`` is the raw margin (both libraries pass margins to custom objectives). The third argument
    is named ``sample_weight`` so XGBoost passes row weights; LightGBM passes them positionally (with two
    arguments it would silently drop them). Returns the exact gradient and the saddle-free hessian.
    """

    def __init__(self, gamma: float, alpha: float | None = None) -> None:
        self.gamma = float(gamma)
        self.alpha = None if alpha is None else float(alpha)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> tuple[np.ndarray, np.ndarray]:
        grad, hess = focal_grad_hess(y_true, y_pred, self.gamma, self.alpha)
        hess = np.maximum(np.abs(hess), HESSIAN_FLOOR)
        if sample_weight is not None:
            w = np.asarray(sample_weight, dtype=float)
            grad, hess = grad * w, hess * w
        return grad, hess

    def __repr__(self) -> str:
        return f"FocalObjective(gamma={self.gamma:g}, alpha={self.alpha})"


def best_constant_margin(y: np.ndarray, gamma: float, alpha: float | None, sample_weight: Any = None) -> float:
    """The constant margin that minimises the (weighted) focal loss of ``y``: the boosters' starting point.

    The analogue of LightGBM's ``boost_from_average`` (log-odds of the positive rate, which this returns
    at γ = 0 with α off); without it a custom objective starts every row at p = 0.5.
    """
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)

    def total(b: float) -> float:
        return float(np.sum(w * focal_loss(y, np.full(len(y), b), gamma, alpha)))

    res = minimize_scalar(total, bounds=(-MARGIN_BOUND, MARGIN_BOUND), method="bounded", options={"xatol": 1e-8})
    return float(res.x)


def _accepts(method: Any, name: str) -> bool:
    return name in inspect.signature(method).parameters


class FocalBoosted(ClassifierMixin, BaseEstimator):
    """An XGBoost or LightGBM classifier trained on focal loss; probabilities are ``σ(start + raw margin)``.

    With a custom objective the libraries' ``predict_proba`` cannot know the link (LightGBM returns raw
    scores, XGBoost applies a placeholder sigmoid without the starting margin), so this wrapper predicts
    the raw margin (``raw_score=True`` / ``output_margin=True``), adds the starting margin it trained
    from (``init_score`` / ``base_margin``, which neither library stores) and applies the sigmoid itself.
    The model keeps every parameter it was built with; only ``objective`` is replaced.
    """

    def __init__(self, estimator: Any = None, gamma: float = 2.0, alpha: float | None = None) -> None:
        self.estimator = estimator
        self.gamma = gamma
        self.alpha = alpha

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> FocalBoosted:
        """Fit on 0/1-coded ``y`` (the larger label is positive) from the focal-optimal constant margin."""
        self.classes_, y01 = np.unique(np.asarray(y), return_inverse=True)
        if len(self.classes_) != 2:
            raise ValueError(f"focal loss is a binary objective; got {len(self.classes_)} classes")
        self.init_margin_ = best_constant_margin(y01, self.gamma, self.alpha, sample_weight)
        est = clone(self.estimator).set_params(objective=FocalObjective(self.gamma, self.alpha))
        start = np.full(len(y01), self.init_margin_)
        if _accepts(est.fit, "init_score"):  # LightGBM
            est.fit(X, y01, sample_weight=sample_weight, init_score=start)
        elif _accepts(est.fit, "base_margin"):  # XGBoost: base_score 0.5 is margin 0, so predictions add ours
            est.set_params(base_score=0.5).fit(X, y01, sample_weight=sample_weight, base_margin=start)
        else:
            raise TypeError(f"{type(est).__name__} takes no starting margin (init_score / base_margin)")
        self.estimator_ = est
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """The raw margin ``start + Σ trees`` (log-odds scale)."""
        predict = self.estimator_.predict
        raw = predict(X, raw_score=True) if _accepts(predict, "raw_score") else predict(X, output_margin=True)
        return np.asarray(raw, dtype=float).ravel() + self.init_margin_

    def predict_proba(self, X: Any) -> np.ndarray:
        """``[1 − σ(margin), σ(margin)]`` per row."""
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class (``argmax`` of ``predict_proba``: a tie at 0.5 is the negative class)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
