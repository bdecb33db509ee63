"""The README's "What the reference runs say" block is exactly what ``benchmarks/findings.py`` makes of the
published cheat-sheets (which ``tests/test_reporting.py`` checks against the committed results)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _findings_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("findings", ROOT / "benchmarks" / "findings.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_findings_block_is_generated_from_the_published_cheatsheets() -> None:
    f = _findings_module()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"benchmarks/findings\.py ((?:results/\S+\s*)+)--write", readme.replace("\n", " "))
    assert command, "the README names the command that generates the block"
    runs = [ROOT / r for r in command.group(1).split()]
    block = f.readme_block(readme)
    assert block and block == f.findings(runs)


def test_sections_and_tables_are_read_from_markdown() -> None:
    f = _findings_module()
    md = "# t\n\n## A one\n\nlead\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n## B\n\nother\n"
    assert f.section(md, "A one").startswith("lead") and f.section(md, "B") == "other" and f.section(md, "C") == ""
    assert f.table(f.section(md, "A one")) == [{"x": "1", "y": "2"}]


def test_a_glance_with_nothing_testable_is_one_line() -> None:
    f = _findings_module()
    grid = "| tier | `logreg` | `xgboost` |\n|---|---|---|\n| low: 4 datasets (1 base problem) | {} | — |\n"
    ladder = "## At a glance\n\nPR-AUC\n\n" + grid.format("too few base problems: keep `none`")
    line = "**The cheat-sheet at a glance** (`r`): no tier holds enough base problems for a test."
    assert f.glance_block(ladder, "r") == [line, ""]
    decided = "## At a glance\n\nPR-AUC\n\n" + grid.format("**`smote` +0.050 [+0.010, +0.090]**")
    assert f.glance_block(decided, "r")[2].endswith("| **`smote` +0.050 [+0.010, +0.090]** | — |")
    piped = "## At a glance\n\nPR-AUC\n\n" + grid.format("too few datasets: keep `a\\|b`")
    assert f.glance_block(piped, "r")[0].endswith("no tier holds enough datasets for a test.")


def test_readme_validation_tables_are_rows_of_the_published_validation() -> None:
    """The advise validation rows in the README are verbatim rows of results/advice/validation.md (which
    tests/test_advice.py ties to the shipped reference table), so the README cannot show stale numbers."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- validation:start.*?-->(.*?)<!-- validation:end -->", readme, re.S)
    assert block, "the README shows the validation tables"
    published = set((ROOT / "results" / "advice" / "validation.md").read_text(encoding="utf-8").splitlines())
    rows = [line for line in block.group(1).splitlines() if line.startswith("|")]
    assert len(rows) >= 2 * 7  # header, rule and five rows for PR-AUC and for F1
    assert [r for r in rows if r not in published] == []
