"""An answer's HTML as a search index reads it: its text, and a section per heading.

MkDocs' search plugin splits a page's HTML with ``HTMLParser`` into text chunks and one section
per heading (its id, title and the text under it). The answers' HTML comes from the sanitizer,
which writes no comments, scripts or styles, escapes ``<`` and ``&`` in text and quotes every
attribute value: splitting it at its tags gives the same chunks, several times faster, and
is done once, where the answer is rendered, so building a page does not parse its HTML again.

Pure: imports nothing from MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

# A tag as the sanitizer writes it: a name, attributes whose values are quoted (they may hold `>`).
_TAG = re.compile(
    r"""<(?:/([a-zA-Z][^\s/>]*)[^>]*|([a-zA-Z][^\s/>]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*/?)>"""
)
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


@dataclass(frozen=True)
class IndexedSection:
    """A heading and what follows it, as MkDocs' ``ContentSection`` holds them."""

    id: str | None
    title: str | None
    text: tuple[str, ...]


@dataclass(frozen=True)
class IndexedHtml:
    """What a search index reads of sanitized HTML.

    Attributes:
        stripped: Every text chunk, one per line (MkDocs' ``stripped_html``).
        sections: One per heading, in order.
    """

    stripped: str
    sections: tuple[IndexedSection, ...]


def index_sanitized_html(html: str) -> IndexedHtml:
    """Split sanitized HTML into text chunks and sections, as MkDocs' ``ContentParser`` does."""
    chunks: list[str] = []
    sections: list[tuple[str | None, str | None, list[str]]] = []
    in_heading = False
    position = 0

    def add_text(raw: str) -> None:
        if not raw:
            return
        data = unescape(raw)
        chunks.append(data)
        if not sections:
            return
        section_id, _, text = sections[-1]
        if in_heading:
            sections[-1] = (section_id, data, text)
        else:
            text.append(data.rstrip("\n"))

    for tag in _TAG.finditer(html):
        add_text(html[position : tag.start()])
        position = tag.end()
        end_name, start_name, attributes = tag.groups()
        if start_name is not None and start_name.lower() in _HEADINGS:
            in_heading = True
            found = _ID.search(attributes or "")
            value = next(group for group in found.groups() if group is not None) if found else None
            sections.append((unescape(value) if value is not None else None, None, []))
        elif end_name is not None and end_name.lower() in _HEADINGS:
            in_heading = False
    add_text(html[position:])
    return IndexedHtml(
        "\n".join(chunks),
        tuple(IndexedSection(sid, title, tuple(text)) for sid, title, text in sections),
    )
