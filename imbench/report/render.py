"""A tiny document model (headings, paragraphs, lists, tables, figures) and its Markdown and HTML renderers.

Inline text knows one markup only: `code spans` in backticks (use :func:`code` for names). Everything
else is literal: the Markdown renderer backslash-escapes punctuation, the HTML renderer escapes every
string with ``html.escape``. No renderer emits scripts or external references.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

import pandas as pd


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str
    small: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Figure:
    title: str
    png: bytes
    caption: str = ""
    alt: str = ""


Block = Union[Heading, Para, Bullets, Table, Figure]


@dataclass
class Document:
    """An ordered list of blocks with a title."""

    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def code(name: object) -> str:
    """A name as an inline code span (backticks inside the name become apostrophes)."""
    return "`" + str(name).replace("`", "'") + "`"


def table_from_frame(df: pd.DataFrame, floatfmt: str = "{:.4g}", caption: str = "") -> Table:
    """A Table from a DataFrame; floats formatted, NaN shown as an empty cell."""
    def fmt(v: object) -> str:
        if isinstance(v, float):
            return "" if v != v else floatfmt.format(v)
        return "" if v is None else str(v)

    return Table([str(c) for c in df.columns], [[fmt(v) for v in row] for row in df.itertuples(index=False)], caption)


_CODE = re.compile(r"`([^`]*)`")
_MD_SPECIAL = re.compile(r"[\\*`]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|\[(?=[^\]]*\]\()")


def _split_code(text: str) -> list[tuple[bool, str]]:
    parts, pos = [], 0
    for m in _CODE.finditer(text):
        parts.append((False, text[pos:m.start()]))
        parts.append((True, m.group(1)))
        pos = m.end()
    parts.append((False, text[pos:]))
    return parts


def md_inline(text: str, in_table: bool = False) -> str:
    """Markdown for inline text: ``\\ * `` and tag/link openers escaped outside code spans; ``|`` in tables."""
    out = []
    for is_code, s in _split_code(text):
        if is_code:
            out.append("`" + (s.replace("|", "\\|") if in_table else s) + "`")
        else:
            s = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), s)
            out.append(s.replace("|", "\\|") if in_table else s)
    return "".join(out).replace("\n", " ")


def html_inline(text: str) -> str:
    """HTML for inline text: everything escaped, code spans as ``<code>``."""
    return "".join(f"<code>{html.escape(s)}</code>" if is_code else html.escape(s) for is_code, s in _split_code(text))


def to_markdown(doc: Document) -> str:
    """Render as GitHub-flavoured Markdown (figures are omitted: the Markdown output is text only)."""
    lines = [f"# {md_inline(doc.title)}", ""]
    for b in doc.blocks:
        if isinstance(b, Heading):
            lines += ["#" * min(max(b.level, 2), 6) + " " + md_inline(b.text), ""]
        elif isinstance(b, Para):
            lines += [md_inline(b.text), ""]
        elif isinstance(b, Bullets):
            lines += [f"- {md_inline(i)}" for i in b.items] + [""]
        elif isinstance(b, Table):
            if b.caption:
                lines += [md_inline(b.caption), ""]
            lines.append("| " + " | ".join(md_inline(c, True) for c in b.columns) + " |")
            lines.append("|" + "|".join("---" for _ in b.columns) + "|")
            lines += ["| " + " | ".join(md_inline(c, True) for c in r) + " |" for r in b.rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:2px solid #444}h2{border-bottom:1px solid #bbb;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.3em .6em;
vertical-align:top;text-align:left}th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}
code{background:#f3f3f3;padding:0 .2em;border-radius:3px}figure{margin:1.5em 0}
figure img{max-width:100%;border:1px solid #ddd}figcaption{font-size:.9em;color:#555}
p.small{font-size:.85em;color:#555}caption{caption-side:top;text-align:left;font-weight:600;padding:.3em 0}
nav ul{columns:2}
"""


def to_html(doc: Document) -> str:
    """Render as one self-contained HTML page: inline CSS, figures as base64 PNG, no scripts."""
    body: list[str] = []
    toc: list[str] = []
    n = 0
    for b in doc.blocks:
        if isinstance(b, Heading):
            level = min(max(b.level, 2), 6)
            if level == 2:
                n += 1
                toc.append(f'<li><a href="#s{n}">{html_inline(b.text)}</a></li>')
                body.append(f'<h2 id="s{n}">{html_inline(b.text)}</h2>')
            else:
                body.append(f"<h{level}>{html_inline(b.text)}</h{level}>")
        elif isinstance(b, Para):
            cls = ' class="small"' if b.small else ""
            body.append(f"<p{cls}>{html_inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            body.append("<ul>" + "".join(f"<li>{html_inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            cap = f"<caption>{html_inline(b.caption)}</caption>" if b.caption else ""
            head = "".join(f"<th>{html_inline(c)}</th>" for c in b.columns)
            rows = "".join("<tr>" + "".join(f"<td>{html_inline(c)}</td>" for c in r) + "</tr>" for r in b.rows)
            body.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Figure):
            data = base64.b64encode(b.png).decode("ascii")
            alt = html.escape(b.alt or b.title, quote=True)
            cap = html_inline(b.title) + (": " + html_inline(b.caption) if b.caption else "")
            body.append(f'<figure><img alt="{alt}" src="data:image/png;base64,{data}"><figcaption>{cap}</figcaption></figure>')
    nav = f"<nav><ul>{''.join(toc)}</ul></nav>" if toc else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(doc.title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{html_inline(doc.title)}</h1>{nav}{''.join(body)}</body></html>\n")


def blocks_of(docs: Sequence[Document]) -> list[Block]:
    """All blocks of several documents, in order."""
    return [b for d in docs for b in d.blocks]
