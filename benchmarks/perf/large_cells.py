"""What single cells of the large suite cost: CPU, wall and peak memory of named cells, one thread each.

    .venv/bin/python benchmarks/perf/large_cells.py [--no-codes] DATASET|MODEL|STRATEGY ...

The protocol is the large suite's (``imbench/evaluation/builtin_suites/large.yaml``); ``--no-codes`` turns its
``tree_codes`` off (one-hot columns for every model, the small-data default). Each cell is outer fold 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report


def main() -> None:
    from threadpoolctl import threadpool_limits

    from imbench.datasets import load_dataset
    from imbench.evaluation.cell import CellKey, run_cell
    from imbench.evaluation.suites import load_suite

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cells", nargs="+", help="DATASET|MODEL|STRATEGY")
    ap.add_argument("--no-codes", action="store_true", help="one-hot columns for tree models too")
    args = ap.parse_args()
    p = load_suite("large").protocol
    if args.no_codes:
        p = replace(p, tree_codes=False)
    rep = Report("large_cells" + ("_no_codes" if args.no_codes else ""))
    for cell in args.cells:
        spec, model, strategy = cell.split("|")
        ds = load_dataset(spec)
        with threadpool_limits(1):
            t = time.perf_counter()
            r = run_cell(ds, CellKey(ds.name, strategy, model, 0), p).record
        rep.out(
            f"{spec} {model} {strategy}: {r.status}, CPU {r.cpu_seconds:.0f} s, wall {time.perf_counter() - t:.0f} s, "
            f"PR-AUC {r.metrics.get('average_precision', float('nan')):.3f}, peak {r.peak_mib or float('nan'):.0f} MiB"
        )
    rep.save()


if __name__ == "__main__":
    main()
