"""The cheat-sheet: what the run supports, as sentences and tables filled from the run's numbers only.

Every sentence is a template; a sentence whose numbers are missing is left out rather than guessed. A winner
is named only where the verdict rule (``imbench.reporting.tables.verdicts``) finds one; otherwise the cell says
"no reliable difference — keep none" or that the row has too few datasets to test.
"""

from __future__ import annotations

from imbench.core.schema import BASELINE
from imbench.reporting.documents.claims import claims_section
from imbench.reporting.documents.corrections import correction_section
from imbench.reporting.documents.evidence import _f, _n, evidence_text, pair_items
from imbench.reporting.documents.glance import glance_section
from imbench.reporting.documents.ladder import ladder_section
from imbench.reporting.documents.methods import METHOD_TITLE, method_notes
from imbench.reporting.documents.soundbites import sound_bites
from imbench.reporting.renderers.blocks import Bullets, Document, Heading, Para, Table, code
from imbench.reporting.statistics import stats
from imbench.reporting.statistics.costs import bayes_threshold
from imbench.reporting.statistics.quality import FLAG_TEXT, MIN_TEST_POSITIVES, few_positive_datasets
from imbench.reporting.tables.analysis import Analysis, label
from imbench.reporting.tables.comparisons import RankComparison, strategy_base, uses_threshold
from imbench.reporting.tables.groups import MIN_DATASETS, Group
from imbench.reporting.tables.verdicts import Verdict

MAX_TIED_SHOWN = 4


def cheatsheet_document(a: Analysis) -> Document:
    """The cheat-sheet as a Document (rendered to Markdown and embedded in the HTML report)."""
    doc = Document(f"imbench cheat-sheet — {a.run.name}")
    doc.add(Para(_overview(a)))
    doc.add(Para(FOR_YOUR_DATA, small=True))
    doc.add(*glance_section(a))
    doc.add(*_verdict_table(a, a.groups, "Verdicts by imbalance tier and model", "tier"))
    doc.add(*_verdict_table(a, a.minority, "Second view: by minority size (positives per dataset)", "positives"))
    when = when_to_use(a)
    if when:
        doc.add(Heading(f"When to use what ({label(a.metric)})"), Bullets(when))
    for section in (claims_section(a), ladder_section(a), decision_section(a), correction_section(a)):
        if section:
            doc.add(*section)
    bites = sound_bites(a)
    if bites:
        doc.add(Heading("Sound bites from this run"), Bullets(bites))
    if a.cost_cells is not None:
        doc.add(*cost_section(a))
    doc.add(*flags_section(a))
    doc.add(*coverage_section(a))
    doc.add(Heading(METHOD_TITLE), Bullets(method_notes(a)))
    return doc


FOR_YOUR_DATA = (
    "For your own table: `imbench advise data.csv --target y` says in seconds what the reference runs found on the "
    "datasets nearest to it, and how sure that is; `imbench compare data.csv --target y --budget 10m` tunes and "
    "tests the strategies on your rows and exports the pipeline it recommends. This sheet is evidence over many "
    "datasets, not a verdict on any one of them."
)
"""The box that opens every cheat-sheet and report: what a reader does with their own data."""


def _overview(a: Analysis) -> str:
    r = a.results
    counts = r["status"].value_counts()
    parts = [
        f"{counts.get(s, 0)} {s.replace('_', ' ')}" for s in ("failed", "timeout", "not_applicable") if counts.get(s, 0)
    ]
    return (
        f"{_n(r['dataset'].nunique(), 'dataset')} × {_n(r['strategy'].nunique(), 'strategy', 'strategies')} × "
        f"{_n(r['model'].nunique(), 'model')}; "
        f"{counts.get('ok', 0)} of {len(r)} cells ok" + (f" ({', '.join(parts)})" if parts else "") + "."
    )


def _num(x: float) -> str:
    """1.82, 40.5, 129, 1000: three significant digits without scientific notation."""
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _median_diff(c: RankComparison, strategy: str) -> float:
    v = c.versus_baseline(strategy)
    return float("nan") if v is None else float(v["median_diff"])


def cell_text(c: RankComparison, v: Verdict, scale: float = 1.0, digits: int = 3) -> str:
    """One cheat-sheet cell: the verdict, the evidence for the strategy it names, harms, warnings and flags."""
    if v.kind == "empty" or not c.ok:
        return "—"
    if v.kind == "better":
        assert v.strategy is not None
        text = f"use {code(v.strategy)}: " + evidence_text(c, v.strategy, scale, digits)
        if c.mostly_within_rope(v.strategy):
            text += " (gain mostly within the ROPE)"
    else:
        head = (
            f"{_n(v.n_datasets, c.block_unit)}: cannot decide (the smallest p they allow is {v.min_p:.3g})"
            if v.kind == "untestable"
            else "no reliable difference"
        )
        text = f"{head} — keep {code(BASELINE)}"
        if v.strategy is not None:
            text += f"; best other {code(v.strategy)}: " + evidence_text(c, v.strategy, scale, digits)
    if v.threshold_explains:
        text += "; " + threshold_text(c, v, scale, digits)
    if v.avoid:
        text += "; avoid " + ", ".join(
            f"{code(s)} (median Δ {_f(_median_diff(c, s), scale, digits)})" for s in v.avoid[:MAX_TIED_SHOWN]
        )
        if len(v.avoid) > MAX_TIED_SHOWN:
            text += f" +{len(v.avoid) - MAX_TIED_SHOWN} more"
    if v.calibration:
        text += " ⚠ worse calibration: " + ", ".join(f"{label(m)} {d:+.3f}" for m, d in v.calibration)
    if v.flags:
        text += " ⚑ " + "; ".join(v.flags)
    return text


def threshold_text(c: RankComparison, v: Verdict, scale: float = 1.0, digits: int = 3) -> str:
    """'tune the threshold: smote beats none but not threshold (median Δ vs threshold +0.004 [-0.01, 0.02])'."""
    t = c.vs_threshold.set_index("strategy")
    parts = []
    for s in v.threshold_explains[:MAX_TIED_SHOWN]:
        r = t.loc[s]
        parts.append(
            f"{code(s)} (median Δ vs {code('threshold')} {_f(float(r['median_diff']), scale, digits)} "
            f"[{_f(float(r['median_ci_low']), scale, digits)}, {_f(float(r['median_ci_high']), scale, digits)}])"
        )
    return f"tune the threshold: beat {code(BASELINE)} but not {code('threshold')}: " + ", ".join(parts)


def datasets_text(a: Analysis, g: Group) -> str:
    """'10: IR 1.8–4.9, 35–268 positives' (+ how many have test folds with < 5 positives)."""

    ds = g.datasets(a.meta)
    m = a.meta.loc[ds]
    text = str(len(ds))
    if m["ir"].notna().any():
        text += f": IR {_num(m['ir'].min())}–{_num(m['ir'].max())}"
    if m["n_pos"].notna().any():
        text += f", {int(m['n_pos'].min())}–{int(m['n_pos'].max())} positives"
    few = [d for d in ds if d in few_positive_datasets(a.results)]
    if few:
        text += f"; {len(few)} with test folds of < {MIN_TEST_POSITIVES} positives"
    if len(ds) < MIN_DATASETS:
        text += f" ⚠ fewer than {MIN_DATASETS} datasets"
    return text


def _verdict_table(a: Analysis, groups: list[Group], title: str, kind: str) -> list:
    if not groups:
        return []
    use_band = any(g.band for g in groups)
    cols = [kind, *(["size"] if use_band else []), "model", "datasets"] + [label(m) for m in a.metrics]
    rows = []
    for g in groups:
        name = g.minority_label if g.minority else g.tier_label
        rows.append(
            [name, *([g.band or ""] if use_band else []), code(g.model), datasets_text(a, g)]
            + [
                cell_text(a.by_minority[(m, g)] if g.minority else a.by_group[(m, g)], a.verdict(m, g))
                for m in a.metrics
            ]
        )
    ropes = ", ".join(f"{label(m)} ±{stats.rope_of(m):g}" for m in a.metrics)
    notes = [
        (
            f"Each cell compares every strategy with {code(BASELINE)} over the row's datasets (fold means first). "
            f'"use X": X is better than {code(BASELINE)} (Wilcoxon signed-rank over origins — datasets cut from '
            f"one base table are averaged into one — q < {stats.ALPHA}; {a.correction_statement()}; on a "
            f"thresholded metric X must also beat {code('threshold')}, else the verdict is to tune the threshold)"
            + " and has the best mean rank among the "
            f'strategies that are; otherwise "no reliable difference — keep {code(BASELINE)}", with the best-ranked '
            f"other strategy described. Δ = strategy − {code(BASELINE)} per dataset, in the metric's units (for Brier, "
            f"negative is better); IQR = its quartiles; W/T/L = datasets where the gain is above / within / below "
            f"the ROPE ({ropes}); P(better/≈/worse) = Bayesian signed-rank test (baycomp) with that ROPE; "
            f'q = adjusted p. "avoid X": X is reliably worse than {code(BASELINE)}. ⚠ worse calibration: the '
            f"recommended strategy raises Brier or ECE vs {code(BASELINE)} in the same row by more than its ROPE "
            "on average, or significantly. ⚑ degenerate cells among the row's datasets."
        )
    ]
    merged = [g for g in groups if "+" in (g.minority or g.tier)]
    if merged:
        notes.append(
            f"Rows with fewer than {MIN_DATASETS} datasets are merged with their neighbour "
            f"({', '.join(sorted({(g.minority_label if g.minority else g.tier_label) for g in merged}))})."
        )
    return [Heading(title), Table(cols, rows), *[Para(n, small=True) for n in notes]]


def when_to_use(a: Analysis) -> list[str]:
    """One sentence per tier × model on the primary metric, filled from its verdict."""
    out = []
    m = label(a.metric)
    for g in a.groups:
        c = a.by_group[(a.metric, g)]
        v = a.verdict(a.metric, g)
        if v.kind == "empty":
            continue
        where = f"{g.label}, {code(g.model)} ({_n(v.n_datasets, c.block_unit)})"
        if v.kind == "better":
            assert v.strategy is not None
            s = f"{where}: use {code(v.strategy)} — better than {code(BASELINE)} on {m}: " + evidence_text(
                c, v.strategy
            )
            if v.calibration:
                s += (
                    "; but it worsens calibration ("
                    + ", ".join(f"{label(k)} {d:+.3f}" for k, d in v.calibration)
                    + "): recalibrate before using its probabilities"
                )
        elif v.kind == "untestable":
            s = (
                f"{where}: too few {c.block_unit}s for a test (the exact Wilcoxon test cannot go below p = "
                f"{v.min_p:.3g}); keep {code(BASELINE)} until more {c.block_unit}s are run"
            )
            if v.strategy is not None:
                s += f"; best other {code(v.strategy)}: " + evidence_text(c, v.strategy)
        else:
            s = f"{where}: no reliable difference on {m} — keep {code(BASELINE)}"
            if v.strategy is not None:
                s += f"; best other {code(v.strategy)}: " + evidence_text(c, v.strategy)
        if v.threshold_explains:
            s += "; " + threshold_text(c, v)
        if v.avoid:
            s += "; avoid " + ", ".join(code(x) for x in v.avoid)
        out.append(s + ".")
    return out


def decision_section(a: Analysis) -> list:
    """Decision-only strategies where they act: ``threshold`` vs none and ``X+threshold`` vs X, thresholded metrics."""
    items = []
    for (m, model), c in sorted(a.overall.items()):
        if not uses_threshold(m) or not c.ok:
            continue
        pairs = [(s, BASELINE, "wilcoxon") for s in c.strategies if strategy_base(s) == BASELINE]
        pairs += [
            (s, str(b), "decision") for s, b in zip(c.decision.get("strategy", []), c.decision.get("baseline", []))
        ]
        items += pair_items(c, model, pairs)
    if not items:
        return []
    return [
        Heading("Decision threshold where it acts"),
        Para(
            "Threshold tuning changes only the cut-off, not the scores: it is judged on thresholded metrics "
            "against the same strategy without it.",
            small=True,
        ),
        Bullets(items),
    ]


def cost_section(a: Analysis) -> list:
    """Cheapest strategy per tier × model at the stored and at the Bayes threshold, per 1,000 cases."""

    assert a.cost_fn is not None and a.cost_fp is not None
    t_star = bayes_threshold(a.cost_fn, a.cost_fp)
    cols = [
        "tier",
        "model",
        "verdict at stored threshold",
        "none at stored threshold",
        f"verdict at t* = {t_star:.3f}",
        f"none at t* = {t_star:.3f}",
    ]
    rows = []
    for g in a.groups:
        row = [f"{g.tier_label}{' ' + g.band if g.band else ''}", code(g.model)]
        for col in ("cost_at_threshold", "cost_at_bayes"):
            c = a.cost_by_group.get((col, g))
            row += _cost_cells(c, a.verdict(col, g) if c is not None else None)
        rows.append(row)
    out: list = [
        Heading(f"Costs (cost_fn = {a.cost_fn:g}, cost_fp = {a.cost_fp:g})"),
        Para(
            f"Expected cost per 1,000 cases, re-scored from the stored test predictions without refitting: "
            f"at each cell's stored threshold (chosen on training data) and at the Bayes threshold "
            f"t* = cost_fp / (cost_fp + cost_fn) = {t_star:.3f}, which is optimal only for calibrated scores. "
            f"No threshold is chosen on test rows."
        ),
        Table(cols, rows),
        Para(
            "Verdicts as in the tables above, on expected cost per 1,000 cases (lower is better; ROPE "
            f"±{1000 * stats.rope_of('cost_at_bayes'):g} per 1,000).",
            small=True,
        ),
    ]
    cells = a.cost_cells
    assert cells is not None
    base = cells[cells["strategy"] == BASELINE].dropna(subset=["per_1000_at_threshold", "per_1000_at_bayes"])
    if len(base):
        out.append(
            Bullets(
                [
                    (
                        f"Moving {code(BASELINE)} from its stored threshold to t* changes its mean cost per 1,000 "
                        f"cases from {base['per_1000_at_threshold'].mean():.1f} to "
                        f"{base['per_1000_at_bayes'].mean():.1f} (over {len(base)} ok cells)."
                    )
                ]
            )
        )
    return out


def _cost_cells(c: RankComparison | None, v: Verdict | None) -> list[str]:
    if c is None or v is None or not c.ok:
        return ["—", "—"]
    per = 1000 * c.block_values.mean()
    base = f"{per[BASELINE]:.1f}" if BASELINE in per else "—"
    return [cell_text(c, v, scale=1000, digits=1), base]


def flags_section(a: Analysis) -> list:
    """Degenerate cells and cells tuned below the protocol's budget, plainly listed."""

    items = []
    few = few_positive_datasets(a.results)
    if few:
        shown = ", ".join(f"{code(d)} ({k})" for d, k in sorted(few.items(), key=lambda kv: kv[1])[:8])
        items.append(
            f"{_n(len(few), 'dataset')} with test folds of fewer than {MIN_TEST_POSITIVES} positives "
            f"(smallest fold's count): {shown}{' …' if len(few) > 8 else ''}. Their fold metrics are noisy."
        )
    deg = a.degenerate
    for key in ("constant_scores", "threshold_at_bound"):
        d = deg[deg[key]] if len(deg) else deg
        if len(d):
            cells = ", ".join(
                f"{code(r.strategy)} × {code(r.model)} on {code(r.dataset)}" for r in d.head(8).itertuples(index=False)
            )
            text = FLAG_TEXT[key]
            items.append(f"{text[0].upper() + text[1:]}: {_n(len(d), 'cell')} — {cells}{' …' if len(d) > 8 else ''}.")
    if a.n_trials is None:
        items.append("config.yaml states no protocol.n_trials: the tuning budget of each cell was not checked.")
    elif a.under_budget.empty:
        items.append(f"Tuning budget: every ok cell ran the protocol's {a.n_trials} Optuna trials.")
    else:
        ub = a.under_budget.groupby(["strategy", "model"]).size()
        parts = ", ".join(f"{code(s)} × {code(m)} ({k})" for (s, m), k in ub.items())
        items.append(
            f"Tuned below budget: {_n(len(a.under_budget), 'ok cell')} ran fewer than the protocol's "
            f"{a.n_trials} trials without failing (an early-stopped study): {parts}."
        )
    if not items:
        return []
    return [Heading("Flags"), Bullets(items)]


def coverage_section(a: Analysis) -> list:
    """Non-ok cells per strategy × model (plainly) and what the rank rule left out."""
    st = a.status
    bad = st[(st["failed"] > 0) | (st["timeout"] > 0) | (st["not_applicable"] > 0)]
    out: list = [Heading("Coverage")]
    if bad.empty:
        out.append(Para("Every cell finished ok."))
    else:
        rows = [
            [
                code(r.strategy),
                code(r.model),
                str(r.ok),
                str(r.failed),
                str(r.timeout),
                str(r.not_applicable),
                str(r.example_error or ""),
            ]
            for r in bad.itertuples(index=False)
        ]
        out.append(Table(["strategy", "model", "ok", "failed", "timeout", "not applicable", "example"], rows))
    ex = a.exclusions()
    ex = ex[ex["metric"] == a.metric]
    dup = ex["reason"].str.contains("decision-only")
    if dup.any():
        names = ", ".join(code(x) for x in sorted(set(ex.loc[dup, "name"])))
        out.append(
            Para(
                f"{names} left out of every {label(a.metric)} comparison: identical to its base strategy "
                "on this metric by construction (decision-only); compared on thresholded metrics instead."
            )
        )
    ex = ex[~dup]
    if len(ex):
        items = [
            f"{code(r.model)}, {r.group}: {r.kind} {code(r.name)} left out — {r.reason}"
            for r in ex.drop_duplicates(["model", "group", "kind", "name"]).itertuples(index=False)
        ]
        out.append(Para(f"Left out of the {label(a.metric)} ranks by the rank rule:"))
        out.append(Bullets(items))
    return out


def group_title(g: Group) -> str:
    """Short human label of a group."""
    return f"{g.model}, {g.label}"
