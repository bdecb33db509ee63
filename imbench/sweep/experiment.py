"""``evaluate``: nested cross-validation of strategies × models on datasets, in memory, as a tidy DataFrame.

The notebook journey: no store and no MLflow (``run_sweep`` adds those); the same cells, so the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd

from imbench.core.results import results_frame
from imbench.datasets import load_dataset
from imbench.datasets.base import Dataset, check_evaluable
from imbench.evaluation.plan import cell_keys, with_baseline
from imbench.evaluation.protocol import EvalProtocol
from imbench.execution import make_executor
from imbench.execution.tasks import DatasetRef, Task, link_searches
from imbench.models import MODELS


def plan_tasks(
    refs: Iterable[tuple[DatasetRef, Dataset]], strategies: Sequence[str], models: Sequence[str], protocol: EvalProtocol
) -> Iterator[Task]:
    """Every cell: dataset × strategy × model × outer fold, dataset-major (datasets load once)."""

    for m in models:
        MODELS.get(m)
    for ref, ds in refs:
        check_evaluable(ds, protocol.outer_folds)
        for key in cell_keys(ds.name, with_baseline(strategies), models, protocol.n_outer):
            yield Task(ref, key, protocol)


def evaluate(
    datasets: Dataset | str | Sequence[Dataset | str],
    strategies: Sequence[str],
    models: Sequence[str],
    protocol: EvalProtocol | None = None,
    jobs: int = 1,
    **protocol_kw: Any,
) -> pd.DataFrame:
    """Nested CV of every strategy × model on every dataset; one tidy row per outer fold.

    ``datasets`` are Dataset objects or specs such as ``"synthetic:ir=50"``. Protocol fields can
    be given as keywords (``n_trials=5, outer_folds=3``). Results do not depend on ``jobs``.
    """

    protocol = protocol or EvalProtocol(**protocol_kw)
    items = [datasets] if isinstance(datasets, (Dataset, str)) else list(datasets)
    refs = []
    for d in items:
        ds = load_dataset(d) if isinstance(d, str) else d
        refs.append((DatasetRef(d, dataset=None) if isinstance(d, str) else DatasetRef(ds.name, dataset=ds), ds))
    tasks = link_searches(plan_tasks(refs, strategies, models, protocol))
    rows = [res.row for _, res in make_executor(jobs).run(tasks)]
    return results_frame(rows)
