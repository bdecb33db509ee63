"""Rebuild ``imbench/advice/reference.json`` (what ``imbench advise`` learns from) from published runs, validate
the advice on held-out dataset families, and write the validation table.

Run: ``.venv/bin/python benchmarks/advice_reference.py results/keel results/ir_ladder``

Loads every reference dataset to compute its meta-features (seconds each, offline), measures the gains per
dataset × model × strategy from ``results.parquet`` (and the expected-cost gains from ``predictions.parquet``),
runs the leave-one-family-out validation, and writes the table with its validation block plus
``results/advice/validation.md`` (the README's table).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from imbench.advice.reference import REFERENCE_FILE, Reference, build_reference
from imbench.advice.validation import ADVICE, NONE, OVERALL, validate
from imbench.core.files import write_atomic

PACKAGE_FILE = Path(__file__).resolve().parents[1] / "imbench" / "advice" / REFERENCE_FILE
LABEL = {"pr_auc": "PR-AUC", "f1": "F1", "brier": "Brier"}


def _q(q: float) -> str:
    return "q —" if q != q else f"q {q:.2g}"


def validation_markdown(validation: dict, sources: list[dict]) -> str:
    """The validation block as Markdown tables (per objective: per model, mean regret of each rule)."""
    runs = ", ".join(f"`{s['run']}` ({s['cells']} cells)" for s in sources)
    lines = [
        "# How good is `imbench advise`? Leave-one-family-out validation",
        "",
        f"Reference runs: {runs}. Each family of datasets (a ladder with its base, variants of one original "
        "source) is held out in turn; the advice (the best mean gain over the "
        f"{validation['k']} nearest reference datasets, at most two per family) is built from the other families "
        "and scored on the held-out datasets. Regret = gain of the best strategy in hindsight minus gain of the "
        "chosen one, in the objective's units (0 is perfect; lower is better); a pick without a result on the "
        "held-out dataset scores as `none`. Two decisions per model and objective rest on tests over held-out "
        "families (datasets of one family are not independent): the mean difference of two rules' regrets over "
        "datasets, tested by an exact sign-flip test over families (under no difference a family's total is as "
        "likely positive as negative), with one Benjamini–Hochberg family of "
        f"{validation['family_size']} tests across every model × objective of this page and three comparisons "
        "each (overall best − none, advice − none, advice − overall best; pairs of rules that never differ are "
        'not tests and are left out); q = adjusted p. The fallback is "always `none`" unless "always the overall '
        'best strategy of the other families" reliably regrets less (q < 0.05, mean below 0: a change from doing '
        "nothing needs evidence); `advise` uses the advice for a model only where advice − fallback is reliably "
        "below 0 in the same way, and otherwise recommends the fallback and says so. Intervals are 95 % cluster "
        "bootstraps over families (2,000 resamples), not adjusted for the many comparisons, so an interval can "
        "exclude 0 where q does not reach 0.05. The overall best strategy is chosen anew with each family held out; "
        "the table names the most common pick. The `all` rows pool the models for reading only and form their own "
        f"family ({validation['pooled_family_size']} tests).",
        "",
    ]
    for objective, block in validation["objectives"].items():
        label = LABEL.get(objective, f"expected cost at cost_fn/cost_fp = {objective.removeprefix('cost_')}")
        cov = block.get("range_coverage")
        lines += [
            f"## {label}" + (f" (10–90 % ranges held {cov:.0%} of held-out gains)" if cov is not None else ""),
            "",
            "| model | datasets (families) | regret: advice | always overall best (most common pick) | always none "
            "| overall best − none [unadjusted 95 % CI], q | advice − fallback [unadjusted 95 % CI], q "
            "| advice better / worse (datasets) | used |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for model, s in block["models"].items():
            used = (
                "advice" if s["verdict"] == ADVICE else f"always {'none' if s['verdict'] == NONE else 'overall best'}"
            )
            if model == "all":  # advise decides per model; the pooled row is for reading only
                used = f"(pooled, not used: {used})"
            lines.append(
                f"| {model} | {s['datasets']} ({s['families']}) | {s[f'regret_{ADVICE}']:.4f} | "
                f"{s[f'regret_{OVERALL}']:.4f} (`{s['overall_strategy']}`) | {s[f'regret_{NONE}']:.4f} | "
                f"{s['overall_minus_none']:+.4f} [{s['overall_ci_low']:+.4f}, {s['overall_ci_high']:+.4f}], "
                f"{_q(s['overall_q'])} | {s['advice_minus_fallback']:+.4f} [{s['ci_low']:+.4f}, {s['ci_high']:+.4f}], "
                f"{_q(s['q'])} | "
                f"{s['advice_better']} / {s['advice_worse']} | {used} |"
            )
        lines.append("")
    ks = ", ".join(f"k={k}: {v:.4f}" for k, v in validation["k_sensitivity"].items())
    lines += [f"PR-AUC regret of the advice at other k (k is fixed at {validation['k']} in advance): {ks}.", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path, help="published run directories (results/keel …)")
    ap.add_argument("--out", type=Path, default=PACKAGE_FILE, help="reference table [default: the package's]")
    ap.add_argument("--markdown", type=Path, default=Path("results/advice/validation.md"))
    args = ap.parse_args()
    start = time.perf_counter()
    ref = build_reference(args.runs, on_dataset=lambda d: print(f"meta-features: {d}", flush=True))
    print(
        f"{len(ref.meta)} datasets, {len(ref.gains)} dataset × model × strategy gains ({time.perf_counter() - start:.0f}s)"
    )
    ref = Reference.from_json(ref.to_json())  # validate exactly what is shipped (values rounded as stored)
    ref.validation = validate(ref)
    write_atomic(args.out, ref.to_json())
    text = validation_markdown(ref.validation, ref.sources)
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(args.markdown, text)
    print(text)
    print(f"wrote {args.out} and {args.markdown} ({time.perf_counter() - start:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
