"""The advice practitioners repeat, checked against a run: one row per claim × model, from the report's tests.

Each claim names a strategy, the baseline it is supposed to beat and the metric on which the advice is
given. The evidence is the comparison over all of the run's datasets for that model (fold means per
dataset, averaged per origin, Wilcoxon signed-rank over origins, Benjamini–Hochberg within the question's
family, bootstrap interval of the median difference). A thresholded-metric claim ("SMOTE improves F1") is also
checked against ``threshold``: moving the cut-off explains most F1 gains of resampling. A claim "holds" for a model only where the test says better,
"contradicted" where it says worse, and otherwise "not shown"; a claim the run cannot test is left out.
A run of IR-ladder rungs (subsamples of a few base problems) tests no claims: its rungs are not independent
datasets (the ladder section tests the IR trend within bases instead).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imbench.core.schema import BASELINE
from imbench.reporting.documents.ladder import LADDER
from imbench.reporting.renderers.blocks import Heading, Para, Table, code
from imbench.reporting.tables.analysis import Analysis, label
from imbench.reporting.tables.comparisons import RankComparison


@dataclass(frozen=True)
class Claim:
    """A piece of common advice as a testable comparison."""

    advice: str
    strategy: str
    metric: str
    baseline: str = BASELINE
    models: tuple[str, ...] = ()
    """Models the advice is about (empty: every model the run has)."""


CLAIMS: tuple[Claim, ...] = (
    Claim("Oversample the minority with SMOTE", "smote", "average_precision"),
    Claim("Oversample the minority with SMOTE", "smote", "f1"),
    Claim("SMOTE adds to what tuning the threshold gives", "smote", "f1", baseline="threshold"),
    Claim("ADASYN focuses synthetic samples where they help", "adasyn", "average_precision"),
    Claim("Random oversampling of the training set", "random_over", "average_precision"),
    Claim("Random undersampling of the majority", "random_under", "average_precision"),
    Claim("Use class_weight='balanced' (cost-sensitive loss)", "class_weight", "average_precision"),
    Claim("Use class_weight='balanced' (cost-sensitive loss)", "class_weight", "f1"),
    Claim("Class weights add to what tuning the threshold gives", "class_weight", "f1", baseline="threshold"),
    Claim("Set scale_pos_weight = neg/pos in gradient boosting", "scale_pos_weight", "average_precision"),
    Claim("Set scale_pos_weight = neg/pos in gradient boosting", "scale_pos_weight", "f1"),
    Claim("Balanced Random Forest beats a plain forest", "balanced_rf", "average_precision", models=("random_forest",)),
    Claim("EasyEnsemble: boosted learners on balanced bootstraps", "easy_ensemble", "average_precision"),
    Claim("Tune the decision threshold on the PR curve", "threshold", "f1"),
    Claim("SMOTE, then tune the threshold", "smote+threshold", "f1", baseline="smote"),
)

VERDICT = {"better": "holds", "worse": "contradicted", "none": "not shown", "untestable": "too few datasets"}


def _row(c: RankComparison, claim: Claim) -> dict | None:
    """The comparison-table row testing ``claim`` in ``c``, with the table's orientation; None when absent."""
    for table in ("wilcoxon", "decision", "vs_threshold"):
        df = getattr(c, table)
        if df.empty:
            continue
        hit = df[(df["strategy"] == claim.strategy) & (df["baseline"] == claim.baseline)]
        if len(hit):
            return dict(hit.iloc[0])
    return None


def claim_rows(a: Analysis) -> list[list[str]]:
    """Rows of the claims table: advice, metric, model, datasets, verdict, median Δ [95 % CI], W/T/L, q."""

    rows: list[list[str]] = []
    if a.results["dataset"].str.match(LADDER.pattern).any():
        return rows
    for claim in CLAIMS:
        for (metric, model), c in sorted(a.overall.items()):
            if metric != claim.metric or not c.ok or (claim.models and model not in claim.models):
                continue
            r = _row(c, claim)
            if r is None:
                continue
            if bool(r["significant"]):
                key = "better" if r["better"] else "worse"
            else:
                key = "none" if bool(r["testable"]) else "untestable"
            ci = (
                f" [{r['median_ci_low']:+.3f}, {r['median_ci_high']:+.3f}]"
                if np.isfinite(r["median_ci_low"]) and np.isfinite(r["median_ci_high"])
                else ""
            )
            q = f"{r['p_adj']:.2g}" if np.isfinite(r["p_adj"]) else "n/a"
            rows.append(
                [
                    claim.advice,
                    f"{code(claim.strategy)} vs {code(claim.baseline)}, {label(metric)}",
                    code(model),
                    f"{c.n_datasets_described} ({int(r['n_datasets'])} origins)"
                    if c.block_unit == "origin"
                    else str(int(r["n_datasets"])),
                    VERDICT[key],
                    f"{r['median_diff']:+.3f}{ci}",
                    f"{int(r['wins'])}/{int(r['ties'])}/{int(r['losses'])}",
                    q,
                ]
            )
    return rows


def claims_section(a: Analysis) -> list:
    """The cheat-sheet section "The usual advice, checked" (empty when the run tests none of the claims)."""
    rows = claim_rows(a)
    if not rows:
        return []
    held = sum(r[4] == VERDICT["better"] for r in rows)
    against = sum(r[4] == VERDICT["worse"] for r in rows)
    cols = ["advice", "test", "model", "datasets", "verdict", "median Δ [95 % CI]", "W/T/L", "q"]
    return [
        Heading("The usual advice, checked"),
        Para(
            f"{len(rows)} claim × model tests over all datasets: the advice holds in {held}, is contradicted in "
            f"{against}, and is not shown (no reliable difference, or too few datasets) in {len(rows) - held - against}."
        ),
        Table(cols, rows),
        Para(
            "Each row: the strategy against the baseline the advice names, per dataset the mean over outer folds, "
            "Wilcoxon signed-rank test over datasets (over origins where datasets share one: their means are averaged "
            f"first), {a.correction_statement()} (q); Δ in the "
            "metric's units with a 95 % bootstrap interval of the median; W/T/L = datasets above / within / below the "
            'practical-equivalence band. "holds" = reliably better, "contradicted" = reliably worse.',
            small=True,
        ),
    ]
