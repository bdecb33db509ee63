"""The cheat-sheet: which strategy wins where, as sentences and tables filled from the run's numbers only.

Every sentence is a template; a sentence whose numbers are missing is left out rather than guessed.
"""

from __future__ import annotations

import numpy as np

from imbench.report.analysis import Analysis, label
from imbench.report.render import Bullets, Document, Heading, Para, Table, code
from imbench.report.stats import significance_mark
from imbench.report.tables import BASELINE, TIER_RANGES, Group, RankComparison

MAX_TIED_SHOWN = 4
MATCH_TOLERANCE = 0.01
"""``threshold`` 'matches' resampling when its F1 is at least the best resampler's minus this."""


def cheatsheet_document(a: Analysis) -> Document:
    """The cheat-sheet as a Document (rendered to Markdown and embedded in the HTML report)."""
    doc = Document(f"imbench cheat-sheet — {a.run.name}")
    doc.add(Para(_overview(a)))
    doc.add(*_best_table(a))
    when = when_to_use(a)
    if when:
        doc.add(Heading(f"When to use what ({label(a.metric)})"), Bullets(when))
    bites = sound_bites(a)
    if bites:
        doc.add(Heading("Sound bites from this run"), Bullets(bites))
    if a.cost_cells is not None:
        doc.add(*cost_section(a))
    doc.add(*coverage_section(a))
    doc.add(Heading("How these numbers were computed"), Bullets(method_notes(a)))
    return doc


def _overview(a: Analysis) -> str:
    r = a.results
    counts = r["status"].value_counts()
    parts = [f"{counts.get(s, 0)} {s.replace('_', ' ')}" for s in ("failed", "timeout", "not_applicable") if counts.get(s, 0)]
    return (f"{_n(r['dataset'].nunique(), 'dataset')} × {_n(r['strategy'].nunique(), 'strategy', 'strategies')} × "
            f"{_n(r['model'].nunique(), 'model')}; "
            f"{counts.get('ok', 0)} of {len(r)} cells ok" + (f" ({', '.join(parts)})" if parts else "") + ".")


def _n(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else many or one + 's'}"


def cell_text(c: RankComparison) -> str:
    """One cheat-sheet cell: winner, mean rank, difference vs none with significance, the ties."""
    if not c.ok:
        return "—"
    w = c.winner
    assert w is not None
    text = f"{code(w)} r={c.mean_ranks[w]:.2f}"
    v = c.versus_baseline(w)
    if v is not None and np.isfinite(v["mean_diff"]):
        text += f", Δ {v['mean_diff']:+.3f}{significance_mark(v['p_holm'], c.alpha)}"
    tied = c.tied_with(w)
    if tied and len(tied) == len(c.strategies) - 1 and len(tied) > 1:
        text += "; ≈ all others"
    elif tied:
        more = len(tied) - MAX_TIED_SHOWN
        text += "; ≈ " + ", ".join(code(s) for s in tied[:MAX_TIED_SHOWN]) + (f" +{more} more" if more > 0 else "")
    if c.block_unit != "dataset":
        text += " †"
    return text


def _best_table(a: Analysis) -> list:
    use_band = any(g.band for g in a.groups)
    cols = ["tier", *(["size"] if use_band else []), "model", "datasets"] + [label(m) for m in a.metrics]
    rows = []
    for g in a.groups:
        n = len(g.datasets(a.meta))
        rows.append([f"{g.tier} ({TIER_RANGES.get(g.tier, '?')})", *([g.band or ""] if use_band else []), code(g.model),
                     str(n)] + [cell_text(a.by_group[(m, g)]) for m in a.metrics])
    out: list = [Heading("Best strategy by imbalance tier and model"), Table(cols, rows)]
    notes = ["r = mean rank among the strategies compared (1 = best); Δ = best strategy − none, mean over paired "
             "dataset × fold blocks, in the metric's units (for Brier, negative is better); * / ** = Holm-adjusted "
             "Wilcoxon signed-rank p < 0.05 / < 0.01 vs none; ≈ = not significantly different from the best "
             "(Friedman, then Nemenyi, α = 0.05)."]
    if any(a.by_group[(m, g)].block_unit != "dataset" for m in a.metrics for g in a.groups if a.by_group[(m, g)].ok):
        notes.append("† fewer than 3 datasets in this group: ranks, Friedman and Nemenyi use dataset × fold blocks "
                     "(folds of one dataset are not independent, so treat these as indicative).")
    out += [Para(n, small=True) for n in notes]
    return out


def when_to_use(a: Analysis) -> list[str]:
    """One sentence per tier × model on the primary metric, filled from its comparison."""
    out = []
    m = label(a.metric)
    for g in a.groups:
        c = a.by_group[(a.metric, g)]
        if not c.ok or c.winner is None:
            continue
        w, r = c.winner, c.mean_ranks[c.winner]
        where = f"{g.tier} imbalance ({TIER_RANGES.get(g.tier, '?')}{', ' + g.band if g.band else ''}), {code(g.model)}"
        blocks = f"{len(c.block_values)} {'datasets' if c.block_unit == 'dataset' else 'dataset × fold blocks'}"
        if w == BASELINE:
            out.append(f"{where}: no strategy out-ranks {code(BASELINE)} on {m} (mean rank {r:.2f} over {blocks}).")
            continue
        v = c.versus_baseline(w)
        s = f"{where}: {code(w)} ranks best on {m} (mean rank {r:.2f} over {blocks})"
        if v is not None and np.isfinite(v["p_holm"]):
            verdict = "significant" if v["significant"] else "not significant"
            s += f"; {v['mean_diff']:+.3f} vs {code(BASELINE)} (Holm-adjusted Wilcoxon p = {v['p_holm']:.3g}, {verdict})"
        tied = c.tied_with(w)
        if tied and len(tied) < len(c.strategies) - 1:
            s += "; not distinguishable from it: " + ", ".join(code(t) for t in tied)
        out.append(s + ".")
    return out


def sound_bites(a: Analysis) -> list[str]:
    """Facts in the run's own figures; each is omitted when the run lacks what it needs."""
    return [s for s in (accuracy_paradox(a), calibration_cost(a), threshold_vs_resampling(a)) if s]


def accuracy_paradox(a: Analysis) -> str | None:
    """Accuracy vs PR-AUC of ``none`` on the most imbalanced dataset, against the always-negative accuracy."""
    r = a.results
    need = {"test_accuracy", "test_average_precision", "ir"}
    if not need <= set(r.columns):
        return None
    base = r[(r["strategy"] == BASELINE) & (r["status"] == "ok")].dropna(subset=["test_accuracy", "test_average_precision"])
    if base.empty or base["ir"].isna().all():
        return None
    ds = base.loc[base["ir"].idxmax(), "dataset"]
    sub = base[base["dataset"] == ds]
    ir = float(sub["ir"].iat[0])
    parts = []
    for model, g in sub.groupby("model"):
        parts.append(f"accuracy {g['test_accuracy'].mean():.3f} but PR-AUC {g['test_average_precision'].mean():.3f} "
                     f"with {code(model)}")
    s = f"Accuracy paradox: on {code(ds)} (IR {ir:.1f}, the most imbalanced dataset), {code(BASELINE)} scores " + "; ".join(parts)
    return s + f" — predicting the majority class for every case would already score accuracy {ir / (1 + ir):.3f}."


def _families(a: Analysis) -> dict[str, str]:
    r = a.results
    fam: dict[str, str] = {}
    if "family" in r.columns:
        fam = r.dropna(subset=["family"]).drop_duplicates("strategy").set_index("strategy")["family"].astype(str).to_dict()
    for s in r["strategy"].unique():
        if s not in fam:
            try:
                from imbench.strategies import parse_strategy

                fam[s] = parse_strategy(s).family
            except Exception:
                fam[s] = ""
    return fam


def calibration_cost(a: Analysis) -> str | None:
    """Mean Brier change of resampling strategies vs none over all datasets, per model."""
    fam = _families(a)
    diffs, sig_worse, pairs, base_vals = [], 0, 0, []
    for (m, _model), c in a.overall.items():
        if m != "brier" or not c.ok or c.wilcoxon.empty:
            continue
        w = c.wilcoxon[c.wilcoxon["strategy"].map(lambda s: "resample" in fam.get(s, "").split("+"))]
        for row in w.itertuples(index=False):
            pairs += 1
            diffs.append(row.mean_diff)
            sig_worse += int(row.significant and row.mean_diff > 0)
        if len(w):
            base_vals.append(float(c.fold_values[BASELINE].mean()))
    if not pairs:
        return None
    mean = float(np.mean(diffs))
    direction = "raises" if mean > 0 else "lowers"
    return (f"Calibration: resampling {direction} the Brier score by {abs(mean):.4f} on average vs {code(BASELINE)} "
            f"(whose mean Brier is {np.mean(base_vals):.4f}), over {pairs} resampling strategy × model pair(s); "
            f"significantly worse (Holm-adjusted Wilcoxon) in {sig_worse} of {pairs}.")


def threshold_vs_resampling(a: Analysis) -> str | None:
    """How often ``threshold`` alone reaches the F1 of the best pure resampling strategy, per dataset × model."""
    fam = _families(a)
    matched = total = 0
    t_vals, r_vals = [], []
    for (m, _model), c in a.overall.items():
        if m != "f1" or not c.ok or "threshold" not in c.strategies:
            continue
        resamplers = [s for s in c.strategies if fam.get(s) == "resample"]
        if not resamplers:
            continue
        means = c.fold_values.groupby(level="dataset").mean()
        for _, row in means.iterrows():
            best = float(row[resamplers].max())
            total += 1
            matched += int(row["threshold"] >= best - MATCH_TOLERANCE)
            t_vals.append(float(row["threshold"]))
            r_vals.append(best)
    if not total:
        return None
    return (f"Threshold tuning alone ({code('threshold')}) reaches the F1 of the best resampling strategy "
            f"(within {MATCH_TOLERANCE}) in {matched} of {total} dataset × model pair(s); mean F1 "
            f"{np.mean(t_vals):.3f} vs {np.mean(r_vals):.3f} for the best resampler.")


def cost_section(a: Analysis) -> list:
    """Cheapest strategy per tier × model at the stored and at the Bayes threshold, per 1,000 cases."""
    from imbench.report.costs import bayes_threshold

    assert a.cost_fn is not None and a.cost_fp is not None
    t_star = bayes_threshold(a.cost_fn, a.cost_fp)
    cols = ["tier", "model", "cheapest at stored threshold", "none at stored threshold",
            f"cheapest at t* = {t_star:.3f}", f"none at t* = {t_star:.3f}"]
    rows = []
    for g in a.groups:
        row = [f"{g.tier}{' ' + g.band if g.band else ''}", code(g.model)]
        for col in ("cost_at_threshold", "cost_at_bayes"):
            c = a.cost_by_group.get((col, g))
            row += _cost_cells(c)
        rows.append(row)
    out: list = [Heading(f"Costs (cost_fn = {a.cost_fn:g}, cost_fp = {a.cost_fp:g})"),
                 Para(f"Expected cost per 1,000 cases, re-scored from the stored test predictions without refitting: "
                      f"at each cell's stored threshold (chosen on training data) and at the Bayes threshold "
                      f"t* = cost_fp / (cost_fp + cost_fn) = {t_star:.3f}, which is optimal only for calibrated scores. "
                      f"No threshold is chosen on test rows."),
                 Table(cols, rows),
                 Para("Cheapest = best mean rank on cost; Δ and * as in the table above.", small=True)]
    cells = a.cost_cells
    assert cells is not None
    base = cells[cells["strategy"] == BASELINE].dropna(subset=["per_1000_at_threshold", "per_1000_at_bayes"])
    if len(base):
        out.append(Bullets([f"Moving {code(BASELINE)} from its stored threshold to t* changes its mean cost per 1,000 "
                            f"cases from {base['per_1000_at_threshold'].mean():.1f} to "
                            f"{base['per_1000_at_bayes'].mean():.1f} (over {len(base)} ok cells)."]))
    return out


def _cost_cells(c: RankComparison | None) -> list[str]:
    if c is None or not c.ok or c.winner is None:
        return ["—", "—"]
    w = c.winner
    per = 1000 * c.block_values.mean()
    text = f"{code(w)} {per[w]:.1f}"
    v = c.versus_baseline(w)
    if v is not None and np.isfinite(v["mean_diff"]):
        text += f" (Δ {1000 * v['mean_diff']:+.1f}{significance_mark(v['p_holm'], c.alpha)})"
    base = f"{per[BASELINE]:.1f}" if BASELINE in per else "—"
    return [text, base]


def coverage_section(a: Analysis) -> list:
    """Non-ok cells per strategy × model (plainly) and what the rank rule left out."""
    st = a.status
    bad = st[(st["failed"] > 0) | (st["timeout"] > 0) | (st["not_applicable"] > 0)]
    out: list = [Heading("Coverage")]
    if bad.empty:
        out.append(Para("Every cell finished ok."))
    else:
        rows = [[code(r.strategy), code(r.model), str(r.ok), str(r.failed), str(r.timeout), str(r.not_applicable),
                 str(r.example_error or "")] for r in bad.itertuples(index=False)]
        out.append(Table(["strategy", "model", "ok", "failed", "timeout", "not applicable", "example"], rows))
    ex = a.exclusions()
    ex = ex[ex["metric"] == a.metric]
    if len(ex):
        items = [f"{code(r.model)}, {r.group}: {r.kind} {code(r.name)} left out — {r.reason}"
                 for r in ex.drop_duplicates(["model", "group", "kind", "name"]).itertuples(index=False)]
        out.append(Para(f"Left out of the {label(a.metric)} ranks by the rank rule:"))
        out.append(Bullets(items))
    return out


def method_notes(a: Analysis) -> list[str]:
    """The rules behind the numbers, stated once."""
    return [
        "Ranks: for each dataset × model, each strategy's mean over outer folds is ranked among the strategies "
        "(1 = best, ties averaged); a group's mean rank averages these over its datasets.",
        "Rank rule: a comparison uses only blocks (dataset × model) where every compared strategy has an ok result "
        "for every outer fold; a strategy incomplete in more than half of a group's datasets is dropped from that "
        "group instead (never the baseline none). Failed, timed-out or missing cells are never filled with values. "
        "Not-applicable pairs do not exist for that model and are not compared.",
        "Significance vs none: Wilcoxon signed-rank (scipy) over paired dataset × fold blocks, Holm-corrected across "
        "the strategies of a comparison.",
        "Ties with the best: Friedman test (scipy); if it rejects at α = 0.05, Nemenyi post-hoc "
        "(scikit-posthocs posthoc_nemenyi_friedman); if it does not, no strategy is declared different. "
        "With two strategies the Wilcoxon test between them is used instead.",
        "Tiers by imbalance ratio IR = n_neg / n_pos: " + "; ".join(f"{k}: {v}" for k, v in TIER_RANGES.items()) + ".",
    ]


def group_title(g: Group) -> str:
    """Short human label of a group."""
    return f"{g.model}, {g.label}"
