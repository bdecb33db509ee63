"""The decision box: what ``compare`` recommends and what it gains, on the objective it ranked by, written once
and shown everywhere (first in the console, at the top of the compare report, as MLflow tags and metrics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imbench.core.metrics import get_metric
from imbench.core.schema import Recommendation
from imbench.reporting.renderers.blocks import Bullets, Heading, Para, Table


@dataclass
class DecisionBox:
    """The decision box as text lines and flat metrics."""

    lines: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, rec: Recommendation, budget_s: float, costs: bool) -> DecisionBox:
        """The box of a recommendation."""
        return cls(decision_lines(rec, budget_s, costs), decision_metrics(rec))


def decision_lines(rec: Recommendation, budget_s: float, costs: bool) -> list[str]:
    """The decision box, a line each: the recommended pipeline and its gains on the objective it was ranked by."""

    m = get_metric(rec.metric)
    what = "expected cost per 1,000 cases" if costs else m.name
    value = f"{rec.cost_per_1000:.1f}" if costs and rec.cost_per_1000 is not None else f"{rec.mean:.4f}"
    out = [f"Recommended: {rec.strategy} × {rec.model}"]
    if rec.ranked_first:
        out.append(f"  {rec.ranked_first}")
    interval = "" if costs else f" [{rec.ci_low:.3f}, {rec.ci_high:.3f}]"
    out.append(
        f"  {what} {value}{interval} over {rec.folds} outer folds; F1 {rec.f1:.3f}; decision threshold "
        f"{rec.final_threshold:.4f}"
        if rec.final_threshold is not None
        else f"  {what} {value}{interval} over {rec.folds} outer folds; F1 {rec.f1:.3f}"
    )
    labels = {"none": "doing nothing", "threshold": "tuning the threshold alone", "baseline": "the baseline"}
    for name, g in rec.gains.items():
        f1 = f"; F1 {rec.f1:.3f} vs {g['f1']:.3f}" if "f1" in g else ""
        out.append(f"  gain over {labels[name]} ({g['vs']}): {gain_text(g, costs)}{f1}")
    sel = rec.selection_aware or {}
    if not costs and "gain_vs_none" in sel:  # nested selection is scored on the ranking metric
        lo, hi = sel["gain_ci_low"], sel["gain_ci_high"]
        if sel["gain_vs_none"] == 0 and lo == hi == 0:
            out.append(
                f"  selection-aware: picking by inner score gains nothing over none on any of {sel['folds']} folds"
            )
        else:
            out.append(
                f"  selection-aware gain over none (pick by inner score, score on the outer fold): "
                f"{sel['gain_vs_none']:+.4f} [{lo:+.4f}, {hi:+.4f}] over {sel['folds']} folds"
            )
    if costs and rec.none_cost_per_1000 is not None and rec.saving_per_1000 is not None:
        out.append(
            f"  expected cost per 1,000 cases {rec.cost_per_1000:.1f} vs {rec.none_cost_per_1000:.1f} for none at "
            f"threshold 0.5 (saving {rec.saving_per_1000:.1f}; the gain over tuning the threshold alone is above)"
        )
    if rec.final_source:
        out.append(f"  final model: {rec.final_source}")
    if rec.measured_seconds is not None and rec.estimated_seconds:
        ratio = rec.measured_seconds / rec.estimated_seconds
        out.append(
            f"  time: estimated {rec.estimated_seconds:.0f}s, measured {rec.measured_seconds:.0f}s "
            f"(measured/estimated {ratio:.2f}) of a {budget_s:.0f}s budget"
        )
    return out


def gain_text(g: dict[str, Any], costs: bool) -> str:
    """``+0.0123 [+0.0040, +0.0206] over 5 folds``; the same scores on every fold are said as such."""
    if "mean" not in g:
        return "no fold where both finished"
    if g.get("identical"):
        return f"none on the ranking objective: identical scores on all {g['folds']} folds (the same model)"
    unit = " per 1,000 cases saved" if costs else ""
    digits = 1 if costs else 4
    lo, hi = g["ci_low"], g["ci_high"]
    ci = f" [{lo:+.{digits}f}, {hi:+.{digits}f}]" if lo == lo and hi == hi else ""
    verdict = "reliable" if lo > 0 else ("reliably worse" if hi < 0 else "not reliable")
    return f"{g['mean']:+.{digits}f}{ci}{unit} over {g['folds']} folds ({verdict}, 95 % Nadeau–Bengio)"


def decision_metrics(rec: Recommendation) -> dict[str, float]:
    """The box's numbers as flat MLflow metrics (``gain_vs_<none|threshold|baseline>[_ci_low|_ci_high]``)."""
    out: dict[str, float] = {}
    if rec.cost_per_1000 is not None:
        out["cost_per_1000"] = float(rec.cost_per_1000)
    for name, g in rec.gains.items():
        for key, suffix in (("mean", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high")):
            value = g.get(key)
            if isinstance(value, float) and value == value:
                out[f"gain_vs_{name}{suffix}"] = value
    for key in ("estimated_seconds", "measured_seconds"):
        value = getattr(rec, key)
        if value is not None:
            out[key] = float(value)
    return out


def report_lead(decision: DecisionBox | None, table: Any, plan: Any, metric: str, costs: bool) -> list[Any]:
    """The compare report's opening blocks: the decision box, the ranked table, the plan and its cuts."""

    m = get_metric(metric)
    blocks: list[Any] = [Heading("Decision")]
    if decision is None:
        blocks.append(Para("No strategy × model completed every fold: no recommendation (see Coverage)."))
    else:
        blocks += [Para(decision.lines[0]), Bullets([line.strip() for line in decision.lines[1:]])]
    cols = ["#", "strategy", "model", m.name, "95 % CI", "F1", "threshold", "status"]
    if costs:
        cols.insert(4, "cost/1000")
    rows = []
    for _, r in table.iterrows():
        row = [str(r["rank"]), str(r["strategy"]), str(r["model"]), f"{r['mean']:.4f}"]
        if costs:
            row.append(f"{r['cost_per_1000']:.1f}")
            lo, hi = r.get("cost_ci_low", float("nan")), r.get("cost_ci_high", float("nan"))
            row.append(f"{lo:.1f}–{hi:.1f}")
        else:
            row.append(f"{r['ci_low']:.3f}–{r['ci_high']:.3f}")
        row += [f"{r['f1']:.3f}", f"{r['threshold']:.3f}", str(r["status"])]
        rows.append(row)
    ranked = "expected cost per 1,000 cases" if costs else m.name
    blocks += [Heading("Ranked strategies × models"), Table(cols, rows, caption=f"ranked by {ranked}; 95 % "
               "Nadeau–Bengio intervals over the outer folds (of the ranking objective)")]  # fmt: skip
    p = plan.protocol
    inner = p.inner_validation
    blocks += [
        Heading("Plan"),
        Para(
            f"{p.outer_folds}×{p.repeats} outer folds, {inner}, {p.n_trials} trials per cell; models "
            f"{', '.join(plan.models)}; estimated {plan.estimated_seconds:.0f}s."
        ),
    ]
    if plan.cuts:
        blocks.append(Bullets(list(plan.cuts)))
    return blocks
