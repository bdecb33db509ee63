"""The document model the renderers read: headings, paragraphs, lists, tables, figures, collapsible sections.

Inline text knows one markup only: `code spans` in backticks (use :func:`code` for names). Everything
else is literal: the Markdown renderer (``markdown``) backslash-escapes punctuation, the HTML renderer
(``html``) escapes every string with ``html.escape``. No renderer emits scripts or external references.
"""

from __future__ import annotations

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


def split_code(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is a code span, text) pieces, in order; the backticks themselves dropped."""
    parts, pos = [], 0
    for m in _CODE.finditer(text):
        parts.append((False, text[pos : m.start()]))
        parts.append((True, m.group(1)))
        pos = m.end()
    parts.append((False, text[pos:]))
    return parts
