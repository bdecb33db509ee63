"""Refit the recommended pair on all rows, save it (``model.skops``) and write the script that rebuilds it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from imbench.core.files import atomic_path, write_atomic
from imbench.core.metrics import get_metric
from imbench.core.schema import Recommendation, ResultRow
from imbench.evaluation.cell import refit
from imbench.evaluation.protocol import EvalProtocol
from imbench.evaluation.seeds import derive_seed
from imbench.models import MODELS
from imbench.pipeline.build import split_columns
from imbench.storage.model_file import exportable, trusted_types
from imbench.storage.store import Store
from imbench.strategies import parse_strategy


def export_recommended(ds: Any, rec: Recommendation, protocol: EvalProtocol, out: Path) -> dict[str, Path]:
    """Refit the recommended pair on all rows with the parameters its own search chose, save it with skops.

    The parameters are the winning pair's cell with the best inner score (its outer fold's study picked them
    on training rows only): the final step reuses that search instead of tuning again, so it costs one refit
    and fits inside the budget.
    """
    import skops.io as sio

    strategy, model = parse_strategy(rec.strategy), MODELS.get(rec.model)
    _, categorical = split_columns(ds.X, ds.categorical)
    seed = derive_seed(protocol.seed, "final", rec.strategy, rec.model)
    params, source = winning_params(out, rec)
    pipe = refit(strategy, model, protocol, categorical, seed, params, ds.X, ds.y)
    rec.final_params, rec.final_source = params, source
    rec.final_threshold = float(getattr(pipe, "best_threshold_", 0.5))
    rec.columns = [str(c) for c in ds.X.columns]
    rec.data_notes = list(getattr(ds, "notes", []))
    model_path = out / "model.skops"
    with atomic_path(model_path) as tmp:
        sio.dump(exportable(pipe.estimator_), tmp)
        trusted_types(tmp)  # never leave a file behind that the documented load would refuse
    snippet = out / "rebuild_pipeline.py"
    write_atomic(snippet, rebuild_script(ds, rec, protocol, seed, out))
    return {"model": model_path, "snippet": snippet}


def winning_params(out: Path, rec: Recommendation) -> tuple[dict[str, Any], str]:
    """(parameters, where they came from) of the recommended pair's ok cell with the best inner score, read
    from the run's store (JSON rows keep each parameter's type; the parquet export widens ints beside NaN)."""
    import math

    store = Store.open_existing(out)
    try:
        rows = [ResultRow.from_dict(r) for r in store.rows()]
    finally:
        store.con.close()
    ok = [r for r in rows if (r.strategy, r.model, r.status) == (rec.strategy, rec.model, "ok")]
    sign = 1.0 if get_metric(rec.metric).greater else -1.0
    scored = [r for r in ok if r.inner_score is not None and math.isfinite(r.inner_score)] or ok
    best = max(scored, key=lambda r: sign * (r.inner_score if r.inner_score is not None else -math.inf))
    return dict(best.params), (
        f"the search of outer fold {best.fold} (best inner {rec.metric} {best.inner_score:.4f} of {len(ok)} "
        "folds), refit on every row: the final step reuses that search instead of tuning again"
    )


def rebuild_script(ds: Any, rec: Recommendation, protocol: EvalProtocol, seed: int, out: Path) -> str:
    """The rebuild script's source. Every value that comes from the user (file path, column names, labels,
    notes) reaches it only inside one JSON document embedded with ``repr``: data, never code.

    The data file is found by its absolute path, else by its path from the script's own folder (``out``), so the
    script runs from any working directory and still finds the data after the project folder moved."""
    load = rec.load
    assert load is not None
    options: dict[str, Any] = {"target": load.target}
    if load.positive is not None:
        options["positive"] = load.positive
    data = Path(load.spec.removeprefix("file:"))
    spec = {
        "data": str(data),
        "data_from_here": os.path.relpath(data, out.resolve()),
        "options": options,
        "strategy": rec.strategy,
        "model": rec.model,
        "seed": seed,
        "context": protocol.fit_settings.as_kwargs(),
        "params": rec.final_params,
    }
    cols = ", ".join(rec.columns[:12]) + (" …" if len(rec.columns) > 12 else "")
    doc = (
        f"Rebuild and refit the pipeline imbench recommended ({rec.strategy} × {rec.model}).\n\n"
        "Load the saved one instead with skops (the types it needs are listed in imbench.comparison.TRUSTED_TYPES):\n"
        "    import skops.io as sio\n"
        "    from imbench.comparison import trusted_types\n"
        '    model = sio.load("model.skops", trusted=trusted_types("model.skops"))\n'
        "    p = model.predict_proba(X)[:, 1]; y_hat = model.predict(X)  # "
        f"threshold {rec.final_threshold!r}\n"
        f"X must have the columns imbench used: {cols}\n"
        "(load new data with imbench.load_dataset to apply the same column handling: "
        f"{'; '.join(rec.data_notes) or 'none'}).\n"
    )
    return f"""{doc!r}
import json
import os

import imbench

SPEC = json.loads({json.dumps(spec, default=_plain)!r})
HERE = os.path.dirname(os.path.abspath(__file__))
data = SPEC["data"] if os.path.exists(SPEC["data"]) else os.path.join(HERE, SPEC["data_from_here"])

ds = imbench.load_dataset("file:" + data, **SPEC["options"])
pipe = imbench.build_pipeline(SPEC["strategy"], SPEC["model"], categorical=ds.categorical, seed=SPEC["seed"],
                              **SPEC["context"], **SPEC["params"])
pipe.fit(ds.X, ds.y)
print("decision threshold:", repr(float(pipe.threshold_)))
"""


def _plain(o: Any) -> Any:
    """numpy scalars as Python numbers in JSON (anything else as text)."""
    return o.item() if hasattr(o, "item") else str(o)
