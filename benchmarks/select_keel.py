"""Choose the datasets of imbench/evaluation/builtin_suites/keel.yaml from the KEEL collection and print them as YAML.

Rule: per imbalance tier (low <5, medium 5-10, high 10-50, extreme >50) keep datasets that are
small enough for a one-hour sweep on 2 cores (<= 1500 rows; <= 4200 in the extreme tier, which
has few small datasets), have >= 8 positives (>= 1 per outer test fold with room to spare) and
are not saturated (best 3-fold ROC-AUC of gradient boosting and logistic regression <= 0.97, mean of two seeds; a
near-perfect baseline leaves no room to tell strategies apart). Then take up to PER_TIER per tier,
round-robin over dataset families (ecoli, glass, yeast …) so no family dominates, smaller first.

Run: .venv/bin/python benchmarks/select_keel.py

``--full`` prints the datasets of imbench/evaluation/builtin_suites/keel_full.yaml (the second reference run) instead: every
KEEL dataset with >= 10 positives (two per test fold at five outer folds), <= 5000 rows (compute) and
a baseline ROC-AUC <= 0.99 (inspect's saturation line), with no per-tier cap, so the run spreads over
the IR tiers and over minority sizes as far as the collection does (band 10-29 / 30-99 / 100+ positives).
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


FULL_MIN_POS = 10
FULL_MAX_ROWS = 5000
FULL_MAX_AUC = 0.99


def band(n_pos: int) -> str:
    """Minority-size band of the full rule."""
    return "10-29" if n_pos < 30 else "30-99" if n_pos < 100 else "100+"


def main() -> int:
    full = "--full" in sys.argv[1:]
    rows = []
    for name, _entry in catalogue().items():
        ds = load_dataset(f"keel:{name}")
        too_big = ds.n > (FULL_MAX_ROWS if full else MAX_ROWS[ds.tier])
        if too_big or ds.n_pos < (FULL_MIN_POS if full else MIN_POS):
            continue
        auc = (baseline_auc(ds.X, ds.y, seed=0) + baseline_auc(ds.X, ds.y, seed=1)) / 2
        rows.append((ds.tier, name, ds.n, ds.n_pos, ds.ir, auc))
        print(f"# {ds.tier:8s} {name:34s} n={ds.n:5d} pos={ds.n_pos:4d} ir={ds.ir:7.2f} auc={auc:.3f}", file=sys.stderr)
    if full:
        return print_full(rows)
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


def print_full(rows: list[tuple]) -> int:
    """Every candidate under FULL_MAX_AUC, by tier then IR, with its minority band and the counts per stratum."""
    kept = [r for r in rows if r[5] <= FULL_MAX_AUC]
    print(f"# {len(kept)} datasets; per tier x minority band:")
    for tier, _ in TIERS:
        counts = {b: sum(r[0] == tier and band(r[3]) == b for r in kept) for b in ("10-29", "30-99", "100+")}
        print(f"#   {tier:8s} " + "  ".join(f"{b}: {c:2d}" for b, c in counts.items()))
    print("datasets:")
    for tier, _ in TIERS:
        picks = sorted((r for r in kept if r[0] == tier), key=lambda r: r[4])
        print(f"  # {tier} ({len(picks)})")
        for _, name, n, pos, ir, auc in picks:
            print(f"  - keel:{name:34s} # n={n} pos={pos} ({band(pos)}) IR={ir:.1f} baseline AUC={auc:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
