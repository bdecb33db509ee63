"""Numbers a reader of the HTML report needs beside the verdicts, computed from the run's rows.

- coverage over the pairs that exist (ok / failed / timed out), not-applicable cells counted apart with the reason;
- a dataset × strategy grid per model: mean metric, its interval, positives per test fold, flags for degenerate cells;
- the operating threshold per strategy × model and the expected cost per 1,000 cases at the run's costs;
- every distinct error message in full.

Pure functions of ``Analysis``; rendering helpers return ``renderers.blocks`` blocks (tables with cells).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from imbench.core.metrics import METRICS
from imbench.reporting.figures import palette
from imbench.reporting.renderers.blocks import Cell, Table, code
from imbench.reporting.tables.analysis import Analysis, label

STATUS_LABELS = {"ok": "ok", "failed": "failed", "timeout": "timed out", "not_applicable": "not applicable"}
"""The one vocabulary for statuses wherever a person reads them."""
NA_PREFIX = "not applicable: "
EXTREME_THRESHOLD = 1e-6
"""A decision threshold closer than this to 0 or 1 means 'predict (almost) everything positive / negative'."""
CONSTANT_AUC = 0.5
UNIT_RANGE = {
    "average_precision",
    "roc_auc",
    "f1",
    "precision",
    "recall",
    "balanced_accuracy",
    "gmean",
    "accuracy",
    "brier",
    "ece",
}
"""Metrics bounded by [0, 1]: the grid clips their intervals (from few folds they can leave the range)."""


def status_label(status: str) -> str:
    """Human name of a cell status."""
    return STATUS_LABELS.get(status, status.replace("_", " "))


@dataclass
class Coverage:
    """Cell counts as a user reads them: the pairs that exist, and the pairs that do not, with why."""

    datasets: int
    strategies: int
    models: int
    ok: int
    failed: int
    timeout: int
    not_applicable: int
    reasons: list[tuple[str, str, int]]
    """(strategy, reason, cells) for the not-applicable cells, the models named in the reason."""

    @property
    def existing(self) -> int:
        return self.ok + self.failed + self.timeout

    def sentence(self, reasons: bool = True) -> str:
        """The run's size, then ok / failed / timed out over existing cells, then not-applicable cells apart
        (with each reason, or a pointer to them)."""
        pct = f" ({100 * self.ok / self.existing:.1f} %)" if self.existing else ""
        s = (
            f"{_n(self.datasets, 'dataset')} × {_n(self.strategies, 'strategy', 'strategies')} × "
            f"{_n(self.models, 'model')}. Of the {self.existing} cells (dataset × strategy × model × outer fold) that "
            f"exist, {self.ok} finished ok{pct}, {self.failed} failed and {self.timeout} timed out."
        )
        if self.not_applicable and reasons:
            s += (
                f" Not counted: {self.not_applicable} not-applicable cells, pairs that do not exist by design "
                f"({'; '.join(f'{code(st)}: {why}' for st, why, _ in self.reasons)})."
            )
        elif self.not_applicable:
            names = ", ".join(code(st) for st in dict.fromkeys(st for st, _, _ in self.reasons))
            s += (
                f" Counted apart: {self.not_applicable} not-applicable cells ({names} with some models), pairs "
                "that do not exist by design; reasons under Coverage and failures."
            )
        return s


def _n(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else many or one + 's'}"


def coverage(results: pd.DataFrame) -> Coverage:
    """Counts per status; not-applicable reasons grouped per strategy (one reason text per strategy and cause)."""
    counts = results["status"].value_counts()
    na = results[results["status"] == "not_applicable"]
    reasons: list[tuple[str, str, int]] = []
    for (s, err), g in na.groupby(["strategy", "error"], sort=True):
        why = str(err).removeprefix(NA_PREFIX) or "skipped by the strategy"
        reasons.append((str(s), why, len(g)))
    merged: dict[tuple[str, str], int] = {}
    for s, why, n in reasons:  # "… not logreg" and "… not lightgbm": one reason, models listed
        key = (s, why.rsplit(", not ", 1)[0] if ", not " in why else why)
        merged[key] = merged.get(key, 0) + n
    models = {s: sorted(set(na.loc[na["strategy"] == s, "model"])) for s in na["strategy"].unique()}
    out = [(s, f"{why} — {', '.join(models.get(s, []))}; {n} cells", n) for (s, why), n in merged.items()]
    return Coverage(
        results["dataset"].nunique(),
        results["strategy"].nunique(),
        results["model"].nunique(),
        int(counts.get("ok", 0)),
        int(counts.get("failed", 0)),
        int(counts.get("timeout", 0)),
        int(counts.get("not_applicable", 0)),
        out,
    )


def status_rows(results: pd.DataFrame) -> Table:
    """ok / failed / timed out per strategy × model over existing cells; not-applicable pairs left out."""
    rows = []
    for (m, s), g in results.groupby(["model", "strategy"]):
        st = g["status"].value_counts()
        if st.get("not_applicable", 0) == len(g):
            continue
        cells = [code(m), code(s), str(st.get("ok", 0)), str(st.get("failed", 0)), str(st.get("timeout", 0))]
        if st.get("not_applicable", 0):
            cells.append(f"{st['not_applicable']} not applicable")
        else:
            cells.append("")
        rows.append(cells)
    cols = ["model", "strategy", "ok", "failed", "timed out", "note"]
    if not any(r[-1] for r in rows):
        cols, rows = cols[:-1], [r[:-1] for r in rows]
    return Table(cols, rows)


def error_messages(results: pd.DataFrame) -> list[str]:
    """Every distinct failure / timeout message in full, with where it happened and how often."""
    bad = results[results["status"].isin(["failed", "timeout"])]
    out = []
    for (st, err), g in bad.groupby(["status", "error"], sort=True):
        where = ", ".join(f"{code(s)} × {code(m)}" for s, m in sorted(set(zip(g["strategy"], g["model"]))))
        datasets = ", ".join(code(d) for d in sorted(set(g["dataset"])))
        out.append(f"{status_label(str(st))} ({len(g)} cells; {where}; on {datasets}): {err or '(no message)'}")
    return out


# ---------------------------------------------------------------- dataset × strategy grid


def positives_per_fold(results: pd.DataFrame, predictions: pd.DataFrame | None) -> pd.Series:
    """Positives in a test fold per dataset, as 'k' or 'lo–hi' (from the rows, else from the predictions)."""
    if "n_pos_test" in results and results["n_pos_test"].notna().any():
        per = results.dropna(subset=["n_pos_test"]).groupby(["dataset", "fold"])["n_pos_test"].first()
    elif predictions is not None and len(predictions):
        one = predictions.drop_duplicates(["dataset", "fold", "index"]) if "index" in predictions else predictions
        per = one.groupby(["dataset", "fold"])["y_true"].sum()
    else:
        return pd.Series(dtype=str)
    rng = per.groupby(level="dataset").agg(["min", "max"])
    return pd.Series({d: f"{int(lo)}" if lo == hi else f"{int(lo)}–{int(hi)}" for d, lo, hi in rng.itertuples()})


def cell_flags(results: pd.DataFrame, predictions: pd.DataFrame | None) -> pd.DataFrame:
    """Per dataset × model × strategy: counts of failed, timed-out, constant-score and extreme-threshold folds.

    Constant scores come from the stored predictions when present (all test scores equal), else from a
    ROC-AUC of exactly 0.5, which is what a constant score yields.
    """
    keys = ["dataset", "model", "strategy"]
    r = results.copy()
    r["failed"] = r["status"] == "failed"
    r["timeout"] = r["status"] == "timeout"
    ok = r["status"] == "ok"
    thr = pd.to_numeric(r["threshold"], errors="coerce") if "threshold" in r else pd.Series(np.nan, index=r.index)
    r["extreme_threshold"] = ok & ((thr < EXTREME_THRESHOLD) | (thr > 1 - EXTREME_THRESHOLD))
    if predictions is not None and len(predictions):
        const = predictions.groupby([*keys, "fold"])["score"].agg(lambda v: bool(np.ptp(v.to_numpy()) == 0))
        r = r.merge(const.rename("constant").reset_index(), on=[*keys, "fold"], how="left")
        r["constant"] = ok & r["constant"].fillna(False).astype(bool)
    elif "test_roc_auc" in r:
        r["constant"] = ok & (r["test_roc_auc"] == CONSTANT_AUC)
    else:
        r["constant"] = False
    cols = ["failed", "timeout", "constant", "extreme_threshold"]
    return r.groupby(keys)[cols].sum().astype(int)


def _flag(counts: pd.Series | None) -> tuple[str, str]:
    """Short mark and its explanation for one cell's flags."""
    if counts is None:
        return "", ""
    parts = [
        (int(counts.get(k, 0)), short, long)
        for k, short, long in (
            ("failed", "✗ failed", "failed"),
            ("timeout", "✗ timed out", "timed out"),
            ("constant", "⚠ const", "constant scores (ROC-AUC 0.5)"),
            ("extreme_threshold", "⚠ thr", "threshold ≈ 0 or 1"),
        )
        if counts.get(k, 0)
    ]
    return " ".join(s for _, s, _ in parts), "; ".join(f"{k} fold(s) {long}" for k, _, long in parts)


def dataset_grid(a: Analysis, model: str) -> Table:
    """Datasets × strategies for one model: mean of the primary metric over ok folds, best bold, interval below."""
    r = a.results[a.results["model"] == model]
    applicable = palette.ordered(set(r.loc[r["status"] != "not_applicable", "strategy"]))
    summ = a.summary()
    summ = summ[(summ["metric"] == a.metric) & (summ["model"] == model)].set_index(["dataset", "strategy"])
    flags = dict(cell_flags(a.results, a.run.predictions).iterrows())
    pos = positives_per_fold(a.results, a.run.predictions)
    greater = METRICS[a.metric].greater if a.metric in METRICS else True
    rows: list[list[str | Cell]] = []
    datasets = [d for d in a.meta.index if d in set(r["dataset"])]
    for d in datasets:
        ir = a.meta.loc[d, "ir"]
        head: list[str | Cell] = [Cell(code(d), sub=f"IR {ir:.1f}" if pd.notna(ir) else ""), pos.get(d, "")]
        means = {
            s: float(summ.loc[(d, s), "mean"])
            for s in applicable
            if (d, s) in summ.index and int(summ.loc[(d, s), "n_ok"]) > 0 and np.isfinite(summ.loc[(d, s), "mean"])
        }
        best = (max if greater else min)(means.values()) if means else None
        cells: list[str | Cell] = []
        for s in applicable:
            mark, why = _flag(flags.get((d, model, s)))
            if s not in means:
                sub = r[(r["dataset"] == d) & (r["strategy"] == s)]["status"]
                st = ", ".join(status_label(x) for x in sorted(set(sub))) or "no rows"
                cells.append(Cell("—", sub=st, flag=mark, title=why))
                continue
            row = summ.loc[(d, s)]
            lo, hi = float(row["ci_low"]), float(row["ci_high"])
            if a.metric in UNIT_RANGE:
                lo, hi = max(lo, 0.0), min(hi, 1.0)
            interval = f"[{lo:.3f}, {hi:.3f}]" if np.isfinite(lo) and np.isfinite(hi) else ""
            title = (
                f"{label(a.metric)} mean over {int(row['n_ok'])} of {int(row['n_folds'])} folds"
                + (f"; 95 % interval {interval}" if interval else "")
                + (f"; {why}" if why else "")
            )
            cells.append(
                Cell(
                    f"{means[s]:.3f}",
                    bold=best is not None and abs(means[s] - best) < 5e-4,
                    sub=interval,
                    flag=mark,
                    title=title,
                )
            )
        rows.append(head + cells)
    return Table(["dataset", "positives / test fold", *[code(s) for s in applicable]], rows)


# ---------------------------------------------------------------- thresholds and costs


def run_costs(config: dict) -> tuple[float, float] | None:
    """cost_fn / cost_fp of the run's protocol (what ``test_expected_cost`` was scored with), if recorded."""
    raw = config.get("protocol")
    proto: dict = raw if isinstance(raw, dict) else {}
    try:
        return float(proto["cost_fn"]), float(proto["cost_fp"])
    except (KeyError, TypeError, ValueError):
        return None


def threshold_table(a: Analysis) -> Table:
    """Per model × strategy: operating threshold (median, range over ok cells) and expected cost per 1,000 cases."""
    ok = a.results[a.results["status"] == "ok"]
    costs = run_costs(a.run.config)
    has_cost = "test_expected_cost" in ok
    rows = []
    for m in sorted(ok["model"].unique()):
        sub = ok[ok["model"] == m]
        for s in palette.ordered(sub["strategy"].unique()):
            g = sub[sub["strategy"] == s]
            thr = pd.to_numeric(g["threshold"], errors="coerce").dropna() if "threshold" in g else pd.Series()
            extreme = int(((thr < EXTREME_THRESHOLD) | (thr > 1 - EXTREME_THRESHOLD)).sum())
            span = "—" if not len(thr) else "fixed" if thr.min() == thr.max() else f"{thr.min():.3g} – {thr.max():.3g}"
            row = [
                code(m),
                code(s),
                f"{thr.median():.3g}" if len(thr) else "—",
                span,
                f"{extreme} of {len(thr)}" if extreme else "0",
            ]
            if has_cost:
                per_ds = 1000 * g.groupby("dataset")["test_expected_cost"].mean()
                row += [f"{per_ds.mean():.1f}", f"{per_ds.median():.1f}"]
            rows.append(row)
    cols = ["model", "strategy", "threshold (median)", "threshold range", "cells with threshold ≈ 0 or 1"]
    if has_cost:
        at = f" at cost_fn = {costs[0]:g}, cost_fp = {costs[1]:g}" if costs else ""
        cols += [f"cost / 1,000 cases{at} (mean over datasets)", "cost / 1,000 (median over datasets)"]
    return Table(cols, rows)


def rescored_cost_table(a: Analysis) -> Table | None:
    """With --cost-fn/--cost-fp: mean cost per 1,000 cases per model × strategy, at stored and Bayes thresholds."""
    cs = a.cost_summary()
    if cs is None or cs.empty:
        return None
    rows = []
    for m in sorted(cs["model"].unique()):
        sub = cs[cs["model"] == m]
        for s in palette.ordered(sub["strategy"].unique()):
            g = sub[sub["strategy"] == s]
            rows.append(
                [
                    code(m),
                    code(s),
                    f"{g['per_1000_at_threshold'].mean():.1f}",
                    f"{g['per_1000_at_bayes'].mean():.1f}",
                    str(len(g)),
                ]
            )
    return Table(["model", "strategy", "at the stored threshold", "at the Bayes threshold t*", "datasets"], rows)


__all__ = [
    "STATUS_LABELS",
    "Coverage",
    "cell_flags",
    "coverage",
    "dataset_grid",
    "error_messages",
    "positives_per_fold",
    "rescored_cost_table",
    "run_costs",
    "status_label",
    "status_rows",
    "threshold_table",
]
