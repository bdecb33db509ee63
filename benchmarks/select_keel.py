"""Choose the datasets of benchmarks/keel.yaml from the KEEL collection and print them as YAML.

Rule: per imbalance tier (low <5, medium 5-10, high 10-50, extreme >50) keep datasets that are
small enough for a one-hour sweep on 2 cores (<= 1500 rows; <= 4200 in the extreme tier, which
has few small datasets), have >= 8 positives (>= 1 per outer test fold with room to spare) and
are not saturated (best 3-fold ROC-AUC of gradient boosting and logistic regression <= 0.97, mean of two seeds; a
near-perfect baseline leaves no room to tell strategies apart). Then take up to PER_TIER per tier,
round-robin over dataset families (ecoli, glass, yeast …) so no family dominates, smaller first.

Run: .venv/bin/python benchmarks/select_keel.py
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict

from imbench.datasets import load_dataset
from imbench.datasets.base import TIERS
from imbench.datasets.inspect import baseline_auc
from imbench.datasets.keel import catalogue

PER_TIER = 10
MAX_ROWS = {"low": 1500, "medium": 1500, "high": 1500, "extreme": 4200}
MIN_POS = 8
MAX_AUC = 0.97  # stricter than inspect's 0.99: small folds make the baseline noisy


def family(name: str) -> str:
    return re.split(r"[_\d]", name, maxsplit=1)[0]


def main() -> int:
    rows = []
    for name, _entry in catalogue().items():
        ds = load_dataset(f"keel:{name}")
        if ds.n > MAX_ROWS[ds.tier] or ds.n_pos < MIN_POS:
            continue
        auc = (baseline_auc(ds.X, ds.y, seed=0) + baseline_auc(ds.X, ds.y, seed=1)) / 2
        rows.append((ds.tier, name, ds.n, ds.n_pos, ds.ir, auc))
        print(f"# {ds.tier:8s} {name:34s} n={ds.n:5d} pos={ds.n_pos:4d} ir={ds.ir:7.2f} auc={auc:.3f}", file=sys.stderr)
    chosen: dict[str, list[tuple]] = {}
    for tier, _ in TIERS:
        ok = sorted((r for r in rows if r[0] == tier and r[5] <= MAX_AUC), key=lambda r: r[2])
        by_family: dict[str, list[tuple]] = defaultdict(list)
        for r in ok:
            by_family[family(r[1])].append(r)
        picks: list[tuple] = []
        while len(picks) < PER_TIER and any(by_family.values()):
            for fam in list(by_family):
                if by_family[fam] and len(picks) < PER_TIER:
                    picks.append(by_family[fam].pop(0))
        chosen[tier] = sorted(picks, key=lambda r: r[4])
    print("datasets:")
    for tier, picks in chosen.items():
        print(f"  # {tier} ({len(picks)})")
        for _, name, n, pos, ir, auc in picks:
            print(f"  - keel:{name:34s} # n={n} pos={pos} IR={ir:.1f} baseline AUC={auc:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
