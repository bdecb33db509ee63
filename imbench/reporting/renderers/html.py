"""The HTML renderer: a ``Document`` as one self-contained page (inline CSS, figures as base64 PNG, no scripts)."""

from __future__ import annotations

import base64
import html

from imbench.reporting.renderers.blocks import (
    Block,
    Bullets,
    Cell,
    Details,
    Document,
    Figure,
    FigureGrid,
    Heading,
    Para,
    Table,
    split_code,
)


def html_inline(text: str) -> str:
    """HTML for inline text: everything escaped, code spans as ``<code>``."""
    return "".join(f"<code>{html.escape(s)}</code>" if is_code else html.escape(s) for is_code, s in split_code(text))


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
