"""The Markdown renderer: a ``Document`` as GitHub-flavoured Markdown (text only: figures are left out)."""

from __future__ import annotations

import re

from imbench.reporting.renderers.blocks import Block, Bullets, Cell, Details, Document, Heading, Para, Table, split_code

_MD_SPECIAL = re.compile(r"[\\*`]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|\[(?=[^\]]*\]\()")


def md_inline(text: str, in_table: bool = False) -> str:
    """Markdown for inline text: ``\\ * `` and tag/link openers escaped outside code spans; ``|`` in tables."""
    out = []
    for is_code, s in split_code(text):
        if is_code:
            out.append("`" + (s.replace("|", "\\|") if in_table else s) + "`")
        else:
            s = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), s)
            out.append(s.replace("|", "\\|") if in_table else s)
    return "".join(out).replace("\n", " ")


def to_markdown(doc: Document) -> str:
    """Render as GitHub-flavoured Markdown (figures are omitted: the Markdown output is text only)."""
    lines = [f"# {md_inline(doc.title)}", ""]
    for b in doc.blocks:
        lines += _md_block(b)
    return "\n".join(lines).rstrip() + "\n"


def _md_cell(c: str | Cell) -> str:
    if isinstance(c, str):
        return md_inline(c, True)
    text = md_inline(c.text, True)
    text = f"**{text}**" if c.bold and c.text else text
    return " ".join(t for t in (text, md_inline(c.flag, True), md_inline(c.sub, True)) if t)


def _md_block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        return ["#" * min(max(b.level, 2), 6) + " " + md_inline(b.text), ""]
    if isinstance(b, Para):
        return [md_inline(b.text), ""]
    if isinstance(b, Bullets):
        return [f"- {md_inline(i)}" for i in b.items] + [""]
    if isinstance(b, Table):
        lines = [md_inline(b.caption), ""] if b.caption else []
        lines.append("| " + " | ".join(md_inline(c, True) for c in b.columns) + " |")
        lines.append("|" + "|".join("---" for _ in b.columns) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
        return [*lines, ""]
    if isinstance(b, Details):
        return [f"**{md_inline(b.summary)}**", ""] + [line for inner in b.blocks for line in _md_block(inner)]
    return []
