"""Calibrate compare's fit-cost model: time real fits of every model on 10k-1M rows × 10-200 columns.

What is timed is the unit ``imbench.comparison.costs`` counts: one trial fit of a model on ``n`` training
rows and ``w`` numeric columns, one thread, as the tuner runs it (boosters: ``fit_early`` against a
validation set of n/4 rows; every model: its defaults and two parameter draws from its own search space,
seeded — four for boosters, whose rounds follow the learning rate; the cost of a fit is their mean) plus one ``predict_proba`` on the validation rows. The table is
fitted per model as ``seconds = fixed + exp(a) · n^b · w^c`` (least squares on logs) and the coefficients are
written to ``imbench/comparison/fit_costs.json``, which the planner reads; the raw table goes to
``benchmarks/perf/results/fit_costs.csv``. Fits run one at a time, so rerun it on an idle machine.

    .venv/bin/python benchmarks/perf/calibrate_costs.py [--quick] [--models a,b] [--from-table]

``--models`` measures those models only (the others keep their rows and laws); ``--from-table`` refits the
laws from the saved table without timing anything.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, ROOT, Report

GRID = [
    (10_000, 10), (10_000, 30), (10_000, 100), (10_000, 200),
    (30_000, 30), (30_000, 100),
    (100_000, 10), (100_000, 30), (100_000, 100), (100_000, 200),
    (300_000, 30), (300_000, 100),
    (1_000_000, 10), (1_000_000, 30),
]  # fmt: skip
QUICK = [(10_000, 10), (10_000, 100), (100_000, 30), (300_000, 30)]
FOREST_GRID = [
    (10_000, 10),
    (10_000, 30),
    (10_000, 100),
    (30_000, 30),
    (100_000, 10),
    (100_000, 30),
    (300_000, 10),
    (1_000_000, 10),
]
"""A forest is the slowest fit by far (about 40 s at 10k × 100 on one thread), and beyond ``TREE_ROWS`` its trees
grow on subsamples, so rows past 100k are measured at 10 columns only (the subsample law is what they check)."""
OUT_JSON = ROOT / "imbench" / "comparison" / "fit_costs.json"


def table(n: int, w: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` rows × ``w`` columns with the signal of ``make_large_table`` (thresholds, an interaction, a bump,
    about 1 % positives): boosters then grow as many rounds as they do on the tables the plan is checked on
    (hundreds at low learning rates), not the few a simple law needs. Columns beyond its 26 numeric ones
    are noise; fewer keep its first ``w``."""
    from imbench.datasets.example import make_large_table

    df = make_large_table(n, seed=seed)
    y = df.pop("label").to_numpy()
    X = df[[f"x{i}" for i in range(26)]].to_numpy(dtype=np.float64)
    X = np.nan_to_num(X)
    if w <= X.shape[1]:
        return np.ascontiguousarray(X[:, :w]), y
    rng = np.random.default_rng(seed + 1)
    return np.hstack([X, rng.standard_normal((n, w - X.shape[1]))]), y


def draws(spec, early: bool, seed: int = 0) -> list[dict]:
    """The model's defaults and two seeded draws from its search space (the parameters a study tries)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    out = [spec.defaults(early_stopping=early)]
    for _ in range(4 if early else 2):  # a booster's cost follows its learning rate: more draws average it
        out.append(spec.suggest(study.ask(), early_stopping=early))
    return out


def time_fits(name: str, n: int, w: int) -> dict:
    from imbench.models import MODELS

    spec = MODELS.get(name)
    early = spec.early_stopping
    X, y = table(n + n // 4, w)
    Xt, yt, Xv, yv = X[:n], y[:n], X[n:], y[n:]
    if name == "logreg":
        Xt = (Xt - Xt.mean(0)) / Xt.std(0)
    n_pos = int(yt.sum())
    seconds, rounds = [], []
    for params in draws(spec, early):
        est = spec.build(spec.resolve(params, n_pos, n - n_pos), seed=0)
        t0 = time.perf_counter()
        if early:
            rounds.append(spec.fit_early(est, Xt, yt, Xv, yv))
        else:
            est.fit(Xt, yt)
        est.predict_proba(Xv)
        seconds.append(time.perf_counter() - t0)
    return {
        "model": name,
        "rows": n,
        "columns": w,
        "seconds": round(float(np.mean(seconds)), 4),
        "min_s": round(min(seconds), 4),
        "max_s": round(max(seconds), 4),
        "rounds": round(float(np.mean(rounds)), 1) if rounds else "",
    }


def fit_law(rows: list[dict]) -> dict[str, float]:
    """``seconds = fixed + exp(log_a) · rows^rows_exp · columns^columns_exp``, least squares on log seconds
    (every size weighs alike: the ratio of measured to predicted is what the planner must get right)."""
    from scipy.optimize import least_squares

    n = np.array([r["rows"] for r in rows], dtype=float)
    w = np.array([r["columns"] for r in rows], dtype=float)
    t = np.array([r["seconds"] for r in rows], dtype=float)

    def law(p: np.ndarray) -> np.ndarray:
        return np.exp(p[0]) + np.exp(p[1]) * n ** p[2] * w ** p[3]

    fit = least_squares(lambda p: np.log(law(p)) - np.log(t), x0=[np.log(0.05), -12.0, 0.9, 0.7])
    ratio = t / law(fit.x)
    return {
        "fixed": round(float(np.exp(fit.x[0])), 5),
        "log_a": round(float(fit.x[1]), 4),
        "rows_exp": round(float(fit.x[2]), 4),
        "columns_exp": round(float(fit.x[3]), 4),
        "worst_ratio_low": round(float(ratio.min()), 3),
        "worst_ratio_high": round(float(ratio.max()), 3),
        "points": len(rows),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="four sizes only (a check, not a calibration)")
    ap.add_argument("--models", default="logreg,lightgbm,xgboost,random_forest")
    ap.add_argument(
        "--from-table", action="store_true", help="fit the laws again from results/fit_costs.csv, time nothing"
    )
    ap.add_argument("--sizes", help="ROWSxCOLS,... measured instead of the grid and added to the saved rows")
    args = ap.parse_args()
    default = ap.get_default("models")
    part = "" if args.models == default else "_" + args.models.replace(",", "_")
    rep = Report("calibrate_costs" + part + ("_sizes" if args.sizes else "") + ("_quick" if args.quick else ""))
    suffix = "_quick" if args.quick else ""
    table_path = RESULTS / f"fit_costs{suffix}.csv"
    saved: list[dict] = []
    if table_path.exists():
        with open(table_path) as fh:
            saved = [{**r, "rows": int(r["rows"]), "columns": int(r["columns"]), "seconds": float(r["seconds"])}
                     for r in csv.DictReader(fh)]  # fmt: skip
    measured_models = args.models.split(",")
    sizes = [tuple(int(v) for v in x.split("x")) for x in args.sizes.split(",")] if args.sizes else None
    new: list[dict] = []
    for name in [] if args.from_table else measured_models:
        for n, w in sizes or (QUICK if args.quick else (FOREST_GRID if name == "random_forest" else GRID)):
            r = time_fits(name, n, w)
            new.append(r)
            rep.out(f"{name:14s} {n:>9,} rows × {w:>3} cols: {r['seconds']:8.3f} s per fit "
                    f"(min {r['min_s']:.3f}, max {r['max_s']:.3f}){'  rounds ' + str(r['rounds']) if r['rounds'] else ''}")  # fmt: skip
    fresh = {(r["model"], r["rows"], r["columns"]) for r in new}
    # a full measurement replaces a model's rows; --sizes and --from-table keep them (fresh sizes replace theirs)
    keep_old = args.from_table or sizes is not None
    rows = [
        r for r in saved
        if (r["model"], r["rows"], r["columns"]) not in fresh and (keep_old or r["model"] not in measured_models)
    ] + new  # fmt: skip
    laws = {}
    for name in measured_models:
        mine = [r for r in rows if r["model"] == name]
        if not mine:
            continue
        laws[name] = law = fit_law(mine)
        rep.out(
            f"{name}: seconds = {law['fixed']} + exp({law['log_a']}) · rows^{law['rows_exp']} · "
            f"columns^{law['columns_exp']}; "
            f"measured/law {law['worst_ratio_low']}-{law['worst_ratio_high']} over {law['points']} sizes"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(table_path, "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=["model", "rows", "columns", "seconds", "min_s", "max_s", "rounds"])
        wr.writeheader()
        wr.writerows(sorted(rows, key=lambda r: (r["model"], r["rows"], r["columns"])))
    if not args.quick:  # models not measured this time keep their laws
        if OUT_JSON.exists():
            laws = {**json.loads(OUT_JSON.read_text())["models"], **laws}
        doc = {
            "about": "seconds of one trial fit + predict on one thread = fixed + exp(log_a) * rows^rows_exp * "
            "columns^columns_exp; written by benchmarks/perf/calibrate_costs.py",
            "measured": time.strftime("%Y-%m-%d"),
            "models": laws,
        }
        OUT_JSON.write_text(json.dumps(doc, indent=2) + "\n")
        rep.out(f"wrote {OUT_JSON.relative_to(ROOT)}")
    rep.save()


if __name__ == "__main__":
    main()
