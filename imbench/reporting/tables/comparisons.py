"""Pure tables: status counts, how strategies relate, and rank comparisons of strategies within groups.

Datasets are the unit of evidence: fold values are averaged per dataset × model × strategy first, and
ranks, Friedman/Nemenyi, Wilcoxon and win/tie/loss counts run over datasets (Demšar 2006).
A decision-only component (``threshold``) shares its model's scores: on ranking / probability metrics
``X+threshold`` is identical to ``X`` (``threshold`` to ``none``) by construction and is left out there.

Rank rule (stated in every report): a comparison of strategies within a group (one model, a set of
datasets) uses only *blocks* (dataset × model) where every compared strategy has an ``ok`` result with a
finite metric for every outer fold of that block. A strategy incomplete in more than half of the group's
blocks is dropped from the comparison (and listed) rather than dropping those blocks; the baseline
``none`` is never dropped. Failures are never filled with values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from imbench.core.errors import ImbenchError
from imbench.core.metrics import METRICS
from imbench.core.metrics import label as metric_label
from imbench.core.schema import BASELINE
from imbench.reporting.statistics import stats
from imbench.reporting.tables.groups import Group
from imbench.strategies import parse_strategy

STATUS_ORDER = ("ok", "failed", "timeout", "not_applicable")
THRESHOLD = "threshold"
"""The strategy that only tunes the operating point: the baseline a thresholded-metric win must beat too."""


def _without_family(name: str, family: str) -> str | None:
    """``name`` without its component of ``family`` (``none`` when nothing else is left); None if it has none."""

    try:
        st = parse_strategy(name)
    except ImbenchError:  # a name from another version of imbench: no known component
        return None
    rest = [c.name for c in st.components if c.family != family]
    if len(rest) == len(st.components):
        return None
    return "+".join(rest) if rest else BASELINE


LADDER = re.compile(r"^ladder:(?P<rung>[0-9.]+)/(?P<base>.+)$")
"""An IR-ladder rung (``ladder:RUNG/BASE``): a subsample of its base problem's rows."""


def evidence_unit(dataset: str) -> str:
    """The unit of evidence a dataset belongs to: a ladder rung's base problem (rungs share every negative and
    nest their positives, so they are not independent), otherwise the dataset itself."""
    m = LADDER.match(dataset)
    return m.group("base") if m else dataset


def strategy_base(name: str) -> str | None:
    """The strategy without its decision component (``none`` for ``threshold``); None if it has none.

    On metrics that do not use the threshold, a strategy and its base are identical by construction.
    """
    return _without_family(name, "decision")


def correction_base(name: str) -> str | None:
    """The strategy without its probability correction (``smote`` for ``smote+prior_correction``); None if it has none."""
    return _without_family(name, "calibration")


def uses_threshold(metric: str) -> bool:
    """Whether a metric depends on the decision threshold (costs re-scored at a threshold do)."""

    if metric in METRICS:
        return bool(METRICS[metric].uses_threshold)
    return metric.startswith("cost")


def status_table(results: pd.DataFrame, max_error: int = 160) -> pd.DataFrame:
    """Counts per strategy × model × status, with one example error text per non-ok status."""
    counts = results.groupby(["strategy", "model", "status"]).size().unstack("status", fill_value=0)
    for s in STATUS_ORDER:
        if s not in counts:
            counts[s] = 0
    extra = [c for c in counts.columns if c not in STATUS_ORDER]
    counts = counts[list(STATUS_ORDER) + extra]
    examples = []
    for (strategy, model), g in results.groupby(["strategy", "model"]):
        bad = g[(g["status"] != "ok") & (g["error"].astype(str) != "")]
        texts = [
            f"{st}: {err.removeprefix('not applicable: ')[:max_error]}"
            for st, err in bad.drop_duplicates("status")[["status", "error"]].itertuples(index=False)
        ]
        examples.append({"strategy": strategy, "model": model, "example_error": " | ".join(texts)})
    out = counts.reset_index().merge(pd.DataFrame(examples), on=["strategy", "model"], how="left")
    out.columns.name = None
    return out.sort_values(["model", "strategy"]).reset_index(drop=True)


@dataclass
class RankComparison:
    """Strategies compared on one metric within one group, over datasets: ranks, Friedman/Nemenyi, vs none."""

    group: Group
    metric: str
    greater: bool
    strategies: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    excluded_strategies: dict[str, str] = field(default_factory=dict)
    excluded_blocks: dict[str, str] = field(default_factory=dict)
    block_unit: str = "dataset"
    fold_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    """(dataset, fold) × strategy metric values of the complete blocks (for per-dataset intervals only)."""
    block_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    """dataset × strategy: the mean over outer folds; every rank and test runs over these rows."""
    ranks: pd.DataFrame = field(default_factory=pd.DataFrame)
    friedman: stats.Friedman | None = None
    posthoc: pd.DataFrame | None = None
    posthoc_name: str = ""
    wilcoxon: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Each strategy vs ``none`` over datasets (``stats.VERSUS_COLUMNS``); p_adj set by the report-wide correction."""
    decision: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Each ``X+threshold`` vs ``X`` (and ``threshold`` vs ``none``) on a thresholded metric, same columns."""
    correction: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Each ``X+prior_correction`` / ``X+calibrate`` vs ``X`` (X not ``none``: that pair is in ``wilcoxon``), same columns."""
    alpha: float = stats.ALPHA
    n_datasets_described: int = 0
    """Datasets behind the blocks (more than ``n_datasets`` when blocks are origins): description, not evidence."""
    vs_threshold: pd.DataFrame = field(default_factory=pd.DataFrame)
    """On a thresholded metric, each strategy vs ``threshold`` (no resampling, the threshold tuned): what a strategy
    adds beyond tuning the operating point, same columns."""

    @property
    def rope(self) -> float:
        return stats.rope_of(self.metric)

    @property
    def ok(self) -> bool:
        """Whether there is anything to rank (at least two strategies and one dataset)."""
        return len(self.strategies) >= 2 and len(self.ranks) > 0

    @property
    def n_datasets(self) -> int:
        return len(self.block_values)

    @property
    def mean_ranks(self) -> pd.Series:
        """Mean rank per strategy (1 = best), best first; ties broken by the mean metric, then name."""
        if not self.ok:
            return pd.Series(dtype=float)
        mr = self.ranks.mean()
        mean = self.block_values.mean()
        order = sorted(mr.index, key=lambda s: (mr[s], -mean[s] if self.greater else mean[s], s))
        return mr[order]

    @property
    def winner(self) -> str | None:
        """The best mean rank (a description, not a verdict: see ``imbench.reporting.tables.verdicts``)."""
        return self.mean_ranks.index[0] if self.ok else None

    def tied_with(self, strategy: str) -> list[str]:
        """Strategies not significantly different from ``strategy`` (all of them when Friedman does not reject)."""
        if not self.ok:
            return []
        others = [s for s in self.mean_ranks.index if s != strategy]
        if self.friedman is not None and not (self.friedman.pvalue < self.alpha):
            return others
        if self.posthoc is None:
            return others
        return [s for s in others if not (self.posthoc.loc[strategy, s] < self.alpha)]

    def versus_baseline(self, strategy: str) -> dict[str, float] | None:
        """The row of ``strategy`` vs none, or None."""
        if self.wilcoxon.empty or strategy not in set(self.wilcoxon["strategy"]):
            return None
        return self.wilcoxon.set_index("strategy").loc[strategy].to_dict()

    def mostly_within_rope(self, strategy: str) -> bool:
        """A reliable gain that is more likely practically equivalent than better (Bayesian signed-rank)."""
        p_better, p_same, _ = self.bayes(strategy)
        return bool(np.isfinite(p_same) and p_same > p_better)

    def bayes(self, strategy: str, table: str = "wilcoxon") -> tuple[float, float, float]:
        """(P(better), P(equivalent), P(worse)) of ``strategy`` vs its baseline; computed once and stored."""
        df = getattr(self, table)
        if df.empty or strategy not in set(df["strategy"]):
            return float("nan"), float("nan"), float("nan")
        i = df.index[df["strategy"] == strategy][0]
        if np.isnan(df.at[i, "p_better"]):
            base = df.at[i, "baseline"]
            diff = (self.block_values[strategy] - self.block_values[base]).to_numpy(dtype=float)
            probs = stats.bayes_signed_rank(diff if self.greater else -diff, self.rope)
            df.loc[i, ["p_better", "p_equivalent", "p_worse"]] = probs
        return tuple(float(df.at[i, c]) for c in ("p_better", "p_equivalent", "p_worse"))  # type: ignore[return-value]


def compare_strategies(
    results: pd.DataFrame,
    column: str,
    greater: bool,
    group: Group,
    meta: pd.DataFrame,
    *,
    metric: str | None = None,
    baseline: str = BASELINE,
    alpha: float = stats.ALPHA,
) -> RankComparison:
    """Compare every strategy applicable to ``group.model`` on ``column`` over the group's datasets.

    Decision-only duplicates (a strategy whose base without ``threshold`` is also compared) are left out on
    metrics that ignore the threshold; on thresholded metrics they are also compared with their base.
    """
    comp = RankComparison(group, metric or column.removeprefix("test_"), greater, alpha=alpha)
    datasets = group.datasets(meta)
    sub = results[(results["model"] == group.model) & results["dataset"].isin(datasets)]
    applicable = sorted(set(sub.loc[sub["status"] != "not_applicable", "strategy"]))
    if not applicable or column not in sub.columns:
        return comp
    thresholded = uses_threshold(comp.metric)
    if not thresholded:
        _drop_decision_duplicates(comp, applicable)
    sub = sub[sub["strategy"].isin(applicable)]
    keep, good = _complete_blocks(comp, sub, column, applicable, baseline)
    comp.strategies, comp.datasets = keep, good
    if len(keep) < 2 or not good:
        return comp
    _set_block_values(comp, sub[sub["dataset"].isin(good) & sub["strategy"].isin(keep)], column)
    comp.ranks = stats.rank_blocks(comp.block_values, greater)
    _omnibus(comp)
    _versus_bases(comp, baseline, thresholded)
    return comp


def _drop_decision_duplicates(comp: RankComparison, applicable: list[str]) -> None:
    """Remove from ``applicable`` (in place) every strategy whose base without ``threshold`` is also there."""
    for s in list(applicable):
        base = strategy_base(s)
        if base is not None and base in applicable:
            comp.excluded_strategies[s] = (
                f"identical to {base} on {metric_label(comp.metric)} by construction (decision-only; "
                "compared on thresholded metrics)"
            )
            applicable.remove(s)


def _complete_blocks(
    comp: RankComparison, sub: pd.DataFrame, column: str, applicable: Sequence[str], baseline: str
) -> tuple[list[str], list[str]]:
    """(strategies kept, blocks kept) under the rank rule; what is left out is listed in ``comp`` with the reason."""
    complete = _completeness(sub, column)  # dataset × strategy → bool
    blocks = list(complete.index)
    keep = []
    for s in applicable:
        n_bad = int((~complete[s]).sum())
        if s != baseline and n_bad * 2 > len(blocks):
            comp.excluded_strategies[s] = f"incomplete in {n_bad} of {len(blocks)} dataset(s)"
        else:
            keep.append(s)
    for d in blocks:
        bad = [s for s in keep if not complete.loc[d, s]]
        if bad:
            comp.excluded_blocks[d] = "no complete ok results for " + ", ".join(bad)
    return keep, [d for d in blocks if d not in comp.excluded_blocks]


def _set_block_values(comp: RankComparison, ok: pd.DataFrame, column: str) -> None:
    """Fold values of the kept strategies and their means per block: per origin where datasets share one.

    Datasets cut from one base table (``yeast1`` … ``yeast_2_vs_8``, the rungs of a ladder) share columns and rows,
    so they are one piece of evidence: dataset means are averaged within their origin first, and every rank and
    test runs over origins (each origin weighs the same, however many datasets KEEL cut from it)."""
    fv = ok.pivot_table(index=["dataset", "fold"], columns="strategy", values=column, aggfunc="mean")[comp.strategies]
    comp.fold_values = fv
    means = fv.groupby(level="dataset").mean()
    origins = ok.groupby("dataset")["origin"].first() if "origin" in ok else pd.Series(dtype=object)
    units = means.index.map(lambda d: origins.get(d) or evidence_unit(d))
    comp.n_datasets_described = len(means)
    if units.nunique() < len(means):
        comp.block_unit, comp.block_values = "origin", means.groupby(units).mean()
    else:
        comp.block_unit, comp.block_values = "dataset", means


def _omnibus(comp: RankComparison) -> None:
    """Friedman + Nemenyi over three or more strategies; a Wilcoxon test between exactly two, where testable."""
    keep, values = comp.strategies, comp.block_values
    if len(keep) >= 3:
        comp.friedman = stats.friedman(values)
        if comp.friedman is not None and len(values) >= 2:
            comp.posthoc, comp.posthoc_name = stats.nemenyi(values, comp.greater), "Nemenyi"
    elif len(values) >= 2 and stats.wilcoxon_testable(len(values), comp.alpha):
        a, b = keep
        _, p = stats.wilcoxon_p((values[a] - values[b]).to_numpy())
        comp.posthoc = pd.DataFrame([[1.0, p], [p, 1.0]], index=keep, columns=keep)
        comp.posthoc_name = "Wilcoxon"


def _versus_bases(comp: RankComparison, baseline: str, thresholded: bool) -> None:
    """Each kept strategy vs ``baseline``, each ``X+threshold`` vs ``X`` (thresholded metrics) and each correction vs ``X``."""
    keep = comp.strategies

    def versus(pairs: list[tuple[str, str]]) -> pd.DataFrame:
        return stats.versus_baseline(comp.block_values, pairs, comp.greater, comp.rope, comp.alpha)

    if baseline in keep:
        comp.wilcoxon = versus([(s, baseline) for s in keep if s != baseline])
    if thresholded:
        pairs = [(s, b) for s in keep if (b := strategy_base(s)) is not None and b in keep and b != baseline]
        if pairs:
            comp.decision = versus(pairs)
        if THRESHOLD in keep:
            comp.vs_threshold = versus([(s, THRESHOLD) for s in keep if s not in (baseline, THRESHOLD)])
    pairs = [(s, b) for s in keep if (b := correction_base(s)) is not None and b in keep and b != baseline]
    if pairs:
        comp.correction = versus(pairs)


KINDS = (("vs none", "wilcoxon"), ("vs threshold", "vs_threshold"), ("decision vs base", "decision"),
         ("correction vs base", "correction"))  # fmt: skip
"""The kinds of paired test a comparison holds: (label, attribute)."""


def adjust_by_question(
    views: Mapping[str, Sequence[RankComparison]], alpha: float = stats.ALPHA
) -> dict[tuple[str, str, str], int]:
    """Benjamini–Hochberg within each question a reader asks of one table: view × metric × kind of comparison
    (e.g. the tier view's PR-AUC tests vs ``none``), never across all of them: one correction over every test
    of a report lets strong Brier effects lend significance to PR-AUC tests. Returns each family's size."""
    sizes: dict[tuple[str, str, str], int] = {}
    for view, comps in views.items():
        for metric in dict.fromkeys(c.metric for c in comps):
            for kind, attr in KINDS:
                tables = [t for c in comps if c.metric == metric and not (t := getattr(c, attr)).empty]
                ps = np.concatenate([t["p"].to_numpy(dtype=float) for t in tables]) if tables else np.array([])
                adj, i = stats.fdr_bh(list(ps)), 0
                for t in tables:
                    t["p_adj"] = adj[i : i + len(t)]
                    t["significant"] = t["p_adj"] < alpha
                    i += len(t)
                if np.sum(~np.isnan(ps)):
                    sizes[(view, metric, kind)] = int(np.sum(~np.isnan(ps)))
    return sizes


def _completeness(sub: pd.DataFrame, column: str) -> pd.DataFrame:
    """dataset × strategy: True when every fold of the block (dataset × model) is ok with a finite value."""
    folds = sub.groupby("dataset")["fold"].agg(lambda f: set(f))
    good = sub[(sub["status"] == "ok") & np.isfinite(pd.to_numeric(sub[column], errors="coerce"))]
    have = good.groupby(["dataset", "strategy"])["fold"].agg(lambda f: set(f))
    strategies = sorted(sub["strategy"].unique())
    data = {s: [have.get((d, s), set()) >= folds[d] and bool(folds[d]) for d in folds.index] for s in strategies}
    return pd.DataFrame(data, index=folds.index)


def split_sizes(g: pd.DataFrame) -> tuple[float, float]:
    """(mean n_train, mean n_test) of a block's folds; from the fold count (k-fold: 1/(k−1)) if not stored."""
    if {"n_train", "n_test"} <= set(g.columns):
        n_train, n_test = pd.to_numeric(g["n_train"], errors="coerce"), pd.to_numeric(g["n_test"], errors="coerce")
        if n_train.notna().any() and n_test.notna().any():
            return float(n_train.mean()), float(n_test.mean())
    k = max(int(g["fold"].nunique()), 2)
    return float(k - 1), 1.0


def summary_table(results: pd.DataFrame, metrics: Sequence[str], confidence: float = 0.95) -> pd.DataFrame:
    """Per dataset × model × strategy and metric: mean, std, ok folds, and the Nadeau–Bengio corrected interval.

    Outer folds share training rows, so the naive t interval over them is too narrow (see ``stats``).
    """
    rows = []
    for (d, m, s), g in results.groupby(["dataset", "model", "strategy"]):
        ok = g[g["status"] == "ok"]
        n_train, n_test = split_sizes(ok if len(ok) else g)
        for metric in metrics:
            col = f"test_{metric}"
            if col not in g:
                continue
            v = pd.to_numeric(ok[col], errors="coerce").dropna().to_numpy()
            spec = METRICS.get(metric)
            bounds = spec.bounds if spec is not None else None
            mean, low, high = stats.nadeau_bengio_interval(v, n_train, n_test, confidence, bounds)
            rows.append(
                {
                    "dataset": d,
                    "model": m,
                    "strategy": s,
                    "metric": metric,
                    "mean": mean,
                    "std": float(np.std(v, ddof=1)) if len(v) > 1 else float("nan"),
                    "ci_low": low,
                    "ci_high": high,
                    "interval": "Nadeau–Bengio corrected t",
                    "n_ok": len(v),
                    "n_folds": int(g["fold"].nunique()),
                    "statuses": ",".join(sorted(set(g["status"]))),
                }
            )
    return pd.DataFrame(rows)


def ranks_table(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """One row per comparison × strategy: mean rank over datasets, mean and median of the dataset means."""
    rows = []
    for c in comparisons:
        if not c.ok:
            continue
        top, tied = c.winner, set(c.tied_with(c.winner or ""))
        for s, r in c.mean_ranks.items():
            v = c.block_values[s]
            rows.append(
                {
                    "metric": c.metric,
                    "model": c.group.model,
                    "tier": c.group.tier,
                    "band": c.group.band or "",
                    "minority": c.group.minority or "",
                    "strategy": s,
                    "mean_rank": float(r),
                    "n_datasets": c.n_datasets,
                    "mean": float(v.mean()),
                    "median": float(v.median()),
                    "friedman_stat": c.friedman.statistic if c.friedman else np.nan,
                    "friedman_p": c.friedman.pvalue if c.friedman else np.nan,
                    "posthoc": c.posthoc_name,
                    "top_rank": s == top,
                    "not_different_from_top": s in tied,
                }
            )
    return pd.DataFrame(rows)


def wilcoxon_table(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """Every comparison vs a baseline (none, or X for X+threshold), labelled with metric and group."""
    frames = []
    for c in comparisons:
        for kind, t in ((k, getattr(c, attr)) for k, attr in KINDS):
            if c.ok and not t.empty:
                w = t.copy()
                for name, value in (
                    ("kind", kind),
                    ("minority", c.group.minority or ""),
                    ("band", c.group.band or ""),
                    ("tier", c.group.tier),
                    ("model", c.group.model),
                    ("metric", c.metric),
                ):
                    w.insert(0, name, value)
                frames.append(w)
    cols = ["metric", "model", "tier", "band", "minority", "kind", *stats.VERSUS_COLUMNS]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def exclusions_table(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """Strategies and blocks left out of each comparison, with the reason."""
    rows = []
    for c in comparisons:
        for s, why in c.excluded_strategies.items():
            rows.append(
                {
                    "metric": c.metric,
                    "model": c.group.model,
                    "group": c.group.label,
                    "kind": "strategy",
                    "name": s,
                    "reason": why,
                }
            )
        for d, why in c.excluded_blocks.items():
            rows.append(
                {
                    "metric": c.metric,
                    "model": c.group.model,
                    "group": c.group.label,
                    "kind": "dataset",
                    "name": d,
                    "reason": why,
                }
            )
    return pd.DataFrame(rows, columns=["metric", "model", "group", "kind", "name", "reason"])
