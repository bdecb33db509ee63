"""The README's "What the reference runs say" block, generated from the published cheat-sheets.

Nothing is written by hand: the block is assembled from sections of ``results/<run>/cheatsheet.md``
(which ``imbench report`` regenerates from the committed results): the verdicts at a glance (per metric,
a tier × model grid), the common advice checked claim by claim (one row per claim, one column per model),
the IR trends that are reliable within ladder bases, and the run's sound bites. ``--write`` replaces the
block between the README's markers; ``tests/test_readme_findings.py`` fails when the README and the
cheat-sheets disagree.

Run: ``.venv/bin/python benchmarks/findings.py results/keel results/ir_ladder [--write]``
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- findings:start (benchmarks/findings.py) -->", "<!-- findings:end -->"


def section(md: str, heading: str) -> str:
    """The body of the ``## heading`` section of a Markdown text ('' when absent)."""
    m = re.search(rf"^## {re.escape(heading)}[^\n]*\n(.*?)(?=^## |\Z)", md, flags=re.M | re.S)
    return m.group(1).strip() if m else ""


def table(text: str) -> list[dict[str, str]]:
    """The first Markdown table in ``text`` as a list of rows keyed by column name."""
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    if len(lines) < 2:
        return []
    cols = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(cols, (c.strip() for c in ln.strip("|").split("|")), strict=False)) for ln in lines[2:]]


def glance_block(md: str, run: str) -> list[str]:
    body = section(md, "At a glance")
    if not body:
        return []
    rows = [re.split(r"(?<!\\)\|", ln.strip().strip("|")) for ln in body.splitlines() if ln.startswith("| ")]
    cells = [c.strip() for r in rows[1:] for c in r[1:]] if rows else []  # rows[0]: the header of the first grid
    verdicts = [c for c in cells if c and c != "—" and not c.startswith("`")]  # later headers: `model` names
    few = {m.group(1) for c in verdicts if (m := re.match(r"too few (.+?): ", c))}
    if verdicts and len(few) == 1 and all(c.startswith("too few") for c in verdicts):
        return [f"**The cheat-sheet at a glance** (`{run}`): no tier holds enough {few.pop()} for a test.", ""]
    return [f"**The cheat-sheet at a glance** (`{run}`)", "", body, ""]


def claims_block(md: str, run: str) -> list[str]:
    body = section(md, "The usual advice, checked")
    rows = table(body)
    if not rows:
        return []
    models = sorted({r["model"] for r in rows})
    tests: dict[str, dict[str, str]] = {}
    for r in rows:
        key = f"{r['advice']} — {r['test']}"
        tests.setdefault(key, {})[r["model"]] = f"{r['verdict']}: {r['median Δ [95 % CI]']}, q {r['q']}"
    out = [
        f"**The usual advice, checked** (`{run}`; {body.splitlines()[0]})",
        "",
        "| advice — test | " + " | ".join(models) + " |",
        "|---|" + "---|" * len(models),
    ]
    out += [f"| {k} | " + " | ".join(v.get(m, "—") for m in models) + " |" for k, v in tests.items()]
    return [*out, ""]


def trend_block(md: str, run: str) -> list[str]:
    body = section(md, "How the gain changes with imbalance (IR ladder)")
    rows = [r for r in table(body) if r.get("trend", "").endswith("with IR")]
    if not body:
        return []
    out = [f"**Imbalance ratio, within base problems** (`{run}`; {body.splitlines()[0]})", ""]
    page = "Page's L"
    out += [
        f"- {r['strategy']} with {r['model']}, {r['metric']}: {r['trend']} "
        f"(median Δ {r['median Δ, lowest → highest rung']}, {page} {r[page]}, q {r['q']})"
        for r in rows
    ] or ["- no reliable trend"]
    return [*out, ""]


def bites_block(md: str, run: str) -> list[str]:
    body = section(md, "Sound bites from this run")
    items = [ln for ln in body.splitlines() if ln.startswith("- ")]
    return [f"**Sound bites** (`{run}`)", "", *items, ""] if items else []


def findings(runs: list[Path]) -> str:
    lines: list[str] = []
    for run in runs:
        md = (run / "cheatsheet.md").read_text(encoding="utf-8")
        name = run.relative_to(ROOT).as_posix() if run.is_absolute() else run.as_posix()
        lines += glance_block(md, name) + claims_block(md, name) + trend_block(md, name) + bites_block(md, name)
    return "\n".join(lines).strip() + "\n"


def readme_block(text: str) -> str:
    """The README's current findings block ('' when the markers are absent)."""
    if START not in text or END not in text:
        return ""
    return text.split(START, 1)[1].split(END, 1)[0].strip() + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--write", action="store_true", help="replace the block between the README's markers")
    args = ap.parse_args()
    block = findings(args.runs)
    if not args.write:
        print(block)
        return 0
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"error: README.md lacks the markers {START} … {END}")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(f"{head}{START}\n{block}{END}{tail}", encoding="utf-8")
    print(f"README.md: findings block from {', '.join(map(str, args.runs))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
