"""imbench.evaluate versus what a user writes by hand: GridSearchCV inside cross_validate.

Hand-written baseline, per dataset × strategy × model: an imblearn ``Pipeline`` (StandardScaler
+ sampler + model), ``GridSearchCV(scoring="average_precision", cv=StratifiedKFold(3))`` over a
grid of model × strategy parameters, evaluated by ``cross_validate`` on exactly imbench's outer
folds (``imbench.evaluation.splits.outer_folds``). imbench: ``imbench.evaluate(..., n_trials=N,
inner_folds=3, outer_folds=3)``. Both single-threaded (n_jobs=1, BLAS/OpenMP limited to one
thread). The two are alternated per dataset so background load hits both alike.

Grids (per strategy × model; product of model grid and strategy grid):
  logreg   C ∈ {0.001, 0.01, 0.1, 1, 10, 100}                                  (6)
  lightgbm n_estimators ∈ {100, 300} × learning_rate ∈ {0.03, 0.1} × num_leaves ∈ {15, 31}   (8)
  none 1; smote k_neighbors ∈ {3, 5} × sampling_strategy ∈ {0.5, 1.0} (4);
  class_weight positive weight = neg/pos × {0.5, 1, 2, 4} (4); random_under sampling_strategy ∈ {0.25, 0.5, 0.75, 1.0} (4)
  → 6/24/24/24 combinations for logreg, 8/32/32/32 for lightgbm (mean 22.75); imbench gets n_trials = 10.

Goal: imbench ≥ 3× faster, mean PR-AUC (average precision over all cells) no more than 0.005 lower.

    .venv/bin/python benchmarks/perf/vs_handwritten.py [--small] [--n-trials N]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Report, loadavg

GOAL_SPEEDUP = 3.0
GOAL_AP_DROP = 0.005
STRATEGIES = ["none", "smote", "class_weight", "random_under"]
MODELS = ["logreg", "lightgbm"]
DATASETS = ["synthetic:ir=20,n=3000", "synthetic:ir=50,n=3000,seed=1"]
SMALL_DATASETS = ["synthetic:ir=20,n=2000"]
OUTER, INNER = 3, 3


def model_and_grid(model: str) -> tuple[object, dict[str, list]]:
    if model == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=2000, random_state=0), {"model__C": [0.001, 0.01, 0.1, 1, 10, 100]}
    from lightgbm import LGBMClassifier

    return (
        LGBMClassifier(n_jobs=1, random_state=0, verbose=-1),
        {"model__n_estimators": [100, 300], "model__learning_rate": [0.03, 0.1], "model__num_leaves": [15, 31]},
    )


def hand_pipeline(strategy: str, model: str, neg_pos: float) -> tuple[object, dict[str, list]]:
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.preprocessing import StandardScaler

    est, grid = model_and_grid(model)
    steps = [("scale", StandardScaler())]
    if strategy == "smote":
        steps.append(("sampler", SMOTE(random_state=0)))
        grid = {**grid, "sampler__k_neighbors": [3, 5], "sampler__sampling_strategy": [0.5, 1.0]}
    elif strategy == "random_under":
        steps.append(("sampler", RandomUnderSampler(random_state=0)))
        grid = {**grid, "sampler__sampling_strategy": [0.25, 0.5, 0.75, 1.0]}
    elif strategy == "class_weight":
        grid = {**grid, "model__class_weight": [{0: 1.0, 1: neg_pos * m} for m in (0.5, 1, 2, 4)]}
    steps.append(("model", est))
    return Pipeline(steps), grid


def run_hand(ds, folds) -> tuple[float, list[dict]]:
    """Wall seconds and one row per strategy × model × fold."""
    import numpy as np
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
    from threadpoolctl import threadpool_limits

    neg_pos = float(np.sum(ds.y == 0) / np.sum(ds.y == 1))
    rows = []
    t0 = time.perf_counter()
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for s in STRATEGIES:
            for m in MODELS:
                pipe, grid = hand_pipeline(s, m, neg_pos)
                gs = GridSearchCV(
                    pipe,
                    grid,
                    scoring="average_precision",
                    cv=StratifiedKFold(INNER, shuffle=True, random_state=0),
                    n_jobs=1,
                )
                cv = cross_validate(gs, ds.X, ds.y, cv=folds, scoring="average_precision", n_jobs=1)
                n_grid = int(np.prod([len(v) for v in grid.values()]))
                rows += [
                    {"dataset": ds.name, "strategy": s, "model": m, "fold": i, "ap": float(v), "grid": n_grid}
                    for i, v in enumerate(cv["test_score"])
                ]
    return time.perf_counter() - t0, rows


def run_imbench(spec: str, n_trials: int) -> tuple[float, list[dict]]:
    import imbench

    t0 = time.perf_counter()
    df = imbench.evaluate(spec, STRATEGIES, MODELS, outer_folds=OUTER, inner_folds=INNER, n_trials=n_trials, jobs=1)
    wall = time.perf_counter() - t0
    bad = df[df["status"] != "ok"]
    if len(bad):
        raise SystemExit(f"imbench cells not ok: {bad[['strategy', 'model', 'status', 'error']]}")
    return wall, [
        {
            "dataset": r.dataset,
            "strategy": r.strategy,
            "model": r.model,
            "fold": int(r.fold),
            "ap": float(r.test_average_precision),
            "trials": int(r.trials),
            "pruned": int(r.trials_pruned),
        }
        for r in df.itertuples()
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="one dataset (n=2000) instead of two (n=3000)")
    ap.add_argument("--n-trials", type=int, default=10)
    a = ap.parse_args()
    import pandas as pd

    import imbench
    from imbench.evaluation.protocol import EvalProtocol
    from imbench.evaluation.splits import outer_folds

    rep = Report("vs_handwritten" + ("_small" if a.small else ""))
    rep.out(
        f"strategies {STRATEGIES}; models {MODELS}; outer {OUTER} folds (imbench's own), inner {INNER} folds; "
        f"imbench n_trials={a.n_trials}; both n_jobs=1"
    )
    specs = SMALL_DATASETS if a.small else DATASETS
    timings = []
    hand_rows: list[dict] = []
    imb_rows: list[dict] = []
    imbench.evaluate(specs[0], ["none"], ["logreg"], outer_folds=OUTER, inner_folds=INNER, n_trials=1)  # warm imports
    for i, spec in enumerate(specs):
        ds = imbench.load_dataset(spec)
        folds = [
            (f.train, f.test) for f in outer_folds(ds.y, EvalProtocol(outer_folds=OUTER, inner_folds=INNER), ds.name)
        ]
        order = ("imbench", "hand") if i % 2 == 0 else ("hand", "imbench")
        res = {}
        for who in order:
            print(f"{spec}: running {who} ... (load {loadavg()})", flush=True)
            res[who] = run_imbench(spec, a.n_trials) if who == "imbench" else run_hand(ds, folds)
        timings.append((ds.name, res["imbench"][0], res["hand"][0]))
        imb_rows += res["imbench"][1]
        hand_rows += res["hand"][1]
    hi = pd.DataFrame(imb_rows)
    hh = pd.DataFrame(hand_rows)
    rep.out("")
    rep.out(f"{'dataset':34s} {'imbench s':>10s} {'hand s':>9s} {'speed-up':>9s}")
    for name, ti, th in timings:
        rep.out(f"{name:34s} {ti:10.1f} {th:9.1f} {th / ti:8.2f}x")
    ti_all = sum(t for _, t, _ in timings)
    th_all = sum(t for _, _, t in timings)
    rep.out(f"{'total':34s} {ti_all:10.1f} {th_all:9.1f} {th_all / ti_all:8.2f}x")
    rep.out("")
    key = ["dataset", "strategy", "model", "fold"]
    m = hi.merge(hh, on=key, suffixes=("_imbench", "_hand"))
    g = m.groupby(["strategy", "model"]).agg(
        ap_imbench=("ap_imbench", "mean"),
        ap_hand=("ap_hand", "mean"),
        grid=("grid", "first"),
        trials=("trials", "mean"),
        pruned=("pruned", "mean"),
    )
    g["diff"] = g["ap_imbench"] - g["ap_hand"]
    rep.out(
        "mean PR-AUC per strategy × model (over datasets × folds); grid = hand combinations, trials/pruned = imbench"
    )
    for line in g.round(4).to_string().splitlines():
        rep.out("  " + line)
    rep.out("")
    ap_i, ap_h = float(m["ap_imbench"].mean()), float(m["ap_hand"].mean())
    rep.out(
        f"mean PR-AUC over {len(m)} cells: imbench {ap_i:.4f}, hand-written {ap_h:.4f}, difference {ap_i - ap_h:+.4f}"
    )
    rep.out(
        f"fits per outer fold: hand = grid × {INNER} + 1 refit (mean grid {g['grid'].mean():.2f} → "
        f"{g['grid'].mean() * INNER + 1:.0f}); imbench ≤ {a.n_trials} trials × {INNER} + 1 refit "
        f"({a.n_trials * INNER + 1}), fewer when pruned"
    )
    rep.out(f"load average after: {loadavg()}")
    rep.verdict("speed-up (hand wall / imbench wall)", th_all / ti_all, GOAL_SPEEDUP, higher_is_better=True, unit="x")
    rep.verdict("PR-AUC drop (hand − imbench)", ap_h - ap_i, GOAL_AP_DROP, higher_is_better=False)
    rep.save()


if __name__ == "__main__":
    main()
