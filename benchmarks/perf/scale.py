"""Scaling of every headline strategy with LightGBM: 100k → 1M rows × 30 features at 0.1 % positives.

For each strategy and size, a fresh child process loads the data (generated once with
``synthetic:ir=999,n=N,features=30`` and cached as .npy), makes a stratified 80/20 split, then
times one ``build_pipeline(strategy, "lightgbm").fit(X_train, y_train)`` and one
``predict_proba`` on the test rows with default parameters (not a nested CV). Peak memory is the
child's own ``VmHWM`` (whole process: interpreter, libraries, data, fit); the fit's own share is
the high-water mark after resetting it once the data are loaded (``/proc/self/clear_refs``).
The two sizes are run back to back per strategy so load drift affects both alike.

Goals: time growth (large / small) ≤ 12× for 10× rows; peak memory < 3 GiB.

    .venv/bin/python benchmarks/perf/scale.py [--small] [--timeout S] [--strategies a,b]

``--small`` uses 20k and 200k rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PY, Report, bench_env, loadavg

GOAL_GROWTH = 12.0
GOAL_MEM_GIB = 3.0


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def child(data: str, strategy: str) -> None:
    import numpy as np
    import pandas as pd
    from sklearn.model_selection import train_test_split

    import imbench
    from imbench.core.errors import ConfigError

    X = np.load(f"{data}.X.npy")
    y = np.load(f"{data}.y.npy")
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    del X
    rss_data = status_kib("VmRSS")
    hwm_data = status_kib("VmHWM")
    out = {"n_train": len(y_tr), "n_pos_train": int(y_tr.sum()), "rss_data_kib": rss_data, "hwm_data_kib": hwm_data}
    try:
        est = imbench.build_pipeline(strategy, "lightgbm", seed=0)
    except ConfigError as e:
        out["na"] = str(e)
        print(json.dumps(out))
        return
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        out["hwm_reset"] = True
    except OSError:
        out["hwm_reset"] = False
    t0 = time.perf_counter()
    est.fit(X_tr, y_tr)
    out["fit_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    s = est.predict_proba(X_te)[:, 1]
    out["predict_s"] = time.perf_counter() - t0
    from sklearn.metrics import average_precision_score

    out["test_ap"] = float(average_precision_score(y_te, s))
    steps = est.pipeline_.named_steps
    if (
        "sampler" in steps and os.environ.get("IMBENCH_PERF_SAMPLER") == "1"
    ):  # the resampling step alone, on the fitted preprocessing's output
        from sklearn.base import clone

        Xp = steps["prep"].transform(X_tr)
        t0 = time.perf_counter()
        Xr, _ = clone(steps["sampler"]).fit_resample(Xp, y_tr)
        out["sampler_s"] = time.perf_counter() - t0
        out["n_resampled"] = len(Xr)
    out["hwm_fit_kib"] = status_kib("VmHWM")
    import resource

    out["ru_maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(out))


def make_data(tmp: Path, n: int) -> tuple[str, float]:
    import numpy as np

    import imbench

    t0 = time.perf_counter()
    ds = imbench.load_dataset(f"synthetic:ir=999,n={n},features=30")
    base = tmp / f"n{n}"
    np.save(f"{base}.X.npy", ds.X.to_numpy())
    np.save(f"{base}.y.npy", ds.y)
    return str(base), time.perf_counter() - t0


def run_child(data: str, strategy: str, timeout: float, sampler_profile: bool) -> dict:
    t0 = time.perf_counter()
    env = bench_env()
    if sampler_profile:
        env["IMBENCH_PERF_SAMPLER"] = "1"
    try:
        r = subprocess.run(
            [PY, __file__, "--child", data, strategy], capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout, "wall": time.perf_counter() - t0}
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[-1][:200], "wall": time.perf_counter() - t0}
    d = json.loads(r.stdout.strip().splitlines()[-1])
    d["wall"] = time.perf_counter() - t0
    return d


def main() -> None:
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        child(sys.argv[i + 1], sys.argv[i + 2])
        return
    from imbench.strategies import HEADLINE

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="20k and 200k rows instead of 100k and 1M")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per child process")
    ap.add_argument("--strategies", help="comma-separated subset of the headline strategies")
    ap.add_argument(
        "--sampler-profile",
        action="store_true",
        help="also time the resampling step alone (one extra fit_resample per resampling strategy)",
    )
    a = ap.parse_args()
    strategies = a.strategies.split(",") if a.strategies else list(HEADLINE)
    sizes = (20_000, 200_000) if a.small else (100_000, 1_000_000)
    rep = Report("scale" + ("_small" if a.small else "") + ("_" + "_".join(strategies) if a.strategies else ""))
    rep.out(
        f"model lightgbm (n_jobs=1, defaults); data synthetic:ir=999,n=N,features=30; sizes {sizes}; "
        f"80/20 stratified split; per-child timeout {a.timeout:.0f} s"
    )
    results: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory(prefix="imbench-scale-") as td:
        data = {}
        for n in sizes:
            data[n], secs = make_data(Path(td), n)
            rep.out(f"generated n={n} in {secs:.1f} s")
        for s in strategies:
            for n in sizes:
                print(f"{s} n={n} ... (load {loadavg()})", flush=True)
                results[(s, n)] = run_child(data[n], s, a.timeout, a.sampler_profile)
    rep.out("")
    rep.out(
        f"{'strategy':17s} {'rows':>8s} {'fit s':>8s} {'pred s':>7s} {'peak GiB':>8s} {'fit ΔGiB':>8s} "
        f"{'test AP':>7s} {'sampler s':>9s}  note"
    )
    for s in strategies:
        for n in sizes:
            d = results[(s, n)]
            if "na" in d:
                rep.out(f"{s:17s} {n:8d} {'n/a':>8s}  {d['na']}")
            elif "timeout" in d or "error" in d:
                rep.out(
                    f"{s:17s} {n:8d} {'-':>8s}  {'TIMEOUT after {:.0f} s'.format(d['timeout']) if 'timeout' in d else 'ERROR ' + d['error']}"
                )
            else:
                peak = d["hwm_fit_kib"] / 2**20
                delta = (d["hwm_fit_kib"] - d["rss_data_kib"]) / 2**20
                rep.out(
                    f"{s:17s} {n:8d} {d['fit_s']:8.2f} {d['predict_s']:7.2f} {peak:8.2f} {delta:8.2f} "
                    f"{d['test_ap']:7.3f} {d.get('sampler_s', float('nan')):9.2f}  n_train={d['n_train']} "
                    f"pos={d['n_pos_train']}" + (f" resampled={d['n_resampled']}" if "n_resampled" in d else "")
                )
    rep.out(f"load average after: {loadavg()}")
    rep.out("")
    small, large = sizes
    for s in strategies:
        ds, dl = results[(s, small)], results[(s, large)]
        if "na" in ds:
            rep.out(f"{s}: not applicable to lightgbm ({ds['na']})")
            continue
        if "fit_s" not in ds or "fit_s" not in dl:
            why = dl.get("error") or (f"timeout after {dl['timeout']:.0f} s" if "timeout" in dl else "?")
            rep.out(f"{s}: time growth MISS ({why} at {large} rows)")
            continue
        growth = (dl["fit_s"] + dl["predict_s"]) / (ds["fit_s"] + ds["predict_s"])
        rep.verdict(
            f"{s}: time growth {small}→{large} (fit+predict)", growth, GOAL_GROWTH, higher_is_better=False, unit="x"
        )
        rep.verdict(
            f"{s}: peak memory at {large}", dl["hwm_fit_kib"] / 2**20, GOAL_MEM_GIB, higher_is_better=False, unit=" GiB"
        )
    rep.save()


if __name__ == "__main__":
    main()
