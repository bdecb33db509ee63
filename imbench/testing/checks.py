"""The conformance checks themselves (see ``imbench.testing`` for how to run them)."""

from __future__ import annotations

import functools
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from imbench.core.errors import ConfigError, ImbenchError, UntrustedModelError
from imbench.core.metrics import METRICS
from imbench.core.schema import NOT_APPLICABLE_PREFIX, STATUSES, TIMING_COLUMNS, Status
from imbench.datasets.base import Dataset
from imbench.evaluation.protocol import EvalProtocol

CHECK_PROTOCOL = EvalProtocol(outer_folds=2, inner_folds=2, n_trials=2, seed=0)
"""The protocol the cell checks run under: 2 outer × 2 inner folds and 2 trials (every step, a fraction of the cost)."""
MODEL_PREFERENCE = ("logreg", "lightgbm", "xgboost", "random_forest")
"""Cheapest first: the per-plugin families (leakage, determinism, failures) use the first model a strategy applies to."""
UNKNOWN_NAME = "no_such_dataset_xyz"
"""The made-up dataset name a source must refuse unless told another."""

_P = ParamSpec("_P")
_R = TypeVar("_R")
_MISSING = object()


class _CheckFailed(AssertionError):
    """A check's failure, its message naming the check and its arguments (a calling check prefixes its own)."""


def _shown(value: Any) -> str:
    """An argument as a failure message names it: a Dataset by its name, data and estimators by their type."""
    if isinstance(value, Dataset):
        return repr(value.name)
    if value is None or isinstance(value, str | int | float | bool | list | tuple):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    shape = getattr(value, "shape", None)
    return f"<{type(value).__name__}{' ' + '×'.join(map(str, shape)) if shape is not None else ''}>"


def _labelled(check: Callable[_P, _R]) -> Callable[_P, _R]:
    """Failures of ``check`` (an assertion, or anything the plugin raised) become one AssertionError that names
    the check and its arguments, so a failing plugin reads ``check_pipeline('x', 'logreg', 'tiny-0') failed: ...``."""

    @functools.wraps(check)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return check(*args, **kwargs)
        except Exception as exc:
            shown = ", ".join([*map(_shown, args), *(f"{k}={_shown(v)}" for k, v in kwargs.items())])
            label = f"{check.__name__}({shown})"
            if isinstance(exc, _CheckFailed):  # a check this one runs failed: say which way it was reached
                raise _CheckFailed(f"{label} → {exc}") from exc
            what = str(exc) if isinstance(exc, AssertionError) else f"{type(exc).__name__}: {exc}"
            raise _CheckFailed(f"{label} failed: {what or 'assertion failed'}") from exc

    return run


def _require(condition: Any, message: str) -> None:
    """AssertionError with ``message`` unless ``condition`` (not a bare ``assert``: checks must run under ``-O``)."""
    if not condition:
        raise AssertionError(message)


# data and speed ---------------------------------------------------------------------------------------------


def tiny_dataset(
    n: int = 200,
    ir: float = 5.0,
    *,
    categorical: bool = False,
    missing: bool = False,
    seed: int = 0,
    sep: float = 1.5,
    n_numeric: int = 5,
    name: str | None = None,
) -> Dataset:
    """A small imbalanced Dataset (y=1 is the minority), optionally with a categorical column and NaNs.

    Small enough that a cell runs in a fraction of a second, mixed enough (``categorical=True, missing=True``)
    that a plugin meets what real data holds: a categorical column informative about y, and missing values
    in numeric and categorical columns.
    """
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n,
        n_features=n_numeric,
        n_informative=min(3, n_numeric),
        n_redundant=0,
        n_repeated=0,
        weights=[ir / (1.0 + ir)],
        class_sep=sep,
        flip_y=0.0,
        random_state=seed,
    )
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(n_numeric)])
    rng = np.random.default_rng(seed)
    cats: list[str] = []
    if categorical:
        # informative about y, so a model using the column does better than chance
        colour = np.where(rng.random(n) < 0.7, np.where(y == 1, "red", "blue"), rng.choice(["red", "blue", "green"], n))
        df["colour"] = pd.Categorical(colour)
        cats = ["colour"]
    if missing:
        df.loc[rng.random(n) < 0.1, "x0"] = np.nan
        df.loc[rng.random(n) < 0.1, "x1"] = np.nan
        if categorical:
            df.loc[rng.random(n) < 0.1, "colour"] = np.nan
    label = name or f"tiny{'-cat' if categorical else ''}{'-nan' if missing else ''}-{seed}"
    return Dataset(label, df, y, "test", categorical=cats)


def _default_data() -> list[Dataset]:
    return [
        tiny_dataset(name="conformance-numeric"),
        tiny_dataset(categorical=True, missing=True, name="conformance-mixed"),
    ]


def _capped(est: Any, n: int) -> Any:
    params = est.get_params(deep=False)
    if "n_estimators" in params:
        est.set_params(n_estimators=min(params["n_estimators"] or 100, n))
    if "min_child_samples" in params:  # LightGBM: let it split on tiny (undersampled) folds
        est.set_params(min_child_samples=min(params["min_child_samples"] or 20, 5))
    return est


def capped_methods(n: int = 8) -> list[tuple[type, str, Callable[..., Any]]]:
    """``(class, method name, replacement)`` for every registered model's ``build`` (at most ``n`` trees or
    rounds) and every ensemble component's ``wrap`` (at most ``n // 2`` members, at least 2).

    What :func:`fast_models` installs, for a test framework that patches by itself (pytest's ``monkeypatch``)."""
    from imbench.models import MODELS
    from imbench.strategies import COMPONENTS
    from imbench.strategies.base import EnsembleComponent

    out: list[tuple[type, str, Callable[..., Any]]] = []
    seen: set[type] = set()
    for name in MODELS.names():
        cls = type(MODELS.get(name))
        if cls in seen:
            continue
        seen.add(cls)

        def build(self: Any, params: dict[str, Any], seed: int, _original: Any = cls.build) -> Any:
            return _capped(_original(self, params, seed), n)

        out.append((cls, "build", build))
    for name in COMPONENTS.names():
        comp = COMPONENTS.get(name)
        if not isinstance(comp, EnsembleComponent) or type(comp) in seen:
            continue
        ecls = type(comp)
        seen.add(ecls)

        def wrap(self: Any, *args: Any, _original: Any = ecls.wrap, **kw: Any) -> Any:
            return _capped(_original(self, *args, **kw), max(n // 2, 2))

        out.append((ecls, "wrap", wrap))
    return out


@contextmanager
def _patched(replacements: Iterable[tuple[type, str, Any]]) -> Iterator[None]:
    """Set each class attribute for the duration, then put back exactly what was there (or nothing: inherited)."""
    saved: list[tuple[type, str, Any]] = []
    try:
        for cls, attr, value in replacements:
            saved.append((cls, attr, cls.__dict__.get(attr, _MISSING)))
            setattr(cls, attr, value)
        yield
    finally:
        for cls, attr, old in reversed(saved):
            if old is _MISSING:
                delattr(cls, attr)
            else:
                setattr(cls, attr, old)


def fast_models(n: int = 8) -> AbstractContextManager[None]:
    """Inside the ``with`` block every registered model builds at most ``n`` trees/rounds and every ensemble
    component at most ``n // 2`` members (this process only), so a cell takes a fraction of a second.

    The checks test behaviour, not accuracy: a forest of 8 trees exercises every code path of one of 500."""
    return _patched(capped_methods(n))


# strategies × models ----------------------------------------------------------------------------------------


def _context(ds: Dataset, rows: np.ndarray | None = None) -> Any:
    from imbench.pipeline.build import context_for, split_columns

    y = ds.y if rows is None else ds.y[rows]
    return context_for(y, *split_columns(ds.X, ds.categorical))


def skip_reason(strategy: str, model: str, data: Dataset) -> str | None:
    """Why ``strategy`` does not apply to ``model`` on ``data`` (None: it applies), as a cell decides it."""
    from imbench.models import MODELS
    from imbench.strategies import parse_strategy

    return parse_strategy(strategy).skip(MODELS.get(model), _context(data))


def _probabilities(proba: Any, n: int) -> None:
    proba = np.asarray(proba)
    _require(proba.shape == (n, 2), f"predict_proba has shape {proba.shape}, expected ({n}, 2)")
    _require(np.isfinite(proba).all(), f"predict_proba holds {int((~np.isfinite(proba)).sum())} non-finite values")
    _require(((proba >= 0) & (proba <= 1)).all(), "predict_proba holds values outside [0, 1]")
    _require(np.allclose(proba.sum(axis=1), 1.0, rtol=0.0, atol=1e-6), "predict_proba rows do not sum to 1")


@_labelled
def check_export(est: Any, X: Any) -> None:
    """The model file ``compare`` writes for fitted ``est`` loads trusting only the allow-listed classes
    (``imbench.storage.model_file.TRUSTED_TYPES``) and predicts the same, so a plugin whose fitted model holds
    a class not on the list fails here, not in a user's load."""
    import skops.io as sio

    from imbench.storage.model_file import exportable, trusted_types

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "model.skops"
        sio.dump(exportable(est.estimator_), path)
        try:
            trusted = trusted_types(path)
        except UntrustedModelError as exc:
            raise AssertionError(
                f"{exc} — a fitted plugin may hold only the classes on TRUSTED_TYPES; list a new class there"
            ) from exc
        loaded = sio.load(path, trusted=trusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), est.estimator_.predict_proba(X))


@_labelled
def check_pipeline(strategy: str, model: str, data: Dataset) -> None:
    """``build_pipeline(strategy, model)`` builds, fits on 70% of ``data`` and predicts valid probabilities and
    0/1 labels on the rest, exports a model file that loads safely, and is assembled as its components say
    (sampler step, wrapped model, threshold, cost weight = neg/pos of the training rows); where ``strategy``
    does not apply to ``model`` it must refuse with ConfigError "not applicable" instead."""
    from sklearn.model_selection import train_test_split

    from imbench.models import MODELS
    from imbench.pipeline.build import build_pipeline
    from imbench.strategies import parse_strategy
    from imbench.strategies.base import CostComponent

    reason = skip_reason(strategy, model, data)
    if reason:
        try:
            build_pipeline(strategy, model)
        except ConfigError as exc:
            _require("not applicable" in str(exc), f"ConfigError without 'not applicable': {exc}")
            return
        raise AssertionError(f"skip() says {reason!r} but build_pipeline did not raise ConfigError 'not applicable'")
    X_tr, X_te, y_tr, _y_te = train_test_split(data.X, data.y, test_size=0.3, stratify=data.y, random_state=0)
    est = build_pipeline(strategy, model, seed=1)  # column types and class counts are read by fit
    est.fit(X_tr, y_tr)
    _probabilities(est.predict_proba(X_te), len(X_te))
    pred = est.predict(X_te)
    _require(set(np.unique(pred)) <= {0, 1}, f"predict returns labels {sorted(set(np.unique(pred)))}, not 0/1")

    check_export(est, X_te)

    strat, spec = parse_strategy(strategy), MODELS.get(model)
    decision = strat.get("decision")
    steps = est.pipeline_.named_steps
    _require(next(iter(steps)) == "prep" and list(steps)[-1] == "model", f"pipeline steps {list(steps)}")
    _require(
        ("sampler" in steps) == (strat.get("resample") is not None),
        f"a sampler step {'missing' if strat.get('resample') else 'without a resample component'}: {list(steps)}",
    )
    if decision is not None:
        _require(0.0 <= est.best_threshold_ <= 1.0, f"threshold {est.best_threshold_} outside [0, 1]")
        # the decision is the wrapped pipeline's score compared with the chosen threshold
        s = est.predict_proba(X_te)[:, 1]
        np.testing.assert_array_equal(
            pred, (s >= est.best_threshold_).astype(pred.dtype), err_msg="predict is not score >= best_threshold_"
        )
    base_type = type(spec.build({}, 0))
    wrapped = strat.get("ensemble") is not None or strat.get("loss") is not None  # a loss trains a wrapped model
    _require(
        (type(steps["model"]) is base_type) != wrapped,
        f"model step is {type(steps['model']).__name__}: expected {'a wrapper of ' if wrapped else ''}{base_type.__name__}",
    )
    cost = strat.get("cost")
    if cost is not None:
        _require(isinstance(cost, CostComponent), f"{cost.name} is in the cost family but not a CostComponent")
        assert isinstance(cost, CostComponent)
        ratio = float(np.sum(y_tr == 0) / np.sum(y_tr == 1))
        # the setting sits on the model, or on the model inside an ensemble step
        found = {
            k: v
            for k, v in steps["model"].get_params(deep=True).items()
            if k == cost.keyword or k.endswith(f"__{cost.keyword}")
        }
        _require(found, f"{cost.keyword} not set on {steps['model']!r}")
        value = next(iter(found.values()))
        weight = value[1] if isinstance(value, dict) else value
        _require(
            math.isclose(weight, ratio, rel_tol=1e-6, abs_tol=1e-12),
            f"{cost.keyword} is {weight}, expected neg/pos of the training rows {ratio}",
        )


def _metrics(row: dict[str, Any], protocol: EvalProtocol) -> None:
    """Every test metric is present, finite and within its mathematical range."""
    cost_bound = max(protocol.cost_fn, protocol.cost_fp)
    for name in METRICS:
        v = row.get(f"test_{name}")
        _require(isinstance(v, float) and math.isfinite(v), f"test_{name} is {v!r}, not a finite float")
        assert isinstance(v, float)
        if name == "mcc":
            low, high = -1.0, 1.0
        elif name == "log_loss":
            low, high = 0.0, math.inf
        elif name == "expected_cost":
            low, high = 0.0, cost_bound
        else:
            low, high = 0.0, 1.0
        _require(low <= v <= high, f"test_{name} = {v} outside [{low}, {high}]")


@_labelled
def check_cell(strategy: str, model: str, data: Dataset, protocol: EvalProtocol = CHECK_PROTOCOL) -> None:
    """``strategy`` × ``model`` runs as a cell (tuning, refit, scoring) on outer fold 1 of ``data``: an ``ok`` row
    with every trial run, finite in-range metrics, the fold's sizes and predictions, a threshold in [0, 1] and
    only its own ``p_`` parameters; where it does not apply, a ``not_applicable`` row with the reason.

    No trial may fail: samplers draw ratios and neighbour counts from ranges valid for the fold and record what
    they adapt in ``adaptations``, so a plugin that wastes trials of the budget fails here."""
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.splits import outer_folds
    from imbench.models import MODELS
    from imbench.strategies import COMPONENTS, parse_strategy

    res = run_cell(data, CellKey(data.name, strategy, model, 1), protocol)
    row = res.row
    _require(row["status"] in STATUSES, f"status {row['status']!r} is not one of {STATUSES}")
    reason = skip_reason(strategy, model, data)
    if reason:
        _require(row["status"] == Status.NOT_APPLICABLE, f"status {row['status']!r} for a skipped pair ({reason})")
        _require(row["error"] == f"{NOT_APPLICABLE_PREFIX}{reason}", f"error {row['error']!r} for reason {reason!r}")
        _require(res.predictions is None, "a not_applicable cell has predictions")
        _require(not any(k.startswith("test_") for k in row), "a not_applicable cell has test metrics")
        return
    _require(row["status"] == Status.OK, f"status {row['status']!r}: {row['error']}")
    _require(row["error"] == "", f"an ok row with error {row['error']!r}")
    _require(row["trials"] == protocol.n_trials, f"{row['trials']} trials, expected {protocol.n_trials}")
    _require(row["trials_failed"] == 0, f"{row['trials_failed']} of {row['trials']} trials failed")
    _metrics(row, protocol)
    fold = outer_folds(data.y, protocol, data.name)[1]
    _require(
        row["n_test"] == len(fold.test) and row["n_train"] == len(fold.train),
        f"n_train/n_test {row['n_train']}/{row['n_test']}, expected {len(fold.train)}/{len(fold.test)}",
    )
    _require(res.predictions is not None, "an ok cell without predictions")
    assert res.predictions is not None
    np.testing.assert_array_equal(res.predictions["index"], fold.test, err_msg="predictions are not the test fold")
    np.testing.assert_array_equal(res.predictions["y_true"], data.y[fold.test], err_msg="y_true is not the test labels")
    scores = res.predictions["score"]
    _require(
        scores.shape == (len(fold.test),) and np.isfinite(scores).all() and ((scores >= 0) & (scores <= 1)).all(),
        "test scores are not one finite probability per test row",
    )
    strat = parse_strategy(strategy)
    if strat.get("decision") is None:
        _require(row["threshold"] == 0.5, f"threshold {row['threshold']} without a decision component")
    else:
        _require(0.0 <= row["threshold"] <= 1.0, f"threshold {row['threshold']} outside [0, 1]")
    params = {k for k in row if k.startswith("p_")}
    own = {"p_model", *(f"p_{c.name}" for c in strat.components)}
    _require(all(k.split("__")[0] in own for k in params), f"parameters {sorted(params)} beyond {sorted(own)}")
    ctx = _context(data, fold.train)
    for name in ("model", *(c.name for c in strat.components)):
        drawn = MODELS.get(model).defaults() if name == "model" else COMPONENTS.get(name).defaults(ctx)
        _require(
            not drawn or any(k.startswith(f"p_{name}__") for k in params),
            f"{name} has default parameters {drawn} but the row records none",
        )


def applicable_case(name: str, models: Sequence[str] | None = None, data: Dataset | None = None) -> tuple[str, str]:
    """``name`` with the first model it applies to (cheapest first, among ``models``, default every registered
    one); a component that never applies alone (a correction of a resampled model's probabilities) is paired
    with ``smote``, then with ``class_weight``. AssertionError when it applies to none of them."""
    from imbench.models import MODELS
    from imbench.strategies import parse_strategy

    ds = data if data is not None else tiny_dataset(categorical=True, missing=True, name="families")
    ctx = _context(ds)
    pool = list(models) if models is not None else MODELS.names()
    ordered = [*(m for m in MODEL_PREFERENCE if m in pool), *(m for m in pool if m not in MODEL_PREFERENCE)]
    for strategy in (name, f"smote+{name}", f"class_weight+{name}"):
        try:
            strat = parse_strategy(strategy)
        except ConfigError:  # name is itself a sampler or a cost component
            continue
        for m in ordered:
            if strat.skip(MODELS.get(m), ctx) is None:
                return strat.name, m
    raise AssertionError(f"{name} applies to none of {ordered}, alone or after smote / class_weight")


@contextmanager
def _recorded_rows() -> Iterator[list[tuple[str, np.ndarray]]]:
    """(call, row labels of X) for every pipeline fit / predict_proba and every threshold fit inside the block."""
    from imblearn.pipeline import Pipeline
    from sklearn.model_selection import TunedThresholdClassifierCV

    calls: list[tuple[str, np.ndarray]] = []

    def recorder(cls: type, method: str, label: str) -> tuple[type, str, Any]:
        original = getattr(cls, method)

        @functools.wraps(original)  # sklearn recognises predict_proba by its name
        def wrapped(self: Any, X: Any, *args: Any, **kw: Any) -> Any:
            # arrays are the already-transformed rows inside an ensemble's own pipelines
            if isinstance(X, pd.DataFrame):
                calls.append((label, X.index.to_numpy().copy()))
            return original(self, X, *args, **kw)

        return cls, method, wrapped

    with _patched(
        [
            recorder(Pipeline, "fit", "fit"),
            recorder(Pipeline, "predict_proba", "predict_proba"),
            recorder(Pipeline, "decision_function", "predict_proba"),  # calibrators score by the margin
            recorder(TunedThresholdClassifierCV, "fit", "threshold_fit"),
        ]
    ):
        yield calls


def _mixed(data: Dataset | None) -> Dataset:
    return data if data is not None else tiny_dataset(categorical=True, missing=True, name="families")


@_labelled
def check_fits_see_training_rows_only(strategy: str, model: str, data: Dataset | None = None) -> None:
    """Leakage: in a cell on outer fold 1, every pipeline and threshold fit sees outer-train rows only, and the
    outer test rows are scored exactly once, at the end (``data``: mixed :func:`tiny_dataset` by default)."""
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.splits import outer_folds

    ds = _mixed(data)
    fold = outer_folds(ds.y, CHECK_PROTOCOL, ds.name)[1]
    with _recorded_rows() as calls:
        res = run_cell(ds, CellKey(ds.name, strategy, model, 1), CHECK_PROTOCOL)
    _require(res.row["status"] == Status.OK, f"status {res.row['status']!r}: {res.row['error']}")
    train, test = set(fold.train.tolist()), set(fold.test.tolist())
    fits = [rows for what, rows in calls if what in ("fit", "threshold_fit")]
    _require(fits, "no pipeline fit was recorded")
    leaks = [len(set(rows.tolist()) - train) for rows in fits if not set(rows.tolist()) <= train]
    _require(not leaks, f"{len(leaks)} fit(s) saw rows outside the outer-train fold ({leaks} rows)")
    predicted = [rows for what, rows in calls if what == "predict_proba" and not test.isdisjoint(rows.tolist())]
    _require(
        len(predicted) == 1 and np.array_equal(predicted[0], fold.test),
        f"the test rows were scored {len(predicted)} times, expected once, at the end",
    )


def scramble_test_rows(ds: Dataset, fold: Any) -> Dataset:
    """``ds`` with every numeric feature of the test rows replaced by wild noise (labels unchanged)."""
    from imbench.pipeline.build import split_columns

    numeric, _ = split_columns(ds.X, ds.categorical)
    X = ds.X.copy()
    rng = np.random.default_rng(99)
    for c in numeric:
        X.iloc[fold.test, X.columns.get_loc(c)] = rng.normal(0, 100, len(fold.test))
    return Dataset(ds.name, X, ds.y, ds.source, categorical=list(ds.categorical))


@_labelled
def check_choices_ignore_test_rows(strategy: str, model: str, data: Dataset | None = None) -> None:
    """Leakage: scrambling the outer test rows' features changes none of the cell's choices (tuned parameters,
    inner score, threshold, adaptations), so nothing chosen looked at them."""
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.splits import outer_folds

    ds = _mixed(data)
    fold = outer_folds(ds.y, CHECK_PROTOCOL, ds.name)[0]
    key = CellKey(ds.name, strategy, model, 0)
    a, b = run_cell(ds, key, CHECK_PROTOCOL).row, run_cell(scramble_test_rows(ds, fold), key, CHECK_PROTOCOL).row
    _require(
        a["status"] == b["status"] == Status.OK, f"statuses {a['status']!r}/{b['status']!r}: {a['error'] or b['error']}"
    )

    def chosen(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k.startswith("p_") or k in ("inner_score", "threshold", "adaptations")}

    differ = sorted(k for k in chosen(a).keys() | chosen(b).keys() if chosen(a).get(k) != chosen(b).get(k))
    _require(not differ, f"changing the test rows changed {differ}: a choice looked at test rows")


@_labelled
def check_determinism(strategy: str, model: str, data: Dataset | None = None) -> None:
    """The same cell twice (another cell in between) gives the same row, timings aside, and the same scores:
    a plugin must take its randomness from the seed it is given."""
    from imbench.evaluation.cell import CellKey, run_cell

    ds = _mixed(data)
    key = CellKey(ds.name, strategy, model, 1)
    first = run_cell(ds, key, CHECK_PROTOCOL)
    run_cell(ds, CellKey(ds.name, "none", "logreg", 0), CHECK_PROTOCOL)  # another cell in between changes nothing

    again = run_cell(ds, key, CHECK_PROTOCOL)

    def strip(r: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in r.items() if k not in TIMING_COLUMNS}

    a, b = strip(first.row), strip(again.row)
    differ = sorted(k for k in a.keys() | b.keys() if not (a.get(k) == b.get(k) or _both_nan(a.get(k), b.get(k))))
    _require(not differ, f"the same cell gave different {differ}: {[(a.get(k), b.get(k)) for k in differ[:3]]}")
    _require(first.predictions is not None and again.predictions is not None, f"no predictions ({a['error']})")
    assert first.predictions is not None and again.predictions is not None
    np.testing.assert_array_equal(first.predictions["score"], again.predictions["score"], err_msg="scores differ")


def _both_nan(a: Any, b: Any) -> bool:
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


@_labelled
def check_failures_are_rows(strategy: str, model: str) -> None:
    """On hopeless data (one or two positives per outer-train split) a plugin may fail, but as a row with a
    one-line reason, never as an exception or a half-filled row."""
    from imbench.evaluation.cell import CellKey, run_cell

    ds = tiny_dataset(n=60, ir=14, name="hopeless")
    _require(ds.n_pos <= 4, f"the hopeless dataset has {ds.n_pos} positives")
    res = run_cell(ds, CellKey(ds.name, strategy, model, 0), CHECK_PROTOCOL)
    row = res.row
    _require(row["status"] in STATUSES, f"status {row['status']!r} is not one of {STATUSES}")
    if row["status"] == Status.OK:
        _require(np.isfinite(row["test_average_precision"]), "an ok row without a finite average precision")
        _require(res.predictions is not None, "an ok row without predictions")
    else:
        _require(row["error"] and "\n" not in row["error"], f"a {row['status']} row's error {row['error']!r}")
        _require(res.predictions is None, f"a {row['status']} row with predictions")


def _cases(
    strategies: Sequence[str], models: Sequence[str], data: Dataset | Sequence[Dataset] | None, fast: bool
) -> None:
    datasets = _default_data() if data is None else [data] if isinstance(data, Dataset) else list(data)
    _require(datasets, "no data to check on")
    last = datasets[-1]
    with fast_models() if fast else nullcontext():
        for strategy in strategies:
            for model in models:
                for ds in datasets:
                    check_pipeline(strategy, model, ds)
                check_cell(strategy, model, last)


def _families(strategy: str, model: str, data: Dataset | Sequence[Dataset] | None, fast: bool) -> None:
    ds = None if data is None else data if isinstance(data, Dataset) else list(data)[-1]
    with fast_models() if fast else nullcontext():
        check_fits_see_training_rows_only(strategy, model, ds)
        check_choices_ignore_test_rows(strategy, model, ds)
        check_determinism(strategy, model, ds)
        check_failures_are_rows(strategy, model)


def check_strategy(
    name: str,
    models: Sequence[str] | None = None,
    data: Dataset | Sequence[Dataset] | None = None,
    *,
    fast: bool = True,
) -> None:
    """Every check a strategy (a registered component, or a ``+`` composite) must pass, with every model in
    ``models`` (default: every registered one): :func:`check_pipeline` on each dataset of ``data`` (default: the
    numeric and the mixed :func:`tiny_dataset`), :func:`check_cell` on the last, then leakage, determinism and
    failures with the first model it applies to. ``fast`` caps models at a few trees (:func:`fast_models`)."""
    from imbench.models import MODELS
    from imbench.strategies import parse_strategy

    try:
        strategy = parse_strategy(name).name
    except ImbenchError as exc:
        raise AssertionError(f"check_strategy({name!r}) failed: {exc}") from exc
    names = list(models) if models is not None else MODELS.names()
    _cases([strategy], names, data, fast)
    last = None if data is None else data if isinstance(data, Dataset) else list(data)[-1]
    _families(*applicable_case(strategy, names, last), data, fast)


def check_model(
    name: str,
    strategies: Sequence[str] | None = None,
    data: Dataset | Sequence[Dataset] | None = None,
    *,
    fast: bool = True,
) -> None:
    """Every check a registered model must pass: with every strategy in ``strategies`` (default: ``none`` and
    every registered component) :func:`check_pipeline` on each dataset of ``data`` (default: the numeric and the
    mixed :func:`tiny_dataset`) and :func:`check_cell` on the last; then leakage, determinism and failures with
    the ``none`` baseline. ``fast`` caps models at a few trees (:func:`fast_models`)."""
    from imbench.models import MODELS
    from imbench.strategies import strategy_names

    if name not in MODELS:
        raise AssertionError(f"check_model({name!r}) failed: no model {name!r} is registered (use @register_model)")
    _cases(list(strategies) if strategies is not None else strategy_names(), [name], data, fast)
    _families("none", name, data, fast)


# dataset sources --------------------------------------------------------------------------------------------


@_labelled
def check_source_loads(prefix: str, name: str | None = None, **options: Any) -> None:
    """The source registered as ``prefix`` describes itself, lists its names, and loads ``prefix:name`` (default:
    its offline ``example``) with ``options`` as a Dataset that obeys the contract (0/1 target with 1 the
    minority, categorical columns among the columns, complete metadata), the same data on a second load."""
    from imbench.datasets import SOURCES, load_dataset

    src = SOURCES.get(prefix)
    _require(isinstance(src.description, str) and src.description, "the source has no description")
    _require(all(isinstance(n, str) for n in src.names()), "names() lists something other than strings")
    if name is None:
        _require(src.example is not None, "the source declares no offline example: pass name= (and its options)")
        assert src.example is not None
        name = src.example
    ds = load_dataset(f"{prefix}:{name}", **options)
    _require(isinstance(ds, Dataset) and isinstance(ds.X, pd.DataFrame), f"load returned {type(ds).__name__}")
    _require(ds.name.startswith(f"{prefix}:"), f"dataset name {ds.name!r} does not start with {prefix + ':'!r}")
    _require(ds.source in (prefix, ds.name.split(":")[0]), f"source {ds.source!r} for prefix {prefix!r}")
    _require(len(ds.X) == len(ds.y) == ds.n, f"{len(ds.X)} rows of X, {len(ds.y)} labels")
    _require(
        set(np.unique(ds.y)) == {0, 1} and 0 < ds.n_pos <= ds.n_neg,
        f"target is not 0/1 with 1 the minority ({ds.n_pos} positives, {ds.n_neg} negatives)",
    )
    _require(set(ds.categorical) <= set(ds.X.columns), f"categorical {ds.categorical} not among the columns")
    missing = {"dataset", "source", "n", "n_pos", "n_features", "n_categorical", "ir", "tier"} - set(ds.meta())
    _require(not missing, f"meta() lacks {sorted(missing)}")
    again = load_dataset(f"{prefix}:{name}", **options)
    pd.testing.assert_frame_equal(ds.X, again.X)
    _require(np.array_equal(ds.y, again.y), "a second load gave another target")


@_labelled
def check_source_refuses(prefix: str, unknown: str = UNKNOWN_NAME, **options: Any) -> None:
    """Loading ``prefix:unknown`` (a name the source cannot have) raises an ImbenchError on one line, which the
    CLI prints as is (exit 2), instead of a traceback or a silent empty dataset."""
    from imbench.datasets import load_dataset

    try:
        load_dataset(f"{prefix}:{unknown}", **options)
    except ImbenchError as exc:
        _require("\n" not in str(exc), f"the error spans several lines: {str(exc)!r}")
        return
    except Exception as exc:
        raise AssertionError(
            f"loading {prefix}:{unknown} raised {type(exc).__name__}: {exc}, not an ImbenchError"
        ) from exc
    raise AssertionError(f"loading {prefix}:{unknown} raised no ImbenchError")


def check_source(prefix: str, name: str | None = None, *, unknown: str = UNKNOWN_NAME, **options: Any) -> None:
    """Every check a dataset source must pass: :func:`check_source_loads` (``name``, default its ``example``) and
    :func:`check_source_refuses` (``unknown``), both with ``options``."""
    check_source_loads(prefix, name, **options)
    check_source_refuses(prefix, unknown, **options)
