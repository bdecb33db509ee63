"""Which cheat-sheet verdicts changed between two runs (e.g. the first and the second KEEL reference runs)?

Both runs are analysed by the report code (``Analysis.verdict_table``: one row per tier or minority-size
group × model × metric); cells present in both are compared on the verdict and the recommended strategy,
and each run's share of cells that name a winner is printed. A published run replaced in ``results/`` can be
read back from git first: ``mkdir -p /tmp/keel_v1 && for f in results.parquet config.yaml manifest.json; do
git show REV:results/keel/$f > /tmp/keel_v1/$f; done``.

Run: ``.venv/bin/python benchmarks/verdict_diff.py /tmp/keel_v1 results/keel``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

KEY = ["view", "group", "model", "metric"]


def verdicts(run: Path) -> pd.DataFrame:
    from imbench.reporting.load import load_run
    from imbench.reporting.tables.analysis import analyse

    return analyse(load_run(run)).verdict_table()


def _says(r: pd.Series, side: str) -> str:
    if r[f"verdict_{side}"] == "better":
        return f"use {r[f'recommended_{side}']}"
    return {"keep_none": "keep none", "untestable": "too few datasets", "empty": "nothing to compare"}.get(
        r[f"verdict_{side}"], r[f"verdict_{side}"]
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    args = ap.parse_args()
    old, new = verdicts(args.old), verdicts(args.new)
    for name, t in (("old", old), ("new", new)):
        tier = t[t["view"] == "tier"]
        print(
            f"{name} ({getattr(args, name)}): {len(tier)} tier × model × metric cells, "
            f"{int((tier['verdict'] == 'better').sum())} name a winner, "
            f"{int((tier['avoid'] != '').sum())} name a strategy to avoid, "
            f"{int((tier['verdict'] == 'untestable').sum())} too few datasets to test"
        )
    both = old.merge(new, on=KEY, suffixes=("_old", "_new"))
    both = both.fillna({"avoid_old": "", "avoid_new": "", "recommended_old": "", "recommended_new": ""})
    changed = both[(both["verdict_old"] != both["verdict_new"]) | (both["recommended_old"] != both["recommended_new"])]
    avoid = both[both["avoid_old"] != both["avoid_new"]]
    print(
        f"cells in both runs: {len(both)}; verdict or recommended strategy changed: {len(changed)}; "
        f"strategies to avoid changed: {len(avoid)}"
    )
    print("\n| view | group | model | metric | first run | second run |\n|---|---|---|---|---|---|")
    for _, r in changed.iterrows():
        print(f"| {r['view']} | {r['group']} | {r['model']} | {r['metric']} | {_says(r, 'old')} | {_says(r, 'new')} |")
    for _, r in avoid.iterrows():
        print(
            f"avoid changed: {r['view']} {r['group']} {r['model']} {r['metric']}: "
            f"[{r['avoid_old']}] -> [{r['avoid_new']}]"
        )
    sides = old[KEY].merge(new[KEY], on=KEY, how="outer", indicator=True)
    print(
        f"\ncells only in the second run: {int((sides['_merge'] == 'right_only').sum())}; only in the first: "
        f"{int((sides['_merge'] == 'left_only').sum())} (models or groups one run lacks)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
