"""Pure tables: status counts, dataset metadata, groups, and rank comparisons of strategies.

Rank rule (stated in every report): a comparison of strategies within a group (one model, a set of
datasets) uses only *blocks* (dataset × model) where every compared strategy has an ``ok`` result with a
finite metric for every outer fold of that block. A strategy incomplete in more than half of the group's
blocks is dropped from the comparison (and listed) rather than dropping those blocks; the baseline
``none`` is never dropped. Failures are never filled with values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from imbench.report import stats

BASELINE = "none"
TIER_ORDER = ("low", "medium", "high", "extreme")
TIER_RANGES = {"low": "IR < 5", "medium": "5 ≤ IR < 10", "high": "10 ≤ IR < 50", "extreme": "IR ≥ 50"}
BANDS = (("n<1000", 1000), ("1000–10000", 10001), (">10000", float("inf")))
STATUS_ORDER = ("ok", "failed", "timeout", "not_applicable")
MIN_DATASETS = 3
"""Below this many datasets in a group, ranks and post-hoc tests use dataset × fold blocks."""


def band_of(n: float) -> str:
    """Data-size band of a dataset with ``n`` rows."""
    for name, upper in BANDS:
        if n < upper:
            return name
    return BANDS[-1][0]


def dataset_meta(results: pd.DataFrame) -> pd.DataFrame:
    """One row per dataset: ir, tier, n, n_pos, band (from the first row that has them)."""
    from imbench.datasets.base import tier_of

    cols = [c for c in ("dataset", "ir", "tier", "n", "n_pos", "source") if c in results.columns]
    meta = results[cols].drop_duplicates("dataset").set_index("dataset")
    if "ir" not in meta:
        meta["ir"] = np.nan
    if "tier" not in meta:
        meta["tier"] = [tier_of(v) if pd.notna(v) else "unknown" for v in meta["ir"]]
    meta["tier"] = meta["tier"].fillna("unknown").astype(str)
    if "n" not in meta:
        meta["n"] = np.nan
    meta["band"] = [band_of(v) if pd.notna(v) else "unknown" for v in meta["n"]]
    return meta.sort_values(["ir", "n"], na_position="last")


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
        texts = [f"{st}: {err.removeprefix('not applicable: ')[:max_error]}"
                 for st, err in bad.drop_duplicates("status")[["status", "error"]].itertuples(index=False)]
        examples.append({"strategy": strategy, "model": model, "example_error": " | ".join(texts)})
    out = counts.reset_index().merge(pd.DataFrame(examples), on=["strategy", "model"], how="left")
    out.columns.name = None
    return out.sort_values(["model", "strategy"]).reset_index(drop=True)


@dataclass(frozen=True)
class Group:
    """A slice of the run compared on its own: one model and the datasets of a tier (and size band)."""

    model: str
    tier: str = "all"
    band: str | None = None

    @property
    def label(self) -> str:
        parts = [self.tier if self.tier == "all" else f"{self.tier} ({TIER_RANGES.get(self.tier, '?')})"]
        if self.band:
            parts.append(self.band)
        return ", ".join(parts)

    def datasets(self, meta: pd.DataFrame) -> list[str]:
        m = meta
        if self.tier != "all":
            m = m[m["tier"] == self.tier]
        if self.band:
            m = m[m["band"] == self.band]
        return list(m.index)


MIN_BAND_DATASETS = 3


def cheat_groups(results: pd.DataFrame, meta: pd.DataFrame) -> list[Group]:
    """Tier × model groups (× size band when the run spans more than one band) that have rows.

    Size bands split a tier only when every tier × band cell then still holds at least
    ``MIN_BAND_DATASETS`` datasets; otherwise the split would leave groups too small to rank.
    """
    per_cell = meta.groupby(["tier", "band"]).size()
    use_band = meta["band"].nunique() > 1 and bool((per_cell >= MIN_BAND_DATASETS).all())
    models = sorted(results["model"].unique())
    tiers = [t for t in TIER_ORDER if t in set(meta["tier"])] + sorted(set(meta["tier"]) - set(TIER_ORDER))
    groups = []
    for tier in tiers:
        bands = [b for b, _ in BANDS if b in set(meta.loc[meta["tier"] == tier, "band"])] if use_band else [None]
        for band in bands:
            for model in models:
                g = Group(model, tier, band)
                if g.datasets(meta):
                    groups.append(g)
    return groups


@dataclass
class RankComparison:
    """Strategies compared on one metric within one group: ranks, Friedman/Nemenyi, Wilcoxon vs none."""

    group: Group
    metric: str
    greater: bool
    strategies: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    excluded_strategies: dict[str, str] = field(default_factory=dict)
    excluded_blocks: dict[str, str] = field(default_factory=dict)
    block_unit: str = "dataset"
    fold_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    """(dataset, fold) × strategy metric values of the complete blocks (paired for Wilcoxon)."""
    block_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    """block × strategy values that are ranked (dataset means, or fold values in the fallback)."""
    ranks: pd.DataFrame = field(default_factory=pd.DataFrame)
    friedman: stats.Friedman | None = None
    posthoc: pd.DataFrame | None = None
    posthoc_name: str = ""
    wilcoxon: pd.DataFrame = field(default_factory=pd.DataFrame)
    alpha: float = stats.ALPHA

    @property
    def ok(self) -> bool:
        """Whether there is anything to rank (at least two strategies and one block)."""
        return len(self.strategies) >= 2 and len(self.ranks) > 0

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
        """The Wilcoxon row of ``strategy`` vs none, or None."""
        if self.wilcoxon.empty or strategy not in set(self.wilcoxon["strategy"]):
            return None
        return self.wilcoxon.set_index("strategy").loc[strategy].to_dict()


def compare_strategies(results: pd.DataFrame, column: str, greater: bool, group: Group, meta: pd.DataFrame,
            *, metric: str | None = None, baseline: str = BASELINE, alpha: float = stats.ALPHA,
            min_datasets: int = MIN_DATASETS) -> RankComparison:
    """Compare every strategy applicable to ``group.model`` on ``column`` over the group's datasets."""
    comp = RankComparison(group, metric or column.removeprefix("test_"), greater, alpha=alpha)
    datasets = group.datasets(meta)
    sub = results[(results["model"] == group.model) & results["dataset"].isin(datasets)]
    applicable = sorted(set(sub.loc[sub["status"] != "not_applicable", "strategy"]))
    if not applicable or column not in sub.columns:
        return comp
    sub = sub[sub["strategy"].isin(applicable)]
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
    good = [d for d in blocks if d not in comp.excluded_blocks]
    comp.strategies, comp.datasets = keep, good
    if len(keep) < 2 or not good:
        return comp
    ok = sub[sub["dataset"].isin(good) & sub["strategy"].isin(keep)]
    fv = ok.pivot_table(index=["dataset", "fold"], columns="strategy", values=column, aggfunc="mean")[keep]
    comp.fold_values = fv
    if len(good) >= min_datasets:
        comp.block_unit, comp.block_values = "dataset", fv.groupby(level="dataset").mean()
    else:
        comp.block_unit, comp.block_values = "dataset × fold", fv
    comp.ranks = stats.rank_blocks(comp.block_values, greater)
    if len(keep) >= 3:
        comp.friedman = stats.friedman(comp.block_values)
        if comp.friedman is not None and len(comp.block_values) >= 2:
            comp.posthoc, comp.posthoc_name = stats.nemenyi(comp.block_values, greater), "Nemenyi"
    elif len(comp.block_values) >= 2:
        a, b = keep
        _, p = stats.wilcoxon_p((comp.block_values[a] - comp.block_values[b]).to_numpy())
        comp.posthoc = pd.DataFrame([[1.0, p], [p, 1.0]], index=keep, columns=keep)
        comp.posthoc_name = "Wilcoxon"
    comp.wilcoxon = stats.wilcoxon_vs_baseline(fv, baseline, greater, alpha)
    return comp


def _completeness(sub: pd.DataFrame, column: str) -> pd.DataFrame:
    """dataset × strategy: True when every fold of the block (dataset × model) is ok with a finite value."""
    folds = sub.groupby("dataset")["fold"].agg(lambda f: set(f))
    good = sub[(sub["status"] == "ok") & np.isfinite(pd.to_numeric(sub[column], errors="coerce"))]
    have = good.groupby(["dataset", "strategy"])["fold"].agg(lambda f: set(f))
    strategies = sorted(sub["strategy"].unique())
    data = {s: [have.get((d, s), set()) >= folds[d] and bool(folds[d]) for d in folds.index] for s in strategies}
    return pd.DataFrame(data, index=folds.index)


def summary_table(results: pd.DataFrame, metrics: Sequence[str], confidence: float = 0.95) -> pd.DataFrame:
    """Per dataset × model × strategy and metric: mean, std, ok folds, total folds, t-interval over ok folds."""
    rows = []
    for (d, m, s), g in results.groupby(["dataset", "model", "strategy"]):
        ok = g[g["status"] == "ok"]
        for metric in metrics:
            col = f"test_{metric}"
            if col not in g:
                continue
            v = pd.to_numeric(ok[col], errors="coerce").dropna().to_numpy()
            mean, low, high = stats.t_interval(v, confidence)
            rows.append({"dataset": d, "model": m, "strategy": s, "metric": metric, "mean": mean,
                         "std": float(np.std(v, ddof=1)) if len(v) > 1 else float("nan"),
                         "ci_low": low, "ci_high": high, "n_ok": len(v), "n_folds": int(g["fold"].nunique()),
                         "statuses": ",".join(sorted(set(g["status"])))})
    return pd.DataFrame(rows)


def ranks_table(comparisons: Sequence[RankComparison], confidence: float = 0.95) -> pd.DataFrame:
    """One row per comparison × strategy: mean rank, mean metric with a t-interval over blocks, Friedman p."""
    rows = []
    for c in comparisons:
        if not c.ok:
            continue
        winner, tied = c.winner, set(c.tied_with(c.winner or ""))
        for s, r in c.mean_ranks.items():
            mean, low, high = stats.t_interval(c.block_values[s].to_numpy(), confidence)
            rows.append({"metric": c.metric, "model": c.group.model, "tier": c.group.tier, "band": c.group.band or "",
                         "strategy": s, "mean_rank": float(r), "n_blocks": len(c.block_values),
                         "block_unit": c.block_unit, "n_datasets": len(c.datasets), "mean": mean, "ci_low": low,
                         "ci_high": high, "friedman_stat": c.friedman.statistic if c.friedman else np.nan,
                         "friedman_p": c.friedman.pvalue if c.friedman else np.nan, "posthoc": c.posthoc_name,
                         "winner": s == winner, "not_different_from_winner": s in tied})
    return pd.DataFrame(rows)


def wilcoxon_table(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """All Wilcoxon-vs-none rows of the comparisons, labelled with metric and group."""
    frames = []
    for c in comparisons:
        if c.ok and not c.wilcoxon.empty:
            w = c.wilcoxon.copy()
            w.insert(0, "band", c.group.band or "")
            w.insert(0, "tier", c.group.tier)
            w.insert(0, "model", c.group.model)
            w.insert(0, "metric", c.metric)
            frames.append(w)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["metric", "model", "tier", "band", "strategy", "n_pairs", "mean_diff", "better", "statistic", "p",
                 "p_holm", "significant"])


def exclusions_table(comparisons: Sequence[RankComparison]) -> pd.DataFrame:
    """Strategies and blocks left out of each comparison, with the reason."""
    rows = []
    for c in comparisons:
        for s, why in c.excluded_strategies.items():
            rows.append({"metric": c.metric, "model": c.group.model, "group": c.group.label, "kind": "strategy",
                         "name": s, "reason": why})
        for d, why in c.excluded_blocks.items():
            rows.append({"metric": c.metric, "model": c.group.model, "group": c.group.label, "kind": "dataset",
                         "name": d, "reason": why})
    return pd.DataFrame(rows, columns=["metric", "model", "group", "kind", "name", "reason"])
