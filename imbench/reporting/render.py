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
class Cell:
    """A table cell with more than text: bold (the best value), a second smaller line, a hover title, a flag."""

    text: str
    bold: bool = False
    sub: str = ""
    title: str = ""
    flag: str = ""


@dataclass
class Table:
    columns: list[str]
    rows: Sequence[Sequence[str | Cell]]
    caption: str = ""


@dataclass
class Figure:
    title: str
    png: bytes
    caption: str = ""
    alt: str = ""


@dataclass
class FigureGrid:
    """Figures laid out side by side where the page is wide enough, stacked where it is not."""

    figures: list[Figure]


@dataclass
class Details:
    """A collapsible section (HTML ``<details>``): detail a reader opens on demand, no script needed."""

    summary: str
    blocks: list[Block]
    open: bool = False


Block = Heading | Para | Bullets | Table | Figure | FigureGrid | Details


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
        parts.append((False, text[pos : m.start()]))
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


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1200px;margin:1.2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:2px solid #444;font-size:1.6em;margin:.2em 0 .4em}h2{border-bottom:1px solid #bbb;margin-top:1.8em}
h1,h2,h3,p,li,figcaption,summary{overflow-wrap:anywhere}
.tw{overflow-x:auto;max-width:100%;margin:.8em 0}
table{border-collapse:collapse;font-size:.88em}th,td{border:1px solid #ccc;padding:.25em .5em;
vertical-align:top;text-align:left}th{background:#f0f0f0;position:sticky;top:0}tr:nth-child(even) td{background:#fafafa}
td .sub{display:block;font-size:.82em;color:#666;white-space:nowrap}td .flag{color:#b35900;font-weight:600}
td b{color:#000}
code{background:#f3f3f3;padding:0 .2em;border-radius:3px}figure{margin:1em 0}
img{max-width:100%;height:auto}figure img{border:1px solid #ddd}figcaption{font-size:.88em;color:#555}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,540px),1fr));gap:0 1.2em}
p.small{font-size:.85em;color:#555}caption{caption-side:top;text-align:left;font-weight:600;padding:.3em 0}
nav ul{display:flex;flex-wrap:wrap;gap:.1em 1.2em;list-style:none;padding:0;margin:.3em 0;font-size:.9em}
details{margin:.6em 0;border:1px solid #ddd;border-radius:4px;padding:.3em .8em}
summary{cursor:pointer;font-weight:600}details[open] summary{margin-bottom:.4em}
"""


def _html_cell(c: str | Cell) -> str:
    if isinstance(c, str):
        return f"<td>{html_inline(c)}</td>"
    title = f' title="{html.escape(c.title, quote=True)}"' if c.title else ""
    text = html_inline(c.text)
    text = f"<b>{text}</b>" if c.bold and c.text else text
    flag = f' <span class="flag">{html_inline(c.flag)}</span>' if c.flag else ""
    sub = f'<span class="sub">{html_inline(c.sub)}</span>' if c.sub else ""
    return f"<td{title}>{text}{flag}{sub}</td>"


def _html_figure(b: Figure) -> str:
    data = base64.b64encode(b.png).decode("ascii")
    alt = html.escape(b.alt or b.title, quote=True)
    cap = html_inline(b.title) + (": " + html_inline(b.caption) if b.caption else "")
    return f'<figure><img alt="{alt}" src="data:image/png;base64,{data}"><figcaption>{cap}</figcaption></figure>'


class _HtmlWriter:
    """Renders blocks; level-2 headings outside collapsible sections get anchors and a table-of-contents entry."""

    def __init__(self) -> None:
        self.toc: list[str] = []

    def block(self, b: Block, top: bool = True) -> str:
        if isinstance(b, Heading):
            level = min(max(b.level, 2), 6)
            if level == 2 and top:
                n = len(self.toc) + 1
                self.toc.append(f'<li><a href="#s{n}">{html_inline(b.text)}</a></li>')
                return f'<h2 id="s{n}">{html_inline(b.text)}</h2>'
            return f"<h{level}>{html_inline(b.text)}</h{level}>"
        if isinstance(b, Para):
            cls = ' class="small"' if b.small else ""
            return f"<p{cls}>{html_inline(b.text)}</p>"
        if isinstance(b, Bullets):
            return "<ul>" + "".join(f"<li>{html_inline(i)}</li>" for i in b.items) + "</ul>"
        if isinstance(b, Table):
            cap = f"<caption>{html_inline(b.caption)}</caption>" if b.caption else ""
            head = "".join(f"<th>{html_inline(c)}</th>" for c in b.columns)
            rows = "".join("<tr>" + "".join(_html_cell(c) for c in r) + "</tr>" for r in b.rows)
            return f'<div class="tw"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
        if isinstance(b, Figure):
            return _html_figure(b)
        if isinstance(b, FigureGrid):
            return '<div class="figs">' + "".join(_html_figure(f) for f in b.figures) + "</div>"
        if isinstance(b, Details):
            inner = "".join(self.block(x, top=False) for x in b.blocks)
            return f"<details{' open' if b.open else ''}><summary>{html_inline(b.summary)}</summary>{inner}</details>"
        raise TypeError(f"unknown block {type(b).__name__}")


def to_html(doc: Document) -> str:
    """Render as one self-contained, responsive HTML page: inline CSS, figures as base64 PNG, no scripts."""
    w = _HtmlWriter()
    body = "".join(w.block(b) for b in doc.blocks)
    nav = f"<nav><ul>{''.join(w.toc)}</ul></nav>" if w.toc else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(doc.title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html_inline(doc.title)}</h1>{nav}{body}</body></html>\n"
    )
