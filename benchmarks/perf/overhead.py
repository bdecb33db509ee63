"""Harness overhead of ``imbench run quick --jobs 1``: wall time versus time inside model fits/predictions.

Each run is a fresh child process running the real CLI (``imbench run SUITE --out TMP --no-report
--jobs 1``) with timing wrappers installed first around

* the top-level estimator calls: ``imblearn Pipeline.fit/predict_proba`` and
  ``TunedThresholdClassifierCV.fit/predict_proba`` (nested calls are counted once) = "estimator time";
* ``execute`` (one cell), ``tune`` (the Optuna study), ``build_pipeline``, metric scoring,
  ``Store.commit_cell``, ``export`` and ``tracking.log_run`` (MLflow logging).

Two runs are measured: with MLflow logging to a temporary sqlite URI and with ``--no-mlflow``
(alternated when repeated). Overhead definitions (both reported):

* outside-cell overhead = wall − Σ rows' (tune + fit + predict) seconds (what the result rows allow);
* harness overhead = wall − Σ estimator time (everything that is not model fitting or predicting:
  interpreter start, imports, Optuna, pipeline building, scoring, store, export, MLflow).

Goal: harness overhead ≤ 3 % of wall (checked on the --no-mlflow run and on the MLflow run).

    .venv/bin/python benchmarks/perf/overhead.py [--small] [--repeats N]

``--small`` runs the quick suite on its first dataset only (48 cells instead of 144).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_CHILD_START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PY, Report, bench_env, env_note, loadavg  # noqa: E402

GOAL_PCT = 3.0
SMALL_DATASETS = "synthetic:ir=10,n=1500,sep=0.7,flip=0.0"


# ----------------------------------------------------------------------------------------------- child
def child(cli_args: list[str], json_out: str) -> None:
    """Install the timing wrappers, run the CLI in this process, dump the sums as JSON."""
    import functools

    acc: dict[str, float] = {}
    calls: dict[str, int] = {}
    depth = [0]
    in_tune = [False]

    def top_level(name: str, fn):  # estimator calls: outermost only
        @functools.wraps(fn)
        def w(*a, **kw):
            if depth[0]:
                return fn(*a, **kw)
            depth[0] += 1
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                dt = time.perf_counter() - t0
                acc[name] = acc.get(name, 0.0) + dt
                calls[name] = calls.get(name, 0) + 1
                if in_tune[0]:
                    acc["in_tune_estimators"] = acc.get("in_tune_estimators", 0.0) + dt
                depth[0] -= 1

        return w

    def total(name: str, fn):  # harness functions: plain totals (may nest estimator time)
        @functools.wraps(fn)
        def w(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                acc[name] = acc.get(name, 0.0) + time.perf_counter() - t0
                calls[name] = calls.get(name, 0) + 1

        return w

    t_imp = time.perf_counter()
    from imblearn.pipeline import Pipeline
    from sklearn.model_selection import TunedThresholdClassifierCV

    import imbench.cli.main
    from imbench.evaluation import cell, tuning
    from imbench.execution import local as executors
    from imbench.pipeline.build import build as pipeline
    from imbench.storage import store
    from imbench.sweep.run import run as sweep
    from imbench.tracking.runs import runs as tracking

    acc["imports_before_run"] = time.perf_counter() - t_imp

    Pipeline.fit = top_level("est_pipeline_fit", Pipeline.fit)
    Pipeline.predict_proba = top_level("est_pipeline_predict_proba", Pipeline.predict_proba)
    TunedThresholdClassifierCV.fit = top_level("est_threshold_fit", TunedThresholdClassifierCV.fit)
    TunedThresholdClassifierCV.predict_proba = top_level(
        "est_threshold_predict_proba", TunedThresholdClassifierCV.predict_proba
    )
    executors.execute = total("cells", executors.execute)
    tune_timed = total("tune", tuning.tune)

    def tune_flagged(*a, **kw):
        in_tune[0] = True
        try:
            return tune_timed(*a, **kw)
        finally:
            in_tune[0] = False

    tuning.tune = tune_flagged
    pipeline.build_pipeline = total("build_pipeline", pipeline.build_pipeline)
    tuning.score_one = total("score_inner", tuning.score_one)
    cell.score_all = total("score_test", cell.score_all)
    store.Store.commit_cell = total("store_commit", store.Store.commit_cell)
    sweep.export = total("export", sweep.export)
    sweep.plan = total("plan", sweep.plan)
    if hasattr(tracking, "log_run"):  # older imbench: logging after the sweep, in the driver
        tracking.log_run = total("mlflow_log_run", tracking.log_run)
    if hasattr(tracking, "Tracker"):  # newer imbench: a background thread overlapping the cells
        tracking._client = total("mlflow_thread_client_db", tracking._client)
        tracking.log_group = total("mlflow_thread_log_group", tracking.log_group)
        tracking.Tracker.close = total("mlflow_close_wait", tracking.Tracker.close)

    t0 = time.perf_counter()
    try:
        imbench.cli.main.main(cli_args, standalone_mode=False)
    finally:
        acc["cli_main"] = time.perf_counter() - t0
        acc["child_total"] = time.perf_counter() - T_CHILD_START
        Path(json_out).write_text(json.dumps({"seconds": acc, "calls": calls}))


# ---------------------------------------------------------------------------------------------- parent
def one_run(label: str, tmp: Path, small: bool, mlflow: bool, pyc: bool) -> dict:
    out = tmp / f"run-{label}"
    js = tmp / f"{label}.json"
    args = ["run", "quick", "--out", str(out), "--no-report", "--jobs", "1", "--quiet"]
    if small:
        args += ["--datasets", SMALL_DATASETS]
    args += ["--tracking-uri", f"sqlite:///{tmp / f'mlflow-{label}.db'}"] if mlflow else ["--no-mlflow"]
    t0 = time.perf_counter()
    subprocess.run(
        [PY, __file__, "--child", str(js), "--", *args],
        check=True,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        env=bench_env(pyc),
    )
    wall = time.perf_counter() - t0
    import pandas as pd

    df = pd.read_parquet(out / "results.parquet")
    manifest = json.loads((out / "manifest.json").read_text())
    d = json.loads(js.read_text())
    d.update(
        wall=wall,
        label=label,
        mlflow=mlflow,
        cells=len(df),
        status=df["status"].value_counts().to_dict(),
        rows_in_cell=float(df[["tune_seconds", "fit_seconds", "predict_seconds"]].sum().sum()),
        rows_tune=float(df["tune_seconds"].sum()),
        rows_fit=float(df["fit_seconds"].sum()),
        rows_predict=float(df["predict_seconds"].sum()),
        manifest_wall=manifest["wall_seconds_total"],
    )
    return d


def describe(rep: Report, d: dict) -> tuple[float, float]:
    s = d["seconds"]
    wall = d["wall"]
    est = sum(v for k, v in s.items() if k.startswith("est_"))
    cells = s.get("cells", 0.0)
    tune = s.get("tune", 0.0)

    def line(name: str, sec: float, note: str = "") -> None:
        rep.out(f"  {name:44s} {sec:9.2f} s {100 * sec / wall:6.2f} %  {note}")

    rep.out(f"{d['label']}: {d['cells']} cells {d['status']}; load average now {loadavg()}")
    line("wall (process start to exit)", wall)
    line("  of which imbench.cli.main.main", s.get("cli_main", 0.0))
    line("  manifest wall_seconds (sweep: plan+cells+export)", d["manifest_wall"])
    line("Σ cells (execute)", cells)
    line(
        "Σ rows tune+fit+predict seconds",
        d["rows_in_cell"],
        f"(tune {d['rows_tune']:.1f}, fit {d['rows_fit']:.1f}, predict {d['rows_predict']:.1f})",
    )
    line(
        "Σ estimator time (top-level fit/predict_proba)",
        est,
        ", ".join(f"{k[4:]} {v:.1f}s/{d['calls'].get(k, 0)}" for k, v in sorted(s.items()) if k.startswith("est_")),
    )
    line("  Σ tune (Optuna study incl. its fits)", tune)
    line("  Σ build_pipeline", s.get("build_pipeline", 0.0), f"{d['calls'].get('build_pipeline', 0)} calls")
    line("  Σ scoring inner folds (score_one)", s.get("score_inner", 0.0))
    line("  Σ scoring test fold (score_all, 14 metrics)", s.get("score_test", 0.0))
    line("cell time outside estimators (Optuna, build, score, slicing)", cells - est)
    line("  inside tune, outside estimators (Optuna, build, score)", tune - s.get("in_tune_estimators", 0.0))
    line("plan (load datasets)", s.get("plan", 0.0))
    line("Σ store commits", s.get("store_commit", 0.0))
    line("export (parquet, manifest)", s.get("export", 0.0))
    line("MLflow log_run in the driver (older imbench)", s.get("mlflow_log_run", 0.0))
    line("MLflow thread: import + client + db creation", s.get("mlflow_thread_client_db", 0.0), "(overlaps cells)")
    line(
        "MLflow thread: Σ log_group",
        s.get("mlflow_thread_log_group", 0.0),
        f"{d['calls'].get('mlflow_thread_log_group', 0)} groups (overlaps cells)",
    )
    line("MLflow: driver waits in Tracker.close", s.get("mlflow_close_wait", 0.0))
    line("imports before the run (sklearn, imblearn, imbench)", s.get("imports_before_run", 0.0))
    line("outside-cell overhead: wall − Σ rows in-cell", wall - d["rows_in_cell"])
    line("harness overhead: wall − Σ estimator time", wall - est)
    return 100 * (wall - d["rows_in_cell"]) / wall, 100 * (wall - est) / wall


def main() -> None:
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        child(sys.argv[sys.argv.index("--") + 1 :], sys.argv[i + 1])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="the quick suite on its first dataset only")
    ap.add_argument("--repeats", type=int, default=1, help="alternating (no-mlflow, mlflow) pairs")
    ap.add_argument("--no-pyc", action="store_true", help="no bytecode cache (as this machine is set up)")
    a = ap.parse_args()
    rep = Report("overhead" + ("_small" if a.small else "") + ("_nopyc" if a.no_pyc else ""))
    rep.out(env_note(not a.no_pyc))
    rep.out(
        f"suite: quick{' --datasets ' + SMALL_DATASETS if a.small else ''}; --jobs 1 --no-report; "
        f"{a.repeats} alternating pair(s) of (--no-mlflow, MLflow sqlite)"
    )
    subprocess.run(
        [PY, "-c", "import sklearn, imblearn, lightgbm, optuna, mlflow, pyarrow"],
        check=True,
        env=bench_env(not a.no_pyc),
    )  # warm the page cache (and the bytecode cache)
    results = []
    with tempfile.TemporaryDirectory(prefix="imbench-overhead-") as td:
        tmp = Path(td)
        for r in range(a.repeats):
            for mlflow in (False, True):
                label = f"{'mlflow' if mlflow else 'no-mlflow'}#{r + 1}"
                print(f"running {label} ...", flush=True)
                results.append(one_run(label, tmp, a.small, mlflow, not a.no_pyc))
    rep.out("")
    pct = {}
    for d in results:
        pct[d["label"]] = describe(rep, d)
        rep.out("")
    rep.out("note: Σ tune includes its estimator fits; 'cell time outside estimators' is the in-cell harness work.")
    rep.out("")
    nm = [d for d in results if not d["mlflow"]]
    wm = [d for d in results if d["mlflow"]]
    if nm and wm:
        dw = sum(w["wall"] - n["wall"] for n, w in zip(nm, wm)) / len(nm)
        lr = sum(
            w["seconds"].get("mlflow_log_run", 0.0)
            + w["seconds"].get("mlflow_thread_client_db", 0.0)
            + w["seconds"].get("mlflow_thread_log_group", 0.0)
            for w in wm
        ) / len(wm)
        cw = sum(
            w["seconds"].get("mlflow_log_run", 0.0) + w["seconds"].get("mlflow_close_wait", 0.0) for w in wm
        ) / len(wm)
        rep.out(
            f"MLflow cost: wall(mlflow) − wall(no-mlflow) = {dw:.2f} s (mean over pairs; noisy under load); "
            f"MLflow work {lr:.2f} s, of which the driver waited {cw:.2f} s"
        )
    for d in results:
        out_pct, harness_pct = pct[d["label"]]
        rep.out(f"{d['label']}: outside-cell overhead {out_pct:.2f} %")
        rep.verdict(
            f"{d['label']}: harness overhead (wall − Σ estimator time) / wall",
            harness_pct,
            GOAL_PCT,
            higher_is_better=False,
            unit=" %",
        )
    rep.save()


if __name__ == "__main__":
    main()
